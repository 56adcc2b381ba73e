"""A free-shipping code limited to some products frees only their share of the shipping:
priced by us, charged by Stripe to the cent, and refunded line by line."""
from datetime import date

from sqlalchemy import select

from shop.database import utcnow
from shop.extensions import db
from shop.orders import aftercare
from shop.orders.models import Order
from tests.checkout.conftest import stripe_get, wait_for
from tests.checkout.test_checkout_flow import add_to_cart, submit_checkout
from tests.discounts.test_cart_codes import enter_code
from tests.factories import make_discount_code, make_product
from tests.helpers import flashes


def test_a_free_shipping_code_for_one_product_frees_only_that_products_shipping(
        client, wired, stock):
    # given a $15 rope beside the band sets, and free shipping limited to the band sets
    rope = make_product(stock["BAND"].product.category, name="Jump Rope", slug="jump-rope",
                        variants=[{"sku": "ROPE", "price_cents": 1_500, "on_hand": 5,
                                   "weight_g": 450, "length_cm": 20, "width_cm": 15,
                                   "height_cm": 5}])
    code = make_discount_code("BANDSHIP", kind="free_shipping", percent=0)
    code.products = [stock["BAND"].product]
    db.session.commit()
    # when two band sets and a rope ($73, under the free-shipping threshold) check out with it
    add_to_cart(client, "BAND", 2)
    add_to_cart(client, "ROPE", 1)
    enter_code(client, "BANDSHIP")
    response = submit_checkout(client)
    assert response.status_code == 303, flashes(response)
    order = db.session.scalar(select(Order))
    # then only the band sets' share of the shipping (by weight: 900 g of 1350 g) is free
    band_share = order.shipping_cents * 900 // 1_350
    rope_share = order.shipping_cents - band_share
    lines = {line.sku: line for line in order.lines}
    assert 0 < band_share < order.shipping_cents
    assert (order.shipping_discount_cents, order.discount_cents) == (band_share, band_share)
    assert (lines["BAND"].shipping_cents, lines["ROPE"].shipping_cents) == (0, rope_share)
    assert order.total_cents == 7_300 + rope_share
    # and Stripe charges the rope's shipping, its subtotal equal to ours
    session = stripe_get(wired, f"/v1/checkout/sessions/{order.stripe_session_id}")
    items = stripe_get(wired, f"/v1/checkout/sessions/{order.stripe_session_id}/line_items")
    assert [i["amount_subtotal"] for i in items["data"]
            if i["description"].startswith("Shipping")] == [rope_share]
    assert session["amount_subtotal"] == order.total_cents
    # when it is paid, delivered, and everything comes back damaged
    wired.pay(order.stripe_session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    order = db.session.get(Order, order.id)
    order.status, order.delivered_at = "delivered", utcnow()
    db.session.commit()
    refunds = [aftercare.return_decision(order, line, "damaged", line.quantity, date.today(),
                                         "UTC").refund_cents for line in order.lines]
    # then the refunds add up to what was captured, never more
    assert order.captured_cents == order.total_cents
    assert sum(refunds) == order.captured_cents


def test_the_cart_charges_the_freight_of_a_rack_a_band_sets_free_shipping_code_does_not_cover(
        client, stock):
    # given free shipping limited to the band sets, on a cart of a rack and two band sets
    # ($857: the band sets' parcel ships free anyway, the rack goes by freight for $149)
    code = make_discount_code("BANDSHIP", kind="free_shipping", percent=0)
    code.products = [stock["BAND"].product]
    db.session.commit()
    add_to_cart(client, "RACK", 1)
    add_to_cart(client, "BAND", 2)
    # when the code is entered
    response = enter_code(client, "BANDSHIP")
    # then it is applied, but the rack's freight is still charged
    assert response.status_code == 303
    page = client.get("/cart").get_data(as_text=True)
    assert "Code <strong>BANDSHIP</strong> applied" in page
    assert 'data-testid="cart-discount"' not in page
    assert 'data-testid="cart-total">$1,006.00<' in page
