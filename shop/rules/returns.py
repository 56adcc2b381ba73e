"""Returns: what may come back, until when, who pays the return trip, and what we refund.

Public API:
- ``ReturnReason`` and ``ReturnPolicy`` (``DEFAULT_RETURN_POLICY``): the policy as data.
- ``ReturnLine(quantity, unit_price_cents, shipping_paid_cents, final_sale, delivered_on,
  discount_cents=0, tax_cents=0, shipping_tax_cents=0)``: what the line's units and their
  shipping were paid, a discount off and sales tax on them included.
- ``last_return_day(delivered_on, policy) -> date``.
- ``return_eligibility(line, reason, on, quantity=None, policy) -> ReturnDecision``.
- ``policy_summary(policy) -> list[str]``: sentences for the /returns page.
Rules: the delivery day is day 0, so with a 30-day window a return asked for on day 30 is
accepted and on day 31 refused. Reasons that are our fault (damaged, defective, wrong item)
get free return shipping and a refund of the item plus the shipping paid for it (pro rata
for part of a line); other reasons refund the item price only and the customer pays the
return trip. Final-sale items come back only for our-fault reasons. An item not yet
delivered cannot be returned: the customer contacts us to cancel or change the order.
``refund_cents`` is what a refund would pay; a replacement pays nothing back. It is what
was paid for those units: their share of the line after its discount, plus their share of
the sales tax charged on it (and on its shipping, when that is refunded), each rounded
down, so the refunds of a line never add up to more than was paid for it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from shop.rules.delivery import format_long_date

REFUND = "refund"
REPLACEMENT = "replacement"
REMEDY_LABELS = {REFUND: "refund", REPLACEMENT: "replacement"}


@dataclass(frozen=True)
class ReturnReason:
    """A reason a customer can pick, and what it means for money and final-sale items."""
    code: str
    label: str
    shop_at_fault: bool
    remedies: tuple[str, ...]
    allowed_on_final_sale: bool
    after_window: str = ""


DEFAULT_RETURN_REASONS = (
    ReturnReason("changed_mind", "Changed my mind", False, (REFUND,), False),
    ReturnReason("wrong_size", "Ordered the wrong size or weight", False, (REFUND,), False),
    ReturnReason("damaged", "Arrived damaged", True, (REFUND, REPLACEMENT), True),
    ReturnReason("defective", "Faulty or not working", True, (REFUND, REPLACEMENT), True,
                 "A fault may still be covered by the product's warranty."),
    ReturnReason("wrong_item", "We sent the wrong item", True, (REFUND, REPLACEMENT), True),
)


@dataclass(frozen=True)
class ReturnPolicy:
    """The returns policy; staff change it by replacing fields."""
    window_days: int = 30
    reasons: tuple[ReturnReason, ...] = DEFAULT_RETURN_REASONS

    def reason(self, code: str) -> ReturnReason:
        """The reason with this code; ValueError if there is none."""
        for reason in self.reasons:
            if reason.code == code:
                return reason
        known = ", ".join(r.code for r in self.reasons)
        raise ValueError(f"unknown return reason {code!r}; known: {known}")


DEFAULT_RETURN_POLICY = ReturnPolicy()


@dataclass(frozen=True)
class ReturnLine:
    """An order line as returns see it: the units still returnable and what was paid."""
    quantity: int
    unit_price_cents: int
    shipping_paid_cents: int
    final_sale: bool
    delivered_on: date | None
    discount_cents: int = 0
    tax_cents: int = 0
    shipping_tax_cents: int = 0

    def __post_init__(self) -> None:
        for name, minimum in (("quantity", 1), ("unit_price_cents", 0), ("shipping_paid_cents", 0),
                              ("discount_cents", 0), ("tax_cents", 0), ("shipping_tax_cents", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class ReturnDecision:
    """The answer to a return request; ``reason`` says why, in words for the customer."""
    eligible: bool
    remedies: tuple[str, ...]
    refund_cents: int
    return_shipping_paid_by: str | None
    reason: str


def last_return_day(delivered_on: date, policy: ReturnPolicy = DEFAULT_RETURN_POLICY) -> date:
    """The last day a return may be asked for: delivery day (day 0) plus the window."""
    return delivered_on + timedelta(days=policy.window_days)


def _refused(reason: str) -> ReturnDecision:
    """A decision that refuses the return."""
    return ReturnDecision(False, (), 0, None, reason)


def _remedies_text(remedies: tuple[str, ...]) -> str:
    """"refund" or "refund or replacement"."""
    return " or ".join(REMEDY_LABELS[r] for r in remedies)


def return_eligibility(line: ReturnLine, reason: str, on: date, quantity: int | None = None,
                       policy: ReturnPolicy = DEFAULT_RETURN_POLICY) -> ReturnDecision:
    """May ``quantity`` units (default: all) come back on day ``on``, and for how much?"""
    why = policy.reason(reason)
    quantity = line.quantity if quantity is None else quantity
    if (isinstance(quantity, bool) or not isinstance(quantity, int)
            or not 1 <= quantity <= line.quantity):
        return _refused(f"Choose between 1 and {line.quantity} to return")
    if line.delivered_on is None:
        return _refused("This item hasn't been delivered yet; "
                        "contact us to cancel or change the order")
    if on < line.delivered_on:
        raise ValueError("a return cannot be asked for before delivery")
    last_day = last_return_day(line.delivered_on, policy)
    if on > last_day:
        return _refused(" ".join(filter(None, (
            f"The {policy.window_days}-day return window ended on {format_long_date(last_day)}.",
            why.after_window))))
    if line.final_sale and not why.allowed_on_final_sale:
        allowed = ", ".join(r.label.lower() for r in policy.reasons if r.allowed_on_final_sale)
        return _refused(f"Final sale items can only come back for these reasons: {allowed}")
    paid = line.unit_price_cents * line.quantity - line.discount_cents
    refund = (paid * quantity // line.quantity) + (line.tax_cents * quantity // line.quantity)
    if why.shop_at_fault:
        refund += (line.shipping_paid_cents + line.shipping_tax_cents) * quantity // line.quantity
    payer = "shop" if why.shop_at_fault else "customer"
    trip = "we pay return shipping" if why.shop_at_fault else "you pay return shipping"
    return ReturnDecision(True, why.remedies, refund, payer,
                          f"Return by {format_long_date(last_day)} for a "
                          f"{_remedies_text(why.remedies)}; {trip}")


def policy_summary(policy: ReturnPolicy = DEFAULT_RETURN_POLICY) -> list[str]:
    """Sentences describing the policy, generated from the same data the rules use."""
    lines = [f"Ask for a return within {policy.window_days} days of delivery "
             "(the day of delivery is day 0)."]
    for why in policy.reasons:
        if why.shop_at_fault:
            money = "we pay return shipping and refund the shipping you paid for the item"
        else:
            money = "you pay return shipping and we refund the item price"
        lines.append(f"{why.label}: {_remedies_text(why.remedies)}; {money}.")
    allowed = ", ".join(r.label.lower() for r in policy.reasons if r.allowed_on_final_sale)
    lines.append(f"Final sale items can only come back for these reasons: {allowed}.")
    return lines
