"""The staff order page: discreet sender setting, carrier from the method, tracking changes,
links to orders and SKUs, and the money buttons set apart."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from shop.accounts.models import AuditEntry
from shop.extensions import db
from shop.orders.models import Order, OutgoingEmail, ReturnRequest
from tests.factories import make_order, make_product
from tests.helpers import csrf_token, flashes


def test_the_packing_slip_of_a_discreet_order_uses_the_sender_setting(app, as_staff):
    # given the shop's own neutral sender name
    app.config["SHOP_DISCREET_SENDER"] = "RW Parcels"
    order = make_order(discreet=True)
    # when staff print the slip of a discreet order
    slip = as_staff.get(f"/admin/orders/{order.number}/packing-slip").get_data(as_text=True)
    # then it shows that sender
    assert 'data-testid="sender">RW Parcels<' in slip


# ---------------------------------------------------------------- ship form carrier

def selected_carrier(html: str, prefix: str = "") -> str:
    select_html = re.search(rf'<select[^>]*name="{prefix}carrier"[^>]*>(.*?)</select>', html,
                            re.S).group(1)
    return re.search(r'<option selected value="([^"]+)"', select_html).group(1)


@pytest.mark.parametrize("fields, carrier", [
    ({"shipping_method": "standard"}, "ups"),
    ({"shipping_method": "overnight", "delivery_promise": {}}, "fedex"),
    ({"shipping_method": "freight", "delivery_promise": {}}, "freight"),
    ({"delivery_promise": {"method": "standard+freight", "dispatch_on": "2026-11-23",
                           "earliest": "2026-11-26", "latest": "2026-12-02"}}, "freight"),
    ({"shipping_method": "international", "country": "GB", "delivery_promise": {}}, "dhl"),
    ({"country": "CA", "region": "ON", "delivery_promise": {}}, "canada_post"),
])
def test_the_ship_form_starts_on_the_carrier_of_the_orders_method(as_staff, fields, carrier):
    order = make_order(status="packed", **fields)
    html = as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert selected_carrier(html) == carrier


# ---------------------------------------------------------------- changing the tracking

UPS = "1Z999AA10123456784"


@pytest.fixture
def shipped(app):
    return make_order(status="shipped", carrier="FedEx", tracking_number="123456789012",
                      tracking_url="https://www.fedex.com/fedextrack/?trknbr=123456789012",
                      shipped_at=datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc))


def change_tracking(client, order, number=UPS, carrier="ups", seen=None, **extra):
    page = f"/admin/orders/{order.number}"
    token = csrf_token(client, page)  # one token per session, whichever form shows it
    return client.post(f"{page}/tracking", data={
        "tracking-csrf_token": token, "tracking-carrier": carrier,
        "tracking-tracking_number": number,
        "tracking-seen_tracking": order.tracking_number if seen is None else seen, **extra})


def fresh(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_a_changed_tracking_number_is_saved_shown_and_sent_to_the_customer(as_staff, shipped,
                                                                           staff_user):
    # given a shipped order whose FedEx number was mistyped: it went with UPS
    # when staff correct it
    response = change_tracking(as_staff, shipped)
    # then it is saved with UPS's link
    assert response.status_code == 303
    order = fresh(shipped)
    assert (order.carrier, order.tracking_number) == ("UPS", UPS)
    assert order.tracking_url == f"https://www.ups.com/track?loc=en_US&tracknum={UPS}"
    # and the page says it was saved and shows the saved value
    page = as_staff.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert f"Tracking number saved: UPS {UPS}" in flashes(page)
    assert f'data-testid="saved-tracking">UPS {UPS}<' in html
    # and the history, the audit log and the customer's email record it
    assert order.history[-1].note == f"Tracking changed to UPS {UPS}"
    audit = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "order_tracking_changed"))
    assert audit.actor == staff_user.email and audit.before["tracking_number"] == "123456789012"
    email = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.kind == "order_tracking"))
    assert email.to == order.email and UPS in email.body and "new tracking number" in email.body


def test_a_tracking_change_made_meanwhile_by_someone_else_is_not_overwritten(as_staff, shipped):
    # given the page was shown with the FedEx number, then someone saved another number
    response = change_tracking(as_staff, shipped, seen="999999999999")
    # then this change is refused and nothing is changed
    assert response.status_code == 409
    assert "Someone changed the tracking" in flashes(response)
    assert fresh(shipped).tracking_number == "123456789012"
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 0


def test_an_order_not_shipped_has_no_tracking_to_change(as_staff):
    paid = make_order(status="paid")
    response = change_tracking(as_staff, paid)
    assert response.status_code == 409
    assert fresh(paid).tracking_number == ""
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "order_tracking_changed")) == 0


def test_a_bad_tracking_number_is_400_and_changes_nothing(as_staff, shipped):
    response = change_tracking(as_staff, shipped, number="12")
    assert response.status_code == 400
    assert "Tracking number must be 6 to 40 letters and digits." in flashes(response)
    assert fresh(shipped).tracking_number == "123456789012"


def test_the_same_tracking_again_changes_nothing(as_staff, shipped):
    response = change_tracking(as_staff, shipped, number="123456789012", carrier="fedex")
    assert response.status_code == 409
    assert "already the order's tracking" in flashes(response)


# ---------------------------------------------------------------- money set apart

def test_cancel_and_refund_sit_apart_from_the_everyday_buttons(as_manager):
    order = make_order(status="paid")
    html = as_manager.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    money = re.search(r'data-testid="money-actions">(.*?)</section>', html, re.S).group(1)
    everyday = html[:html.index('data-testid="money-actions"')]
    assert "Cancel order" in money and ">Refund</button>" in money
    assert "Mark packed" in everyday
    assert "Cancel order" not in everyday and ">Refund</button>" not in everyday


def test_an_order_without_money_actions_shows_no_cancel_or_refund_box(as_staff):
    order = make_order(status="shipped", captured_cents=0)
    html = as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert 'data-testid="money-actions"' not in html


# ---------------------------------------------------------------- links

def test_return_pages_link_the_order_and_the_sku(as_staff):
    rack = make_product(name="Power Rack", variants=[{"sku": "RACK-9"}]).variants[0]
    order = make_order([(rack, 1)], status="delivered",
                       delivered_at=datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc))
    request = ReturnRequest(order_id=order.id, order_line_id=order.lines[0].id, quantity=1,
                            reason="damaged", remedy="refund", refund_cents=100)
    db.session.add(request)
    db.session.commit()
    listing = as_staff.get("/admin/returns").get_data(as_text=True)
    assert f'<a href="/admin/orders/{order.number}">{order.number}</a>' in listing
    page = as_staff.get(f"/admin/returns/{request.id}").get_data(as_text=True)
    assert f'<a href="/admin/orders/{order.number}">{order.number}</a>' in page
    assert f'<a class="sku" href="/admin/stock/{rack.id}">RACK-9</a>' in page
    assert f"RMA-{request.id:06d}" in page
