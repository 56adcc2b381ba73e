"""Sales tax: Stripe (here the stand-in's sample rates) computes it on our tax-exclusive
prices, the shop reads it back from the paid session and shows it everywhere."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail
from shop.payments import gateway, service as payments
from tests.backoffice.conftest import manager_user, sign_in  # noqa: F401  (fixture)
from tests.checkout.conftest import stripe_get, wait_for
from tests.checkout.test_checkout_flow import checkout as check_out
from tests.checkout.test_payment_rules import DETAILS, band, cart_with, client_for, paid_session  # noqa: F401
from tests.factories import make_order, make_product


def paid(client, wired, **address):
    order, session_id = check_out(client, **address)
    wired.pay(session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    return db.session.get(Order, order.id), session_id


def half_up(cents, millionths):
    return (cents * millionths + 500_000) // 1_000_000


def test_ontario_pays_hst_on_the_goods_and_the_shipping(client, wired, stock):
    # when a customer in Ontario pays for two band sets
    order, session_id = paid(client, wired, country="CA", region="ON", postal_code="K1A 0B1",
                             city="Ottawa")
    # then Stripe added 13% HST to the goods and to the shipping, and the order stores it
    goods, ship = half_up(5_800, 130_000), half_up(order.shipping_cents, 130_000)
    assert (order.tax_cents, order.shipping_tax_cents) == (goods + ship, ship)
    assert order.lines[0].tax_cents == goods
    assert order.total_cents == order.captured_cents == 5_800 + order.shipping_cents + goods + ship
    session = stripe_get(wired, f"/v1/checkout/sessions/{session_id}")
    assert session["total_details"]["amount_tax"] == order.tax_cents


def test_california_does_not_tax_the_shipping(client, wired, stock):
    order, _ = paid(client, wired, region="CA", postal_code="94103", city="San Francisco")
    assert (order.tax_cents, order.shipping_tax_cents) == (half_up(5_800, 72_500), 0)
    assert order.total_cents == 5_800 + 790 + 421


def test_a_state_without_sales_tax_pays_none_and_says_so(client, wired, stock):
    order, _ = paid(client, wired, region="OR", postal_code="97201", city="Portland")
    assert (order.tax_cents, order.total_cents, order.captured_cents) == (0, 6_590, 6_590)
    page = client.get(f"/track/{order.number}").get_data(as_text=True)
    assert "Sales tax</span><span>$0.00" in page


def test_the_order_page_and_email_show_subtotal_shipping_tax_and_total(client, wired, stock):
    # given a pending checkout: the tax is not known yet
    order, session_id = check_out(client)
    pending = client.get(f"/track/{order.number}").get_data(as_text=True)
    assert "<span>Sales tax</span><span>Calculated at payment</span>" in pending
    assert "Total before tax" in pending
    # when it is paid
    wired.pay(session_id, "4242424242424242")
    wait_for(lambda: db.session.get(Order, order.id).status == "paid")
    # then the order page and the confirmation email show the tax Stripe charged
    page = client.get(f"/track/{order.number}").get_data(as_text=True)
    for text in ("<span>Subtotal</span><span>$58.00</span>", "$7.90", "$5.85",
                 'data-testid="totals-total">$71.75<'):
        assert text in page
    body = db.session.scalar(select(OutgoingEmail.body).where(
        OutgoingEmail.kind == "order_confirmation"))
    assert "Subtotal: $58.00\nShipping (Standard parcel): $7.90\nSales tax: $5.85" in body
    assert "Total: $71.75" in body


def test_without_line_items_the_tax_is_split_over_lines_and_shipping(app, standin, band):
    # given a paid session whose tax Stripe reports only as a total (no client to read lines)
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    # when it is fulfilled
    payments.fulfil_session(session, utcnow())
    # then the session's tax is stored, split over the line and shipping, adding up exactly
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.tax_cents, order.shipping_tax_cents, order.lines[0].tax_cents) == (585, 70, 515)
    assert order.total_cents == order.captured_cents == 7_175
    # and fulfilling it again (a replayed event) changes nothing
    assert payments.fulfil_session(session, utcnow(), client_for(app)).action == "already_paid"
    db.session.expire_all()
    assert db.session.get(Order, order.id).tax_cents == 585


def test_a_session_whose_tax_does_not_add_up_is_a_mismatch(app, standin, band):
    # given Stripe reports a total that is not our pre-tax total plus its own tax
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    session = paid_session(app, order, standin)
    forged = gateway.CheckoutSession(**{**session.__dict__, "amount_tax": 100})
    # then the order is not marked paid
    assert payments.fulfil_session(forged, utcnow()).action == "mismatch"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "payment_mismatch"


def test_back_office_and_packing_slip_show_the_tax_and_the_dashboard_separates_it(
        app, client, manager_user):  # noqa: F811
    # given a paid order of $500 + $7.90 shipping with $45.07 tax, captured
    rack = make_product(name="Bench", variants=[{"sku": "BENCH", "price_cents": 50_000,
                                                 "on_hand": 3}]).variants[0]
    order = make_order([(rack, 1)], tax_cents=4_507, shipping_tax_cents=70,
                       total_cents=50_000 + 790 + 4_507, captured_cents=50_000 + 790 + 4_507,
                       paid_at=utcnow() - timedelta(hours=1))
    sign_in(client, manager_user)
    # then the back office order page and the packing slip show the same totals block
    for url in (f"/admin/orders/{order.number}", f"/admin/orders/{order.number}/packing-slip"):
        page = client.get(url).get_data(as_text=True)
        assert 'data-testid="totals-tax"' in page and "$45.07" in page, url
        assert 'data-testid="totals-total">$552.97<' in page, url
    # and the dashboard counts the sales before tax and the tax apart
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "$507.90</span> sales before tax" in dashboard
    assert "plus $45.07 sales tax collected" in dashboard


@pytest.mark.parametrize("refunded, kept_tax", [(0, 4_507), (55_297, 0)])
def test_refunded_orders_keep_only_their_share_of_tax_on_the_dashboard(
        app, client, manager_user, refunded, kept_tax):  # noqa: F811
    rack = make_product(name="Bench", variants=[{"sku": "BENCH", "price_cents": 50_000,
                                                 "on_hand": 3}]).variants[0]
    make_order([(rack, 1)], tax_cents=4_507, total_cents=55_297, captured_cents=55_297,
               refunded_cents=refunded, paid_at=utcnow() - timedelta(hours=1))
    sign_in(client, manager_user)
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert f"plus ${kept_tax // 100}.{kept_tax % 100:02d} sales tax collected" in dashboard
