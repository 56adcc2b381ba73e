"""Order use cases for staff: find orders, pick and pack, ship, deliver, notes.

Every move of an order goes through `shop.orders.service.transition`, a
conditional UPDATE: of two clicks or two members of staff, exactly one moves
the order; the other is told what happened. Each move records the history
with the staff member, an audit row, and queues the customer's email in the
same transaction (the outbox worker sends it). Cancelling, refunding and resolving a
payment mismatch (money on the order) are in `order_payments`.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from shop.accounts import service as accounts
from shop.accounts.models import AuditEntry
from shop.backoffice import carriers
from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine, Refund, ReturnRequest, WarrantyClaim
from shop.orders.presenters import STATUS_LABELS, promise_summary
from shop.pagination import Page, paginate
from shop.rules import warranty

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


def list_orders(filters: OrderFilters, page: int, zone_name: str) -> Page:
    """A page of orders, newest first (two queries whatever the page size)."""
    ids = _filtered(filters, zone_name)
    items = (select(func.coalesce(func.sum(OrderLine.quantity), 0))
             .where(OrderLine.order_id == Order.id).scalar_subquery())
    return paginate(
        select(Order.number, Order.status, Order.created_at, Order.paid_at, Order.name,
               Order.email, Order.shipping_label, Order.shipping_method, Order.discreet,
               Order.total_cents, Order.refunded_cents, items.label("items"))
        .where(Order.id.in_(ids))
        .order_by(Order.created_at.desc(), Order.id.desc()), page)


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
    if orders.refunded_in_full(order):  # its refund may still be pending: it never ships
        actions -= {"pack", "ship"}
    if refunded_unshipped(order):
        actions.add("cancel")  # to put its stock back on the shelf
    if order.captured_cents > order.refunded_cents:
        actions.add("refund")
    if order.status in TRACKING_CHANGEABLE:
        actions.add("tracking")  # correct a mistyped tracking number or carrier
    if order.status == "payment_mismatch":
        actions.add("resolve_mismatch")  # a manager's: accept the payment, or refund and cancel
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
        .where(Order.status == "paid", orders.NOT_REFUNDED_IN_FULL)
        .order_by(OrderLine.sku, Order.paid_at, Order.number)).all()
    by_sku: dict[str, list] = {}
    for sku, name, option, quantity, number, discreet in rows:
        by_sku.setdefault(sku, []).append((name, option, quantity, number, discreet))
    return [PickRow(sku, lines[0][0], lines[0][1], sum(line[2] for line in lines),
                    [(number, quantity, discreet) for _, _, quantity, number, discreet in lines])
            for sku, lines in by_sku.items()]


# --- moving orders on -----------------------------------------------------------------

def _move_order(order: Order, from_statuses: tuple[str, ...], to_status: str, actor: str,
                note: str = "", audit: dict | None = None, conditions: tuple = (),
                **values) -> Order:
    """Transition, history, audit and the customer's email in one transaction."""
    before = order.status
    if not orders.transition(order.id, from_statuses, to_status, *conditions, **values):
        db.session.rollback()
        db.session.refresh(order)
        if order.status in from_statuses and orders.refunded_in_full(order):
            raise FulfilmentError(
                f"Order {order.number} is refunded in full (or its refund is waiting for "
                f"Stripe's answer), so it can't be marked {label(to_status)}. Nothing was changed.")
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
    return _move_order(get_order(number), ("paid",), "packed", actor,
                       conditions=(orders.NOT_REFUNDED_IN_FULL,))


@dataclass(frozen=True)
class Shipment:
    carrier: str  # a code of carriers.CARRIERS
    tracking_number: str
    freight_name: str = ""
    tracking_url: str = ""  # freight only


def mark_shipped(number: str, shipment: Shipment, actor: str, now: datetime) -> Order:
    """Packed -> shipped, with the carrier, tracking number and the link built for it."""
    details = _shipment_details(shipment)
    return _move_order(get_order(number), ("packed",), "shipped", actor,
                       note=f"{details['carrier']} {shipment.tracking_number}", audit=details,
                       conditions=(orders.NOT_REFUNDED_IN_FULL,), shipped_at=now, **details)


TRACKING_CHANGEABLE = ("shipped", "delivered")


def _shipment_details(shipment: Shipment) -> dict:
    """carrier (the name customers see), tracking_number and tracking_url; checked first."""
    if shipment.carrier not in carriers.BY_CODE:
        raise FulfilmentError("Choose one of the carriers offered.")
    if not carriers.is_valid_tracking_number(shipment.tracking_number):
        raise FulfilmentError("Tracking number must be 6 to 40 letters and digits.")
    return {"carrier": carriers.carrier_name(shipment.carrier, shipment.freight_name),
            "tracking_number": shipment.tracking_number,
            "tracking_url": carriers.tracking_url(shipment.carrier, shipment.tracking_number,
                                                  shipment.tracking_url)}


def change_tracking(number: str, shipment: Shipment, seen_tracking: str, actor: str) -> Order:
    """A shipped order's carrier or tracking number corrected: saved only if nobody changed
    it since the page was shown (`seen_tracking`), with a history note the customer sees,
    an audit row and an email with the new link, in one transaction."""
    order = get_order(number)
    details = _shipment_details(shipment)
    before = {"carrier": order.carrier, "tracking_number": order.tracking_number,
              "tracking_url": order.tracking_url}
    if before == details:
        raise FulfilmentError(f"{details['carrier']} {details['tracking_number']} is already "
                              "the order's tracking; nothing was changed.")
    saved = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status.in_(TRACKING_CHANGEABLE),
                            Order.tracking_number == seen_tracking)
        .values(**details)).rowcount == 1
    if not saved:
        db.session.rollback()
        db.session.refresh(order)
        if order.status not in TRACKING_CHANGEABLE:
            raise FulfilmentError(f"Order {order.number} is {label(order.status)}: only a "
                                  "shipped order's tracking can be changed. Nothing was changed.")
        raise FulfilmentError(f"Someone changed the tracking to {order.carrier} "
                              f"{order.tracking_number} meanwhile; check it and try again. "
                              "Nothing was changed.")
    db.session.refresh(order)
    note = f"Tracking changed to {details['carrier']} {details['tracking_number']}"
    orders.record_status(order, order.status, actor=actor, note=note)
    accounts.record(actor, "order_tracking_changed", "order", order.number, before=before,
                    after=details, note=note)
    emails.queue("order_tracking", f"{order.number}:tracking:{details['tracking_number']}",
                 order.email, f"New tracking number for order {order.number}",
                 "order_status.txt", order, status="tracking_changed",
                 track_url=emails.tracking_link(order))
    db.session.commit()
    return order


def mark_delivered(number: str, actor: str, now: datetime) -> Order:
    return _move_order(get_order(number), ("shipped",), "delivered", actor, delivered_at=now)


def add_note(number: str, note: str, actor: str) -> None:
    """A staff note on the order's timeline. Kept as an audit row, not as order history,
    because the customer's order page shows the history and its notes."""
    order = get_order(number)
    accounts.record(actor, NOTE_ACTION, "order", order.number, note=note)
    db.session.commit()


def refunded_unshipped(order: Order) -> bool:
    """Sold, then fully refunded before it shipped: nothing can ship it any more; cancelling
    puts its stock back on the shelf. (A late payment refunded because its stock was gone
    is `refunded` too, but it never sold any: `paid_at` is unset.)"""
    return order.status == "refunded" and order.shipped_at is None and order.paid_at is not None
