"""Tests for warranty terms, when cover starts, and coverage on a given day."""

import json
from datetime import date

import pytest

from shop.rules.delivery import DEFAULT_DELIVERY_CONFIG
from shop.rules.warranty import (
    DEFAULT_WARRANTY_BY_KIND, WARRANTY_KIND_LABELS, WarrantyTerm, add_months, coverage_start,
    format_term, product_terms, resolve_terms, terms_from_dicts, terms_to_dicts, warranty_coverage,
    warranty_table,
)

STRENGTH = DEFAULT_WARRANTY_BY_KIND["strength_machine"]
CARDIO = DEFAULT_WARRANTY_BY_KIND["cardio"]
FREE_WEIGHTS = DEFAULT_WARRANTY_BY_KIND["free_weights"]


@pytest.mark.parametrize("kind, table", [
    ("strength_machine", [("Frame and welds", "10 years"), ("Cables and pulleys", "1 year"),
                          ("Upholstery", "1 year")]),
    ("cardio", [("Frame", "10 years"), ("Motor", "5 years"), ("Parts and electronics", "1 year")]),
    ("free_weights", [("All parts", "1 year")]),
])
def test_default_terms_per_warranty_kind(kind, table):
    assert warranty_table(DEFAULT_WARRANTY_BY_KIND[kind]) == table
    assert WARRANTY_KIND_LABELS[kind]


@pytest.mark.parametrize("overrides, expected", [
    ((), STRENGTH),
    ((WarrantyTerm("Upholstery", 24),),
     (STRENGTH[0], STRENGTH[1], WarrantyTerm("Upholstery", 24))),
    ((WarrantyTerm("frame AND welds", 240),),          # matched case-insensitively
     (WarrantyTerm("frame AND welds", 240), STRENGTH[1], STRENGTH[2])),
    ((WarrantyTerm("Weight stack", 60),), STRENGTH + (WarrantyTerm("Weight stack", 60),)),
])
def test_product_overrides_replace_a_component_or_add_one(overrides, expected):
    assert resolve_terms(STRENGTH, overrides) == expected


def test_a_products_terms_are_its_kinds_defaults_with_its_overrides():
    # given a strength machine whose upholstery is covered for two years (months as text)
    terms = product_terms("strength_machine", {"Upholstery": "24"})
    # then the other components keep the kind's terms
    assert terms == (STRENGTH[0], STRENGTH[1], WarrantyTerm("Upholstery", 24))
    assert product_terms("cardio", None) == CARDIO
    assert product_terms("no_such_kind", {}) == ()


@pytest.mark.parametrize("delivered_on, dispatched_on, transit_days, start", [
    (date(2026, 11, 24), date(2026, 11, 23), 7, date(2026, 11, 24)),   # delivery known: it wins
    (date(2026, 11, 24), None, 7, date(2026, 11, 24)),
    (None, date(2026, 11, 16), 2, date(2026, 11, 18)),
    (None, date(2026, 11, 23), 7, date(2026, 12, 3)),                  # skips Thanksgiving
    (None, date(2026, 11, 20), 1, date(2026, 11, 23)),                 # skips the weekend
    (None, None, 7, None),                                              # not dispatched yet
])
def test_cover_starts_on_delivery_or_dispatch_plus_longest_transit(delivered_on, dispatched_on,
                                                                   transit_days, start):
    assert coverage_start(delivered_on, dispatched_on, transit_days) == start


def test_coverage_start_uses_a_methods_longest_transit_from_delivery_config():
    _, longest = DEFAULT_DELIVERY_CONFIG.transit("freight")
    assert coverage_start(None, date(2026, 11, 23), longest,
                          DEFAULT_DELIVERY_CONFIG.holidays) == date(2026, 12, 3)


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 3, 15), 0, date(2026, 3, 15)),
    (date(2026, 3, 15), 120, date(2036, 3, 15)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
])
def test_add_months_counts_calendar_months_and_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


START = date(2026, 3, 10)


@pytest.mark.parametrize("terms, component, on, covered, until", [
    (STRENGTH, "Frame and welds", date(2026, 3, 9), False, date(2036, 3, 9)),   # before start
    (STRENGTH, "Frame and welds", START, True, date(2036, 3, 9)),
    (STRENGTH, "Frame and welds", date(2036, 3, 9), True, date(2036, 3, 9)),    # last covered
    (STRENGTH, "Frame and welds", date(2036, 3, 10), False, date(2036, 3, 9)),  # first uncovered
    (STRENGTH, "Upholstery", date(2027, 3, 9), True, date(2027, 3, 9)),
    (STRENGTH, "Upholstery", date(2027, 3, 10), False, date(2027, 3, 9)),
    (CARDIO, "Motor", date(2031, 3, 9), True, date(2031, 3, 9)),
    (CARDIO, "Motor", date(2031, 3, 10), False, date(2031, 3, 9)),
    (FREE_WEIGHTS, "Plates", date(2027, 3, 9), True, date(2027, 3, 9)),      # "All parts"
    (FREE_WEIGHTS, "Plates", date(2027, 3, 10), False, date(2027, 3, 9)),
    (STRENGTH, "upholstery", date(2026, 6, 1), True, date(2027, 3, 9)),      # any case
])
def test_cover_runs_through_the_day_before_the_anniversary(terms, component, on, covered, until):
    coverage = warranty_coverage(terms, component, START, on)
    assert (coverage.covered, coverage.until) == (covered, until)


@pytest.mark.parametrize("on, covered", [
    (date(2026, 2, 27), True),
    (date(2026, 2, 28), False),
])
def test_one_month_from_january_31_ends_before_the_clamped_anniversary(on, covered):
    terms = (WarrantyTerm("Grip tape", 1),)
    assert warranty_coverage(terms, "Grip tape", date(2026, 1, 31), on).covered is covered


@pytest.mark.parametrize("terms, component, on, reason", [
    (STRENGTH, "Frame and welds", date(2030, 1, 1),
     "Frame and welds (10 years) covered through 9 Mar 2036"),
    (STRENGTH, "Upholstery", date(2027, 3, 10),
     "Upholstery (1 year) cover ended on 9 Mar 2027"),
    (STRENGTH, "Frame and welds", date(2026, 3, 1),
     "Frame and welds (10 years) cover starts on 10 Mar 2026"),
    (STRENGTH, "Seat", date(2026, 6, 1),
     "No warranty term covers Seat; covered components: Frame and welds, Cables and pulleys, "
     "Upholstery"),
    ((), "Frame", date(2026, 6, 1), "No warranty term covers Frame; covered components: none"),
])
def test_coverage_reason_says_until_when_or_which_components_are_covered(terms, component, on,
                                                                         reason):
    coverage = warranty_coverage(terms, component, START, on)
    assert coverage.reason == reason


def test_unknown_component_is_not_covered_and_has_no_end_date():
    coverage = warranty_coverage(CARDIO, "Seat", START, START)
    assert (coverage.covered, coverage.until) == (False, None)


@pytest.mark.parametrize("months, text", [
    (120, "10 years"), (60, "5 years"), (24, "2 years"), (12, "1 year"),
    (18, "18 months"), (6, "6 months"), (1, "1 month"),
])
def test_format_term_uses_years_when_whole(months, text):
    assert format_term(WarrantyTerm("Frame", months)) == text


@pytest.mark.parametrize("component, months", [
    ("Frame", 0), ("Frame", -12), ("Frame", 1.5), ("Frame", True), ("", 12), ("  ", 12),
])
def test_warranty_term_refuses_impossible_values(component, months):
    with pytest.raises(ValueError):
        WarrantyTerm(component, months)


def test_terms_survive_a_round_trip_through_json_for_order_lines():
    terms = resolve_terms(CARDIO, (WarrantyTerm("Belt", 24),))
    stored = json.loads(json.dumps(terms_to_dicts(terms)))
    assert terms_from_dicts(stored) == terms
