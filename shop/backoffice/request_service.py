"""Staff handling of returns, warranty claims and contact messages: one use case per function.

Every step is a conditional status move (UPDATE ... WHERE status = expected), so a
double click or two members of staff at once act once. Stock moves are conditional
UPDATEs with a ledger row. Each step writes an audit row and queues the customer's
email in the same transaction; the caller sends queued mail after the commit.
A step that cannot be done raises ActionRefused and changes nothing.

What the rules allowed is judged on the day the customer asked (a return asked for on
day 30 stays approvable on day 33); the pages also show what the rules say today.
"""
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import AuditEntry
from shop import clock
from shop.accounts.service import record
from shop.catalog.models import StockMovement, Variant
from shop.extensions import db
from shop.orders import emails
from shop.orders import requests as order_requests
from shop.orders import service as order_service
from shop.orders.models import (CLAIM_STATUSES, RETURN_STATUSES, Order, OrderLine, OutgoingEmail,
                                Refund, ReturnRequest, WarrantyClaim)
from shop.pages.models import ContactMessage
from shop.payments import service as payments
from shop.rules import delivery
from shop.rules import returns as return_rules
from shop.rules import warranty

PAGE_SIZE = 50
STAFF_NOTE_MAX = 1000
OPEN_RETURN_STATUSES = ("requested", "approved", "received")
OPEN_CLAIM_STATUSES = ("requested", "approved_repair", "approved_replacement")
MESSAGE_STATUSES = ("new", "answered")


class ActionRefused(Exception):
    """The step cannot be done; the message says why, for staff. Nothing was changed."""


class NotFound(ActionRefused):
    """No request or message with that id."""


class AlreadyHandled(ActionRefused):
    """The request is no longer in the status the step starts from (a double click, a colleague)."""


class GoodwillRequired(ActionRefused):
    """The rules say the claim is not covered and nobody ticked goodwill."""


class ManagerOnly(ActionRefused):
    """Only a manager may take this step (a goodwill replacement)."""


# ---------------------------------------------------------------- shared helpers

@contextmanager
def _transaction():
    """Commit at the end of the block, roll everything back if it raises."""
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _move(model, row_id: int, from_status: str, to_status: str, **values) -> bool:
    """Conditional status move: True for exactly one of any number of racing callers."""
    return db.session.execute(
        update(model).where(model.id == row_id, model.status == from_status)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)).rowcount == 1


def _with_note(existing: str, text: str) -> str:
    """Append a line to a staff note, keeping the newest text when it grows too long."""
    if not text:
        return existing
    combined = f"{existing}\n{text}" if existing else text
    return combined[-STAFF_NOTE_MAX:]


def _local_date(moment: datetime, zone_name: str) -> date:
    return moment.astimezone(ZoneInfo(zone_name)).date()


def _statuses(choice: str, known: tuple[str, ...], open_ones: tuple[str, ...]) -> tuple[str, ...]:
    if choice == "all":
        return known
    if choice in known:
        return (choice,)
    return open_ones


def _page(query, page: int) -> tuple[list, bool]:
    """One page of rows and whether there is another page after it."""
    rows = db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _history(entity: str, entity_id: int) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)).all()


def _available(variant_id: int | None) -> int | None:
    if variant_id is None:
        return None
    return db.session.scalar(select(Variant.on_hand - Variant.reserved)
                             .where(Variant.id == variant_id))


def _restock(line: OrderLine, quantity: int, actor: str, return_id: int, note: str) -> None:
    """Put returned units back on hand: one conditional UPDATE, a ledger row, an audit row."""
    if line.variant_id is None:
        raise ActionRefused(f"{line.sku} is no longer in the catalog, so it cannot go back "
                            "into stock; write the items off instead.")
    grown = db.session.execute(
        update(Variant).where(Variant.id == line.variant_id)
        .values(on_hand=Variant.on_hand + quantity)
        .execution_options(synchronize_session=False)).rowcount
    if grown != 1:
        raise ActionRefused(f"{line.sku} is no longer in the catalog; write the items off instead.")
    # Our UPDATE holds the row until commit, so this is the value it wrote.
    on_hand = db.session.scalar(select(Variant.on_hand).where(Variant.id == line.variant_id))
    db.session.add(StockMovement(variant_id=line.variant_id, delta=quantity, reason="returned",
                                 actor=actor, order_id=line.order_id, return_id=return_id,
                                 note=note[:300]))
    record(actor, "stock_returned", "variant", line.variant_id,
           before={"on_hand": on_hand - quantity}, after={"on_hand": on_hand}, note=note)


def _send_replacement(order: Order, line: OrderLine, quantity: int, actor: str, note: str,
                      return_id: int | None = None) -> OrderLine:
    """A zero-price copy of `line` on a new replacement order, its stock taken by a conditional UPDATE.

    The replacement order is paid (nothing to pay) and goes through packing and shipping
    like any other, to the original address by the original method, so the original
    order keeps its own delivery date (and with it the return window and warranty).
    """
    if line.variant_id is None:
        raise ActionRefused(f"{line.sku} is no longer in the catalog, so no replacement can be "
                            "sent from stock.")
    taken = db.session.execute(
        update(Variant).where(Variant.id == line.variant_id,
                              Variant.on_hand - Variant.reserved >= quantity)
        .values(on_hand=Variant.on_hand - quantity)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        available = _available(line.variant_id) or 0
        raise ActionRefused(f"Not enough {line.name} ({line.sku}) in stock for a replacement: "
                            f"{quantity} needed, {max(available, 0)} available. Nothing was changed.")
    on_hand = db.session.scalar(select(Variant.on_hand).where(Variant.id == line.variant_id))
    shipment = _replacement_order(order, actor, note)
    replacement = OrderLine(
        order_id=shipment.id, variant_id=line.variant_id, product_slug=line.product_slug,
        sku=line.sku, name=line.name, option=line.option, quantity=quantity, unit_price_cents=0,
        weight_g=line.weight_g, shipping_class=line.shipping_class, shipping_cents=0,
        warranty_terms=list(line.warranty_terms or []), final_sale=line.final_sale,
        return_window_days=line.return_window_days, is_replacement=True)
    db.session.add(replacement)
    db.session.add(StockMovement(variant_id=line.variant_id, delta=-quantity, reason="replacement",
                                 actor=actor, order_id=shipment.id, return_id=return_id,
                                 note=f"{note}; order {order.number}"[:300]))
    db.session.flush()
    record(actor, "stock_replacement", "variant", line.variant_id,
           before={"on_hand": on_hand + quantity}, after={"on_hand": on_hand},
           note=f"{note}; order {order.number}, replacement order {shipment.number}")
    return replacement


def _replacement_order(order: Order, actor: str, note: str) -> Order:
    """A paid, zero-total order to the original's address, waiting to be packed."""
    now = clock.now()
    method = order.shipping_method
    try:
        promise = delivery.order_delivery_window(now, method.split("+")).to_dict()
    except ValueError:  # a method the calendar no longer knows: staff still see the order
        promise = {"method": method}
    shipment = Order(
        number=order_service.new_order_number(), status="paid", email=order.email,
        name=order.name, phone=order.phone, address1=order.address1, address2=order.address2,
        city=order.city, region=order.region, postal_code=order.postal_code,
        country=order.country, shipping_method=method, shipping_label=order.shipping_label,
        discreet=order.discreet, note=f"{note} (order {order.number})"[:1000],
        subtotal_cents=0, shipping_cents=0, total_cents=0, captured_cents=0,
        delivery_promise=promise, created_at=now, paid_at=now, replacement_for_id=order.id)
    db.session.add(shipment)
    db.session.flush()
    order_service.record_status(shipment, "paid", actor=actor,
                                note=f"Replacement for order {order.number}: nothing to pay")
    return shipment


# ---------------------------------------------------------------- returns

@dataclass(frozen=True)
class ReturnPage:
    """Everything the staff page of one return shows, loaded up front."""
    request: ReturnRequest
    order: Order
    line: OrderLine
    reason_label: str
    at_request: return_rules.ReturnDecision
    today: return_rules.ReturnDecision
    allowed_remedies: tuple[str, ...]
    available: int | None
    ledger: list
    refunds: list
    history: list


def reason_label(code: str) -> str:
    try:
        return return_rules.DEFAULT_RETURN_POLICY.reason(code).label
    except ValueError:
        return code


def return_queue(status: str, page: int = 1) -> tuple[list, bool]:
    """Return requests, newest first, with their order number and item."""
    return _queue(ReturnRequest, _statuses(status, RETURN_STATUSES, OPEN_RETURN_STATUSES), page)


def _queue(model, statuses, page: int) -> tuple[list, bool]:
    """One page of return requests or warranty claims in `statuses`, newest first."""
    query = (select(model, Order.number, OrderLine.name, OrderLine.option, OrderLine.sku)
             .join(Order, Order.id == model.order_id)
             .join(OrderLine, OrderLine.id == model.order_line_id)
             .where(model.status.in_(statuses))
             .order_by(model.created_at.desc(), model.id.desc()))
    return _page(query, page)


def _load_return(return_id: int) -> tuple[ReturnRequest, Order, OrderLine] | None:
    request = db.session.get(ReturnRequest, return_id)
    if request is None:
        return None
    return request, db.session.get(Order, request.order_id), \
        db.session.get(OrderLine, request.order_line_id)


def _decision(order, line, request, on: date, zone_name: str) -> return_rules.ReturnDecision:
    try:
        return order_requests.return_decision(order, line, request.reason, request.quantity, on,
                                              zone_name)
    except ValueError as error:  # unknown reason code, or a day before delivery
        return return_rules.ReturnDecision(False, (), 0, None, str(error))


def _decision_at_request(order, line, request, zone_name: str) -> return_rules.ReturnDecision:
    return _decision(order, line, request, _local_date(request.created_at, zone_name), zone_name)


def _allowed(decision: return_rules.ReturnDecision) -> tuple[str, ...]:
    return decision.remedies if decision.eligible else ()


def return_page(return_id: int, today: date, zone_name: str) -> ReturnPage | None:
    loaded = _load_return(return_id)
    if loaded is None:
        return None
    request, order, line = loaded
    at_request = _decision_at_request(order, line, request, zone_name)
    return ReturnPage(
        request=request, order=order, line=line, reason_label=reason_label(request.reason),
        at_request=at_request, today=_decision(order, line, request, today, zone_name),
        allowed_remedies=_allowed(at_request), available=_available(line.variant_id),
        ledger=db.session.scalars(select(StockMovement).where(StockMovement.return_id == return_id)
                                  .order_by(StockMovement.id)).all(),
        refunds=db.session.scalars(select(Refund).where(
            Refund.order_id == order.id,
            Refund.idempotency_key.startswith(_refund_key_base(return_id, order)))
            .order_by(Refund.id)).all(),
        history=_history("return_request", return_id))


def _require_return(return_id: int):
    loaded = _load_return(return_id)
    if loaded is None:
        raise NotFound("There is no such return.")
    return loaded


def _refund_amount(request: ReturnRequest, decision: return_rules.ReturnDecision) -> int:
    """What the customer was promised when they asked for a refund, else what the rules pay."""
    if request.remedy == return_rules.REFUND and request.refund_cents > 0:
        return request.refund_cents
    return decision.refund_cents


def _queue_return_email(kind: str, subject: str, request_id: int, **context) -> None:
    request, order, line = _load_return(request_id)
    db.session.refresh(request)
    emails.queue(kind, f"return-{request.id}", order.email, subject, f"{kind}.txt", order,
                 request=request, line=line, reason_label=reason_label(request.reason),
                 track_url=emails.tracking_link(order), **context)


def approve_return(return_id: int, remedy: str, note: str, actor: str, zone_name: str) -> None:
    """requested -> approved, with a remedy the rules allow for the customer's reason."""
    request, order, line = _require_return(return_id)
    decision = _decision_at_request(order, line, request, zone_name)
    if not decision.eligible:
        raise ActionRefused(f"The return rules don't allow this return ({decision.reason}); "
                            "reject it with a reason instead.")
    if remedy not in decision.remedies:
        allowed = " or ".join(decision.remedies)
        raise ActionRefused(f"For \"{reason_label(request.reason)}\" the rules allow a {allowed}, "
                            f"not a {remedy}.")
    before = {"status": request.status, "remedy": request.remedy,
              "refund_cents": request.refund_cents}
    refund_cents = _refund_amount(request, decision) if remedy == return_rules.REFUND \
        else request.refund_cents
    with _transaction():
        if not _move(ReturnRequest, return_id, "requested", "approved", remedy=remedy,
                     refund_cents=refund_cents,
                     staff_note=_with_note(request.staff_note, note and f"Approved: {note}")):
            raise AlreadyHandled("This return was already dealt with (it is no longer "
                                 "requested); nothing was changed.")
        record(actor, "return_approved", "return_request", return_id, before=before,
               after={"status": "approved", "remedy": remedy, "refund_cents": refund_cents},
               note=note)
        _queue_return_email("return_approved", f"Your return for order {order.number} is approved",
                            return_id)


def reject_return(return_id: int, reason: str, actor: str) -> None:
    """requested -> rejected; the reason goes to the customer."""
    request, order, _ = _require_return(return_id)
    with _transaction():
        if not _move(ReturnRequest, return_id, "requested", "rejected", customer_message=reason,
                     staff_note=_with_note(request.staff_note, f"Rejected: {reason}")):
            raise AlreadyHandled("This return was already dealt with (it is no longer "
                                 "requested); nothing was changed.")
        db.session.execute(  # the units may be asked for again
            update(OrderLine).where(OrderLine.id == request.order_line_id)
            .values(return_requested=OrderLine.return_requested - request.quantity)
            .execution_options(synchronize_session=False))
        record(actor, "return_rejected", "return_request", return_id,
               before={"status": "requested"}, after={"status": "rejected"}, note=reason)
        _queue_return_email("return_rejected",
                            f"About your return request for order {order.number}", return_id,
                            rejection=reason)


def receive_return(return_id: int, disposition: str, note: str, actor: str) -> None:
    """approved -> received: the items go back into stock, or are written off (no stock change)."""
    request, order, line = _require_return(return_id)
    if disposition == "write_off":
        staff_line = f"Written off by {actor}: {note}"
    else:
        staff_line = f"Received and restocked: {note}" if note else ""
    with _transaction():
        if not _move(ReturnRequest, return_id, "approved", "received",
                     staff_note=_with_note(request.staff_note, staff_line)):
            raise AlreadyHandled("These items were already received (or the return is not "
                                 "approved); nothing was changed.")
        if disposition == "restock":
            _restock(line, request.quantity, actor, return_id,
                     f"Return #{return_id} of order {order.number}")
        record(actor, "return_received", "return_request", return_id,
               before={"status": "approved"},
               after={"status": "received", "disposition": disposition,
                      "quantity": request.quantity}, note=note)
        _queue_return_email("return_items_received",
                            f"We received your returned items (order {order.number})", return_id)


def _refund_key_base(return_id: int, order: Order) -> str:
    """The return's Stripe idempotency key. The order number keeps it unique across
    databases that share one Stripe account (a reset staging database, test runs)."""
    return f"return-{return_id}-{order.number}"


def _refund_key(return_id: int, order: Order) -> str:
    """The return's key, or a fresh one when Stripe refused the earlier attempts (a retry)."""
    base = _refund_key_base(return_id, order)
    failed = set(db.session.scalars(select(Refund.idempotency_key).where(
        Refund.status == "failed", Refund.idempotency_key.startswith(base))))
    key, attempt = base, 1
    while key in failed:
        key, attempt = f"{base}-retry-{attempt}", attempt + 1
    return key


def refund_return(return_id: int, client, actor: str, zone_name: str) -> Refund:
    """received -> refunded: refund through Stripe first (idempotent), then move the status.

    A refund Stripe refuses leaves the return received. If the status move is lost to
    a double click, the idempotency key has already made sure money went back once.
    """
    request, order, line = _require_return(return_id)
    if request.status != "received":
        raise AlreadyHandled(f"This return is {request.status}, not received; nothing was changed.")
    decision = _decision_at_request(order, line, request, zone_name)
    if return_rules.REFUND not in _allowed(decision):
        raise ActionRefused("The return rules don't allow a refund for this return.")
    amount = _refund_amount(request, decision)
    if amount <= 0:
        raise ActionRefused("There is nothing to refund for this return.")
    key = _refund_key(return_id, order)
    reason = f"Return #{return_id}: {reason_label(request.reason)}"
    try:
        refund = payments.refund_order(order.id, amount, reason, client, actor=actor,
                                       idempotency_key=key)
    except payments.RefundError as error:
        raise ActionRefused(str(error)) from None
    except IntegrityError:  # a colleague's click recorded the same refund first
        db.session.rollback()
        refund = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
        if refund is None:
            raise
    if refund.status != "succeeded":
        raise ActionRefused(f"The refund for this return is {refund.status} at Stripe; check "
                            "the payment in Stripe before trying again.")
    with _transaction():
        if not _move(ReturnRequest, return_id, "received", "refunded", remedy=return_rules.REFUND,
                     refund_cents=amount):
            raise AlreadyHandled("This return was already refunded; nothing more was refunded.")
        record(actor, "return_refunded", "return_request", return_id,
               before={"status": "received"},
               after={"status": "refunded", "refund_cents": amount, "refund_id": refund.id,
                      "stripe_refund_id": refund.stripe_refund_id})
        _queue_return_email("return_refunded", f"Refund for your return (order {order.number})",
                            return_id)
    return refund


def replace_return(return_id: int, actor: str, zone_name: str) -> OrderLine:
    """received -> replaced: a zero-price replacement line on the order, stock taken for it."""
    request, order, line = _require_return(return_id)
    decision = _decision_at_request(order, line, request, zone_name)
    if return_rules.REPLACEMENT not in _allowed(decision):
        raise ActionRefused(f"For \"{reason_label(request.reason)}\" the return rules don't "
                            "allow a replacement.")
    with _transaction():
        if not _move(ReturnRequest, return_id, "received", "replaced",
                     remedy=return_rules.REPLACEMENT):
            raise AlreadyHandled("This return is no longer waiting for a refund or replacement; "
                                 "nothing was changed.")
        replacement = _send_replacement(order, line, request.quantity, actor,
                                        f"Replacement for return #{return_id}", return_id)
        record(actor, "return_replaced", "return_request", return_id,
               before={"status": "received"},
               after={"status": "replaced", "replacement_line_id": replacement.id,
                      "quantity": request.quantity})
        shipment = db.session.get(Order, replacement.order_id)
        _queue_return_email("return_replaced",
                            f"We're sending your replacement (order {order.number})", return_id,
                            shipment=shipment, shipment_url=emails.tracking_link(shipment))
    return replacement


# ---------------------------------------------------------------- warranty claims

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


def claim_queue(status: str, page: int = 1) -> tuple[list, bool]:
    """Warranty claims, newest first, with their order number and item."""
    return _queue(WarrantyClaim, _statuses(status, CLAIM_STATUSES, OPEN_CLAIM_STATUSES), page)


def _load_claim(claim_id: int):
    claim = db.session.get(WarrantyClaim, claim_id)
    if claim is None:
        return None
    return claim, db.session.get(Order, claim.order_id), db.session.get(OrderLine, claim.order_line_id)


def _coverage(order, line, component: str, on: date, zone_name: str) -> warranty.Coverage:
    try:
        return order_requests.claim_coverage(order, line, component, on, zone_name)
    except (ValueError, KeyError) as error:  # unreadable terms or shipping method on old orders
        return warranty.Coverage(False, None, f"The rules could not work out the cover: {error}")


def _claim_coverages(claim, order, line, today: date, zone_name: str):
    """Cover on the day of the claim, cover today, and whether either (or the receipt) said yes."""
    at_request = _coverage(order, line, claim.component, _local_date(claim.created_at, zone_name),
                           zone_name)
    now = _coverage(order, line, claim.component, today, zone_name)
    return at_request, now, bool(claim.covered or at_request.covered or now.covered)


def claim_page(claim_id: int, today: date, zone_name: str) -> ClaimPage | None:
    loaded = _load_claim(claim_id)
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
        covered=covered, available=_available(line.variant_id),
        ledger=db.session.scalars(select(StockMovement).where(
            StockMovement.order_id == order.id, StockMovement.reason == "replacement",
            StockMovement.note.startswith(f"Warranty claim #{claim_id};")).order_by(
            StockMovement.id)).all(),
        history=_history("warranty_claim", claim_id), replaceable=line.units_open > 0)


def _require_claim(claim_id: int):
    loaded = _load_claim(claim_id)
    if loaded is None:
        raise NotFound("There is no such warranty claim.")
    return loaded


def _queue_claim_email(kind: str, subject: str, claim_id: int, **context) -> None:
    claim, order, line = _load_claim(claim_id)
    db.session.refresh(claim)
    emails.queue(kind, f"claim-{claim.id}", order.email, subject, f"{kind}.txt", order,
                 claim=claim, line=line, track_url=emails.tracking_link(order), **context)


def approve_claim(claim_id: int, remedy: str, goodwill: bool, note: str, actor: str,
                  today: date, zone_name: str, *, by_manager: bool) -> OrderLine | None:
    """requested -> approved_repair / approved_replacement; not covered needs goodwill ticked,
    and a goodwill replacement (a free unit the rules don't owe) needs a manager."""
    claim, order, line = _require_claim(claim_id)
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
    replacement = None
    with _transaction():
        if not _move(WarrantyClaim, claim_id, "requested", to_status,
                     staff_note=_with_note(claim.staff_note, staff_line and
                                           f"Approved {remedy}: {staff_line}")):
            raise AlreadyHandled("This claim was already dealt with (it is no longer requested); "
                                 "nothing was changed.")
        after = {"status": to_status, "goodwill": is_goodwill}
        if remedy == "replacement":
            _claim_unit_for_replacement(line)
            replacement = _send_replacement(order, line, 1, actor, f"Warranty claim #{claim_id}")
            after["replacement_line_id"] = replacement.id
        record(actor, "claim_approved", "warranty_claim", claim_id,
               before={"status": "requested"}, after=after, note=audit_note)
        shipment = db.session.get(Order, replacement.order_id) if replacement else None
        _queue_claim_email("claim_approved",
                           f"Your warranty claim for order {order.number} is approved", claim_id,
                           remedy=remedy, goodwill=is_goodwill, shipment=shipment)
    return replacement


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
    with _transaction():
        if not _move(WarrantyClaim, claim_id, "requested", "rejected", customer_message=reason,
                     staff_note=_with_note(claim.staff_note, f"Rejected: {reason}")):
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
    with _transaction():
        if not _move(WarrantyClaim, claim_id, claim.status, "closed", customer_message=note,
                     staff_note=_with_note(claim.staff_note, note and f"Closed: {note}")):
            raise AlreadyHandled("This claim was already closed; nothing was changed.")
        record(actor, "claim_closed", "warranty_claim", claim_id,
               before={"status": claim.status}, after={"status": "closed"}, note=note)
        _queue_claim_email("claim_closed", f"Your warranty claim for order {order.number} is done",
                           claim_id, closing_note=note)


# ---------------------------------------------------------------- contact messages

def message_queue(status: str, page: int = 1) -> tuple[list, bool]:
    statuses = _statuses(status, MESSAGE_STATUSES, ("new",))
    query = (select(ContactMessage).where(ContactMessage.status.in_(statuses))
             .order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc()))
    rows, more = _page(query, page)
    return [row[0] for row in rows], more


@dataclass(frozen=True)
class MessagePage:
    message: ContactMessage
    replies: list
    history: list


def message_page(message_id: int) -> MessagePage | None:
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        return None
    replies = db.session.scalars(select(OutgoingEmail).where(
        OutgoingEmail.kind == "message_reply",
        OutgoingEmail.dedupe_key.startswith(f"message-{message_id}-"))
        .order_by(OutgoingEmail.id)).all()
    return MessagePage(message, replies, _history("contact_message", message_id))


def _require_message(message_id: int) -> ContactMessage:
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        raise NotFound("There is no such message.")
    return message


def reply_to_message(message_id: int, reply: str, shop_name: str, actor: str) -> None:
    """Email a reply and mark the message answered. The same reply twice is sent once."""
    message = _require_message(message_id)
    before = message.status
    digest = hashlib.sha256(reply.encode()).hexdigest()[:16]
    try:
        with _transaction():
            _move(ContactMessage, message_id, "new", "answered")
            emails.queue("message_reply", f"message-{message_id}-{digest}", message.email,
                         f"Re: your message to {shop_name}", "message_reply.txt",
                         message=message, reply=reply)
            db.session.flush()  # the unique (kind, key) refuses a second identical reply here
            record(actor, "message_replied", "contact_message", message_id,
                   before={"status": before}, after={"status": "answered"}, note=reply)
    except IntegrityError:
        raise AlreadyHandled("That reply was already sent; it was not sent again.") from None


def mark_answered(message_id: int, actor: str) -> None:
    _require_message(message_id)
    with _transaction():
        if not _move(ContactMessage, message_id, "new", "answered"):
            raise AlreadyHandled("This message is already answered; nothing was changed.")
        record(actor, "message_marked_answered", "contact_message", message_id,
               before={"status": "new"}, after={"status": "answered"}, note="Answered without a reply")
