"""Aftercare for customers: asking for a return or a warranty repair, decided by the rules."""
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import update

from shop.extensions import db
from shop.orders import emails
from shop.orders import service as orders
from shop.orders.models import Order, OrderLine, ReturnRequest, WarrantyClaim
from shop.rules import delivery, returns, warranty


class AftercareRefused(Exception):
    """The rules say no; the message says why."""


def rma_number(return_id: int) -> str:
    """The return's RMA number, written on the parcel so the warehouse knows what came back."""
    return f"RMA-{return_id:06d}"


def _no_units_left(line: OrderLine) -> str:
    """Why no more units of `line` can be asked back or claimed for (one remedy per unit)."""
    left = max(line.units_open, 0)
    if line.warranty_replaced:
        return (f"Of the {line.quantity} bought, {line.return_requested} already asked back "
                f"and {line.warranty_replaced} replaced under warranty: "
                + (f"you can ask for {left} more." if left else
                   "every unit was already refunded or replaced."))
    return (f"You have already asked to return {line.quantity - left} of the {line.quantity} "
            f"bought; you can ask for {left} more." if left else
            "You have already asked to return every unit of this item.")


REFUNDED_IN_FULL = ("Order {number} was refunded in full already, so there is nothing left to "
                    "refund or replace. If something is wrong, write to us.")


def delivered_on(order: Order, zone_name: str) -> date | None:
    if order.delivered_at is None:
        return None
    return order.delivered_at.astimezone(ZoneInfo(zone_name)).date()


def return_decision(order: Order, line: OrderLine, reason: str, quantity: int, on: date,
                    zone_name: str) -> returns.ReturnDecision:
    shipping_paid = order.shipping_cents - order.shipping_discount_cents
    return_line = returns.ReturnLine(
        quantity=line.quantity, unit_price_cents=line.unit_price_cents,
        shipping_paid_cents=line.shipping_cents, final_sale=line.final_sale,
        delivered_on=delivered_on(order, zone_name), discount_cents=line.discount_cents,
        tax_cents=line.tax_cents,  # the line's share of the tax on shipping, as it paid it:
        shipping_tax_cents=order.shipping_tax_cents * line.shipping_cents // shipping_paid
        if shipping_paid > 0 else 0)
    return returns.return_eligibility(return_line, reason, on, quantity=quantity)


def request_return(order: Order, line: OrderLine, reason: str, remedy: str, quantity: int,
                   details: str, on: date, zone_name: str) -> ReturnRequest:
    """Record a return request if the rules allow it, and email a receipt.

    The units are claimed on the order line with a conditional update, so requests
    (even concurrent ones) never add up to more than was bought; a rejection gives
    them back.
    """
    if orders.refunded_in_full(order):  # the money is back (or on its way): nothing to remedy
        raise AftercareRefused(REFUNDED_IN_FULL.format(number=order.number))
    decision = return_decision(order, line, reason, quantity, on, zone_name)
    if not decision.eligible:
        raise AftercareRefused(decision.reason)
    if remedy not in decision.remedies:
        allowed = " or ".join(decision.remedies)
        raise AftercareRefused(f"For this reason we can offer a {allowed}.")
    claimed = db.session.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id,
               OrderLine.return_requested + OrderLine.warranty_replaced + quantity
               <= OrderLine.quantity)
        .values(return_requested=OrderLine.return_requested + quantity)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()  # and `line` is read again below
        raise AftercareRefused(_no_units_left(line))
    return_request = ReturnRequest(
        order_id=order.id, order_line_id=line.id, quantity=quantity, reason=reason,
        remedy=remedy, details=details,
        refund_cents=decision.refund_cents if remedy == "refund" else 0,
        return_shipping_paid_by=decision.return_shipping_paid_by)
    db.session.add(return_request)
    db.session.flush()
    emails.queue("return_received", f"return-{return_request.id}", order.email,
                 f"We received your return request for order {order.number}",
                 "return_received.txt", order, request=return_request, line=line,
                 decision=decision)  # the email template calls the return `request`
    db.session.commit()
    return return_request


def claim_coverage(order: Order, line: OrderLine, component: str, on: date,
                   zone_name: str) -> warranty.Coverage:
    terms = warranty.terms_from_dicts(line.warranty_terms)
    dispatched = order.shipped_at.astimezone(ZoneInfo(zone_name)).date() \
        if order.shipped_at else None
    methods = (order.delivery_promise or {}).get("method", order.shipping_method).split("+")
    longest = max(delivery.DEFAULT_DELIVERY_CONFIG.transit(m)[1] for m in methods)
    start = warranty.coverage_start(delivered_on(order, zone_name), dispatched, longest)
    if start is None:
        return warranty.Coverage(False, None, "Cover starts once your order is delivered.")
    return warranty.warranty_coverage(terms, component, start, on)


def request_claim(order: Order, line: OrderLine, component: str, description: str, on: date,
                  zone_name: str) -> WarrantyClaim:
    """Record a warranty claim with the rules' coverage answer, and email a receipt.

    A line whose every unit was asked back or replaced already has had its remedy: the
    claim is refused (a replacement unit is claimed for on its own replacement order)."""
    if line.units_open <= 0:
        raise AftercareRefused("Every unit of this item was already asked back or replaced, so "
                             "it cannot also get a warranty remedy. A replacement we sent has "
                             "its own order number: claim on that order.")
    coverage = claim_coverage(order, line, component, on, zone_name)
    claim = WarrantyClaim(order_id=order.id, order_line_id=line.id, component=component,
                          description=description, covered=coverage.covered,
                          covered_until=coverage.until, coverage_reason=coverage.reason)
    db.session.add(claim)
    db.session.flush()
    emails.queue("claim_received", f"claim-{claim.id}", order.email,
                 f"We received your warranty claim for order {order.number}",
                 "claim_received.txt", order, claim=claim, line=line)
    db.session.commit()
    return claim
