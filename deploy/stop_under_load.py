"""How many requests an app server drops when it stops under load.

    .venv/bin/python -m deploy.stop_under_load [--stops 10] [--worker-class gthread]

Starts gunicorn with the shipped gunicorn.conf.py on a tiny app, lets 8 clients post to
it on new connections as fast as they can, sends SIGTERM after a second (as `systemctl
stop`), and counts what the clients got. "refused" is safe behind nginx (it sends the
request to the other app server); a reset after the request was sent is a 502 for a
POST. `--worker-class gthread` measures gunicorn's own worker, for comparison with
deploy/gunicorn_worker.py.
"""
import argparse
import collections
import http.client
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from deploy.stack import free_port

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
APP = '''
import time

def app(environ, start_response):
    environ["wsgi.input"].read()
    time.sleep(0.005)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
'''


def post(port: int) -> str:
    """One POST on a new connection: the status, "refused", or the error's name."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/cart", body=b"x=1", headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        return str(response.status)
    except ConnectionRefusedError:
        return "refused"
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def one_stop(workdir: str, worker_class: str | None) -> collections.Counter:
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{port}", "--chdir", workdir, "tiny:app"]
    if worker_class:
        args += ["--worker-class", worker_class]
    master = subprocess.Popen(args, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while post(port) != "200":  # the workers are up
            if master.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: {' '.join(args)}")
            time.sleep(0.1)
        outcomes = collections.Counter()
        lock = threading.Lock()
        stopped = threading.Event()

        def client():
            while not stopped.is_set():
                outcome = post(port)
                with lock:
                    outcomes[outcome] += 1
                if outcome == "refused":
                    time.sleep(0.01)

        clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in clients:
            thread.start()
        time.sleep(1)
        master.send_signal(signal.SIGTERM)
        master.wait(60)
        time.sleep(0.3)
        stopped.set()
        for thread in clients:
            thread.join()
    finally:
        if master.poll() is None:
            master.kill()
            master.wait(10)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stops", type=int, default=10)
    parser.add_argument("--worker-class", help="instead of gunicorn.conf.py's")
    options = parser.parse_args()
    total = collections.Counter()
    with tempfile.TemporaryDirectory() as workdir:
        Path(workdir, "tiny.py").write_text(APP)
        for number in range(1, options.stops + 1):
            outcomes = one_stop(workdir, options.worker_class)
            total.update(outcomes)
            print(f"stop {number}: {dict(outcomes)}")
    dropped = sum(count for outcome, count in total.items() if outcome not in ("200", "refused"))
    print(f"{options.stops} stops: {total['200']} answered, {total['refused']} refused "
          f"(safe), {dropped} dropped after sending")
    return 0


if __name__ == "__main__":
    sys.exit(main())
