"""What the customer's order page shows, computed from the order and the rules."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shop.extensions import db
from shop.orders import aftercare
from shop.orders.models import Order, ReturnRequest, WarrantyClaim
from shop.rules import delivery, warranty

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


def _choice(line) -> tuple[int, str]:
    return line.id, f"{line.name} {line.option}".strip()


def order_page_context(order: Order, now: datetime, zone_name: str) -> dict:
    """The template's values, and the item and part choices for the return and claim forms."""
    today = now.astimezone(ZoneInfo(zone_name)).date()
    reached = {change.status for change in order.history}
    lines = []
    for line in order.lines:
        terms = warranty.terms_from_dicts(line.warranty_terms)
        decision = aftercare.return_decision(order, line, "changed_mind", 1, today,
                                                  zone_name) if order.delivered_at else None
        lines.append({
            "line": line, "warranty": warranty.warranty_table(terms),
            # a unit asked back or replaced under warranty has had its one remedy
            "units_open": line.units_open,
            "return_open": line.units_open > 0 and (bool(decision and decision.eligible) or bool(
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
        "returns": db.session.scalars(select(ReturnRequest).where(
            ReturnRequest.order_id == order.id).order_by(ReturnRequest.id)).all(),
        "claims": db.session.scalars(select(WarrantyClaim).where(
            WarrantyClaim.order_id == order.id).order_by(WarrantyClaim.id)).all(),
    }
