"""The stress run's race for the last use of a discount code, through HTTP under gunicorn.

Called by `loadtest.stress` once its own race is measured (`run`), so its data never enters
the stock race's invariants:
- `prepare(env, buyers)` adds a product with a unit for every racer and a code, LASTUSE,
  with one use left (max 5, 4 used), through the shop's own models;
- `race(base, standin, buyers, stats)` has every racer put the product in a cart and the
  code on it (accepted: one use is left), then submit the checkout all at once; the racers
  whose checkout was placed pay, except every other one, who abandons (its session is
  expired, which must give the use back);
- `invariants(url)` checks, after the webhooks and the sweep: the code's use counter equals
  the orders still holding it, never above its limit, and at most one order was ever placed
  with the last use at a time.
"""
import random
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

CODE = "LASTUSE"
MAX_USES = 5
SKU = "CODE-BANDS"
SECRET_KEY = "sk_test_stress"


def prepare(env: dict, buyers: int, root) -> None:
    """Add the product every racer buys and the code with one use left."""
    code = f"""
from shop import create_app
from shop.extensions import db
from shop.catalog.models import Category, Product, Variant, StockMovement
from shop.discounts.models import DiscountCode
app = create_app()
with app.app_context():
    c = Category(slug="bands", name="Bands", warranty_kind="free_weights")
    p = Product(slug="code-bands", name="Code Bands", brand="Ironforge", category=c,
                status="published", short_description="Loop bands.")
    v = Variant(product=p, sku="{SKU}", price_cents=2900, weight_g=450, length_cm=20,
                width_cm=15, height_cm=5, on_hand={buyers}, reserved=0)
    d = DiscountCode(code="{CODE}", kind="percent", percent=10, max_uses={MAX_USES},
                     uses={MAX_USES - 1}, active=True)
    db.session.add_all([c, p, v, d, StockMovement(variant=v, delta={buyers}, reason="initial",
                                                  actor="stress")])
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=root, check=True)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def race(base: str, standin: str, buyers: int, stats) -> dict:
    """Every racer holds the code in a cart, then all check out at once; returns outcomes."""
    barrier = threading.Barrier(buyers)
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    call = stats.call  # one counted request of a racer's session

    def racer(n: int) -> str:
        s = requests.Session()
        try:
            page = call(s, "GET", f"{base}/products/code-bands")
            call(s, "POST", f"{base}/cart/add", data={"sku": SKU, "quantity": 1,
                                                      "csrf_token": _csrf(page.text)})
            cart = call(s, "GET", f"{base}/cart")
            applied = call(s, "POST", f"{base}/cart/discount",
                           data={"code": CODE, "csrf_token": _csrf(cart.text)})
            checkout = call(s, "GET", f"{base}/checkout")
        finally:
            barrier.wait(60)  # everyone submits together
        if applied.status_code != 303:
            return "code_refused_in_cart"
        r = call(s, "POST", f"{base}/checkout", data={
            "csrf_token": _csrf(checkout.text), "email": f"racer{n}@example.com",
            "name": "Code Racer", "address1": "1 Main St", "city": "Albany", "region": "NY",
            "postal_code": "12207", "country": "US", "shipping_method": "standard"})
        if r.status_code != 303:
            return "refused_used_up" if "used up" in r.text else f"refused_{r.status_code}"
        session_id = r.headers["Location"].rsplit("/", 1)[-1]
        if random.random() < 0.5:
            call(s, "POST", f"{standin}/v1/checkout/sessions/{session_id}/expire",
                 headers={"Authorization": f"Bearer {SECRET_KEY}"})
            return "won_then_abandoned"
        call(s, "POST", f"{standin}/_standin/sessions/{session_id}/pay",
             data={"card": "4242424242424242"})
        call(s, "GET", f"{base}/checkout/success?session_id={session_id}")
        return "won_and_paid"

    with ThreadPoolExecutor(buyers) as pool:
        for future in [pool.submit(racer, n) for n in range(buyers)]:
            try:
                result = future.result(timeout=120)
            except Exception as error:  # counted in stats; the run goes on
                result = f"error: {type(error).__name__}"
            with lock:
                outcomes[result] = outcomes.get(result, 0) + 1
    return outcomes


def invariants(url: str, outcomes: dict) -> list[tuple[str, str, bool]]:
    """The code's counter matches the orders holding it, and the last use went to one racer."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        one = lambda sql: conn.execute(sa.text(sql), {"code": CODE}).scalar()  # noqa: E731
        uses = one("SELECT uses FROM discount_code WHERE code = :code")
        holding = one("SELECT COUNT(*) FROM shop_order WHERE discount_code = :code "
                      "AND status NOT IN ('expired', 'cancelled')")
        placed = one("SELECT COUNT(*) FROM shop_order WHERE discount_code = :code")
    engine.dispose()
    paid_winners = outcomes.get("won_and_paid", 0)
    abandoned = outcomes.get("won_then_abandoned", 0)
    won = paid_winners + abandoned
    return [
        ("code uses == orders holding the code", f"{uses} == {(MAX_USES - 1) + holding}",
         uses == (MAX_USES - 1) + holding),
        ("code uses <= its limit", f"{uses} <= {MAX_USES}", uses <= MAX_USES),
        # one use is left: one racer wins it; it comes back only when a winner abandons
        ("racers who won the last use", f"{won} (abandoned {abandoned}, orders {placed})",
         1 <= won <= 1 + abandoned and paid_winners <= 1 and placed == won),
    ]


def run(env: dict, base: str, standin: str, url: str, buyers: int, stats, root) -> list:
    """Prepare, race, let webhooks and the sweep settle, then check; returns invariant rows."""
    prepare(env, buyers, root)
    outcomes = race(base, standin, buyers, stats)
    stats.outcomes.update({f"code: {name}": count for name, count in outcomes.items()})
    time.sleep(6)  # the stand-in delivers webhooks with retries for a few seconds
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "sweep-reservations"],
                   env=env, cwd=root, check=True, capture_output=True)
    return invariants(url, outcomes)
