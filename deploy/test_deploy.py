"""`make deploy-test`: the shop run like production on loopback, checked through nginx only.

    python -m deploy.test_deploy [--keep]   (--keep: leave the temporary directory for reading)

Starts, each bound to 127.0.0.1 on a free high port, and stops again whatever happens:
PostgreSQL is the machine's own server (a scratch schema in TEST_DATABASE_URL's database,
postgresql://postgres@127.0.0.1:5432/test by default), reached by the app servers through
a TCP proxy of this script that can be stopped (that is "PostgreSQL is stopped": the
shared server itself is never stopped); Redis is the machine's own (database 12,
emptied before and after); the Stripe stand-in; an SMTP server (aiosmtpd, in this
process); the worker; TWO gunicorn app servers (gunicorn.conf.py); nginx with
deploy/nginx/shop.conf (own config, pid and logs in the temporary directory, a
self-signed certificate). Then every bullet of issue 21's "What to prove", through
nginx only. The app servers run SHOP_ENV=development, as production refuses the
stand-in: production's settings that matter here (SECRET_KEY, TRUSTED_PROXIES=1,
TRUSTED_HOSTS, SHOP_BASE_URL, REDIS_URL) are set by hand. Bounded: 170 s at most.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
import requests
import sqlalchemy as sa

from deploy.forms import csrf_token, form_fields
from deploy.stack import (FLASK, PYTHON, ROOT, MailCatcher, Stack, TcpProxy, free_port,
                          nginx_binary, nginx_config, self_signed_certificate, wait_for)

REDIS_URL = "redis://127.0.0.1:6379/12"
STRIPE_KEY, WEBHOOK_SECRET = "sk_test_deploytest", "whsec_deploytest"
MANAGER, MANAGER_PASSWORD = "manager@example.com", "deploy-test-password-1"
STALENESS_SECONDS = 1.0  # CATALOG_VERSION_SECONDS with Redis: the promised staleness
TIME_LIMIT = 170


class Checks:
    """Named checks, each passed or failed with what was seen."""

    def __init__(self):
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, bool(ok), detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f"  [{detail}]" if detail else ""),
              flush=True)
        return bool(ok)


class Shop:
    """The running shop as a client sees it, and what the test reads behind it."""

    def __init__(self, stack: Stack, base: str, cert: Path, engine, apps: dict[str, int]):
        self.stack, self.base, self.cert, self.engine, self.apps = stack, base, cert, engine, apps

    def client(self, address: str = "127.0.0.1") -> requests.Session:
        """A customer's browser, connecting to nginx from `address` (any 127.x.y.z)."""
        session = requests.Session()
        adapter = SourceAddressAdapter(address)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.verify = str(self.cert)
        session.trust_env = False  # no proxy or CA bundle from the environment: loopback only
        session.headers["Referer"] = self.base + "/"  # as a browser sends (CSRF over HTTPS)
        return session

    def served_by(self, request_id: str) -> str | None:
        """Which app server ("A" or "B") logged the request with this id."""
        for name in self.apps:
            log = self.stack.workdir / f"app-{name}.log"
            if log.exists() and f'"request_id":"{request_id}"' in log.read_text(errors="replace"):
                return name
        return None

    def one(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()


class SourceAddressAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


# --- the checks ----------------------------------------------------------------------------

def buy(shop: Shop, address: str, slug: str, sku: str, email: str, standin: str,
        seen: dict | None = None) -> dict:
    """A customer from `address` buys one `sku` through nginx; what each step answered
    (written into `seen` as it goes, so a caller keeps the steps of a buy that raised)."""
    s = shop.client(address)
    seen = {} if seen is None else seen
    seen["ids"] = []

    def call(method, path, **kw):
        r = s.request(method, shop.base + path, timeout=30, allow_redirects=False, **kw)
        seen["ids"].append(r.headers.get("X-Request-ID"))
        return r

    call("GET", "/")
    page = call("GET", f"/products/{slug}")
    seen["add"] = call("POST", "/cart/add", data={"sku": sku, "quantity": 1, "next": "/cart",
                                                   "csrf_token": csrf_token(page.text)}).status_code
    seen["cart_has_item"] = sku in call("GET", "/cart").text
    checkout = call("GET", "/checkout")
    r = call("POST", "/checkout", data={
        "csrf_token": csrf_token(checkout.text), "email": email, "name": "Deploy Buyer",
        "address1": "1 Main St", "city": "Albany", "region": "NY", "postal_code": "12207",
        "country": "US", "shipping_method": "standard"})
    seen["checkout"] = r.status_code
    if r.status_code != 303:
        return seen
    session_id = r.headers["Location"].rsplit("/", 1)[-1]
    # The stand-in's payment page posts to itself, so the browser names its own origin.
    shop.client().post(f"{standin}/_standin/sessions/{session_id}/pay",
                       data={"card": "4242424242424242"}, timeout=30, allow_redirects=False,
                       headers={"Referer": f"{standin}/_standin/sessions/{session_id}"})
    seen["success"] = call("GET", f"/checkout/success?session_id={session_id}").status_code
    return seen


def check_redirect_and_tls(shop: Shop, checks: Checks, http_port: int) -> None:
    r = shop.client().get(f"http://127.0.0.1:{http_port}/products?page=2",
                          allow_redirects=False, timeout=5)
    checks.check("plain HTTP is redirected to HTTPS", r.status_code == 301 and
                 r.headers.get("Location") == f"{shop.base}/products?page=2",
                 f"{r.status_code} -> {r.headers.get('Location')}")
    r = shop.client().get(shop.base + "/healthz", timeout=5)
    checks.check("/healthz answers through nginx over TLS (certificate verified)",
                 r.status_code == 200 and "max-age" in r.headers.get("Strict-Transport-Security", ""),
                 str(r.status_code))


def check_customer_flow(shop: Shop, checks: Checks, product: dict, standin: str) -> None:
    email = f"flow-{uuid.uuid4().hex[:8]}@example.com"
    seen = buy(shop, "127.0.0.10", product["slug"], product["sku"], email, standin)
    status = shop.one("SELECT status FROM shop_order WHERE email = :e", e=email)
    servers = {shop.served_by(i) for i in seen["ids"] if i}
    checks.check("a customer browses, adds to cart, checks out and pays through nginx",
                 seen["add"] in (302, 303) and seen["cart_has_item"] and seen["checkout"] == 303
                 and status == "paid", f"add {seen['add']}, checkout {seen['checkout']}, "
                 f"success {seen.get('success')}, order {status}")
    checks.check("the customer's cart and session survived requests landing on both app servers",
                 servers == {"A", "B"} and status == "paid",
                 f"{len(seen['ids'])} requests served by {sorted(s or '?' for s in servers)}")


def check_price_change(shop: Shop, checks: Checks, product: dict) -> None:
    manager = shop.client("127.0.0.20")
    login = manager.get(shop.base + "/admin/login", timeout=10)
    r = manager.post(shop.base + "/admin/login", allow_redirects=False, timeout=10, data={
        "csrf_token": csrf_token(login.text), "email": MANAGER, "password": MANAGER_PASSWORD})
    if not checks.check("a manager signs in through nginx", r.status_code == 303,
                        str(r.status_code)):
        return
    path = f"/admin/products/{product['product_id']}/variants/{product['variant_id']}"
    fields = form_fields(manager.get(shop.base + path, timeout=10).text, must_have="price")
    new_cents = product["price_cents"] + 1234
    fields["price"] = f"{new_cents / 100:.2f}"
    customer = shop.client("127.0.0.21")
    customer.get(f"{shop.base}/products/{product['slug']}", timeout=10)  # both caches warm
    customer.get(f"{shop.base}/products/{product['slug']}", timeout=10)
    r = manager.post(shop.base + path, data=fields, allow_redirects=False, timeout=10)
    changed_at = time.monotonic()
    edited_on = shop.served_by(r.headers.get("X-Request-ID", "-"))
    if not checks.check("the manager changes the price through one app server",
                        r.status_code == 303 and edited_on, f"{r.status_code} on {edited_on}"):
        return
    other = "B" if edited_on == "A" else "A"
    wanted = f'content="{new_cents // 100}.{new_cents % 100:02d}"'
    first_new_on_other, stale_late = None, []
    while time.monotonic() - changed_at < STALENESS_SECONDS + 3:
        started = time.monotonic() - changed_at
        page = customer.get(f"{shop.base}/products/{product['slug']}", timeout=10)
        server = shop.served_by(page.headers.get("X-Request-ID", "-"))
        shows_new = wanted in page.text
        if server == other and shows_new and first_new_on_other is None:
            first_new_on_other = started
        if not shows_new and started > STALENESS_SECONDS + 0.5:
            stale_late.append(round(started, 2))
        time.sleep(0.1)
    checks.check(f"a customer served by the other app server sees the new price within "
                 f"{STALENESS_SECONDS:g} s (+0.5 s of slack)",
                 first_new_on_other is not None and first_new_on_other <= STALENESS_SECONDS + 0.5
                 and not stale_late,
                 f"first seen on {other} after {first_new_on_other} s; stale after: {stale_late}")


def login_attempt(session: requests.Session, base: str, headers=None) -> int:
    page = session.get(base + "/admin/login", timeout=10)
    return session.post(base + "/admin/login", allow_redirects=False, timeout=10, headers=headers,
                        data={"csrf_token": csrf_token(page.text), "password": "wrong-password-x",
                              "email": f"nobody-{uuid.uuid4().hex[:8]}@example.com"}).status_code


def check_rate_limits(shop: Shop, checks: Checks) -> None:
    # RATE_LIMIT_LOGIN: 10 sign-in attempts a minute per client address.
    first = shop.client("127.0.0.2")
    statuses = [login_attempt(first, shop.base) for _ in range(11)]
    checks.check("rate limits count per client across both app servers (Redis): the 11th "
                 "sign-in attempt a minute from 127.0.0.2 is refused",
                 statuses[:10] == [401] * 10 and statuses[10] == 429, str(statuses))
    second = login_attempt(shop.client("127.0.0.3"), shop.base)
    checks.check("another client (127.0.0.3) has its own bucket", second == 401, str(second))
    forged = login_attempt(first, shop.base, headers={"X-Forwarded-For": "198.51.100.9"})
    checks.check("a forged X-Forwarded-For does not give 127.0.0.2 a fresh bucket", forged == 429,
                 str(forged))
    posing = login_attempt(shop.client("127.0.0.4"), shop.base,
                           headers={"X-Forwarded-For": "127.0.0.2"})
    checks.check("nor does it put 127.0.0.4 in 127.0.0.2's bucket", posing == 401, str(posing))


def check_stopping_an_app_server(shop: Shop, checks: Checks, stack: Stack, product: dict,
                                 standin: str, start_app) -> list[str]:
    """GETs and checkouts run while app server B stops; returns the buyers' emails."""
    stop_browsing = threading.Event()
    browsing = {"ok": 0, "failed": []}
    lock = threading.Lock()

    def browse(address):
        s = shop.client(address)
        while not stop_browsing.is_set():
            for path in ("/", f"/products/{product['slug']}", "/healthz"):
                try:
                    status = s.get(shop.base + path, timeout=30).status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                with lock:
                    if status == 200:
                        browsing["ok"] += 1
                    else:
                        browsing["failed"].append(f"{path} {status}")

    def buy_or_say_why(address, email):
        seen = {}
        try:
            return buy(shop, address, product["slug"], product["sku"], email, standin, seen)
        except (requests.RequestException, RuntimeError) as error:  # e.g. a page with no form
            return {**seen, "error": f"{type(error).__name__}: {error}"}

    emails = [f"buyer{i}-{uuid.uuid4().hex[:6]}@example.com" for i in range(6)]
    with ThreadPoolExecutor(12) as pool:
        browsers = [pool.submit(browse, f"127.0.0.{30 + i}") for i in range(4)]
        try:
            buyers = []
            for i, email in enumerate(emails):
                buyers.append(pool.submit(buy_or_say_why, f"127.0.1.{i + 1}", email))
                time.sleep(0.3)
                if i == 2:  # SIGTERM: graceful, as systemctl stop
                    stopping = pool.submit(stack.stop, "app-B")
            stopping.result(60)
            results = [b.result(90) for b in buyers]
            time.sleep(1)
        finally:  # the browsers stop whatever happened, or leaving the pool would wait forever
            stop_browsing.set()
        for b in browsers:
            b.result(60)
    placed = [r for r in results if r.get("checkout") == 303]
    steps = [(r.get("add"), r.get("checkout"), r.get("success"), r.get("error")) for r in results]
    orders = sum(shop.one("SELECT COUNT(*) FROM shop_order WHERE email = :e", e=e)
                 for e in emails)
    paid = sum(shop.one("SELECT COUNT(*) FROM shop_order WHERE email = :e AND status = 'paid'",
                        e=e) for e in emails)
    checks.check("while app server B stops, every browsing request is answered (nginx retries "
                 "idempotent requests on A)", browsing["ok"] > 0 and not browsing["failed"],
                 f"{browsing['ok']} answered, failed: {browsing['failed'][:5]}")
    checks.check("no order is lost or doubled: each checkout that was accepted is one paid order",
                 len(placed) == len(emails) and orders == len(placed) and paid == len(placed),
                 f"{len(placed)}/{len(emails)} checkouts accepted, {orders} orders, {paid} paid; "
                 f"steps (add, checkout, success, error): {steps}")
    start_app("B")
    return emails


def check_emails(shop: Shop, checks: Checks, stack: Stack, mail: MailCatcher,
                 start_worker) -> None:
    """Every paid order's confirmation is sent once, with the worker restarted mid-queue.

    The worker was stopped before the last orders were paid, so their confirmations wait
    in the outbox. A worker starts on that queue and is caught mid-send (the SMTP server
    holds its first message); its replacement starts, it is stopped (SIGTERM) while still
    sending, and the held message is let go: no confirmation may be lost or sent twice.
    """
    with shop.engine.connect() as conn:
        numbers = conn.execute(sa.text(
            "SELECT number FROM shop_order WHERE status = 'paid'")).scalars().all()
        queued = conn.execute(sa.text("SELECT COUNT(*) FROM outgoing_email WHERE "
                                      "kind = 'order_confirmation' AND status = 'queued'")).scalar()
    expected = {f"Order {number} confirmed" for number in numbers}
    mail.hold()
    start_worker("worker-2")
    held = mail.held.wait(20)  # worker-2 is sending the queue, its first message held
    start_worker("worker-3")  # the replacement
    time.sleep(3)
    stop = threading.Thread(target=stack.stop, args=("worker-2",), kwargs={"timeout": 60})
    stop.start()  # SIGTERM while its send is still held (SMTP gives it 10 s)
    time.sleep(0.5)
    mail.release()
    stop.join(70)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not expected <= set(mail.subjects()):
        time.sleep(0.5)
    time.sleep(6)  # one more round of worker-3: nothing may be sent again
    subjects = [s for s in mail.subjects() if s in expected]
    duplicates = sorted({s for s in subjects if subjects.count(s) > 1})
    unsent = shop.one("SELECT COUNT(*) FROM outgoing_email WHERE kind = 'order_confirmation' "
                      "AND status <> 'sent'")
    checks.check("a worker was stopped mid-queue and replaced (its send held at the SMTP "
                 "server, the next worker started, then it was stopped)", held and queued > 1,
                 f"{queued} confirmations queued")
    checks.check("every paid order's confirmation reached the SMTP server exactly once",
                 set(subjects) == expected and not duplicates and unsent == 0,
                 f"{len(expected)} orders, {len(subjects)} confirmations, duplicates "
                 f"{duplicates}, not sent {unsent}")


def check_static_and_uploads(shop: Shop, checks: Checks, uploads: Path) -> None:
    s = shop.client()
    home = s.get(shop.base + "/", timeout=10).text
    match = re.search(r'/static/css/shop\.css\?v=[0-9a-f]+', home)
    url = shop.base + (match.group(0) if match else "/static/css/shop.css?v=missing")
    r = s.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    cache = r.headers.get("Cache-Control", "")
    checks.check("a fingerprinted static file comes from nginx, gzipped, cached for a year",
                 match and r.status_code == 200 and r.headers.get("Server", "").startswith("nginx")
                 and "X-Request-ID" not in r.headers and "max-age=31536000" in cache
                 and "immutable" in cache and r.headers.get("Content-Encoding") == "gzip",
                 f"{r.status_code} {cache!r} {r.headers.get('Content-Encoding')}")
    plain = s.get(shop.base + "/static/css/shop.css", timeout=10).headers.get("Cache-Control")
    checks.check("an unfingerprinted static file is cached for an hour only",
                 plain == "public, max-age=3600", repr(plain))
    (uploads / "products").mkdir(parents=True, exist_ok=True)
    (uploads / "products" / "rack.txt").write_text("an uploaded file\n")
    r = s.get(shop.base + "/uploads/products/rack.txt", timeout=10)
    checks.check("uploads are served by nginx from UPLOAD_DIR, never sniffed as a page",
                 r.status_code == 200 and r.text == "an uploaded file\n"
                 and r.headers.get("X-Content-Type-Options") == "nosniff", str(r.status_code))


def check_readiness(shop: Shop, checks: Checks, proxy: TcpProxy) -> None:
    s = shop.client("127.0.0.40")
    before = s.get(shop.base + "/readyz", timeout=10)
    proxy.stop()
    down, deadline = None, time.monotonic() + 10
    while time.monotonic() < deadline:
        down = s.get(shop.base + "/readyz", timeout=15)
        if down.status_code == 503:
            break
        time.sleep(0.5)
    reasons = (down.json().get("reasons") if down.headers.get("Content-Type", "")
               .startswith("application/json") else down.text[:80])
    proxy.start()
    up, deadline, waited = None, time.monotonic() + 25, time.monotonic()
    while time.monotonic() < deadline:
        up = s.get(shop.base + "/readyz", timeout=15)
        if up.status_code == 200:
            break
        time.sleep(1)
    checks.check("/readyz is 200 while PostgreSQL answers", before.status_code == 200,
                 str(before.status_code))
    checks.check("/readyz turns 503, with the reason, when PostgreSQL is stopped",
                 down.status_code == 503 and any("database" in r for r in reasons or []),
                 f"{down.status_code} {reasons}")
    checks.check("/readyz is 200 again when PostgreSQL is back", up.status_code == 200,
                 f"{up.status_code} after {time.monotonic() - waited:.1f} s")


def check_logs(shop: Shop, checks: Checks) -> None:
    secret = uuid.uuid4().hex
    client = shop.client("127.0.0.5")
    for path in (f"/account/reset/{secret}", f"/account/verify/{secret}",
                 f"/back-in-stock/confirm/{secret}",
                 f"/back-in-stock/unsubscribe/{secret}/one-click"):
        client.get(shop.base + path, timeout=10, allow_redirects=False)
    logs = {name: (shop.stack.workdir / name).read_text()
            for name in ["shop.access.log", *(f"app-{app}.log" for app in shop.apps)]}
    checks.check("secrets in emailed links' paths are masked in nginx's access log and the "
                 "app servers' logs",
                 not any(secret in text for text in logs.values())
                 and logs["shop.access.log"].count('/<token>') >= 4,
                 f"secret in: {[name for name, text in logs.items() if secret in text]}; "
                 f"masked in nginx's log: {logs['shop.access.log'].count('/<token>')}")
    lines = [json.loads(line) for name in shop.apps
             for line in (shop.stack.workdir / f"app-{name}.log").read_text().splitlines()
             if line.startswith('{"event":"request"')]
    keys = {"method", "path", "status", "duration_ms", "request_id", "remote_addr"}
    addresses = {line["remote_addr"] for line in lines}
    checks.check("app servers log one JSON line per request, with the client address nginx saw",
                 lines and all(keys <= line.keys() for line in lines)
                 and {"127.0.0.2", "127.0.0.10"} <= addresses,
                 f"{len(lines)} lines, addresses {sorted(addresses)[:6]}...")
    queued = [line for name in shop.apps
              for line in (shop.stack.workdir / f"app-{name}.log").read_text().splitlines()
              if line.startswith('{"event":"email_queued"')]
    checks.check("queued emails are logged with the id of the request that queued them",
                 queued and all(json.loads(line)["request_id"] for line in queued),
                 f"{len(queued)} lines")


def check_systemd_units(checks: Checks, workdir: Path) -> None:
    """deploy/systemd/ passes `systemd-analyze verify` (paths pointed at this checkout)."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("skip systemd units: systemd-analyze is not installed here", flush=True)
        return
    units = workdir / "systemd"
    units.mkdir()
    for unit in sorted((ROOT / "deploy" / "systemd").iterdir()):
        (units / unit.name).write_text(unit.read_text().replace("/srv/shop", str(ROOT)))
    done = subprocess.run([analyze, "verify", *sorted(str(u) for u in units.iterdir())],
                          capture_output=True, text=True, timeout=60)
    output = (done.stdout + done.stderr).strip()
    checks.check("systemd units pass systemd-analyze verify", done.returncode == 0 and not output,
                 output[:300])


# --- setting up ----------------------------------------------------------------------------

def scratch_database() -> tuple[str, str]:
    """TEST_DATABASE_URL (or the local default) and a schema of this run in it."""
    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    return base, f"deploytest_{os.getpid()}"


def with_schema(url: str, schema: str, port: int | None = None) -> str:
    if port is not None:
        url = re.sub(r"@([^/:]+)(:\d+)?/", f"@127.0.0.1:{port}/", url, count=1)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def run(args, workdir: Path, stack: Stack, checks: Checks) -> None:
    check_systemd_units(checks, workdir)
    base_url, schema = scratch_database()
    admin = sa.create_engine(sa_url(base_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop_schema():
        with admin.begin() as conn:
            conn.execute(sa.text("SET LOCAL lock_timeout = '15s'"))
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    stack.closers.append(drop_schema)
    cache = redis.Redis.from_url(REDIS_URL)
    cache.flushdb()
    stack.closers.append(cache.flushdb)

    port_in_url = re.search(r"@[^/:]+:(\d+)/", base_url)
    pg_host_port = int(port_in_url.group(1)) if port_in_url else 5432
    ports = {name: free_port() for name in ("A", "B", "http", "https", "standin", "smtp", "pg")}
    proxy = TcpProxy(ports["pg"], ("127.0.0.1", pg_host_port))
    proxy.start()
    stack.closers.append(proxy.stop)
    mail = MailCatcher(ports["smtp"])
    mail.start()
    stack.closers.append(mail.stop)
    cert, key = self_signed_certificate(workdir)
    uploads = workdir / "uploads"
    uploads.mkdir()
    public = f"https://127.0.0.1:{ports['https']}"
    standin = f"http://127.0.0.1:{ports['standin']}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOP_ENV": "development",
           "SECRET_KEY": "deploy-test-" + uuid.uuid4().hex * 2,
           "DATABASE_URL": with_schema(base_url, schema), "REDIS_URL": REDIS_URL,
           "CACHE_REDIS_URL": REDIS_URL, "SHOP_RELEASE": uuid.uuid4().hex[:8],
           "TRUSTED_PROXIES": "1", "TRUSTED_HOSTS": "127.0.0.1", "SHOP_BASE_URL": public,
           "STRIPE_SECRET_KEY": STRIPE_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "STRIPE_API_BASE": standin, "UPLOAD_DIR": str(uploads)}
    for name in ("MAIL_SERVER", "SENTRY_DSN", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)

    print("--- migrating a scratch schema and loading the demo catalog", flush=True)
    stack.run(FLASK + ["db", "upgrade"], env)
    stack.run(FLASK + ["seed-demo"], env)
    stack.run(FLASK + ["create-staff", MANAGER, "--role", "manager", "--password",
                       MANAGER_PASSWORD], env)
    engine = sa.create_engine(sa_url(with_schema(base_url, schema)))
    stack.closers.append(engine.dispose)
    with engine.connect() as conn:
        product = dict(conn.execute(sa.text(
            "SELECT p.id AS product_id, p.slug, v.id AS variant_id, v.sku, v.price_cents "
            "FROM product p JOIN variant v ON v.product_id = p.id WHERE p.status = 'published' "
            "AND (SELECT COUNT(*) FROM variant w WHERE w.product_id = p.id) = 1 "
            "ORDER BY v.on_hand - v.reserved DESC LIMIT 1")).mappings().one())

    print("--- starting the stand-in, two app servers, the worker and nginx", flush=True)
    stack.start("standin", [PYTHON, "-m", "standin", "--port", str(ports["standin"]),
                            "--secret-key", STRIPE_KEY, "--webhook-secret", WEBHOOK_SECRET,
                            "--webhook-url", f"http://127.0.0.1:{ports['A']}/stripe/webhook"],
                env)
    app_env = {**env, "DATABASE_URL": with_schema(base_url, schema, ports["pg"]),
               "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}

    def start_app(name):
        stack.start(f"app-{name}", [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                    "--bind", f"127.0.0.1:{ports[name]}", "wsgi:app"], app_env,
                    log_name=f"app-{name}")
        wait_for(f"http://127.0.0.1:{ports[name]}/healthz")

    worker_env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(ports["smtp"])}

    def start_worker(name):
        stack.start(name, FLASK + ["worker"], worker_env)

    start_app("A")
    start_app("B")
    start_worker("worker-1")
    config = nginx_config(workdir, http=ports["http"], https=ports["https"],
                          apps=[ports["A"], ports["B"]], cert=cert, key=key, uploads=uploads)
    nginx = nginx_binary()
    stack.run([nginx, "-t", "-q", "-c", str(config), "-p", str(workdir)], env)
    stack.start("nginx", [nginx, "-c", str(config), "-p", str(workdir), "-g", "daemon off;"], env)
    wait_for(f"{public}/healthz", verify=str(cert))
    wait_for(f"{standin}/_standin/health")

    shop = Shop(stack, public, cert, engine, {"A": ports["A"], "B": ports["B"]})
    print("--- checks, through nginx only", flush=True)
    check_redirect_and_tls(shop, checks, ports["http"])
    check_customer_flow(shop, checks, product, standin)
    check_price_change(shop, checks, product)
    check_rate_limits(shop, checks)
    stack.stop("worker-1")  # the buyers' confirmations below wait in the outbox
    check_stopping_an_app_server(shop, checks, stack, product, standin, start_app)
    check_emails(shop, checks, stack, mail, start_worker)
    check_static_and_uploads(shop, checks, uploads)
    check_readiness(shop, checks, proxy)
    check_logs(shop, checks)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    started = time.monotonic()
    checks = Checks()
    workdir = Path(tempfile.mkdtemp(prefix="shop-deploy-test-"))
    stack = Stack(workdir)

    def out_of_time(*_):
        raise TimeoutError(f"deploy test ran over {TIME_LIMIT} s")
    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.alarm(TIME_LIMIT)
    try:
        run(args, workdir, stack, checks)
    except Exception as error:
        checks.check("the run completed", False, f"{type(error).__name__}: {error}")
    finally:
        signal.alarm(60)  # stopping everything gets a minute of its own
        stack.close()
        signal.alarm(0)
        if args.keep or not all(ok for _, ok, _ in checks.results):
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    passed = sum(ok for _, ok, _ in checks.results)
    failed = len(checks.results) - passed
    print(f"deploy test: {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
