"""A stopping app server answers the requests already on their way (deploy/gunicorn_worker.py).

Each test runs gunicorn with the shop's gunicorn.conf.py (one worker, one thread) on a
tiny app, so the connection is caught at the moment that matters, then sends SIGTERM as
`systemctl stop` does. gunicorn's own gthread worker drops that connection: the client
is reset, which behind nginx is a 502 for a POST.
"""
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import gunicorn
import pytest

from deploy import gunicorn_worker
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent

APP = '''
import time

def app(environ, start_response):
    environ["wsgi.input"].read()
    if environ["PATH_INFO"] == "/slow":
        time.sleep(1.5)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
'''

POST = b"POST /cart HTTP/1.1\r\nHost: shop\r\nContent-Length: 3\r\nConnection: close\r\n\r\nx=1"


@pytest.fixture
def app_server(tmp_path):
    """Starts gunicorn on a tiny app; yields (port, master).

    One worker with one thread, which takes two connections at most: one in its thread,
    one waiting for it. A third waits in the kernel's queue on the listening socket.
    """
    (tmp_path / "tiny.py").write_text(APP)
    port = free_port()
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
         "--worker-connections", "2", "--max-requests", "0", "--chdir", str(tmp_path),
         "tiny:app"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not answers(port):  # the worker is up, not just the master's socket
            if time.monotonic() > deadline or master.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)
        time.sleep(0.2)  # that request's connection is closed and counted off
        yield port, master
    finally:
        if master.poll() is None:
            master.kill()
        master.wait(10)


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n")
            return response_to(client).startswith(b"HTTP/1.1 200 OK")
    except OSError:
        return False


def response_to(client: socket.socket) -> bytes:
    """What the server sent back before closing; a reset reads as b"reset"."""
    client.settimeout(10)
    received = b""
    try:
        while chunk := client.recv(4096):
            received += chunk
    except ConnectionResetError:
        return b"reset"
    return received


def test_connections_accepted_or_queued_when_the_server_stops_are_answered(app_server):
    port, master = app_server
    answered = {}

    def send(name: str, request: bytes) -> threading.Thread:
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(request)

        def read():
            with client:
                answered[name] = response_to(client)
        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.3)
        return reader

    readers = [send("slow", b"GET /slow HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n"),
               send("next", POST),  # accepted; read once the thread is free
               send("queued", POST)]  # not accepted: the worker has two already

    master.send_signal(signal.SIGTERM)

    for reader in readers:
        reader.join(15)
    assert {name: answer[:15] for name, answer in answered.items()} == {
        "slow": b"HTTP/1.1 200 OK", "next": b"HTTP/1.1 200 OK", "queued": b"HTTP/1.1 200 OK"}
    assert master.wait(20) == 0


def test_a_connection_accepted_before_its_request_arrived_is_answered(app_server):
    port, master = app_server
    with socket.create_connection(("127.0.0.1", port)) as client:
        time.sleep(0.3)  # accepted: the worker waits for the request on a later turn of its loop

        master.send_signal(signal.SIGTERM)
        time.sleep(1.5)  # the worker's loop has ended (it wakes at least once a second)
        client.sendall(POST)

        assert response_to(client).startswith(b"HTTP/1.1 200 OK")
    assert master.wait(20) == 0


def test_an_idle_connection_does_not_hold_a_stopping_server(app_server):
    port, master = app_server
    with socket.create_connection(("127.0.0.1", port)) as idle, \
            socket.create_connection(("127.0.0.1", port)) as buyer:
        time.sleep(0.3)  # both accepted; only the buyer will send a request
        master.send_signal(signal.SIGTERM)
        started = time.monotonic()
        time.sleep(1.5)  # the worker's loop has ended: both wait for a request
        buyer.sendall(POST)

        assert response_to(buyer).startswith(b"HTTP/1.1 200 OK")
        assert response_to(idle) == b""  # closed, unanswered: it asked nothing
        assert master.wait(20) == 0
    # long before gunicorn's graceful_timeout (30 s) would have it killed
    assert time.monotonic() - started < gunicorn_worker.REQUEST_WAIT_SECONDS + 2


def test_half_a_request_does_not_hold_a_stopping_server(app_server):
    port, master = app_server
    with socket.create_connection(("127.0.0.1", port)) as slow:
        time.sleep(0.3)
        master.send_signal(signal.SIGTERM)
        started = time.monotonic()
        time.sleep(1.5)
        slow.sendall(b"POST /cart HTTP/1.1\r\nHo")  # and no more

        assert response_to(slow) in (b"", b"reset")  # dropped, unanswered
        assert master.wait(20) == 0
    assert time.monotonic() - started < 1.5 + gunicorn_worker.REQUEST_WAIT_SECONDS + 2


def test_the_worker_is_checked_against_the_gunicorn_it_runs_on():
    # deploy/gunicorn_worker.py copies gunicorn's ThreadWorker.run and uses its connection
    # objects: on another version, read that version's gthread.py and update the copy.
    assert gunicorn.version_info[:2] == gunicorn_worker.GUNICORN_VERSION
