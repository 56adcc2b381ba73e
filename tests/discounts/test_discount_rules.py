"""The pure rules of discount codes and tax splitting: no app, no database."""
from datetime import datetime, timedelta, timezone

import pytest

from shop.rules import discounts as rules
from shop.rules import returns, tax

NOW = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)
RACK = rules.DiscountLine("RACK", product_id=1, category_id=10, line_total_cents=79_900)
BANDS = rules.DiscountLine("BAND", product_id=2, category_id=20, line_total_cents=5_800)


def terms(**changes):
    values = dict(code="SAVE10", kind=rules.PERCENT, percent=10)
    values.update(changes)
    return rules.DiscountTerms(**values)


@pytest.mark.parametrize("changes, reason", [
    ({"active": False}, "The code SAVE10 is no longer active."),
    ({"starts_at": NOW + timedelta(days=1)}, "The code SAVE10 is not valid yet."),
    ({"ends_at": NOW}, "The code SAVE10 has expired."),
    ({"max_uses": 3, "uses": 3}, "The code SAVE10 has been used up."),
    ({"min_subtotal_cents": 100_000},
     "The code SAVE10 needs a subtotal of at least $1,000.00; your cart has $857.00."),
    ({"category_ids": frozenset({99})}, "The code SAVE10 does not apply to anything in your cart."),
])
def test_a_code_that_cannot_be_used_says_why(changes, reason):
    # given a code that is inactive, early, late, used up, above the cart or elsewhere
    verdict = rules.check(terms(**changes), [RACK, BANDS], NOW)
    # then it is refused with a reason the customer understands
    assert verdict == rules.Verdict(False, reason)


def test_a_valid_code_is_allowed_on_its_last_use_and_last_moment():
    verdict = rules.check(terms(max_uses=3, uses=2, ends_at=NOW + timedelta(seconds=1),
                                starts_at=NOW, min_subtotal_cents=85_700), [RACK, BANDS], NOW)
    assert verdict.allowed


def test_a_percent_off_floors_each_line_and_leaves_shipping():
    discount = rules.apply(terms(percent=15), [RACK, BANDS], shipping_cents=4_900)
    assert discount.by_line == {"RACK": 11_985, "BAND": 870}
    assert (discount.shipping_cents, discount.total_cents) == (0, 12_855)


def test_a_restricted_code_only_discounts_its_lines():
    discount = rules.apply(terms(category_ids=frozenset({20})), [RACK, BANDS], 4_900)
    assert discount.by_line == {"BAND": 580}


def test_a_fixed_amount_is_split_exactly_and_never_exceeds_the_lines():
    # given $25 off a cart of $799 and $58: split in proportion, to the cent
    split = rules.apply(terms(kind=rules.FIXED, percent=0, amount_cents=2_500), [RACK, BANDS], 0)
    assert sum(split.by_line.values()) == 2_500 and split.by_line["RACK"] > split.by_line["BAND"]
    # and $100 off a $58 line takes the line to zero, not below
    capped = rules.apply(terms(kind=rules.FIXED, percent=0, amount_cents=10_000,
                               product_ids=frozenset({2})), [RACK, BANDS], 0)
    assert capped.by_line == {"BAND": 5_800}


def test_free_shipping_takes_off_the_whole_shipping():
    discount = rules.apply(terms(kind=rules.FREE_SHIPPING, percent=0), [RACK, BANDS], 4_900)
    assert (discount.by_line, discount.shipping_cents) == ({}, 4_900)


@pytest.mark.parametrize("unit, quantity, off", [(33_333, 3, 10_000), (2_900, 2, 580),
                                                 (999, 7, 1), (500, 1, 500), (1, 99, 0)])
def test_payment_units_add_up_to_the_discounted_line_exactly(unit, quantity, off):
    groups = rules.payment_units(unit, quantity, off)
    assert sum(amount * units for amount, units in groups) == unit * quantity - off
    assert sum(units for _, units in groups) == quantity and len(groups) <= 2


def test_tax_is_split_exactly_in_proportion():
    assert tax.allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert tax.allocate(585, [5_800, 790]) == [515, 70]
    assert tax.allocate(7, [0, 0]) == [4, 3]
    assert sum(tax.allocate(12_345, [17, 0, 999, 3])) == 12_345


def test_a_returned_unit_refunds_its_discounted_price_and_its_tax():
    # given 3 units at $100 with $30 off the line and $26.63 tax on it, $9 shipping ($0.80 tax)
    line = returns.ReturnLine(quantity=3, unit_price_cents=10_000, shipping_paid_cents=900,
                              final_sale=False, delivered_on=NOW.date(), discount_cents=3_000,
                              tax_cents=2_663, shipping_tax_cents=80)
    # when one unit comes back because the customer changed their mind
    mind = returns.return_eligibility(line, "changed_mind", NOW.date(), quantity=1)
    # then what was paid for it comes back: $90 and a third of the tax (floored)
    assert mind.refund_cents == 9_000 + 887
    # and when all three come back damaged, everything paid comes back, shipping and its tax too
    damaged = returns.return_eligibility(line, "damaged", NOW.date(), quantity=3)
    assert damaged.refund_cents == 27_000 + 2_663 + 900 + 80


def test_a_restricted_free_shipping_code_frees_only_its_lines_share_of_the_shipping():
    # given shipping of $10.00 split over the rack ($7.00 of it) and the bands ($3.00)
    code = terms(kind=rules.FREE_SHIPPING, percent=0, product_ids=frozenset({2}))
    shares = {"RACK": 700, "BAND": 300}
    # when a free-shipping code limited to the bands is applied
    discount = rules.apply(code, [RACK, BANDS], 1_000, shares)
    # then only the bands' share of the shipping is free
    assert (discount.shipping_cents, discount.shipping_by_line) == (300, {"BAND": 300})


def test_a_restricted_codes_minimum_counts_only_the_lines_it_covers():
    # given a code for the bands ($58) needing $100, on a cart of $857
    code = terms(product_ids=frozenset({2}), min_subtotal_cents=10_000)
    # then the rack does not count towards the minimum
    assert rules.check(code, [RACK, BANDS], NOW) == rules.Verdict(
        False, "The code SAVE10 needs a subtotal of at least $100.00; the items it covers "
               "come to $58.00.")
