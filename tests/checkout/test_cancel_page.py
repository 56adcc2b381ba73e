"""The cancel page reads the payment first, and cancelling is a POST with CSRF by the buyer."""
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shop.extensions import db
from shop.orders.models import Order
from tests.checkout.test_checkout_flow import checkout, variant
from tests.helpers import csrf_token, flashes


def cancel_url(order) -> str:
    return f"/checkout/cancel/{order.number}"


def status_of(order) -> str:
    db.session.expire_all()
    return db.session.get(Order, order.id).status


def test_the_cancel_link_after_paying_in_another_tab_shows_the_paid_order(client, standin, stock):
    # given an order paid in another tab, its webhook not here yet
    standin.configure_webhooks(None, None)
    order, session_id = checkout(client)
    standin.pay(session_id, "4242424242424242")
    # when the customer comes back through Stripe's cancel link
    response = client.get(cancel_url(order), follow_redirects=True)
    # then they are told it is paid and see the order; nothing was cancelled or released
    assert response.status_code == 200
    assert f"Order {order.number} is paid, so nothing was cancelled" in flashes(response)
    assert "nothing was charged" not in response.get_data(as_text=True)
    assert status_of(order) == "paid"
    assert (variant("BAND").on_hand, variant("BAND").reserved) == (3, 0)


def test_the_cancel_link_shows_a_page_and_changes_nothing(client, standin, stock):
    order, _ = checkout(client)
    response = client.get(cancel_url(order))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cancel this checkout and return to cart" in page and 'method="post"' in page
    assert status_of(order) == "pending_payment" and variant("BAND").reserved == 2
    # the hold's end is given in the shop's time zone, named (America/New_York by default)
    held_until = db.session.get(Order, order.id).reservation_expires_at
    local = held_until.astimezone(ZoneInfo("America/New_York"))
    assert f"held for you until {local:%a %d %b %Y, %H:%M} {local:%Z}." in page


def test_cancelling_without_a_csrf_token_is_refused(client, standin, stock):
    order, _ = checkout(client)
    response = client.post(cancel_url(order))
    assert response.status_code == 400
    assert status_of(order) == "pending_payment" and variant("BAND").reserved == 2


def test_another_visitor_cannot_cancel_the_checkout(app, client, standin, stock):
    # given a checkout of one visitor, and another visitor with their own valid token
    order, _ = checkout(client)
    other = app.test_client()
    token = csrf_token(other, "/products/loop-bands")
    # when the other visitor posts the cancel
    response = other.post(cancel_url(order), data={"csrf_token": token})
    # then it is refused and nothing changed
    assert response.status_code == 404
    assert status_of(order) == "pending_payment" and variant("BAND").reserved == 2


def test_posting_cancel_after_paying_shows_the_paid_order(client, standin, stock):
    standin.configure_webhooks(None, None)
    order, session_id = checkout(client)
    token = csrf_token(client, cancel_url(order))
    standin.pay(session_id, "4242424242424242")
    # when the (stale) cancel page's button is pressed after paying
    response = client.post(cancel_url(order), data={"csrf_token": token})
    # then the order is paid, shown, and its stock sold
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/track/{order.number}")
    assert status_of(order) == "paid"
    assert (variant("BAND").on_hand, variant("BAND").reserved) == (3, 0)
    assert db.session.scalar(select(Order.paid_at)) is not None
