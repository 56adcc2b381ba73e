"""Dashboard figures: orders to ship by today's cut-off, low stock, open requests, sales."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from shop.catalog.models import Product, Variant
from shop.extensions import db
from shop.orders.models import Order, ReturnRequest, WarrantyClaim
from shop.pages.models import ContactMessage
from shop.rules import delivery


def dashboard_numbers(now: datetime) -> dict:
    config = delivery.DEFAULT_DELIVERY_CONFIG
    to_ship = db.session.execute(
        select(Order.number, Order.name, Order.shipping_label, Order.paid_at, Order.status,
               Order.discreet)
        .where(Order.status.in_(("paid", "packed"))).order_by(Order.paid_at)).all()
    low_stock = db.session.execute(
        select(Variant.sku, Product.name, Variant.on_hand - Variant.reserved,
               Variant.low_stock_threshold)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.on_hand - Variant.reserved <= Variant.low_stock_threshold)
        .order_by(Variant.on_hand - Variant.reserved, Variant.sku).limit(20)).all()
    week_ago = now - timedelta(days=7)
    sales = db.session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.captured_cents - Order.refunded_cents), 0))
        .where(Order.paid_at >= week_ago)).one()
    return {
        "now": now,
        "dispatch_today": delivery.dispatch_date(now, config),
        "cutoff": config.cutoff,
        "to_ship": to_ship,
        "low_stock": low_stock,
        "open_returns": db.session.scalar(select(func.count()).select_from(ReturnRequest)
                                          .where(ReturnRequest.status.in_(("requested", "approved", "received")))),
        "open_claims": db.session.scalar(select(func.count()).select_from(WarrantyClaim)
                                         .where(WarrantyClaim.status == "requested")),
        "new_messages": db.session.scalar(select(func.count()).select_from(ContactMessage)
                                          .where(ContactMessage.status == "new")),
        "orders_this_week": sales[0],
        "sales_this_week_cents": int(sales[1]),
    }
