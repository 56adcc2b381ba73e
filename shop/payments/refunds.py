"""Refunds: the one way the shop gives money back through Stripe.

Order refunds, cancellations, return refunds and late-payment refunds all come here,
each under one idempotency-key scheme (`refund_key`): `<purpose>-<order number>`,
with `-retry-<n>` once earlier attempts under it were refused by Stripe (a key whose
refund failed would only ever return that failure). A refund whose outcome is
unknown stays `pending` and is settled later under its SAME key: by calling
`refund_order` again with it, `retry_refund`, a webhook, or the periodic
`reconcile_pending_refunds`.
"""
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, Refund
from shop.payments import gateway
from shop.rules.money import format_cents

log = logging.getLogger(__name__)


# Keys of a refund of part or all of an order (the back office's refund form, or no key
# given): its success is the customer's "refunded" email. Cancellations, returns and
# late payments have their own purposes and their own emails.
ORDER_REFUND = "refund-"


class RefundError(Exception):
    """A refund the shop refuses or Stripe could not make; the message is for staff."""


def refund_key(order: Order, purpose: str) -> str:
    """The idempotency key for refunding `order` for `purpose` ("cancel", "return-12",
    "refund-<form id>", "late-refund"): the same for a double click or a retry after a
    lost answer, a fresh `-retry-<n>` after Stripe refused the earlier attempts."""
    base = f"{purpose}-{order.number}"
    failed = db.session.scalar(select(func.count()).select_from(Refund).where(
        Refund.order_id == order.id, Refund.status == "failed",
        or_(Refund.idempotency_key == base, Refund.idempotency_key.like(f"{base}-retry-%"))))
    return f"{base}-retry-{failed}" if failed else base


def refunds_for(order: Order, purpose: str) -> list[Refund]:
    """Every attempt to refund `order` for `purpose`, oldest first."""
    base = f"{purpose}-{order.number}"
    return db.session.scalars(select(Refund).where(
        Refund.order_id == order.id,
        or_(Refund.idempotency_key == base, Refund.idempotency_key.like(f"{base}-retry-%")))
        .order_by(Refund.id)).all()


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
        if existing.status == "pending":  # a retry: the same key, never a new one; its
            return _complete(existing, client, None, sent_before=True)  # audit row is written
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


def pending_refund(order_id: int) -> Refund | None:
    """The order's refund still waiting for Stripe's answer, if any (at most one: a refund
    under another key is refused while one is pending)."""
    return db.session.scalar(select(Refund).where(Refund.order_id == order_id,
                                                  Refund.status == "pending"))


def _refuse_while_pending(order_id: int, client) -> None:
    pending = pending_refund(order_id)
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
            _note_pending(order, refund, audit, "Stripe's answer was lost; checking again later",
                          first=not sent_before)
            return refund
        _fail(refund, str(error))
        return refund
    return _settle(refund, found, audit, first=not sent_before)


def _settle(refund: Refund, found: gateway.Refund, audit=None, first: bool = False) -> Refund:
    """Record what Stripe says about `refund`, once: the conditional UPDATE of its
    `pending` status decides, however many workers, webhooks and retries race. An order
    refund that succeeded queues the customer's "refunded" email in that transaction,
    whichever path settled it. `first`: this is the call that sent the refund."""
    order = db.session.get(Order, refund.order_id)
    if found.status in ("failed", "canceled"):
        return _fail(refund, f"Stripe reports the refund {found.status}", found.id)
    if found.status != "succeeded":  # Stripe's own pending / requires_action
        db.session.execute(update(Refund).where(Refund.id == refund.id, Refund.status == "pending")
                           .values(stripe_refund_id=found.id))
        _note_pending(order, refund, audit, f"Stripe reports it {found.status or 'pending'}",
                      first=first)
        return refund
    done = db.session.execute(
        update(Refund).where(Refund.id == refund.id, Refund.status == "pending")
        .values(status="succeeded", stripe_refund_id=found.id)).rowcount
    if done:
        _record_refund_status(order, actor=refund.actor, note=refund.reason)
        if refund.idempotency_key.startswith(ORDER_REFUND):
            emails.queue_status_update(order, "refunded")
        if audit is not None:
            audit(refund)
    db.session.commit()
    db.session.refresh(refund)
    return refund


def _note_pending(order: Order, refund: Refund, audit, why: str, first: bool) -> None:
    """A refund still waiting for Stripe: the customer's timeline says so once, when it
    first becomes pending, not on every retry or worker round."""
    if first:
        orders.record_status(order, order.status, actor=refund.actor,
                             note=f"Refund of {format_cents(refund.amount_cents)} pending: {why}")
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


# --- what Stripe tells us (webhooks) ----------------------------------------------------

def settle_reported(found: gateway.Refund) -> Refund | None:
    """`refund.updated` and friends: settle our pending refund that Stripe reports on
    (None when it is not ours or not pending)."""
    key = found.metadata.get(gateway.REFUND_KEY_METADATA)
    refund = db.session.scalar(select(Refund).where(
        (Refund.stripe_refund_id == found.id) | (Refund.idempotency_key == (key or found.id))))
    if refund is None or refund.status != "pending":
        return None
    return _settle(refund, found)


def settle_charge_refunds(order: Order, charge: dict, client) -> None:
    """`charge.refunded`: settle our pending refunds on that payment, from the refunds the
    event lists, else by asking Stripe under their own keys."""
    listed = charge.get("refunds") if isinstance(charge.get("refunds"), dict) else {}
    for item in listed.get("data") or []:
        if isinstance(item, dict) and item.get("id"):
            settle_reported(gateway.refund_from_event_object(item))
    for refund in db.session.scalars(select(Refund).where(Refund.order_id == order.id,
                                                          Refund.status == "pending")).all():
        if client is not None:
            _complete(refund, client, None, sent_before=True)


def record_dashboard_refunds(order: Order, charge: dict) -> bool:
    """A refund made in Stripe's dashboard: record what we did not already know about.
    False when the charge does not say how much was refunded."""
    refunded = charge.get("amount_refunded")
    db.session.refresh(order)
    if not isinstance(refunded, int):
        return False
    extra = refunded - order.refunded_cents
    if extra <= 0:
        return True
    grew = db.session.execute(
        update(Order).where(Order.id == order.id, Order.refunded_cents + extra <= Order.captured_cents,
                            Order.refunded_cents == refunded - extra)
        .values(refunded_cents=refunded)).rowcount
    if grew:
        db.session.add(Refund(order_id=order.id, amount_cents=extra, status="succeeded",
                              reason="Refunded in the Stripe dashboard", actor="stripe",
                              idempotency_key=f"sync-{charge.get('id')}-{refunded}"))
        _record_refund_status(order)
    return True
