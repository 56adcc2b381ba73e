"""What the customer's order page shows, computed from the order and the rules."""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shop.extensions import db
from shop.orders import aftercare
from shop.orders import service as orders
from shop.orders.models import Order, ReturnRequest, WarrantyClaim
from shop.rules import delivery, returns, warranty

STATUS_LABELS = {
    "pending_payment": "Waiting for payment", "paid": "Paid", "packed": "Packed",
    "shipped": "Shipped", "delivered": "Delivered", "cancelled": "Cancelled",
    "partially_refunded": "Partly refunded", "refunded": "Refunded",
    "expired": "Checkout expired", "payment_mismatch": "Payment being checked",
}
JOURNEY = ("paid", "packed", "shipped", "delivered")


def promise_summary(order: Order) -> str:
    """The delivery promise the order was sold with, without checkout's countdown."""
    if not order.delivery_promise:
        return ""
    promise = delivery.DeliveryPromise.from_dict(order.delivery_promise)
    arrives = delivery.format_day(promise.earliest)
    if promise.latest != promise.earliest:
        arrives += f" to {delivery.format_day(promise.latest)}"
    return f"Dispatch {delivery.format_day(promise.dispatch_on)}; arrives {arrives}"


@dataclass(frozen=True)
class DeliveryFacts:
    """Where the order goes and where it is now: real dates once it has left, else the promise."""
    headline: str                 # "Delivered Wed 25 Nov", "Shipped Tue 24 Nov; arrives ..."
    promise: str                  # the promise it was sold with (history, not the news)
    ship_to: tuple[str, ...]      # the address lines, as the carrier reads them
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""


def _local_day(moment: datetime | None, zone_name: str) -> date | None:
    return moment.astimezone(ZoneInfo(zone_name)).date() if moment else None


def expected_arrival(order: Order, zone_name: str) -> tuple[date, date] | None:
    """When a shipped order should arrive: its real dispatch day plus the method's transit."""
    shipped_on = _local_day(order.shipped_at, zone_name)
    if shipped_on is None:
        return None
    config = delivery.DEFAULT_DELIVERY_CONFIG
    methods = ((order.delivery_promise or {}).get("method") or order.shipping_method).split("+")
    try:
        spans = [config.transit(method) for method in methods]
    except ValueError:  # a method the calendar no longer knows
        return None
    return tuple(delivery.add_business_days(shipped_on, days, config.holidays, config.weekend)
                 for days in (max(s[0] for s in spans), max(s[1] for s in spans)))


def _window_text(window: tuple[date, date]) -> str:
    earliest, latest = window
    text = delivery.format_day(earliest)
    return text if latest == earliest else f"{text} to {delivery.format_day(latest)}"


def delivery_facts(order: Order, zone_name: str) -> DeliveryFacts:
    """The delivery box: delivered or shipped with its real dates, else the promise."""
    promise = promise_summary(order)
    shipped_on = _local_day(order.shipped_at, zone_name)
    delivered = _local_day(order.delivered_at, zone_name)
    if delivered:
        headline = f"Delivered {delivery.format_day(delivered)}"
        if shipped_on:
            headline += f" (shipped {delivery.format_day(shipped_on)})"
    elif shipped_on:
        window = expected_arrival(order, zone_name)
        headline = f"Shipped {delivery.format_day(shipped_on)}" + (
            f"; expected {_window_text(window)}" if window else "")
    elif order.status in ("cancelled", "expired", "refunded"):
        headline = ""
    else:
        headline = promise
    city = " ".join(part for part in (order.city, order.region, order.postal_code) if part)
    ship_to = tuple(part for part in (order.name, order.address1, order.address2, city,
                                      order.country) if part)
    return DeliveryFacts(headline=headline, promise=promise, ship_to=ship_to,
                         carrier=order.carrier, tracking_number=order.tracking_number,
                         tracking_url=order.tracking_url)


def _choice(line) -> tuple[int, str]:
    return line.id, f"{line.name} {line.option}".strip()


def order_page_context(order: Order, now: datetime, zone_name: str) -> dict:
    """The template's values, and the item and part choices for the return and claim forms."""
    today = now.astimezone(ZoneInfo(zone_name)).date()
    reached = {change.status for change in order.history} | {order.status}
    # a later step reached means the earlier ones were passed (a replacement is never packed
    # in its history if staff shipped it straight away)
    furthest = max((JOURNEY.index(step) for step in reached if step in JOURNEY), default=-1)
    reached |= set(JOURNEY[:furthest + 1])
    lines = []
    refunded = orders.refunded_in_full(order)  # its money is back: no return to offer
    for line in order.lines:
        terms = warranty.terms_from_dicts(line.warranty_terms)
        decision = aftercare.return_decision(order, line, "changed_mind", 1, today,
                                                  zone_name) if order.delivered_at else None
        lines.append({
            "line": line, "warranty": warranty.warranty_table(terms),
            # a unit asked back or replaced under warranty has had its one remedy
            "units_open": line.units_open,
            "return_open": line.units_open > 0 and not refunded and (
                bool(decision and decision.eligible) or bool(
                order.delivered_at and aftercare.return_decision(
                    order, line, "defective", 1, today, zone_name).eligible)),
        })
    open_lines = [_choice(line) for line in order.lines if line.units_open > 0]
    return {
        "order": order, "lines": lines, "status_label": STATUS_LABELS.get(order.status, order.status),
        "journey": [(step, STATUS_LABELS[step], step in reached) for step in JOURNEY],
        "history": order.history, "promise": promise_summary(order),
        # what the return and claim forms (built by the view) may offer
        "return_choices": [_choice(item["line"]) for item in lines if item["return_open"]],
        "claim_choices": open_lines,
        "components": sorted({row["component"] for line in order.lines
                              for row in line.warranty_terms}),
        "can_return": any(item["return_open"] for item in lines),
        "can_claim": bool(open_lines) and (
            order.status in ("shipped", "delivered")
            or order.delivered_at is not None),
        "all_remedied": bool(order.lines) and not open_lines,
        "return_window_closed": _window_closed(order, open_lines, lines, today, zone_name),
        "delivery": delivery_facts(order, zone_name),
        **linked_orders(order),
        "returns": [(r, aftercare.rma_number(r.id)) for r in db.session.scalars(
            select(ReturnRequest).where(ReturnRequest.order_id == order.id)
            .order_by(ReturnRequest.id))],
        "claims": db.session.scalars(select(WarrantyClaim).where(
            WarrantyClaim.order_id == order.id).order_by(WarrantyClaim.id)).all(),
    }


def _window_closed(order: Order, open_lines: list, lines: list, today: date,
                   zone_name: str) -> str:
    """"The return window closed on 2 Dec 2026." once no item can come back any more."""
    delivered = aftercare.delivered_on(order, zone_name)
    if not delivered or not open_lines or any(item["return_open"] for item in lines):
        return ""
    last_day = returns.last_return_day(delivered)
    if today <= last_day:
        return ""
    return f"The return window closed on {delivery.format_long_date(last_day)}."


def linked_orders(order: Order) -> dict:
    """The order this one replaces items of, and the replacements sent for it (numbers)."""
    return {
        "replacement_for": db.session.scalar(select(Order.number).where(
            Order.id == order.replacement_for_id)) if order.replacement_for_id else None,
        "replacements": db.session.scalars(select(Order.number).where(
            Order.replacement_for_id == order.id).order_by(Order.id)).all(),
    }
