"""The dashboard's charts: sales per day, orders by status, top products, low stock.

Figures come from a few grouped queries; the bars' geometry from `shop.rules.charts`;
the template draws them as inline SVG (no JavaScript).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from shop.catalog.models import Product, Variant
from shop.extensions import db
from shop.orders.models import Order, OrderLine
from shop.orders.presenters import STATUS_LABELS
from shop.rules import charts

DAYS = 30
# Orders whose money and goods count as sold (not waiting, expired, cancelled or in doubt).
SOLD_STATUSES = ("paid", "packed", "shipped", "delivered", "refunded")
TOP_PRODUCTS = 5
LOW_STOCK_ROWS = 10


@dataclass(frozen=True)
class DashboardCharts:
    sales: charts.Chart         # cents kept (captured less refunded) per day, oldest first
    sales_total_cents: int
    first_day: date
    last_day: date
    statuses: charts.Chart      # orders created in the period, per status
    top_products: charts.Chart  # units sold in the period, per product
    low_stock: charts.Chart     # units available, lowest first
    low_stock_rows: list        # (variant id, SKU, product, available, threshold) for links


def _day_label(day: date, first: date) -> str:
    """"23 Nov" on the first day, the 1st of a month and Mondays; else just "24"."""
    if day == first or day.day == 1 or day.weekday() == 0:
        return f"{day.day} {day.strftime('%b')}"
    return str(day.day)


def sales_per_day(now: datetime, zone_name: str) -> tuple[list[tuple[date, int]], date]:
    """Money kept per local day for the last DAYS days, today included (zero days too)."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=DAYS - 1)
    start = datetime.combine(first, time.min, tzinfo=zone)
    rows = db.session.execute(
        select(Order.paid_at, (Order.captured_cents - Order.refunded_cents).label("kept"))
        .where(Order.paid_at >= start, Order.status.in_(SOLD_STATUSES))).mappings()
    per_day = {first + timedelta(days=n): 0 for n in range(DAYS)}
    for row in rows:
        day = row["paid_at"].astimezone(zone).date()
        if day in per_day:
            per_day[day] += max(row["kept"], 0)
    return sorted(per_day.items()), first


def orders_by_status(since: datetime) -> list[tuple[str, int]]:
    counts = dict(db.session.execute(
        select(Order.status, func.count(Order.id)).where(Order.created_at >= since)
        .group_by(Order.status)).all())
    return [(STATUS_LABELS.get(status, status), counts[status])
            for status in STATUS_LABELS if counts.get(status)]


def top_products(since: datetime) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(OrderLine.name, func.sum(OrderLine.quantity).label("units"))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.paid_at >= since, Order.status.in_(SOLD_STATUSES),
               OrderLine.is_replacement.is_(False))
        .group_by(OrderLine.name)
        .order_by(func.sum(OrderLine.quantity).desc(), OrderLine.name)
        .limit(TOP_PRODUCTS)).mappings()
    return [(row["name"], int(row["units"])) for row in rows]


def low_stock() -> list[dict]:
    available = (Variant.on_hand - Variant.reserved).label("available")
    return [dict(row) for row in db.session.execute(
        select(Variant.id, Variant.sku, Product.name, available,
               Variant.low_stock_threshold.label("threshold"))
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.on_hand - Variant.reserved <= Variant.low_stock_threshold)
        .order_by(available, Variant.sku).limit(LOW_STOCK_ROWS)).mappings()]


def dashboard_charts(now: datetime, zone_name: str) -> DashboardCharts:
    """The four charts of the last DAYS days (low stock: as it is now)."""
    days, first = sales_per_day(now, zone_name)
    since = datetime.combine(first, time.min, tzinfo=ZoneInfo(zone_name))
    stock = low_stock()
    return DashboardCharts(
        sales=charts.column_chart([(_day_label(day, first), cents) for day, cents in days]),
        sales_total_cents=sum(cents for _, cents in days),
        first_day=first, last_day=days[-1][0],
        # the two half-width charts get a narrower box, so their text stays readable
        statuses=charts.row_chart(orders_by_status(since), width=420, label_width=150,
                                  value_width=50),
        top_products=charts.row_chart(top_products(since), width=420, label_width=180,
                                      value_width=50),
        low_stock=charts.row_chart([(row["sku"], max(row["available"], 0)) for row in stock],
                                   width=520, label_width=120, value_width=150),
        low_stock_rows=stock)
