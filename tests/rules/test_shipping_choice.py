"""Shipping options worth offering: paying more must buy a sooner delivery, and say so."""
from datetime import date

from shop.rules.shipping_choice import Speed, what_it_buys, worth_offering

MON, TUE, WED, THU = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


def test_a_dearer_option_that_arrives_no_sooner_is_not_offered():
    # given standard+freight and overnight+freight: the freight part decides both dates
    standard, overnight = Speed(14_900, WED, THU), Speed(16_900, WED, THU)
    assert worth_offering([overnight, standard]) == [1]


def test_a_dearer_option_that_arrives_sooner_is_offered_after_the_cheaper():
    standard, overnight = Speed(790, TUE, WED), Speed(2_745, TUE, TUE)
    assert worth_offering([overnight, standard]) == [1, 0]


def test_of_two_options_at_one_price_only_the_faster_is_offered():
    assert worth_offering([Speed(500, TUE, THU), Speed(500, TUE, WED)]) == [1]


def test_a_slower_dearer_option_is_dropped_even_after_a_faster_one():
    speeds = [Speed(100, TUE, THU), Speed(200, MON, TUE), Speed(300, TUE, WED)]
    assert worth_offering(speeds) == [0, 1]


def test_the_dearer_option_says_what_the_extra_money_buys():
    text = what_it_buys(Speed(2_745, WED, WED), Speed(790, WED, THU), "Standard parcel")
    assert text == ("$19.55 more for delivery by Wed 2 Dec instead of up to Thu 3 Dec "
                    "with Standard parcel")


def test_the_cheapest_option_buys_nothing_extra():
    cheapest = Speed(790, WED, THU)
    assert what_it_buys(cheapest, cheapest, "Standard parcel") == ""
