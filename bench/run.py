"""`make bench`: the shop's pages under load, next to a hello-world Flask app on the same server.

    python -m bench.run [--duration 10] [--rounds 3] [--connections 16] [--workers 4]

1. A scratch database (SQLite in a temporary folder; PostgreSQL when BENCH_DATABASE_URL is
   set, in a schema `bench` created here and dropped at the end) gets the schema through
   `flask db upgrade` and a catalog of 10,000 products and 50,000 variants (bench/make_catalog.py).
2. gunicorn (4 sync workers, loopback) serves the shop in production config with a random
   SECRET_KEY, a hello-world Flask app (bench/hello.py), and, for the checkout scenario, the
   shop in development config against the local Stripe stand-in (production refuses a
   Stripe API on 127.0.0.1; see bench/checkout_wsgi.py).
3. wrk loads each page, alternating shop and hello world round by round, and the SQL
   statements of one request of each page are counted in-process on the same database,
   with the caches empty (the most a request costs).
4. One table: median requests/s, p50 and p99 latency, ratio to hello world, statements per
   request, and the workers' memory after the run. Exits 1 if any request got a 4xx/5xx or
   a socket error.
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

def scratch_database(workdir: Path) -> tuple[str, callable]:
    """The database URL to use, and a function that removes it afterwards."""
    base = os.environ.get("BENCH_DATABASE_URL")
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
    subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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

    def wait_ready(self, path: str = "/", timeout: float = 30) -> None:
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


def gunicorn(name: str, app: str, env: dict, workers: int, workdir: Path) -> Server:
    port = free_port()
    args = [PYTHON, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    return Server(name, args, env, port, workdir)


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


def cart_sessions(port: int, product_path: str, skus: list[str], n: int) -> list[tuple]:
    """n visitors with a session (CSRF token) and a cart holding one item."""
    sessions = []
    for i in range(n):
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

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the shop against hello-world Flask.")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated pages to run")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    database_url, drop_database = scratch_database(workdir)
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("STRIPE_", "SHOP_ENV", "FLASK_"))}
    base_env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), MAIL_BACKEND="console")
    cache_label, forget_cache = shared_page_cache(base_env)
    servers = []
    try:
        build_catalog(base_env)
        standin_port = free_port()
        standin_env = dict(base_env, SHOP_ENV="development")
        standin = Server("stripe-standin", [
            PYTHON, "-m", "standin", "--port", str(standin_port), "--quiet",
            "--secret-key", "sk_test_bench", "--webhook-secret", "whsec_bench"],
            standin_env, standin_port, workdir)
        servers.append(standin)
        shop_env = dict(base_env, SHOP_ENV="production", SECRET_KEY=secrets.token_hex(32),
                        STRIPE_SECRET_KEY="sk_test_bench", STRIPE_WEBHOOK_SECRET="whsec_bench")
        checkout_env = dict(base_env, SHOP_ENV="development", SECRET_KEY=secrets.token_hex(32),
                            STRIPE_SECRET_KEY="sk_test_bench", STRIPE_WEBHOOK_SECRET="whsec_bench",
                            STRIPE_API_BASE=f"http://127.0.0.1:{standin_port}")
        shop = gunicorn("shop", "wsgi:app", shop_env, args.workers, workdir)
        hello = gunicorn("hello", "bench.hello:app", base_env, args.workers, workdir)
        checkout = gunicorn("shop-checkout", "bench.checkout_wsgi:app", checkout_env,
                            args.workers, workdir)
        servers += [shop, hello, checkout]
        for server in (standin, shop, hello, checkout):
            server.wait_ready("/" if server is not standin else "/v1/customers")

        # what to ask for
        sys.path.insert(0, str(ROOT))
        os.environ.update(DATABASE_URL=database_url)
        from bench.scenarios import load_scenarios, write_path_files
        from shop import create_app
        app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(database_url)})
        with app.app_context():
            scenarios = load_scenarios()
        files = write_path_files(scenarios, workdir)
        product_path = f"/products/{scenarios.products[0]}"
        skus = scenarios.cart_skus

        add_sessions = cart_sessions(shop.port, product_path, skus, SESSIONS)
        add_file = write_sessions(workdir / "add.tsv", [
            (jar, urlencode({"csrf_token": token, "quantity": "1", "next": "/"}) + "&sku={sku}")
            for jar, token in add_sessions])
        checkout_sessions = cart_sessions(checkout.port, product_path, skus, SESSIONS)
        checkout_file = write_sessions(workdir / "checkout.tsv", [
            (jar, checkout_form(checkout.port, jar, token)) for jar, token in checkout_sessions])
        # one checkout by hand: it must end in a redirect to the stand-in's payment page
        jar, body = dict(checkout_sessions[0][0]), checkout_file.read_text().split("\n")[0]
        conn = http.client.HTTPConnection("127.0.0.1", checkout.port, timeout=30)
        conn.request("POST", "/checkout", body=body.split("\t", 1)[1], headers={
            "Cookie": body.split("\t", 1)[0],
            "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        location = response.getheader("Location", "")
        if response.status != 303 or f":{standin_port}/" not in location:
            raise SystemExit(f"bench: checkout did not redirect to the stand-in "
                             f"({response.status} {location})")

        pages = {
            "home": (shop, "paths.lua", [str(files["home"])]),
            "category": (shop, "paths.lua", [str(files["category"])]),
            "search": (shop, "paths.lua", [str(files["search"])]),
            "product": (shop, "paths.lua", [str(files["product"])]),
            "add to cart": (shop, "post.lua", [str(add_file), "/cart/add", str(files["skus"]),
                                               str(args.threads)]),
            "checkout": (checkout, "post.lua", [str(checkout_file), "/checkout", "-",
                                                str(args.threads)]),
        }
        if args.only:
            wanted = [p.strip() for p in args.only.split(",")]
            pages = {k: v for k, v in pages.items() if k in wanted}

        log("counting statements per request")
        counts = count_statements(shop_env, {
            "get": {"home": "/", "category": f"/categories/{scenarios.categories[0][0]}",
                    "search": "/search?q=" + "+".join(scenarios.words[:2]),
                    "product": product_path},
            "sku": skus[0], "checkout": True}, checkout_env)

        results = {}
        hello_runs = []
        for name, (server, script, script_args) in pages.items():
            runs = []
            for round_ in range(args.rounds):
                log(f"{name}: round {round_ + 1}/{args.rounds}")
                runs.append(run_wrk(wrk, server.url + "/", args, script, script_args))
                hello_runs.append(run_wrk(wrk, hello.url + "/", args, "paths.lua",
                                          [str(files["home"])]))
            results[name] = runs
        memory = {"shop": shop.worker_rss_mb(), "shop-checkout": checkout.worker_rss_mb(),
                  "hello": hello.worker_rss_mb()}
        print(f"Page cache: {cache_label}")
        return report(results, hello_runs, counts, memory, database_url, args)
    finally:
        for server in reversed(servers):
            server.stop()
        forget_cache()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


def shared_page_cache(env: dict):
    """Point the shop's page cache at Redis, as a multi-worker deployment would be set up.

    BENCH_CACHE_REDIS_URL (default: the local Redis, database 14) with a key prefix of this
    run only; BENCH_CACHE_REDIS_URL=none, or no Redis answering, keeps the in-memory cache
    of each worker. Returns a label for the report and a function that removes the keys.
    """
    url = os.environ.get("BENCH_CACHE_REDIS_URL", "redis://127.0.0.1:6379/14")
    if url == "none":
        return "in memory, per worker (BENCH_CACHE_REDIS_URL=none)", lambda: None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.RedisError:
        return f"in memory, per worker (no Redis at {url})", lambda: None
    prefix = f"shop-bench-{secrets.token_hex(4)}:"
    env.update(CACHE_REDIS_URL=url, CACHE_KEY_PREFIX=prefix)

    def forget():
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
    return f"Redis at {url}, shared by the workers", forget


def _normalise(url: str) -> str:
    from shop.config import normalise_database_url
    return normalise_database_url(url)


TARGETS = {  # ratio to hello world: (SQLite, PostgreSQL)
    "home": (0.50, 0.40), "category": (0.50, 0.40), "product": (0.50, 0.40),
    "search": (0.30, 0.30), "add to cart": (0.30, 0.30), "checkout": (0.10, 0.10),
}


def report(results: dict, hello_runs: list, counts: dict, memory: dict, database_url: str,
           args) -> int:
    backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    hello_rps = statistics.median(r["rps"] for r in hello_runs)
    hello_p50 = statistics.median(r["p50_us"] for r in hello_runs) / 1000
    hello_p99 = statistics.median(r["p99_us"] for r in hello_runs) / 1000
    column = 1 if backend == "PostgreSQL" else 0
    lines = [f"Shop vs hello-world Flask: gunicorn {args.workers} sync workers, wrk "
             f"{args.threads} threads {args.connections} connections {args.duration} s, "
             f"{args.rounds} rounds each (median), {backend}",
             "",
             f"{'page':12} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'target':>7} "
             f"{'SQL/req':>7} {'errors':>6}",
             f"{'hello world':12} {hello_rps:8.0f} {hello_p50:7.2f} {hello_p99:7.2f} {1:6.2f} "
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
        mark = "ok" if ratio >= target and (name != "search" or p99 < 50) else "MISS"
        lines.append(f"{name:12} {rps:8.0f} {p50:7.2f} {p99:7.2f} {ratio:6.2f} "
                     f"{'>=' + format(target, '.2f'):>7} {str(counts.get(name, '?')):>7} "
                     f"{errors:6d}  {mark}")
    lines.append("")
    lines.append("Search target: p99 < 50 ms. SQL/req: one request with the caches empty.")
    lines.append("Memory per worker after the run (RSS, MB): " + "; ".join(
        f"{name} " + ", ".join(f"{m:.0f}" for m in sorted(sizes)) for name, sizes in memory.items()))
    lines.append("Checkout runs with SHOP_ENV=development against the local Stripe stand-in.")
    print("\n".join(lines))
    if failed:
        print(f"\nFAILED: {failed} request(s) got an error status or a socket error.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
