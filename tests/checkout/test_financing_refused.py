"""Financing (Affirm, Klarna) is switched on in the seller's Stripe account: when Stripe
refuses a checkout offering it, the customer can still pay by card."""
import pytest
from sqlalchemy import select

from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order
from shop.payments import gateway
from tests.checkout.conftest import stripe_get
from tests.checkout.test_payment_rules import DETAILS, band, cart_with, client_for  # noqa: F401

FINANCING = ("card", "affirm", "klarna")


class FinancingNotActivated:
    """The real client, except that Stripe refuses sessions offering Affirm or Klarna, as it
    does for an account that has not activated them (a 400 invalid request)."""

    def __init__(self, real, refuse_cards_too=False):
        self.real, self.refuse_cards_too, self.asked = real, refuse_cards_too, []

    def __getattr__(self, name):
        return getattr(self.real, name)

    def create_checkout_session(self, **kwargs):
        self.asked.append(tuple(kwargs["payment_method_types"]))
        if "affirm" in kwargs["payment_method_types"] or self.refuse_cards_too:
            raise gateway.GatewayError("The payment method type provided: affirm is invalid.",
                                       http_status=400)
        return self.real.create_checkout_session(**kwargs)


def start(app, client, order):
    return checkout.start_payment(order, client, success_url="http://shop.test/ok",
                                  cancel_url="http://shop.test/cancel", payment_methods=FINANCING)


def test_a_refused_financing_checkout_is_offered_by_card_instead(app, standin, band):
    order = checkout.place_order(cart_with(band, 1), DETAILS, utcnow())
    client = FinancingNotActivated(client_for(app))
    # when Stripe refuses the session with financing
    url = start(app, client, order)
    # then a card-only session was made, and the customer goes to it
    assert client.asked == [FINANCING, ("card",)]
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "pending_payment" and order.stripe_session_id in url
    assert stripe_get(standin, f"/v1/checkout/sessions/{order.stripe_session_id}")[
        "payment_method_types"] == ["card"]


def test_a_checkout_stripe_refuses_by_card_too_is_released_with_the_reason(app, standin, band):
    order = checkout.place_order(cart_with(band, 1), DETAILS, utcnow())
    client = FinancingNotActivated(client_for(app), refuse_cards_too=True)
    with pytest.raises(checkout.CheckoutError, match="refused this checkout"):
        start(app, client, order)
    assert client.asked == [FINANCING, ("card",)]
    assert db.session.scalar(select(Order.status)) == "cancelled"
