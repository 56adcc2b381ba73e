"""One JSON log line per request, a request id sent back and shown on error pages, Sentry opt-in."""
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shop import create_app, request_log
from shop.orders import emails
from tests.conftest import settings_for
from tests.factories import make_order

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Lines(logging.Handler):
    """Keeps the JSON lines written to the request log."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))

    def events(self, name):
        return [line for line in self.lines if line["event"] == name]


@pytest.fixture
def request_lines():
    handler = Lines()
    request_log.log.addHandler(handler)
    yield handler
    request_log.log.removeHandler(handler)


def test_each_request_is_one_json_line_with_its_id_sent_back(client, request_lines):
    # given a running shop
    # when a visitor asks for a page, with a query string
    response = client.get("/robots.txt?secret=1", environ_base={"REMOTE_ADDR": "127.0.0.9"})
    # then one JSON line says what happened, and its id is the response's X-Request-ID
    assert response.status_code == 200
    [line] = request_lines.events("request")
    assert line["method"] == "GET" and line["path"] == "/robots.txt" and line["status"] == 200
    assert line["remote_addr"] == "127.0.0.9"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32  # a fresh uuid4 hex
    assert "secret" not in json.dumps(line)


def test_a_sane_incoming_request_id_is_kept(client, request_lines):
    # given nginx's request id in the request
    # when the request is served
    response = client.get("/healthz", headers={"X-Request-ID": "4f1c2b9e8d7a6f5e4d3c2b1a0f9e8d7c"})
    # then the shop answers and logs with that id
    assert response.headers["X-Request-ID"] == "4f1c2b9e8d7a6f5e4d3c2b1a0f9e8d7c"
    assert request_lines.events("request")[0]["request_id"] == "4f1c2b9e8d7a6f5e4d3c2b1a0f9e8d7c"


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 65, "<script>", "-leading-dash",
                                      "id\u00e9"])
def test_an_odd_incoming_request_id_is_replaced(client, request_lines, incoming):
    # given a request id no proxy would make (empty, too long, odd characters)
    # when the request is served
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    # then the shop makes its own
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32
    assert request_lines.events("request")[0]["request_id"] == response.headers["X-Request-ID"]


def test_the_logged_address_is_the_client_behind_a_trusted_proxy(tmp_path, request_lines):
    # given a shop behind one trusted proxy
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'shop.db'}", TRUSTED_PROXIES=1))
    # when the proxy forwards a client's request
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"},
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
    # then the log names the client, not the proxy
    assert request_lines.events("request")[0]["remote_addr"] == "203.0.113.7"


def test_an_error_page_shows_the_request_id_as_a_reference(client, request_lines):
    # given a page that does not exist
    # when a visitor asks for it
    response = client.get("/no-such-page", headers={"X-Request-ID": "ref-1234"})
    # then the error page quotes the id the log holds
    assert response.status_code == 404
    assert "Reference: <code>ref-1234</code>" in response.get_data(as_text=True)
    assert request_lines.events("request")[0] == {**request_lines.events("request")[0],
                                                  "status": 404, "request_id": "ref-1234"}


def test_a_server_error_page_shows_the_request_id(app, request_lines):
    # given a view that fails, served as in production (exceptions not propagated)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("boom")

    # when a visitor hits it
    response = app.test_client().get("/test-boom")
    # then the 500 page quotes the id sent back and logged
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert f"Reference: <code>{request_id}</code>" in response.get_data(as_text=True)
    assert request_lines.events("request")[0]["status"] == 500


def test_an_email_queued_during_a_request_is_logged_with_its_id(app, request_lines):
    # given a paid order
    order = make_order()
    # when a request with id "req-42" queues its confirmation
    with app.test_request_context("/", headers={"X-Request-ID": "req-42"}):
        emails.queue_order_confirmation(order)
    # then the queued email's log line carries that id
    [line] = request_lines.events("email_queued")
    assert line == {"event": "email_queued", "request_id": "req-42",
                    "kind": "order_confirmation", "key": order.number}


def test_without_sentry_dsn_nothing_is_reported(app):
    # given no SENTRY_DSN (the test settings)
    # then Sentry was not started
    assert "sentry" not in app.extensions
    assert request_log.init_sentry(app) is False


def test_with_sentry_dsn_errors_are_reported_to_sentry():
    # given SENTRY_DSN in the environment (a loopback address nobody listens on)
    pytest.importorskip("sentry_sdk")
    env = {**os.environ, "SENTRY_DSN": "http://public@127.0.0.1:9/1", "SHOP_ENV": "testing"}
    code = ("import sentry_sdk; from shop import create_app; app = create_app(); "
            "print(app.extensions.get('sentry'), sentry_sdk.get_client().is_active(), "
            "sentry_sdk.get_client().dsn)")
    # when a fresh process builds the app
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    # then Sentry is started with that DSN
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "http://public@127.0.0.1:9/1"]
