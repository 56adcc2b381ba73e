"""Dashboard figures: orders to ship by today's cut-off, open requests, sales (low stock:
dashboard_charts)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from shop.extensions import db
from shop.orders import service as orders
from shop.orders.models import Order, Refund, ReturnRequest, WarrantyClaim
from shop.pages.models import ContactMessage
from shop.rules import delivery


@dataclass(frozen=True)
class ShipRow:
    """An order waiting to leave, with the day its delivery promise says it must."""
    number: str
    name: str
    shipping_label: str
    paid_at: datetime | None
    status: str
    discreet: bool
    dispatch_by: date
    urgency: str  # "late", "today" or "later"


def dashboard_numbers(now: datetime) -> dict:
    config = delivery.DEFAULT_DELIVERY_CONFIG
    to_ship = db.session.execute(
        select(Order.number, Order.name, Order.shipping_label, Order.paid_at, Order.status,
               Order.discreet)
        .where(Order.status.in_(("paid", "packed")), orders.NOT_REFUNDED_IN_FULL)
        .order_by(Order.paid_at)).all()
    week_ago = now - timedelta(days=7)
    # Sales kept (captured less refunded) and, of them, the sales tax collected for the
    # authorities: each order's tax in proportion to what of its payment was kept.
    kept_tax = case((Order.captured_cents > 0,
                     Order.tax_cents * (Order.captured_cents - Order.refunded_cents)
                     // Order.captured_cents), else_=0)
    sales = db.session.execute(
        select(func.count(Order.id).label("orders"),
               func.coalesce(func.sum(Order.captured_cents - Order.refunded_cents), 0).label("kept"),
               func.coalesce(func.sum(kept_tax), 0).label("tax"))
        .where(Order.paid_at >= week_ago)).mappings().one()
    today = now.astimezone(ZoneInfo(config.timezone)).date()
    rows = []
    for order in to_ship:
        due = delivery.dispatch_date(order.paid_at, config) if order.paid_at else today
        rows.append(ShipRow(order.number, order.name, order.shipping_label, order.paid_at,
                            order.status, order.discreet, due,
                            "late" if due < today else "today" if due == today else "later"))
    return {
        # Payments staff must resolve: Stripe took another amount or currency than the total.
        "mismatched": db.session.execute(
            select(Order.number, Order.name, Order.total_cents, Order.captured_cents)
            .where(Order.status == "payment_mismatch").order_by(Order.created_at)).all(),
        # Money taken for orders that were never sold (paid after the checkout closed) and
        # not given back: the refund Stripe refused, for a manager to make from the order.
        "to_give_back": db.session.execute(
            select(Order.number, Order.name, Order.captured_cents, Order.refunded_cents)
            .where(Order.paid_at.is_(None), Order.captured_cents > Order.refunded_cents,
                   Order.status != "payment_mismatch")
            .order_by(Order.created_at)).all(),
        # Sold, refunded in full before shipping: cancelling each puts its stock back on sale
        # (fulfilment.refunded_unshipped).
        "to_put_back": db.session.execute(
            select(Order.number, Order.name)
            .where(Order.status == "refunded", Order.shipped_at.is_(None),
                   Order.paid_at.is_not(None))
            .order_by(Order.created_at)).all(),
        # Refunds whose outcome at Stripe is not known yet (the worker reconciles them).
        "pending_refunds": db.session.scalar(select(func.count()).select_from(Refund)
                                             .where(Refund.status == "pending")),
        "now": now,
        "today": today,
        "to_ship": rows,
        "due_today": sum(row.urgency in ("late", "today") for row in rows),
        "late": sum(row.urgency == "late" for row in rows),
        "dispatch_today": delivery.dispatch_date(now, config),
        "cutoff": config.cutoff,
        "open_returns": db.session.scalar(select(func.count()).select_from(ReturnRequest)
                                          .where(ReturnRequest.status.in_(("requested", "approved", "received")))),
        "open_claims": db.session.scalar(select(func.count()).select_from(WarrantyClaim)
                                         .where(WarrantyClaim.status == "requested")),
        "new_messages": db.session.scalar(select(func.count()).select_from(ContactMessage)
                                          .where(ContactMessage.status == "new")),
        "orders_this_week": sales["orders"],
        "sales_this_week_cents": int(sales["kept"]),
        "sales_tax_this_week_cents": int(sales["tax"]),
        "sales_before_tax_this_week_cents": int(sales["kept"]) - int(sales["tax"]),
    }
