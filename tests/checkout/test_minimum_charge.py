"""A discount that leaves less than Stripe's minimum charge ($0.50) is refused by us, clearly,
before any call to Stripe; a refusal from Stripe is reported as a refusal, not an outage."""
from sqlalchemy import select

from shop.checkout import service as checkout
from shop.cart.models import Cart
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order
from tests.checkout.test_checkout_flow import add_to_cart, submit_checkout, variant
from tests.checkout.test_payment_rules import DETAILS, band, cart_with, client_for  # noqa: F401
from tests.discounts.test_cart_codes import enter_code
from tests.factories import make_discount_code
from tests.helpers import flashes

BELOW = "would bring your total below $0.50"


def test_a_code_that_would_leave_less_than_fifty_cents_is_refused_in_the_cart(client, stock):
    # given four band sets ($116: standard parcel ships free) and a code taking 100% off
    make_discount_code("ALMOST", percent=100)
    add_to_cart(client, "BAND", 4)
    # when the customer enters it
    response = enter_code(client, "ALMOST")
    # then it is refused with the reason, the code kept in the field, and the cart holds none
    assert response.status_code == 400
    assert f"The code ALMOST {BELOW}" in flashes(response)
    assert 'value="ALMOST"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Cart.discount_code)) == ""


def test_a_checkout_that_a_code_brings_below_fifty_cents_is_refused_before_stripe(client,
                                                                                 standin, stock):
    # given a 50% code applied to four band sets ($116, shipped free), then raised to 100%
    code = make_discount_code("HALF", percent=50)
    add_to_cart(client, "BAND", 4)
    assert enter_code(client, "HALF").status_code == 303
    code.percent = 100
    db.session.commit()
    # when the customer checks out
    response = submit_checkout(client)
    # then the checkout is refused with the reason, and no order or Stripe session exists
    assert response.status_code == 400
    assert f"The code HALF {BELOW}" in flashes(response)
    assert "couldn't reach" not in flashes(response)
    assert db.session.scalar(select(Order.id)) is None
    assert variant("BAND").reserved == 0


def test_a_checkout_stripe_refuses_is_reported_as_a_refusal_with_stripes_reason(app, standin,
                                                                               band):
    # given an order whose charge is below Stripe's minimum (as if priced before the rule)
    order = checkout.place_order(cart_with(band, 1), DETAILS, utcnow())
    line = order.lines[0]
    line.discount_cents = line.unit_price_cents - 10
    order.shipping_discount_cents = order.shipping_cents
    order.discount_cents = line.discount_cents + order.shipping_cents
    order.total_cents = 10
    db.session.commit()
    # when its payment starts, and Stripe refuses it
    try:
        checkout.start_payment(order, client_for(app), success_url="http://x/s",
                               cancel_url="http://x/c", payment_methods=("card",),
                               automatic_tax=False)
        message = ""
    except checkout.CheckoutError as error:
        message = str(error)
    # then the customer is told Stripe refused it and why, not that Stripe was unreachable
    assert message.startswith("Our payment provider refused this checkout:"), message
    assert "$0.50" in message
    assert "couldn't reach" not in message
    # and the order is closed, its stock released
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert variant("BAND").reserved == 0
