"""Cached product pages and listings follow every stock move staff make: returns put back,
replacements sent, cancelled orders put back, payment mismatches resolved."""
from datetime import datetime, timezone

import pytest

from shop.backoffice import order_payments, returns_service
from shop.extensions import db
from shop.orders.models import ReturnRequest
from tests.factories import make_category, make_order, make_product

STAFF = "staff@example.com"
DELIVERED = datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc)
ASKED = datetime(2026, 11, 9, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def rack(app):
    """One rack on hand, on the racks listing."""
    app.config["FIXED_NOW"] = datetime(2026, 11, 10, 15, 0, tzinfo=timezone.utc)
    category = make_category(name="Racks", slug="racks")
    return make_product(category, name="Alpha Rack", slug="alpha-rack",
                        variants=[{"sku": "RK-A", "price_cents": 50_000, "on_hand": 1}])


def stock_label(client) -> str:
    html = client.get("/products/alpha-rack").get_data(as_text=True)
    return html.split('data-testid="stock">', 1)[1].split("<", 1)[0]


def a_return(variant, quantity: int, status: str, remedy: str = "refund") -> ReturnRequest:
    """A return of `quantity` units of a delivered order, as the customer side stores it."""
    order = make_order([(variant, quantity)], status="delivered", delivered_at=DELIVERED)
    line = order.lines[0]
    line.return_requested = quantity
    request = ReturnRequest(order_id=order.id, order_line_id=line.id, quantity=quantity,
                            reason="damaged", remedy=remedy, details="Bent upright.",
                            refund_cents=0, return_shipping_paid_by="shop", status=status,
                            created_at=ASKED)
    db.session.add(request)
    db.session.commit()
    return request


def test_a_restocked_return_refreshes_the_product_page_and_listing(client, rack):
    # given the sold-out rack's page and listing were served (and cached)
    variant = rack.variants[0]
    request = a_return(variant, 2, "approved")
    variant.on_hand = 0
    db.session.commit()
    assert stock_label(client) == "Out of stock"
    assert "Out of stock" in client.get("/categories/racks").get_data(as_text=True)
    # when staff receive the two returned racks back into stock
    returns_service.receive_return(request.id, "restock", "", STAFF)
    # then the next requests show them on sale
    assert stock_label(client) != "Out of stock"
    assert "Out of stock" not in client.get("/categories/racks").get_data(as_text=True)
    assert db.session.get(type(variant), variant.id).on_hand == 2


def test_a_replacement_sent_from_stock_refreshes_the_product_page(client, rack):
    # given the rack's page was served with its last unit on sale (and cached)
    request = a_return(rack.variants[0], 1, "received", remedy="replacement")
    assert stock_label(client) != "Out of stock"
    # when staff send the last unit as a replacement
    returns_service.replace_return(request.id, STAFF, "America/New_York")
    # then the page says so at once
    assert stock_label(client) == "Out of stock"
    assert "Out of stock" in client.get("/categories/racks").get_data(as_text=True)


def test_a_cancelled_paid_order_puts_its_stock_back_on_the_pages(client, rack):
    # given a paid order bought the last rack (refunded already) and the page shows it sold out
    variant = rack.variants[0]
    order = make_order([(variant, 1)], status="refunded")
    order.refunded_cents = order.captured_cents
    variant.on_hand = 0
    db.session.commit()
    assert stock_label(client) == "Out of stock"
    # when a manager cancels the order, putting its rack back on the shelf
    order_payments.cancel(order.number, "Customer changed their mind", None, STAFF,
                          by_manager=True)
    # then the page shows it on sale again
    assert stock_label(client) != "Out of stock"


def test_a_mismatched_payment_refunded_releases_its_hold_on_the_pages(client, rack):
    # given an order whose payment did not match still holds the last rack (Stripe took
    # nothing in our currency)
    variant = rack.variants[0]
    order = make_order([(variant, 1)], status="payment_mismatch", captured_cents=0,
                       charged_amount=0, charged_currency="usd")
    variant.reserved = 1
    db.session.commit()
    assert stock_label(client) == "Out of stock"
    # when a manager refunds and cancels it
    order_payments.refund_mismatched_payment(order.number, "Wrong amount", None, STAFF)
    # then the rack is on sale again at once
    assert stock_label(client) != "Out of stock"


def test_a_mismatched_payment_accepted_after_its_hold_lapsed_takes_the_rack_off_sale(client, rack):
    # given a mismatched order whose hold had lapsed, and the rack's page shows it on sale
    order = make_order([(rack.variants[0], 1)], status="payment_mismatch",
                       reservation_released=True)
    assert stock_label(client) != "Out of stock"
    # when a manager accepts the payment, which sells the last rack
    order_payments.accept_mismatched_payment(order.number, STAFF)
    # then the page shows it sold out
    assert stock_label(client) == "Out of stock"
