"""Check the installed Python packages against the vulnerabilities their package index publishes.

    python tools/audit_dependencies.py [--python .venv/bin/python]

The indexes asked are the ones pip itself is set up with (`pip config list`,
PIP_INDEX_URL, PIP_EXTRA_INDEX_URL): the index URL (PyPI's when none is set), then
each extra index. Advisories come from an index's JSON API (`<root>/pypi/<name>/json`,
as PyPI and its mirrors serve for an index at `<root>/simple`); an index without one
(a `file://` simple index, say) is named and skipped. For each package the first index
that knows it answers.

pip-audit asks for each exact version (`/pypi/<name>/<version>/json`), which the
package mirror this project is built with does not serve; this does the equivalent
with what it does serve, `/pypi/<name>/json`: the project's latest release and the
advisories listed for it, each with the versions that fix it.

For every installed distribution (the pinned requirements and what they pull in):
- FAIL when an advisory lists fixed versions and ours is older than all of them
  (a known vulnerability we have not taken the fix for), unless ALLOWED explains it;
- note when ours is behind the latest release (advisories fixed before the latest
  release are not in the list, so staying current is part of the check).
Exits 1 on a failure, 0 otherwise; 0 with a notice naming the indexes asked when none
of them answered.
"""
import argparse
import ast
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

PIP_DEFAULT_INDEX = "https://pypi.org/simple"
TIMEOUT_SECONDS = 15

# Advisory id -> why it does not apply to this shop. Keep this list short and dated.
ALLOWED: dict[str, str] = {}


def _version_key(version: str) -> tuple:
    """A sortable key for plain release versions (1.2.10 > 1.2.9); pre-releases sort first."""
    parts = []
    for piece in version.replace("-", ".").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append((int(digits) if digits else -1, piece))
    return tuple(parts)


def installed(python: str) -> dict[str, str]:
    out = subprocess.run([python, "-m", "pip", "list", "--format=json",
                          "--exclude-editable"], check=True, capture_output=True, text=True)
    return {item["name"]: item["version"] for item in json.loads(out.stdout)
            if item["name"].lower() not in {"pip", "setuptools", "wheel"}}


@dataclass(frozen=True)
class Index:
    """A package index pip is set up to use: its URL, where that setting came from, and
    its JSON API address (with `{name}`), or None when it has none."""
    url: str
    source: str
    json_api: str | None


def parse_pip_config(lines: Iterable[str]) -> dict[str, str]:
    """`pip config list` output (`global.index-url='https://...'`) as {key: value}."""
    settings = {}
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if not sep:
            continue
        try:
            settings[key] = str(ast.literal_eval(value))
        except (ValueError, SyntaxError):
            settings[key] = value.strip("'\"")
    return settings


def json_api_for(index_url: str) -> str | None:
    """The JSON API beside a simple index at `<root>/simple` over HTTP(S); None otherwise."""
    parts = urlsplit(index_url)
    path = parts.path.rstrip("/")
    if parts.scheme not in ("http", "https") or not path.endswith("/simple"):
        return None
    root = path[:-len("/simple")]
    return urlunsplit((parts.scheme, parts.netloc, root + "/pypi/{name}/json", "", ""))


def _pip_option(name: str, config: Mapping[str, str], environ: Mapping[str, str]):
    """(value, where it came from) of a pip option, in pip's precedence; (None, None) if unset."""
    variable = "PIP_" + name.upper().replace("-", "_")
    if environ.get(variable):
        return environ[variable], variable
    for section in (":env:", "install", "global"):  # :env: is how pip config lists PIP_*
        key = f"{section}.{name}"
        if config.get(key):
            return config[key], variable if section == ":env:" else f"pip config {key}"
    return None, None


def configured_indexes(config: Mapping[str, str], environ: Mapping[str, str]) -> list[Index]:
    """The indexes pip would ask, in its order: the index URL (PyPI's by default), then extras."""
    index_url, source = _pip_option("index-url", config, environ)
    found = [(index_url or PIP_DEFAULT_INDEX, source or "pip's default index")]
    extra, extra_source = _pip_option("extra-index-url", config, environ)
    found += [(url, extra_source) for url in (extra or "").split()]
    indexes, seen = [], set()
    for url, where in found:
        if url.rstrip("/") not in seen:
            seen.add(url.rstrip("/"))
            indexes.append(Index(url, where, json_api_for(url)))
    return indexes


def pip_indexes(python: str) -> list[Index]:
    out = subprocess.run([python, "-m", "pip", "config", "list"], check=True,
                         capture_output=True, text=True)
    return configured_indexes(parse_pip_config(out.stdout.splitlines()), os.environ)


def fetch(url: str) -> dict | None:
    """The JSON at `url`; None when the index does not know the package (404)."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


@dataclass
class Lookup:
    """Asks the indexes with a JSON API, in order; remembers which answered and which failed."""
    indexes: list[Index]
    get: Callable[[str], dict | None] = fetch

    def __post_init__(self):
        self.answered: set[str] = set()
        self.failed: dict[str, str] = {}

    def project(self, name: str) -> tuple[dict | None, Index | None]:
        for index in self.indexes:
            if index.json_api is None or index.url in self.failed:
                continue
            try:
                data = self.get(index.json_api.format(name=name))
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
                self.failed[index.url] = str(error)  # not asked again in this run
                continue
            self.answered.add(index.url)
            if data is not None:
                return data, index
        return None, None


def audit(packages: dict[str, str], lookup: Lookup) -> tuple[list[str], list[str]]:
    failures, notes = [], []
    for name, version in sorted(packages.items(), key=lambda item: item[0].lower()):
        data, index = lookup.project(name)
        if data is None:
            if lookup.answered:
                notes.append(f"{name} {version}: on none of the indexes asked, not audited")
            continue
        latest = data["info"]["version"]
        for advisory in data.get("vulnerabilities") or []:
            ident = advisory.get("id") or ",".join(advisory.get("aliases") or [])
            fixed = advisory.get("fixed_in") or []
            if fixed and all(_version_key(version) < _version_key(f) for f in fixed):
                if ident in ALLOWED:
                    notes.append(f"{name} {version}: {ident} allowed: {ALLOWED[ident]}")
                else:
                    failures.append(f"{name} {version}: {ident} fixed in {', '.join(fixed)} "
                                    f"({(advisory.get('summary') or advisory.get('details') or '')[:100]})")
        if _version_key(version) < _version_key(latest):
            notes.append(f"{name} {version}: behind the latest release {latest} ({index.url})")
    return failures, notes


def describe(indexes: list[Index]) -> list[str]:
    """One line per configured index: asked (its JSON API), or why not."""
    lines = []
    for index in indexes:
        if index.json_api:
            lines.append(f"asking {index.json_api} (index {index.url}, from {index.source})")
        else:
            lines.append(f"not asking {index.url} (from {index.source}): it offers no JSON API "
                         "with advisories")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=".venv/bin/python",
                        help="the interpreter whose packages are audited (and whose pip "
                             "configuration names the indexes)")
    args = parser.parse_args()
    packages = installed(args.python)
    indexes = pip_indexes(args.python)
    for line in describe(indexes):
        print("dependency audit:", line)
    lookup = Lookup(indexes)
    failures, notes = audit(packages, lookup)
    for url, error in lookup.failed.items():
        print(f"dependency audit: {url} did not answer ({error})")
    if not lookup.answered:
        asked = [i.url for i in indexes if i.json_api]
        print("dependency audit skipped: no index answered; " + (
            f"asked: {', '.join(asked)}" if asked else
            f"none of pip's indexes ({', '.join(i.url for i in indexes)}) offers a JSON API"))
        return 0
    for line in notes:
        print("note:", line)
    for line in failures:
        print("VULNERABLE:", line)
    print(f"dependency audit: {len(packages)} packages, {len(failures)} known vulnerabilities "
          f"(advisories from {', '.join(sorted(lookup.answered))})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
