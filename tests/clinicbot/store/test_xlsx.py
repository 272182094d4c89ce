"""The typed-text workbook: every cell text, read back exactly, no formula anywhere."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from clinicbot.store.xlsx import CUT_NOTE, MAX_CELL_CHARS, TEXT_FORMAT, cell_text, column_name, write_xlsx


@pytest.mark.parametrize(("index", "name"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_names(index, name):
    assert column_name(index) == name


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("plain", "plain"),
        ("bell\x07here", "bell\\x07here"),  # XML cannot carry it: shown, not dropped
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("x" * (MAX_CELL_CHARS + 10), "x" * (MAX_CELL_CHARS - len(CUT_NOTE)) + CUT_NOTE),
    ],
)
def test_cell_text(text, kept):
    assert cell_text(text) == kept
    assert len(cell_text(text)) <= MAX_CELL_CHARS


HOSTILE = [
    ["id", "name", "phone", "note"],
    ["1", '=HYPERLINK("http://evil","x")', "+91 98765 43210", "-2+3"],
    ["2", "@SUM(A1)", "+44 20 7946 0958", "<b>\"&amp;</b> 'quoted'"],
    ["3", "", "0042", "नमस्ते, dard hai"],
]


def workbook(table):
    out = io.BytesIO()
    write_xlsx(table, out, "Bookings")
    return out.getvalue()


def test_every_cell_is_typed_text_and_reads_back_exactly():
    data = workbook(HOSTILE)
    sheet = load_workbook(io.BytesIO(data))["Bookings"]
    rows = [[c.value if c.value is not None else "" for c in row] for row in sheet.iter_rows()]
    assert rows == HOSTILE  # no quote added, nothing lost ("0042" keeps its zeros)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} == {"s"} and {c.number_format for c in cells} == {TEXT_FORMAT}
    assert all(c.font.bold for c in sheet[1]) and not any(c.font.bold for c in sheet[2])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # never a formula


def test_the_header_row_stays_in_view():
    sheet = load_workbook(io.BytesIO(workbook(HOSTILE)))["Bookings"]
    assert sheet.freeze_panes == "A2"
