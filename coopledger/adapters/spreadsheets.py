"""CSV, XLSX and XLS bytes in and out; the books never see a file format.

Reading: the first sheet of an XLSX workbook or of an old ``.xls`` one, or a CSV file in UTF-8
(with or without a BOM) or GB18030 — what Excel on Chinese Windows saves — decoded into a
:class:`RawTable` of text cells. Any other encoding or a binary file is refused with a problem
that says what to do.

Every file is read within a fixed budget of memory and time, whatever it claims: at most 50 MB;
a workbook's parts unpack to at most 128 MB in all, none to more than 200 times its packed size
nor to more than the size it declares (checked while unpacking); a sheet reaches at most row
200,001 and column 64 (BL), and spans at most 4,000,000 cells; a cell holds at most 2,000
characters; a workbook keeps at most 2,000,000 shared texts, and the sheet's cells show at most
64 MB of them, a text counted again for every cell that shows it (a reader holds a copy per
cell: one long text shown in a million cells would take gigabytes); a CSV quote that is never
closed, or that swallows a line break, is refused. Each refusal names the part, row or cell and
the reason. Workbooks are read by calamine only once the sheet has been scanned and found within
these bounds.

Numbers become plain decimal text — the shortest that reads back as the stored number (``0.1``,
``1234.5``, ``102``), never a rounded float — which the importer then parses as strictly as typed
text; a number no spreadsheet holds (``1E999999999``) is refused. A date cell becomes
``2026-03-10``; a formula becomes ``=`` and the importer refuses it.

Writing: text cells go through :func:`coopledger.domain.cells.safe_text`, so nothing a member
typed runs as a formula; amounts are numbers in XLSX (two decimals shown) and plain decimals
in CSV; CSV is UTF-8 with a BOM, which Excel needs to show Chinese.
"""

from __future__ import annotations

import csv
import io
import math
import posixpath
import re
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from coopledger.domain.cells import safe_text
from coopledger.domain.exports import Amount, Cell, Quantity, Sheet
from coopledger.domain.imports import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportRejected,
    Problem,
    RawTable,
)
from coopledger.domain.money import format_amount, format_quantity

if TYPE_CHECKING:
    from zipfile import ZipInfo

#: what a workbook's parts may unpack to, in all
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
#: how many times its packed size a part may unpack to (parts under 1 MB are not held to it)
MAX_RATIO = 200
#: how many parts a workbook may have
MAX_PARTS = 1000
#: cells a sheet may span (its last row times its last column) or hold
MAX_CELLS = 4_000_000
#: texts a workbook may keep in its shared strings (each one a string in the reader's memory)
MAX_SHARED_TEXTS = 2_000_000
#: bytes of shared text the sheet's cells may show, a text counted once for each cell showing it
MAX_SHARED_TEXT = 64 * 1024 * 1024

_CONTROL = {chr(c) for c in range(32)} - {"\t", "\r", "\n"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
_RESAVE = "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8"


def _refuse(message: str, row: int = 0, column: str = "") -> ImportRejected:
    return ImportRejected([Problem(row, column, message)])


def read_table(data: bytes, filename: str = "") -> RawTable:
    """The first sheet of an XLSX or XLS workbook, or a CSV file, as text cells.

    :raise ImportRejected: empty, too large, an unknown encoding, not a readable spreadsheet, or
        beyond the bounds every file is read within (each problem names where and why).
    """
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB can be imported: split it into several files"
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _refuse("the file is empty")
    if data.startswith(_OLE):
        return _read_xls(data)
    if data.startswith(_ZIP):
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise _refuse(f"not a readable Excel file: {_RESAVE}")
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


def column_letters(number: int) -> str:
    """1 → ``A``, 26 → ``Z``, 27 → ``AA``."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27."""
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(ch) - 64
    return number


def _too_many_rows(row: int) -> str:
    return (
        f"the sheet reaches row {row:,}; a file holds at most {MAX_ROWS:,} data rows under its "
        "header row: split it into several files"
    )


def _too_wide(letters: str) -> str:
    return (
        f"the sheet reaches column {letters}; at most {MAX_COLUMNS} columns "
        f"(A to {column_letters(MAX_COLUMNS)}) are read"
    )


_TOO_LONG = f"a cell holds at most {MAX_CELL_CHARS:,} characters"


# -- CSV -------------------------------------------------------------------------------------------


def _read_csv(text: str) -> RawTable:
    newline = text.find("\n")
    first = text if newline < 0 else text[:newline]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[str, ...]] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if number > MAX_ROWS + 1:
                raise _refuse(_too_many_rows(number), number)
            if reader.line_num != number:  # a cell ran over a line break
                column = next(
                    (i for i, c in enumerate(record, 1) if "\n" in c or "\r" in c), len(record)
                )
                raise _refuse(
                    'a cell runs over several lines: a quote (") is opened and not closed where '
                    "it should be, or a cell holds a line break",
                    number,
                    column_letters(column),
                )
            if record and max(map(len, record)) > MAX_CELL_CHARS:
                column = next(i for i, c in enumerate(record, 1) if len(c) > MAX_CELL_CHARS)
                raise _refuse(_TOO_LONG, number, column_letters(column))
            rows.append(tuple(record))
    except csv.Error as exc:
        raise _refuse(
            f'not a readable CSV row ({exc}): a quote (") is opened and never closed, or text '
            "follows a closing quote",
            number + 1,
        ) from exc
    if not rows:
        raise _refuse("the file is empty")
    return RawTable(rows[0], tuple(rows[1:]))


# -- XLSX ------------------------------------------------------------------------------------------

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: a cell's start tag, with its reference when it is a plain ``r="B7"`` (else two empty groups)
_CELL = re.compile(rb'<c(?:\s[^>]*?(?<=\s)r="([A-Z]+)([0-9]+)"|[\s/>])')
_FORMULA = re.compile(rb"<f[\s/>]")
#: the same, for a sheet whose tags carry a namespace prefix (``<x:c r="B7">``)
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_CELL_PREFIXED = re.compile(_PREFIX + rb'c(?:\s[^>]*?(?<=\s)r="([A-Z]+)([0-9]+)"|[\s/>])')
_FORMULA_PREFIXED = re.compile(_PREFIX + rb"f[\s/>]")
_REF = re.compile(r"([A-Z]+)([0-9]+)")


class _Exact(Exception):
    """A chunk the quick scan cannot vouch for: the sheet is scanned again, element by element."""


def _read_xlsx(data: bytes) -> RawTable:
    import zipfile
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    if data.count(b"PK\x01\x02") > MAX_PARTS:  # before zipfile lists every entry it declares
        raise _refuse(f"the workbook has more than {MAX_PARTS:,} parts")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = _check_parts(zf.infolist())
        sheet = _first_sheet(data, infos)
        strings = _shared_strings_part(infos)
        formulas: set[tuple[int, int]] = set()
        cells = 0
        sizes = array("I")
        for info in infos.values():
            if info.filename == sheet:
                formulas, cells = _scan_sheet(data, info)
            if info is strings:
                sizes = _shared_sizes(data, info)
            if info.filename != sheet and info is not strings:
                for _chunk in _unpacked(data, info):
                    pass
        if sizes and cells * max(sizes) > MAX_SHARED_TEXT:
            _check_shown_text(data, infos[sheet], sizes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as exc:
        raise _refuse(f"not a readable .xlsx file ({exc}): {_RESAVE}") from exc
    except (NotImplementedError, RuntimeError) as exc:  # a zip feature Excel does not use
        raise _refuse(f"not a readable .xlsx file ({exc}): {_RESAVE}") from exc
    except (ParseError, ExpatError, KeyError, ValueError, struct.error) as exc:
        raise _refuse(f"not a readable .xlsx file ({exc.__class__.__name__}): {_RESAVE}") from exc
    try:
        return _calamine_table(data, formulas, ".xlsx")
    except ImportRejected as exc:
        if "shared strings" in exc.problems[0].message:
            try:
                _shown_text_exact(_unpacked(data, infos[sheet]), sizes, None)
            except (ImportRejected, MemoryError):
                raise
            except Exception:  # the cell cannot be named: calamine's own words stand
                pass
        raise


_SHARED = re.compile(_PREFIX + rb"si[\s/>]")
#: a cell showing a shared text, written plainly: ``<c r="B7" t="s"><v>12</v>``
_SHOWS_SHARED = re.compile(
    _PREFIX + rb'c\s[^>]*?(?<=\s)t="s"[^>]*>\s*' + _PREFIX + rb"v>\s*([0-9]{1,10})\s*<"
)
#: anything that may make a cell show a shared text (``t="s"``, ``t = 's'``, an entity): more
#: of these than plain cells above sends the sheet to the exact count
_SHARED_TYPE = re.compile(rb"""t\s*=\s*(?:"s"|'s'|["']&)""")
_TOO_MUCH_TEXT = (
    f"the sheet's cells show more than {MAX_SHARED_TEXT // 1024 // 1024} MB of text, a text kept "
    "once in the workbook counted again for every cell that shows it: split it into several files"
)


def _shared_strings_part(infos: dict[str, ZipInfo]) -> ZipInfo | None:
    """The part calamine reads the shared texts from (its name in any ASCII letter case)."""
    parts = [i for n, i in infos.items() if n.encode().lower() == b"xl/sharedstrings.xml"]
    if len(parts) > 1:
        raise _refuse(f"the workbook has {len(parts)} shared-strings parts: {_RESAVE}")
    return parts[0] if parts else None


def _shared_sizes(data: bytes, info: ZipInfo) -> array[int]:
    """For each shared text, in order, the bytes its ``<si>`` element spans in the part (up to
    the next one): no less than the text it holds.

    :raise ImportRejected: more than :data:`MAX_SHARED_TEXTS` texts.
    """
    starts = array("Q")
    tail, offset = b"", 0  # offset: where ``tail`` begins in the part

    def found(buf: bytes, end: int) -> None:
        starts.extend(offset + m.start() for m in _SHARED.finditer(buf, 0, end))
        if len(starts) > MAX_SHARED_TEXTS:
            raise _refuse(
                f"the workbook keeps more than {MAX_SHARED_TEXTS:,} shared texts: split it into "
                "several files"
            )

    for chunk in _unpacked(data, info):
        buf = tail + chunk
        cut = max(buf.rfind(b"<"), 0)  # a start tag is whole before the last "<"
        found(buf, cut)
        tail, offset = buf[cut:], offset + cut
        if len(tail) > _CHUNK:  # text without tags: the tag it starts with is whole by now
            if _SHARED.match(tail):
                starts.append(offset)
            tail, offset = b"", offset + len(tail)
    found(tail, len(tail))
    ends = chain(islice(starts, 1, None), (info.file_size,))
    return array("I", (end - start for start, end in zip(starts, ends, strict=True)))


def _check_shown_text(data: bytes, info: ZipInfo, sizes: array[int]) -> None:
    """:raise ImportRejected: the sheet's cells show more than :data:`MAX_SHARED_TEXT` bytes of
    shared text, or one refers to a text the workbook does not keep.

    The quick count reads plain cells with a regular expression, chunk by chunk, each chunk cut
    where a cell starts; a chunk with a cell it cannot read sends the sheet to the exact count.
    """
    try:
        tail, shown = b"", 0
        for chunk in _unpacked(data, info):
            buf = tail + chunk
            cell = buf.rfind(b":c")
            cut = max(buf.rfind(b"<c"), buf.rfind(b"<", 0, cell) if cell >= 0 else -1)
            if cut <= 0:
                cut = max(buf.rfind(b"<"), 0)
            shown += _shown_text_quick(buf[:cut], sizes)
            if shown > MAX_SHARED_TEXT:
                raise _refuse(_TOO_MUCH_TEXT)
            tail = buf[cut:]
            if len(tail) > _CHUNK:
                raise _Exact
        shown += _shown_text_quick(tail, sizes)
    except _Exact:
        shown = _shown_text_exact(_unpacked(data, info), sizes, MAX_SHARED_TEXT)
    if shown > MAX_SHARED_TEXT:
        raise _refuse(_TOO_MUCH_TEXT)


def _shown_text_quick(buf: bytes, sizes: array[int]) -> int:
    indexes = _SHOWS_SHARED.findall(buf)
    if len(indexes) != len(_SHARED_TYPE.findall(buf)):
        raise _Exact
    try:
        return sum(sizes[int(i)] for i in indexes)
    except IndexError:  # a text the workbook does not keep: the exact count names the cell
        raise _Exact from None


def _shown_text_exact(chunks: Iterable[bytes], sizes: array[int], budget: int | None) -> int:
    """The bytes of shared text the sheet's cells show, read element by element.

    :raise ImportRejected: naming the first cell that refers to a text the workbook does not
        keep; or, past ``budget``, the sheet shows too much.
    """
    from xml.parsers import expat

    cell: list[str] = []
    text: list[str] = []
    shown = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            shared = any(k.rpartition(":")[2] == "t" and v == "s" for k, v in attrs.items())
            cell[:] = [attrs.get("r", "?")[:20]] if shared else []
            text.clear()
        elif local == "v":
            text.clear()

    def data_(chars: str) -> None:
        if cell and len(text) < 20:
            text.append(chars)

    def end(name: str) -> None:
        nonlocal shown
        if name.rpartition(":")[2] == "v" and cell:
            index = "".join(text).strip()
            digits = index.removeprefix("+")
            if not (digits.isascii() and digits.isdigit()) or int(digits[:12]) >= len(sizes):
                match = _REF.fullmatch(cell[0])
                raise _refuse(
                    f"the cell refers to shared text number {index[:12]!r}; the workbook has "
                    f"{len(sizes):,}: {_RESAVE}",
                    int(match[2][:12]) if match else 0,
                    match[1] if match else "",
                )
            shown += sizes[int(digits)]
            if budget is not None and shown > budget:
                raise _refuse(_TOO_MUCH_TEXT)
            cell.clear()

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = data_
    parser.EndElementHandler = end
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return shown


def _check_parts(infos: list[ZipInfo]) -> dict[str, ZipInfo]:
    """The parts by name, once their declared sizes are within bounds."""
    import zipfile

    if len(infos) > MAX_PARTS:
        raise _refuse(f"the workbook has {len(infos):,} parts; at most {MAX_PARTS:,}")
    total = 0
    for info in infos:
        if info.flag_bits & 1:
            raise _refuse("the file is password-protected: remove the password and save it again")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(f"part {info.filename} is packed in a way Excel does not use: {_RESAVE}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _CHUNK and ratio > MAX_RATIO:
            raise _refuse(
                f"part {info.filename} unpacks to {info.file_size:,} bytes, {ratio:,.0f} times "
                f"its packed size; at most {MAX_RATIO} times: this is not a file Excel saves"
            )
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise _refuse(
            f"the workbook unpacks to {total / 1024 / 1024:,.0f} MB; at most "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB: split it into several files"
        )
    return {info.filename: info for info in infos}


def _unpacked(data: bytes, info: ZipInfo) -> Iterator[bytes]:
    """A part's bytes in chunks; never more than the size the file declares for it.

    :raise ImportRejected: the part unpacks to more (or less) than it declares.
    """
    import zipfile

    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or not header.startswith(_ZIP):
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    packed = memoryview(data)[start : start + info.compress_size]
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(packed), _CHUNK):
            chunk = bytes(packed[offset : offset + _CHUNK])
            produced += len(chunk)
            yield chunk
    else:
        inflate = zlib.decompressobj(-15)
        offset = 0
        while not inflate.eof:
            if inflate.unconsumed_tail:
                source = inflate.unconsumed_tail
            elif offset < len(packed):
                source, offset = bytes(packed[offset : offset + _CHUNK]), offset + _CHUNK
            else:
                raise zipfile.BadZipFile(f"part {info.filename} is cut short")
            chunk = inflate.decompress(source, _CHUNK)
            produced += len(chunk)
            if produced > info.file_size:
                raise _refuse(
                    f"part {info.filename} unpacks to more than the {info.file_size:,} bytes it "
                    "declares: this is not a file Excel saves"
                )
            if chunk:
                yield chunk
    if produced != info.file_size:
        raise zipfile.BadZipFile(f"part {info.filename} is not the size it declares")


def _part(data: bytes, info: ZipInfo, limit: int = 4 * 1024 * 1024) -> bytes:
    if info.file_size > limit:
        raise _refuse(f"part {info.filename} is {info.file_size:,} bytes; at most {limit:,}")
    return b"".join(_unpacked(data, info))


def _first_sheet(data: bytes, infos: dict[str, ZipInfo]) -> str:
    """The name of the part that holds the workbook's first sheet."""
    from xml.etree.ElementTree import fromstring

    if "xl/workbook.xml" not in infos or "xl/_rels/workbook.xml.rels" not in infos:
        raise _refuse(f"not an .xlsx workbook: {_RESAVE}")
    first = fromstring(_part(data, infos["xl/workbook.xml"])).find(f"{_NS}sheets/{_NS}sheet")
    if first is None:
        raise _refuse("the workbook has no sheet")
    rid = first.get(f"{_REL}id")
    rels = fromstring(_part(data, infos["xl/_rels/workbook.xml.rels"]))
    target = next(
        (r.get("Target") for r in rels.iter(f"{_PKG}Relationship") if r.get("Id") == rid), None
    )
    path = (
        target.lstrip("/")
        if target and target.startswith("/")
        else posixpath.normpath(f"xl/{target}")
    )
    if path not in infos:
        raise _refuse(f"the workbook's first sheet ({target}) is missing: {_RESAVE}")
    return path


def _scan_sheet(data: bytes, info: ZipInfo) -> tuple[set[tuple[int, int]], int]:
    """Check every cell reference of the sheet while it is unpacked; the cells (row, column,
    counted from 1) that hold a formula, and how many cells there are."""
    scan = _Scan()
    try:
        tail = b""
        for chunk in _unpacked(data, info):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            if cut <= 0:
                tail = buf
                continue
            scan.quick(buf[:cut])
            tail = buf[cut:]
            if len(tail) > _CHUNK:
                raise _Exact
        scan.quick(tail)
    except _Exact:
        scan = _Scan()
        scan.exact(_unpacked(data, info))
    scan.check_span()
    return scan.formulas, scan.cells


class _Scan:
    """The bounds of a sheet's cell references, and the cells that hold a formula.

    The quick scan reads the references with two regular expressions; a chunk where some cell
    has no plain ``r="B7"`` reference sends the whole sheet to :meth:`exact`, an XML parse.
    """

    def __init__(self) -> None:
        self.formulas: set[tuple[int, int]] = set()
        self.rows = self.columns = self.cells = 0
        self.last = (0, 0)  # the last cell seen: a formula's cell when its tag is further on

    def quick(self, buf: bytes) -> None:
        prefixed = b":c" in buf or b":f" in buf
        cell, formula = (_CELL_PREFIXED, _FORMULA_PREFIXED) if prefixed else (_CELL, _FORMULA)
        refs = cell.findall(buf)
        if formula.search(buf):
            self._locate_formulas(buf, cell, formula)
        if not refs:
            return
        letters, digits = zip(*refs, strict=True)
        if b"" in letters:  # a cell without a plain reference: only a parse can place it
            raise _Exact
        self.cells += len(refs)
        if self.cells > MAX_CELLS:
            raise _refuse(f"the sheet holds more than {MAX_CELLS:,} cells")
        if max(map(len, digits)) > 7 or max(map(len, letters)) > 3:
            bad = next(i for i, d in enumerate(digits) if len(d) > 7 or len(letters[i]) > 3)
            self.cell(letters[bad].decode(), int(digits[bad][:12]))
        rows = list(map(int, digits))
        top, low = max(rows), min(rows)
        if top > MAX_ROWS + 1 or low < 1:
            bad = rows.index(top if top > MAX_ROWS + 1 else low)
            self.cell(letters[bad].decode(), rows[bad])
        widest = max(set(letters), key=lambda a: (len(a), a))
        self.cell(widest.decode(), rows[letters.index(widest)])
        self.rows = max(self.rows, top)
        self.last = (rows[-1], _column_number(letters[-1]))

    def _locate_formulas(
        self, buf: bytes, cell: re.Pattern[bytes], formula: re.Pattern[bytes]
    ) -> None:
        refs = [(m.start(), m[1] or b"", m[2] or b"") for m in cell.finditer(buf)]
        if any(not letters for _, letters, _ in refs):
            raise _Exact
        i, last = 0, self.last
        for m in formula.finditer(buf):
            while i < len(refs) and refs[i][0] < m.start():
                last = (int(refs[i][2][:12]), _column_number(refs[i][1]))
                i += 1
            self.formulas.add(last)

    def cell(self, letters: str, row: int) -> None:
        """Check one reference: :raise ImportRejected: beyond the bounds of a sheet."""
        if row < 1 or not letters:
            raise _refuse(f"cell {letters}{row} is not a cell such as B7: {_RESAVE}")
        if row > MAX_ROWS + 1:
            raise _refuse(_too_many_rows(row), row, letters)
        column = _column_number(letters) if len(letters) <= 3 else MAX_COLUMNS + 1
        if column > MAX_COLUMNS:
            raise _refuse(_too_wide(letters), row, letters)
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)

    def check_span(self) -> None:
        if self.rows * self.columns > MAX_CELLS:
            raise _refuse(
                f"the sheet spans {self.rows:,} rows × {self.columns} columns; at most "
                f"{MAX_CELLS:,} cells: split it into several files"
            )

    def exact(self, chunks: Iterable[bytes]) -> None:
        from xml.parsers import expat

        row = column = 0
        parser = expat.ParserCreate()

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, column
            local = name.rpartition(":")[2]
            if local == "row":
                text = attrs.get("r", "")
                row = int(text[:12]) if text.isascii() and text.isdigit() else row + 1
                column = 0
                if row > MAX_ROWS + 1:
                    raise _refuse(_too_many_rows(row), row)
            elif local == "c":
                self.cells += 1
                if self.cells > MAX_CELLS:
                    raise _refuse(f"the sheet holds more than {MAX_CELLS:,} cells")
                ref = attrs.get("r")
                if ref is None:
                    column += 1
                    letters = column_letters(min(column, MAX_COLUMNS + 1))
                else:
                    match = _REF.fullmatch(ref)
                    if match is None:
                        raise _refuse(f"cell {ref[:20]!r} is not a cell such as B7: {_RESAVE}")
                    letters, row = match[1], int(match[2][:12])
                    column = _column_number(letters) if len(letters) <= 3 else MAX_COLUMNS + 1
                self.cell(letters, row)
            elif local == "f":
                self.formulas.add((row, column))

        parser.StartElementHandler = start
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


# -- XLS -------------------------------------------------------------------------------------------

#: BIFF records that hold one cell and start with its row and column
_BIFF_CELLS = {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204}
_BIFF_CELLS |= {0x0205, 0x027E, 0x0006, 0x0206, 0x0406}
_BIFF_FORMULAS = {0x0006, 0x0206, 0x0406}
_BIFF_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: a row, a first and (at the end) a last column
_BIFF_EOF, _BIFF_BOUNDSHEET, _BIFF_SST, _BIFF_DIMENSIONS = 0x000A, 0x0085, 0x00FC, 0x0200
_BIFF_CONTINUE, _BIFF_LABELSST = 0x003C, 0x00FD


def _read_xls(data: bytes) -> RawTable:
    """An old Excel 97–2003 workbook: its records are scanned for the first sheet's bounds and
    formulas before calamine reads it."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise _refuse(
                    "the file is password-protected: remove the password and save it again"
                )
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise _refuse(f"not an Excel workbook: {_RESAVE}")
            stream = ole.openstream(name).read()
    except ImportRejected:
        raise
    except Exception as exc:  # olefile raises what it meets: every one means the same here
        raise _refuse(f"not a readable .xls file ({exc.__class__.__name__}): {_RESAVE}") from exc
    try:
        formulas = _scan_biff(stream)
    except (struct.error, IndexError) as exc:  # a record cut short
        raise _refuse(f"not a readable .xls file ({exc.__class__.__name__}): {_RESAVE}") from exc
    return _calamine_table(data, formulas, ".xls")


def _scan_biff(stream: bytes) -> set[tuple[int, int]]:
    """Check the first sheet's records; the cells (row, column, counted from 1) with a formula."""
    end, pos, first = len(stream), 0, None
    sizes = array("I")
    while pos + 4 <= end:  # the workbook globals, up to their EOF record
        kind, size = struct.unpack_from("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + size
        if kind == _BIFF_BOUNDSHEET and first is None and size >= 4:
            first = struct.unpack_from("<I", stream, body)[0]
        elif kind == _BIFF_SST and size >= 8:
            unique = struct.unpack_from("<I", stream, body + 4)[0]
            if unique > end // 3:
                raise _refuse(f"the workbook claims {unique:,} texts; it cannot hold that many")
            if unique > MAX_SHARED_TEXTS:
                raise _refuse(
                    f"the workbook keeps more than {MAX_SHARED_TEXTS:,} shared texts: split it "
                    "into several files"
                )
            records = [stream[body + 8 : pos]]
            while pos + 4 <= end and struct.unpack_from("<H", stream, pos)[0] == _BIFF_CONTINUE:
                size = struct.unpack_from("<H", stream, pos + 2)[0]
                records.append(stream[pos + 4 : pos + 4 + size])
                pos += 4 + size
            sizes = _biff_text_sizes(records, unique)
        elif kind == _BIFF_EOF:
            break
    if first is None or first >= end:
        raise _refuse(f"the workbook has no sheet: {_RESAVE}")
    scan, formulas, pos, shown = _Scan(), set(), first, 0
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + size
        if kind in _BIFF_CELLS and size >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            cells = 1
            if kind in _BIFF_FORMULAS:
                formulas.add((row + 1, column + 1))
            elif kind == _BIFF_LABELSST and size >= 10:
                index = struct.unpack_from("<I", stream, body + 6)[0]
                if index >= len(sizes):
                    raise _refuse(
                        f"the cell refers to shared text number {index}; the workbook has "
                        f"{len(sizes):,}: {_RESAVE}",
                        row + 1,
                        column_letters(column + 1),
                    )
                shown += sizes[index]
                if shown > MAX_SHARED_TEXT:
                    raise _refuse(_TOO_MUCH_TEXT)
        elif kind in _BIFF_MULTI and size >= 6:
            row, first_column = struct.unpack_from("<HH", stream, body)
            column = struct.unpack_from("<H", stream, body + size - 2)[0]
            cells = max(column - first_column + 1, 1)
        elif kind == _BIFF_DIMENSIONS and size >= 10:
            wide = size >= 14
            last_row, last_column = struct.unpack_from(
                "<IxxH" if wide else "<HxxH", stream, body + (4 if wide else 2)
            )
            scan.cell(column_letters(max(last_column, 1)), max(last_row, 1))
            continue
        elif kind == _BIFF_EOF:
            break
        else:
            continue
        scan.cells += cells
        if scan.cells > MAX_CELLS:
            raise _refuse(f"the sheet holds more than {MAX_CELLS:,} cells")
        scan.cell(column_letters(column + 1), row + 1)
    scan.check_span()
    return formulas


def _biff_text_sizes(records: list[bytes], count: int) -> array[int]:
    """The UTF-8 size, at most, of each of the ``count`` texts of an SST record's body (after
    its two counts) and its CONTINUE records: a text of n characters stored one byte each (Latin-1)
    takes at most 2n, stored two bytes each (UTF-16) at most 3n.

    A text's characters may run on into the next record, which then starts with one byte saying
    how they are stored; its rich-text runs and phonetic data are skipped (the layout xlrd reads).

    :raise IndexError, struct.error: the records end before the texts do.
    """
    sizes = array("I")
    index, data, pos = 0, records[0], 0
    for _ in range(count):
        if pos >= len(data):  # the text starts in the next record
            pos -= len(data)
            index += 1
            data = records[index]
        chars, options = struct.unpack_from("<HB", data, pos)
        pos += 3
        runs = phonetic = 0
        if options & 0x08:
            runs = struct.unpack_from("<H", data, pos)[0]
            pos += 2
        if options & 0x04:
            phonetic = struct.unpack_from("<I", data, pos)[0]
            pos += 4
        got, utf8 = 0, 0
        while True:
            wide = options & 0x01
            here = min((len(data) - pos) >> 1 if wide else len(data) - pos, chars - got)
            pos += here * (2 if wide else 1)
            got += here
            utf8 += here * (3 if wide else 2)
            if got == chars:
                break
            index += 1
            data = records[index]
            options, pos = data[0], 1
        sizes.append(utf8)
        pos += 4 * runs + phonetic
        while pos > len(data) and index + 1 < len(records):
            pos -= len(data)
            index += 1
            data = records[index]
    return sizes


# -- both workbook kinds: calamine reads the sheet scanned above ------------------------------------


def _calamine_table(data: bytes, formulas: set[tuple[int, int]], kind: str) -> RawTable:
    """The first sheet's cells as text; each cell in ``formulas`` (row, column, counted from 1)
    becomes ``=``."""
    from python_calamine import CalamineWorkbook

    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            sheet = book.get_sheet_by_index(0)
            top, left = sheet.start or (0, 0)
            grid = [
                _row_text(values, top + i + 1, left) for i, values in enumerate(sheet.iter_rows())
            ]
    except ImportRejected:
        raise
    except BaseException as exc:  # calamine's own errors, and a Rust panic (not an Exception)
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise _refuse(f"not a readable {kind} file ({exc}): {_RESAVE}") from exc
    for row, column in sorted(formulas):
        if row < 1 or column < 1:
            continue
        while top >= row:  # a formula with no value above the cells that have one
            grid.insert(0, [])
            top -= 1
        while len(grid) < row - top:
            grid.append([])
        cells = grid[row - top - 1]
        cells.extend([""] * (column - len(cells)))
        cells[column - 1] = "="
    while grid and not any(grid[-1]):
        grid.pop()
    while grid and not any(grid[0]):
        grid.pop(0)
        top += 1
    if not grid:
        raise _refuse("the file is empty")
    return RawTable(tuple(grid[0]), tuple(tuple(r) for r in grid[1:]), first_row=top + 2)


def _row_text(values: list[Any], row: int, left: int) -> list[str]:
    texts: list[Any] = [v if v.__class__ is str else _text(v) for v in values]
    if texts and (None in texts or max(map(len, texts)) > MAX_CELL_CHARS):
        column = next(i for i, t in enumerate(texts) if t is None or len(t) > MAX_CELL_CHARS)
        raise _refuse(
            _TOO_LONG
            if texts[column] is not None
            else "a number no spreadsheet holds (too large, or not a number)",
            row,
            column_letters(left + column + 1),
        )
    return [""] * left + texts if left else texts


def _text(value: object) -> str | None:
    """A cell's value as text; None for a number that is not finite."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # the shortest text that reads back as this float: 0.1 stays "0.1", 1234.5 stays
        # "1234.5"; a float that is not a plain two-decimal amount is then refused, never rounded
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    return "" if value is None else str(value)


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
