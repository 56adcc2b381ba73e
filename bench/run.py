"""`make bench`: the shop under load, next to a hello-world Flask app served the same way.

    python -m bench.run [--duration 8] [--rounds 2] [--mix-seconds 30] [--databases auto]
                        [--only home,product] [--no-mix]

On SQLite, then on PostgreSQL when one answers (BENCH_DATABASE_URL, else TEST_DATABASE_URL;
`--databases sqlite|postgresql|both` to choose):

1. A scratch database (SQLite in a temporary folder; on PostgreSQL a schema `bench`,
   dropped at the end) gets the schema through `flask db upgrade` and a catalog of 10,000
   products and 50,000 variants (bench/make_catalog.py).
2. gunicorn with the shipped gunicorn.conf.py (gthread workers sized from the CPUs) serves
   the shop in production config, hello world (bench/hello.py), and, for checkouts, the
   shop in development config against the local Stripe stand-in (production refuses a
   Stripe API on 127.0.0.1; see bench/checkout_wsgi.py).
3. Each page alone: wrk loads hello world, then each page, round by round; the SQL
   statements of one request of each page are counted in-process with the caches empty.
   Product pages twice: drawn with Zipf's law (s = 1.0) over the 10,000, and uniformly
   (nearly every page cold).
4. Mixed (bench/mixed.py): four browsing clients while 2% of requests add to cart and 1%
   check out against the stand-in at 300 +/- 100 ms per API call; then the same mix
   without checkouts; each on a shop just started (empty cache, no warm-up). Per class:
   req/s, p50, p99, ratio to hello world, cache hit rate; and the issue's targets.
Exits 1 if any request got an unexpected status or a socket error.
"""
import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import redis

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
SCHEMA = "bench"
SESSIONS = 64  # pre-fetched sessions for the POST scenarios (a multiple of wrk's threads)
# A checkout can take over a second: with too few carts, a wrk thread comes back to a cart
# whose checkout is still running, which the shop rightly refuses (409, one at a time).
CHECKOUT_SESSIONS = 4 * SESSIONS


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: apt-get install -y wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=False,
                   stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


# --- the scratch database -------------------------------------------------------------------

def postgresql_url() -> str | None:
    """The PostgreSQL server to benchmark on, when one answers: BENCH_DATABASE_URL, else
    TEST_DATABASE_URL (the one the tests use; the bench works in a schema of its own)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or url == "none":
        return None
    import sqlalchemy as sa
    from shop.config import normalise_database_url
    try:
        engine = sa.create_engine(normalise_database_url(url.split("?")[0]),
                                  connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means: not this time
        log(f"PostgreSQL at {url} does not answer ({type(error).__name__}): SQLite only")
        return None
    return url


def scratch_database(workdir: Path, base: str | None) -> tuple[str, callable]:
    """The database URL to use (SQLite in `workdir`, or a schema on PostgreSQL `base`), and
    a function that removes it afterwards."""
    if not base:
        path = workdir / "bench.db"
        return f"sqlite:///{path}", lambda: None
    import sqlalchemy as sa
    from shop.config import normalise_database_url
    plain = normalise_database_url(base.split("?")[0])
    engine = sa.create_engine(plain)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{SCHEMA}"'))

    def drop():
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{SCHEMA}", drop


def build_catalog(env: dict) -> None:
    started = time.perf_counter()
    upgrade = subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                             env=env, capture_output=True, text=True)
    if upgrade.returncode:
        raise SystemExit("bench: flask db upgrade failed:\n" + upgrade.stderr[-3000:])
    if env["DATABASE_URL"].startswith("sqlite"):
        # Write-ahead logging: readers never wait for the checkout's writers. A property of
        # the database file, which a SQLite deployment of the shop should set too.
        import sqlite3
        path = env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
    subprocess.run([PYTHON, "-m", "bench.make_catalog"], cwd=ROOT, env=env, check=True)
    log(f"database ready in {time.perf_counter() - started:.1f} s")


# --- servers --------------------------------------------------------------------------------

class Server:
    def __init__(self, name: str, args: list[str], env: dict, port: int, workdir: Path):
        self.name, self.port = name, port
        self.log_path = workdir / f"{name}.log"
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log_path.open("w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str = "/", timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log_path}:\n"
                                 + self.log_path.read_text()[-3000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer on port {self.port}")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker (children of the master)."""
        sizes = []
        for child in Path("/proc").glob("[0-9]*"):
            try:
                status = (child / "status").read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.process.pid}$", status, re.M):
                rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
                if rss:
                    sizes.append(int(rss.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def gunicorn(name: str, app: str, env: dict, workdir: Path) -> Server:
    """`app` under gunicorn with the shipped gunicorn.conf.py, as in production (the shop
    and hello world alike); only the address, the log level and worker recycling (off,
    see `GUNICORN_MAX_REQUESTS` in `run`) differ."""
    port = free_port()
    args = [PYTHON, "-m", "gunicorn", "-c", str(GUNICORN_CONF),
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    return Server(name, args, env, port, workdir)


def gunicorn_settings(env: dict) -> str:
    """What gunicorn.conf.py gives on this machine, for the report."""
    import runpy
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if k.startswith("GUNICORN_")})
    try:
        conf = runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    recycling = (f"recycled after {conf['max_requests']} requests" if conf["max_requests"]
                 else "not recycled")
    return (f"{conf['worker_class']}, {conf['workers']} workers x {conf['threads']} threads, "
            f"{recycling}")


# --- sessions for the POST scenarios ---------------------------------------------------------

def _cookies(response) -> dict:
    jar = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _request(port: int, method: str, path: str, jar: dict, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    jar.update(_cookies(response))
    return response.status, text, response.getheader("Location", "")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise SystemExit("bench: no CSRF token on the page")
    return match.group(1)


def cart_sessions(port: int, product_path: str, skus: list[str], n: int,
                  first: int = 0) -> list[tuple]:
    """n visitors with a session (CSRF token) and a cart holding one item (SKUs from `first`)."""
    sessions = []
    for i in range(first, first + n):
        jar = {}
        status, html, _ = _request(port, "GET", product_path, jar)
        token = _csrf(html)
        status, _, _ = _request(port, "POST", "/cart/add", jar, {
            "csrf_token": token, "sku": skus[i % len(skus)], "quantity": "1", "next": "/"})
        if status != 303 or "cart" not in jar:
            raise SystemExit(f"bench: could not fill a cart (status {status})")
        sessions.append((dict(jar), token))
    return sessions


def write_sessions(path: Path, lines: list[tuple[dict, str]]) -> Path:
    path.write_text("".join("; ".join(f"{k}={v}" for k, v in jar.items()) + "\t" + body + "\n"
                            for jar, body in lines))
    return path


def checkout_form(port: int, jar: dict, token: str) -> str:
    status, html, _ = _request(port, "GET", "/checkout", jar)
    if status != 200:
        raise SystemExit(f"bench: checkout page answered {status}")
    method = re.search(r'name="shipping_method" value="([^"]+)"', html)
    return urlencode({
        "csrf_token": _csrf(html), "email": "bench@example.com", "name": "Bench Lifter",
        "phone": "", "address1": "1 Main St", "address2": "", "city": "Albany", "region": "NY",
        "postal_code": "12207", "country": "US",
        "shipping_method": method.group(1) if method else "standard", "note": "",
    })


# --- load -----------------------------------------------------------------------------------

def run_wrk(wrk: str, url: str, args: argparse.Namespace, script: str | None = None,
            script_args: list[str] = ()) -> dict:
    command = [wrk, "-t", str(args.threads), "-c", str(args.connections),
               "-d", f"{args.duration}s", "--timeout", "10s", "--latency"]
    if script:
        command += ["-s", str(BENCH / "wrk" / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^BENCH_JSON (.*)$", out, re.M)
    if not match:
        raise SystemExit(f"bench: wrk printed no summary:\n{out}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = (result["status_errors"] + result["connect_errors"]
                        + result["read_errors"] + result["write_errors"] + result["timeouts"])
    return result


# --- statements per request -----------------------------------------------------------------

def count_statements(env: dict, scenarios: dict, checkout_env: dict) -> dict:
    """Statements sent to the database by one request of each page, caches empty."""
    code = r"""
import json, os, re, sys
import sqlalchemy as sa
from shop import create_app
from shop.extensions import db
from shop.web_cache import cache
pages = json.loads(sys.argv[1])
app = create_app({"RATE_LIMIT_CHECKOUT": "1000000 per minute"})
counts = {}
statements = []
def record(conn, cursor, statement, parameters, context, executemany):
    statements.append(statement)
client = app.test_client()
def csrf(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
with app.app_context():
    sa.event.listen(db.engine, "before_cursor_execute", record)
    for name, path in pages["get"].items():
        cache.clear()
        statements.clear()
        status = client.get(path).status_code
        counts[name] = (len(statements), status)
    token = csrf(client.get(pages["get"]["product"]).get_data(as_text=True))
    statements.clear()
    r = client.post("/cart/add", data={"csrf_token": token, "sku": pages["sku"], "quantity": "1", "next": "/"})
    counts["add to cart"] = (len(statements), r.status_code)
    if pages.get("checkout"):
        html = client.get("/checkout").get_data(as_text=True)
        method = re.search(r'name="shipping_method" value="([^"]+)"', html).group(1)
        form = {"csrf_token": csrf(html), "email": "bench@example.com", "name": "Bench Lifter",
                "address1": "1 Main St", "city": "Albany", "region": "NY", "postal_code": "12207",
                "country": "US", "shipping_method": method}
        statements.clear()
        r = client.post("/checkout", data=form)
        counts["checkout"] = (len(statements), r.status_code)
print("COUNTS " + json.dumps(counts))
"""
    out = subprocess.run([PYTHON, "-c", code, json.dumps(scenarios)], cwd=ROOT, env=checkout_env,
                         capture_output=True, text=True)
    match = re.search(r"^COUNTS (.*)$", out.stdout, re.M)
    if not match:
        log("statement count failed:\n" + out.stderr[-3000:])
        return {}
    return {name: value[0] for name, value in json.loads(match.group(1)).items()}


# --- the run --------------------------------------------------------------------------------

MIX_LATENCY = ("300", "100")  # the stand-in's latency for the mixed scenario: ms, give or take
CHECKOUT_CARTS = 200          # carts ready to check out in the mixed scenario (then reused)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the shop against hello-world Flask.")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 8)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 2)))
    parser.add_argument("--mix-seconds", type=int,
                        default=int(os.environ.get("BENCH_MIX_SECONDS", 30)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="",
                        help="comma-separated pages of the first table to run ('' all, "
                             "'none' none)")
    parser.add_argument("--no-mix", action="store_true", help="skip the mixed scenario")
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES", "auto"),
                        help="sqlite, postgresql or both; auto: both when PostgreSQL answers")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    pg = postgresql_url() if args.databases in ("auto", "postgresql", "both") else None
    databases = {"sqlite": None} if args.databases != "postgresql" else {}
    if pg:
        databases["postgresql"] = pg
    elif args.databases in ("postgresql", "both"):
        raise SystemExit("bench: PostgreSQL asked for, but none answers (BENCH_DATABASE_URL)")
    status = 0
    started = time.perf_counter()
    for name, base in databases.items():
        status |= run_on(base, wrk, args)
    if "postgresql" not in databases:
        print("\nPostgreSQL: not run (set BENCH_DATABASE_URL, or TEST_DATABASE_URL, to a server "
              "that answers).")
    log(f"make bench took {(time.perf_counter() - started) / 60:.1f} min")
    return status


def run_on(pg_base: str | None, wrk: str, args) -> int:
    """Both tables on one database: SQLite when `pg_base` is None."""
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    database_url, drop_database = scratch_database(workdir, pg_base)
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("STRIPE_", "SHOP_ENV", "FLASK_", "CACHE_KEY_PREFIX"))}
    base_env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), MAIL_BACKEND="console")
    # No worker recycling during a run (hello world and the shop alike): a recycled worker
    # closes its kept-alive connections, which wrk counts as socket errors, and starts again
    # with empty per-worker caches. At 3,000+ req/s, 20,000 requests go by in a round.
    base_env.setdefault("GUNICORN_MAX_REQUESTS", "0")
    cache_label, cache_prefix, forget_cache = shared_page_cache(base_env)
    servers = []

    def shop_server(name: str, app: str, env: dict) -> Server:
        # each shop server its own cache (own Redis key prefix): each starts cold
        env = dict(env, CACHE_KEY_PREFIX=f"{cache_prefix}{name}:") if cache_prefix else env
        server = gunicorn(name, app, env, workdir)
        servers.append(server)
        return server

    try:
        build_catalog(base_env)
        standin_env = dict(base_env, SHOP_ENV="development")
        standins = {}
        for label, latency in (("fast", ()), ("slow", ("--latency-ms", MIX_LATENCY[0],
                                                       "--latency-jitter-ms", MIX_LATENCY[1]))):
            port = free_port()
            standins[label] = Server(f"stripe-standin-{label}", [
                PYTHON, "-m", "standin", "--port", str(port), "--quiet",
                "--secret-key", "sk_test_bench", "--webhook-secret", "whsec_bench", *latency],
                standin_env, port, workdir)
            servers.append(standins[label])
        secret = secrets.token_hex(32)  # one for every shop server: a session works on each
        shop_env = dict(base_env, SHOP_ENV="production", SECRET_KEY=secret,
                        SHOP_BASE_URL="https://bench.invalid",
                        STRIPE_SECRET_KEY="sk_test_bench", STRIPE_WEBHOOK_SECRET="whsec_bench")
        checkout_env = dict(base_env, SHOP_ENV="development", SECRET_KEY=secret,
                            STRIPE_SECRET_KEY="sk_test_bench", STRIPE_WEBHOOK_SECRET="whsec_bench",
                            STRIPE_API_BASE=standins["fast"].url)
        mix_env = dict(checkout_env, STRIPE_API_BASE=standins["slow"].url)
        shop = shop_server("shop", "wsgi:app", shop_env)
        hello = gunicorn("hello", "bench.hello:app", base_env, workdir)
        servers.append(hello)
        checkout = shop_server("shop-checkout", "bench.checkout_wsgi:app", checkout_env)
        for server in servers:
            server.wait_ready("/v1/customers" if "standin" in server.name else "/")

        # what to ask for
        sys.path.insert(0, str(ROOT))
        os.environ.update(DATABASE_URL=database_url)
        from bench.scenarios import load_scenarios, write_path_files
        from shop import create_app
        app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(database_url)})
        with app.app_context():
            scenarios = load_scenarios()
        files = write_path_files(scenarios, workdir)
        product_path = f"/products/{scenarios.products[-1]}"
        skus = scenarios.cart_skus

        log("preparing carts and sessions")
        add_sessions = cart_sessions(shop.port, product_path, skus, SESSIONS)
        add_file = write_sessions(workdir / "add.tsv", [
            (jar, urlencode({"csrf_token": token, "quantity": "1", "next": "/"}) + "&sku={sku}")
            for jar, token in add_sessions])
        checkout_sessions = cart_sessions(checkout.port, product_path, skus, CHECKOUT_SESSIONS)
        checkout_file = write_sessions(workdir / "checkout.tsv", [
            (jar, checkout_form(checkout.port, jar, token)) for jar, token in checkout_sessions])
        check_one_checkout(checkout, checkout_file, standins["fast"].port)

        pages = {
            "home": (shop, "paths.lua", [str(files["home"])]),
            "category": (shop, "paths.lua", [str(files["category"])]),
            "search": (shop, "paths.lua", [str(files["search"])]),
            "product (Zipf)": (shop, "paths.lua", [str(files["product-zipf"])]),
            "product (uniform, cold)": (shop, "paths.lua", [str(files["product"])]),
            "add to cart": (shop, "post.lua", [str(add_file), "/cart/add", str(files["skus"]),
                                               str(args.threads)]),
            "checkout": (checkout, "post.lua", [str(checkout_file), "/checkout", "-",
                                                str(args.threads)]),
        }
        if args.only:
            wanted = [p.strip() for p in args.only.split(",")]
            pages = {k: v for k, v in pages.items() if k in wanted or k.split(" (")[0] in wanted}

        log("counting statements per request")
        counts = count_statements(shop_env, {
            "get": {"home": "/", "category": f"/categories/{scenarios.categories[0][0]}",
                    "search": "/search?q=" + "+".join(scenarios.words[:2]),
                    "product": product_path},
            "sku": skus[0], "checkout": True}, checkout_env)
        counts["product (Zipf)"] = counts["product (uniform, cold)"] = counts.get("product", "?")

        results, hello_runs = {}, []
        for round_ in range(args.rounds):  # hello world once a round, then each page
            if pages:
                log(f"round {round_ + 1}/{args.rounds}: hello world")
                hello_runs.append(run_wrk(wrk, hello.url + "/", args, "paths.lua",
                                          [str(files["home"])]))
            for name, (server, script, script_args) in pages.items():
                log(f"round {round_ + 1}/{args.rounds}: {name}")
                results.setdefault(name, []).append(
                    run_wrk(wrk, server.url + "/", args, script, script_args))
        memory = {"shop": shop.worker_rss_mb(), "shop-checkout": checkout.worker_rss_mb(),
                  "hello": hello.worker_rss_mb()}
        backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        settings = gunicorn_settings(base_env)
        print(f"\n=== {backend} === gunicorn.conf.py for the shop and hello world alike: "
              f"{settings}; page cache: {cache_label}")
        status = report(results, hello_runs, counts, memory, backend, args) if pages else 0

        if not args.no_mix:
            log("mixed scenario: preparing carts for the checkouts")
            carts = [(jar, checkout_form(checkout.port, jar, token)) for jar, token in
                     cart_sessions(checkout.port, product_path, skus, CHECKOUT_CARTS,
                                   first=SESSIONS)]
            carts = [("; ".join(f"{k}={v}" for k, v in jar.items()), body)
                     for jar, body in carts]
            status |= mixed(scenarios, carts, add_sessions, mix_env, hello, standins["slow"],
                            shop_server, backend, counts, args)
        return status
    finally:
        for server in reversed(servers):
            server.stop()
        forget_cache()
        drop_database()
        if os.environ.get("BENCH_KEEP") == "1":  # the servers' logs, to read after the run
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def check_one_checkout(checkout: Server, checkout_file: Path, standin_port: int) -> None:
    """One checkout by hand: it must end in a redirect to the stand-in's payment page."""
    line = checkout_file.read_text().split("\n")[0]
    cookie, body = line.split("\t", 1)
    conn = http.client.HTTPConnection("127.0.0.1", checkout.port, timeout=30)
    conn.request("POST", "/checkout", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    location = response.getheader("Location", "")
    if response.status != 303 or f":{standin_port}/" not in location:
        raise SystemExit(f"bench: checkout did not redirect to the stand-in "
                         f"({response.status} {location})")


def mixed(scenarios, carts, add_sessions, mix_env, hello, standin, shop_server, backend,
          counts, args) -> int:
    """The mixed scenario without checkouts, then with them, each on a shop just started
    (its cache empty: no warm-up), and hello world under the same clients."""
    from bench import mixed as mix
    log("mixed scenario: hello world under the same clients")
    hello_stats = mix.hello_latency(hello.port, min(10, args.mix_seconds))
    runs, memory = {}, {}
    for label, with_checkouts in (("without checkouts", False), ("with checkouts", True)):
        server = shop_server(f"shop-mix-{'with' if with_checkouts else 'without'}",
                             "bench.checkout_wsgi:app", mix_env)
        server.wait_ready("/robots.txt")  # not a catalog page: the cache stays empty
        log(f"mixed scenario {label}: {args.mix_seconds} s")
        runs[label] = mix.run_mix(server.port, standin.port, scenarios, carts, add_sessions,
                                  args.mix_seconds, with_checkouts=with_checkouts)
        memory[label] = server.worker_rss_mb()
        server.stop()
    return report_mix(runs, hello_stats, memory, counts, backend, args)


def shared_page_cache(env: dict):
    """Point the shop's page cache at Redis, as a multi-worker deployment would be set up.

    BENCH_CACHE_REDIS_URL (default: the local Redis, database 14) with a key prefix of this
    run only; BENCH_CACHE_REDIS_URL=none, or no Redis answering, keeps the in-memory cache
    of each worker. Returns a label for the report, the prefix (None in memory) and a
    function that removes the keys.
    """
    url = os.environ.get("BENCH_CACHE_REDIS_URL", "redis://127.0.0.1:6379/14")
    if url == "none":
        return "in memory, per worker (BENCH_CACHE_REDIS_URL=none)", None, lambda: None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.RedisError:
        return f"in memory, per worker (no Redis at {url})", None, lambda: None
    prefix = f"shop-bench-{secrets.token_hex(4)}:"
    env.update(CACHE_REDIS_URL=url)

    def forget():
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
    return f"Redis at {url}, shared by the workers", prefix, forget


def _normalise(url: str) -> str:
    from shop.config import normalise_database_url
    return normalise_database_url(url)


TARGETS = {  # ratio to hello world: (SQLite, PostgreSQL)
    "home": (0.50, 0.40), "category": (0.50, 0.40), "product (Zipf)": (0.50, 0.40),
    "product (uniform, cold)": (0.25, 0.25), "search": (0.30, 0.30),
    "add to cart": (0.09, 0.09), "checkout": (0.10, 0.10),
}
MIX_TARGETS = {"home": (0.50, 0.40), "category": (0.50, 0.40), "product": (0.50, 0.40)}
BROWSE_P99_MS = 100
BROWSE_THROUGHPUT_SHARE = 0.80
WORKER_MB = 150
CATALOG_STATEMENTS = 4


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def report(results: dict, hello_runs: list, counts: dict, memory: dict, backend: str,
           args) -> int:
    hello_rps = statistics.median(r["rps"] for r in hello_runs)
    hello_p50 = statistics.median(r["p50_us"] for r in hello_runs) / 1000
    hello_p99 = statistics.median(r["p99_us"] for r in hello_runs) / 1000
    column = 1 if backend == "PostgreSQL" else 0
    lines = [f"Each page alone: wrk {args.threads} threads {args.connections} connections "
             f"{args.duration} s, {args.rounds} rounds (median); checkout against the stand-in "
             f"answering at once",
             f"{'page':24} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'target':>7} "
             f"{'SQL/req':>7} {'errors':>6}",
             f"{'hello world':24} {hello_rps:8.0f} {hello_p50:7.2f} {hello_p99:7.2f} {1:6.2f} "
             f"{'':>7} {'':>7} {sum(r['errors'] for r in hello_runs):6d}"]
    failed = sum(r["errors"] for r in hello_runs)
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50_us"] for r in runs) / 1000
        p99 = statistics.median(r["p99_us"] for r in runs) / 1000
        errors = sum(r["errors"] for r in runs)
        failed += errors
        ratio = rps / hello_rps if hello_rps else 0
        target = TARGETS[name][column]
        statements = counts.get(name, "?")
        ok = ratio >= target and (name != "search" or p99 < 50) and not (
            name in ("home", "category", "product (Zipf)", "product (uniform, cold)")
            and isinstance(statements, int) and statements > CATALOG_STATEMENTS)
        lines.append(f"{name:24} {rps:8.0f} {p50:7.2f} {p99:7.2f} {ratio:6.2f} "
                     f"{'>=' + format(target, '.2f'):>7} {str(statements):>7} "
                     f"{errors:6d}  {_mark(ok)}")
    lines.append(f"Search also: p99 < 50 ms. SQL/req: one request with the caches empty (catalog "
                 f"pages at most {CATALOG_STATEMENTS}).")
    lines.append("Memory per worker after the run (RSS, MB): " + "; ".join(
        f"{name} " + ", ".join(f"{m:.0f}" for m in sorted(sizes)) for name, sizes in memory.items()))
    print("\n".join(lines))
    if failed:
        print(f"FAILED: {failed} request(s) got an error status or a socket error.")
        return 1
    return 0


def report_mix(runs: dict, hello, memory: dict, counts: dict, backend: str, args) -> int:
    """The mixed scenario's table: per class, with and without checkouts."""
    column = 1 if backend == "PostgreSQL" else 0
    order = ["home", "category", "product", "search", "browse", "add to cart", "checkout"]
    labels = {"product": "product (Zipf)", "browse": "browse (all four)"}
    names = list(runs)
    lines = [f"\nMixed: 4 browsing clients, a connection per request as from nginx (home 10%, "
             f"category 25%, product 45% Zipf, search 20%) "
             f"while 2% of requests add to cart and 1% check out (stand-in at {MIX_LATENCY[0]} "
             f"± {MIX_LATENCY[1]} ms per API call); {args.mix_seconds} s each, cache empty at "
             f"the start. ratio = hello world's mean latency / the class's (what its req/s "
             f"would be alone under these 4 clients, over hello world's)",
             f"hello world (same 4 clients): {hello.rps:.0f} req/s, p50 {hello.p50_ms:.2f} ms, "
             f"p99 {hello.p99_ms:.2f} ms",
             f"{'':20}" + "".join(f" | {name:^44}" for name in names),
             f"{'class':20}" + " | {:>7} {:>7} {:>7} {:>6} {:>6} {:>6}".format(
                 "req/s", "p50 ms", "p99 ms", "ratio", "hit %", "failed") * len(names)]
    for kind in order:
        row = f"{labels.get(kind, kind):20}"
        for name in names:
            stats = runs[name].classes.get(kind)
            if stats is None or not stats.count:
                row += f" | {'-':>7} {'':>7} {'':>7} {'':>6} {'':>6} {'':>6}"
                continue
            ratio = hello.mean_ms / stats.mean_ms if stats.mean_ms else 0
            hit = f"{stats.hit_rate * 100:.0f}" if stats.hit_rate is not None else ""
            row += (f" | {stats.rps:7.1f} {stats.p50_ms:7.2f} {stats.p99_ms:7.1f} "
                    f"{ratio:6.2f} {hit:>6} {stats.failed:6d}")
        lines.append(row)
    with_run, without_run = runs["with checkouts"], runs["without checkouts"]
    browse_with, browse_without = with_run.classes["browse"], without_run.classes["browse"]
    share = browse_with.rps / browse_without.rps if browse_without.rps else 0
    checkout = with_run.classes.get("checkout")
    refused = (checkout.failed if checkout else 0) + with_run.tickets_left.get("checkout", 0)
    failed = sum(s.failed for run in runs.values() for s in run.classes.values()
                 if s.kind != "browse")
    checks = [
        (f"browse p99 with checkouts {browse_with.p99_ms:.1f} ms < {BROWSE_P99_MS} ms",
         browse_with.p99_ms < BROWSE_P99_MS),
        (f"browse throughput with/without checkouts {share:.2f} >= {BROWSE_THROUGHPUT_SHARE}",
         share >= BROWSE_THROUGHPUT_SHARE),
        (f"checkouts refused or not started: {refused} of "
         f"{(checkout.count if checkout else 0) + with_run.tickets_left.get('checkout', 0)}",
         refused == 0 and checkout is not None and checkout.count > 0),
    ]
    for kind, targets in MIX_TARGETS.items():
        stats = with_run.classes.get(kind)
        ratio = hello.mean_ms / stats.mean_ms if stats and stats.mean_ms else 0
        checks.append((f"{labels.get(kind, kind)} ratio with checkouts {ratio:.2f} >= "
                       f"{targets[column]:.2f}", ratio >= targets[column]))
    top = max(m for sizes in memory.values() for m in sizes) if any(memory.values()) else 0
    checks.append((f"memory per worker at most {top:.0f} MB < {WORKER_MB} MB", top < WORKER_MB))
    catalog = [counts.get(k) for k in ("home", "category", "product")]
    checks.append((f"statements per catalog page (home, category, product) {catalog} <= "
                   f"{CATALOG_STATEMENTS}",
                   all(isinstance(c, int) and c <= CATALOG_STATEMENTS for c in catalog)))
    rates = ", ".join(f"{name} {runs[name].hit_rate * 100:.1f}%" for name in names
                      if runs[name].hit_rate is not None)
    lines.append(f"Cache hit rate of catalog pages: {rates}")
    lines.append("Memory per worker after each run (RSS, MB): " + "; ".join(
        f"{name} " + ", ".join(f"{m:.0f}" for m in sorted(sizes)) for name, sizes in memory.items()))
    left = {name: run.tickets_left for name, run in runs.items() if any(run.tickets_left.values())}
    if left:
        lines.append(f"Owed but not started by the end: {left}")
    lines += [f"  {_mark(ok):4} {text}" for text, ok in checks]
    print("\n".join(lines))
    if failed:
        print(f"FAILED: {failed} add-to-cart or checkout request(s) refused or in error.")
    return 1 if failed or any(s.failed for run in runs.values()
                              for s in run.classes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
