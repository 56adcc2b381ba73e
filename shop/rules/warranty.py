"""Warranty terms per component: defaults per category kind, when cover starts, what is covered.

Public API:
- ``WarrantyTerm(component, months)``; ``DEFAULT_WARRANTY_BY_KIND`` maps a category's
  warranty kind to its terms, ``WARRANTY_KIND_LABELS`` names the kinds for pages.
- ``resolve_terms(category_terms, product_overrides) -> tuple[WarrantyTerm, ...]``.
- ``product_terms(warranty_kind, overrides)``: a product's terms; an override of 0 months
  (``NOT_COVERED``) removes that component (an air rower has no motor to cover).
- ``coverage_start(delivered_on, dispatched_on, longest_transit_days, holidays, weekend)``.
- ``add_months(day, months) -> date``: calendar months, day clamped to the month's end.
- ``warranty_coverage(terms, component, start, on) -> Coverage``.
- ``format_term(term)`` -> "10 years"; ``warranty_table(terms)`` -> [(component, "10 years")].
- ``terms_to_dicts(terms)`` / ``terms_from_dicts(rows)``: the copy kept on an order line.
Cover runs from the start day through the day before the anniversary: a 12-month term
starting 2026-03-10 covers 2026-03-10 to 2027-03-09 inclusive (``start <= on < start + N``).
A term for "All parts" covers any component without a term of its own. Components match
case-insensitively.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Iterable, Mapping

from shop.rules.delivery import (SATURDAY_SUNDAY, US_FEDERAL_HOLIDAYS_2026_2027,
                                 add_business_days, format_long_date)

ALL_PARTS = "All parts"
NOT_COVERED = 0  # an override of 0 months removes the component from a product's terms


@dataclass(frozen=True)
class WarrantyTerm:
    """How long one component is covered, in whole calendar months."""
    component: str
    months: int

    def __post_init__(self) -> None:
        if not self.component.strip():
            raise ValueError("a warranty term needs a component")
        if isinstance(self.months, bool) or not isinstance(self.months, int) or self.months < 1:
            raise ValueError(f"months must be an int >= 1, got {self.months!r}")


@dataclass(frozen=True)
class Coverage:
    """Whether a component is covered on a day; ``until`` is the last covered day."""
    covered: bool
    until: date | None
    reason: str


DEFAULT_WARRANTY_BY_KIND: Mapping[str, tuple[WarrantyTerm, ...]] = MappingProxyType({
    "strength_machine": (
        WarrantyTerm("Frame and welds", 120),
        WarrantyTerm("Cables and pulleys", 12),
        WarrantyTerm("Upholstery", 12),
    ),
    "cardio": (
        WarrantyTerm("Frame", 120),
        WarrantyTerm("Motor", 60),
        WarrantyTerm("Parts and electronics", 12),
    ),
    "free_weights": (
        WarrantyTerm(ALL_PARTS, 12),
    ),
})
WARRANTY_KIND_LABELS: Mapping[str, str] = MappingProxyType({
    "strength_machine": "Strength machines: racks, benches and cable machines",
    "cardio": "Cardio machines",
    "free_weights": "Free weights, bands and accessories",
})


def _key(component: str) -> str:
    """Component name as compared: trimmed and case-folded."""
    return component.strip().casefold()


def resolve_terms(category_terms: Iterable[WarrantyTerm],
                  product_overrides: Iterable[WarrantyTerm] = ()) -> tuple[WarrantyTerm, ...]:
    """Category terms with a product's overrides: same component replaced, new ones appended."""
    resolved = {_key(term.component): term for term in category_terms}
    for term in product_overrides:
        resolved[_key(term.component)] = term
    return tuple(resolved.values())


def product_terms(warranty_kind: str,
                  overrides: Mapping[str, int] | None = None) -> tuple[WarrantyTerm, ...]:
    """The terms in force for a product: its category kind's defaults with the product's
    own `{component: months}` overrides (what checkout copies onto an order line, what the
    product page shows, what its copy is checked against). A component overridden with
    0 months (``NOT_COVERED``) is left out: the product has no such part to cover."""
    overrides = sorted((overrides or {}).items())
    removed = {_key(component) for component, months in overrides
               if int(months) == NOT_COVERED}
    extra = [WarrantyTerm(component, int(months))
             for component, months in overrides if int(months) != NOT_COVERED]
    terms = resolve_terms(DEFAULT_WARRANTY_BY_KIND.get(warranty_kind, ()), extra)
    return tuple(term for term in terms if _key(term.component) not in removed)


def coverage_start(delivered_on: date | None, dispatched_on: date | None,
                   longest_transit_days: int, holidays=US_FEDERAL_HOLIDAYS_2026_2027,
                   weekend=SATURDAY_SUNDAY) -> date | None:
    """Delivery day; if unknown, dispatch day plus the longest transit (business days).

    None when the order has not been dispatched: cover has not started.
    """
    if delivered_on is not None:
        return delivered_on
    if dispatched_on is None:
        return None
    return add_business_days(dispatched_on, longest_transit_days, holidays, weekend)


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the month's end (Jan 31 + 1 -> Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _find_term(terms: tuple[WarrantyTerm, ...], component: str) -> WarrantyTerm | None:
    """The term for a component, else the "All parts" term, else None."""
    by_key = {_key(term.component): term for term in terms}
    return by_key.get(_key(component)) or by_key.get(_key(ALL_PARTS))


def warranty_coverage(terms: Iterable[WarrantyTerm], component: str,
                      start: date, on: date) -> Coverage:
    """Is ``component`` covered on day ``on`` when cover started on ``start``?"""
    terms = tuple(terms)
    term = _find_term(terms, component)
    if term is None:
        listed = ", ".join(t.component for t in terms) or "none"
        return Coverage(False, None,
                        f"No warranty term covers {component}; covered components: {listed}")
    last_day = add_months(start, term.months) - timedelta(days=1)
    what = f"{term.component} ({format_term(term)})"
    if on < start:
        return Coverage(False, last_day, f"{what} cover starts on {format_long_date(start)}")
    if on > last_day:
        return Coverage(False, last_day, f"{what} cover ended on {format_long_date(last_day)}")
    return Coverage(True, last_day, f"{what} covered through {format_long_date(last_day)}")


def format_term(term: WarrantyTerm) -> str:
    """A term's length for people: "10 years", "1 year", "6 months", "18 months"."""
    if term.months % 12 == 0:
        years = term.months // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{term.months} month" if term.months == 1 else f"{term.months} months"


def warranty_table(terms: Iterable[WarrantyTerm]) -> list[tuple[str, str]]:
    """Rows of (component, length) for product pages and orders."""
    return [(term.component, format_term(term)) for term in terms]


def terms_to_dicts(terms: Iterable[WarrantyTerm]) -> list[dict]:
    """Terms as JSON-ready dicts, to copy onto an order line."""
    return [{"component": term.component, "months": term.months} for term in terms]


def terms_from_dicts(rows: Iterable[Mapping]) -> tuple[WarrantyTerm, ...]:
    """Terms back from ``terms_to_dicts`` output."""
    return tuple(WarrantyTerm(row["component"], row["months"]) for row in rows)
