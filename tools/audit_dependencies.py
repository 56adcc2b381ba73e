"""Check the installed Python packages against the vulnerabilities PyPI publishes.

    python tools/audit_dependencies.py [--python .venv/bin/python]

pip-audit asks PyPI for each exact version (`/pypi/<name>/<version>/json`), which the
package mirror this project is built with does not serve; this does the equivalent
with what it does serve, `/pypi/<name>/json`: the project's latest release and the
advisories PyPI lists for it, each with the versions that fix it.

For every installed distribution (the pinned requirements and what they pull in):
- FAIL when an advisory lists fixed versions and ours is older than all of them
  (a known vulnerability we have not taken the fix for), unless ALLOWED explains it;
- note when ours is behind the latest release (advisories fixed before the latest
  release are not in PyPI's list, so staying current is part of the check).
Exits 1 on a failure, 0 otherwise; 0 with a notice when PyPI cannot be reached.
"""
import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request

PYPI = "https://pypi.org/pypi/{name}/json"

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


def fetch(name: str) -> dict | None:
    try:
        with urllib.request.urlopen(PYPI.format(name=name), timeout=20) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def audit(packages: dict[str, str]) -> tuple[list[str], list[str]]:
    failures, notes = [], []
    for name, version in sorted(packages.items(), key=lambda item: item[0].lower()):
        data = fetch(name)
        if data is None:
            notes.append(f"{name} {version}: not on PyPI, not audited")
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
            notes.append(f"{name} {version}: behind the latest release {latest}")
    return failures, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=".venv/bin/python",
                        help="the interpreter whose packages are audited")
    args = parser.parse_args()
    packages = installed(args.python)
    try:
        failures, notes = audit(packages)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        print(f"dependency audit skipped: PyPI could not be reached ({error})")
        return 0
    for line in notes:
        print("note:", line)
    for line in failures:
        print("VULNERABLE:", line)
    print(f"dependency audit: {len(packages)} packages, {len(failures)} known vulnerabilities")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
