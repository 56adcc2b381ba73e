"""The app's notion of "now": real UTC time, or a fixed instant a test sets (FIXED_NOW)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from shop.database import utcnow


def now() -> datetime:
    return current_app.config.get("FIXED_NOW") or utcnow()


def shop_today() -> date:
    """Today's date in the shop's (warehouse's) time zone."""
    return now().astimezone(ZoneInfo(current_app.config["SHOP_TIMEZONE"])).date()
