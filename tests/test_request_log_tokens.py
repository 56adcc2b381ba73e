"""The request log never writes the secret part of an emailed link (verify, reset,
back-in-stock confirm and unsubscribe): only a placeholder."""
import json

import pytest

from tests.test_request_log import request_lines  # noqa: F401  (fixture)

TOKEN = "abcDEF123secretTOKENvalue-xyz"


@pytest.mark.parametrize("path, logged", [
    (f"/account/verify/{TOKEN}", "/account/verify/<token>"),
    (f"/account/reset/{TOKEN}", "/account/reset/<token>"),
    (f"/back-in-stock/confirm/{TOKEN}", "/back-in-stock/confirm/<token>"),
    (f"/back-in-stock/unsubscribe/{TOKEN}", "/back-in-stock/unsubscribe/<token>"),
])
def test_a_token_in_the_path_is_masked_in_the_log(client, request_lines, path, logged):  # noqa: F811
    # when a visitor opens an emailed link (whatever the page answers)
    client.get(path)
    # then the logged path has a placeholder instead of the token
    [line] = request_lines.events("request")
    assert line["path"] == logged
    assert TOKEN not in json.dumps(request_lines.lines)


def test_other_paths_are_logged_as_they_are(client, request_lines):  # noqa: F811
    client.get("/track/IO-TOKEN-1234")
    [line] = request_lines.events("request")
    assert line["path"] == "/track/IO-TOKEN-1234"


@pytest.mark.parametrize("prefix", ["", "/shop"])
def test_nginx_masks_the_token_of_every_route_that_has_one(app, prefix):
    """deploy/nginx/shop.conf's access log masks tokens by path: each route with a token,
    under a path prefix or not, must match one of its patterns and come out as the app
    logs it (a new emailed link needs a line there too)."""
    import re
    from pathlib import Path
    conf = (Path(__file__).resolve().parent.parent / "deploy/nginx/shop.conf").read_text()
    block = conf[conf.index("map $uri $shop_logged_uri {"):]
    block = block[:block.index("}")]
    rules = re.findall(r'"~\*(\^[^"]+)"\s+"([^"]+)";', block)
    assert len(rules) >= 2
    masks = [(re.compile(pattern.replace("(?<", "(?P<"), re.IGNORECASE),
              re.sub(r"\$(\w+)", r"\\g<\1>", value)) for pattern, value in rules]
    token_rules = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert len(token_rules) >= 4
    for rule in token_rules:
        path = prefix + rule.rule.replace("<token>", TOKEN)
        logged = [pattern.sub(value, path) for pattern, value in masks if pattern.match(path)]
        assert logged == [prefix + rule.rule], rule.rule
