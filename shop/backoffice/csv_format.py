"""The catalog CSV format: its columns and limits, and reading an uploaded file into rows."""
import csv
import io
from dataclasses import dataclass

from shop.backoffice.spreadsheet import read_cell

COLUMNS = ("product_slug", "name", "brand", "category_slug", "status", "short_description",
           "sku", "option_name", "option_value", "price", "compare_at", "weight_g",
           "length_cm", "width_cm", "height_cm", "low_stock_threshold")
VARIANT_COLUMNS = COLUMNS[6:]
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000


class CsvError(Exception):
    """The file cannot be read as a catalog CSV; the message says why."""


@dataclass(frozen=True)
class CsvRow:
    number: int  # the spreadsheet's row number: the header is row 1
    cells: dict
    extra_cells: bool = False


def decode(data: bytes) -> str:
    if len(data) > MAX_CSV_BYTES:
        raise CsvError("The file is larger than 2 MB; split it into smaller files.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("The file is not UTF-8 text. In your spreadsheet, save it as "
                       "“CSV UTF-8” and upload it again.") from None


def normalise(text: str) -> str:
    """One form of the text whichever way it travelled: no BOM, LF line ends."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_rows(text: str) -> tuple[list[CsvRow], list[str]]:
    """The data rows and the names of columns that will be ignored; CsvError if unreadable."""
    if len(text.encode()) > MAX_CSV_BYTES:
        raise CsvError("The file is larger than 2 MB; split it into smaller files.")
    if "\x00" in text:
        raise CsvError("The file contains NUL characters: it is not a CSV text file.")
    if not text.strip():
        raise CsvError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise CsvError(f"The header row is missing these columns: {', '.join(missing)}. "
                           f"The first row must name the columns: {', '.join(COLUMNS)}.")
        twice = sorted({name for name in header if name and header.count(name) > 1})
        if twice:
            raise CsvError(f"The header row names {', '.join(twice)} more than once.")
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise CsvError(f"The file has more than {MAX_ROWS:,} rows; split it.")
            rows.append(CsvRow(number, {
                name: read_cell(cells[i].strip()) if i < len(cells) else ""
                for i, name in enumerate(header) if name in COLUMNS},
                extra_cells=any(c.strip() for c in cells[len(header):])))
    except csv.Error as error:
        raise CsvError(f"Row {reader.line_num} cannot be read as CSV: {error}.") from None
    except StopIteration:
        raise CsvError("The file is empty.") from None
    return rows, [name for name in header if name and name not in COLUMNS]
