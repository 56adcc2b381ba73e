"""Money as an int of US cents, formatted only at the edge."""


def _check_cents(cents: int) -> None:
    """Raise TypeError unless cents is a plain int (bool and float refused)."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"money must be an int of cents, got {type(cents).__name__}")


def format_cents(cents: int) -> str:
    """Format cents as US dollars: 123456 -> "$1,234.56", -500 -> "-$5.00"."""
    _check_cents(cents)
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def format_plain(cents: int | None) -> str:
    """Cents as a plain amount for a form field, a CSV cell or machine-readable markup:
    14900 -> "149.00", None -> ""."""
    if cents is None:
        return ""
    _check_cents(cents)
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}{dollars}.{rest:02d}"
