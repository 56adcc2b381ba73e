"""The dashboard's charts, drawn on the server as SVG: sales per day, orders by status,
top products, low stock."""
import re
from datetime import datetime, timezone

from tests.factories import make_order, make_product

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)  # Mon 23 Nov, 10:00 in New York


def order_of(product, quantity=1, status="paid", paid_at=NOW, **fields):
    variant = product.variants[0]
    total = variant.price_cents * quantity + 790
    return make_order([(variant, quantity)], status=status, paid_at=paid_at,
                      captured_cents=total if paid_at else 0, **fields)


def chart(html: str, testid: str) -> str:
    match = re.search(rf'<figure class="chart[^"]*" data-testid="{testid}">(.*?)</figure>', html, re.S)
    assert match, f"no chart {testid}"
    return match.group(1)


def bar_titles(svg: str) -> list[str]:
    return re.findall(r"<rect [^>]*><title>([^<]*)</title></rect>", svg)


def test_sales_per_day_adds_what_was_kept_on_each_day_of_the_last_30(app, as_staff):
    # given two orders paid on Sunday 22 Nov (one partly refunded) and one today
    app.config["FIXED_NOW"] = NOW
    rack = make_product(name="Power Rack", variants=[{"price_cents": 50_000, "on_hand": 50}])
    sunday = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
    order_of(rack, paid_at=sunday)
    order_of(rack, paid_at=sunday, refunded_cents=10_000)
    order_of(rack)
    # and orders that are no sale: never paid, paid 31 days ago, cancelled
    order_of(rack, status="pending_payment", paid_at=None)
    order_of(rack, paid_at=datetime(2026, 10, 23, 15, 0, tzinfo=timezone.utc))
    order_of(rack, status="cancelled")
    # when staff open the dashboard
    html = as_staff.get("/admin/").get_data(as_text=True)
    # then the chart has one bar per day, 30 in all, with each day's money
    bars = bar_titles(chart(html, "chart-sales"))
    assert len(bars) == 30
    assert bars[0] == "25 Oct: $0.00"
    assert bars[-2:] == ["22: $915.80", "23 Nov: $507.90"]
    assert "Sales per day: $1,423.70 kept" in html
    # and it is plain SVG: no script on the page
    assert "<script" not in html


def test_orders_by_status_and_top_products_count_the_period(app, as_staff):
    app.config["FIXED_NOW"] = NOW
    rack = make_product(name="Power Rack", variants=[{"price_cents": 50_000, "on_hand": 50}])
    bells = make_product(name="Hex Dumbbells", variants=[{"price_cents": 4_000, "on_hand": 50}])
    order_of(bells, quantity=4)
    order_of(rack, status="shipped")
    order_of(rack, status="delivered")
    order_of(rack, status="expired", paid_at=None)
    html = as_staff.get("/admin/").get_data(as_text=True)
    assert bar_titles(chart(html, "chart-statuses")) == [
        "Paid: 1", "Shipped: 1", "Delivered: 1", "Checkout expired: 1"]
    # expired orders sold nothing: 4 dumbbells, then 2 racks
    assert bar_titles(chart(html, "chart-top-products")) == ["Hex Dumbbells: 4", "Power Rack: 2"]


def test_low_stock_bars_link_to_each_variants_stock_page(app, as_staff):
    app.config["FIXED_NOW"] = NOW
    low = make_product(name="Kettlebell", variants=[
        {"sku": "KB-16", "on_hand": 1, "low_stock_threshold": 3}]).variants[0]
    make_product(name="Plenty", variants=[{"sku": "PLENTY", "on_hand": 40}])
    html = as_staff.get("/admin/").get_data(as_text=True)
    svg = chart(html, "chart-low-stock")
    assert f'<a href="/admin/stock/{low.id}">' in svg and "KB-16: 1" in svg
    assert "1 left, alert at 3" in svg
    assert "PLENTY" not in svg
    assert f'<a href="/admin/stock/{low.id}">KB-16</a>' in html


def test_an_empty_shop_draws_empty_charts_without_failing(app, as_staff):
    app.config["FIXED_NOW"] = NOW
    html = as_staff.get("/admin/").get_data(as_text=True)
    assert "Sales per day: $0.00 kept" in html
    assert "Nothing in this period." in html
