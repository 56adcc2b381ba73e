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
