"""Tests for shipping zones, billable weight, parcel vs freight, and quotes."""

from dataclasses import replace

import pytest

from shop.rules.shipping import (
    DEFAULT_SHIPPING_CONFIG, Destination, ShipItem, Zone, billable_weight_g, countries_served,
    item_shipping_class, quote_shipping, zone_for,
)


def item(sku="DB-5", name="Hex Dumbbell 5 kg", quantity=1, weight_g=2500, dims=(30, 20, 10)):
    """A ship item with defaults small enough to be a parcel (2.5 kg, 30x20x10 cm)."""
    return ShipItem(sku, name, quantity, weight_g, *dims)


POWER_RACK = item("PR-1", "Power Rack PR-1", weight_g=148_000, dims=(140, 60, 30))
SMALL = (10, 10, 10)  # 200 g dimensional: actual weight decides
BARBELL = item("OB-20", "Olympic Barbell", weight_g=20_000, dims=(220, 10, 10))


@pytest.mark.parametrize("country, region, zone", [
    ("US", "NY", Zone.US_CONTIGUOUS),
    ("US", "CA", Zone.US_CONTIGUOUS),
    ("US", "DC", Zone.US_CONTIGUOUS),
    ("us", " tx ", Zone.US_CONTIGUOUS),
    ("US", "AK", Zone.US_REMOTE),
    ("US", "HI", Zone.US_REMOTE),
    ("US", "PR", Zone.US_REMOTE),
    ("US", "GU", Zone.US_REMOTE),
    ("US", "VI", Zone.US_REMOTE),
    ("US", "AS", Zone.US_REMOTE),
    ("US", "MP", Zone.US_REMOTE),
    ("PR", "", Zone.US_REMOTE),
    ("GU", "", Zone.US_REMOTE),
    ("VI", "", Zone.US_REMOTE),
    ("AS", "", Zone.US_REMOTE),
    ("MP", "", Zone.US_REMOTE),
    ("CA", "", Zone.CANADA),
    ("CA", "ON", Zone.CANADA),
    ("GB", "", Zone.INTERNATIONAL),
    ("DE", "", Zone.INTERNATIONAL),
    ("AU", "", Zone.INTERNATIONAL),
    ("nz", "", Zone.INTERNATIONAL),
    ("JP", "", None),
    ("BR", "", None),
    ("US", "", None),
    ("US", "AE", None),
    ("", "", None),
])
def test_zone_for_places_each_destination_in_its_zone(country, region, zone):
    assert zone_for(Destination(country, region)) == zone


@pytest.mark.parametrize("dest, reason", [
    (Destination("JP"), "We don't ship to that country yet"),
    (Destination("br"), "We don't ship to that country yet"),
    (Destination("US", "ZZ"), "Choose a US state or territory to see shipping options"),
    (Destination("US"), "Choose a US state or territory to see shipping options"),
    (Destination(""), "Choose a country to see shipping options"),
])
def test_quote_for_unserved_destination_says_why_and_offers_nothing(dest, reason):
    quote = quote_shipping([item()], dest, 5000)
    assert (quote.served, quote.reason, quote.options, quote.problems) == (False, reason, (), ())


def test_countries_served_lists_us_and_canada_first_then_the_rest_by_name():
    countries = countries_served()
    assert countries[:2] == [("US", "United States"), ("CA", "Canada")]
    names = [name for _, name in countries[2:]]
    assert names == sorted(names)
    codes = {code for code, _ in countries}
    assert set(DEFAULT_SHIPPING_CONFIG.international_countries) <= codes
    assert {"PR", "GU", "VI", "AS", "MP"} <= codes


def test_countries_served_follows_the_config():
    # given: Japan added, and international parcel rates removed
    config = replace(
        DEFAULT_SHIPPING_CONFIG,
        international_countries=("JP",),
        country_names={**DEFAULT_SHIPPING_CONFIG.country_names, "JP": "Japan"},
    )
    no_international = replace(config, parcel_rates=tuple(
        r for r in config.parcel_rates if r.zone != Zone.INTERNATIONAL))
    # then
    assert ("JP", "Japan") in countries_served(config)
    assert "JP" not in {code for code, _ in countries_served(no_international)}


@pytest.mark.parametrize("weight_g, dims, billable_g", [
    (10_000, (30, 15, 15), 10_000),     # actual weight wins
    (1_000, (50, 40, 30), 12_000),      # 60,000 cm3 / 5000 = 12 kg
    (12_000, (50, 40, 30), 12_000),     # equal
    (0, (7, 7, 7), 69),                 # 343 cm3 -> 68.6 g, rounded up
    (0, (1, 1, 1), 1),                  # 0.2 g rounds up to 1 g
])
def test_billable_weight_is_the_larger_of_actual_and_dimensional(weight_g, dims, billable_g):
    assert billable_weight_g(item(weight_g=weight_g, dims=dims)) == billable_g


@pytest.mark.parametrize("weight_g, dims, shipping_class", [
    (32_000, (40, 40, 40), "parcel"),     # exactly 32 kg
    (32_001, (40, 40, 40), "freight"),    # one gram over
    (1_000, (100, 40, 40), "parcel"),     # dimensional exactly 32 kg
    (1_000, (100, 40, 41), "freight"),    # dimensional 32.8 kg
    (1_000, (150, 10, 10), "parcel"),     # longest side exactly 150 cm
    (1_000, (151, 10, 10), "freight"),
    (1_000, (10, 151, 10), "freight"),
    (1_000, (10, 10, 151), "freight"),
    (148_000, (140, 60, 30), "freight"),
])
def test_item_ships_by_freight_over_32_kg_billable_or_over_150_cm(weight_g, dims, shipping_class):
    assert item_shipping_class(item(weight_g=weight_g, dims=dims)) == shipping_class


@pytest.mark.parametrize("dest, expected", [
    (Destination("US", "NY"), {"standard": 695 + 95 * 3, "overnight": 2495 + 250 * 3}),
    (Destination("CA"), {"standard": 1495 + 150 * 3, "overnight": 3495 + 350 * 3}),
    (Destination("US", "AK"), {"remote": 1995 + 200 * 3}),
    (Destination("US", "HI"), {"remote": 1995 + 200 * 3}),
    (Destination("PR"), {"remote": 1995 + 200 * 3}),
    (Destination("GB"), {"international": 2995 + 400 * 3}),
    (Destination("AU"), {"international": 2995 + 400 * 3}),
])
def test_each_zone_offers_its_parcel_methods_at_base_plus_per_started_kg(dest, expected):
    # given: one 2.5 kg parcel (3 started kg), below the free-shipping threshold
    quote = quote_shipping([item(weight_g=2500)], dest, 5000)
    # then
    assert quote.served
    assert {o.method: o.total_cents for o in quote.options} == expected


@pytest.mark.parametrize("items, started_kg", [
    ([item(weight_g=1000, dims=SMALL)], 1),
    ([item(weight_g=1001, dims=SMALL)], 2),
    ([item(weight_g=500, quantity=2, dims=SMALL)], 1),  # weights add up before rounding
    ([item(weight_g=600, dims=SMALL), item("B", weight_g=600, dims=SMALL)], 2),
    ([item(weight_g=100, dims=(50, 40, 30))], 12),      # dimensional weight is billed
])
def test_parcel_price_counts_started_kg_of_the_whole_parcel_part(items, started_kg):
    option = quote_shipping(items, Destination("US", "NY"), 0).option("standard")
    assert option.lines[0].billable_kg == started_kg
    assert option.total_cents == 695 + 95 * started_kg


@pytest.mark.parametrize("dest, method, subtotal_cents, is_free", [
    (Destination("US", "NY"), "standard", 9899, False),
    (Destination("US", "NY"), "standard", 9900, True),
    (Destination("US", "NY"), "standard", 25000, True),
    (Destination("US", "NY"), "overnight", 9900, False),
    (Destination("CA"), "standard", 9900, False),
    (Destination("US", "AK"), "remote", 9900, False),
    (Destination("GB"), "international", 9900, False),
])
def test_standard_parcel_is_free_in_contiguous_us_from_the_threshold(dest, method, subtotal_cents,
                                                                      is_free):
    line = quote_shipping([item()], dest, subtotal_cents).option(method).lines[0]
    assert (line.amount_cents == 0) == is_free
    assert ("Free on orders of $99.00 or more" == line.note) == is_free


def test_free_shipping_threshold_is_config():
    config = replace(DEFAULT_SHIPPING_CONFIG, free_shipping_threshold_cents=5000)
    quote = quote_shipping([item()], Destination("US", "NY"), 5000, config)
    assert quote.option("standard").total_cents == 0
    assert config.free_shipping_text() == (
        "Standard parcel is free within the contiguous US on orders of $50.00 or more")


@pytest.mark.parametrize("dest, per_item_cents", [
    (Destination("US", "NY"), 14900),
    (Destination("CA"), 19900),
])
def test_mixed_order_adds_freight_lines_to_every_parcel_option(dest, per_item_cents):
    # given: a rack (freight) and two dumbbells (parcel)
    dumbbells = item(quantity=2, weight_g=2500)
    # when
    quote = quote_shipping([POWER_RACK, dumbbells], dest, 5000)
    # then: each parcel method becomes an option carrying the same freight line
    assert [o.method for o in quote.options] == ["standard", "overnight"]
    for option in quote.options:
        parcel_line, freight_line = option.lines
        assert (parcel_line.method, parcel_line.items, parcel_line.billable_kg) == (
            option.method, (dumbbells,), 5)
        assert (freight_line.method, freight_line.items, freight_line.billable_kg) == (
            "freight", (POWER_RACK,), 148)
        assert freight_line.amount_cents == per_item_cents
        assert option.total_cents == parcel_line.amount_cents + per_item_cents
        assert option.methods == (option.method, "freight")
    assert quote.option("standard").label == "Standard parcel + Freight curbside"


def test_freight_only_order_has_one_freight_option_priced_per_unit():
    quote = quote_shipping([replace(POWER_RACK, quantity=2), BARBELL], Destination("US", "TX"), 0)
    (option,) = quote.options
    assert (option.method, option.label, option.total_cents) == ("freight", "Freight curbside",
                                                                 3 * 14900)
    assert [line.amount_cents for line in option.lines] == [2 * 14900, 14900]
    assert option.lines[0].billable_g == 2 * 148_000


@pytest.mark.parametrize("dest, where", [
    (Destination("AU"), "Australia"),
    (Destination("GB"), "United Kingdom"),
    (Destination("US", "HI"), "Alaska, Hawaii and US territories"),
    (Destination("PR"), "Alaska, Hawaii and US territories"),
])
def test_freight_items_cannot_ship_abroad_or_to_us_remote_and_are_named(dest, where):
    quote = quote_shipping([POWER_RACK, BARBELL, item()], dest, 5000)
    assert (quote.served, quote.options) == (False, ())
    assert quote.reason == f"Some items in your cart can't ship to {where}"
    assert [(p.sku, p.reason) for p in quote.problems] == [
        ("PR-1", "Power Rack PR-1 ships by freight (148 kg) and freight only reaches "
                 "the contiguous US and Canada"),
        ("OB-20", "Olympic Barbell ships by freight (220 cm long) and freight only reaches "
                  "the contiguous US and Canada"),
    ]


def test_freight_reason_rounds_kg_up_to_a_tenth():
    heavy = item("KB-32", "Kettlebell stack", weight_g=32_050, dims=(40, 40, 40))
    (problem,) = quote_shipping([heavy], Destination("GB"), 0).problems
    assert problem.reason.startswith("Kettlebell stack ships by freight (32.1 kg)")


def test_freight_reaches_a_zone_once_the_config_prices_it():
    config = replace(DEFAULT_SHIPPING_CONFIG, freight_per_item_cents={
        **DEFAULT_SHIPPING_CONFIG.freight_per_item_cents, Zone.US_REMOTE: 39900})
    quote = quote_shipping([POWER_RACK], Destination("US", "AK"), 0, config)
    assert [(o.method, o.total_cents) for o in quote.options] == [("freight", 39900)]


def test_parcel_items_ship_abroad_when_nothing_needs_freight():
    quote = quote_shipping([item(), item("B", weight_g=4000)], Destination("NZ"), 5000)
    assert quote.served and quote.zone == Zone.INTERNATIONAL
    assert quote.option("international").total_cents == 2995 + 400 * 7


def test_empty_cart_has_nothing_to_ship():
    quote = quote_shipping([], Destination("US", "NY"), 0)
    assert (quote.served, quote.reason) == (False, "There is nothing to ship")


def test_option_lookup_returns_none_for_a_method_not_offered_in_the_zone():
    quote = quote_shipping([item()], Destination("US", "NY"), 0)
    assert quote.option("remote") is None


@pytest.mark.parametrize("field, value", [
    ("quantity", 0), ("quantity", 1.0), ("weight_g", -1), ("weight_g", 2.5),
    ("length_cm", 0), ("width_cm", 10.5), ("height_cm", True),
])
def test_ship_item_refuses_impossible_values(field, value):
    with pytest.raises(ValueError):
        replace(item(), **{field: value})


@pytest.mark.parametrize("subtotal_cents", [-1, 99.0, None])
def test_quote_refuses_a_subtotal_that_is_not_int_cents(subtotal_cents):
    with pytest.raises(ValueError):
        quote_shipping([item()], Destination("US", "NY"), subtotal_cents)


def test_discreet_packaging_is_free_and_described_for_pages():
    packaging = DEFAULT_SHIPPING_CONFIG.discreet_packaging
    assert packaging.price_cents == 0
    assert packaging.sender_name == "GF Supply"
    assert any("No product names" in point for point in packaging.means)


def test_every_zone_and_every_rated_method_has_a_label():
    config = DEFAULT_SHIPPING_CONFIG
    assert set(config.zones) == set(Zone)
    used = {r.method for r in config.parcel_rates} | {"freight"}
    assert used <= set(config.methods)
    assert all(config.methods[m].label and config.methods[m].description for m in used)
