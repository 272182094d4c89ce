"""The typed-text workbook: every cell a shared string, read back exactly, no formula anywhere."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from clinicbot.store.xlsx import CUT_NOTE, MAX_CELL_CHARS, cell_text, column_name, write_xlsx

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_xlsx(data: bytes):
    """The table a workbook holds, with each cell's type and style (a reader of our own, as a spreadsheet reads it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        parts = {n: ET.fromstring(z.read(n)) for n in names}  # every part is well-formed XML
    strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in parts["xl/sharedStrings.xml"]]
    table, types = [], set()
    for row in parts["xl/worksheets/sheet1.xml"].iterfind(".//m:sheetData/m:row", NS):
        line = []
        for c in row.iterfind("m:c", NS):
            types.add((c.get("t"), c.get("s"), c.find("m:f", NS) is not None))
            line.append(strings[int(c.find("m:v", NS).text)])
        table.append(line)
    return names, table, types


@pytest.mark.parametrize(
    ("index", "name"), [(0, "A"), (14, "O"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_name(index, name):
    assert column_name(index) == name


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("plain", "plain"),
        ("bell\x07here", "bell_x0007_here"),  # XML cannot carry it: OOXML's escape
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("_x0041_", "_x005F_x0041_"),  # text that looks like the escape is escaped itself
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


def test_every_cell_is_typed_text_and_reads_back_exactly():
    out = io.BytesIO()
    write_xlsx(HOSTILE, out, "Bookings")
    names, table, types = read_xlsx(out.getvalue())
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
    assert table == HOSTILE  # no quote added, nothing lost ("0042" keeps its zeros)
    assert types == {("s", "2", False), ("s", "1", False)}  # shared strings; the header bold; never a formula


def test_the_text_style_is_the_text_number_format():
    out = io.BytesIO()
    write_xlsx(HOSTILE, out)
    with zipfile.ZipFile(out) as z:
        xfs = ET.fromstring(z.read("xl/styles.xml")).find("m:cellXfs", NS)
    assert [xf.get("numFmtId") for xf in xfs] == ["0", "49", "49"]  # 49 is "@": text


def test_the_same_table_gives_the_same_bytes():
    a, b = io.BytesIO(), io.BytesIO()
    write_xlsx(HOSTILE, a)
    write_xlsx(HOSTILE, b)
    assert a.getvalue() == b.getvalue()
