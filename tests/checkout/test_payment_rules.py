"""Payments service: refunds within what was captured, expiry sweeps, late payments, races."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.cart.models import Cart, CartItem
from shop.catalog.models import StockMovement, Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail, Refund
from shop.payments import gateway, service as payments
from shop.payments import refunds as refund_service
from tests.checkout.conftest import wait_for
from tests.factories import make_product
from tests.helpers import run_concurrently
from tests.payments.standin_fixture import TEST_SECRET_KEY

DETAILS = checkout.CheckoutDetails(
    email="sam@example.com", name="Sam", phone="", address1="1 Main St", address2="",
    city="Albany", region="NY", postal_code="12207", country="US", shipping_method="standard",
    discreet=False, note="")


def client_for(app):
    return gateway.client_from_config(app.config)


def cart_with(variant, quantity=1) -> int:
    cart = Cart(token=f"t-{variant.id}-{quantity}-{utcnow().timestamp()}-{threading.get_ident()}")
    db.session.add(cart)
    db.session.flush()
    db.session.add(CartItem(cart_id=cart.id, variant_id=variant.id, quantity=quantity,
                            price_seen_cents=variant.price_cents))
    db.session.commit()
    return cart.id


def paid_session(app, order, standin):
    """Create and pay a real stand-in session for `order`."""
    checkout.start_payment(order, client_for(app), success_url="http://x/s",
                           cancel_url="http://x/c", payment_methods=("card",))
    standin.pay(order.stripe_session_id, "4242424242424242")
    return client_for(app).retrieve_checkout_session(order.stripe_session_id)


@pytest.fixture
def band(app):
    return make_product(name="Loop Bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450, "length_cm": 20,
         "width_cm": 15, "height_cm": 5}]).variants[0]


def test_partial_then_full_refund_never_exceeds_the_capture(app, standin, band):
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    payments.fulfil_session(session, utcnow())
    # when staff refund $10, then try to refund more than what is left
    # (6,590 plus 585 sales tax for New York captured)
    refund_service.refund_order(order.id, 1_000, "Scratched plate", client_for(app), actor="staff")
    with pytest.raises(refund_service.RefundError, match="Only 6175 cents"):
        refund_service.refund_order(order.id, 6_176, "Too much", client_for(app), actor="staff")
    refund_service.refund_order(order.id, 6_175, "Rest", client_for(app), actor="staff")
    # then exactly the capture was refunded, in two Stripe refunds
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.captured_cents, order.refunded_cents, order.status) == (7_175, 7_175, "refunded")
    refunds = db.session.scalars(select(Refund).where(Refund.status == "succeeded")).all()
    assert sorted(r.amount_cents for r in refunds) == [1_000, 6_175]
    assert all(r.stripe_refund_id for r in refunds)


def test_a_repeated_refund_request_refunds_once(app, standin, band):
    order = checkout.place_order(cart_with(band), DETAILS, utcnow())
    payments.fulfil_session(paid_session(app, order, standin), utcnow())
    for _ in range(3):
        refund_service.refund_order(order.id, 500, "Goodwill", client_for(app), actor="staff",
                              idempotency_key=f"refund-click-{order.number}")
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded_cents == 500
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1


def test_refunding_an_unpaid_order_is_refused(app, band):
    order = checkout.place_order(cart_with(band), DETAILS, utcnow())
    with pytest.raises(refund_service.RefundError):
        refund_service.refund_order(order.id, 100, "?", client_for(app), actor="staff")


def test_the_sweep_releases_expired_reservations(app, band, runner):
    # given an unpaid order whose 30 minutes ran out
    order = checkout.place_order(cart_with(band, 3), DETAILS, utcnow() - timedelta(minutes=31))
    fresh = checkout.place_order(cart_with(band, 1), DETAILS, utcnow())
    assert db.session.get(Variant, band.id).reserved == 4
    # when the sweep runs
    result = runner.invoke(args=["sweep-reservations"])
    # then only the expired order let go of its stock
    assert "Released 1 expired checkout(s)." in result.output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "expired"
    assert db.session.get(Order, fresh.id).status == "pending_payment"
    assert db.session.get(Variant, band.id).reserved == 1


def test_a_late_payment_is_honoured_while_stock_lasts(app, standin, band):
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    checkout.sweep_expired(utcnow() + timedelta(hours=1))  # expired before the webhook came
    outcome = payments.fulfil_session(session, utcnow(), client_for(app))
    assert outcome.action == "honoured_late"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"
    variant = db.session.get(Variant, band.id)
    assert (variant.on_hand, variant.reserved) == (3, 0)


def test_a_late_payment_is_refunded_when_the_stock_is_gone(app, standin, band):
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    checkout.sweep_expired(utcnow() + timedelta(hours=1))
    checkout.place_order(cart_with(band, 4), DETAILS, utcnow())  # someone took the units
    outcome = payments.fulfil_session(session, utcnow(), client_for(app))
    assert outcome.action == "refunded_late"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.refunded_cents == order.captured_cents == order.total_cents
    assert db.session.get(Variant, band.id).reserved == 4
    assert db.session.scalar(select(func.count()).select_from(StockMovement)
                             .where(StockMovement.reason == "sale")) == 0
    assert db.session.scalars(select(Refund.reason)).all() == [
        "Paid after checkout expired; out of stock"]


def test_concurrent_buyers_never_buy_more_than_stock(app, backend):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given 3 units and 12 buyers racing for one each
    rack = make_product(name="Last Racks", variants=[{"sku": "LAST", "on_hand": 3,
                                                      "price_cents": 50_000}]).variants[0]
    carts = [cart_with(rack) for _ in range(12)]
    results = run_concurrently(app, [
        lambda cart_id=cart_id: checkout.place_order(cart_id, DETAILS, utcnow()).id
        for cart_id in carts])
    # then exactly three orders hold stock
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 3
    assert all(isinstance(r, checkout.CheckoutError) for r in results if r not in winners)
    db.session.expire_all()
    variant = db.session.get(Variant, rack.id)
    assert (variant.on_hand, variant.reserved) == (3, 3)


def test_concurrent_fulfilment_of_one_payment_sells_once(app, backend, standin):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    band = make_product(variants=[{"sku": "RACE", "on_hand": 5}]).variants[0]
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    outcomes = [getattr(result, "action", result) for result in run_concurrently(
        app, [lambda: payments.fulfil_session(session, utcnow())] * 8)]
    assert sorted(outcomes) == ["already_paid"] * 7 + ["paid"]
    db.session.expire_all()
    variant = db.session.get(Variant, band.id)
    assert (variant.on_hand, variant.reserved) == (3, 0)
    ledger = db.session.scalar(select(func.sum(StockMovement.delta))
                               .where(StockMovement.variant_id == band.id))
    assert ledger == variant.on_hand
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)
                             .where(OutgoingEmail.kind == "order_confirmation")) == 1


def test_a_worker_keeps_one_stripe_client_per_stripe_settings(app):
    from shop.payments.client import stripe_client
    app.config.update(STRIPE_SECRET_KEY="sk_test_one", STRIPE_API_BASE="http://127.0.0.1:9")
    with app.app_context():
        first = stripe_client()
        # the same client (and its open HTTP connection) serves the next request
        assert stripe_client() is first
        # and new settings (another key or API address) get a new client
        app.config["STRIPE_API_BASE"] = "http://127.0.0.1:10"
        second = stripe_client()
    assert second is not first and second.api_base == "http://127.0.0.1:10"
