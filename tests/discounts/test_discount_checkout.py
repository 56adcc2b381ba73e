"""A discounted, taxed order end to end: priced by us, charged by Stripe to the cent, the use
of the code taken at checkout and given back when the checkout closes unpaid."""
from datetime import date

import pytest
from sqlalchemy import select

from shop.checkout import service as checkout
from shop.database import utcnow
from shop.discounts.models import DiscountCode, DiscountEmailUse
from shop.extensions import db
from shop.orders import aftercare
from shop.orders.models import Order
from shop.payments import refunds
from tests.checkout.conftest import stripe_get, wait_for
from tests.checkout.test_checkout_flow import add_to_cart, submit_checkout
from tests.checkout.test_payment_rules import client_for
from tests.discounts.test_cart_codes import enter_code
from tests.factories import make_discount_code
from tests.helpers import flashes


def checkout_with_code(client, code, sku="BAND", quantity=2, **address):
    add_to_cart(client, sku, quantity)
    enter_code(client, code)
    response = submit_checkout(client, **address)
    assert response.status_code == 303, flashes(response)
    session_id = response.headers["Location"].rsplit("/", 1)[-1]
    return db.session.scalar(select(Order).where(Order.stripe_session_id == session_id)), session_id


def uses(code="SAVE10"):
    db.session.expire_all()
    return db.session.scalar(select(DiscountCode.uses).where(DiscountCode.code == code))


def test_a_discounted_order_is_charged_exactly_our_total_plus_tax_on_the_discounted_price(
        client, wired, stock):
    # given a 10% code on two band sets ($58.00) shipped to New York
    make_discount_code("SAVE10", percent=10)
    # when the customer checks out with it
    order, session_id = checkout_with_code(client, "SAVE10")
    # then the order holds the discount, and the code's use is taken
    assert (order.discount_cents, order.lines[0].discount_cents) == (580, 580)
    assert order.total_cents == 5_800 - 580 + 790
    assert order.discount_code == "SAVE10" and uses() == 1
    # and Stripe's subtotal is ours, with the sample 8.875% tax on the discounted goods
    session = stripe_get(wired, f"/v1/checkout/sessions/{session_id}")
    goods_tax, shipping_tax = 463, 70  # 8.875% of 52.20 and of 7.90, half up
    assert session["amount_subtotal"] == 6_010
    assert session["total_details"]["amount_tax"] == goods_tax + shipping_tax
    # when it is paid
    wired.pay(session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    # then the order's total is what Stripe took, and the use stays taken
    order = db.session.get(Order, order.id)
    assert order.total_cents == order.captured_cents == 6_010 + 533
    assert (order.tax_cents, order.shipping_tax_cents) == (533, 70)
    assert uses() == 1
    page = client.get(f"/track/{order.number}").get_data(as_text=True)
    assert "Discount (SAVE10)</span><span>&minus;$5.80" in page


def test_a_discount_that_does_not_divide_over_the_units_is_sent_as_two_prices(client, wired,
                                                                              stock):
    # given $10 off three band sets of $29: $77.00 over 3 units is not a whole cent each
    make_discount_code("TENOFF", kind="fixed", percent=0, amount_cents=1_000)
    order, session_id = checkout_with_code(client, "TENOFF", quantity=3)
    # then Stripe gets two line items for the line, adding up to our price exactly
    items = stripe_get(wired, f"/v1/checkout/sessions/{session_id}/line_items")["data"]
    bands = [(i["price"]["unit_amount"], i["quantity"]) for i in items
             if i["description"].startswith("Loop Bands")]
    assert sorted(bands) == [(2_566, 1), (2_567, 2)]
    assert stripe_get(wired, f"/v1/checkout/sessions/{session_id}")["amount_subtotal"] \
        == order.total_cents == 8_700 - 1_000 + order.shipping_cents


def test_free_shipping_leaves_the_shipping_out_of_the_charge(client, wired, stock):
    make_discount_code("FREESHIP", kind="free_shipping", percent=0)
    order, session_id = checkout_with_code(client, "FREESHIP")
    assert (order.discount_cents, order.shipping_discount_cents) == (790, 790)
    assert order.total_cents == 5_800 and order.lines[0].shipping_cents == 0
    items = stripe_get(wired, f"/v1/checkout/sessions/{session_id}/line_items")["data"]
    assert not [i for i in items if i["description"].startswith("Shipping")]
    wired.pay(session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    order = db.session.get(Order, order.id)
    assert (order.tax_cents, order.shipping_tax_cents) == (515, 0)
    assert order.captured_cents == 5_800 + 515


def test_an_expired_checkout_gives_the_use_back(app, client, wired, stock):
    # given the last use of a code taken by a checkout
    make_discount_code("LAST", max_uses=1)
    order, session_id = checkout_with_code(client, "LAST")
    assert uses("LAST") == 1
    # when Stripe expires the session (the customer walked away)
    client_for(app).expire_checkout_session(session_id)
    wait_for(lambda: db.session.get(Order, order.id).status == "expired")
    # then the use is back, for the next customer
    assert uses("LAST") == 0


def test_submitting_again_with_a_code_whose_last_use_the_cart_holds_starts_a_new_checkout(
        app, client, wired, stock):
    # given the last use of a code held by the cart's own open checkout
    make_discount_code("LAST", max_uses=1)
    first, _ = checkout_with_code(client, "LAST")
    # when the customer submits the checkout again (another address, say)
    again = submit_checkout(client, address1="2 Other St")
    # then the open checkout is closed, its use given back, and taken by the new one
    assert again.status_code == 303, flashes(again)
    db.session.expire_all()
    assert db.session.get(Order, first.id).status == "cancelled"
    assert db.session.scalar(select(Order.discount_code).where(
        Order.status == "pending_payment")) == "LAST"
    assert uses("LAST") == 1


def open_session_status(standin, order) -> str:
    db.session.expire_all()
    session_id = db.session.get(Order, order.id).stripe_session_id
    return stripe_get(standin, f"/v1/checkout/sessions/{session_id}")["status"]


def test_a_code_made_inactive_does_not_close_the_checkout_the_customer_may_be_paying(
        app, client, wired, stock):
    # given an open checkout with a code, which a manager then switches off
    code = make_discount_code("SAVE10", percent=10)
    first, _ = checkout_with_code(client, "SAVE10")
    db.session.get(DiscountCode, code.id).active = False
    db.session.commit()
    # when the customer submits again: closing their checkout would not bring the code back
    again = submit_checkout(client, address1="2 Other St")
    # then they are told, and the checkout they may be paying in another tab stays open
    assert again.status_code == 400
    assert "no longer active" in flashes(again)
    assert db.session.get(Order, first.id).status == "pending_payment"
    assert open_session_status(wired, first) == "open"


def test_a_code_used_up_by_someone_else_does_not_close_a_checkout_without_it(
        app, client, wired, stock):
    # given an open checkout without a code; then the customer enters the last use of one,
    # and someone else takes it
    add_to_cart(client, "BAND", 2)
    first = submit_checkout(client)
    assert first.status_code == 303
    first_order = db.session.scalar(select(Order).where(Order.status == "pending_payment"))
    make_discount_code("LAST", max_uses=1)
    enter_code(client, "LAST")
    db.session.scalar(select(DiscountCode).where(DiscountCode.code == "LAST")).uses = 1
    db.session.commit()
    # when the customer submits again, then the open checkout (which holds no use) stays
    again = submit_checkout(client, address1="2 Other St")
    assert again.status_code == 400
    assert db.session.get(Order, first_order.id).status == "pending_payment"
    assert open_session_status(wired, first_order) == "open"


def test_a_cancelled_checkout_gives_the_use_back_once(app, client, wired, stock):
    make_discount_code("LAST", max_uses=1)
    order, _ = checkout_with_code(client, "LAST")
    # when the checkout is cancelled twice (a double click, then the sweep)
    assert checkout.cancel_unpaid(db.session.get(Order, order.id), note="Customer cancelled")
    assert not checkout.cancel_unpaid(db.session.get(Order, order.id), note="again")
    checkout.sweep_expired(utcnow())
    # then exactly one use came back
    assert uses("LAST") == 0


def test_the_last_use_goes_to_one_buyer_and_the_next_is_told(app, client, wired, stock):
    # given a code with one use left, entered in two carts
    make_discount_code("LAST", max_uses=3, uses=2)
    other = app.test_client()
    add_to_cart(other, "BAND", 1)
    assert enter_code(other, "LAST").status_code == 303
    # when the first customer checks out with it
    first, _ = checkout_with_code(client, "LAST", quantity=1)
    # then the second customer's checkout is refused with the reason, and places no order
    response = submit_checkout(other)
    assert response.status_code == 400
    assert "The code LAST has been used up." in flashes(response)
    assert db.session.scalars(select(Order.id)).all() == [first.id]
    assert uses("LAST") == 3


def test_the_per_email_limit_holds_and_comes_back_with_an_unpaid_checkout(app, stock):
    # given a code usable once per customer email
    code = make_discount_code("ONCE", per_email_limit=1)
    from tests.checkout.test_payment_rules import DETAILS, cart_with
    from shop.cart.models import Cart

    def cart_with_code(quantity=1):
        cart_id = cart_with(stock["BAND"], quantity)
        db.session.get(Cart, cart_id).discount_code = "ONCE"
        db.session.commit()
        return cart_id

    first = checkout.place_order(cart_with_code(), DETAILS, utcnow())
    # when the same email checks out again with it
    with pytest.raises(checkout.CheckoutError, match="can be used once per customer"):
        checkout.place_order(cart_with_code(), DETAILS, utcnow())
    # then another email may, and the first email may again once its checkout closed unpaid
    other = checkout.place_order(cart_with_code(), DETAILS.__class__(
        **{**DETAILS.__dict__, "email": "alex@example.com"}), utcnow())
    assert other.discount_code == "ONCE"
    checkout.cancel_unpaid(first, note="abandoned")
    again = checkout.place_order(cart_with_code(), DETAILS, utcnow())
    assert again.discount_code == "ONCE"
    db.session.expire_all()
    assert db.session.scalar(select(DiscountEmailUse.uses).where(
        DiscountEmailUse.discount_code_id == code.id,
        DiscountEmailUse.email == "sam@example.com")) == 1
    assert uses("ONCE") == 2


def test_refunds_of_a_discounted_order_return_what_was_paid_never_more(app, client, wired, stock):
    # given a paid order of two band sets with 10% off, taxed, then delivered
    make_discount_code("SAVE10", percent=10)
    order, session_id = checkout_with_code(client, "SAVE10")
    wired.pay(session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    order = db.session.get(Order, order.id)
    order.status, order.delivered_at = "delivered", utcnow()
    db.session.commit()
    line = order.lines[0]
    # when one unit comes back because the customer changed their mind
    one = aftercare.return_decision(order, line, "changed_mind", 1, date.today(), "UTC")
    # then its discounted price and its share of the tax come back, not the list price
    assert one.refund_cents == 2_610 + 231  # (5800 - 580) / 2, and 463 / 2 floored
    # and both units damaged: everything paid comes back, shipping and its tax included
    both = aftercare.return_decision(order, line, "damaged", 2, date.today(), "UTC")
    assert both.refund_cents == order.captured_cents == 6_543
    # and the refunds can never go past what was captured
    refunds.refund_order(order.id, both.refund_cents, "Damaged", client_for(app), actor="staff")
    with pytest.raises(refunds.RefundError, match="Only 0 cents"):
        refunds.refund_order(order.id, 1, "More", client_for(app), actor="staff")
