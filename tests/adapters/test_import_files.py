"""Reading import files that were made to hurt: each is refused with a problem naming the cell,
row or part and the reason, within a fixed budget of memory and time.

Each hostile file is read in a forked child whose address space may grow by at most 512 MB and
which is killed after 20 seconds, so a reader that tries to swallow the file fails the test
instead of the machine.
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import struct
import zipfile
import zlib
from datetime import date
from typing import Any

import pytest

from coopledger.adapters import spreadsheets
from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.imports import ImportRejected

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<?xml version="1.0"?><styleSheet xmlns="{_MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
    ),
}
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>voucher_key</t></is></c></row>'
CAP = 512 * 1024 * 1024


def workbook(rows: str, shared: tuple[str, ...] = ("a",)) -> bytes:
    """A one-sheet XLSX workbook whose sheet data is ``rows`` (XML written by hand)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, text)
        strings = "".join(f"<si><t>{s}</t></si>" for s in shared)
        zf.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}">{strings}</sst>')
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}"><sheetData>{HEADER}{rows}</sheetData></worksheet>',
        )
    return out.getvalue()


def read_capped(data: bytes, filename: str = "f.xlsx") -> dict[str, Any]:
    """:func:`read_table` in a forked child with 512 MB more address space and 20 seconds.

    ``{"problems": [...]}`` when it refused the file, ``{"rows": [...]}`` when it read it.
    """
    status_path = f"/proc/{os.getpid()}/status"
    with open(status_path) as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(reader)
            resource.setrlimit(resource.RLIMIT_AS, (size + CAP, size + CAP))
            signal.alarm(20)
            try:
                table = read_table(data, filename)
                out: dict[str, Any] = {"rows": [list(table.headers), *map(list, table.rows)]}
            except ImportRejected as exc:
                out = {"problems": [p.text() for p in exc.problems]}
            except BaseException as exc:  # what the parent asserts against
                out = {"error": f"{exc.__class__.__name__}: {str(exc)[:200]}"}
            try:
                answer = json.dumps(out).encode()
            except MemoryError:  # read, but the table is too large to hand back
                answer = json.dumps({"error": "MemoryError: the table read is too large"}).encode()
            os.write(writer, answer)
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answer = pipe.read()
    _, status_code = os.waitpid(pid, 0)
    assert status_code == 0, f"the reader crashed or ran out of time (wait status {status_code})"
    result: dict[str, Any] = json.loads(answer)
    return result


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            '<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>',
            "row 2000000000, column A: the sheet reaches row 2,000,000,000; a file holds at "
            "most 200,000 data rows under its header row: split it into several files",
        ),
        (
            '<row r="2"><c r="ZZZZZZZZ2"><v>1</v></c></row>',
            "row 2, column ZZZZZZZZ: the sheet reaches column ZZZZZZZZ; at most 64 columns "
            "(A to BL) are read",
        ),
        (
            '<row r="2"><c r="A2"><v>1E999999999</v></c></row>',
            "row 2, column A: a number no spreadsheet holds (too large, or not a number)",
        ),
        (
            '<row r="2"><c r="A2" t="s"><v>99</v></c></row>',
            "row 2, column A: the cell refers to shared text number '99'; the workbook has 1: "
            "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8",
        ),
        (
            '<row r="60000"><c r="BL60000"><v>1</v></c></row><row r="60001"><c r="A60001">'
            '<v>1</v></c></row><row r="62501"><c r="A62501"><v>1</v></c></row>',
            "file: the sheet spans 62,501 rows × 64 columns; at most 4,000,000 cells: split it "
            "into several files",
        ),
        (  # a cell with no reference is placed by counting: 70 of them reach column BR
            "<row>" + "<c><v>1</v></c>" * 70 + "</row>",
            "row 2, column BM: the sheet reaches column BM; at most 64 columns (A to BL) are read",
        ),
    ],
    ids=["far-row", "far-column", "huge-exponent", "shared-text-index", "span", "unreferenced"],
)
def test_a_hostile_sheet_is_refused_naming_the_cell(rows: str, problem: str) -> None:
    assert read_capped(workbook(rows)) == {"problems": [problem]}


def _bomb(megabytes: int, declared: int | None = None) -> bytes:
    """A workbook whose shared-strings part unpacks to ``megabytes`` MB from a few hundred KB;
    with ``declared``, its headers claim that many bytes instead (and a matching CRC)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, text)
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}"><sheetData>{HEADER}</sheetData></worksheet>',
        )
        with zf.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<sst xmlns="{_MAIN}"><si><t>'.encode())
            block = b"x" * (16 << 20)
            for _ in range(megabytes // 16):
                part.write(block)
            part.write(b"</t></si></sst>")
    data = bytearray(out.getvalue())
    if declared is not None:
        head = f'<sst xmlns="{_MAIN}"><si><t>'.encode()
        crc = zlib.crc32((head + b"x" * declared)[:declared])
        name = b"xl/sharedStrings.xml"
        local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).header_offset
        struct.pack_into("<I", data, local + 14, crc)
        struct.pack_into("<I", data, local + 22, declared)
        central = bytes(data).find(b"PK\x01\x02")
        while bytes(data[central + 46 : central + 46 + len(name)]) != name:
            central = bytes(data).find(b"PK\x01\x02", central + 4)
        struct.pack_into("<I", data, central + 16, crc)
        struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(480)


def test_a_compression_bomb_is_refused_before_it_is_unpacked(bomb: bytes) -> None:
    assert len(bomb) < 3 * 1024 * 1024
    (problem,) = read_capped(bomb)["problems"]
    assert problem.startswith("file: part xl/sharedStrings.xml unpacks to 503,316,")
    assert problem.endswith(
        "times its packed size; at most 200 times: this is not a file Excel saves"
    )


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused() -> None:
    liar = _bomb(64, declared=1000)
    assert read_capped(liar) == {
        "problems": [
            "file: part xl/sharedStrings.xml unpacks to more than the 1,000 bytes it declares: "
            "this is not a file Excel saves"
        ]
    }


def _shared_sheet(texts: list[str], shown: list[int], quote: str = '"', prefix: str = "") -> bytes:
    """A workbook keeping ``texts`` as shared strings whose sheet shows ``shown[i]`` in cell
    ``A{i + 2}`` (``t="s"`` written with ``quote``, every tag with ``prefix``)."""
    x = f"{prefix}:" if prefix else ""
    namespace = f'xmlns:{prefix}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    rows = "".join(
        f"<{x}row r='{r}'><{x}c r=\"A{r}\" t={quote}s{quote}><{x}v>{i}</{x}v></{x}c></{x}row>"
        for r, i in enumerate(shown, start=2)
    )
    header = (
        f'<{x}row r="1"><{x}c r="A1" t="inlineStr"><{x}is><{x}t>memo</{x}t></{x}is></{x}c></{x}row>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, text)
        strings = "".join(f"<si><t>{t}</t></si>" for t in texts)
        zf.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}">{strings}</sst>')
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            f"<{x}worksheet {namespace}><{x}sheetData>{header}{rows}</{x}sheetData></{x}worksheet>",
        )
    return out.getvalue()


#: a text of 2,000 characters no packer shrinks 200 times
LONG = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2000))


@pytest.mark.parametrize(
    ("quote", "prefix"), [('"', ""), ("'", ""), ('"', "x")], ids=["plain", "quoted", "prefixed"]
)
def test_one_long_text_shown_in_many_cells_is_refused_before_it_is_copied(
    quote: str, prefix: str
) -> None:
    """Read whole, 100,000 cells showing one 2,000-character text would take a copy each (6 KB
    times 100,000 in calamine, and again in the table: beyond the child's 512 MB); the count of
    what the cells show refuses it while the file is under 1 MB."""
    data = _shared_sheet([LONG, "short"], [0] * 100_000, quote, prefix)
    assert len(data) < 1024 * 1024
    assert read_capped(data) == {
        "problems": [
            "file: the sheet's cells show more than 64 MB of text, a text kept once in the "
            "workbook counted again for every cell that shows it: split it into several files"
        ]
    }


def test_a_long_text_shown_once_among_many_short_ones_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counted by the quick count alone, across the chunks the sheet is unpacked in (4 KB here,
    so that hundreds of them end inside a cell)."""

    def exact(*args: object) -> int:
        raise AssertionError("the quick count gave up")

    monkeypatch.setattr(spreadsheets, "_shown_text_exact", exact)
    monkeypatch.setattr(spreadsheets, "_CHUNK", 4096)
    data = _shared_sheet([LONG, "short"], [0] + [1] * 40_000)
    rows = read_capped(data)["rows"]
    assert rows[:2] == [["memo"], [LONG]] and rows[2:] == [["short"]] * 40_000


def test_a_workbook_keeping_too_many_shared_texts_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_TEXTS", 1000)
    assert read_capped(_shared_sheet([str(i) for i in range(1001)], [0])) == {
        "problems": [
            "file: the workbook keeps more than 1,000 shared texts: split it into several files"
        ]
    }
    assert read_capped(_shared_sheet([str(i) for i in range(1000)], [999]))["rows"][1] == ["999"]


def test_a_cell_showing_a_text_the_workbook_lacks_is_named_by_the_count() -> None:
    data = _shared_sheet([LONG, "b"], [1] * 40_000 + [7])
    assert read_capped(data) == {
        "problems": [
            "row 40002, column A: the cell refers to shared text number '7'; the workbook has 2: "
            "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8"
        ]
    }


def test_numbers_are_exact_text_and_a_date_serial_out_of_range_stays_a_number() -> None:
    data = workbook(
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>1234.5</v></c><c r="C2" s="1">'
        '<v>46091</v></c><c r="D2"><v>102</v></c><c r="E2"><v>0.1</v></c>'
        '<c r="F2" s="1"><v>99999999999</v></c><c r="G2"><f>B2*2</f><v>2469</v></c></row>'
    )
    assert read_capped(data)["rows"][1] == [
        "a", "1234.5", "2026-03-10", "102", "0.1", "99999999999", "="
    ]  # fmt: skip


def _xls(write: Any) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    write(book.add_sheet("v"), xlwt)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_old_xls_workbook_is_read() -> None:
    def write(sheet: Any, xlwt: Any) -> None:
        for column, header in enumerate(["voucher_key", "date", "account", "debit", "credit"]):
            sheet.write(0, column, header)
        sheet.write(1, 0, "X1")
        sheet.write(1, 1, date(2026, 3, 10), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
        sheet.write(1, 2, 102)
        sheet.write(1, 3, 1234.5)
        sheet.write(2, 0, "X1")
        sheet.write(2, 1, "2026/3/10")
        sheet.write(2, 2, "301")
        sheet.write(2, 4, xlwt.Formula("D2"))

    table = read_table(_xls(write), "v.xls")
    assert table.rows == (
        ("X1", "2026-03-10", "102", "1234.5", ""),
        ("X1", "2026/3/10", "301", "", "="),
    )


def test_a_hostile_xls_workbook_is_refused() -> None:
    import olefile

    def write(sheet: Any, xlwt: Any) -> None:
        sheet.write(0, 0, "voucher_key")
        sheet.write(1, 0, "X1")

    data = bytearray(_xls(write))
    with olefile.OleFileIO(bytes(data)) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
    position = 0
    while position + 4 <= len(stream):  # the DIMENSIONS record: claim the widest sheet there is
        kind, size = struct.unpack_from("<HH", stream, position)
        if kind == 0x0200:
            struct.pack_into("<IIHH", stream, position + 4, 0, 0xFFFFFFF0, 0, 0xFFF0)
        position += 4 + size
    start = bytes(data).find(bytes(stream[:64]))
    data[start : start + len(stream)] = stream
    assert read_capped(bytes(data), "v.xls") == {
        "problems": [
            "row 4294967280, column CRWZ: the sheet reaches row 4,294,967,280; a file holds at "
            "most 200,000 data rows under its header row: split it into several files"
        ]
    }


def test_an_old_xls_showing_one_long_text_in_many_cells_is_refused_before_it_is_copied() -> None:
    """The same in an old .xls: its texts are kept once (SST) and its cells refer to them."""

    def write(sheet: Any, xlwt: Any) -> None:
        sheet.write(0, 0, "memo")
        for r in range(1, 20_001):
            row = sheet.row(r)
            for c in range(10):
                row.write(c, LONG)

    data = _xls(write)
    assert len(data) < 4 * 1024 * 1024
    assert read_capped(data, "v.xls") == {
        "problems": [
            "file: the sheet's cells show more than 64 MB of text, a text kept once in the "
            "workbook counted again for every cell that shows it: split it into several files"
        ]
    }


def _sst_stream(data: bytes) -> tuple[bytearray, int, int]:
    """The workbook stream of an .xls, where its SST record starts, and its first LABELSST's."""
    import olefile

    with olefile.OleFileIO(data) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
    sst = label = position = 0
    while position + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, position)
        sst = position if kind == 0x00FC and not sst else sst
        label = position if kind == 0x00FD and not label else label
        position += 4 + size
    return stream, sst, label


def _with_stream(data: bytes, stream: bytearray) -> bytes:
    out = bytearray(data)
    start = bytes(out).find(bytes(stream[:64]))
    out[start : start + len(stream)] = stream
    return bytes(out)


def test_an_xls_cell_showing_a_text_the_workbook_lacks_or_a_cut_text_table_is_refused() -> None:
    def write(sheet: Any, xlwt: Any) -> None:
        sheet.write(0, 0, "memo")
        sheet.write(1, 0, "一段备注")

    data = _xls(write)
    stream, sst, label = _sst_stream(data)
    lacking = bytearray(stream)
    struct.pack_into("<I", lacking, label + 4 + 6, 7)  # the header cell's text: number 7 of 2
    assert read_capped(_with_stream(data, lacking), "v.xls") == {
        "problems": [
            "row 1, column A: the cell refers to shared text number 7; the workbook has 2: open "
            "it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8"
        ]
    }
    cut = bytearray(stream)
    struct.pack_into("<I", cut, sst + 4 + 4, 1000)  # claims 1,000 texts where it keeps 2
    (problem,) = read_capped(_with_stream(data, cut), "v.xls")["problems"]
    assert problem.startswith("file: not a readable .xls file (")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'voucher_key,memo\nV1,"unclosed\nV2,next\nV3,"closed"\n',
            "row 2: not a readable CSV row (',' expected after '\"'): a quote (\") is opened and "
            "never closed, or text follows a closing quote",
        ),
        (
            'voucher_key,memo\nV1,"unclosed\nV2,next\n',
            'row 2: not a readable CSV row (unexpected end of data): a quote (") is opened and '
            "never closed, or text follows a closing quote",
        ),
        (
            'voucher_key,memo\nV1,"two\nlines"\n',
            'row 2, column B: a cell runs over several lines: a quote (") is opened and not '
            "closed where it should be, or a cell holds a line break",
        ),
    ],
    ids=["closed-later", "never-closed", "line-break"],
)
def test_a_csv_quote_left_open_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ImportRejected) as exc:
        read_table(text.encode(), "f.csv")
    assert [p.text() for p in exc.value.problems] == [problem]
