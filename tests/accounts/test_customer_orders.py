"""A customer's orders: history, one order, cancelling before it is packed, buying again."""
import pytest
from sqlalchemy import func, select

from shop.accounts.customers import orders as customer_orders
from shop.accounts.customers.models import Customer
from shop.accounts.service import create_staff
from shop.cart.models import CartItem
from shop.catalog.models import StockMovement, Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OrderStatusChange, OutgoingEmail, Refund
from tests.accounts.test_customer_auth import PASSWORD, signed_in
from tests.backoffice.test_fulfilment import paid_order
from tests.checkout.conftest import (app_settings, standin,  # noqa: F401  (stand-in, SMTP)
                                     stripe_get)
from tests.checkout.test_payment_rules import DETAILS, cart_with, client_for
from tests.factories import make_customer, make_order, make_product
from tests.helpers import csrf_token, flashes, outcome, run_concurrently

KIM = "kim@example.com"


@pytest.fixture
def band(app):
    return make_product(name="Loop Bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450, "length_cm": 20,
         "width_cm": 15, "height_cm": 5}]).variants[0]


@pytest.fixture
def kim(app):
    return make_customer(email=KIM)


def post(client, url):
    return client.post(url, data={"csrf_token": csrf_token(client, "/account/sign-in")})


def fresh(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def on_hand(variant) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).on_hand


def cancel_emails(order):
    return count(OutgoingEmail, OutgoingEmail.order_id == order.id,
                 OutgoingEmail.kind == "order_cancelled")


# --- history ---------------------------------------------------------------------------

def test_the_history_lists_the_accounts_orders_newest_first_ten_a_page(app, client, kim):
    made = [make_order(email=KIM) for _ in range(12)]
    abandoned = make_order(email=KIM, status="expired")
    signed_in(client)
    first = client.get("/account").get_data(as_text=True)
    second = client.get("/account?page=2").get_data(as_text=True)
    listed_first = [o.number for o in made if o.number in first]
    listed_second = [o.number for o in made if o.number in second]
    assert len(listed_first) == 10 and len(listed_second) == 2
    assert set(listed_first) | set(listed_second) == {o.number for o in made}
    assert abandoned.number not in first + second
    assert "Page 1 of 2" in first


def test_an_order_page_is_the_owners_only(app, client, kim):
    order = make_order(email=KIM, status="shipped", carrier="UPS", tracking_number="1Z42")
    page = signed_in(client).get(f"/account/orders/{order.number}")
    assert page.status_code == 200 and "1Z42" in page.get_data(as_text=True)
    # the full order page (returns, warranty) opens for the owner without a lookup
    assert client.get(f"/track/{order.number}").status_code == 200
    other = signed_in(app.test_client(), make_customer(email="lee@example.com").email)
    assert other.get(f"/account/orders/{order.number}").status_code == 404
    assert app.test_client().get(f"/account/orders/{order.number}").status_code == 303


def test_an_unverified_account_sees_no_orders(app, client):
    order = make_order(email=KIM)
    make_customer(email=KIM, verified=False)
    signed_in(client)
    assert order.number not in client.get("/account").get_data(as_text=True)
    assert client.get(f"/account/orders/{order.number}").status_code == 404


# --- cancelling ------------------------------------------------------------------------

def test_the_owner_cancels_a_paid_order_refunded_once_stock_back_email_queued(
        app, client, standin, band, kim):
    # given Kim's really paid order for 2 of the 5 bands
    order = paid_order(app, standin, band, 2, email=KIM)
    assert (order.status, on_hand(band)) == ("paid", 3)
    # when Kim cancels it from her account
    response = post(signed_in(client), f"/account/orders/{order.number}/cancel")
    # then it is cancelled and refunded in full through the refund service, once
    assert response.status_code == 303
    order = fresh(order)
    assert order.status == "cancelled" and order.refunded_cents == order.captured_cents > 0
    [refund] = db.session.scalars(select(Refund).where(Refund.order_id == order.id)).all()
    assert (refund.status, refund.idempotency_key) == ("succeeded", f"cancel-{order.number}")
    # and the bands are back on the shelf (ledger), Kim is emailed, history names no one
    assert on_hand(band) == 5
    assert count(StockMovement, StockMovement.order_id == order.id,
                 StockMovement.reason == "cancelled") == 1
    assert cancel_emails(order) == 1
    actors = db.session.scalars(select(OrderStatusChange.actor).where(
        OrderStatusChange.order_id == order.id, OrderStatusChange.status == "cancelled")).all()
    assert actors == [f"customer #{kim.id}"]
    # when she sends the form again, nothing more happens
    again = post(client, f"/account/orders/{order.number}/cancel")
    assert again.status_code == 303
    assert count(Refund, Refund.order_id == order.id) == 1 and on_hand(band) == 5
    assert cancel_emails(order) == 1


def test_a_packed_order_cannot_be_cancelled_by_the_customer(app, client, band, kim):
    order = make_order(lines=[(band, 1)], status="packed", email=KIM)
    movements = count(StockMovement)
    response = post(signed_in(client), f"/account/orders/{order.number}/cancel")
    assert response.status_code == 303
    assert "already packed, so it can no longer be cancelled" in flashes(client.get(
        response.headers["Location"]))
    assert fresh(order).status == "packed" and fresh(order).refunded_cents == 0
    assert count(Refund) == 0 and count(StockMovement) == movements and cancel_emails(order) == 0


@pytest.mark.parametrize("who", ["anonymous", "other customer", "staff", "no token"])
def test_only_the_owner_can_cancel_and_refusals_change_nothing(app, client, band, kim, who):
    order = make_order(lines=[(band, 1)], status="paid", email=KIM)
    movements = count(StockMovement)
    url = f"/account/orders/{order.number}/cancel"
    if who == "other customer":
        signed_in(client, make_customer(email="lee@example.com").email)
    elif who == "staff":
        create_staff(KIM, PASSWORD, "manager")  # the same email, as staff only
        client.post("/admin/login", data={"email": KIM, "password": PASSWORD,
                                          "csrf_token": csrf_token(client, "/admin/login")})
    elif who == "no token":
        signed_in(client)
    response = client.post(url) if who == "no token" else post(client, url)
    expected = {"anonymous": 303, "other customer": 404, "staff": 303, "no token": 400}[who]
    assert response.status_code == expected
    if expected == 303:
        assert "/account/sign-in" in response.headers["Location"]
    assert fresh(order).status == "paid" and count(Refund) == 0
    assert count(StockMovement) == movements and cancel_emails(order) == 0


def test_cancelling_an_unpaid_order_releases_what_its_checkout_held(app, client, standin, band,
                                                                     kim):
    from dataclasses import replace
    order = checkout.place_order(cart_with(band, 2), replace(DETAILS, email=KIM), utcnow())
    assert db.session.get(Variant, band.id).reserved == 2
    response = post(signed_in(client), f"/account/orders/{order.number}/cancel")
    assert response.status_code == 303
    order = fresh(order)
    assert order.status == "cancelled" and order.reservation_released
    assert (db.session.get(Variant, band.id).on_hand, db.session.get(Variant, band.id).reserved) \
        == (5, 0)
    assert count(Refund) == 0 and cancel_emails(order) == 1


def test_two_cancels_at_once_refund_once(app, backend, standin, band, kim):
    if backend != "postgresql":
        pytest.skip("row locks and real concurrency: PostgreSQL")
    # given Kim's paid order, and two requests to cancel it at the same moment
    order = paid_order(app, standin, band, 2, email=KIM)
    number, customer_id = order.number, kim.id

    def cancel():
        return customer_orders.cancel(db.session.get(Customer, customer_id), number,
                                      client_for(app)).status

    results = run_concurrently(app, [cancel, cancel, cancel])
    # then the order is cancelled, refunded once, its stock back once, one email
    assert "done" in [outcome(r) for r in results], results
    assert all(r == "cancelled" or isinstance(r, customer_orders.CancelRefused)
               for r in results), results
    order = fresh(order)
    assert order.status == "cancelled" and order.refunded_cents == order.captured_cents
    assert count(Refund, Refund.order_id == order.id) == 1
    assert count(StockMovement, StockMovement.order_id == order.id,
                 StockMovement.reason == "cancelled") == 1
    assert on_hand(band) == 5 and cancel_emails(order) == 1
    # and Stripe (the stand-in, which ignores idempotency keys) was asked for one refund
    assert len(stripe_refunds(standin, order)) == 1


def stripe_refunds(standin, order) -> list:
    return stripe_get(standin, f"/v1/refunds?payment_intent={order.stripe_payment_intent}"
                      "&limit=100")["data"]


# --- buying again ----------------------------------------------------------------------

def cart_items() -> dict[int, int]:
    db.session.expire_all()
    return {item.variant_id: item.quantity for item in db.session.scalars(select(CartItem))}


def test_buy_again_adds_what_is_still_sold_and_says_what_is_not(app, client, kim):
    sold = make_product(name="Kettlebell").variants[0]
    gone = make_product(name="Old Bench").variants[0]
    empty = make_product(name="Sold Out Rower", variants=[{"on_hand": 0}]).variants[0]
    order = make_order(lines=[(sold, 2), (gone, 1), (empty, 1)], email=KIM)
    gone.product.status = "draft"  # taken off sale since
    db.session.commit()
    signed_in(client)
    response = post(client, f"/account/orders/{order.number}/buy-again")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert cart_items() == {sold.id: 2}
    said = flashes(client.get("/cart"))
    assert "Added to your cart: 2 \u00d7 Kettlebell" in said
    assert "Old Bench: That product is not available." in said
    assert "Sold Out Rower: Sorry, Sold Out Rower is out of stock." in said


@pytest.mark.parametrize("who", ["anonymous", "other customer", "no token"])
def test_buy_again_is_the_owners_only(app, client, kim, who):
    order = make_order(email=KIM)
    if who == "other customer":
        signed_in(client, make_customer(email="lee@example.com").email)
    if who == "no token":
        signed_in(client)
        response = client.post(f"/account/orders/{order.number}/buy-again")
    else:
        response = post(client, f"/account/orders/{order.number}/buy-again")
    assert response.status_code == {"anonymous": 303, "other customer": 404, "no token": 400}[who]
    assert cart_items() == {}


def test_a_page_of_history_costs_the_same_queries_for_one_order_or_ten(app, client, kim,
                                                                        count_statements):
    signed_in(client)
    make_order(email=KIM)
    with count_statements() as one:
        client.get("/account")
    for _ in range(9):
        make_order(email=KIM)
    with count_statements() as ten:
        assert client.get("/account").status_code == 200
    assert len(ten) == len(one)
