"""Dispatch days and delivery windows from the warehouse calendar; the time is always an argument.

Public API:
- ``DeliveryConfig``: warehouse time zone, dispatch cut-off, holidays, weekend, transit days.
- ``is_business_day(day, holidays, weekend) -> bool`` and
  ``add_business_days(day, count, holidays, weekend) -> date``: the business calendar.
- ``dispatch_date(at, config) -> date``: paid before the cut-off on a business day ships
  that day; otherwise the next business day.
- ``delivery_window(at, method, config) -> DeliveryPromise``: dispatch day plus transit
  business days (counted after dispatch), and the time left to make today's dispatch.
- ``order_delivery_window(at, methods, config) -> DeliveryPromise``: for a shipping option
  that mixes methods (``ShippingOption.methods``, e.g. parcel + freight): the whole order
  has arrived when its slowest part has; ``method`` reads "standard+freight".
- ``promise_text(promise) -> str``: "Order within 3 h 20 min for dispatch today; arrives ...".
- ``format_day(day)`` -> "Tue 24 Nov"; ``format_long_date(day)`` -> "24 Nov 2026".
``at`` must be timezone-aware (any zone); naive datetimes raise ValueError. The default
holidays cover 2026 and 2027 only: later years count weekends alone until staff add them.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import Mapping
from zoneinfo import ZoneInfo

# US federal holidays, on the weekday they are observed.
US_FEDERAL_HOLIDAYS_2026_2027 = (
    date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25),
    date(2026, 6, 19), date(2026, 7, 3), date(2026, 9, 7), date(2026, 10, 12),
    date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25),
    date(2027, 1, 1), date(2027, 1, 18), date(2027, 2, 15), date(2027, 5, 31),
    date(2027, 6, 18), date(2027, 7, 5), date(2027, 9, 6), date(2027, 10, 11),
    date(2027, 11, 11), date(2027, 11, 25), date(2027, 12, 24),
    date(2027, 12, 31),  # New Year's Day 2028 falls on a Saturday
)
SATURDAY_SUNDAY = (5, 6)
# Business days in transit after dispatch: (earliest, latest), per shipping method code.
TRANSIT_BUSINESS_DAYS = MappingProxyType({
    "standard": (1, 2),
    "overnight": (1, 1),
    "remote": (3, 5),
    "international": (5, 7),
    "freight": (3, 7),
})
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class DeliveryConfig:
    """The warehouse calendar; staff change it by replacing fields."""
    timezone: str = "America/New_York"
    cutoff: time = time(14, 0)
    holidays: tuple[date, ...] = US_FEDERAL_HOLIDAYS_2026_2027
    weekend: tuple[int, ...] = SATURDAY_SUNDAY
    transit_business_days: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: TRANSIT_BUSINESS_DAYS)

    def transit(self, method: str) -> tuple[int, int]:
        """(earliest, latest) transit business days of a method; ValueError if unknown."""
        try:
            return self.transit_business_days[method]
        except KeyError:
            known = ", ".join(self.transit_business_days)
            raise ValueError(f"unknown shipping method {method!r}; known: {known}") from None


DEFAULT_DELIVERY_CONFIG = DeliveryConfig()


@dataclass(frozen=True)
class DeliveryPromise:
    """What we promise for one method: dispatch day, delivery window, time left today."""
    method: str
    dispatch_on: date
    earliest: date
    latest: date
    cutoff_remaining: timedelta | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict (ISO dates, whole seconds) for storing with an order."""
        left = self.cutoff_remaining
        return {
            "method": self.method,
            "dispatch_on": self.dispatch_on.isoformat(),
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
            "cutoff_remaining_seconds": None if left is None else left // timedelta(seconds=1),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "DeliveryPromise":
        """Rebuild a promise from ``to_dict`` output."""
        seconds = data.get("cutoff_remaining_seconds")
        return cls(
            method=data["method"],
            dispatch_on=date.fromisoformat(data["dispatch_on"]),
            earliest=date.fromisoformat(data["earliest"]),
            latest=date.fromisoformat(data["latest"]),
            cutoff_remaining=None if seconds is None else timedelta(seconds=seconds),
        )


def require_aware(at: datetime) -> None:
    """Raise ValueError for a naive datetime (no time zone)."""
    if not isinstance(at, datetime):
        raise TypeError(f"expected a datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


def is_business_day(day: date, holidays=US_FEDERAL_HOLIDAYS_2026_2027,
                    weekend=SATURDAY_SUNDAY) -> bool:
    """True unless the day is a weekend day or a holiday."""
    return day.weekday() not in weekend and day not in holidays


def add_business_days(day: date, count: int, holidays=US_FEDERAL_HOLIDAYS_2026_2027,
                      weekend=SATURDAY_SUNDAY) -> date:
    """The date ``count`` business days after ``day`` (``day`` itself when count is 0)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    if len(set(weekend)) >= 7:
        raise ValueError("a week needs at least one business day")
    while count:
        day += timedelta(days=1)
        if is_business_day(day, holidays, weekend):
            count -= 1
    return day


def _local(at: datetime, config: DeliveryConfig) -> datetime:
    """``at`` in the warehouse's zone."""
    require_aware(at)
    return at.astimezone(ZoneInfo(config.timezone))


def _ships_today(local: datetime, config: DeliveryConfig) -> bool:
    """True when paid before the cut-off on a business day (warehouse time)."""
    return (is_business_day(local.date(), config.holidays, config.weekend)
            and local.time() < config.cutoff)


def dispatch_date(at: datetime, config: DeliveryConfig = DEFAULT_DELIVERY_CONFIG) -> date:
    """The day an order paid at ``at`` leaves the warehouse."""
    local = _local(at, config)
    if _ships_today(local, config):
        return local.date()
    return add_business_days(local.date(), 1, config.holidays, config.weekend)


def _cutoff_remaining(at: datetime, config: DeliveryConfig) -> timedelta | None:
    """Real time (whole seconds) left before today's cut-off, None if not shipping today."""
    local = _local(at, config)
    if not _ships_today(local, config):
        return None
    cutoff = datetime.combine(local.date(), config.cutoff, tzinfo=local.tzinfo)
    # Compare in UTC: subtracting two datetimes of one zone ignores a DST change between them.
    left = cutoff.astimezone(timezone.utc) - at.astimezone(timezone.utc)
    return timedelta(seconds=left // timedelta(seconds=1))


def delivery_window(at: datetime, method: str,
                    config: DeliveryConfig = DEFAULT_DELIVERY_CONFIG) -> DeliveryPromise:
    """The promise for an order paid at ``at`` and shipped by ``method``."""
    earliest_days, latest_days = config.transit(method)
    dispatch_on = dispatch_date(at, config)
    return DeliveryPromise(
        method=method,
        dispatch_on=dispatch_on,
        earliest=add_business_days(dispatch_on, earliest_days, config.holidays, config.weekend),
        latest=add_business_days(dispatch_on, latest_days, config.holidays, config.weekend),
        cutoff_remaining=_cutoff_remaining(at, config),
    )


def order_delivery_window(at: datetime, methods, config: DeliveryConfig = DEFAULT_DELIVERY_CONFIG
                          ) -> DeliveryPromise:
    """The promise for an order shipping by several methods: complete when the slowest arrives."""
    promises = [delivery_window(at, method, config) for method in dict.fromkeys(methods)]
    if not promises:
        raise ValueError("an order ships by at least one method")
    return replace(promises[0], method="+".join(p.method for p in promises),
                   earliest=max(p.earliest for p in promises),
                   latest=max(p.latest for p in promises))


def format_day(day: date) -> str:
    """A short day for promises: "Tue 24 Nov"."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"


def format_long_date(day: date) -> str:
    """A date for terms and policies: "14 Jan 2036"."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _duration_text(left: timedelta) -> str:
    """Whole hours and minutes, rounded down: "3 h 20 min", "3 h", "45 min"."""
    hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "",
                                      f"{minutes} min" if minutes else "") if part)


def promise_text(promise: DeliveryPromise) -> str:
    """The sentence shown at checkout, e.g. "Ships Mon 30 Nov; arrives Tue 1 Dec"."""
    arrives = format_day(promise.earliest)
    if promise.latest != promise.earliest:
        arrives += f" to {format_day(promise.latest)}"
    left = promise.cutoff_remaining
    if left is None:
        return f"Ships {format_day(promise.dispatch_on)}; arrives {arrives}"
    if left < timedelta(minutes=1):
        return f"Order now for dispatch today; arrives {arrives}"
    return f"Order within {_duration_text(left)} for dispatch today; arrives {arrives}"
