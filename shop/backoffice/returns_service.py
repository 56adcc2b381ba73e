"""Staff handling of returns: the queue, a return's page, approve, reject, receive, refund,
replace. One use case per function, each one transaction (see `casework`).

What the rules allowed is judged on the day the customer asked (a return asked for on
day 30 stays approvable on day 33); the pages also show what the rules say today.
Stock goes back through `shop.orders.service.change_on_hand`, money through
`shop.payments.refunds`, replacements through `shop.orders.replacements`.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from shop.accounts.service import record
from shop.backoffice.casework import (ActionRefused, AlreadyHandled, NotFound, audit_history,
                                      chosen_statuses, item_queue, load_with_item, local_date,
                                      send_replacement, set_case_status, transaction,
                                      with_note)
from shop.catalog.models import StockMovement
from shop.extensions import db
from shop.orders import aftercare, emails, replacements
from shop.orders import service as orders
from shop.orders.models import RETURN_STATUSES, Order, OrderLine, Refund, ReturnRequest
from shop.pagination import Page
from shop.payments import refunds
from shop.rules import returns as return_rules
from shop.web_cache import versions

OPEN_RETURN_STATUSES = ("requested", "approved", "received")


@dataclass(frozen=True)
class ReturnPage:
    """Everything the staff page of one return shows, loaded up front."""
    return_request: ReturnRequest
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


def return_queue(status: str, page: int = 1) -> Page:
    """Returns, newest first, with their order number and item."""
    return item_queue(ReturnRequest, chosen_statuses(status, RETURN_STATUSES,
                                                     OPEN_RETURN_STATUSES), page)


def _decision(order, line, return_request, on: date,
              zone_name: str) -> return_rules.ReturnDecision:
    try:
        return aftercare.return_decision(order, line, return_request.reason,
                                         return_request.quantity, on, zone_name)
    except ValueError as error:  # unknown reason code, or a day before delivery
        return return_rules.ReturnDecision(False, (), 0, None, str(error))


def _decision_when_asked(order, line, return_request,
                         zone_name: str) -> return_rules.ReturnDecision:
    return _decision(order, line, return_request,
                     local_date(return_request.created_at, zone_name), zone_name)


def remedies_allowed(decision: return_rules.ReturnDecision) -> tuple[str, ...]:
    """The remedies the rules allow for an eligible return (none otherwise)."""
    return decision.remedies if decision.eligible else ()


def _refund_purpose(return_id: int) -> str:
    return f"return-{return_id}"


def return_page(return_id: int, today: date, zone_name: str) -> ReturnPage | None:
    loaded = load_with_item(ReturnRequest, return_id)
    if loaded is None:
        return None
    return_request, order, line = loaded
    at_request = _decision_when_asked(order, line, return_request, zone_name)
    return ReturnPage(
        return_request=return_request, order=order, line=line,
        reason_label=reason_label(return_request.reason), at_request=at_request,
        today=_decision(order, line, return_request, today, zone_name),
        allowed_remedies=remedies_allowed(at_request),
        available=replacements.available_units(line.variant_id),
        ledger=db.session.scalars(select(StockMovement).where(StockMovement.return_id == return_id)
                                  .order_by(StockMovement.id)).all(),
        refunds=refunds.refunds_for(order, _refund_purpose(return_id)),
        history=audit_history("return_request", return_id))


def _require_return(return_id: int):
    loaded = load_with_item(ReturnRequest, return_id)
    if loaded is None:
        raise NotFound("There is no such return.")
    return loaded


def _refund_amount(return_request: ReturnRequest, decision: return_rules.ReturnDecision) -> int:
    """What the customer was promised when they asked for a refund, else what the rules pay."""
    if return_request.remedy == return_rules.REFUND and return_request.refund_cents > 0:
        return return_request.refund_cents
    return decision.refund_cents


def _queue_return_email(kind: str, subject: str, return_id: int, **context) -> None:
    return_request, order, line = load_with_item(ReturnRequest, return_id)
    db.session.refresh(return_request)
    # the email templates call the return `request`
    emails.queue(kind, f"return-{return_id}", order.email, subject, f"{kind}.txt", order,
                 request=return_request, line=line,
                 reason_label=reason_label(return_request.reason),
                 rma=aftercare.rma_number(return_id),
                 track_url=emails.tracking_link(order), **context)


def _refuse_when_refunded_in_full(order: Order) -> None:
    """A return's remedy on top of a full refund would be free goods or money twice."""
    if orders.refunded_in_full(order):
        raise ActionRefused(f"Order {order.number} is refunded in full already (or its refund "
                            "is waiting for Stripe's answer): nothing is left to refund or "
                            "replace. Reject this return with that reason instead.")


def approve_return(return_id: int, remedy: str, note: str, actor: str, zone_name: str) -> None:
    """requested -> approved, with a remedy the rules allow for the customer's reason."""
    return_request, order, line = _require_return(return_id)
    _refuse_when_refunded_in_full(order)
    decision = _decision_when_asked(order, line, return_request, zone_name)
    if not decision.eligible:
        raise ActionRefused(f"The return rules don't allow this return ({decision.reason}); "
                            "reject it with a reason instead.")
    if remedy not in decision.remedies:
        allowed = " or ".join(decision.remedies)
        raise ActionRefused(f"For \"{reason_label(return_request.reason)}\" the rules allow a "
                            f"{allowed}, not a {remedy}.")
    before = {"status": return_request.status, "remedy": return_request.remedy,
              "refund_cents": return_request.refund_cents}
    refund_cents = _refund_amount(return_request, decision) if remedy == return_rules.REFUND \
        else return_request.refund_cents
    with transaction():
        if not set_case_status(ReturnRequest, return_id, "requested", "approved", remedy=remedy,
                               refund_cents=refund_cents, staff_note=with_note(
                                   return_request.staff_note, note and f"Approved: {note}")):
            raise AlreadyHandled("This return was already dealt with (it is no longer "
                                 "requested); nothing was changed.")
        record(actor, "return_approved", "return_request", return_id, before=before,
               after={"status": "approved", "remedy": remedy, "refund_cents": refund_cents},
               note=note)
        _queue_return_email("return_approved", f"Your return for order {order.number} is approved",
                            return_id)


def reject_return(return_id: int, reason: str, actor: str) -> None:
    """requested -> rejected; the reason goes to the customer."""
    return_request, order, _ = _require_return(return_id)
    with transaction():
        if not set_case_status(ReturnRequest, return_id, "requested", "rejected",
                               customer_message=reason, staff_note=with_note(
                                   return_request.staff_note, f"Rejected: {reason}")):
            raise AlreadyHandled("This return was already dealt with (it is no longer "
                                 "requested); nothing was changed.")
        db.session.execute(  # the units may be asked for again
            update(OrderLine).where(OrderLine.id == return_request.order_line_id)
            .values(return_requested=OrderLine.return_requested - return_request.quantity)
            .execution_options(synchronize_session=False))
        record(actor, "return_rejected", "return_request", return_id,
               before={"status": "requested"}, after={"status": "rejected"}, note=reason)
        _queue_return_email("return_rejected",
                            f"About your return request for order {order.number}", return_id,
                            rejection=reason)


def receive_return(return_id: int, disposition: str, note: str, actor: str) -> None:
    """approved -> received: the items go back into stock, or are written off (no stock change)."""
    return_request, order, line = _require_return(return_id)
    if disposition == "write_off":
        staff_line = f"Written off by {actor}: {note}"
    else:
        staff_line = f"Received and restocked: {note}" if note else ""
    with transaction():
        if not set_case_status(ReturnRequest, return_id, "approved", "received",
                               staff_note=with_note(return_request.staff_note, staff_line)):
            raise AlreadyHandled("These items were already received (or the return is not "
                                 "approved); nothing was changed.")
        if disposition == "restock":
            _restock(line, return_request.quantity, actor, return_id,
                     f"Return #{return_id} of order {order.number}")
        record(actor, "return_received", "return_request", return_id,
               before={"status": "approved"},
               after={"status": "received", "disposition": disposition,
                      "quantity": return_request.quantity}, note=note)
        _queue_return_email("return_items_received",
                            f"We received your returned items (order {order.number})", return_id)
    if disposition == "restock":
        versions.stock_moved([(line.variant_id, return_request.quantity)])


def _restock(line: OrderLine, quantity: int, actor: str, return_id: int, note: str) -> None:
    """Put returned units back on hand (a ledger row under the return) and audit it."""
    on_hand = None if line.variant_id is None else orders.change_on_hand(
        line.variant_id, quantity, "returned", actor, note, order_id=line.order_id,
        return_id=return_id)
    if on_hand is None:
        raise ActionRefused(f"{line.sku} is no longer in the catalog, so it cannot go back "
                            "into stock; write the items off instead.")
    record(actor, "stock_returned", "variant", line.variant_id,
           before={"on_hand": on_hand - quantity}, after={"on_hand": on_hand}, note=note)


def refund_return(return_id: int, client, actor: str, zone_name: str) -> Refund:
    """received -> refunded: refund through the refund service first, then move the status
    in the same transaction that records Stripe's answer (with its audit row and email).

    A refund Stripe refuses leaves the return received. One whose answer is still
    `pending` comes back as it is: the return stays received and nothing is emailed
    until a later try (under the same key) finds it succeeded.
    """
    return_request, order, line = _require_return(return_id)
    if return_request.status != "received":
        raise AlreadyHandled(f"This return is {return_request.status}, not received; nothing "
                             "was changed.")
    decision = _decision_when_asked(order, line, return_request, zone_name)
    if return_rules.REFUND not in remedies_allowed(decision):
        raise ActionRefused("The return rules don't allow a refund for this return.")
    amount = _refund_amount(return_request, decision)
    if amount <= 0:
        raise ActionRefused("There is nothing to refund for this return.")
    moved = []

    def mark_refunded(refund: Refund) -> None:  # inside the refund's own transaction
        if refund.status == "succeeded":
            moved.append(_mark_refunded(return_id, order, amount, refund, actor))

    try:
        refund = refunds.refund_order(
            order.id, amount, f"Return #{return_id}: {reason_label(return_request.reason)}",
            client, actor=actor, audit=mark_refunded,
            idempotency_key=refunds.refund_key(order, _refund_purpose(return_id)))
    except refunds.RefundError as error:
        raise ActionRefused(str(error)) from None
    if refund.status == "succeeded" and not any(moved):  # settled earlier (webhook, worker)
        with transaction():
            if not _mark_refunded(return_id, order, amount, refund, actor):
                raise AlreadyHandled("This return was already refunded; nothing more was "
                                     "refunded.")
    return refund


def _mark_refunded(return_id: int, order: Order, amount: int, refund: Refund, actor: str) -> bool:
    if not set_case_status(ReturnRequest, return_id, "received", "refunded",
                           remedy=return_rules.REFUND, refund_cents=amount):
        return False
    record(actor, "return_refunded", "return_request", return_id,
           before={"status": "received"},
           after={"status": "refunded", "refund_cents": amount, "refund_id": refund.id,
                  "stripe_refund_id": refund.stripe_refund_id})
    _queue_return_email("return_refunded", f"Refund for your return (order {order.number})",
                        return_id)
    return True


def replace_return(return_id: int, actor: str, zone_name: str) -> OrderLine:
    """received -> replaced: a zero-price replacement order, stock taken for it."""
    return_request, order, line = _require_return(return_id)
    _refuse_when_refunded_in_full(order)
    decision = _decision_when_asked(order, line, return_request, zone_name)
    if return_rules.REPLACEMENT not in remedies_allowed(decision):
        raise ActionRefused(f"For \"{reason_label(return_request.reason)}\" the return rules "
                            "don't allow a replacement.")
    with transaction():
        if not set_case_status(ReturnRequest, return_id, "received", "replaced",
                               remedy=return_rules.REPLACEMENT):
            raise AlreadyHandled("This return is no longer waiting for a refund or replacement; "
                                 "nothing was changed.")
        sent = send_replacement(order, line, return_request.quantity, actor,
                                f"Replacement for return #{return_id}", return_id)
        record(actor, "return_replaced", "return_request", return_id,
               before={"status": "received"},
               after={"status": "replaced", "replacement_line_id": sent.line.id,
                      "quantity": return_request.quantity})
        _queue_return_email("return_replaced",
                            f"We're sending your replacement (order {order.number})", return_id,
                            shipment=sent.order, shipment_url=emails.tracking_link(sent.order))
    versions.stock_moved([(line.variant_id, -return_request.quantity)])
    return sent.line

