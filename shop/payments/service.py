"""Payment use cases: fulfil a paid Checkout Session, handle webhooks, refund.

Fulfilment runs from the webhook and from the success page through one
function, `fulfil_session`. The order's move out of `pending_payment` is a
conditional UPDATE, so however many copies of an event arrive at however many
workers, exactly one sells the stock and queues the confirmation email.
"""
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from shop.cart.models import CartItem
from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, Refund, StripeEvent
from shop.payments import gateway

log = logging.getLogger(__name__)

PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
RELEASE_EVENTS = ("checkout.session.expired", "checkout.session.async_payment_failed")


class RefundError(Exception):
    """A refund the shop refuses or Stripe could not make; the message is for staff."""


@dataclass(frozen=True)
class Outcome:
    """What handling a payment signal did, for logs and tests."""
    action: str  # paid, already_paid, honoured_late, refunded_late, released, ignored, duplicate
    order_number: str | None = None


def _order_for(session: gateway.CheckoutSession) -> Order | None:
    number = session.metadata.get("order_number") or session.metadata.get("order_id") \
        or session.client_reference_id
    if not number:
        return None
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is not None and order.stripe_session_id not in (None, session.id):
        log.warning("session %s does not belong to order %s", session.id, number)
        return None
    return order


def fulfil_session(session: gateway.CheckoutSession, now: datetime, client=None) -> Outcome:
    """Mark the session's order paid once: sell the reserved stock, queue the email, empty the cart.

    A session paid after its order expired is honoured when the stock is still
    there; otherwise the payment is refunded in full (needs `client`).
    """
    if not session.is_paid:
        return Outcome("ignored")
    order = _order_for(session)
    if order is None:
        return Outcome("ignored")
    if session.amount_total is not None and session.amount_total != order.total_cents:
        log.error("order %s: Stripe charged %s, order total %s", order.number,
                  session.amount_total, order.total_cents)
    paid_values = dict(paid_at=now, captured_cents=session.amount_total or order.total_cents,
                       stripe_payment_intent=session.payment_intent_id,
                       stripe_session_id=session.id)
    if orders.transition(order.id, ("pending_payment",), "paid", **paid_values):
        db.session.refresh(order)
        orders.sell_lines(order)
        return _finish_paid(order, "paid")
    db.session.refresh(order)
    if order.status in ("expired", "cancelled") and order.paid_at is None:
        return _late_payment(order, session, now, client, paid_values)
    return Outcome("already_paid", order.number)


def _finish_paid(order: Order, action: str, note: str = "") -> Outcome:
    orders.record_status(order, "paid", actor="stripe", note=note)
    emails.queue_order_confirmation(order)
    if order.cart_id:
        db.session.execute(delete(CartItem).where(CartItem.cart_id == order.cart_id))
    db.session.commit()
    return Outcome(action, order.number)


def _late_payment(order, session, now, client, paid_values) -> Outcome:
    """Honour a payment for an expired order if the stock is still there, else refund it."""
    try:
        if not orders.transition(order.id, (order.status,), "paid", reservation_released=False,
                                 **paid_values):
            return Outcome("already_paid", order.number)
        for line in order.lines:
            if line.variant_id is not None:
                orders.reserve_line(line.variant_id, line.quantity, line.name)
        db.session.refresh(order)
        orders.sell_lines(order)
        return _finish_paid(order, "honoured_late", note="Paid after the checkout expired")
    except orders.OutOfStock:
        db.session.rollback()
    # Out of stock now: give the money back.
    order = db.session.get(Order, order.id)
    order.captured_cents = session.amount_total or order.total_cents
    order.stripe_payment_intent = session.payment_intent_id
    orders.record_status(order, order.status, actor="stripe",
                         note="Paid after the checkout expired; stock gone, refunding")
    db.session.commit()
    if client is not None:
        refund_order(order.id, order.captured_cents, "Paid after checkout expired; out of stock",
                     client, actor="system", idempotency_key=f"late-refund-{order.number}")
    return Outcome("refunded_late", order.number)


def release_session(session: gateway.CheckoutSession, note: str) -> Outcome:
    """An expired or failed session: give back the stock its unpaid order held."""
    order = _order_for(session)
    if order is None:
        return Outcome("ignored")
    if not orders.transition(order.id, ("pending_payment",), "expired", reservation_released=True):
        return Outcome("ignored", order.number)
    orders.release_lines(order)
    orders.record_status(order, "expired", actor="stripe", note=note)
    db.session.commit()
    return Outcome("released", order.number)


def handle_event(event: gateway.WebhookEvent, now: datetime, client=None) -> Outcome:
    """Handle a verified webhook event once; a repeated event id changes nothing."""
    db.session.add(StripeEvent(event_id=event.id, type=event.type))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return Outcome("duplicate")
    if event.type in PAID_EVENTS:
        outcome = fulfil_session(gateway.session_from_event_object(event.object), now, client)
    elif event.type in RELEASE_EVENTS:
        outcome = release_session(gateway.session_from_event_object(event.object),
                                  note=event.type.rsplit(".", 1)[-1].replace("_", " "))
    elif event.type == "charge.refunded":
        outcome = _sync_refunds(event.object)
    else:
        outcome = Outcome("ignored")
    # The event row commits with its handling; if handling raised, nothing is recorded
    # and Stripe's retry gets another chance.
    db.session.commit()
    return outcome


def _sync_refunds(charge: dict) -> Outcome:
    """A refund made in Stripe's dashboard: record what we did not already know about."""
    intent = charge.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    refunded = charge.get("amount_refunded")
    order = db.session.scalar(select(Order).where(Order.stripe_payment_intent == intent)) \
        if intent else None
    if order is None or not isinstance(refunded, int):
        return Outcome("ignored")
    extra = refunded - order.refunded_cents
    if extra <= 0:
        return Outcome("ignored", order.number)
    grew = db.session.execute(
        update(Order).where(Order.id == order.id, Order.refunded_cents + extra <= Order.captured_cents,
                            Order.refunded_cents == refunded - extra)
        .values(refunded_cents=refunded)).rowcount
    if grew:
        db.session.add(Refund(order_id=order.id, amount_cents=extra, status="succeeded",
                              reason="Refunded in the Stripe dashboard", actor="stripe",
                              idempotency_key=f"sync-{charge.get('id')}-{refunded}"))
        _record_refund_status(order)
    return Outcome("refund_synced", order.number)


def refund_order(order_id: int, amount_cents: int, reason: str, client, actor: str,
                 idempotency_key: str | None = None) -> Refund:
    """Refund part or all of what was captured; never more than captured minus refunded.

    The amount is claimed first with a conditional UPDATE (so two staff clicking at
    once cannot both refund the last dollars), then Stripe is asked; if Stripe
    fails, the claim is given back and RefundError raised.
    """
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise RefundError("Refund amount must be more than zero.")
    key = idempotency_key or f"refund-{uuid.uuid4()}"
    existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if existing is not None:
        return existing
    claimed = db.session.execute(
        update(Order).where(Order.id == order_id,
                            Order.captured_cents - Order.refunded_cents >= amount_cents)
        .values(refunded_cents=Order.refunded_cents + amount_cents)).rowcount
    if claimed != 1:
        db.session.rollback()
        order = db.session.get(Order, order_id)
        left = (order.captured_cents - order.refunded_cents) if order else 0
        raise RefundError(f"Only {left} cents can still be refunded on this order.")
    refund = Refund(order_id=order_id, amount_cents=amount_cents, reason=reason, actor=actor,
                    idempotency_key=key, status="pending")
    db.session.add(refund)
    db.session.commit()

    order = db.session.get(Order, order_id)
    try:
        result = client.refund(payment_intent_id=order.stripe_payment_intent,
                               amount_cents=amount_cents, idempotency_key=key, reason=None)
    except gateway.PaymentError as error:
        db.session.execute(update(Order).where(Order.id == order_id)
                           .values(refunded_cents=Order.refunded_cents - amount_cents))
        refund.status = "failed"
        db.session.commit()
        raise RefundError(f"Stripe did not make the refund: {error}") from None
    refund.status = "succeeded"
    refund.stripe_refund_id = result.id
    _record_refund_status(order, actor=actor, note=reason)
    db.session.commit()
    return refund


def _record_refund_status(order: Order, actor: str = "stripe", note: str = "") -> None:
    db.session.refresh(order)
    if order.refunded_cents >= order.captured_cents > 0:
        orders.transition(order.id, tuple(s for s in ("paid", "packed", "shipped", "delivered",
                                                       "cancelled", "expired")),
                          "refunded")
        orders.record_status(order, "refunded", actor=actor, note=note)
    else:
        orders.record_status(order, "partially_refunded", actor=actor, note=note)
