"""Tests for dispatch days, delivery windows and the promise shown at checkout."""

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from shop.rules.delivery import (
    DEFAULT_DELIVERY_CONFIG, US_FEDERAL_HOLIDAYS_2026_2027, DeliveryPromise, add_business_days,
    delivery_window, dispatch_date, format_day, format_long_date, is_business_day,
    order_delivery_window, promise_text,
)
from shop.rules.shipping import DEFAULT_SHIPPING_CONFIG

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
KOLKATA = ZoneInfo("Asia/Kolkata")
UTC = timezone.utc


@pytest.mark.parametrize("at, dispatch_on", [
    # the cut-off minute, Monday 2026-11-23
    (datetime(2026, 11, 23, 0, 0, tzinfo=NY), date(2026, 11, 23)),
    (datetime(2026, 11, 23, 13, 59, tzinfo=NY), date(2026, 11, 23)),
    (datetime(2026, 11, 23, 13, 59, 59, 999999, tzinfo=NY), date(2026, 11, 23)),
    (datetime(2026, 11, 23, 14, 0, tzinfo=NY), date(2026, 11, 24)),
    (datetime(2026, 11, 23, 23, 59, tzinfo=NY), date(2026, 11, 24)),
    # Friday afternoon and the weekend roll to Monday
    (datetime(2026, 11, 20, 13, 59, tzinfo=NY), date(2026, 11, 20)),
    (datetime(2026, 11, 20, 14, 0, tzinfo=NY), date(2026, 11, 23)),
    (datetime(2026, 11, 21, 10, 0, tzinfo=NY), date(2026, 11, 23)),
    (datetime(2026, 11, 22, 13, 0, tzinfo=NY), date(2026, 11, 23)),
    # holidays: Thanksgiving, Christmas, New Year, observed Christmas 2027
    (datetime(2026, 11, 25, 14, 0, tzinfo=NY), date(2026, 11, 27)),
    (datetime(2026, 11, 26, 9, 0, tzinfo=NY), date(2026, 11, 27)),
    (datetime(2026, 12, 24, 15, 0, tzinfo=NY), date(2026, 12, 28)),
    (datetime(2026, 12, 25, 9, 0, tzinfo=NY), date(2026, 12, 28)),
    (datetime(2026, 12, 31, 15, 0, tzinfo=NY), date(2027, 1, 4)),
    (datetime(2027, 12, 23, 15, 0, tzinfo=NY), date(2027, 12, 27)),
    (datetime(2027, 12, 30, 15, 0, tzinfo=NY), date(2028, 1, 3)),
])
def test_dispatch_is_today_before_the_cutoff_on_a_business_day_else_next_business_day(
        at, dispatch_on):
    assert dispatch_date(at) == dispatch_on


@pytest.mark.parametrize("at, dispatch_on", [
    # UTC input near New York midnight (EST is UTC-5 in November)
    (datetime(2026, 11, 23, 4, 59, tzinfo=UTC), date(2026, 11, 23)),   # Sun 23:59 in NY
    (datetime(2026, 11, 23, 5, 0, tzinfo=UTC), date(2026, 11, 23)),    # Mon 00:00 in NY
    (datetime(2026, 11, 23, 18, 59, tzinfo=UTC), date(2026, 11, 23)),  # 13:59 in NY
    (datetime(2026, 11, 23, 19, 0, tzinfo=UTC), date(2026, 11, 24)),   # 14:00 in NY
    (datetime(2026, 11, 24, 3, 30, tzinfo=UTC), date(2026, 11, 24)),   # Mon 22:30 in NY
    # other zones: the warehouse clock decides, not the buyer's
    (datetime(2026, 11, 24, 3, 59, tzinfo=TOKYO), date(2026, 11, 23)),   # Mon 13:59 in NY
    (datetime(2026, 11, 24, 4, 0, tzinfo=TOKYO), date(2026, 11, 24)),    # Mon 14:00 in NY
    (datetime(2026, 11, 23, 10, 59, tzinfo=LA), date(2026, 11, 23)),
    (datetime(2026, 11, 23, 11, 0, tzinfo=LA), date(2026, 11, 24)),
    (datetime(2026, 11, 20, 23, 30, tzinfo=LA), date(2026, 11, 23)),     # still Friday in LA
    (datetime(2026, 11, 24, 0, 29, tzinfo=KOLKATA), date(2026, 11, 23)),  # Mon 13:59 in NY
])
def test_dispatch_day_is_decided_on_warehouse_time_whatever_zone_the_input_is_in(at, dispatch_on):
    assert dispatch_date(at) == dispatch_on


@pytest.mark.parametrize("at, dispatch_on", [
    # spring forward on Sun 2026-03-08: 14:00 is 19:00 UTC before, 18:00 UTC after
    (datetime(2026, 3, 6, 18, 59, tzinfo=UTC), date(2026, 3, 6)),    # Fri 13:59 EST
    (datetime(2026, 3, 6, 19, 0, tzinfo=UTC), date(2026, 3, 9)),     # Fri 14:00 EST
    (datetime(2026, 3, 9, 17, 59, tzinfo=UTC), date(2026, 3, 9)),    # Mon 13:59 EDT
    (datetime(2026, 3, 9, 18, 0, tzinfo=UTC), date(2026, 3, 10)),    # Mon 14:00 EDT
    # fall back on Sun 2026-11-01: 14:00 is 18:00 UTC before, 19:00 UTC after
    (datetime(2026, 10, 30, 17, 59, tzinfo=UTC), date(2026, 10, 30)),  # Fri 13:59 EDT
    (datetime(2026, 10, 30, 18, 0, tzinfo=UTC), date(2026, 11, 2)),    # Fri 14:00 EDT
    (datetime(2026, 11, 2, 18, 59, tzinfo=UTC), date(2026, 11, 2)),    # Mon 13:59 EST
    (datetime(2026, 11, 2, 19, 0, tzinfo=UTC), date(2026, 11, 3)),     # Mon 14:00 EST
])
def test_cutoff_follows_daylight_saving_changes_in_new_york(at, dispatch_on):
    assert dispatch_date(at) == dispatch_on


@pytest.mark.parametrize("at, remaining", [
    (datetime(2026, 11, 23, 10, 40, tzinfo=NY), timedelta(hours=3, minutes=20)),
    (datetime(2026, 11, 23, 13, 59, tzinfo=NY), timedelta(minutes=1)),
    (datetime(2026, 11, 23, 13, 59, 59, 500000, tzinfo=NY), timedelta(0)),
    (datetime(2026, 11, 23, 10, 40, 0, 500000, tzinfo=NY),
     timedelta(hours=3, minutes=19, seconds=59)),
    (datetime(2026, 11, 23, 15, 40, tzinfo=UTC), timedelta(hours=3, minutes=20)),
    (datetime(2026, 11, 23, 14, 0, tzinfo=NY), None),
    (datetime(2026, 11, 21, 10, 0, tzinfo=NY), None),   # Saturday
    (datetime(2026, 11, 26, 10, 0, tzinfo=NY), None),   # Thanksgiving
])
def test_cutoff_remaining_is_whole_seconds_left_or_none_when_not_shipping_today(at, remaining):
    assert delivery_window(at, "standard").cutoff_remaining == remaining


@pytest.mark.parametrize("at, remaining", [
    # warehouse open every day, so the DST Sundays ship: the hours that vanish or repeat count
    (datetime(2026, 3, 8, 1, 30, tzinfo=NY), timedelta(hours=11, minutes=30)),
    (datetime(2026, 11, 1, 1, 30, tzinfo=NY), timedelta(hours=13, minutes=30)),          # EDT
    (datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY), timedelta(hours=12, minutes=30)),  # EST
])
def test_cutoff_remaining_is_real_elapsed_time_across_a_dst_change(at, remaining):
    seven_day_week = replace(DEFAULT_DELIVERY_CONFIG, weekend=())
    assert delivery_window(at, "standard", seven_day_week).cutoff_remaining == remaining


MONDAY_MORNING = datetime(2026, 11, 30, 10, 0, tzinfo=NY)
DAY_BEFORE_THANKSGIVING = datetime(2026, 11, 25, 10, 0, tzinfo=NY)
CHRISTMAS_EVE = datetime(2026, 12, 24, 10, 0, tzinfo=NY)


@pytest.mark.parametrize("at, method, earliest, latest", [
    (MONDAY_MORNING, "standard", date(2026, 12, 1), date(2026, 12, 2)),
    (MONDAY_MORNING, "overnight", date(2026, 12, 1), date(2026, 12, 1)),
    (MONDAY_MORNING, "remote", date(2026, 12, 3), date(2026, 12, 7)),
    (MONDAY_MORNING, "international", date(2026, 12, 7), date(2026, 12, 9)),
    (MONDAY_MORNING, "freight", date(2026, 12, 3), date(2026, 12, 9)),
    (DAY_BEFORE_THANKSGIVING, "standard", date(2026, 11, 27), date(2026, 11, 30)),
    (DAY_BEFORE_THANKSGIVING, "overnight", date(2026, 11, 27), date(2026, 11, 27)),
    (DAY_BEFORE_THANKSGIVING, "freight", date(2026, 12, 1), date(2026, 12, 7)),
    (CHRISTMAS_EVE, "standard", date(2026, 12, 28), date(2026, 12, 29)),
    (CHRISTMAS_EVE, "international", date(2027, 1, 4), date(2027, 1, 6)),
])
def test_transit_counts_business_days_after_dispatch_for_every_method(at, method, earliest,
                                                                      latest):
    promise = delivery_window(at, method)
    assert (promise.method, promise.dispatch_on) == (method, at.date())
    assert (promise.earliest, promise.latest) == (earliest, latest)


def test_every_shipping_method_has_a_transit_time():
    transit = DEFAULT_DELIVERY_CONFIG.transit_business_days
    assert set(DEFAULT_SHIPPING_CONFIG.methods) <= set(transit)


@pytest.mark.parametrize("promise, text", [
    (DeliveryPromise("standard", date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25),
                     timedelta(hours=3, minutes=20)),
     "Order within 3 h 20 min for dispatch today; arrives Tue 24 Nov to Wed 25 Nov"),
    (DeliveryPromise("overnight", date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 24),
                     timedelta(hours=3, seconds=59)),
     "Order within 3 h for dispatch today; arrives Tue 24 Nov"),
    (DeliveryPromise("overnight", date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 24),
                     timedelta(minutes=45)),
     "Order within 45 min for dispatch today; arrives Tue 24 Nov"),
    (DeliveryPromise("overnight", date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 24),
                     timedelta(seconds=30)),
     "Order now for dispatch today; arrives Tue 24 Nov"),
    (DeliveryPromise("standard", date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)),
     "Ships Mon 30 Nov; arrives Tue 1 Dec to Wed 2 Dec"),
    (DeliveryPromise("overnight", date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 1)),
     "Ships Mon 30 Nov; arrives Tue 1 Dec"),
])
def test_promise_text_reads_as_shown_at_checkout(promise, text):
    assert promise_text(promise) == text


def test_promise_text_from_a_real_window_after_the_cutoff():
    promise = delivery_window(datetime(2026, 11, 27, 15, 0, tzinfo=NY), "standard")
    assert promise_text(promise) == "Ships Mon 30 Nov; arrives Tue 1 Dec to Wed 2 Dec"


@pytest.mark.parametrize("at, method", [
    (datetime(2026, 11, 23, 10, 40, 0, 500000, tzinfo=NY), "standard"),
    (datetime(2026, 11, 23, 15, 0, tzinfo=NY), "freight"),
    (datetime(2026, 12, 31, 9, 0, tzinfo=UTC), "international"),
])
def test_promise_survives_a_round_trip_through_a_json_dict(at, method):
    promise = delivery_window(at, method)
    stored = json.loads(json.dumps(promise.to_dict()))
    assert DeliveryPromise.from_dict(stored) == promise


@pytest.mark.parametrize("call", [
    lambda: dispatch_date(datetime(2026, 11, 23, 10, 0)),
    lambda: delivery_window(datetime(2026, 11, 23, 10, 0), "standard"),
])
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_unknown_method_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown shipping method 'teleport'.*standard"):
        delivery_window(MONDAY_MORNING, "teleport")


def test_cutoff_and_zone_are_config():
    # given: a Los Angeles warehouse that dispatches until noon
    config = replace(DEFAULT_DELIVERY_CONFIG, timezone="America/Los_Angeles", cutoff=time(12, 0))
    # then: 14:59 in New York is 11:59 in LA, still today; 15:00 is not
    assert dispatch_date(datetime(2026, 11, 23, 14, 59, tzinfo=NY), config) == date(2026, 11, 23)
    assert dispatch_date(datetime(2026, 11, 23, 15, 0, tzinfo=NY), config) == date(2026, 11, 24)


def test_default_holidays_are_observed_weekdays_including_thanksgiving_and_christmas():
    assert all(day.weekday() < 5 for day in US_FEDERAL_HOLIDAYS_2026_2027)
    assert len(US_FEDERAL_HOLIDAYS_2026_2027) == 23
    assert {date(2026, 11, 26), date(2026, 12, 25), date(2027, 11, 25), date(2027, 12, 24)} <= set(
        US_FEDERAL_HOLIDAYS_2026_2027)


@pytest.mark.parametrize("day, count, expected", [
    (date(2026, 11, 23), 0, date(2026, 11, 23)),
    (date(2026, 11, 21), 0, date(2026, 11, 21)),   # count 0 does not move even off a weekend
    (date(2026, 11, 20), 1, date(2026, 11, 23)),
    (date(2026, 11, 25), 1, date(2026, 11, 27)),
    (date(2026, 12, 31), 1, date(2027, 1, 4)),
])
def test_add_business_days_skips_weekends_and_holidays(day, count, expected):
    assert add_business_days(day, count) == expected


@pytest.mark.parametrize("day, business", [
    (date(2026, 11, 23), True), (date(2026, 11, 21), False), (date(2026, 11, 22), False),
    (date(2026, 11, 26), False), (date(2026, 11, 27), True),
])
def test_is_business_day_excludes_weekends_and_holidays(day, business):
    assert is_business_day(day) is business


def test_add_business_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 11, 23), -1)


def test_dates_are_formatted_without_depending_on_locale():
    assert format_day(date(2026, 11, 24)) == "Tue 24 Nov"
    assert format_long_date(date(2036, 1, 4)) == "4 Jan 2036"


@pytest.mark.parametrize("methods, method, earliest, latest", [
    (("standard",), "standard", date(2026, 12, 1), date(2026, 12, 2)),
    (("standard", "freight"), "standard+freight", date(2026, 12, 3), date(2026, 12, 9)),
    (("overnight", "freight", "freight"), "overnight+freight",
     date(2026, 12, 3), date(2026, 12, 9)),
])
def test_mixed_order_is_promised_when_its_slowest_part_arrives(methods, method, earliest, latest):
    promise = order_delivery_window(MONDAY_MORNING, methods)
    assert (promise.method, promise.dispatch_on) == (method, date(2026, 11, 30))
    assert (promise.earliest, promise.latest) == (earliest, latest)
    assert promise.cutoff_remaining == timedelta(hours=4)


def test_order_delivery_window_needs_a_method():
    with pytest.raises(ValueError):
        order_delivery_window(MONDAY_MORNING, ())
