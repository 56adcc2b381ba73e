"""50 buyers race for the last use of a discount code on PostgreSQL: exactly one gets it."""
import pytest
from sqlalchemy import func, select

from shop.cart.models import Cart
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.discounts.models import DiscountCode, DiscountEmailUse
from shop.extensions import db
from shop.orders.models import Order
from tests.checkout.test_payment_rules import DETAILS, cart_with
from tests.factories import make_discount_code, make_product
from tests.helpers import run_concurrently

BUYERS = 50


@pytest.fixture
def app_settings():
    """A connection for each racing buyer, so all 50 reach the database at once."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": BUYERS + 5,
                                          "max_overflow": 0}}


def carts_holding(code: str, count: int) -> list[int]:
    bands = make_product(name="Race Bands", slug="race-bands", variants=[
        {"sku": "RACE", "price_cents": 2_900, "on_hand": count * 2}]).variants[0]
    carts = [cart_with(bands) for _ in range(count)]
    for cart_id in carts:
        db.session.get(Cart, cart_id).discount_code = code
    db.session.commit()
    return carts


def place(cart_id: int, email: str) -> int:
    details = DETAILS.__class__(**{**DETAILS.__dict__, "email": email})
    return checkout.place_order(cart_id, details, utcnow()).id


def test_fifty_buyers_racing_for_the_last_use_get_exactly_one(app, backend):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given a code with one use left and 50 carts holding it
    make_discount_code("LASTONE", max_uses=10, uses=9)
    carts = carts_holding("LASTONE", BUYERS)
    # when 50 buyers (own emails, real threads, released together) check out at once
    results = run_concurrently(app, [
        lambda cart_id=cart_id, n=n: place(cart_id, f"buyer{n}@example.com")
        for n, cart_id in enumerate(carts)])
    # then exactly one order was placed with it; the 49 others were told it is used up
    placed = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, checkout.CheckoutError)]
    assert len(placed) == 1 and len(refused) == BUYERS - 1, results
    assert all("used up" in str(error) for error in refused)
    db.session.expire_all()
    assert db.session.scalar(select(DiscountCode.uses)) == 10
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(Order.discount_code)) == "LASTONE"


def test_one_email_racing_itself_gets_one_use_of_a_once_per_customer_code(app, backend):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given a code usable once per email, and the same customer in 20 tabs / carts
    make_discount_code("ONCE", per_email_limit=1)
    carts = carts_holding("ONCE", 20)
    results = run_concurrently(app, [lambda cart_id=cart_id: place(cart_id, "sam@example.com")
                                     for cart_id in carts])
    # then one order has it; the per-email row counts one use
    assert sum(isinstance(r, int) for r in results) == 1, results
    db.session.expire_all()
    assert db.session.scalar(select(DiscountEmailUse.uses)) == 1
    assert db.session.scalar(select(DiscountCode.uses)) == 1
