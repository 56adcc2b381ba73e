"""Units: the catalog stores grams and millimetres (shipping boxes: centimetres); people read
and type pounds and inches (US) or kilograms and centimetres (metric).

Public API:
- ``UNIT_SYSTEMS``: ("us", "metric"); the shop's setting (``SHOP_UNITS``) picks one.
- ``format_mass(grams, system)`` -> "330 lb (150 kg)"; ``format_length(mm, system)`` ->
  "90 in (228.6 cm)"; ``format_lengths((l, w, h), system)`` -> "49 x 53 in (124.5 x 134.6 cm)".
- ``format_box(weight_g, (l, w, h) cm, system)``: the shop box line of a product page.
- ``mass_input_unit(system)`` / ``length_input_unit(system)``: "lb" / "in", or "kg" / "cm".
- ``show_mass(grams, system)`` / ``show_length(mm, system)``: a stored value as a form shows it.
- ``parse_mass(text, system)`` -> grams; ``parse_length(text, system)`` -> millimetres;
  ``parse_lengths(text, system, count)`` -> a tuple of millimetres ("49 x 53");
  ``parse_box_length(text, system)`` -> whole centimetres.
  ValueError with a message for people on bad input.
Standard library only.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNIT_SYSTEMS = ("us", "metric")
GRAMS_PER_LB = Decimal("453.59237")
MM_PER_INCH = Decimal("25.4")


def _check(system: str) -> None:
    if system not in UNIT_SYSTEMS:
        raise ValueError(f"unknown unit system {system!r}; use one of {UNIT_SYSTEMS}")


def _number(value: Decimal, places: int) -> str:
    """A number rounded to `places` decimals, without trailing zeros: 150, 28.5, 1.12."""
    step = Decimal(1).scaleb(-places)
    text = f"{value.quantize(step, rounding=ROUND_HALF_UP):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _places(value: Decimal) -> int:
    """Decimals worth showing: small numbers get more."""
    return 2 if value < 10 else 1 if value < 100 else 0


def _lb(grams) -> str:
    pounds = Decimal(grams) / GRAMS_PER_LB
    return f"{_number(pounds, _places(pounds))} lb"


def _kg(grams) -> str:
    kilos = Decimal(grams) / 1000
    return f"{_number(kilos, _places(kilos))} kg"


def _inches(mms) -> tuple[str, str]:
    values = [Decimal(mm) / MM_PER_INCH for mm in mms]
    return " × ".join(_number(v, _places(v)) for v in values), "in"


def _metric(mms) -> tuple[str, str]:
    values = [Decimal(mm) for mm in mms]
    if max(values) < 100:
        return " × ".join(_number(v, 1) for v in values), "mm"
    return " × ".join(_number(v / 10, 1) for v in values), "cm"


def _both(primary: str, secondary: str) -> str:
    return f"{primary} ({secondary})"


def format_mass(grams: int | float, system: str = "us") -> str:
    """A weight in the shop's units first, the other system in parentheses."""
    _check(system)
    if system == "us":
        return _both(_lb(grams), _kg(grams))
    return _both(_kg(grams), _lb(grams))


def format_lengths(mms, system: str = "us") -> str:
    """One or more lengths in millimetres as "49 x 53 in (124.5 x 134.6 cm)"."""
    _check(system)
    inches, metric = " ".join(_inches(mms)), " ".join(_metric(mms))
    return _both(inches, metric) if system == "us" else _both(metric, inches)


def format_length(mm: int | float, system: str = "us") -> str:
    """A length in millimetres as "90 in (228.6 cm)" (US) or "228.6 cm (90 in)"."""
    return format_lengths((mm,), system)


def format_box(weight_g: int, dims_cm: tuple[int, int, int], system: str = "us") -> str:
    """The shipping box line: weight, then length x width x height."""
    return f"{format_mass(weight_g, system)}, " \
           f"{format_lengths(tuple(cm * 10 for cm in dims_cm), system)}"


def mass_input_unit(system: str) -> str:
    _check(system)
    return "lb" if system == "us" else "kg"


def length_input_unit(system: str) -> str:
    _check(system)
    return "in" if system == "us" else "cm"


def show_mass(grams: int | float, system: str) -> str:
    """A stored weight as a form shows it, in `mass_input_unit` (2 decimals at most)."""
    divisor = GRAMS_PER_LB if mass_input_unit(system) == "lb" else Decimal(1000)
    return _number(Decimal(grams) / divisor, 2)


def show_length(mm: int | float, system: str) -> str:
    """A stored length as a form shows it, in `length_input_unit` (2 decimals at most)."""
    divisor = MM_PER_INCH if length_input_unit(system) == "in" else Decimal(10)
    return _number(Decimal(mm) / divisor, 2)


UNIT_NAMES = {"lb": "pounds", "kg": "kilograms", "in": "inches", "cm": "centimetres"}


def _decimal(text: str, unit: str) -> Decimal:
    cleaned = (text or "").strip().replace(",", "")
    if cleaned.lower().endswith(unit):
        cleaned = cleaned[: -len(unit)].strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"write a number of {UNIT_NAMES[unit]}, like 12.5") from None
    if not value.is_finite() or value <= 0 or value > 10**7:
        raise ValueError(f"write a number of {UNIT_NAMES[unit]} above 0, like 12.5")
    return value


def parse_mass(text: str, system: str) -> int:
    """Grams from a weight typed in `mass_input_unit` ("12.5" lb -> 5670)."""
    unit = mass_input_unit(system)
    value = _decimal(text, unit) * (GRAMS_PER_LB if unit == "lb" else 1000)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _mm(value: Decimal) -> Decimal | int:
    """Millimetres kept to a tenth; a whole number as an int."""
    tenth = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return int(tenth) if tenth == tenth.to_integral_value() else tenth


def parse_length(text: str, system: str) -> float | int:
    """Millimetres (to a tenth) from a length typed in `length_input_unit`."""
    unit = length_input_unit(system)
    value = _mm(_decimal(text, unit) * (MM_PER_INCH if unit == "in" else 10))
    return value if isinstance(value, int) else float(value)


def parse_box_length(text: str, system: str) -> int:
    """Whole centimetres (a shipping box's unit) from a length typed in `length_input_unit`."""
    return int((Decimal(str(parse_length(text, system))) / 10).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))


def parse_lengths(text: str, system: str, count: int) -> tuple:
    """`count` lengths typed as "49 x 53" in `length_input_unit`, as millimetres."""
    parts = [part for part in (text or "").lower().replace("×", "x").split("x")]
    if len(parts) != count:
        example = " x ".join(["49", "53", "90"][:count])
        unit = UNIT_NAMES[length_input_unit(system)]
        raise ValueError(f"write {count} numbers of {unit}, like {example}")
    return tuple(parse_length(part, system) for part in parts)
