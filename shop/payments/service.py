"""Payment use cases: fulfil a paid Checkout Session, handle webhooks, refund.

Fulfilment runs from the webhook and from the success page through one
function, `fulfil_session`. The order's move out of `pending_payment` is a
conditional UPDATE, so however many copies of an event arrive at however many
workers, exactly one sells the stock and queues the confirmation email.
"""
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from shop.cart.models import CartItem
from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, Refund, StripeEvent
from shop.payments import gateway
from shop.web_cache import versions

log = logging.getLogger(__name__)

SHOP_CURRENCY = "usd"
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
RELEASE_EVENTS = ("checkout.session.expired", "checkout.session.async_payment_failed")
REFUND_EVENTS = ("refund.created", "refund.updated", "refund.failed")


class RefundError(Exception):
    """A refund the shop refuses or Stripe could not make; the message is for staff."""


@dataclass(frozen=True)
class Outcome:
    """What handling a payment signal did, for logs and tests."""
    action: str  # paid, already_paid, honoured_late, refunded_late, mismatch, released, ignored,
    #              duplicate, refund_synced, refund_<status>
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
    if not _charged_as_ordered(order, session):
        return _mismatch(order, session)
    paid_values = dict(paid_at=now, captured_cents=session.amount_total,
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


def _charged_as_ordered(order: Order, session: gateway.CheckoutSession) -> bool:
    return session.amount_total == order.total_cents \
        and (session.currency or SHOP_CURRENCY).lower() == SHOP_CURRENCY


def _mismatch(order: Order, session: gateway.CheckoutSession) -> Outcome:
    """Stripe took another amount or currency than the order's total: not paid, but
    `payment_mismatch`, for staff to resolve. The stock stays as it was: still reserved
    for an order that was waiting (neither sold nor put back on sale), released already
    for one that had expired. What was captured is kept (in cents when the currency is
    ours) so that staff can refund it."""
    same_currency = (session.currency or SHOP_CURRENCY).lower() == SHOP_CURRENCY
    moved = db.session.execute(
        update(Order).where(Order.id == order.id, Order.paid_at.is_(None),
                            Order.captured_cents == 0,
                            Order.status.in_(("pending_payment", "expired", "cancelled")))
        .values(status="payment_mismatch", stripe_payment_intent=session.payment_intent_id,
                captured_cents=(session.amount_total or 0) if same_currency else 0,
                stripe_session_id=session.id)).rowcount
    if not moved:
        return Outcome("already_paid", order.number)
    charged = f"{session.amount_total} {(session.currency or '?').upper()}"
    log.error("order %s: Stripe charged %s, order total %s %s", order.number, charged,
              order.total_cents, SHOP_CURRENCY.upper())
    orders.record_status(order, "payment_mismatch", actor="stripe",
                         note=f"Stripe charged {charged} cents; the order total is "
                              f"{order.total_cents} {SHOP_CURRENCY.upper()} cents. Staff will "
                              "resolve this before anything ships.")
    db.session.commit()
    return Outcome("mismatch", order.number)


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
        outcome = _finish_paid(order, "honoured_late", note="Paid after the checkout expired")
        versions.stock_moved((variant, -units) for variant, units in orders.held_units(order))
        return outcome
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
    versions.stock_moved(orders.held_units(order))
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
    elif event.type in REFUND_EVENTS:
        outcome = _refund_event(gateway.refund_from_event_object(event.object))
    elif event.type == "charge.refunded":
        outcome = _charge_refunded(event.object, client)
    else:
        outcome = Outcome("ignored")
    # The event row commits with its handling; if handling raised, nothing is recorded
    # and Stripe's retry gets another chance.
    db.session.commit()
    return outcome


def _refund_event(found: gateway.Refund) -> Outcome:
    """`refund.updated` and friends: settle our pending refund that Stripe reports on."""
    key = found.metadata.get(gateway.REFUND_KEY_METADATA)
    refund = db.session.scalar(select(Refund).where(
        (Refund.stripe_refund_id == found.id) | (Refund.idempotency_key == (key or found.id))))
    if refund is None or refund.status != "pending":
        return Outcome("ignored")
    refund = _settle(refund, found)
    return Outcome(f"refund_{refund.status}")


def _charge_refunded(charge: dict, client) -> Outcome:
    """`charge.refunded`: settle our pending refunds on that payment (from the refunds the
    event lists, else by asking Stripe under their own keys), then record what was
    refunded in Stripe's dashboard that we did not know about."""
    intent = charge.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    order = db.session.scalar(select(Order).where(Order.stripe_payment_intent == intent)) \
        if intent else None
    if order is None:
        return Outcome("ignored")
    listed = charge.get("refunds") if isinstance(charge.get("refunds"), dict) else {}
    for item in listed.get("data") or []:
        if isinstance(item, dict) and item.get("id"):
            _refund_event(gateway.refund_from_event_object(item))
    for refund in db.session.scalars(select(Refund).where(Refund.order_id == order.id,
                                                          Refund.status == "pending")).all():
        if client is not None:
            _complete(refund, client, None, sent_before=True)
    return _sync_refunds(order, charge)


def _sync_refunds(order: Order, charge: dict) -> Outcome:
    """A refund made in Stripe's dashboard: record what we did not already know about."""
    refunded = charge.get("amount_refunded")
    db.session.refresh(order)
    if not isinstance(refunded, int):
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
                 idempotency_key: str | None = None,
                 audit: Callable[[Refund], None] | None = None) -> Refund:
    """Refund part or all of what was captured; never more than captured minus refunded.

    The amount is claimed first with a conditional UPDATE (so two staff clicking at
    once cannot both refund the last dollars), then Stripe is asked under
    `idempotency_key`. What comes back:

    - `succeeded` (or Stripe's own `pending`, kept `pending` with its Stripe id);
    - `pending` when Stripe's answer was lost (timeout, dropped connection, 5xx): the
      claim stays, and the refund is settled later under the SAME key, by
      `reconcile_pending_refunds`, a webhook, or calling this again with that key;
    - RefundError when Stripe clearly refused (4xx): the claim is given back, the
      refund row is `failed`.

    While an order has a pending refund, a refund under any other key is refused: the
    pending one is asked about again under its own key instead, so a retry can never
    send the money twice. `audit(refund)` is called inside the transaction that
    records the refund's outcome (succeeded or pending), so the staff action's audit
    row commits with it; nothing is audited for a refund Stripe refused.
    """
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise RefundError("Refund amount must be more than zero.")
    key = idempotency_key or f"refund-{uuid.uuid4()}"
    existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if existing is not None:
        if existing.status == "pending":  # a retry: the same key, never a new one
            return _complete(existing, client, audit, sent_before=True)
        return existing
    _refuse_while_pending(order_id, client)
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
    try:
        db.session.commit()
    except IntegrityError:  # the same key, or another pending refund, committed first
        db.session.rollback()
        same = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
        if same is not None:
            return same
        raise RefundError("Another refund on this order is being made right now. Nothing "
                          "more was refunded; reload the order.") from None
    refund = _complete(refund, client, audit, sent_before=False)
    if refund.status == "failed":
        raise RefundError(f"Stripe did not make the refund: {getattr(refund, 'failure', '')}")
    return refund


def _refuse_while_pending(order_id: int, client) -> None:
    pending = db.session.scalar(select(Refund).where(Refund.order_id == order_id,
                                                     Refund.status == "pending"))
    if pending is None:
        return
    _complete(pending, client, None, sent_before=True)
    raise RefundError(
        f"A refund of {pending.amount_cents} cents (key {pending.idempotency_key}) was waiting "
        f"for Stripe's answer; it was checked again under its own key and is now "
        f"{pending.status}. Nothing new was refunded: reload the order and refund again only "
        "if more is due.")


def retry_refund(refund_id: int, client, audit: Callable[[Refund], None] | None = None) -> Refund:
    """Ask Stripe again about a pending refund, under its own idempotency key."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != "pending":
        return refund
    return _complete(refund, client, audit, sent_before=True)


def reconcile_pending_refunds(client, now: datetime,
                              older_than: timedelta = timedelta(minutes=1)) -> int:
    """Settle refunds whose outcome is unknown, from Stripe; returns how many were settled.

    For the periodic worker. Each refund is looked up at Stripe by its key (kept in the
    refund's metadata); one Stripe never received is sent again under that same key.
    """
    ids = db.session.scalars(select(Refund.id).where(
        Refund.status == "pending", Refund.created_at < now - older_than)).all()
    settled = 0
    for refund_id in ids:
        refund = db.session.get(Refund, refund_id)
        if refund is not None and refund.status == "pending":
            settled += _complete(refund, client, None, sent_before=True).status != "pending"
    return settled


def _complete(refund: Refund, client, audit, sent_before: bool) -> Refund:
    """Find out (or make) the refund at Stripe under its own key, and record the outcome."""
    order = db.session.get(Order, refund.order_id)
    key = refund.idempotency_key
    try:
        found = None
        if refund.stripe_refund_id:
            found = client.retrieve_refund(refund.stripe_refund_id)
        elif sent_before:
            found = client.find_refund(payment_intent_id=order.stripe_payment_intent,
                                       idempotency_key=key)
        if found is None:
            found = client.refund(payment_intent_id=order.stripe_payment_intent,
                                  amount_cents=refund.amount_cents, idempotency_key=key)
    except gateway.PaymentError as error:
        if gateway.outcome_unknown(error):
            log.warning("refund %s on order %s: outcome unknown (%s); stays pending", key,
                        order.number, error)
            _note_pending(order, refund, audit, "Stripe's answer was lost; checking again later")
            return refund
        _fail(refund, str(error))
        return refund
    return _settle(refund, found, audit)


def _settle(refund: Refund, found: gateway.Refund, audit=None) -> Refund:
    """Record what Stripe says about `refund`, once: the conditional UPDATE of its
    `pending` status decides, however many workers, webhooks and retries race."""
    order = db.session.get(Order, refund.order_id)
    if found.status in ("failed", "canceled"):
        return _fail(refund, f"Stripe reports the refund {found.status}", found.id)
    if found.status != "succeeded":  # Stripe's own pending / requires_action
        db.session.execute(update(Refund).where(Refund.id == refund.id, Refund.status == "pending")
                           .values(stripe_refund_id=found.id))
        _note_pending(order, refund, audit, f"Stripe reports it {found.status or 'pending'}")
        return refund
    done = db.session.execute(
        update(Refund).where(Refund.id == refund.id, Refund.status == "pending")
        .values(status="succeeded", stripe_refund_id=found.id)).rowcount
    if done:
        _record_refund_status(order, actor=refund.actor, note=refund.reason)
        if audit is not None:
            audit(refund)
    db.session.commit()
    db.session.refresh(refund)
    return refund


def _note_pending(order: Order, refund: Refund, audit, why: str) -> None:
    orders.record_status(order, order.status, actor=refund.actor,
                         note=f"Refund of ${refund.amount_cents / 100:,.2f} pending: {why}")
    if audit is not None:
        audit(refund)
    db.session.commit()
    db.session.refresh(refund)


def _fail(refund: Refund, why: str, stripe_refund_id: str | None = None) -> Refund:
    """Stripe clearly did not refund: mark it failed and give the claim back, once."""
    values = {"status": "failed"}
    if stripe_refund_id:
        values["stripe_refund_id"] = stripe_refund_id
    failed = db.session.execute(update(Refund).where(Refund.id == refund.id,
                                                     Refund.status == "pending")
                                .values(**values)).rowcount
    if failed:
        db.session.execute(update(Order).where(Order.id == refund.order_id,
                                               Order.refunded_cents >= refund.amount_cents)
                           .values(refunded_cents=Order.refunded_cents - refund.amount_cents))
        log.warning("refund %s failed: %s", refund.idempotency_key, why)
    db.session.commit()
    db.session.refresh(refund)
    refund.failure = why
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
