"""The parts `make deploy-test` starts on loopback, and stops again (see test_deploy.py).

Every process runs in a process group of its own, so stopping it stops its children
(gunicorn's workers, nginx's). Everything lives in one temporary directory.
"""
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLASK = [PYTHON, "-m", "flask", "--app", "wsgi"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30, verify=True) -> None:
    deadline = time.monotonic() + seconds
    session = requests.Session()
    session.trust_env = False  # loopback: no proxy or CA bundle from the environment
    while time.monotonic() < deadline:
        try:
            if session.get(url, timeout=1, verify=verify).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {seconds:g} s")


def nginx_binary() -> str:
    """Debian's nginx, installed with apt-get when missing (root only)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "")
    if found:
        return found
    print("--- nginx is not installed: apt-get install -y nginx", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "nginx"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(install, env=env, check=True, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


class Stack:
    """Processes, a TCP proxy and an SMTP server, all stopped by `close()`."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        self.closers = []

    def start(self, name: str, args: list[str], env: dict, log_name: str | None = None):
        log = open(self.workdir / f"{log_name or name}.log", "ab")
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def stop(self, name: str, sig=signal.SIGTERM, timeout: float = 40) -> None:
        """Signal the process (its master), wait; then kill its whole group."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # anything of its group left behind
        except ProcessLookupError:
            pass
        process.wait(5)

    def run(self, args: list[str], env: dict) -> str:
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def close(self) -> None:
        for name in reversed(list(self.processes)):
            try:
                self.stop(name, timeout=10)
            except Exception as error:  # keep stopping the others
                print(f"stopping {name}: {error}", file=sys.stderr)
        for closer in reversed(self.closers):
            try:
                closer()
            except Exception as error:
                print(f"cleanup: {error}", file=sys.stderr)


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def nginx_config(workdir: Path, *, http: int, https: int, apps: list[int], cert: Path, key: Path,
                 uploads: Path) -> Path:
    """deploy/nginx/shop.conf with loopback ports and temporary paths, in an nginx.conf of its own."""
    site = (ROOT / "deploy" / "nginx" / "shop.conf").read_text()
    replacements = [
        ("listen [::]:80;\n", ""), ("listen [::]:443 ssl;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https}$request_uri;"),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{apps[0]} "),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{apps[1]} "),
        ("/etc/ssl/shop/fullchain.pem", str(cert)), ("/etc/ssl/shop/privkey.pem", str(key)),
        ("/srv/shop/static/", f"{ROOT / 'static'}/"), ("/var/lib/shop/uploads/", f"{uploads}/"),
        ("/var/log/nginx/", f"{workdir}/"),
    ]
    for old, new in replacements:
        if old not in site:
            raise RuntimeError(f"deploy/nginx/shop.conf no longer contains {old!r}")
        site = site.replace(old, new)
    site = re.sub(r"server_name [^;]+;", "server_name 127.0.0.1;", site)
    (workdir / "shop.conf").write_text(site)
    mime = "/etc/nginx/mime.types"
    types = f"include {mime};" if os.path.exists(mime) else \
        "types { text/html html; text/css css; image/svg+xml svg; text/plain txt; }"
    user = "user root;" if os.geteuid() == 0 else ""  # workers read the 0700 temp directory
    main = f"""{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    {types}
    default_type application/octet-stream;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    access_log off;
    include {workdir}/shop.conf;
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(main)
    return path


class TcpProxy:
    """A loopback TCP proxy to PostgreSQL that can be stopped (all connections cut) and started.

    Stopping it is how the test makes "PostgreSQL is stopped" for the app servers without
    stopping the machine's shared PostgreSQL server.
    """

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.listener = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            if self.listener is not listener:  # stopped while accepting
                client.close()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class MailCatcher:
    """An aiosmtpd SMTP server on loopback that keeps (to, subject) of every message.

    `hold()` makes the next message (only that one) wait until `release()`, so a test can
    catch a worker in the middle of sending its queue.
    """

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.hold_next = False
        self.held = threading.Event()  # a message is being held
        self.gate = threading.Event()
        self.gate.set()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.gate.set()
        self.controller.stop()

    def hold(self):
        self.held.clear()
        self.gate.clear()
        self.hold_next = True

    def release(self):
        self.gate.set()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        message = message_from_bytes(envelope.content, policy=policy.default)
        if self.hold_next:  # only this one message waits; the others go through
            self.hold_next = False
            self.held.set()
            while not self.gate.is_set():
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)  # a real server takes a moment
        with self.lock:
            self.received.append((str(message["To"]), str(message["Subject"])))
        return "250 OK"

    def subjects(self) -> list[str]:
        with self.lock:
            return [subject for _, subject in self.received]
