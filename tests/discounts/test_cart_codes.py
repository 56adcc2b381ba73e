"""Entering a discount code in the cart: applied, or refused with what is wrong."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.cart.models import Cart
from shop.database import utcnow
from shop.extensions import db
from tests.checkout.test_checkout_flow import add_to_cart, submit_checkout
from tests.factories import make_discount_code, make_product
from tests.helpers import csrf_token, flashes


def enter_code(client, code):
    return client.post("/cart/discount", data={"code": code,
                                               "csrf_token": csrf_token(client, "/cart")})


def cart_code():
    db.session.expire_all()
    return db.session.scalar(select(Cart.discount_code))


def test_a_valid_code_is_applied_and_priced_in_the_cart(client, stock):
    # given two band sets ($58) in the cart and a 10% code
    make_discount_code("SAVE10", percent=10)
    add_to_cart(client, "BAND", 2)
    # when the customer types it in lower case
    response = enter_code(client, " save10 ")
    # then the cart keeps it and prices it: $5.80 off, total before tax $52.00 + shipping
    assert response.status_code == 303
    assert cart_code() == "SAVE10"
    page = client.get("/cart").get_data(as_text=True)
    assert "Code <strong>SAVE10</strong> applied" in page
    assert "&minus;$5.80" in page
    assert 'data-testid="cart-total">$60.10<' in page  # 58.00 - 5.80 + 7.90
    assert "<span>Tax</span><span>Calculated at payment</span>" in page


NOW = utcnow()


@pytest.mark.parametrize("fields, typed, message", [
    ({}, "NOPE", "We don't know the code NOPE. Check the spelling."),
    ({"ends_at": NOW - timedelta(days=1)}, "SAVE10", "The code SAVE10 has expired."),
    ({"starts_at": NOW + timedelta(days=1)}, "SAVE10", "The code SAVE10 is not valid yet."),
    ({"max_uses": 2, "uses": 2}, "SAVE10", "The code SAVE10 has been used up."),
    ({"active": False}, "SAVE10", "The code SAVE10 is no longer active."),
    ({"min_subtotal_cents": 10_000}, "SAVE10",
     "The code SAVE10 needs a subtotal of at least $100.00; your cart has $58.00."),
    ({"kind": "fixed", "amount_cents": 500, "percent": 0, "note": "rack only"}, "SAVE10", None),
    ({}, "BAD CODE!", "A code has only letters, digits, - and _."),
    ({}, "", "Enter a discount code."),
])
def test_a_code_that_cannot_be_used_is_refused_with_the_reason(client, stock, fields, typed,
                                                               message):
    # given a code that is unknown, expired, early, used up, inactive, above the cart...
    code = make_discount_code("SAVE10", **fields)
    if message is None:  # ...or limited to a product that is not in the cart
        code.products = [make_product(name="Other", slug="other")]
        db.session.commit()
        message = "The code SAVE10 does not apply to anything in your cart."
    add_to_cart(client, "BAND", 2)
    # when the customer enters it
    response = enter_code(client, typed)
    # then the cart page says why, as a 400, and the cart holds no code
    assert response.status_code == 400
    assert message in flashes(response)
    assert cart_code() == ""


def test_a_code_posted_without_the_csrf_token_is_refused(client, stock):
    make_discount_code("SAVE10")
    add_to_cart(client, "BAND", 2)
    response = client.post("/cart/discount", data={"code": "SAVE10"})
    assert response.status_code == 400
    assert cart_code() == ""


def test_the_code_can_be_removed(client, stock):
    make_discount_code("SAVE10")
    add_to_cart(client, "BAND", 2)
    enter_code(client, "SAVE10")
    response = client.post("/cart/discount/remove",
                           data={"csrf_token": csrf_token(client, "/cart")})
    assert response.status_code == 303
    assert cart_code() == ""
    assert "Discount (SAVE10)" not in client.get("/cart").get_data(as_text=True)


def test_a_code_that_expired_in_the_cart_stops_the_checkout_with_the_reason(client, wired, stock):
    # given a code applied to the cart, which then expires
    code = make_discount_code("SAVE10")
    add_to_cart(client, "BAND", 2)
    enter_code(client, "SAVE10")
    code.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    # then the cart says so, and checking out is refused before any order exists
    assert "The code SAVE10 has expired." in client.get("/cart").get_data(as_text=True)
    response = submit_checkout(client)
    assert response.status_code == 400
    assert "The code SAVE10 has expired. Remove the code" in flashes(response)
    from shop.orders.models import Order
    assert db.session.scalar(select(Order.id)) is None
