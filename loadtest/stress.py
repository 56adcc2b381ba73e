"""Race many buyers for the last units under gunicorn, replay webhooks, then check invariants.

    python -m loadtest.stress [--buyers 40] [--units 5] [--workers N] [--seconds 60]

Starts, on loopback only: the local Stripe stand-in, and the shop under gunicorn
with the shipped gunicorn.conf.py (gthread workers; --workers overrides their number)
on PostgreSQL (TEST_DATABASE_URL / STRESS_DATABASE_URL, in a
schema of its own) or SQLite. Buyers race through HTTP for the last units of a
variant, each paying, abandoning or being declined; every paid session's webhook
is re-sent several times at once; a staff thread adjusts the same stock through
the service layer. Bounded in requests and time; stops by itself. Prints a table
and exits 1 if an invariant fails.
"""
import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import requests
import sqlalchemy as sa

from loadtest import discount_race

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "sk_test_stress"
WEBHOOK_SECRET = "whsec_stress"
PAY, ABANDON, DECLINE = "pay", "abandon", "decline"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = Counter()
        self.outcomes = Counter()

    def count(self, response=None, error=None):
        with self.lock:
            self.requests += 1
            if error is not None:
                self.errors[type(error).__name__] += 1
            elif response.status_code >= 500:
                self.errors[f"HTTP {response.status_code}"] += 1

    def call(self, session: requests.Session, method: str, url: str, **kw) -> requests.Response:
        """One counted request of a client (redirects not followed); an error is counted, raised."""
        try:
            response = session.request(method, url, timeout=30, allow_redirects=False, **kw)
        except requests.RequestException as error:
            self.count(error=error)
            raise
        self.count(response)
        return response


def database(args) -> tuple[str, str | None]:
    """The database URL for the run, and the PostgreSQL schema to drop afterwards."""
    base = os.environ.get("STRESS_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if base:
        schema = f"stress_{os.getpid()}"
        admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        sep = "&" if "?" in base else "?"
        return f"{base}{sep}options=-csearch_path%3D{schema}", schema
    return f"sqlite:///{args.workdir}/stress.db", None


def drop_schema(schema: str) -> None:
    base = os.environ.get("STRESS_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def prepare(env: dict, units: int) -> None:
    """Migrate, and add the contested variant through the shop's own models."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env=env,
                   cwd=ROOT, check=True, capture_output=True)
    code = f"""
from shop import create_app
from shop.extensions import db
from shop.catalog.models import Category, Product, Variant, StockMovement
app = create_app()
with app.app_context():
    c = Category(slug="racks", name="Racks", warranty_kind="strength_machine")
    p = Product(slug="last-rack", name="Last Rack", brand="Ironforge", category=c,
                status="published", short_description="A rack.")
    v = Variant(product=p, sku="LAST", price_cents=49900, weight_g=20000, length_cm=100,
                width_cm=50, height_cm=20, on_hand={units}, reserved=0)
    db.session.add_all([c, p, v, StockMovement(variant=v, delta={units}, reason="initial",
                                               actor="stress")])
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def buyer(base: str, standin: str, intent: str, stats: Stats) -> str:
    """One customer: add the contested item, check out, then pay, abandon or be declined."""
    call = partial(stats.call, requests.Session())
    page = call("GET", f"{base}/products/last-rack")
    r = call("POST", f"{base}/cart/add", data={"sku": "LAST", "quantity": 1,
                                               "csrf_token": csrf(page.text), "next": "/cart"})
    checkout = call("GET", f"{base}/checkout")
    if checkout.status_code != 200:
        return "no_checkout"
    r = call("POST", f"{base}/checkout", data={
        "csrf_token": csrf(checkout.text), "email": f"buyer{random.randrange(10**9)}@example.com",
        "name": "Load Buyer", "address1": "1 Main St", "city": "Albany", "region": "NY",
        "postal_code": "12207", "country": "US", "shipping_method": "standard"})
    if r.status_code != 303:
        return "refused"  # out of stock: the normal end for most racers
    session_id = r.headers["Location"].rsplit("/", 1)[-1]
    auth = {"Authorization": f"Bearer {SECRET_KEY}"}
    if intent == PAY:
        call("POST", f"{standin}/_standin/sessions/{session_id}/pay",
             data={"card": "4242424242424242"})
        # Stripe retries and duplicates: deliver the same event several times at once.
        with ThreadPoolExecutor(4) as pool:
            for _ in range(4):
                pool.submit(call, "POST", f"{standin}/_standin/sessions/{session_id}/resend")
        call("GET", f"{base}/checkout/success?session_id={session_id}")
        return "paid"
    if intent == DECLINE:
        call("POST", f"{standin}/_standin/sessions/{session_id}/pay",
             data={"card": "4000000000000341"})
        call("POST", f"{standin}/v1/checkout/sessions/{session_id}/expire", headers=auth)
        return "declined"
    call("POST", f"{standin}/v1/checkout/sessions/{session_id}/expire", headers=auth)
    return "abandoned"


def staff_adjuster(env: dict, rounds: int, stats: Stats) -> None:
    """A member of staff receiving and correcting the same stock while customers buy."""
    code = f"""
import random
from sqlalchemy import update
from shop import create_app
from shop.extensions import db
from shop.catalog.models import StockMovement, Variant
app = create_app()
with app.app_context():
    for i in range({rounds}):
        delta = random.choice([1, -1])
        done = db.session.execute(update(Variant).where(
            Variant.sku == "LAST", Variant.on_hand + delta >= Variant.reserved)
            .values(on_hand=Variant.on_hand + delta)).rowcount
        if done:
            vid = db.session.execute(db.select(Variant.id).where(Variant.sku == "LAST")).scalar()
            db.session.add(StockMovement(variant_id=vid, delta=delta, reason="count_correction",
                                         actor="stress-staff"))
        db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def invariants(url: str, initial_units: int) -> list[tuple[str, str, bool]]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    q = lambda sql: engine.connect().execute(sa.text(sql)).scalar()  # noqa: E731
    with engine.connect() as conn:
        one = lambda sql: conn.execute(sa.text(sql)).scalar()  # noqa: E731
        sold = one("SELECT COALESCE(-SUM(delta), 0) FROM stock_movement WHERE reason = 'sale'")
        corrections = one("SELECT COALESCE(SUM(delta), 0) FROM stock_movement "
                          "WHERE reason = 'count_correction'")
        on_hand = one("SELECT on_hand FROM variant WHERE sku = 'LAST'")
        ledger = one("SELECT SUM(delta) FROM stock_movement")
        reserved = one("SELECT reserved FROM variant WHERE sku = 'LAST'")
        pending_qty = one("SELECT COALESCE(SUM(l.quantity), 0) FROM order_line l JOIN shop_order o "
                          "ON o.id = l.order_id WHERE o.status = 'pending_payment'")
        paid = one("SELECT COUNT(*) FROM shop_order WHERE paid_at IS NOT NULL")
        paid_orders_lines = one("SELECT COALESCE(SUM(l.quantity), 0) FROM order_line l JOIN "
                                "shop_order o ON o.id = l.order_id WHERE o.paid_at IS NOT NULL")
        emails_bad = one("SELECT COUNT(*) FROM shop_order o WHERE o.paid_at IS NOT NULL AND "
                         "(SELECT COUNT(*) FROM outgoing_email e WHERE e.kind = "
                         "'order_confirmation' AND e.order_id = o.id) <> 1")
        capture_bad = one("SELECT COUNT(*) FROM shop_order WHERE paid_at IS NOT NULL AND "
                          "captured_cents <> total_cents")
        over_refund = one("SELECT COUNT(*) FROM shop_order WHERE refunded_cents > captured_cents")
        stale = one("SELECT COUNT(*) FROM shop_order WHERE status = 'pending_payment' AND "
                    "reservation_expires_at < CURRENT_TIMESTAMP")
        events = one("SELECT COUNT(*) FROM stripe_event")
    engine.dispose()
    del q
    return [
        ("units sold <= stock offered", f"{sold} <= {initial_units + max(corrections, 0)}",
         sold <= initial_units + max(corrections, 0)),
        ("units sold == units on paid orders", f"{sold} == {paid_orders_lines}",
         sold == paid_orders_lines),
        ("on hand == ledger sum", f"{on_hand} == {ledger}", on_hand == ledger),
        ("on hand >= 0", str(on_hand), on_hand >= 0),
        ("reserved == units on unpaid orders", f"{reserved} == {pending_qty}",
         reserved == pending_qty),
        ("paid orders with != 1 confirmation email", str(emails_bad), emails_bad == 0),
        ("paid orders whose capture != total", str(capture_bad), capture_bad == 0),
        ("orders refunded above capture", str(over_refund), over_refund == 0),
        ("reservations outliving their session", str(stale), stale == 0),
        ("paid orders / webhook events recorded", f"{paid} / {events}", True),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=40)
    parser.add_argument("--units", type=int, default=5)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: gunicorn.conf.py's, from the CPUs)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--staff-rounds", type=int, default=20)
    parser.add_argument("--code-racers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120, help="hard limit for the whole run")
    parser.add_argument("--workdir", default=None, help="where the SQLite file goes (temporary)")
    args = parser.parse_args(argv)
    signal.alarm(args.seconds + 60)  # never hang: the whole run stops by itself
    with tempfile.TemporaryDirectory() as scratch:
        args.workdir = args.workdir or scratch
        try:
            return run(args)
        finally:
            signal.alarm(0)


def run(args) -> int:
    url, schema = database(args)
    shop_port, standin_port = free_port(), free_port()
    base, standin = f"http://127.0.0.1:{shop_port}", f"http://127.0.0.1:{standin_port}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "stress-" + "x" * 40,
           "STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "STRIPE_API_BASE": standin, "SHOP_ENV": "development", "SHOP_BASE_URL": base,
           "RATE_LIMIT_CHECKOUT": "100000 per minute", "PYTHONPATH": str(ROOT)}
    processes = []
    try:
        prepare(env, args.units)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "standin", "--port", str(standin_port),
             "--quiet", "--secret-key", SECRET_KEY, "--webhook-secret", WEBHOOK_SECRET,
             "--webhook-url", f"{base}/stripe/webhook"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        processes.append(subprocess.Popen(
            # the shipped gunicorn.conf.py (gthread workers), as in production
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             *(["--workers", str(args.workers)] if args.workers else []), "--bind",
             f"127.0.0.1:{shop_port}", "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL))  # development mail goes to stdout; errors to stderr
        wait_until_up(f"{base}/robots.txt")
        wait_until_up(f"{standin}/_standin/health")

        stats, started = Stats(), time.monotonic()
        intents = [random.choice([PAY, PAY, ABANDON, DECLINE]) for _ in range(args.buyers)]
        staff = threading.Thread(target=staff_adjuster, args=(env, args.staff_rounds, stats))
        staff.start()
        with ThreadPoolExecutor(args.concurrency) as pool:
            futures = [pool.submit(buyer, base, standin, intent, stats) for intent in intents]
            for future in futures:
                try:
                    stats.outcomes[future.result(timeout=args.seconds)] += 1
                except Exception as error:  # counted in stats; the run goes on
                    stats.outcomes[f"error: {type(error).__name__}"] += 1
        staff.join(args.seconds)
        time.sleep(6)  # the stand-in delivers webhooks with retries for a few seconds
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "sweep-reservations"],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        duration = time.monotonic() - started
        results = invariants(url, args.units)
        # issue 18: then racers for the last use of a discount code (its own data and checks)
        results += discount_race.run(env, base, standin, url, args.code_racers, stats, ROOT)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        if schema:
            drop_schema(schema)

    backend = "PostgreSQL" if schema else "SQLite"
    workers = args.workers or "gunicorn.conf.py's"
    print(f"\nStress run: {backend}, gunicorn {workers} workers (gthread), local Stripe stand-in")
    print(f"{'requests':<44}{stats.requests}")
    print(f"{'concurrency (buyers at once)':<44}{args.concurrency}")
    print(f"{'buyers / units offered':<44}{args.buyers} / {args.units}")
    print(f"{'duration':<44}{duration:.1f} s")
    print(f"{'outcomes':<44}{dict(stats.outcomes)}")
    print(f"{'errors by kind':<44}{dict(stats.errors) or 'none'}")
    print(f"{'invariant':<44}{'measured':<24}ok")
    for name, measured, ok in results:
        print(f"{name:<44}{measured:<24}{'yes' if ok else 'NO'}")
    failed = [name for name, _, ok in results if not ok] + (["5xx or transport errors"]
                                                            if stats.errors else [])
    print("\nRESULT:", "all invariants hold" if not failed else f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
