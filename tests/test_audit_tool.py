"""tools/audit_dependencies.py asks the package indexes pip is set up with."""
import importlib.util
import urllib.error
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pip_config_list_output_is_read(tool):
    lines = ["global.cert='/etc/ssl/certs/ca-certificates.crt'",
             "global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'",
             ":env:.default-timeout='180'", ""]
    assert tool.parse_pip_config(lines) == {
        "global.cert": "/etc/ssl/certs/ca-certificates.crt",
        "global.extra-index-url": "file:///opt/pypi/simple file:///opt/pypi-more/simple",
        ":env:.default-timeout": "180"}


def test_this_machines_setup_asks_pypi_then_names_the_file_indexes(tool):
    # given pip's config as on this machine: extra file:// indexes, no index-url
    config = {"global.extra-index-url": "file:///opt/pypi/simple file:///opt/pypi-more/simple"}
    # when the indexes are worked out
    indexes = tool.configured_indexes(config, environ={})
    # then pip's default index comes first, with its JSON API; the file indexes have none
    assert [(i.url, i.json_api) for i in indexes] == [
        ("https://pypi.org/simple", "https://pypi.org/pypi/{name}/json"),
        ("file:///opt/pypi/simple", None), ("file:///opt/pypi-more/simple", None)]
    assert indexes[0].source == "pip's default index"
    assert indexes[1].source == "pip config global.extra-index-url"


def test_the_environment_wins_over_pip_config_and_install_over_global(tool):
    config = {"global.index-url": "https://global.example/simple",
              "install.index-url": "https://install.example/root/simple/",
              "global.extra-index-url": "https://extra.example/simple"}
    indexes = tool.configured_indexes(config, environ={})
    assert [i.url for i in indexes] == ["https://install.example/root/simple/",
                                        "https://extra.example/simple"]
    assert indexes[0].json_api == "https://install.example/root/pypi/{name}/json"
    environ = {"PIP_INDEX_URL": "https://mirror.example/simple",
               "PIP_EXTRA_INDEX_URL": "https://a.example/simple https://mirror.example/simple/"}
    indexes = tool.configured_indexes(config, environ)
    assert [(i.url, i.source) for i in indexes] == [
        ("https://mirror.example/simple", "PIP_INDEX_URL"),
        ("https://a.example/simple", "PIP_EXTRA_INDEX_URL")]  # the mirror once only


def test_an_index_url_with_no_json_api_is_named_and_not_asked(tool):
    assert tool.json_api_for("file:///opt/pypi/simple") is None
    assert tool.json_api_for("https://repo.example/artifactory/api/pypi/pypi") is None
    lines = tool.describe(tool.configured_indexes({}, {"PIP_INDEX_URL": "file:///w/simple"}))
    assert lines == ["not asking file:///w/simple (from PIP_INDEX_URL): it offers no JSON API "
                     "with advisories"]


def test_the_first_index_that_knows_a_package_answers_and_a_dead_one_is_asked_once(tool):
    # given a dead first index and a second that knows flask but not a private package
    indexes = tool.configured_indexes({}, {"PIP_INDEX_URL": "http://127.0.0.1:9/simple",
                                           "PIP_EXTRA_INDEX_URL": "https://b.example/simple"})
    asked = []

    def get(url):
        asked.append(url)
        if url.startswith("http://127.0.0.1:9/"):
            raise urllib.error.URLError("connection refused")
        if "/flask/" in url:
            return {"info": {"version": "3.1.0"}, "vulnerabilities": [
                {"id": "GHSA-x", "fixed_in": ["3.0.9"], "summary": "a session bug"}]}
        return None

    lookup = tool.Lookup(indexes, get=get)
    # when two packages are audited
    failures, notes = tool.audit({"flask": "3.0.0", "shop-private": "1.0"}, lookup)
    # then the advisory comes from the index that answered, and the dead one was asked once
    assert failures == ["flask 3.0.0: GHSA-x fixed in 3.0.9 (a session bug)"]
    assert "shop-private 1.0: on none of the indexes asked, not audited" in notes
    assert sum(url.startswith("http://127.0.0.1:9/") for url in asked) == 1
    assert lookup.answered == {"https://b.example/simple"}
    assert "http://127.0.0.1:9/simple" in lookup.failed


def test_when_no_index_answers_nothing_is_claimed(tool):
    indexes = tool.configured_indexes({}, {"PIP_INDEX_URL": "http://127.0.0.1:9/simple"})

    def get(url):
        raise urllib.error.URLError("connection refused")

    lookup = tool.Lookup(indexes, get=get)
    assert tool.audit({"flask": "3.0.0"}, lookup) == ([], [])
    assert lookup.answered == set()
