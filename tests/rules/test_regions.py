"""What a customer types for a state or province, read as its code (no app needed)."""
import pytest

from shop.rules import regions, shipping


@pytest.mark.parametrize("country, typed, code", [
    ("US", "New York", "NY"), ("US", "new york", "NY"), ("US", " NY ", "NY"), ("US", "ny", "NY"),
    ("US", "District of Columbia", "DC"), ("US", "Washington, D.C.", "DC"),
    ("US", "Puerto Rico", "PR"), ("CA", "Québec", "QC"), ("CA", "quebec", "QC"),
    ("CA", "British Columbia", "BC"), ("CA", "PEI", "PE"),
    ("US", "Ontario", "ONTARIO"),  # a province is no US state: left for the form to refuse
    ("US", "Atlantis", "ATLANTIS"), ("GB", "Kent", "KENT"),
])
def test_a_name_or_a_code_is_read_as_the_code(country, typed, code):
    assert regions.region_code(country, typed) == code


def test_every_us_region_the_shop_ships_to_has_a_name():
    config = shipping.DEFAULT_SHIPPING_CONFIG
    assert set(config.us_contiguous_regions + config.us_remote_regions) <= set(regions.US_STATE_NAMES)


def test_no_name_is_longer_than_the_field_allows():
    longest = max(len(n) for names in regions.NAMES.values() for n in names.values())
    assert longest <= regions.MAX_TYPED
