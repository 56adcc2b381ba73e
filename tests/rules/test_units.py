"""Units: grams and millimetres stored, US units first with metric in brackets (or the other
way round for a metric shop), typed input read back exactly."""
import pytest

from shop.rules import units


@pytest.mark.parametrize("grams, system, text", [
    (453_592, "us", "1,000 lb (454 kg)"),
    (20_000, "us", "44.1 lb (20 kg)"),
    (20_500, "metric", "20.5 kg (45.2 lb)"),
    (450, "us", "0.99 lb (0.45 kg)"),
])
def test_a_weight_shows_the_shops_units_first_and_the_other_in_brackets(grams, system, text):
    assert units.format_mass(grams, system) == text


@pytest.mark.parametrize("mm, system, text", [
    (2286, "us", "90 in (228.6 cm)"),
    (28.5, "us", "1.12 in (28.5 mm)"),
    (2286, "metric", "228.6 cm (90 in)"),
])
def test_a_length_shows_inches_first_then_centimetres_or_millimetres(mm, system, text):
    assert units.format_length(mm, system) == text


def test_the_shop_box_line_gives_weight_then_size():
    assert units.format_box(148_000, (220, 60, 30), "us") == \
        "326 lb (148 kg), 86.6 × 23.6 × 11.8 in (220 × 60 × 30 cm)"
    assert units.format_box(148_000, (220, 60, 30), "metric") == \
        "148 kg (326 lb), 220 × 60 × 30 cm (86.6 × 23.6 × 11.8 in)"


@pytest.mark.parametrize("text, system, grams", [
    ("330", "us", 149_685), ("330 lb", "us", 149_685), ("1,000", "us", 453_592),
    ("20.5", "metric", 20_500),
])
def test_typed_weights_become_grams(text, system, grams):
    assert units.parse_mass(text, system) == grams


@pytest.mark.parametrize("text, system, mm", [
    ("90", "us", 2286), ("1.12", "us", 28.4), ("2.85", "metric", 28.5),
])
def test_typed_lengths_become_millimetres_to_a_tenth(text, system, mm):
    assert units.parse_length(text, system) == mm


def test_a_footprint_is_two_lengths_and_a_box_side_whole_centimetres():
    assert units.parse_lengths("49 x 53", "us", 2) == (1244.6, 1346.2)
    assert units.parse_lengths("49 × 53", "us", 2) == (1244.6, 1346.2)
    assert units.parse_box_length("23.62", "us") == 60


@pytest.mark.parametrize("cm", range(1, 400, 7))
def test_a_box_side_shown_in_inches_reads_back_as_the_same_centimetres(cm):
    assert units.parse_box_length(units.show_length(cm * 10, "us"), "us") == cm


@pytest.mark.parametrize("text, message", [
    ("heavy", "write a number of pounds"), ("0", "above 0"), ("-3", "above 0"),
    ("nan", "above 0"), ("1e400", "above 0"), ("", "write a number"),
])
def test_bad_weights_are_refused_with_a_message_for_people(text, message):
    with pytest.raises(ValueError, match=message):
        units.parse_mass(text, "us")


def test_a_footprint_needs_two_numbers():
    with pytest.raises(ValueError, match="write 2 numbers of inches"):
        units.parse_lengths("49", "us", 2)


def test_an_unknown_unit_system_is_refused():
    with pytest.raises(ValueError, match="unknown unit system"):
        units.format_mass(1000, "imperial")
