"""Jinja filters and globals: formatting at the edge, never queries."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, g, has_request_context

from shop.cart.cookie import read as read_cart_cookie
from shop.orders.presenters import promise_summary
from shop.rules.money import format_cents, format_plain


def register(app: Flask) -> None:
    shop_zone = ZoneInfo(app.config["SHOP_TIMEZONE"])

    @app.template_filter("money")
    def money(cents, plain: bool = False):
        """`{{ cents|money }}` -> "$1,234.56"; `|money(plain=True)` -> "1234.56" (markup)."""
        if cents is None:
            return ""
        return format_plain(int(cents)) if plain else format_cents(int(cents))

    @app.template_filter("local_time")
    def local_time(value: datetime, fmt: str = "%a %d %b %Y, %H:%M %Z"):
        """`{{ when|local_time }}` -> "Sat 05 Dec 2026, 07:49 EST": the shop's time zone, named."""
        return value.astimezone(shop_zone).strftime(fmt) if value else ""

    app.jinja_env.globals["promise_text"] = promise_summary
    # Back-office menu: (endpoint, label) for each section that exists.
    app.jinja_env.globals["admin_nav"] = [
        (endpoint, label) for endpoint, label in ADMIN_NAV if endpoint in app.view_functions]

    @app.context_processor
    def shop_globals():
        return {
            "cart_count": _cart_count(),
            "shop_name": app.config["SHOP_NAME"],
            "contact_email": app.config["SHOP_CONTACT_EMAIL"],
            "contact_phone": app.config.get("SHOP_CONTACT_PHONE", ""),
            "contact_address": app.config.get("SHOP_CONTACT_ADDRESS", ""),
        }


ADMIN_NAV = (
    ("admin.orders", "Orders"),
    ("admin.stock", "Stock"),
    ("admin.returns", "Returns"),
    ("admin.claims", "Claims"),
    ("admin.messages", "Messages"),
    ("admin.search_synonyms", "Search synonyms"),
    ("admin.discounts", "Discount codes"),
    ("admin.customers", "Customers"),
    ("admin.reviews", "Reviews"),
    ("admin.back_in_stock", "Back in stock"),
)


def _cart_count() -> int:
    """The header's item count: what this request computed, else what the cookie says."""
    if not has_request_context():
        return 0
    return g.get("cart_count", read_cart_cookie().count)
