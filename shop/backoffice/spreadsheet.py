"""CSV cells a spreadsheet will not run as formulas (for every CSV the back office writes)."""

# A cell starting with one of these is a formula to a spreadsheet: written with a leading
# apostrophe, which `read_cell` takes off again when the file comes back.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """`value` as CSV cell text, an apostrophe first if it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def read_cell(text: str) -> str:
    """A cell written by `safe_cell`, as it was before."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
