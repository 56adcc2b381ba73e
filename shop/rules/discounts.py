"""Discount codes: may this code be used on this cart now, and what does it take off.

Public API:
- ``DiscountTerms``: a code as data (percent, fixed amount or free shipping, limits, dates,
  optional restriction to categories or products).
- ``DiscountLine(key, product_id, category_id, line_total_cents)``: a cart line as the
  discount sees it.
- ``check(terms, lines, now) -> Verdict``: (allowed, reason) with a message for the customer.
- ``apply(terms, lines, shipping_cents, shipping_shares) -> Discount``: cents off per line
  and off shipping; a restricted free-shipping code frees only its lines' shares.
- ``shipping_shares(option)``: each SKU's share of an option's shipping, exact in cents.
- ``below_minimum_charge(code, total_cents) -> Verdict``: refuse a total the payment
  provider cannot charge (under ``MIN_CHARGE_CENTS``).
- ``payment_units(unit_price_cents, quantity, discount_cents)``: the discounted line as at
  most two (unit amount, quantity) groups whose sum is exactly the line's net amount, so
  the prices sent to Stripe add up to ours to the cent.
Amounts are floored per line (a percent never rounds in the customer's disfavour by more
than a cent per line, never takes more than the line). Standard library only.
"""
from dataclasses import dataclass, field
from datetime import datetime

from shop.rules.shipping import ShippingOption

# The least a card payment can be at Stripe (USD): a code may not bring a total below it.
MIN_CHARGE_CENTS = 50
PERCENT = "percent"
FIXED = "fixed"
FREE_SHIPPING = "free_shipping"
KINDS = (PERCENT, FIXED, FREE_SHIPPING)
KIND_LABELS = {PERCENT: "Percent off", FIXED: "Amount off", FREE_SHIPPING: "Free shipping"}


@dataclass(frozen=True)
class DiscountTerms:
    """A discount code's terms, read from the database."""
    code: str
    kind: str
    percent: int = 0
    amount_cents: int = 0
    min_subtotal_cents: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    uses: int = 0
    active: bool = True
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    per_email_limit: int | None = None
    code_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown discount kind {self.kind!r}")
        if self.kind == PERCENT and not 1 <= self.percent <= 100:
            raise ValueError("a percent discount takes 1 to 100 percent")
        if self.kind == FIXED and self.amount_cents <= 0:
            raise ValueError("a fixed discount takes a positive amount")

    @property
    def restricted(self) -> bool:
        return bool(self.category_ids or self.product_ids)

    def applies_to(self, line: "DiscountLine") -> bool:
        """Whether the code covers this line (every line when it is not restricted)."""
        return not self.restricted or line.product_id in self.product_ids \
            or line.category_id in self.category_ids


@dataclass(frozen=True)
class DiscountLine:
    key: str  # the SKU
    product_id: int
    category_id: int
    line_total_cents: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""


@dataclass(frozen=True)
class Discount:
    """What a code takes off: per line (by key) and off shipping (in all, and by the line
    whose share of the shipping it frees, when the shares were given)."""
    code: str
    by_line: dict[str, int]
    shipping_cents: int
    shipping_by_line: dict[str, int] = field(default_factory=dict)

    @property
    def lines_cents(self) -> int:
        return sum(self.by_line.values())

    @property
    def total_cents(self) -> int:
        return self.lines_cents + self.shipping_cents


NO_DISCOUNT = Discount("", {}, 0)


def _money(cents: int) -> str:
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}.{rest:02d}"


def check(terms: DiscountTerms, lines: list[DiscountLine], now: datetime) -> Verdict:
    """May the code be used on these lines at `now`? The reason is for the customer."""
    if not terms.active:
        return Verdict(False, f"The code {terms.code} is no longer active.")
    if terms.starts_at is not None and now < terms.starts_at:
        return Verdict(False, f"The code {terms.code} is not valid yet.")
    if terms.ends_at is not None and now >= terms.ends_at:
        return Verdict(False, f"The code {terms.code} has expired.")
    if terms.max_uses is not None and terms.uses >= terms.max_uses:
        return Verdict(False, f"The code {terms.code} has been used up.")
    eligible = [line for line in lines if terms.applies_to(line)]
    if not eligible:
        return Verdict(False, f"The code {terms.code} does not apply to anything in your cart.")
    # a restricted code's minimum counts only the lines it covers
    subtotal = sum(line.line_total_cents for line in eligible)
    if subtotal < terms.min_subtotal_cents:
        where = "the items it covers come to" if terms.restricted else "your cart has"
        return Verdict(False, f"The code {terms.code} needs a subtotal of at least "
                              f"{_money(terms.min_subtotal_cents)}; {where} {_money(subtotal)}.")
    return Verdict(True)


def below_minimum_charge(code: str, total_cents: int) -> Verdict:
    """Refuse a code that leaves less to pay than the payment provider can charge."""
    if total_cents >= MIN_CHARGE_CENTS:
        return Verdict(True)
    return Verdict(False, f"The code {code} would bring your total below "
                          f"{_money(MIN_CHARGE_CENTS)}, the least our payment provider can "
                          "charge. Add something to your cart or use another code.")


def apply(terms: DiscountTerms, lines: list[DiscountLine], shipping_cents: int,
          shipping_shares: dict[str, int] | None = None) -> Discount:
    """What the code takes off these lines and this shipping (call `check` first).

    `shipping_shares` (by line key, see `shipping_shares`) is what each line pays of the
    shipping: a free-shipping code restricted to some lines frees only their shares."""
    eligible = [line for line in lines if terms.applies_to(line)]
    if terms.kind == FREE_SHIPPING:
        shares = shipping_shares or {}
        if not terms.restricted:
            return Discount(terms.code, {}, shipping_cents, dict(shares))
        freed = {line.key: shares[line.key] for line in eligible if shares.get(line.key)}
        return Discount(terms.code, {}, sum(freed.values()), freed)
    if terms.kind == PERCENT:
        return Discount(terms.code, {line.key: line.line_total_cents * terms.percent // 100
                                     for line in eligible}, 0)
    base = sum(line.line_total_cents for line in eligible)
    off = min(terms.amount_cents, base)
    return Discount(terms.code, dict(zip([line.key for line in eligible],
                                         _split(off, [line.line_total_cents for line in eligible]))), 0)


def _split(total: int, weights: list[int]) -> list[int]:
    """`total` over `weights` in proportion, exactly (largest remainder), never above a weight."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for index in order[:total - sum(shares)]:
        shares[index] += 1
    return shares


def shipping_shares(option: ShippingOption) -> dict[str, int]:
    """Each SKU's share of the option's shipping: every shipping line's amount split over its
    items by weight (exact in cents; the shares add up to the option's total)."""
    shares: dict[str, int] = {}
    for line in option.lines:
        weights = [(item.sku, max(1, item.weight_g * item.quantity)) for item in line.items]
        total_weight = sum(w for _, w in weights)
        given = 0
        for index, (sku, weight) in enumerate(weights):
            share = (line.amount_cents - given if index == len(weights) - 1
                     else line.amount_cents * weight // total_weight)
            given += share
            shares[sku] = shares.get(sku, 0) + share
    return shares


def payment_units(unit_price_cents: int, quantity: int,
                  discount_cents: int) -> list[tuple[int, int]]:
    """The line's net amount as (unit amount, quantity) groups: one group when the discount
    divides evenly over the units, else two (some units a cent dearer). Their sum is
    exactly unit_price * quantity - discount."""
    net = unit_price_cents * quantity - discount_cents
    if quantity < 1 or not 0 <= discount_cents <= unit_price_cents * quantity:
        raise ValueError("need quantity >= 1 and 0 <= discount <= the line's total")
    base, dearer = divmod(net, quantity)
    groups = [(base + 1, dearer), (base, quantity - dearer)]
    return [(unit, units) for unit, units in groups if units]
