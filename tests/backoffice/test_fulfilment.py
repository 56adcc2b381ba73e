"""Orders in the back office: finding them, pick and pack, ship, deliver, cancel and refund.

Payments go to the local Stripe stand-in and emails to a real SMTP server on loopback
(the `standin` and `app_settings` fixtures of the checkout tests).
"""
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from shop.accounts.models import AuditEntry
from shop.catalog.models import StockMovement, Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders import emails as outbox
from shop.orders.models import (Order, OrderStatusChange, OutgoingEmail, Refund, ReturnRequest,
                               WarrantyClaim)
from shop.payments import service as payments
from tests.checkout.conftest import app_settings, standin  # noqa: F401  (stand-in and SMTP)
from tests.checkout.test_payment_rules import DETAILS, cart_with, paid_session
from tests.factories import make_order, make_product
from tests.helpers import csrf_token, flashes

UPS_NUMBER = "1Z999AA10123456784"


@pytest.fixture
def band(app):
    return make_product(name="Loop Bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450, "length_cm": 20,
         "width_cm": 15, "height_cm": 5}]).variants[0]


def paid_order(app, standin, variant, quantity=1, **details) -> Order:
    """An order really paid through the stand-in, as the webhook would leave it."""
    order = checkout.place_order(cart_with(variant, quantity), replace(DETAILS, **details),
                                 utcnow())
    payments.fulfil_session(paid_session(app, order, standin), utcnow())
    return fresh(order)


def fresh(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def post(client, url, data=None, page=None):
    token = csrf_token(client, page or re.sub(r"/(pack|ship|deliver|note|cancel|refund)$", "", url))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def history(order):
    return [(c.status, c.actor, c.note) for c in db.session.scalars(
        select(OrderStatusChange).where(OrderStatusChange.order_id == order.id)
        .order_by(OrderStatusChange.id))]


def emails(order, kind=None):
    query = select(OutgoingEmail).where(OutgoingEmail.order_id == order.id)
    if kind:
        query = query.where(OutgoingEmail.kind == kind)
    return db.session.scalars(query.order_by(OutgoingEmail.id)).all()


def audits(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).all()


# --- the list -------------------------------------------------------------------------

def test_the_order_list_filters_by_status_method_discreet_and_search(as_staff):
    shipped = make_order(status="shipped", name="Avery Stone", email="avery@example.com")
    discreet = make_order(status="paid", discreet=True, shipping_method="overnight",
                          shipping_label="Overnight parcel")
    plain = make_order(status="paid", name="Kim Carter")

    def numbers(query):
        html = as_staff.get(f"/admin/orders{query}").get_data(as_text=True)
        return {o.number for o in (shipped, discreet, plain) if o.number in html}

    assert numbers("") == {shipped.number, discreet.number, plain.number}
    assert numbers("?status=paid") == {discreet.number, plain.number}
    assert numbers("?method=overnight") == {discreet.number}
    assert numbers("?discreet=yes") == {discreet.number}
    assert numbers("?discreet=no&status=paid") == {plain.number}
    assert numbers("?q=AVERY@example") == {shipped.number}
    assert numbers("?q=kim carter") == {plain.number}
    typed = plain.number.lower().replace("-", " ")  # as read aloud on the phone
    assert numbers(f"?q={typed}") == {plain.number}


def test_the_order_list_filters_by_created_and_paid_dates_in_the_shop_zone(as_staff):
    # 03:30 UTC on 2 March is still 1 March in New York
    late_evening = datetime(2026, 3, 2, 3, 30, tzinfo=timezone.utc)
    march_first = make_order(created_at=late_evening, paid_at=late_evening)
    march_tenth = make_order(created_at=datetime(2026, 3, 10, 15, tzinfo=timezone.utc),
                             paid_at=datetime(2026, 3, 12, 15, tzinfo=timezone.utc))

    def numbers(query):
        html = as_staff.get(f"/admin/orders?{query}").get_data(as_text=True)
        return {o.number for o in (march_first, march_tenth) if o.number in html}

    assert numbers("created_from=2026-03-01&created_to=2026-03-01") == {march_first.number}
    assert numbers("created_from=2026-03-02") == {march_tenth.number}
    assert numbers("paid_from=2026-03-11&paid_to=2026-03-12") == {march_tenth.number}
    assert numbers("paid_to=2026-03-11") == {march_first.number}


@pytest.mark.parametrize("query, message", [
    ("created_from=2026-13-01", "Created from: 2026-13-01 is not a real date."),
    ("created_to=01/03/2026", "Created to must be a date like 2026-01-31 (YYYY-MM-DD)."),
    ("paid_from=2026-03-05&paid_to=2026-03-01", "Paid to must be on or after paid from."),
    ("paid_from=yesterday", "Paid from must be a date like 2026-01-31 (YYYY-MM-DD)."),
    ("status=lost", "Status must be one of: pending_payment, paid, packed"),
    ("discreet=maybe", "Discreet packaging must be one of: yes, no."),
    ("method=teleport", "Shipping method must be one of: standard, overnight"),
    ("page=0", "Page must be a whole number from 1 to 10000."),
    ("page=two", "Page must be a whole number from 1 to 10000."),
])
def test_bad_order_filters_get_400_with_a_message_naming_the_field(as_staff, query, message):
    make_order()
    response = as_staff.get(f"/admin/orders?{query}")
    assert response.status_code == 400
    assert message in flashes(response)


def test_the_order_list_takes_the_same_number_of_queries_for_3_or_15_orders(
        as_staff, count_statements, band):
    for _ in range(3):
        make_order(lines=[(band, 2)])
    as_staff.get("/admin/orders")
    with count_statements() as few:
        assert as_staff.get("/admin/orders?status=paid").status_code == 200
    for _ in range(12):
        make_order(lines=[(band, 1)])
    as_staff.get("/admin/orders")
    with count_statements() as many:
        html = as_staff.get("/admin/orders?status=paid").get_data(as_text=True)
    assert len(many) <= len(few) <= 4  # no more for a longer list
    assert "15 orders." in html


def test_the_order_list_pages_through_50_at_a_time(as_staff, band):
    for _ in range(51):
        make_order(lines=[(band, 1)])
    first = as_staff.get("/admin/orders").get_data(as_text=True)
    second = as_staff.get("/admin/orders?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('href="/admin/orders/IO-') == 50
    assert second.count('href="/admin/orders/IO-') == 1


# --- the order page, pick list and slip -----------------------------------------------

def test_the_order_page_shows_lines_payment_history_promise_and_notes(as_staff, band):
    order = make_order(lines=[(band, 2)], note="Leave it by the garage", discreet=True)
    page = f"/admin/orders/{order.number}"
    html = as_staff.get(page).get_data(as_text=True)
    assert "Loop Bands" in html and "BAND" in html and "$29.00" in html and "$58.00" in html
    assert "Frame and welds: 10 years" in html and "Upholstery: 1 year" in html
    assert "pi_test_123" in html and "Leave it by the garage" in html
    assert "Dispatch Mon 23 Nov; arrives Tue 24 Nov to Wed 25 Nov" in html
    assert "Discreet packaging" in html
    # when staff add a note
    response = post(as_staff, f"{page}/note", {"note": "Customer called: deliver after 5pm"})
    # then staff see it on the timeline with who wrote it
    assert response.status_code == 303
    note = audits("order_note_added")[-1]
    assert (note.actor, note.entity_id, note.note) == (
        "sam.staff@example.com", order.number, "Customer called: deliver after 5pm")
    html = as_staff.get(page).get_data(as_text=True)
    assert "Customer called: deliver after 5pm" in html and "by sam.staff@example.com" in html
    # and the customer's order page, which shows the order history, does not
    assert len(history(order)) == 1
    with as_staff.session_transaction() as session:
        session["orders"] = [order.number]
    customer_page = as_staff.get(f"/track/{order.number}").get_data(as_text=True)
    assert "Customer called" not in customer_page and "Dispatch Mon 23 Nov" in customer_page


def test_the_order_page_links_to_its_return_requests_and_warranty_claims(as_staff):
    order = make_order(status="delivered", delivered_at=utcnow())
    line = order.lines[0]
    request = ReturnRequest(order_id=order.id, order_line_id=line.id, quantity=1,
                            reason="changed_mind", remedy="refund")
    claim = WarrantyClaim(order_id=order.id, order_line_id=line.id, component="Upholstery",
                          description="Seam split", covered=True)
    db.session.add_all([request, claim])
    db.session.commit()
    html = as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert f'href="/admin/returns/{request.id}"' in html
    assert f'href="/admin/claims/{claim.id}"' in html


def test_an_empty_note_is_400_and_adds_nothing(as_staff):
    order = make_order()
    response = post(as_staff, f"/admin/orders/{order.number}/note", {"note": "  "})
    assert response.status_code == 400 and "Staff note is empty." in response.get_data(as_text=True)
    assert len(history(order)) == 1


def test_unknown_orders_are_404(as_staff):
    make_order()
    assert as_staff.get("/admin/orders/IO-XXXX-XXXX").status_code == 404
    assert as_staff.get("/admin/orders/IO-XXXX-XXXX/packing-slip").status_code == 404


def test_the_pick_list_adds_up_paid_unpacked_orders_by_sku(as_staff, band):
    rack = make_product(name="Power Rack", variants=[{"sku": "AA-RACK"}]).variants[0]
    first = make_order(lines=[(band, 2), (rack, 1)])
    second = make_order(lines=[(band, 3)], discreet=True)
    packed = make_order(lines=[(band, 7)], status="packed")
    html = as_staff.get("/admin/orders/pick-list").get_data(as_text=True)
    rows = re.findall(r"<strong>([A-Z-]+)</strong></td>\s*<td>[^<]*</td>\s*"
                      r'<td class="num"><strong>(\d+)</strong>', html)
    assert rows == [("AA-RACK", "1"), ("BAND", "5")]  # SKU order, packed orders left out
    assert first.number in html and f"{second.number}</a> &times;3 (discreet)" in html
    assert packed.number not in html


def test_the_packing_slip_of_a_discreet_order_shows_the_neutral_sender(as_staff, app):
    discreet = make_order(discreet=True)
    plain = make_order()
    slip = as_staff.get(f"/admin/orders/{discreet.number}/packing-slip").get_data(as_text=True)
    assert 'data-testid="sender">GF Supply<' in slip
    assert "Discreet packaging: plain box, no product names on the outer label" in slip
    assert app.config["SHOP_NAME"] not in slip.replace("&amp;", "&")
    plain_slip = as_staff.get(f"/admin/orders/{plain.number}/packing-slip").get_data(as_text=True)
    assert "Iron &amp; Oak Fitness Supply" in plain_slip and "Discreet packaging" not in plain_slip


# --- pack, ship, deliver --------------------------------------------------------------

def test_packing_moves_a_paid_order_with_history_audit_and_email(as_staff):
    order = make_order()
    response = post(as_staff, f"/admin/orders/{order.number}/pack")
    assert response.status_code == 303
    assert fresh(order).status == "packed"
    assert history(order)[-1] == ("packed", "sam.staff@example.com", "")
    entry = audits("order_packed")[-1]
    assert (entry.entity, entry.entity_id, entry.before, entry.after) == (
        "order", order.number, {"status": "paid"}, {"status": "packed"})
    assert [e.subject for e in emails(order, "order_packed")] == [f"Order {order.number} is packed"]


@pytest.mark.parametrize("carrier, number, url_start", [
    ("ups", "1z999aa1 0123 456784", f"https://www.ups.com/track?loc=en_US&tracknum={UPS_NUMBER}"),
    ("fedex", "123456789012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
    ("usps", "9400111899223856928499",
     "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223856928499"),
    ("canada_post", "1234567890123456",
     "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=1234567890123456"),
    ("dhl", "1234567890", "https://www.dhl.com/us-en/home/tracking/tracking-express.html"
                          "?submit=1&tracking-id=1234567890"),
])
def test_shipping_builds_the_carriers_tracking_link(as_staff, smtp_server, carrier, number,
                                                     url_start):
    order = make_order(status="packed")
    response = post(as_staff, f"/admin/orders/{order.number}/ship",
                    {"carrier": carrier, "tracking_number": number})
    assert response.status_code == 303, flashes(as_staff.get(f"/admin/orders/{order.number}"))
    order = fresh(order)
    assert order.status == "shipped" and order.shipped_at is not None
    assert order.tracking_url == url_start
    assert order.tracking_number == re.sub(r"\s", "", number).upper()
    assert history(order)[-1][:2] == ("shipped", "sam.staff@example.com")
    assert audits("order_shipped")[-1].after["tracking_url"] == url_start
    # the request only queued the email; the worker sends it
    [email] = emails(order, "order_shipped")
    assert email.status == "queued" and url_start in email.body
    outbox.send_pending()
    db.session.expire_all()
    assert db.session.get(OutgoingEmail, email.id).status == "sent"
    assert any(url_start in body for body in smtp_server.bodies(order.email))


def test_freight_takes_the_company_name_and_an_optional_tracking_page(as_staff):
    without_page = make_order(status="packed")
    with_page = make_order(status="packed")
    assert post(as_staff, f"/admin/orders/{without_page.number}/ship", {
        "carrier": "freight", "freight_name": "Estes Express", "tracking_number": "PRO123456"}
    ).status_code == 303
    assert post(as_staff, f"/admin/orders/{with_page.number}/ship", {
        "carrier": "freight", "freight_name": "R+L Carriers", "tracking_number": "RL7788990",
        "tracking_url": "https://www2.rlcarriers.com/freight/shipping/shipment-tracing?pro=RL7788990"}
    ).status_code == 303
    without_page, with_page = fresh(without_page), fresh(with_page)
    assert (without_page.carrier, without_page.tracking_url) == ("Estes Express", "")
    assert with_page.carrier == "R+L Carriers"
    assert with_page.tracking_url.startswith("https://www2.rlcarriers.com/")


@pytest.mark.parametrize("form, message", [
    ({"carrier": "ups", "tracking_number": "1Z9"}, "Tracking number must be 6 to 40 letters"),
    ({"carrier": "ups", "tracking_number": "1Z999<b>AA1"}, "Tracking number must be 6 to 40"),
    ({"carrier": "ups", "tracking_number": "A" * 41}, "Tracking number must be 6 to 40"),
    ({"carrier": "ups", "tracking_number": ""}, "Tracking number is required."),
    ({"carrier": "pigeon", "tracking_number": UPS_NUMBER}, "Not a valid choice."),
    ({"carrier": "freight", "tracking_number": "PRO123456"}, "Freight company is required"),
    ({"carrier": "freight", "freight_name": "Estes", "tracking_number": "PRO123456",
      "tracking_url": "javascript://example.com/%0aalert(1)"}, "Tracking page must be a web"),
    ({"carrier": "ups", "tracking_number": UPS_NUMBER, "tracking_url": "https://x.example.com/"},
     "Only freight shipments take a tracking page"),
])
def test_bad_shipping_details_are_400_and_change_nothing(as_staff, form, message):
    order = make_order(status="packed")
    response = post(as_staff, f"/admin/orders/{order.number}/ship", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    order = fresh(order)
    assert (order.status, order.tracking_number, order.shipped_at) == ("packed", "", None)
    assert emails(order) == [] and audits("order_shipped") == []


def test_marking_shipped_twice_moves_the_order_once(as_staff):
    order = make_order(status="packed")
    form = {"carrier": "ups", "tracking_number": UPS_NUMBER}
    first = post(as_staff, f"/admin/orders/{order.number}/ship", form)
    second = post(as_staff, f"/admin/orders/{order.number}/ship",
                  {"carrier": "fedex", "tracking_number": "999999999999"})
    assert first.status_code == 303 and second.status_code == 409
    assert "is shipped, so it can&#39;t be marked shipped. Nothing was changed." in \
        second.get_data(as_text=True)
    order = fresh(order)
    assert (order.carrier, order.tracking_number) == ("UPS", UPS_NUMBER)
    assert [h[0] for h in history(order)].count("shipped") == 1
    assert len(emails(order, "order_shipped")) == 1 and len(audits("order_shipped")) == 1


def test_a_paid_order_must_be_packed_before_it_ships(as_staff):
    order = make_order(status="paid")
    response = post(as_staff, f"/admin/orders/{order.number}/ship",
                    {"carrier": "ups", "tracking_number": UPS_NUMBER})
    assert response.status_code == 409 and fresh(order).status == "paid"


def test_delivering_sets_the_delivery_time_and_emails_the_customer(as_staff):
    order = make_order(status="shipped", shipped_at=utcnow() - timedelta(days=2))
    response = post(as_staff, f"/admin/orders/{order.number}/deliver")
    assert response.status_code == 303
    order = fresh(order)
    assert order.status == "delivered"
    assert utcnow() - order.delivered_at < timedelta(minutes=1)
    assert history(order)[-1][:2] == ("delivered", "sam.staff@example.com")
    assert len(emails(order, "order_delivered")) == 1 and len(audits("order_delivered")) == 1
    # and delivering again changes nothing
    assert post(as_staff, f"/admin/orders/{order.number}/deliver").status_code == 409
    assert len(emails(order, "order_delivered")) == 1


# --- cancel and refund ----------------------------------------------------------------

def test_cancelling_a_paid_order_refunds_it_and_puts_the_stock_back(app, as_manager, standin, band):
    # given a really paid order for 2 of the 5 bands
    order = paid_order(app, standin, band, 2)
    assert (order.status, db.session.get(Variant, band.id).on_hand) == ("paid", 3)
    # when a manager cancels it
    response = post(as_manager, f"/admin/orders/{order.number}/cancel",
                    {"reason": "Customer asked to cancel by phone"})
    # then the whole payment went back through Stripe, once
    assert response.status_code == 303
    order = fresh(order)
    assert order.status == "cancelled"
    assert order.refunded_cents == order.captured_cents == order.total_cents
    [refund] = db.session.scalars(select(Refund).where(Refund.order_id == order.id)).all()
    assert (refund.status, refund.idempotency_key, refund.actor) == (
        "succeeded", f"cancel-{order.number}", "mia.manager@example.com")
    assert refund.stripe_refund_id
    # and the units are back on the shelf, in the ledger under the order
    variant = db.session.get(Variant, band.id)
    assert (variant.on_hand, variant.reserved) == (5, 0)
    back = db.session.scalars(select(StockMovement).where(StockMovement.reason == "cancelled")).all()
    assert [(m.delta, m.order_id, m.actor) for m in back] == [(2, order.id, "mia.manager@example.com")]
    assert db.session.scalar(select(func.sum(StockMovement.delta))
                             .where(StockMovement.variant_id == band.id)) == 5
    # and the history, audit and the customer's email say so
    assert history(order)[-1] == ("cancelled", "mia.manager@example.com",
                                  "Customer asked to cancel by phone")
    entry = audits("order_cancelled")[-1]
    assert entry.before == {"status": "paid", "refunded_cents": 0}
    assert entry.after == {"status": "cancelled", "refunded_cents": order.total_cents}
    [email] = emails(order, "order_cancelled")
    assert f"We refunded ${order.total_cents / 100:,.2f}" in email.body
    # and cancelling again changes nothing
    again = post(as_manager, f"/admin/orders/{order.number}/cancel", {"reason": "again"})
    assert again.status_code == 409 and fresh(order).refunded_cents == order.total_cents
    assert db.session.get(Variant, band.id).on_hand == 5


def test_when_stripe_refuses_the_refund_a_cancel_changes_nothing(app, as_manager, standin, band):
    # given a paid order whose payment Stripe cannot find right now
    order = paid_order(app, standin, band, 1)
    intent = order.stripe_payment_intent
    set_intent(order, "pi_unknown_to_stripe")
    response = post(as_manager, f"/admin/orders/{order.number}/cancel", {"reason": "Out of stock"})
    # then staff see Stripe's refusal and nothing else changed
    assert response.status_code == 409
    assert "Stripe did not make the refund" in flashes(response)
    order = fresh(order)
    assert (order.status, order.refunded_cents) == ("paid", 0)
    assert db.session.get(Variant, band.id).on_hand == 4
    assert db.session.scalar(select(func.count()).select_from(StockMovement)
                             .where(StockMovement.reason == "cancelled")) == 0
    assert emails(order, "order_cancelled") == [] and audits("order_cancelled") == []
    # and once Stripe knows the payment again, trying again is not stuck on the failed refund
    set_intent(order, intent)
    response = post(as_manager, f"/admin/orders/{order.number}/cancel", {"reason": "Out of stock"})
    assert response.status_code == 303
    order = fresh(order)
    assert (order.status, order.refunded_cents) == ("cancelled", order.captured_cents)
    assert sorted((r.idempotency_key, r.status) for r in db.session.scalars(select(Refund))) == [
        (f"cancel-{order.number}", "failed"), (f"cancel-{order.number}-retry-1", "succeeded")]
    assert db.session.get(Variant, band.id).on_hand == 5


def set_intent(order, intent):
    db.session.execute(update(Order).where(Order.id == order.id)
                       .values(stripe_payment_intent=intent))
    db.session.commit()


def test_a_shipped_order_cannot_be_cancelled(as_manager, band):
    order = make_order(lines=[(band, 1)], status="shipped")
    response = post(as_manager, f"/admin/orders/{order.number}/cancel", {"reason": "Too late"})
    assert response.status_code == 409
    assert "only orders not yet shipped can be cancelled" in flashes(response)
    assert fresh(order).status == "shipped" and fresh(order).refunded_cents == 0


def test_cancelling_an_unpaid_order_releases_what_its_checkout_held(app, as_staff, standin, band):
    order = checkout.place_order(cart_with(band, 2), DETAILS, utcnow())
    assert db.session.get(Variant, band.id).reserved == 2
    response = post(as_staff, f"/admin/orders/{order.number}/cancel", {"reason": "Test order"})
    assert response.status_code == 303
    order = fresh(order)
    assert order.status == "cancelled" and order.reservation_released
    variant = db.session.get(Variant, band.id)
    assert (variant.on_hand, variant.reserved) == (5, 0)
    assert history(order)[-1] == ("cancelled", "sam.staff@example.com", "Test order")
    assert len(audits("order_cancelled")) == 1 and len(emails(order, "order_cancelled")) == 1


def test_staff_cannot_cancel_a_paid_order(app, as_staff, standin, band):
    # given a really paid order for 2 of the 5 bands
    order = paid_order(app, standin, band, 2)
    # when a member of staff posts the cancel form with a valid CSRF token
    response = post(as_staff, f"/admin/orders/{order.number}/cancel",
                    {"reason": "Customer asked to cancel by phone"})
    # then it is refused, and no money, stock, history, audit or email moved
    assert response.status_code == 403
    assert "only a manager can cancel it" in response.get_data(as_text=True)
    order = fresh(order)
    assert (order.status, order.refunded_cents) == ("paid", 0)
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    assert db.session.get(Variant, band.id).on_hand == 3
    assert history(order)[-1][0] == "paid"
    assert audits("order_cancelled") == [] and emails(order, "order_cancelled") == []
    # and the cancel form is not offered to them, only a note that a manager does it
    html = as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert "Cancel order</button>" not in html and "A manager cancels paid orders" in html


def test_a_manager_refunds_part_of_an_order(app, as_manager, standin, band):
    order = paid_order(app, standin, band, 2)
    response = post(as_manager, f"/admin/orders/{order.number}/refund",
                    {"amount": "10.50", "reason": "Scuffed box", "request_id": "a" * 32})
    assert response.status_code == 303
    order = fresh(order)
    assert (order.refunded_cents, order.status) == (1_050, "paid")
    [refund] = db.session.scalars(select(Refund)).all()
    assert (refund.amount_cents, refund.status, refund.actor) == (
        1_050, "succeeded", "mia.manager@example.com")
    entry = audits("order_refunded")[-1]
    assert (entry.before, entry.after) == ({"refunded_cents": 0},
                                           {"refunded_cents": 1_050, "amount_cents": 1_050})
    [email] = emails(order, "order_refunded")
    assert "We refunded $10.50" in email.body
    assert history(order)[-1] == ("partially_refunded", "mia.manager@example.com", "Scuffed box")
    # and the same form sent again refunds nothing more
    again = post(as_manager, f"/admin/orders/{order.number}/refund",
                 {"amount": "10.50", "reason": "Scuffed box", "request_id": "a" * 32})
    assert again.status_code == 303
    assert fresh(order).refunded_cents == 1_050 and len(emails(order, "order_refunded")) == 1


def test_refunding_more_than_is_left_is_refused(app, as_manager, standin, band):
    order = paid_order(app, standin, band, 1)
    left = order.captured_cents
    response = post(as_manager, f"/admin/orders/{order.number}/refund", {
        "amount": f"{(left + 1) / 100:.2f}", "reason": "Too much", "request_id": "b" * 32})
    assert response.status_code == 409
    assert f"At most ${left / 100:,.2f} can still be refunded" in flashes(response)
    assert fresh(order).refunded_cents == 0
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    assert audits("order_refunded") == [] and emails(order, "order_refunded") == []


@pytest.mark.parametrize("amount, message", [
    ("", "Amount is required"), ("ten", "Amount must be an amount in dollars"),
    ("0", "Amount must be more than zero."), ("-5", "Amount must be zero or more"),
    ("1.005", "Amount can have at most two decimals"),
])
def test_bad_refund_amounts_are_400(as_manager, amount, message):
    order = make_order()
    response = post(as_manager, f"/admin/orders/{order.number}/refund",
                    {"amount": amount, "reason": "x", "request_id": "c" * 32})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert fresh(order).refunded_cents == 0


def test_staff_cannot_refund(as_staff):
    order = make_order()
    token = csrf_token(as_staff, f"/admin/orders/{order.number}")
    response = as_staff.post(f"/admin/orders/{order.number}/refund", data={
        "amount": "5", "reason": "Goodwill", "request_id": "d" * 32, "csrf_token": token})
    assert response.status_code == 403
    assert fresh(order).refunded_cents == 0
    # and the refund form is not even shown to them
    assert "Refund</button>" not in as_staff.get(f"/admin/orders/{order.number}").get_data(
        as_text=True)


NASTY = ["' OR 1=1 --", "<script>alert(1)</script>", "\x00", "%", "_", "\\", "🏋️" * 50,
         "a" * 5000, "2026-02-30", "9999-99-99"]


@pytest.mark.parametrize("value", NASTY)
def test_hostile_order_input_never_breaks_a_page(as_staff, value):
    order = make_order(status="packed")
    for name in ("q", "status", "method", "discreet", "created_from", "created_to", "paid_from",
                 "paid_to", "page"):
        response = as_staff.get("/admin/orders", query_string={name: value})
        assert response.status_code in (200, 400), (name, response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    page = f"/admin/orders/{order.number}"
    for url, form in ((f"{page}/note", {"note": value}),
                      (f"{page}/ship", {"carrier": "freight", "freight_name": value,
                                        "tracking_number": "PRO123456"}),
                      (f"{page}/cancel", {"reason": value})):
        response = post(as_staff, url, form)
        # (staff may not cancel a paid order: 403 when the reason is fine)
        assert response.status_code in (303, 400, 403, 409), (url, response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
