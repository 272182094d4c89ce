"""A workbook of one sheet whose every cell is typed text, written with openpyxl.

Each cell is a string cell (data type "s") in the text number format ("@"), so a spreadsheet runs no
formula and shows no quote: "=HYPERLINK(...)" and "+91 98765 43210" read as the characters they are
(openpyxl itself would take a leading "=" for a formula: the type is set after the value).
"""

from __future__ import annotations

from typing import BinaryIO, Sequence

MAX_CELL_CHARS = 32767  # a spreadsheet cell's limit
CUT_NOTE = " [cut: the whole text is on the record's page]"
TEXT_FORMAT = "@"


def column_name(index: int) -> str:
    """The letters of a 0-based column: 0 -> A, 25 -> Z, 26 -> AA."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def cell_text(value: str) -> str:
    """A cell's text within a cell's length (a longer one is cut, and says so), without characters
    XML cannot carry."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - len(CUT_NOTE)] + CUT_NOTE
    return str(ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value))


def write_xlsx(table: Sequence[Sequence[str]], out: BinaryIO, sheet_name: str = "Sheet1") -> None:
    """Write `table` (its first row the header) as an .xlsx workbook of typed-text cells to `out`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    sheet.freeze_panes = "A2"
    width = max((len(line) for line in table), default=1)
    for i in range(width):
        sheet.column_dimensions[column_name(i)].width = 22
    for r, line in enumerate(table):
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=cell_text("" if value is None else str(value)))
            cell.data_type = "s"  # text, even when it starts with "=", "+", "-" or "@"
            cell.number_format = TEXT_FORMAT
            if r == 0:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
    book.save(out)
