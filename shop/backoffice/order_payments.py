"""Money on an order, for staff: cancel (refunding first), refund, resolve a payment mismatch.

Every refund goes through `shop.payments.refunds` under its one key scheme, with the
staff action's audit row passed as `audit=`, so it commits with the refund's outcome.
A refund whose answer from Stripe is still `pending` is reported as such: nothing
that depends on the money being back (the cancellation, the "refunded" email)
happens until a later try under the same key finds it succeeded.

Cancelling a paid order refunds first, so only a manager may do it; staff may
cancel an order still waiting for payment. If Stripe refuses the refund,
RefundError reaches the manager and nothing else has changed. Only once the
money is back does the order become cancelled and its stock return to the shelf.
"""
import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from shop import clock
from shop.accounts import service as accounts
from shop.backoffice import stock_service as stock
from shop.backoffice.fulfilment import (CANCELLABLE, FulfilmentError, ManagerOnly, get_order,
                                        label, refunded_unshipped)
from shop.checkout import service as checkout
from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, OrderStatusChange, Refund
from shop.payments import gateway, refunds
from shop.payments import service as payments
from shop.rules.money import format_cents
from shop.web_cache import versions

log = logging.getLogger(__name__)

MISMATCH = "payment_mismatch"


def _waiting(what: str) -> FulfilmentError:
    return FulfilmentError(f"The refund for {what} was sent to Stripe and is waiting for its "
                           "answer; nothing else was changed and the customer was not emailed "
                           "yet. Try again in a minute: it asks Stripe about this same refund "
                           "and never refunds twice.")


def _refund_audit(order: Order, actor: str, note: str):
    """The audit row of a refund, written once, in the transaction that records Stripe's
    first answer; `before` is read now, before the refund service claims the amount."""
    before = order.refunded_cents

    def audit(refund: Refund) -> None:
        accounts.record(actor, "order_refunded", "order", order.number,
                        before={"refunded_cents": before},
                        after={"refunded_cents": before + refund.amount_cents,
                               "amount_cents": refund.amount_cents,
                               **({"pending": True} if refund.status == "pending" else {})},
                        note=note)
    return audit


def _refund_rest(order: Order, purpose: str, reason: str, client, actor: str) -> None:
    """Refund all that is left of the payment (for a cancellation); raises when it is not
    back yet (FulfilmentError) or Stripe refused it (RefundError).

    A refund still pending (an earlier try whose answer was lost, or one that never reached
    Stripe) has claimed its amount already: it is asked about again under its own key
    first, and the cancellation waits until it is back."""
    pending = refunds.pending_refund(order.id)
    if pending is not None:
        if refunds.retry_refund(pending.id, client).status == "pending":
            raise _waiting("this cancellation")
        db.session.refresh(order)  # succeeded, or failed and its claim given back
    left = order.captured_cents - order.refunded_cents
    if left <= 0:
        return
    made = refunds.refund_order(order.id, left, reason, client, actor=actor,
                                idempotency_key=refunds.refund_key(order, purpose),
                                audit=_refund_audit(order, actor, reason))
    if made.status != "succeeded":
        raise _waiting("this cancellation")
    db.session.refresh(order)


class PackedMeanwhile(FulfilmentError):
    """Staff packed the order while its cancellation's refund was being made: the refund
    stands (a refunded order no longer ships) but the order is not cancelled."""


def _times_packed(order_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(OrderStatusChange).where(
        OrderStatusChange.order_id == order_id, OrderStatusChange.status == "packed"))


def cancel(number: str, reason: str, client: gateway.StripeClient, actor: str, *,
           by_manager: bool, refuse_packed: bool = False) -> Order:
    """Cancel an order that has not shipped: refund what is left of the payment, put the
    sold stock back, tell the customer. Raises refunds.RefundError if Stripe refuses
    (then nothing has changed) and FulfilmentError when the order can't be cancelled.

    Staff (`by_manager` False) may cancel only an order still waiting for payment; one
    paid in the meantime is refused by the conditional move of `_cancel_unpaid`."""
    order = get_order(number)
    if order.status == "pending_payment" and not _paid_meanwhile(order, client):
        return _cancel_unpaid(order, reason, actor)
    if not by_manager:
        raise ManagerOnly(f"Order {number} was paid: only a manager can cancel it, because "
                          "cancelling refunds it. Nothing was changed.")
    if order.status == "refunded" and order.paid_at is None:
        raise FulfilmentError(f"Order {number} was paid after its checkout closed and refunded "
                              "at once: it never sold any stock, so there is nothing to cancel "
                              "or put back. Nothing was changed.")
    if order.status not in CANCELLABLE and not refunded_unshipped(order):
        raise FulfilmentError(f"Order {number} is {label(order.status)}; only orders not yet "
                              "shipped can be cancelled. Nothing was changed.")
    before = {"status": order.status, "refunded_cents": order.refunded_cents}
    packed = _times_packed(order.id)
    _refund_rest(order, "cancel", f"Order cancelled: {reason}", client, actor)
    # The full refund made the order `refunded`, which can no longer be shipped; if it
    # was shipped before the refund landed, it keeps its parcel and is not cancelled.
    if order.shipped_at is not None:
        raise FulfilmentError(f"Order {number} was shipped meanwhile: it was refunded but "
                              "not cancelled, and its stock was not put back.")
    # The refund commits before Stripe answers, so staff may pack the order meanwhile
    # (`refuse_packed`: a customer may cancel only until it is packed): the parcel is
    # unpacked by staff, who then cancel the refunded order (its stock goes back then).
    if refuse_packed and _times_packed(order.id) > packed:
        raise PackedMeanwhile(f"Order {number} was packed while it was being cancelled: "
                              "it was refunded in full and will not ship, but it is not "
                              "cancelled and its stock was not put back.")
    # `refunded`: fully refunded before it shipped (by a manager, or by this call), which
    # nothing can ship any more.
    if not orders.transition(order.id, CANCELLABLE + ("refunded",), "cancelled",
                             Order.paid_at.is_not(None)):  # its stock was sold: put back below
        db.session.rollback()
        db.session.refresh(order)
        raise FulfilmentError(f"Order {number} is {label(order.status)} now. Nothing was changed.")
    db.session.refresh(order)
    stock.put_back_order_stock(order, actor)
    _record_cancelled(order, actor, reason, before)
    versions.stock_moved(stock.order_stock_changes(order))
    return order


def _record_cancelled(order: Order, actor: str, reason: str, before: dict,
                      **after) -> None:
    """History, audit row and the customer's email of a cancellation; commits."""
    orders.record_status(order, "cancelled", actor=actor, note=reason)
    accounts.record(actor, "order_cancelled", "order", order.number, before=before,
                    after={"status": "cancelled", "refunded_cents": order.refunded_cents,
                           **after},
                    note=reason)
    emails.queue_status_update(order, "cancelled")
    db.session.commit()


def _paid_meanwhile(order: Order, client: gateway.StripeClient) -> bool:
    """Close the order's Checkout Session; if it can't be closed because it was paid
    (the webhook not in yet, or a payment method that settles later), fulfil it now
    through the one idempotent fulfilment and say True: the cancellation is then a paid
    one, which refunds. When Stripe can't be reached, False: the order is cancelled, and a
    payment arriving later for it is refunded (`payments.fulfil_session`)."""
    if not order.stripe_session_id:
        return False
    try:
        client.expire_checkout_session(order.stripe_session_id)
        return False
    except gateway.GatewayUnavailable:
        return False
    except gateway.PaymentError:  # not open any more: find out why
        try:
            session = client.retrieve_checkout_session(order.stripe_session_id)
        except gateway.PaymentError:
            return False
    if not session.is_paid:
        return False
    payments.fulfil_session(session, clock.now(), client)
    db.session.refresh(order)
    return order.status != "pending_payment"


def _cancel_unpaid(order: Order, reason: str, actor: str) -> Order:
    """An order still waiting for payment, its Checkout Session closed: release its hold."""
    # Added now, committed by cancel_unpaid together with the order's move.
    accounts.record(actor, "order_cancelled", "order", order.number,
                    before={"status": "pending_payment"}, after={"status": "cancelled"},
                    note=reason)
    emails.queue_status_update(order, "cancelled")
    if not checkout.cancel_unpaid(order, note=reason, actor=actor):
        db.session.rollback()
        db.session.refresh(order)
        raise FulfilmentError(f"Order {order.number} is {label(order.status)} now. "
                              "Nothing was changed.")
    db.session.refresh(order)
    return order


@dataclass(frozen=True)
class RefundResult:
    refund: Refund
    repeated: bool  # the same form was sent again: nothing new was refunded

    @property
    def pending(self) -> bool:
        """Stripe's answer is not known yet: nothing was emailed."""
        return self.refund.status == "pending"


def refund(number: str, amount_cents: int, reason: str, request_id: str,
           client: gateway.StripeClient, actor: str) -> RefundResult:
    """Give back part or all of what is left of the payment (managers only). The audit
    row commits with the refund; the customer's email is queued once it succeeded, here
    or later (a re-send, the worker, a webhook)."""
    order = get_order(number)
    key = refunds.refund_key(order, f"refund-{request_id}")
    done = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if done is not None and done.status == "succeeded":
        return RefundResult(done, repeated=True)
    left = order.captured_cents - order.refunded_cents
    if done is None and amount_cents > left:
        raise FulfilmentError(f"At most {format_cents(left)} can still be refunded on order "
                              f"{number} ({format_cents(order.captured_cents)} captured, "
                              f"{format_cents(order.refunded_cents)} refunded). Nothing was "
                              "refunded.")
    # Audited once, when the refund is made (a re-send of a pending one writes no row);
    # the "refunded" email is queued by the refund service whenever it succeeds.
    made = refunds.refund_order(order.id, amount_cents, reason, client, actor=actor,
                                idempotency_key=key, audit=_refund_audit(order, actor, reason))
    return RefundResult(made, repeated=False)


# --- a payment Stripe took for another amount or currency -----------------------------

def _mismatched(number: str) -> Order:
    """The order waiting for its payment to be checked, in a currency the shop can settle:
    a payment in another currency captured nothing in USD, so accepting it would mark the
    order paid for $0.00 and refunding "the rest" would refund nothing."""
    order = get_order(number)
    if order.status != MISMATCH:
        raise FulfilmentError(f"Order {number} is {label(order.status)}, not waiting for its "
                              "payment to be checked. Nothing was changed.")
    refused = foreign_payment(order)
    if refused:
        raise FulfilmentError(f"{refused} Nothing was changed.")
    return order


def foreign_payment(order: Order) -> str | None:
    """What a manager does with a payment Stripe took in another currency (None if not)."""
    foreign = payments.foreign_charge(order)
    if foreign is None:
        return None
    amount, currency = foreign
    made_in = f"{currency} ({amount} {currency} cents)" if currency else "another currency"
    return (f"This payment was made in {made_in}; refund it in the Stripe dashboard, then "
            "confirm that here to cancel the order (the shop checks with Stripe that the "
            "whole payment was refunded).")


def accept_mismatched_payment(number: str, actor: str) -> Order:
    """Accept what Stripe took: the order is paid, its stock sold, the confirmation queued."""
    order = _mismatched(number)
    note = (f"Payment of {format_cents(order.captured_cents)} accepted for an order total of "
            f"{format_cents(order.total_cents)}")
    try:
        accepted = payments.accept_mismatched_payment(
            order.id, clock.now(), actor, note, audit=lambda: accounts.record(
                actor, "order_payment_accepted", "order", order.number,
                before={"status": MISMATCH},
                after={"status": "paid", "captured_cents": order.captured_cents}, note=note))
    except orders.OutOfStock as error:
        raise FulfilmentError(f"{error} Refund and cancel the order instead. Nothing was "
                              "changed.") from None
    if not accepted:
        raise FulfilmentError(f"Order {number} was resolved meanwhile. Nothing was changed.")
    db.session.refresh(order)
    return order


def refund_mismatched_payment(number: str, reason: str, client: gateway.StripeClient,
                              actor: str) -> Order:
    """Refund all Stripe took, then cancel the order and release the stock it held."""
    order = _mismatched(number)
    before = {"status": MISMATCH, "refunded_cents": order.refunded_cents}
    _refund_rest(order, "mismatch", f"Payment mismatch: {reason}", client, actor)
    still_held = not order.reservation_released  # the hold of an order that was still waiting
    if not orders.transition(order.id, (MISMATCH,), "cancelled", reservation_released=True):
        db.session.rollback()
        raise FulfilmentError(f"Order {number} was resolved meanwhile; the refund stands.")
    if still_held:
        orders.release_lines(order)
    db.session.refresh(order)
    _record_cancelled(order, actor, reason, before)
    if still_held:
        versions.stock_moved(orders.held_units(order))
    return order


def _check_refunded_at_stripe(order: Order, amount: int, currency: str,
                              client: gateway.StripeClient) -> None:
    """Raise FulfilmentError unless Stripe shows all `amount` of the order's payment
    refunded: refunds that succeeded, of this very payment intent. Refunds still pending
    (or waiting for an action) do not count yet: they may still fail."""
    intent = order.stripe_payment_intent
    if not intent or amount <= 0:
        raise FulfilmentError("The shop has no record of which Stripe payment this was, or of "
                              "its amount, so it cannot check the refund: resolve it in the "
                              "Stripe dashboard. Nothing was changed.")
    try:
        refunds = [r for r in client.refunds_of(intent) if r.payment_intent_id == intent]
    except gateway.GatewayUnavailable:
        raise FulfilmentError("Stripe did not answer whether this payment was refunded; try "
                              "again in a minute. Nothing was changed.") from None
    except gateway.PaymentError as error:
        log.error("order %s: listing the refunds of %s failed: %s", order.number, intent, error)
        raise FulfilmentError(f"Stripe refused to list this payment's refunds ({error}). "
                              "Nothing was changed.") from None
    refunded = sum(r.amount_cents for r in refunds if r.status == "succeeded")
    waiting = sum(r.amount_cents for r in refunds if r.status in ("pending", "requires_action"))
    if refunded < amount:
        still = f", and {waiting} more waiting to complete" if waiting else ""
        raise FulfilmentError(f"Stripe shows {refunded} of this payment's {amount} {currency} "
                              f"minor units refunded{still}. Cancel once all of it is "
                              "refunded there. Nothing was changed.")


def cancel_refunded_at_stripe(number: str, note: str, client: gateway.StripeClient,
                              actor: str) -> Order:
    """A payment Stripe took in another currency, which a manager says they refunded in
    the Stripe dashboard: Stripe is asked first, and only once it shows the whole payment
    refunded is the order cancelled and the stock it held released, in one transaction.
    Any other order, or a payment not (wholly) refunded at Stripe, is refused
    (FulfilmentError) and nothing changes."""
    order = get_order(number)
    foreign = payments.foreign_charge(order)  # None unless payment_mismatch in another currency
    if foreign is None:
        raise FulfilmentError(f"Order {number} is {label(order.status)}, not a payment Stripe "
                              "took in another currency; only such an order is cancelled as "
                              "refunded in the Stripe dashboard. Nothing was changed.")
    amount, currency = foreign
    _check_refunded_at_stripe(order, amount, currency or "foreign", client)
    before = {"status": MISMATCH, "refunded_cents": order.refunded_cents}
    still_held = not order.reservation_released
    if not orders.transition(order.id, (MISMATCH,), "cancelled", reservation_released=True):
        db.session.rollback()
        raise FulfilmentError(f"Order {number} was resolved meanwhile. Nothing was changed.")
    if still_held:
        orders.release_lines(order)
    db.session.refresh(order)
    _record_cancelled(order, actor, note, before,
                      refunded_at_stripe={"amount": amount, "currency": currency})
    if still_held:
        versions.stock_moved(orders.held_units(order))
    return order
