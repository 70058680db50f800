"""CSV and XLSX bytes in and out; the books never see a file format.

Reading: an XLSX workbook (its first sheet) or a CSV file in UTF-8 (with or without a BOM) or
GB18030 — what Excel on Chinese Windows saves — decoded into a :class:`RawTable` of text cells.
Any other encoding, a binary file, an old ``.xls`` or a file over 50 MB is refused with a problem
that says what to do. XLSX numbers become plain decimal text (the importer then parses them as
strictly as typed text); a formula stays a formula (``=…``) and the importer refuses it.

Writing: text cells go through :func:`coopledger.domain.cells.safe_text`, so nothing a member
typed runs as a formula; amounts are numbers in XLSX (two decimals shown) and plain decimals
in CSV; CSV is UTF-8 with a BOM, which Excel needs to show Chinese.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from coopledger.domain.cells import safe_text
from coopledger.domain.exports import Amount, Cell, Quantity, Sheet
from coopledger.domain.imports import MAX_FILE_BYTES, ImportRejected, Problem, RawTable
from coopledger.domain.money import format_amount, format_quantity

_CONTROL = {chr(c) for c in range(32)} - {"\t", "\r", "\n"}


def _refuse(message: str) -> ImportRejected:
    return ImportRejected([Problem(0, "", message)])


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def read_table(data: bytes, filename: str = "") -> RawTable:
    """The first sheet of an XLSX file, or a CSV file, as text cells.

    :raise ImportRejected: empty, too large, an unknown encoding, or not a readable spreadsheet.
    """
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB can be imported: split it into several files"
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse("the file is empty")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse("an old Excel .xls file: save it as .xlsx or as CSV UTF-8 first")
    if is_xlsx(data, filename):
        return _read_xlsx(data)
    return _read_csv(decode(data))


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else GB18030. :raise ImportRejected: neither, or binary content."""
    text: str | None = None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or any(ch in _CONTROL for ch in text[:65536]):
        raise _refuse(
            "the file is in an unknown encoding: save it as CSV UTF-8 (or GB18030), or as .xlsx"
        )
    return text


def _read_csv(text: str) -> RawTable:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _refuse(f"not a readable CSV file: {exc}") from exc
    if not rows:
        raise _refuse("the file is empty")
    return RawTable(rows[0], tuple(rows[1:]))


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: built-in number formats that show a date (ECMA-376 §18.8.30, with the CJK ones)
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_EPOCH = date(1899, 12, 30)


def _read_xlsx(data: bytes) -> RawTable:
    """The first worksheet, read straight from its XML (openpyxl's cell objects are ~20 times
    slower on a 100,000-row file); openpyxl reads anything this reader does not expect."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            rows = _sheet_rows(zf)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        return _read_xlsx_openpyxl(data)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise _refuse("the file is empty")
    return RawTable(tuple(rows[0]), tuple(tuple(r) for r in rows[1:]))


def _sheet_rows(zf: Any) -> list[list[str]]:
    from xml.etree.ElementTree import fromstring, iterparse

    book = fromstring(zf.read("xl/workbook.xml"))
    first = book.find(f"{_NS}sheets/{_NS}sheet")
    if first is None:
        raise ValueError("no worksheet")
    rid = first.get(f"{_REL}id")
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (r.get("Target") for r in rels.iter(f"{_PKG}Relationship") if r.get("Id") == rid), None
    )
    if target is None:
        raise ValueError("the first worksheet has no part")
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        for si in fromstring(zf.read("xl/sharedStrings.xml")).iter(f"{_NS}si"):
            shared.append("".join(t.text or "" for t in si.iter(f"{_NS}t")))
    dates = _date_styles(zf)
    rows: list[list[str]] = []
    current: list[str] = []
    columns: dict[str, int] = {}
    c_tag, v_tag, f_tag, is_tag, t_tag, row_tag = (
        f"{_NS}c",
        f"{_NS}v",
        f"{_NS}f",
        f"{_NS}is",
        f"{_NS}t",
        f"{_NS}row",
    )
    with zf.open(path) as stream:
        for _event, el in iterparse(stream, events=("end",)):
            tag = el.tag
            if tag == c_tag:
                ref = el.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = _column_number(letters)
                    while len(current) < column - 1:
                        current.append("")
                current.append(_cell(el, shared, dates, v_tag, f_tag, is_tag, t_tag))
                el.clear()
            elif tag == row_tag:
                number = int(el.get("r") or len(rows) + 1)
                while len(rows) < number - 1:
                    rows.append([])
                rows.append(current)
                current = []
                el.clear()
    return rows


def _column_number(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _cell(
    el: Any, shared: list[str], dates: set[int], v_tag: str, f_tag: str, is_tag: str, t_tag: str
) -> str:
    text = ""
    inline = None
    for child in el:  # ElementTree's find() parses its path on every call: iterate instead
        tag = child.tag
        if tag == v_tag:
            text = child.text or ""
        elif tag == f_tag:
            return "=" + (child.text or "")
        elif tag == is_tag:
            inline = child
    kind = el.get("t", "n")
    if kind == "s":
        return shared[int(text)] if text else ""
    if kind == "inlineStr":
        return "".join(t.text or "" for t in inline.iter(t_tag)) if inline is not None else ""
    if kind == "b":
        return "yes" if text == "1" else "no"
    if kind in ("str", "e") or not text:
        return text
    if dates and int(el.get("s", "0")) in dates:
        return (_EPOCH + timedelta(days=int(Decimal(text)))).isoformat()
    if "E" in text or "e" in text:
        return format(Decimal(text), "f")
    return text


def _date_styles(zf: Any) -> set[int]:
    """The cell styles whose number format shows a date."""
    from xml.etree.ElementTree import fromstring

    if "xl/styles.xml" not in zf.namelist():
        return set()
    styles = fromstring(zf.read("xl/styles.xml"))
    custom = set()
    for fmt in styles.iter(f"{_NS}numFmt"):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", fmt.get("formatCode", "")).lower()
        if any(ch in code for ch in "ydh年月日"):
            custom.add(int(fmt.get("numFmtId", "0")))
    xfs = styles.find(f"{_NS}cellXfs")
    if xfs is None:
        return set()
    return {
        i
        for i, xf in enumerate(xfs.iter(f"{_NS}xf"))
        if int(xf.get("numFmtId", "0")) in _DATE_FORMATS | custom
    }


def _read_xlsx_openpyxl(data: bytes) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _refuse(f"not a readable .xlsx file ({exc.__class__.__name__})") from exc
    try:
        sheet = book.worksheets[0]
        rows = [tuple(_text(v) for v in r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise _refuse("the file is empty")
    return RawTable(rows[0], tuple(rows[1:]))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # the shortest text that reads back as this float: 0.1 stays "0.1", 1234.5 stays
        # "1234.5"; a float that is not a plain two-decimal amount is then refused, never rounded
        return format(Decimal(repr(value)), "f") if value == value else "NaN"
    return str(value)


# -- writing ---------------------------------------------------------------------------------------


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Amount):
        return format_amount(cell.fen)
    if isinstance(cell, Quantity):
        return format_quantity(cell.milli)
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, int):
        return str(cell)
    return safe_text(cell)


def write_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a BOM; one header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow([_csv_cell(c) for c in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per sheet; amounts and quantities as numbers, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.name[:31])
        header = []
        for h in sheet.headers:
            cell = WriteOnlyCell(ws, value=safe_text(h))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_xlsx_cell(ws, c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(ws: object, cell: Cell) -> object:
    from openpyxl.cell import WriteOnlyCell

    if cell is None:
        return None
    if isinstance(cell, Amount):
        c = WriteOnlyCell(ws, value=Decimal(cell.fen).scaleb(-2))
        c.number_format = "#,##0.00"
        return c
    if isinstance(cell, Quantity):
        return Decimal(cell.milli).scaleb(-3)
    if isinstance(cell, date):
        c = WriteOnlyCell(ws, value=cell)
        c.number_format = "yyyy-mm-dd"
        return c
    if isinstance(cell, bool | int):
        return cell
    return safe_text(cell)


def write_template(headers: Iterable[str], xlsx: bool) -> bytes:
    sheet = Sheet("import", tuple(headers), ())
    return write_xlsx([sheet]) if xlsx else write_csv(sheet)
