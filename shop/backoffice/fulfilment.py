"""Order use cases for staff: find orders, pick and pack, ship, deliver, cancel, refund.

Every move of an order goes through `shop.orders.service.transition`, a
conditional UPDATE: of two clicks or two members of staff, exactly one moves
the order; the other is told what happened. Each move records the history
with the staff member, an audit row, and queues the customer's email in the
same transaction (the outbox worker sends it).

Cancelling a paid order refunds first, so only a manager may do it; staff may
cancel an order still waiting for payment. If Stripe refuses the refund,
RefundError reaches the manager and nothing else has changed. Only once the
money is back does the order become cancelled and its stock return to the shelf.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.accounts import service as accounts
from shop.accounts.models import AuditEntry
from shop.backoffice import carriers
from shop.backoffice import stock_service as stock
from shop.checkout import service as checkout
from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine, Refund, ReturnRequest, WarrantyClaim
from shop.orders.presenters import STATUS_LABELS, promise_summary
from shop.payments import gateway
from shop.payments import service as payments
from shop.rules import warranty
from shop.rules.money import format_cents

PAGE_SIZE = 50
NOTE_ACTION = "order_note_added"
CANCELLABLE = ("paid", "packed")
STATUS_ACTIONS = {"pending_payment": ("cancel",), "paid": ("pack", "cancel"),
                  "packed": ("ship", "cancel"), "shipped": ("deliver",)}


class FulfilmentError(Exception):
    """An order action that cannot be done now; the message is for staff."""


class OrderNotFound(FulfilmentError):
    """No order with that number."""


class ManagerOnly(FulfilmentError):
    """Only a manager may do this to the order; nothing was changed."""


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status).lower()


# --- finding orders -------------------------------------------------------------------

@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    status: str = ""
    method: str = ""
    discreet: bool | None = None
    created_from: date | None = None
    created_to: date | None = None
    paid_from: date | None = None
    paid_to: date | None = None


@dataclass(frozen=True)
class OrderPage:
    rows: list
    page: int
    pages: int
    total: int


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _filtered(filters: OrderFilters, zone_name: str):
    zone = ZoneInfo(zone_name)
    query = select(Order.id)
    if filters.status:
        query = query.where(Order.status == filters.status)
    if filters.method:
        query = query.where(Order.shipping_method == filters.method)
    if filters.discreet is not None:
        query = query.where(Order.discreet == filters.discreet)
    for column, start, end in ((Order.created_at, filters.created_from, filters.created_to),
                               (Order.paid_at, filters.paid_from, filters.paid_to)):
        if start:
            query = query.where(column >= _day_start(start, zone))
        if end:  # the whole of the last day, in the shop's zone
            query = query.where(column < _day_start(end + timedelta(days=1), zone))
    if filters.q:
        text = filters.q.lower()
        query = query.where(or_(
            Order.number == orders.normalise_order_number(filters.q),
            func.lower(Order.number).contains(text, autoescape=True),
            Order.email.contains(text, autoescape=True),
            func.lower(Order.name).contains(text, autoescape=True)))
    return query


def list_orders(filters: OrderFilters, page: int, zone_name: str) -> OrderPage:
    """A page of orders, newest first (two queries whatever the page size)."""
    ids = _filtered(filters, zone_name)
    total = db.session.scalar(select(func.count()).select_from(ids.subquery()))
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = (select(func.coalesce(func.sum(OrderLine.quantity), 0))
             .where(OrderLine.order_id == Order.id).scalar_subquery())
    rows = db.session.execute(
        select(Order.number, Order.status, Order.created_at, Order.paid_at, Order.name,
               Order.email, Order.shipping_label, Order.shipping_method, Order.discreet,
               Order.total_cents, Order.refunded_cents, items.label("items"))
        .where(Order.id.in_(ids))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return OrderPage(rows, page, pages, total)


def get_order(number: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.number == number)
                              .options(selectinload(Order.lines)))
    if order is None:
        raise OrderNotFound(f"There is no order {number}.")
    return order


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    note: str
    actor: str
    created_at: datetime
    is_note: bool  # a staff note (staff only), not a change of status


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    lines: list  # (line, warranty table rows)
    timeline: list[TimelineEntry]
    refunds: list[Refund]
    returns: list[ReturnRequest]
    claims: list[WarrantyClaim]
    promise: str
    refundable_cents: int
    actions: set = field(default_factory=set)
    replacement_for: str | None = None     # the order this one replaces items of
    replacements: list = field(default_factory=list)  # numbers of replacement orders


def order_detail(number: str) -> OrderDetail:
    """Everything the staff order page shows (a handful of queries)."""
    order = db.session.scalar(select(Order).where(Order.number == number)
                              .options(selectinload(Order.lines), selectinload(Order.history)))
    if order is None:
        raise OrderNotFound(f"There is no order {number}.")
    notes = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == NOTE_ACTION, AuditEntry.entity == "order",
        AuditEntry.entity_id == order.number)).all()
    timeline = sorted(
        [TimelineEntry(c.status, c.note, c.actor, c.created_at, is_note=False)
         for c in order.history]
        + [TimelineEntry(order.status, n.note, n.actor, n.created_at, is_note=True) for n in notes],
        key=lambda entry: entry.created_at)
    lines = [(line, warranty.warranty_table(warranty.terms_from_dicts(line.warranty_terms)))
             for line in order.lines]
    return OrderDetail(
        order=order, lines=lines, timeline=timeline,
        refunds=db.session.scalars(select(Refund).where(Refund.order_id == order.id)
                                   .order_by(Refund.id)).all(),
        returns=db.session.scalars(select(ReturnRequest).where(ReturnRequest.order_id == order.id)
                                   .options(selectinload(ReturnRequest.line))
                                   .order_by(ReturnRequest.id)).all(),
        claims=db.session.scalars(select(WarrantyClaim).where(WarrantyClaim.order_id == order.id)
                                  .options(selectinload(WarrantyClaim.line))
                                  .order_by(WarrantyClaim.id)).all(),
        promise=promise_summary(order),
        refundable_cents=order.captured_cents - order.refunded_cents,
        actions=available_actions(order),
        replacement_for=db.session.scalar(select(Order.number).where(
            Order.id == order.replacement_for_id)) if order.replacement_for_id else None,
        replacements=db.session.scalars(select(Order.number).where(
            Order.replacement_for_id == order.id).order_by(Order.id)).all())


def available_actions(order: Order) -> set[str]:
    """What staff can do with the order in its status (the page shows only these; anyone
    can add a note at any time)."""
    actions = set(STATUS_ACTIONS.get(order.status, ()))
    if _refunded_unshipped(order):
        actions.add("cancel")  # to put its stock back on the shelf
    if order.captured_cents > order.refunded_cents:
        actions.add("refund")
    return actions


@dataclass(frozen=True)
class PickRow:
    sku: str
    name: str
    option: str
    quantity: int
    orders: list[tuple[str, int, bool]]  # (order number, quantity, discreet)


def pick_list() -> list[PickRow]:
    """What to take off the shelves for every paid order not yet packed, one row per SKU in
    SKU order (bins are labelled by SKU), with the orders each unit goes to (one query)."""
    rows = db.session.execute(
        select(OrderLine.sku, OrderLine.name, OrderLine.option, OrderLine.quantity, Order.number,
               Order.discreet)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status == "paid")
        .order_by(OrderLine.sku, Order.paid_at, Order.number)).all()
    by_sku: dict[str, list] = {}
    for sku, name, option, quantity, number, discreet in rows:
        by_sku.setdefault(sku, []).append((name, option, quantity, number, discreet))
    return [PickRow(sku, lines[0][0], lines[0][1], sum(line[2] for line in lines),
                    [(number, quantity, discreet) for _, _, quantity, number, discreet in lines])
            for sku, lines in by_sku.items()]


# --- moving orders on -----------------------------------------------------------------

def _move(order: Order, from_statuses: tuple[str, ...], to_status: str, actor: str,
          note: str = "", audit: dict | None = None, **values) -> Order:
    """Transition, history, audit and the customer's email in one transaction."""
    before = order.status
    if not orders.transition(order.id, from_statuses, to_status, **values):
        db.session.rollback()
        db.session.refresh(order)
        raise FulfilmentError(f"Order {order.number} is {label(order.status)}, so it can't be "
                              f"marked {label(to_status)}. Nothing was changed.")
    db.session.refresh(order)
    orders.record_status(order, to_status, actor=actor, note=note)
    accounts.record(actor, f"order_{to_status}", "order", order.number,
                    before={"status": before}, after={"status": to_status, **(audit or {})},
                    note=note)
    emails.queue_status_update(order, to_status)
    db.session.commit()
    return order


def mark_packed(number: str, actor: str) -> Order:
    return _move(get_order(number), ("paid",), "packed", actor)


@dataclass(frozen=True)
class Shipment:
    carrier: str  # a code of carriers.CARRIERS
    tracking_number: str
    freight_name: str = ""
    tracking_url: str = ""  # freight only


def mark_shipped(number: str, shipment: Shipment, actor: str, now: datetime) -> Order:
    """Packed -> shipped, with the carrier, tracking number and the link built for it."""
    if shipment.carrier not in carriers.BY_CODE:
        raise FulfilmentError("Choose one of the carriers offered.")
    if not carriers.is_valid_tracking_number(shipment.tracking_number):
        raise FulfilmentError("Tracking number must be 6 to 40 letters and digits.")
    name = carriers.carrier_name(shipment.carrier, shipment.freight_name)
    url = carriers.tracking_url(shipment.carrier, shipment.tracking_number, shipment.tracking_url)
    details = {"carrier": name, "tracking_number": shipment.tracking_number, "tracking_url": url}
    return _move(get_order(number), ("packed",), "shipped", actor,
                 note=f"{name} {shipment.tracking_number}", audit=details, shipped_at=now,
                 **details)


def mark_delivered(number: str, actor: str, now: datetime) -> Order:
    return _move(get_order(number), ("shipped",), "delivered", actor, delivered_at=now)


def add_note(number: str, note: str, actor: str) -> None:
    """A staff note on the order's timeline. Kept as an audit row, not as order history,
    because the customer's order page shows the history and its notes."""
    order = get_order(number)
    accounts.record(actor, NOTE_ACTION, "order", order.number, note=note)
    db.session.commit()


# --- cancelling and refunding ---------------------------------------------------------

def cancel(number: str, reason: str, client: gateway.StripeClient, actor: str, *,
           by_manager: bool) -> Order:
    """Cancel an order that has not shipped: refund what is left of the payment, put the
    sold stock back, tell the customer. Raises payments.RefundError if Stripe refuses
    (then nothing has changed) and FulfilmentError when the order can't be cancelled.

    Staff (`by_manager` False) may cancel only an order still waiting for payment; one
    paid in the meantime is refused by the conditional move of `_cancel_unpaid`."""
    order = get_order(number)
    if order.status == "pending_payment":
        return _cancel_unpaid(order, reason, client, actor)
    if not by_manager:
        raise ManagerOnly(f"Order {number} was paid: only a manager can cancel it, because "
                          "cancelling refunds it. Nothing was changed.")
    if order.status not in CANCELLABLE and not _refunded_unshipped(order):
        raise FulfilmentError(f"Order {number} is {label(order.status)}; only orders not yet "
                              "shipped can be cancelled. Nothing was changed.")
    before = {"status": order.status, "refunded_cents": order.refunded_cents}
    left = order.captured_cents - order.refunded_cents
    if left > 0:
        refund = payments.refund_order(order.id, left, f"Order cancelled: {reason}", client,
                                       actor=actor, idempotency_key=_cancel_refund_key(order))
        if refund.status != "succeeded":
            raise FulfilmentError("A refund for this cancellation is already under way; "
                                  "reload the order in a moment.")
        db.session.refresh(order)
        # The full refund made the order `refunded`, which can no longer be shipped; if it
        # was shipped before the refund landed, it keeps its parcel and is not cancelled.
        if order.shipped_at is not None:
            raise FulfilmentError(f"Order {number} was shipped meanwhile: it was refunded but "
                                  "not cancelled, and its stock was not put back.")
    # `refunded`: fully refunded before it shipped (by a manager, or by this call), which
    # nothing can ship any more.
    if not orders.transition(order.id, CANCELLABLE + ("refunded",), "cancelled"):
        db.session.rollback()
        db.session.refresh(order)
        raise FulfilmentError(f"Order {number} is {label(order.status)} now. Nothing was changed.")
    db.session.refresh(order)
    stock.put_back_order_stock(order, actor)
    orders.record_status(order, "cancelled", actor=actor, note=reason)
    accounts.record(actor, "order_cancelled", "order", order.number, before=before,
                    after={"status": "cancelled", "refunded_cents": order.refunded_cents},
                    note=reason)
    emails.queue_status_update(order, "cancelled")
    db.session.commit()
    return order


def _refunded_unshipped(order: Order) -> bool:
    return order.status == "refunded" and order.shipped_at is None


def _cancel_refund_key(order: Order) -> str:
    """`cancel-<number>`, so a double click refunds once; a new key after a failed attempt,
    because a key whose refund failed would only ever return that failure."""
    key = f"cancel-{order.number}"
    failed = db.session.scalar(select(func.count()).select_from(Refund).where(
        Refund.order_id == order.id, Refund.status == "failed",
        or_(Refund.idempotency_key == key, Refund.idempotency_key.like(f"{key}-retry%"))))
    return f"{key}-retry{failed}" if failed else key


def _cancel_unpaid(order: Order, reason: str, client: gateway.StripeClient, actor: str) -> Order:
    """An order still waiting for payment: close its Checkout Session and release its hold."""
    if order.stripe_session_id:
        try:
            client.expire_checkout_session(order.stripe_session_id)
        except gateway.PaymentError:
            pass  # already expired or unreachable: a late payment is refunded or honoured
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


def refund(number: str, amount_cents: int, reason: str, request_id: str,
           client: gateway.StripeClient, actor: str) -> RefundResult:
    """Give back part or all of what is left of the payment (managers only)."""
    order = get_order(number)
    key = f"refund-{order.number}-{request_id}"
    done = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if done is not None and done.status == "failed":
        raise FulfilmentError("This refund was tried and failed; reload the order to try again.")
    if done is not None:
        return RefundResult(done, repeated=True)
    left = order.captured_cents - order.refunded_cents
    if amount_cents > left:
        raise FulfilmentError(f"At most {format_cents(left)} can still be refunded on order "
                              f"{number} ({format_cents(order.captured_cents)} captured, "
                              f"{format_cents(order.refunded_cents)} refunded). Nothing was "
                              "refunded.")
    before = order.refunded_cents
    try:
        made = payments.refund_order(order.id, amount_cents, reason, client, actor=actor,
                                     idempotency_key=key)
    except IntegrityError:  # the same form sent twice at the same moment
        db.session.rollback()
        raise FulfilmentError("This refund is already being made; reload the order.") from None
    db.session.refresh(order)
    accounts.record(actor, "order_refunded", "order", order.number,
                    before={"refunded_cents": before},
                    after={"refunded_cents": order.refunded_cents, "amount_cents": amount_cents},
                    note=reason)
    emails.queue_status_update(order, "refunded")
    db.session.commit()
    return RefundResult(made, repeated=False)
