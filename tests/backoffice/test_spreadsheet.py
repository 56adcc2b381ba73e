"""CSV cells the back office writes are never formulas to a spreadsheet, and read back as typed."""
import pytest

from shop.backoffice.spreadsheet import read_cell, safe_cell


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"])
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe_and_reads_back(typed):
    # when a formula-like value is written and read back
    written = safe_cell(typed)
    # then the spreadsheet sees text, and the import gets what was typed
    assert written == "'" + typed
    assert read_cell(written) == typed


@pytest.mark.parametrize("value, written", [("Rack", "Rack"), (None, ""), (149, "149"),
                                            ("'quoted", "'quoted")])
def test_plain_cells_are_written_as_they_are(value, written):
    assert safe_cell(value) == written
    assert read_cell(written) == ("" if value is None else str(value))
