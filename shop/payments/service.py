"""Payment use cases: fulfil a paid Checkout Session, handle webhooks (refunds: refunds.py).

Fulfilment runs from the webhook and from the success page through one
function, `fulfil_session`. The order's move out of `pending_payment` is a
conditional UPDATE, so however many copies of an event arrive at however many
workers, exactly one sells the stock and queues the confirmation email.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from shop.cart.models import Cart, CartItem
from shop.discounts import service as discounts
from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine, StripeEvent
from shop.payments import gateway, refunds
from shop.rules import tax as tax_rules
from shop.web_cache import versions

log = logging.getLogger(__name__)

SHOP_CURRENCY = "usd"
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
RELEASE_EVENTS = ("checkout.session.expired", "checkout.session.async_payment_failed")
REFUND_EVENTS = ("refund.created", "refund.updated", "refund.failed")


@dataclass(frozen=True)
class TaxCharged:
    """The sales tax Stripe charged on a session, split over our order lines and shipping."""
    total_cents: int
    by_line: dict[int, int]  # order line id -> cents
    shipping_cents: int


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
        return _mismatch(order, session, client)
    if order.paid_at is not None:  # a replay: nothing to ask Stripe again
        return Outcome("already_paid", order.number)
    tax = tax_charged(order, session, client)
    paid_values = dict(paid_at=now, captured_cents=session.amount_total,
                       stripe_payment_intent=session.payment_intent_id,
                       stripe_session_id=session.id, tax_cents=tax.total_cents,
                       shipping_tax_cents=tax.shipping_cents,
                       total_cents=_before_tax(order) + tax.total_cents)
    if orders.transition(order.id, ("pending_payment",), "paid", **paid_values):
        _record_line_tax(tax)
        db.session.refresh(order)
        orders.sell_lines(order)
        return _finish_paid(order, "paid")
    db.session.refresh(order)
    if order.status in ("expired", "cancelled") and order.paid_at is None:
        return _late_payment(order, session, now, client, paid_values, tax)
    return Outcome("already_paid", order.number)


def _before_tax(order: Order) -> int:
    """What the order costs before tax: the total less the tax stored on it (none until paid)."""
    return order.total_cents - order.tax_cents


def _charged_as_ordered(order: Order, session: gateway.CheckoutSession) -> bool:
    """Stripe took our pre-tax total plus the tax it computed, in our currency."""
    tax = session.amount_tax or 0
    return tax >= 0 and session.amount_total == _before_tax(order) + tax \
        and (session.currency or SHOP_CURRENCY).lower() == SHOP_CURRENCY


def tax_charged(order: Order, session: gateway.CheckoutSession, client=None) -> TaxCharged:
    """The tax Stripe computed for the session, per order line and for shipping.

    Read from the session's line items when Stripe gives them (each names our line in its
    product's metadata) and they add up to the session's tax; otherwise (no client, Stripe
    unreachable, fields missing) the session's tax is split over the lines and shipping in
    proportion to what was charged for each, so the parts always add up to what was paid."""
    total = session.amount_tax or 0
    shipping_due = order.shipping_cents - order.shipping_discount_cents
    if total <= 0:
        return TaxCharged(0, {line.id: 0 for line in order.lines}, 0)
    items: list[gateway.SessionLineItem] = []
    if client is not None:
        try:
            items = client.checkout_session_line_items(session.id)
        except gateway.PaymentError as error:
            log.warning("order %s: line items of %s unreadable (%s); tax split pro rata",
                        order.number, session.id, error)
    by_ref: dict[str, int] = {}
    for item in items:
        by_ref[item.ref] = by_ref.get(item.ref, 0) + item.amount_tax
    refs = {f"line-{line.id}" for line in order.lines} | ({"shipping"} if shipping_due else set())
    if items and set(by_ref) <= refs and sum(by_ref.values()) == total:
        return TaxCharged(total, {line.id: by_ref.get(f"line-{line.id}", 0) for line in order.lines},
                          by_ref.get("shipping", 0))
    shares = tax_rules.allocate(total, [line.net_cents for line in order.lines] + [shipping_due])
    return TaxCharged(total, {line.id: share for line, share in zip(order.lines, shares)},
                      shares[-1])


def _record_line_tax(tax: TaxCharged) -> None:
    """Store each line's tax; inside the transaction that moved the order to paid (once)."""
    for line_id, cents in tax.by_line.items():
        if cents:
            db.session.execute(update(OrderLine).where(OrderLine.id == line_id)
                               .values(tax_cents=cents)
                               .execution_options(synchronize_session=False))


def _mismatch(order: Order, session: gateway.CheckoutSession, client=None) -> Outcome:
    """Stripe took another amount or currency than the order's total: not paid, but
    `payment_mismatch`, for staff to resolve. The stock stays as it was: still reserved
    for an order that was waiting (neither sold nor put back on sale), released already
    for one that had expired. What was captured is kept (in cents when the currency is
    ours) so that staff can refund it, and so is the tax Stripe computed (a manager who
    accepts the payment accepts the order with that tax)."""
    same_currency = (session.currency or SHOP_CURRENCY).lower() == SHOP_CURRENCY
    tax = tax_charged(order, session, client) if same_currency and order.paid_at is None \
        else TaxCharged(0, {}, 0)
    total = _before_tax(order) + tax.total_cents
    moved = db.session.execute(
        update(Order).where(Order.id == order.id, Order.paid_at.is_(None),
                            Order.captured_cents == 0,
                            Order.status.in_(("pending_payment", "expired", "cancelled")))
        .values(status="payment_mismatch", stripe_payment_intent=session.payment_intent_id,
                captured_cents=(session.amount_total or 0) if same_currency else 0,
                charged_amount=session.amount_total or 0,
                charged_currency=(session.currency or SHOP_CURRENCY).lower(),
                stripe_session_id=session.id, tax_cents=tax.total_cents,
                shipping_tax_cents=tax.shipping_cents, total_cents=total)).rowcount
    if not moved:
        return Outcome("already_paid", order.number)
    _record_line_tax(tax)
    charged = f"{session.amount_total} {(session.currency or '?').upper()}"
    log.error("order %s: Stripe charged %s, order total %s %s", order.number, charged,
              total, SHOP_CURRENCY.upper())
    orders.record_status(order, "payment_mismatch", actor="stripe",
                         note=f"Stripe charged {charged} cents; the order total is "
                              f"{total} {SHOP_CURRENCY.upper()} cents. Staff will "
                              "resolve this before anything ships.")
    db.session.commit()
    return Outcome("mismatch", order.number)


def foreign_charge(order: Order) -> tuple[int, str] | None:
    """For a `payment_mismatch` order Stripe charged in another currency (nothing captured
    in ours): (amount in that currency's minor units, currency in upper case, "" when not
    known), as `_mismatch` stored them; None for any other order. A mismatch with nothing
    captured and no currency recorded counts as foreign: it must never be accepted as paid."""
    if order.status != "payment_mismatch" or order.captured_cents > 0:
        return None
    if order.charged_currency == SHOP_CURRENCY:
        return None
    return order.charged_amount or 0, (order.charged_currency or "").upper()


def accept_mismatched_payment(order_id: int, now: datetime, actor: str, note: str,
                              audit: Callable[[], None]) -> bool:
    """Staff accept what Stripe took for a `payment_mismatch` order: it becomes paid, its
    stock is sold (held again first if its hold had lapsed), the confirmation is queued,
    `audit()` is called, all in one transaction. False when the order was no longer in
    `payment_mismatch`; raises orders.OutOfStock, changing nothing, when its stock is gone."""
    order = db.session.get(Order, order_id)
    held = not order.reservation_released
    if not orders.transition(order.id, ("payment_mismatch",), "paid", paid_at=now,
                             reservation_released=False):
        db.session.rollback()
        return False
    try:
        if not held:
            for line in order.lines:
                if line.variant_id is not None:
                    orders.reserve_line(line.variant_id, line.quantity, line.name)
        db.session.refresh(order)
        orders.sell_lines(order, actor=actor)
    except orders.OutOfStock:
        db.session.rollback()
        raise
    audit()
    _finish_paid(order, "paid", note=note, actor=actor)
    if not held:  # reserved again and sold: fewer units on sale
        versions.stock_moved((variant, -units) for variant, units in orders.held_units(order))
    return True


def _finish_paid(order: Order, action: str, note: str = "", actor: str = "stripe") -> Outcome:
    orders.record_status(order, "paid", actor=actor, note=note)
    emails.queue_order_confirmation(order)
    if order.cart_id:
        db.session.execute(delete(CartItem).where(CartItem.cart_id == order.cart_id))
        if order.discount_code:  # used: the emptied cart does not keep offering it
            db.session.execute(update(Cart).where(Cart.id == order.cart_id,
                                                  Cart.discount_code == order.discount_code)
                               .values(discount_code=""))
    db.session.commit()
    return Outcome(action, order.number)


def _late_payment(order, session, now, client, paid_values, tax: TaxCharged) -> Outcome:
    """Honour a payment for an expired order if the stock is still there, else refund it;
    an order someone cancelled (the customer, staff) is refunded, never honoured. A payment
    the shop started to refund (its `captured_cents` recorded) is never honoured afterwards,
    even when stock comes back: a later delivery of it asks about that refund again."""
    try:
        if order.status == "cancelled":
            raise orders.OutOfStock("cancelled")  # not to be sold: refund below
        if not orders.transition(order.id, (order.status,), "paid", Order.captured_cents == 0,
                                 reservation_released=False, **paid_values):
            db.session.refresh(order)
            if order.paid_at is None:  # not honoured by another delivery: being refunded
                raise orders.OutOfStock("refunding")
            return Outcome("already_paid", order.number)
        _record_line_tax(tax)
        discounts.retake_use(order.discount_code_id, order.email)
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
    return _refund_late_payment(order.id, session, client, tax)


def _refund_late_payment(order_id: int, session, client, tax: TaxCharged) -> Outcome:
    """Give back a payment the shop does not honour. The payment is recorded on the order
    once (the books show what was taken, and its tax), then refunded under the order's one
    late-refund key, so a repeated delivery retries that refund and never sends a second.
    If Stripe refuses, the order's timeline says so for a manager to refund it by hand (its
    page offers the refund, and the dashboard lists it), and the webhook is still answered
    (200). Its event row went with the rollback above: a replay asks again under the key."""
    order = db.session.get(Order, order_id)
    cancelled = order.status == "cancelled"
    recorded = db.session.execute(
        update(Order).where(Order.id == order.id, Order.captured_cents == 0,
                            Order.paid_at.is_(None))
        .values(total_cents=_before_tax(order) + tax.total_cents,  # what was paid, with tax
                tax_cents=tax.total_cents, shipping_tax_cents=tax.shipping_cents,
                captured_cents=session.amount_total or order.total_cents,
                stripe_payment_intent=session.payment_intent_id)).rowcount
    if recorded:
        _record_line_tax(tax)
        orders.record_status(order, order.status, actor="stripe",
                             note="Paid after the order was cancelled; refunding" if cancelled
                             else "Paid after the checkout expired; stock gone, refunding")
    else:  # recorded by an earlier delivery, unless another one honoured it meanwhile
        db.session.refresh(order)
        if order.paid_at is not None:
            db.session.rollback()
            return Outcome("already_paid", order.number)
    db.session.commit()
    db.session.refresh(order)
    if client is None:
        return Outcome("refunded_late", order.number)
    reason = ("Paid after the order was cancelled" if cancelled
              else "Paid after checkout expired; out of stock")
    try:
        pending = refunds.pending_refund(order.id)
        if pending is not None:  # sent before, answer lost: ask again under its own key
            asked = refunds.retry_refund(pending.id, client)
            if asked.status == "failed":
                raise refunds.RefundError(getattr(asked, "failure", "") or "refund failed")
        elif order.captured_cents > order.refunded_cents:
            refunds.refund_order(order.id, order.captured_cents - order.refunded_cents, reason,
                                 client, actor="system",
                                 idempotency_key=refunds.refund_key(order, "late-refund"))
    except refunds.RefundError as error:
        db.session.rollback()
        log.error("order %s: the refund of its late payment was refused: %s", order.number, error)
        orders.record_status(order, order.status, actor="stripe",
                             note=f"Stripe refused the refund of this late payment ({error}); "
                                  "a manager must refund it from this page")
        db.session.commit()
        return Outcome("late_refund_failed", order.number)
    return Outcome("refunded_late", order.number)


def release_session(session: gateway.CheckoutSession, note: str) -> Outcome:
    """An expired or failed session: give back the stock its unpaid order held."""
    order = _order_for(session)
    if order is None:
        return Outcome("ignored")
    if not orders.transition(order.id, ("pending_payment",), "expired", reservation_released=True):
        return Outcome("ignored", order.number)
    orders.release_lines(order)
    discounts.give_back_use(order.discount_code_id, order.email)
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
    refund = refunds.settle_reported(found)
    return Outcome("ignored") if refund is None else Outcome(f"refund_{refund.status}")


def _charge_refunded(charge: dict, client) -> Outcome:
    """`charge.refunded`: settle our pending refunds on that payment, then record what was
    refunded in Stripe's dashboard that we did not know about."""
    intent = charge.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    order = db.session.scalar(select(Order).where(Order.stripe_payment_intent == intent)) \
        if intent else None
    if order is None:
        return Outcome("ignored")
    refunds.settle_charge_refunds(order, charge, client)
    if not refunds.record_dashboard_refunds(order, charge):
        return Outcome("ignored")
    return Outcome("refund_synced", order.number)
