"""Staff handling of warranty claims: the queue, a claim's page, approve, reject, close.
One use case per function, each one transaction (see `casework`).

Cover is judged on the day the claim was made and today; either (or the receipt's own
answer) is enough. A replacement is its own order (`shop.orders.replacements`).
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from shop.accounts.service import record
from shop.backoffice.casework import (ActionRefused, AlreadyHandled, GoodwillRequired,
                                      ManagerOnly, NotFound, audit_history, chosen_statuses,
                                      item_queue, load_with_item, local_date, send_replacement,
                                      set_case_status, transaction, with_note)
from shop.catalog.models import StockMovement
from shop.extensions import db
from shop.orders import aftercare, emails, replacements
from shop.orders import service as orders
from shop.orders.models import CLAIM_STATUSES, Order, OrderLine, WarrantyClaim
from shop.pagination import Page
from shop.rules import warranty
from shop.web_cache import versions

OPEN_CLAIM_STATUSES = ("requested", "approved_repair", "approved_replacement")


@dataclass(frozen=True)
class ClaimPage:
    """Everything the staff page of one warranty claim shows, loaded up front."""
    claim: WarrantyClaim
    order: Order
    line: OrderLine
    terms: list
    at_request: warranty.Coverage
    today: warranty.Coverage
    covered: bool
    available: int | None
    ledger: list
    history: list
    replaceable: bool  # a unit of the line is neither asked back nor replaced yet


def claim_queue(status: str, page: int = 1) -> Page:
    """Warranty claims, newest first, with their order number and item."""
    return item_queue(WarrantyClaim, chosen_statuses(status, CLAIM_STATUSES,
                                                     OPEN_CLAIM_STATUSES), page)


def _coverage(order, line, component: str, on: date, zone_name: str) -> warranty.Coverage:
    try:
        return aftercare.claim_coverage(order, line, component, on, zone_name)
    except (ValueError, KeyError) as error:  # unreadable terms or shipping method on old orders
        return warranty.Coverage(False, None, f"The rules could not work out the cover: {error}")


def _claim_coverages(claim, order, line, today: date, zone_name: str):
    """Cover on the day of the claim, cover today, and whether either (or the receipt) said yes."""
    at_request = _coverage(order, line, claim.component, local_date(claim.created_at, zone_name),
                           zone_name)
    now = _coverage(order, line, claim.component, today, zone_name)
    return at_request, now, bool(claim.covered or at_request.covered or now.covered)


def claim_page(claim_id: int, today: date, zone_name: str) -> ClaimPage | None:
    loaded = load_with_item(WarrantyClaim, claim_id)
    if loaded is None:
        return None
    claim, order, line = loaded
    at_request, now, covered = _claim_coverages(claim, order, line, today, zone_name)
    try:
        terms = warranty.warranty_table(warranty.terms_from_dicts(line.warranty_terms or []))
    except (ValueError, KeyError, TypeError):
        terms = []
    return ClaimPage(
        claim=claim, order=order, line=line, terms=terms, at_request=at_request, today=now,
        covered=covered, available=replacements.available_units(line.variant_id),
        ledger=db.session.scalars(select(StockMovement).where(
            StockMovement.order_id.in_(select(Order.id).where(
                Order.replacement_for_id == order.id)),
            StockMovement.reason == "replacement",
            StockMovement.note.startswith(f"Warranty claim #{claim_id};")).order_by(
            StockMovement.id)).all(),
        history=audit_history("warranty_claim", claim_id), replaceable=line.units_open > 0)


def _require_claim(claim_id: int):
    loaded = load_with_item(WarrantyClaim, claim_id)
    if loaded is None:
        raise NotFound("There is no such warranty claim.")
    return loaded


def _queue_claim_email(kind: str, subject: str, claim_id: int, **context) -> None:
    claim, order, line = load_with_item(WarrantyClaim, claim_id)
    db.session.refresh(claim)
    emails.queue(kind, f"claim-{claim.id}", order.email, subject, f"{kind}.txt", order,
                 claim=claim, line=line, track_url=emails.tracking_link(order), **context)


def approve_claim(claim_id: int, remedy: str, goodwill: bool, note: str, actor: str,
                  today: date, zone_name: str, *, by_manager: bool) -> OrderLine | None:
    """requested -> approved_repair / approved_replacement; not covered needs goodwill ticked,
    and a goodwill replacement (a free unit the rules don't owe) needs a manager."""
    claim, order, line = _require_claim(claim_id)
    if remedy == "replacement" and orders.refunded_in_full(order):
        raise ActionRefused(f"Order {order.number} is refunded in full already (or its refund "
                            "is waiting for Stripe's answer): a replacement on top would be "
                            "free goods. Approve a repair, or reject the claim. Nothing was "
                            "changed.")
    at_request, now, covered = _claim_coverages(claim, order, line, today, zone_name)
    if not covered and not goodwill:
        raise GoodwillRequired(f"The warranty rules say this is not covered ({now.reason}). "
                               "Tick goodwill to approve it anyway.")
    is_goodwill = not covered
    if is_goodwill and remedy == "replacement" and not by_manager:
        raise ManagerOnly("Only a manager can approve a goodwill replacement; staff may approve "
                          "a goodwill repair. Nothing was changed.")
    to_status = f"approved_{remedy}"
    audit_note = f"Goodwill: not covered by the rules ({now.reason}). {note}".strip() \
        if is_goodwill else note
    staff_line = "; ".join(filter(None, ["Goodwill" if is_goodwill else "", note]))
    sent = None
    with transaction():
        if not set_case_status(WarrantyClaim, claim_id, "requested", to_status,
                               staff_note=with_note(claim.staff_note, staff_line and
                                                    f"Approved {remedy}: {staff_line}")):
            raise AlreadyHandled("This claim was already dealt with (it is no longer requested); "
                                 "nothing was changed.")
        after = {"status": to_status, "goodwill": is_goodwill}
        if remedy == "replacement":
            _claim_unit_for_replacement(line)
            sent = send_replacement(order, line, 1, actor, f"Warranty claim #{claim_id}")
            after["replacement_line_id"] = sent.line.id
        record(actor, "claim_approved", "warranty_claim", claim_id,
               before={"status": "requested"}, after=after, note=audit_note)
        _queue_claim_email("claim_approved",
                           f"Your warranty claim for order {order.number} is approved", claim_id,
                           remedy=remedy, goodwill=is_goodwill,
                           shipment=sent.order if sent else None)
    if sent:
        versions.stock_moved([(line.variant_id, -1)])
    return sent.line if sent else None


def _claim_unit_for_replacement(line: OrderLine) -> None:
    """Count one unit of `line` as replaced under warranty, if one was neither asked back in
    a return nor replaced already: a conditional UPDATE, so of two staff approving at once
    for the last unit, one is refused."""
    claimed = db.session.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id,
               OrderLine.return_requested + OrderLine.warranty_replaced + 1 <= OrderLine.quantity)
        .values(warranty_replaced=OrderLine.warranty_replaced + 1)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ActionRefused(f"Every unit of {line.name} on this order was already returned "
                            "(refunded or replaced) or replaced under warranty, so no "
                            "replacement can be sent; approve a repair or reject the claim. "
                            "Nothing was changed.")


def reject_claim(claim_id: int, reason: str, actor: str) -> None:
    claim, order, _ = _require_claim(claim_id)
    with transaction():
        if not set_case_status(WarrantyClaim, claim_id, "requested", "rejected",
                               customer_message=reason,
                               staff_note=with_note(claim.staff_note, f"Rejected: {reason}")):
            raise AlreadyHandled("This claim was already dealt with (it is no longer requested); "
                                 "nothing was changed.")
        record(actor, "claim_rejected", "warranty_claim", claim_id,
               before={"status": "requested"}, after={"status": "rejected"}, note=reason)
        _queue_claim_email("claim_rejected",
                           f"About your warranty claim for order {order.number}", claim_id,
                           rejection=reason)


def close_claim(claim_id: int, note: str, actor: str) -> None:
    """approved_repair / approved_replacement -> closed, once the repair or swap is done."""
    claim, order, _ = _require_claim(claim_id)
    if claim.status not in ("approved_repair", "approved_replacement"):
        raise AlreadyHandled(f"Only an approved claim can be closed; this one is "
                             f"{claim.status.replace('_', ' ')}.")
    with transaction():
        if not set_case_status(WarrantyClaim, claim_id, claim.status, "closed",
                               customer_message=note,
                               staff_note=with_note(claim.staff_note, note and f"Closed: {note}")):
            raise AlreadyHandled("This claim was already closed; nothing was changed.")
        record(actor, "claim_closed", "warranty_claim", claim_id,
               before={"status": claim.status}, after={"status": "closed"}, note=note)
        _queue_claim_email("claim_closed", f"Your warranty claim for order {order.number} is done",
                           claim_id, closing_note=note)
