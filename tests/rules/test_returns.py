"""Tests for return eligibility, who pays the return trip, and refund amounts."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from shop.rules.returns import (
    DEFAULT_RETURN_POLICY, REMEDY_LABELS, ReturnLine, last_return_day, policy_summary,
    return_eligibility,
)

DELIVERED = date(2026, 11, 24)
ALL_REASONS = ["changed_mind", "wrong_size", "damaged", "defective", "wrong_item"]
OUR_FAULT = ["damaged", "defective", "wrong_item"]


def line(quantity=2, unit_price_cents=5000, shipping_paid_cents=1000, final_sale=False,
         delivered_on=DELIVERED):
    """An order line as returns see it; two units at $50.00 with $10.00 shipping by default."""
    return ReturnLine(quantity, unit_price_cents, shipping_paid_cents, final_sale, delivered_on)


def day(n):
    """The n-th day after delivery (delivery day is day 0)."""
    return DELIVERED + timedelta(days=n)


def test_last_return_day_is_thirty_days_after_delivery():
    assert last_return_day(DELIVERED) == date(2026, 12, 24)


@pytest.mark.parametrize("reason", ALL_REASONS)
@pytest.mark.parametrize("n, eligible", [(0, True), (1, True), (29, True), (30, True), (31, False),
                                         (365, False)])
def test_returns_are_accepted_through_day_30_and_refused_from_day_31(reason, n, eligible):
    assert return_eligibility(line(), reason, day(n)).eligible is eligible


@pytest.mark.parametrize("reason, remedies, refund_cents, paid_by", [
    ("changed_mind", ("refund",), 10000, "customer"),
    ("wrong_size", ("refund",), 10000, "customer"),
    ("damaged", ("refund", "replacement"), 11000, "shop"),
    ("defective", ("refund", "replacement"), 11000, "shop"),
    ("wrong_item", ("refund", "replacement"), 11000, "shop"),
])
def test_refund_includes_shipping_only_when_the_return_is_our_fault(reason, remedies, refund_cents,
                                                                    paid_by):
    decision = return_eligibility(line(), reason, day(10))
    assert (decision.remedies, decision.refund_cents, decision.return_shipping_paid_by) == (
        remedies, refund_cents, paid_by)


@pytest.mark.parametrize("reason, quantity, refund_cents", [
    ("damaged", 1, 5000 + 333),    # shipping shared pro rata, rounded down
    ("damaged", 2, 10000 + 666),
    ("damaged", 3, 15000 + 1000),  # the whole line gets all the shipping back
    ("damaged", None, 15000 + 1000),
    ("changed_mind", 1, 5000),
    ("changed_mind", 3, 15000),
])
def test_part_of_a_line_refunds_its_share(reason, quantity, refund_cents):
    three = line(quantity=3, shipping_paid_cents=1000)
    assert return_eligibility(three, reason, day(5), quantity).refund_cents == refund_cents


@pytest.mark.parametrize("quantity", [0, -1, 4, 1.0, True])
def test_quantity_outside_the_line_is_refused_with_a_reason(quantity):
    decision = return_eligibility(line(quantity=3), "damaged", day(5), quantity)
    assert (decision.eligible, decision.refund_cents) == (False, 0)
    assert decision.reason == "Choose between 1 and 3 to return"


@pytest.mark.parametrize("reason, eligible", [
    ("changed_mind", False), ("wrong_size", False),
    ("damaged", True), ("defective", True), ("wrong_item", True),
])
def test_final_sale_items_come_back_only_when_it_is_our_fault(reason, eligible):
    decision = return_eligibility(line(final_sale=True), reason, day(3))
    assert decision.eligible is eligible
    if not eligible:
        assert decision.reason == ("Final sale items can only come back for these reasons: "
                                   "arrived damaged, faulty or not working, we sent the wrong item")


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_an_item_not_delivered_yet_cannot_be_returned(reason):
    decision = return_eligibility(line(delivered_on=None), reason, day(3))
    assert (decision.eligible, decision.remedies, decision.return_shipping_paid_by) == (
        False, (), None)
    assert decision.reason == (
        "This item hasn't been delivered yet; contact us to cancel or change the order")


@pytest.mark.parametrize("reason, text", [
    ("changed_mind", "The 30-day return window ended on 24 Dec 2026."),
    ("defective", "The 30-day return window ended on 24 Dec 2026. "
                  "A fault may still be covered by the product's warranty."),
])
def test_late_return_says_when_the_window_ended(reason, text):
    assert return_eligibility(line(), reason, day(31)).reason == text


@pytest.mark.parametrize("reason, text", [
    ("changed_mind", "Return by 24 Dec 2026 for a refund; you pay return shipping"),
    ("damaged", "Return by 24 Dec 2026 for a refund or replacement; we pay return shipping"),
])
def test_accepted_return_says_by_when_and_who_pays(reason, text):
    assert return_eligibility(line(), reason, day(30)).reason == text


def test_window_length_is_config():
    policy = replace(DEFAULT_RETURN_POLICY, window_days=14)
    assert return_eligibility(line(), "changed_mind", day(14), policy=policy).eligible
    assert not return_eligibility(line(), "changed_mind", day(15), policy=policy).eligible


def test_unknown_reason_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown return reason 'bored'.*changed_mind"):
        return_eligibility(line(), "bored", day(1))


def test_a_return_dated_before_delivery_is_an_error():
    with pytest.raises(ValueError):
        return_eligibility(line(), "damaged", day(-1))


@pytest.mark.parametrize("field, value", [
    ("quantity", 0), ("unit_price_cents", -1), ("unit_price_cents", 49.99),
    ("shipping_paid_cents", -1), ("shipping_paid_cents", None),
])
def test_return_line_refuses_impossible_values(field, value):
    with pytest.raises(ValueError):
        replace(line(), **{field: value})


def test_every_reason_has_a_label_and_known_remedies():
    assert [r.code for r in DEFAULT_RETURN_POLICY.reasons] == ALL_REASONS
    for reason in DEFAULT_RETURN_POLICY.reasons:
        assert reason.label
        assert set(reason.remedies) <= set(REMEDY_LABELS)
        assert reason.shop_at_fault is (reason.code in OUR_FAULT)


def test_policy_summary_is_generated_from_the_policy():
    summary = policy_summary(replace(DEFAULT_RETURN_POLICY, window_days=14))
    assert summary[0] == ("Ask for a return within 14 days of delivery "
                          "(the day of delivery is day 0).")
    assert "Arrived damaged: refund or replacement; we pay return shipping and refund the " \
           "shipping you paid for the item." in summary
    assert "Changed my mind: refund; you pay return shipping and we refund the item price." \
           in summary
