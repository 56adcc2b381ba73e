"""Tests for formatting money held as int cents."""

import pytest

from shop.rules.money import format_cents, format_plain


@pytest.mark.parametrize("cents, expected", [
    (0, "$0.00"),
    (1, "$0.01"),
    (99, "$0.99"),
    (100, "$1.00"),
    (9900, "$99.00"),
    (123456, "$1,234.56"),
    (100000000, "$1,000,000.00"),
    (-500, "-$5.00"),
    (-1, "-$0.01"),
    (-123456, "-$1,234.56"),
])
def test_format_cents_writes_dollars_with_thousands_separators(cents, expected):
    assert format_cents(cents) == expected


@pytest.mark.parametrize("not_cents", [1.5, 100.0, "100", None, True])
def test_format_cents_refuses_anything_but_int_cents(not_cents):
    with pytest.raises(TypeError):
        format_cents(not_cents)


@pytest.mark.parametrize("cents, expected", [
    (0, "0.00"), (5, "0.05"), (14900, "149.00"), (123456, "1234.56"), (-500, "-5.00"), (None, ""),
])
def test_format_plain_writes_a_bare_amount_for_forms_csv_and_markup(cents, expected):
    assert format_plain(cents) == expected


@pytest.mark.parametrize("not_cents", [1.5, "100", True])
def test_format_plain_refuses_anything_but_int_cents(not_cents):
    with pytest.raises(TypeError):
        format_plain(not_cents)
