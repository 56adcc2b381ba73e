"""Staff handle warranty claims: approve a repair or a replacement, goodwill, reject, close."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from shop.accounts.models import AuditEntry
from shop.backoffice import claims_service as service
from shop.catalog.models import StockMovement, Variant
from shop.extensions import db
from shop.orders import aftercare
from shop.orders.models import Order, OrderLine, OutgoingEmail, ReturnRequest, WarrantyClaim
from tests.factories import make_order, make_product
from tests.helpers import flashes, outcome, post_form, run_concurrently

TODAY = datetime(2026, 11, 10, 15, 0, tzinfo=timezone.utc)
RECENT = datetime(2026, 6, 1, 16, 0, tzinfo=timezone.utc)    # upholstery (1 year) still covered
LONG_AGO = datetime(2024, 3, 1, 17, 0, tzinfo=timezone.utc)  # upholstery cover ended in 2025


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["FIXED_NOW"] = TODAY


@pytest.fixture
def bench(app):
    """A $300 bench with 3 in stock."""
    return make_product(name="Flat Bench", variants=[
        {"sku": "BENCH-1", "price_cents": 30_000, "on_hand": 3}]).variants[0]


def claim_for(variant, delivered_at=RECENT, component="Upholstery", status="requested",
              covered=None) -> WarrantyClaim:
    """A claim as the customer side stores it; `covered` is what the receipt said."""
    order = make_order([(variant, 1)], status="delivered", delivered_at=delivered_at)
    covered = delivered_at == RECENT if covered is None else covered
    claim = WarrantyClaim(order_id=order.id, order_line_id=order.lines[0].id, component=component,
                          description="The seat cover split along the seam.", covered=covered,
                          coverage_reason="Upholstery (1 year) covered" if covered
                          else "Upholstery (1 year) cover ended", status=status, created_at=TODAY)
    db.session.add(claim)
    db.session.commit()
    return claim


def page(claim_id) -> str:
    return f"/admin/claims/{claim_id}"


def act(client, claim_id, action, **data):
    return post_form(client, f"/admin/claims/{claim_id}/{action}", data, token_from=page(claim_id))


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def audit_rows(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def emails_of(kind):
    return db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == kind)).all()


def replacement_moves(variant_id):
    return db.session.scalars(select(StockMovement).where(
        StockMovement.variant_id == variant_id, StockMovement.reason == "replacement")).all()


def test_the_queue_shows_open_claims_and_filters_by_status(as_staff, bench):
    open_claim = claim_for(bench)
    closed = claim_for(bench, status="closed")
    html = as_staff.get("/admin/claims").get_data(as_text=True)
    assert f"#{open_claim.id}<" in html and f"#{closed.id}<" not in html
    assert "Flat Bench" in html and "Upholstery" in html
    closed_only = as_staff.get("/admin/claims?status=closed").get_data(as_text=True)
    assert f"#{closed.id}<" in closed_only and f"#{open_claim.id}<" not in closed_only


def test_the_claim_page_shows_the_terms_and_todays_coverage(as_staff, bench):
    claim = claim_for(bench, delivered_at=LONG_AGO)
    html = as_staff.get(page(claim.id)).get_data(as_text=True)
    assert "The seat cover split along the seam." in html
    assert "Frame and welds" in html and "10 years" in html
    assert "Upholstery (1 year) cover ended on 28 Feb 2025" in html
    assert "Approving needs the goodwill tick." in html


def test_unknown_claims_are_404(as_staff):
    assert as_staff.get("/admin/claims/999").status_code == 404
    assert post_form(as_staff, "/admin/claims/999/reject", {"claim_reject_reason": "no"},
                     token_from="/admin/claims").status_code == 404


def test_approving_a_covered_repair_audits_and_emails_the_customer(as_staff, bench, staff_user):
    claim = claim_for(bench)
    response = act(as_staff, claim.id, "approve", claim_remedy="repair")
    assert response.status_code == 303
    assert fresh(WarrantyClaim, claim.id).status == "approved_repair"
    [entry] = audit_rows("claim_approved")
    assert entry.actor == staff_user.email
    assert entry.after == {"status": "approved_repair", "goodwill": False}
    [email] = emails_of("claim_approved")
    assert email.to == "sam@example.com" and "We'll repair it at no cost" in email.body
    assert "goodwill" not in email.body
    assert fresh(Variant, bench.id).on_hand == 3


def test_approving_what_the_rules_do_not_cover_needs_the_goodwill_tick(as_staff, bench):
    claim = claim_for(bench, delivered_at=LONG_AGO)
    response = act(as_staff, claim.id, "approve", claim_remedy="repair")
    assert response.status_code == 400
    assert "Tick goodwill to approve it anyway." in response.get_data(as_text=True)
    assert fresh(WarrantyClaim, claim.id).status == "requested"
    assert audit_rows("claim_approved") == [] and emails_of("claim_approved") == []


def test_a_goodwill_approval_is_noted_in_the_audit_log_and_the_email(as_staff, bench):
    claim = claim_for(bench, delivered_at=LONG_AGO)
    response = act(as_staff, claim.id, "approve", claim_remedy="repair", goodwill="y",
                   claim_note="Loyal customer")
    assert response.status_code == 303
    stored = fresh(WarrantyClaim, claim.id)
    assert stored.status == "approved_repair"
    assert "Goodwill; Loyal customer" in stored.staff_note
    [entry] = audit_rows("claim_approved")
    assert entry.after["goodwill"] is True
    assert entry.note.startswith("Goodwill: not covered by the rules") and "Loyal customer" in entry.note
    assert "goodwill gesture" in emails_of("claim_approved")[0].body


def test_staff_cannot_approve_a_goodwill_replacement(as_staff, bench):
    # given a claim the rules say is not covered
    claim = claim_for(bench, delivered_at=LONG_AGO)
    # when a member of staff approves a replacement as goodwill
    response = act(as_staff, claim.id, "approve", claim_remedy="replacement", goodwill="y")
    # then it is refused and no unit, order, audit row or email was made
    assert response.status_code == 403
    assert "Only a manager can approve a goodwill replacement" in response.get_data(as_text=True)
    assert fresh(WarrantyClaim, claim.id).status == "requested"
    assert fresh(Variant, bench.id).on_hand == 3 and replacement_moves(bench.id) == []
    assert db.session.scalar(select(func.count()).select_from(Order)
                             .where(Order.replacement_for_id.is_not(None))) == 0
    assert audit_rows("claim_approved") == [] and emails_of("claim_approved") == []
    # and the page tells them a manager does it
    assert "A manager approves goodwill replacements" in as_staff.get(page(claim.id)).get_data(
        as_text=True)


def test_a_manager_approves_a_goodwill_replacement(as_manager, bench, manager_user):
    claim = claim_for(bench, delivered_at=LONG_AGO)
    response = act(as_manager, claim.id, "approve", claim_remedy="replacement", goodwill="y")
    assert response.status_code == 303, flashes(response)
    assert fresh(WarrantyClaim, claim.id).status == "approved_replacement"
    assert fresh(Variant, bench.id).on_hand == 2
    [entry] = audit_rows("claim_approved")
    assert (entry.actor, entry.after["goodwill"]) == (manager_user.email, True)


def test_a_claim_covered_when_asked_needs_no_goodwill_after_cover_ends(app, as_staff, bench):
    # covered on the day the customer asked; staff look at it a year later
    claim = claim_for(bench)
    app.config["FIXED_NOW"] = datetime(2027, 8, 1, 15, tzinfo=timezone.utc)
    response = act(as_staff, claim.id, "approve", claim_remedy="repair")
    assert response.status_code == 303
    assert audit_rows("claim_approved")[0].after["goodwill"] is False


def test_approving_a_replacement_adds_a_zero_price_line_and_takes_stock(as_staff, bench,
                                                                        staff_user):
    claim = claim_for(bench)
    response = act(as_staff, claim.id, "approve", claim_remedy="replacement")
    assert response.status_code == 303, flashes(response)
    assert fresh(WarrantyClaim, claim.id).status == "approved_replacement"
    [original] = db.session.scalars(select(OrderLine).where(
        OrderLine.order_id == claim.order_id)).all()
    shipment = db.session.scalar(select(Order).where(Order.replacement_for_id == claim.order_id))
    [replacement] = shipment.lines
    assert shipment.status == "paid" and shipment.total_cents == 0
    assert replacement.is_replacement and replacement.unit_price_cents == 0
    assert (replacement.sku, replacement.quantity, replacement.warranty_terms) == \
        (original.sku, 1, original.warranty_terms)
    assert fresh(Variant, bench.id).on_hand == 2
    [movement] = replacement_moves(bench.id)
    assert (movement.delta, movement.order_id, movement.actor) == \
        (-1, shipment.id, staff_user.email)
    assert audit_rows("claim_approved")[0].after["replacement_line_id"] == replacement.id
    [stock_entry] = audit_rows("stock_replacement")
    assert (stock_entry.before, stock_entry.after) == ({"on_hand": 3}, {"on_hand": 2})
    body = emails_of("claim_approved")[0].body
    assert "We're sending you a replacement" in body
    assert f"It ships as order {shipment.number}" in body


def test_no_replacement_for_a_claim_on_an_order_refunded_in_full(as_staff, bench):
    # given a claim on an order a manager has since refunded in full
    claim = claim_for(bench)
    order = fresh(Order, claim.order_id)
    order.refunded_cents, order.status = order.captured_cents, "refunded"
    db.session.commit()
    # when staff approve a replacement, then it is refused: the money is back already
    response = act(as_staff, claim.id, "approve", claim_remedy="replacement")
    assert response.status_code == 409
    assert "a replacement on top would be free goods" in flashes(response)
    assert fresh(WarrantyClaim, claim.id).status == "requested"
    assert db.session.scalar(select(Order).where(Order.replacement_for_id == order.id)) is None
    assert fresh(Variant, bench.id).on_hand == 3


def test_a_replacement_is_refused_when_out_of_stock(as_staff, bench):
    claim = claim_for(bench)
    db.session.get(Variant, bench.id).reserved = 3
    db.session.commit()
    response = act(as_staff, claim.id, "approve", claim_remedy="replacement")
    assert response.status_code == 409
    assert "Not enough Flat Bench (BENCH-1) in stock" in flashes(response)
    assert fresh(WarrantyClaim, claim.id).status == "requested"
    assert db.session.scalar(select(func.count()).select_from(OrderLine)
                             .where(OrderLine.order_id == claim.order_id)) == 1
    assert fresh(Variant, bench.id).on_hand == 3 and replacement_moves(bench.id) == []
    assert audit_rows("claim_approved") == [] and emails_of("claim_approved") == []


def test_a_double_submitted_replacement_takes_stock_once(as_staff, bench):
    claim = claim_for(bench)
    first = act(as_staff, claim.id, "approve", claim_remedy="replacement")
    second = act(as_staff, claim.id, "approve", claim_remedy="replacement")
    assert (first.status_code, second.status_code) == (303, 409)
    assert "already dealt with" in flashes(second)
    assert fresh(Variant, bench.id).on_hand == 2
    assert len(replacement_moves(bench.id)) == 1 and len(emails_of("claim_approved")) == 1


def test_approving_without_choosing_is_400(as_staff, bench):
    claim = claim_for(bench)
    response = act(as_staff, claim.id, "approve", claim_remedy="upgrade")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert fresh(WarrantyClaim, claim.id).status == "requested"


def test_rejecting_needs_a_reason(as_staff, bench):
    claim = claim_for(bench)
    response = act(as_staff, claim.id, "reject", claim_reject_reason="")
    assert response.status_code == 400
    assert "Give the customer a reason." in response.get_data(as_text=True)
    assert fresh(WarrantyClaim, claim.id).status == "requested"
    assert audit_rows("claim_rejected") == [] and emails_of("claim_rejected") == []


def test_rejecting_emails_the_reason(as_staff, bench):
    claim = claim_for(bench)
    response = act(as_staff, claim.id, "reject",
                   claim_reject_reason="The photos show a knife cut, not wear.")
    assert response.status_code == 303
    stored = fresh(WarrantyClaim, claim.id)
    assert stored.status == "rejected" and "Rejected: The photos show a knife cut" in stored.staff_note
    assert audit_rows("claim_rejected")[0].note == "The photos show a knife cut, not wear."
    assert "Why: The photos show a knife cut, not wear." in emails_of("claim_rejected")[0].body


def test_closing_an_approved_claim_emails_the_customer_once(as_staff, bench):
    claim = claim_for(bench, status="approved_repair")
    first = act(as_staff, claim.id, "close", close_note="New seat cover fitted on site.")
    second = act(as_staff, claim.id, "close", close_note="New seat cover fitted on site.")
    assert (first.status_code, second.status_code) == (303, 409)
    assert fresh(WarrantyClaim, claim.id).status == "closed"
    assert len(audit_rows("claim_closed")) == 1
    [email] = emails_of("claim_closed")
    assert "New seat cover fitted on site." in email.body


def test_a_requested_claim_cannot_be_closed(as_staff, bench):
    claim = claim_for(bench)
    response = act(as_staff, claim.id, "close")
    assert response.status_code == 409
    assert fresh(WarrantyClaim, claim.id).status == "requested"


def test_concurrent_replacement_approvals_of_one_claim_take_stock_once(app, backend, bench):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    claim_id = claim_for(bench).id  # threads must not touch this session's objects
    outcomes = [outcome(result) for result in run_concurrently(app, [
        lambda: service.approve_claim(claim_id, "replacement", False, "", "worker",
                                      TODAY.date(), "America/New_York", by_manager=False)] * 8)]
    assert sorted(outcomes) == ["AlreadyHandled"] * 7 + ["done"]
    assert fresh(Variant, bench.id).on_hand == 2
    assert len(replacement_moves(bench.id)) == 1 and len(emails_of("claim_approved")) == 1
    assert db.session.scalar(select(func.count()).select_from(OrderLine)
                             .where(OrderLine.is_replacement)) == 1


def test_the_customer_sees_the_reason_on_their_order_page(app, as_staff, bench):
    claim = claim_for(bench)
    act(as_staff, claim.id, "reject", claim_reject_reason="The photos show a knife cut.")
    order = db.session.get(Order, claim.order_id)
    customer = app.test_client()
    post_form(customer, "/track", {"number": order.number, "email": order.email},
              token_from="/track")
    page = customer.get(f"/track/{order.number}").get_data(as_text=True)
    assert "rejected<br><small>Why: The photos show a knife cut.</small>" in page


# ---------------------------------------------------------------- one remedy per unit

def claim_on(order, component="Frame and welds") -> WarrantyClaim:
    """Another claim on the first line of `order`, covered on the receipt."""
    claim = WarrantyClaim(order_id=order.id, order_line_id=order.lines[0].id, component=component,
                          description="A weld cracked at the rail.", covered=True,
                          coverage_reason="Frame and welds (10 years) covered", created_at=TODAY)
    db.session.add(claim)
    db.session.commit()
    return claim


def test_a_unit_refunded_in_a_return_gets_no_warranty_replacement(as_staff, bench):
    # given an Air Rower refunded after a "changed my mind" return, and then a frame claim
    # on the same unit
    claim = claim_for(bench, component="Frame and welds")
    order = db.session.get(Order, claim.order_id)
    db.session.add(ReturnRequest(order_id=order.id, order_line_id=order.lines[0].id, quantity=1,
                                 reason="changed_mind", remedy="refund", refund_cents=30_000,
                                 status="refunded"))
    order.lines[0].return_requested = 1  # as the customer's request counted it
    db.session.commit()
    # when staff open the claim, then a replacement is not offered, only a repair
    html = as_staff.get(page(claim.id)).get_data(as_text=True)
    assert 'value="replacement"' not in html and 'value="repair"' in html
    assert "No replacement: every unit of this line was already returned" in html
    # and when a replacement is posted anyway, it is refused and nothing moved
    response = act(as_staff, claim.id, "approve", claim_remedy="replacement")
    assert response.status_code == 409
    assert "was already returned (refunded or replaced) or replaced under warranty" in \
        flashes(response)
    assert fresh(WarrantyClaim, claim.id).status == "requested"
    assert fresh(OrderLine, order.lines[0].id).warranty_replaced == 0
    assert fresh(Variant, bench.id).on_hand == 3 and replacement_moves(bench.id) == []
    assert db.session.scalar(select(func.count()).select_from(Order)
                             .where(Order.replacement_for_id.is_not(None))) == 0
    assert audit_rows("claim_approved") == [] and emails_of("claim_approved") == []


def test_two_claims_on_one_unit_get_one_replacement(as_staff, bench):
    # given two claims on the one bench of an order
    first = claim_for(bench, component="Frame and welds")
    order = db.session.get(Order, first.order_id)
    second = claim_on(order)
    # when staff approve a replacement for each
    assert act(as_staff, first.id, "approve", claim_remedy="replacement").status_code == 303
    response = act(as_staff, second.id, "approve", claim_remedy="replacement")
    # then only the first sends a unit
    assert response.status_code == 409
    assert fresh(WarrantyClaim, second.id).status == "requested"
    assert fresh(OrderLine, order.lines[0].id).warranty_replaced == 1
    assert fresh(Variant, bench.id).on_hand == 2 and len(replacement_moves(bench.id)) == 1
    # and the customer can no longer ask to return the replaced unit
    assert "replaced under warranty" in str(_try_return(order))


def _try_return(order):
    try:
        aftercare.request_return(
            db.session.get(Order, order.id), db.session.get(OrderLine, order.lines[0].id),
            "defective", "refund", 1, "", (RECENT + timedelta(days=5)).date(), "America/New_York")
    except aftercare.AftercareRefused as error:
        return error
    return None


def test_concurrent_replacements_for_claims_on_one_unit_send_one(app, backend, bench):
    if backend != "postgresql":
        pytest.skip("real concurrency is tested against PostgreSQL")
    # given six claims on the one bench of an order
    order = db.session.get(Order, claim_for(bench, component="Frame and welds").order_id)
    ids = [claim.id for claim in db.session.scalars(select(WarrantyClaim))] + \
        [claim_on(order).id for _ in range(5)]
    line_id = order.lines[0].id
    # when six members of staff approve a replacement for each at once
    outcomes = [outcome(result) for result in run_concurrently(app, [
        lambda cid=cid: service.approve_claim(cid, "replacement", False, "", "worker",
                                              TODAY.date(), "America/New_York",
                                              by_manager=False) for cid in ids])]
    # then exactly one unit was sent
    assert sorted(outcomes) == ["ActionRefused"] * 5 + ["done"]
    assert fresh(OrderLine, line_id).warranty_replaced == 1
    assert fresh(Variant, bench.id).on_hand == 2 and len(replacement_moves(bench.id)) == 1
    assert sorted(db.session.scalars(select(WarrantyClaim.status))) == \
        ["approved_replacement"] + ["requested"] * 5
