"""Staff handle returns: queue, approve or reject, receive (restock or write off), refund or replace."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from shop.accounts.models import AuditEntry
from shop.backoffice import returns_service as service
from shop.catalog.models import StockMovement, Variant
from shop.checkout import service as checkout
from shop.database import utcnow
from shop.extensions import db
from shop.orders.models import Order, OrderLine, OutgoingEmail, Refund, ReturnRequest
from shop.orders import aftercare
from shop.payments import service as payments
from tests.backoffice.conftest import sign_in
from tests.checkout.conftest import app_settings, standin  # noqa: F401 (fixtures: Stripe stand-in, SMTP)
from tests.checkout.test_payment_rules import DETAILS, cart_with, paid_session
from tests.factories import make_order, make_product
from tests.helpers import flashes, outcome, post_form, run_concurrently

DELIVERED = datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc)  # 2 Nov in New York
ASKED = datetime(2026, 11, 9, 15, 0, tzinfo=timezone.utc)      # day 7
TODAY = datetime(2026, 11, 10, 15, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["FIXED_NOW"] = TODAY


@pytest.fixture
def rack(app):
    """A $500 rack with 4 in stock."""
    return make_product(name="Power Rack", variants=[
        {"sku": "RACK-1", "price_cents": 50_000, "on_hand": 4}]).variants[0]


def ask_return(order, reason="damaged", remedy="refund", quantity=1, asked=ASKED,
               status="requested") -> ReturnRequest:
    """A return request as the customer side stores it (refund and shipping per the rules)."""
    line = order.lines[0]
    shop_at_fault = reason in ("damaged", "defective", "wrong_item")
    refund = line.unit_price_cents * quantity + (line.shipping_cents * quantity // line.quantity
                                                 if shop_at_fault else 0)
    request = ReturnRequest(order_id=order.id, order_line_id=line.id, quantity=quantity,
                            reason=reason, remedy=remedy, details="The upright arrived bent.",
                            refund_cents=refund if remedy == "refund" else 0,
                            return_shipping_paid_by="shop" if shop_at_fault else "customer",
                            status=status, created_at=asked)
    if status != "rejected":
        line.return_requested += quantity  # as request_return claims the units
    db.session.add(request)
    db.session.commit()
    return request


def delivered_order(variant, quantity=1, **fields):
    return make_order([(variant, quantity)], status="delivered", delivered_at=DELIVERED, **fields)


def page(return_id) -> str:
    return f"/admin/returns/{return_id}"


def act(client, return_id, action, **data):
    return post_form(client, f"/admin/returns/{return_id}/{action}", data, token_from=page(return_id))


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def audit_rows(action, return_id=None):
    query = select(AuditEntry).where(AuditEntry.action == action)
    if return_id is not None:
        query = query.where(AuditEntry.entity_id == str(return_id))
    return db.session.scalars(query).all()


def emails_of(kind):
    return db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == kind)).all()


def ledger(variant_id, reason):
    return db.session.scalars(select(StockMovement).where(
        StockMovement.variant_id == variant_id, StockMovement.reason == reason)).all()


# ---------------------------------------------------------------- queue and page

def test_the_queue_lists_open_returns_newest_first_with_order_item_and_refund(as_staff, rack):
    old = ask_return(delivered_order(rack), reason="changed_mind",
                     asked=datetime(2026, 11, 5, 15, tzinfo=timezone.utc))
    new = ask_return(delivered_order(rack), reason="damaged", remedy="replacement")
    done = ask_return(delivered_order(rack), status="refunded")
    html = as_staff.get("/admin/returns").get_data(as_text=True)
    assert html.index(f"#{new.id}<") < html.index(f"#{old.id}<")
    assert f"#{done.id}<" not in html
    assert "Changed my mind" in html and "Arrived damaged" in html
    assert "$500.00" in html and "RACK-1" in html
    assert fresh(Order, old.order_id).number in html


def test_the_status_filter_shows_only_that_status(as_staff, rack):
    requested = ask_return(delivered_order(rack))
    refunded = ask_return(delivered_order(rack), status="refunded")
    html = as_staff.get("/admin/returns?status=refunded").get_data(as_text=True)
    assert f"#{refunded.id}<" in html and f"#{requested.id}<" not in html
    everything = as_staff.get("/admin/returns?status=all").get_data(as_text=True)
    assert f"#{refunded.id}<" in everything and f"#{requested.id}<" in everything


def test_the_return_page_shows_the_request_and_what_the_rules_say(as_staff, rack):
    request = ask_return(delivered_order(rack))
    html = as_staff.get(page(request.id)).get_data(as_text=True)
    assert "The upright arrived bent." in html
    assert "Arrived damaged" in html
    assert "returnable; a refund pays $503.95." in html
    assert "Return by 2 Dec 2026" in html


def test_a_return_asked_in_time_stays_approvable_after_the_window(app, as_staff, rack):
    # given a return asked on day 30 and looked at on day 33
    request = ask_return(delivered_order(rack), reason="changed_mind",
                         asked=datetime(2026, 12, 2, 15, tzinfo=timezone.utc))
    app.config["FIXED_NOW"] = datetime(2026, 12, 5, 15, tzinfo=timezone.utc)
    html = as_staff.get(page(request.id)).get_data(as_text=True)
    assert "window ended" in html  # what the rules say today
    # when staff approve it
    response = act(as_staff, request.id, "approve", remedy="refund")
    # then the customer's right on the day they asked counts
    assert response.status_code == 303
    assert fresh(ReturnRequest, request.id).status == "approved"


def test_unknown_returns_are_404(as_staff):
    assert as_staff.get("/admin/returns/999").status_code == 404
    token_page = "/admin/returns"
    assert post_form(as_staff, "/admin/returns/999/approve", {"remedy": "refund"},
                     token_from=token_page).status_code == 404
    assert post_form(as_staff, "/admin/returns/999/reject", {"reject_reason": "no"},
                     token_from=token_page).status_code == 404


# ---------------------------------------------------------------- approve and reject

def test_approving_moves_to_approved_audits_and_emails_the_customer(as_staff, rack, staff_user):
    request = ask_return(delivered_order(rack))
    response = act(as_staff, request.id, "approve", remedy="refund", approve_note="Photos checked")
    assert response.status_code == 303
    stored = fresh(ReturnRequest, request.id)
    assert (stored.status, stored.remedy, stored.refund_cents) == ("approved", "refund", 50_395)
    assert "Approved: Photos checked" in stored.staff_note
    [entry] = audit_rows("return_approved", request.id)
    assert entry.actor == staff_user.email
    assert entry.before["status"] == "requested" and entry.after["status"] == "approved"
    [email] = emails_of("return_approved")
    assert email.to == "sam@example.com" and email.status == "queued"  # the worker sends it
    assert "is approved" in email.body and "$503.95" in email.body
    assert "prepaid label" in email.body  # damaged: we pay the return trip


def test_approving_can_switch_to_another_remedy_the_rules_allow(as_staff, rack):
    request = ask_return(delivered_order(rack), reason="wrong_item", remedy="refund")
    response = act(as_staff, request.id, "approve", remedy="replacement")
    assert response.status_code == 303
    assert fresh(ReturnRequest, request.id).remedy == "replacement"
    assert "send you a replacement" in emails_of("return_approved")[0].body


def test_a_double_submitted_approval_acts_once(as_staff, rack):
    request = ask_return(delivered_order(rack))
    first = act(as_staff, request.id, "approve", remedy="refund")
    second = act(as_staff, request.id, "approve", remedy="refund")
    assert first.status_code == 303
    assert second.status_code == 409
    assert "already dealt with" in flashes(second)
    assert len(audit_rows("return_approved", request.id)) == 1
    assert len(emails_of("return_approved")) == 1


def test_a_remedy_the_rules_do_not_allow_is_refused(as_staff, rack):
    # changing one's mind gets a refund, never a replacement
    request = ask_return(delivered_order(rack), reason="changed_mind")
    response = act(as_staff, request.id, "approve", remedy="replacement")
    assert response.status_code == 409
    assert "the rules allow a refund, not a replacement" in flashes(response)
    assert fresh(ReturnRequest, request.id).status == "requested"
    assert audit_rows("return_approved") == [] and emails_of("return_approved") == []


def test_approving_without_a_remedy_is_400_at_the_field(as_staff, rack):
    request = ask_return(delivered_order(rack))
    response = act(as_staff, request.id, "approve", remedy="")
    assert response.status_code == 400
    assert "Choose refund or replacement." in response.get_data(as_text=True)
    assert fresh(ReturnRequest, request.id).status == "requested"


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(as_staff, rack):
    request = ask_return(delivered_order(rack))
    response = act(as_staff, request.id, "reject", reject_reason="   ")
    assert response.status_code == 400
    assert "Give the customer a reason." in response.get_data(as_text=True)
    assert fresh(ReturnRequest, request.id).status == "requested"
    assert audit_rows("return_rejected") == [] and emails_of("return_rejected") == []


def test_rejecting_with_a_reason_emails_it_to_the_customer(as_staff, rack):
    request = ask_return(delivered_order(rack))
    response = act(as_staff, request.id, "reject",
                   reject_reason="The photos show wear from months of use.")
    assert response.status_code == 303
    stored = fresh(ReturnRequest, request.id)
    assert stored.status == "rejected"
    assert "Rejected: The photos show wear" in stored.staff_note
    assert fresh(OrderLine, stored.order_line_id).return_requested == 0  # may be asked again
    assert audit_rows("return_rejected", request.id)[0].note.startswith("The photos show wear")
    [email] = emails_of("return_rejected")
    assert "Why: The photos show wear from months of use." in email.body


def test_a_too_long_reject_reason_is_400(as_staff, rack):
    request = ask_return(delivered_order(rack))
    response = act(as_staff, request.id, "reject", reject_reason="x" * 501)
    assert response.status_code == 400
    assert "under 500 characters" in response.get_data(as_text=True)
    assert fresh(ReturnRequest, request.id).status == "requested"


# ---------------------------------------------------------------- receive

def test_receiving_with_restock_puts_the_units_back_with_a_ledger_row(as_staff, rack, staff_user):
    order = delivered_order(rack, quantity=2)
    request = ask_return(order, quantity=2, status="approved")
    response = act(as_staff, request.id, "receive", disposition="restock")
    assert response.status_code == 303
    assert fresh(ReturnRequest, request.id).status == "received"
    assert fresh(Variant, rack.id).on_hand == 6
    [movement] = ledger(rack.id, "returned")
    assert (movement.delta, movement.return_id, movement.order_id, movement.actor) == \
        (2, request.id, order.id, staff_user.email)
    [stock_entry] = audit_rows("stock_returned")
    assert (stock_entry.before, stock_entry.after) == ({"on_hand": 4}, {"on_hand": 6})
    assert audit_rows("return_received", request.id)[0].after["disposition"] == "restock"
    assert "has arrived at our warehouse" in emails_of("return_items_received")[0].body


def test_receiving_twice_restocks_once(as_staff, rack):
    request = ask_return(delivered_order(rack), status="approved")
    first = act(as_staff, request.id, "receive", disposition="restock")
    second = act(as_staff, request.id, "receive", disposition="restock")
    assert (first.status_code, second.status_code) == (303, 409)
    assert fresh(Variant, rack.id).on_hand == 5
    assert len(ledger(rack.id, "returned")) == 1
    assert len(audit_rows("return_received")) == 1


def test_a_write_off_changes_no_stock_and_is_noted_on_the_return(as_staff, rack):
    request = ask_return(delivered_order(rack), status="approved")
    response = act(as_staff, request.id, "receive", disposition="write_off",
                   receive_note="Upright cracked beyond repair")
    assert response.status_code == 303
    stored = fresh(ReturnRequest, request.id)
    assert stored.status == "received"
    assert "Written off by sam.staff@example.com: Upright cracked beyond repair" in stored.staff_note
    assert fresh(Variant, rack.id).on_hand == 4
    assert ledger(rack.id, "returned") == [] and audit_rows("stock_returned") == []
    [entry] = audit_rows("return_received", request.id)
    assert entry.after["disposition"] == "write_off"
    assert entry.note == "Upright cracked beyond repair"


def test_a_write_off_needs_a_note(as_staff, rack):
    request = ask_return(delivered_order(rack), status="approved")
    response = act(as_staff, request.id, "receive", disposition="write_off", receive_note="")
    assert response.status_code == 400
    assert "Say why the items are written off." in response.get_data(as_text=True)
    assert fresh(ReturnRequest, request.id).status == "approved"


def test_receiving_a_return_that_is_not_approved_is_refused(as_staff, rack):
    request = ask_return(delivered_order(rack))
    response = act(as_staff, request.id, "receive", disposition="restock")
    assert response.status_code == 409
    assert fresh(ReturnRequest, request.id).status == "requested"
    assert fresh(Variant, rack.id).on_hand == 4


# ---------------------------------------------------------------- refund

def test_staff_cannot_refund_a_return(as_staff, rack):
    request = ask_return(delivered_order(rack), status="received")
    response = act(as_staff, request.id, "refund")
    assert response.status_code == 403
    assert fresh(ReturnRequest, request.id).status == "received"
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0


def paid_and_delivered(app, standin, quantity: int) -> Order:
    """An order of `quantity` band sets paid through the Stripe stand-in, then delivered."""
    band = make_product(name="Loop Bands", variants=[
        {"sku": "BAND", "price_cents": 2_900, "on_hand": 5, "weight_g": 450, "length_cm": 20,
         "width_cm": 15, "height_cm": 5}]).variants[0]
    order = checkout.place_order(cart_with(band, quantity), DETAILS, utcnow())
    payments.fulfil_session(paid_session(app, order, standin), utcnow())
    order = fresh(Order, order.id)
    order.status, order.delivered_at = "delivered", DELIVERED
    db.session.commit()
    return order


def test_a_manager_refunds_a_received_return_through_stripe_once(app, client, standin,
                                                                 manager_user):
    # given a really paid and delivered order of two band sets, one set came back damaged
    order = paid_and_delivered(app, standin, quantity=2)
    request = ask_return(order, reason="damaged", status="received")
    expected = 2_900 + order.lines[0].shipping_cents // 2
    sign_in(client, manager_user)
    # when the manager refunds, twice (a double click)
    first = act(client, request.id, "refund")
    second = act(client, request.id, "refund")
    # then Stripe refunded once, the return is refunded, the customer was told once
    assert first.status_code == 303, flashes(first)
    assert second.status_code == 409
    stored = fresh(ReturnRequest, request.id)
    assert (stored.status, stored.refund_cents) == ("refunded", expected)
    [refund] = db.session.scalars(select(Refund)).all()
    assert (refund.amount_cents, refund.status, refund.idempotency_key) == \
        (expected, "succeeded", f"return-{request.id}-{order.number}")
    assert refund.stripe_refund_id and refund.actor == manager_user.email
    assert fresh(Order, order.id).refunded_cents == expected
    [entry] = audit_rows("return_refunded", request.id)
    assert entry.after["refund_id"] == refund.id
    [email] = emails_of("return_refunded")
    assert f"We refunded ${expected / 100:.2f}" in email.body


def test_a_refund_stripe_refuses_leaves_the_return_received(as_manager, rack):
    # an order whose payment Stripe never saw (pi_test_123): the refund cannot go through
    order = delivered_order(rack)
    request = ask_return(order, status="received")
    response = act(as_manager, request.id, "refund")
    assert response.status_code == 409
    assert "Stripe did not make the refund" in flashes(response)
    assert fresh(ReturnRequest, request.id).status == "received"
    assert fresh(Order, order.id).refunded_cents == 0
    assert audit_rows("return_refunded") == [] and emails_of("return_refunded") == []
    # a second try asks Stripe again under a fresh key instead of replaying the failure
    again = act(as_manager, request.id, "refund")
    assert "Stripe did not make the refund" in flashes(again)
    keys = db.session.scalars(select(Refund.idempotency_key).order_by(Refund.id)).all()
    assert keys == [f"return-{request.id}-{order.number}",
                    f"return-{request.id}-{order.number}-retry-1"]


def test_refunding_a_return_not_yet_received_is_refused(as_manager, rack):
    request = ask_return(delivered_order(rack), status="approved")
    response = act(as_manager, request.id, "refund")
    assert response.status_code == 409
    assert "not received" in flashes(response)


# ---------------------------------------------------------------- replacement

def test_a_replacement_ships_as_a_zero_price_order_and_takes_stock(as_staff, rack, staff_user):
    # given a received return of a damaged rack, to be replaced
    order = delivered_order(rack, discreet=True)
    request = ask_return(order, remedy="replacement", status="received")
    # when staff send the replacement
    response = act(as_staff, request.id, "replace")
    assert response.status_code == 303, flashes(response)
    assert fresh(ReturnRequest, request.id).status == "replaced"
    # then a new paid order of one zero-price line goes to the same address, by the same method
    shipment = db.session.scalar(select(Order).where(Order.replacement_for_id == order.id))
    [replacement] = shipment.lines
    original = fresh(Order, order.id).lines[0]
    assert replacement.is_replacement and replacement.unit_price_cents == 0
    assert (replacement.sku, replacement.name, replacement.weight_g, replacement.quantity) == \
        (original.sku, original.name, original.weight_g, 1)
    assert replacement.warranty_terms == original.warranty_terms
    assert (shipment.status, shipment.total_cents, shipment.captured_cents) == ("paid", 0, 0)
    assert (shipment.address1, shipment.shipping_method, shipment.discreet) == \
        (order.address1, order.shipping_method, True)
    assert shipment.delivery_promise["dispatch_on"] == "2026-11-10"
    # and the stock ledger and audit log say so; the original order is unchanged
    assert fresh(Variant, rack.id).on_hand == 3
    [movement] = ledger(rack.id, "replacement")
    assert (movement.delta, movement.order_id, movement.actor) == (-1, shipment.id, staff_user.email)
    order = fresh(Order, order.id)
    assert (order.status, order.total_cents, order.refunded_cents) == ("delivered", 50_790, 0)
    assert len(order.lines) == 1
    assert audit_rows("return_replaced", request.id)[0].after["replacement_line_id"] == replacement.id
    [email] = emails_of("return_replaced")
    assert "sending you a replacement" in email.body
    assert f"It ships as order {shipment.number}" in email.body
    # and staff see the link both ways, and can pack and ship the replacement as usual
    assert shipment.number in as_staff.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert order.number in as_staff.get(f"/admin/orders/{shipment.number}").get_data(as_text=True)
    packed = post_form(as_staff, f"/admin/orders/{shipment.number}/pack", {},
                       token_from=f"/admin/orders/{shipment.number}")
    assert packed.status_code == 303
    assert fresh(Order, shipment.id).status == "packed"


def test_a_replacement_is_refused_when_out_of_stock(as_staff, rack):
    order = delivered_order(rack)
    request = ask_return(order, remedy="replacement", status="received")
    # the last four racks are held by open checkouts
    db.session.get(Variant, rack.id).reserved = 4
    db.session.commit()
    response = act(as_staff, request.id, "replace")
    assert response.status_code == 409
    assert "Not enough Power Rack (RACK-1) in stock" in flashes(response)
    assert fresh(ReturnRequest, request.id).status == "received"
    assert db.session.scalar(select(func.count()).select_from(OrderLine)
                             .where(OrderLine.order_id == order.id)) == 1
    assert fresh(Variant, rack.id).on_hand == 4
    assert ledger(rack.id, "replacement") == [] and audit_rows("return_replaced") == []


def test_a_replacement_is_refused_when_the_rules_only_allow_a_refund(as_staff, rack):
    request = ask_return(delivered_order(rack), reason="changed_mind", status="received")
    response = act(as_staff, request.id, "replace")
    assert response.status_code == 409
    assert "don't allow a replacement" in flashes(response)
    assert fresh(Variant, rack.id).on_hand == 4


# ---------------------------------------------------------------- real concurrency (PostgreSQL)

def run_together(app, jobs):
    """Each job's outcome when all run at once: "done" or the refusal's class name."""
    return [outcome(result) for result in run_concurrently(app, jobs)]


def test_concurrent_replacements_never_take_more_than_the_sellable_stock(app, backend, rack):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given 4 racks on hand, 1 held by a checkout, and 6 received returns waiting for a replacement
    db.session.get(Variant, rack.id).reserved = 1
    db.session.commit()
    ids = [ask_return(delivered_order(rack), remedy="replacement", status="received").id
           for _ in range(6)]
    # when staff send all six replacements at once
    outcomes = run_together(app, [
        lambda rid=rid: service.replace_return(rid, "worker", "America/New_York") for rid in ids])
    # then exactly three went out, and on-hand still matches the ledger
    assert sorted(outcomes) == ["ActionRefused"] * 3 + ["done"] * 3
    variant = fresh(Variant, rack.id)
    assert (variant.on_hand, variant.reserved) == (1, 1)
    assert db.session.scalar(select(func.sum(StockMovement.delta))
                             .where(StockMovement.variant_id == rack.id)) == 1
    statuses = db.session.scalars(select(ReturnRequest.status)).all()
    assert sorted(statuses) == ["received"] * 3 + ["replaced"] * 3
    assert db.session.scalar(select(func.count()).select_from(OrderLine)
                             .where(OrderLine.is_replacement)) == 3
    assert db.session.scalar(select(func.count()).select_from(Order)
                             .where(Order.replacement_for_id.is_not(None))) == 3


def test_concurrent_receipts_of_one_return_restock_once(app, backend, rack):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    return_id = ask_return(delivered_order(rack, quantity=2), quantity=2, status="approved").id
    outcomes = run_together(app, [
        lambda: service.receive_return(return_id, "restock", "", "worker")] * 8)
    assert sorted(outcomes) == ["AlreadyHandled"] * 7 + ["done"]
    assert fresh(Variant, rack.id).on_hand == 6
    assert len(ledger(rack.id, "returned")) == 1 and len(emails_of("return_items_received")) == 1


def test_concurrent_customer_requests_never_ask_back_more_than_was_bought(app, backend, rack):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given a delivered order of 2 racks
    order = delivered_order(rack, quantity=2)
    order_id, line_id = order.id, order.lines[0].id

    def ask():
        aftercare.request_return(db.session.get(Order, order_id),
                                 db.session.get(OrderLine, line_id), "damaged", "refund", 1,
                                 "", TODAY.date(), "America/New_York")

    # when six requests for one rack each arrive at once
    outcomes = run_together(app, [ask] * 6)
    # then two were taken and four refused; the line counts exactly two
    assert sorted(outcomes) == ["AftercareRefused"] * 4 + ["done"] * 2
    assert db.session.scalar(select(func.count()).select_from(ReturnRequest)) == 2
    assert fresh(OrderLine, line_id).return_requested == 2


def test_the_customer_sees_why_a_return_was_refused(app, as_staff, rack):
    order = delivered_order(rack)
    request = ask_return(order)
    act(as_staff, request.id, "reject", reject_reason="The photos show months of wear.")
    customer = app.test_client()
    post_form(customer, "/track", {"number": order.number, "email": order.email},
              token_from="/track")
    page = customer.get(f"/track/{order.number}").get_data(as_text=True)
    assert "rejected<br><small>Why: The photos show months of wear.</small>" in page


def test_a_whole_order_return_whose_refund_settled_later_is_finished_by_refunding_again(
        app, standin, rack):
    from shop.payments import refunds
    from tests.checkout.test_payment_rules import client_for
    from tests.checkout.test_refund_outcomes import RefundsThenTimesOut
    # given a really paid, delivered one-item order, returned damaged: the return's refund
    # (item, shipping and tax) is the whole payment
    order = paid_and_delivered(app, standin, quantity=1)
    request = ask_return(order, reason="damaged", status="received")
    decision = aftercare.return_decision(order, order.lines[0], "damaged", 1, ASKED.date(),
                                         app.config["SHOP_TIMEZONE"])
    request.refund_cents = decision.refund_cents
    db.session.commit()
    assert decision.refund_cents == order.captured_cents
    # when the manager's refund loses Stripe's answer, and the worker settles it later
    service.refund_return(request.id, RefundsThenTimesOut(client_for(app)), "boss@example.com",
                          app.config["SHOP_TIMEZONE"])
    refunds.reconcile_pending_refunds(client_for(app), utcnow() + timedelta(minutes=5))
    assert fresh(Order, order.id).status == "refunded"
    # then refunding again (as the page says) finishes the return, without a second refund
    service.refund_return(request.id, client_for(app), "boss@example.com",
                          app.config["SHOP_TIMEZONE"])
    assert fresh(ReturnRequest, request.id).status == "refunded"
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert len(emails_of("return_refunded")) == 1


def test_staff_cannot_approve_or_replace_a_return_of_an_order_refunded_in_full(as_staff, rack):
    # given a return asking for a replacement, then a manager refunded the whole order
    order = delivered_order(rack)
    request = ask_return(order, remedy="replacement", status="requested")
    order = fresh(Order, order.id)
    order.refunded_cents, order.status = order.captured_cents, "refunded"
    db.session.commit()
    # when staff approve it, then (received meanwhile) send the replacement
    approved = act(as_staff, request.id, "approve", remedy="replacement", note="")
    fresh(ReturnRequest, request.id).status = "received"
    db.session.commit()
    replaced = act(as_staff, request.id, "replace")
    # then both are refused (found by a review: free goods on top of a full refund)
    assert approved.status_code == 409 and replaced.status_code == 409
    assert "refunded in full already" in flashes(replaced)
    assert db.session.scalar(select(Order).where(Order.replacement_for_id == order.id)) is None
    assert fresh(ReturnRequest, request.id).status == "received"
