"""Start and stop the local Stripe stand-in from tests, and collect its webhooks.

    from tests.payments.standin_fixture import running_standin, WebhookReceiver

    with running_standin() as standin, WebhookReceiver() as receiver:
        standin.configure_webhooks(receiver.url, "whsec_test")
        ...
        delivery = receiver.wait_for(lambda d: d.event_type == "checkout.session.completed")

Pytest fixtures `standin` (one stand-in per test module) and `webhook_receiver`
(one per test, already wired to the stand-in) are defined here too: import them
into a test module or a conftest to use them.

The stand-in runs as a subprocess (`python -m standin --port 0`)
on a free loopback port, read from its banner; starting waits (bounded) until it
answers, and stopping terminates that one process.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 15.0
BANNER_PORT = re.compile(r"LOCAL STRIPE STAND-IN .* on http://127\.0\.0\.1:(\d+)")
TEST_SECRET_KEY = "sk_test_standin_fixture"
TEST_WEBHOOK_SECRET = "whsec_test_standin_fixture"

# Never let a real key or production setting leak into the stand-in from the environment.
_SCRUBBED_ENV = ("SHOP_ENV", "FLASK_ENV", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
                 "STANDIN_WEBHOOK_URL", "STANDIN_WEBHOOK_SECRET")


def standin_command(*extra_args: str) -> list[str]:
    return [sys.executable, "-m", "standin", *extra_args]


def standin_env(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.update(overrides or {})
    return env


def http_request(method: str, url: str, *, data: Mapping[str, Any] | bytes | None = None,
                 json_body: Any = None, headers: Mapping[str, str] | None = None,
                 timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request, redirects not followed: (status, headers, body)."""
    body: bytes | None = None
    all_headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode("utf-8")
        all_headers.setdefault("Content-Type", "application/json")
    elif isinstance(data, bytes):
        body = data
    elif data is not None:
        from urllib.parse import urlencode

        body = urlencode(data).encode("ascii")
        all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


def sign_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, computed independently of the stand-in."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Standin:
    """A running stand-in process."""

    port: int
    process: subprocess.Popen
    output: deque

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return "".join(self.output)

    def get_json(self, path: str) -> Any:
        status, _, body = http_request("GET", self.base_url + path)
        assert status == 200, (status, body)
        return json.loads(body)

    def post(self, path: str, **kwargs) -> tuple[int, Any]:
        status, headers, body = http_request("POST", self.base_url + path, **kwargs)
        if headers.get("Content-Type", "").startswith("application/json"):
            return status, json.loads(body)
        return status, body

    def configure_webhooks(self, url: str | None, secret: str | None = TEST_WEBHOOK_SECRET) -> None:
        status, body = self.post("/_standin/config", json_body={"webhook_url": url, "webhook_secret": secret})
        assert status == 200, body

    def events(self, **filters: str) -> list[dict]:
        from urllib.parse import urlencode

        query = ("?" + urlencode(filters)) if filters else ""
        return self.get_json("/_standin/events" + query)["data"]

    def pay(self, session_id: str, card: str) -> tuple[int, Any]:
        return self.post(f"/_standin/sessions/{session_id}/pay", data={"card": card})


def _drain(stream, sink: deque, banner_seen: threading.Event, port_box: list) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        sink.append(line)
        match = BANNER_PORT.search(line)
        if match and not port_box:
            port_box.append(int(match.group(1)))
            banner_seen.set()
    stream.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def running_standin(*extra_args: str, env: Mapping[str, str] | None = None,
                    timeout: float = START_TIMEOUT_SECONDS) -> Iterator[Standin]:
    """Run the stand-in on a free loopback port until the block ends."""
    process = subprocess.Popen(
        standin_command("--port", "0", *extra_args), cwd=PROJECT_ROOT, env=standin_env(env),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: deque = deque(maxlen=500)
    banner_seen = threading.Event()
    port_box: list[int] = []
    reader = threading.Thread(target=_drain, args=(process.stdout, output, banner_seen, port_box),
                              daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not banner_seen.wait(0.05):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Stripe stand-in did not start:\n" + "".join(output))
        standin = Standin(port=port_box[0], process=process, output=output)
        while True:
            try:
                status, _, _ = http_request("GET", standin.base_url + "/_standin/health", timeout=1)
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Stripe stand-in does not answer:\n" + "".join(output))
            time.sleep(0.05)
        yield standin
    finally:
        _stop(process)
        reader.join(timeout=5)


@dataclass
class Delivery:
    """One webhook POST the receiver got."""

    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    @property
    def event_type(self) -> str | None:
        try:
            return self.event.get("type")
        except ValueError:
            return None

    @property
    def signature(self) -> str:
        return self.headers.get("Stripe-Signature", "")


class WebhookReceiver:
    """A tiny HTTP server on 127.0.0.1 that records every POST it gets.

    `fail_next(n)` makes it answer 500 to the next n posts (to see retries).
    """

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._failures_left = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.deliveries.append(Delivery(dict(self.headers.items()), body, time.time()))
                    fail = receiver._failures_left > 0
                    if fail:
                        receiver._failures_left -= 1
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures_left = count

    def received(self, predicate: Callable[[Delivery], bool] = lambda d: True) -> list[Delivery]:
        with self._lock:
            return [d for d in self.deliveries if predicate(d)]

    def wait_for(self, predicate: Callable[[Delivery], bool], *, count: int = 1,
                 timeout: float = 10.0) -> list[Delivery]:
        """Poll until `count` deliveries match (bounded by `timeout`); returns them."""
        deadline = time.monotonic() + timeout
        while True:
            matching = self.received(predicate)
            if len(matching) >= count:
                return matching
            if time.monotonic() > deadline:
                got = [d.event_type for d in self.received()]
                raise AssertionError(f"expected {count} matching webhook(s) within {timeout}s; got {got}")
            time.sleep(0.05)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def of_type(event_type: str, session_id: str | None = None) -> Callable[[Delivery], bool]:
    """A predicate for `WebhookReceiver.wait_for`: event type, and optionally the session id."""
    def predicate(delivery: Delivery) -> bool:
        try:
            event = delivery.event
        except ValueError:
            return False
        if event.get("type") != event_type:
            return False
        return session_id is None or event.get("data", {}).get("object", {}).get("id") == session_id
    return predicate


@pytest.fixture(scope="module")
def standin() -> Iterator[Standin]:
    with running_standin() as server:
        yield server


@pytest.fixture
def webhook_receiver(standin: Standin) -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        standin.configure_webhooks(receiver.url, TEST_WEBHOOK_SECRET)
        yield receiver
        standin.configure_webhooks(None, None)
