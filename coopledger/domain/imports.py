"""Spreadsheet rows into the books: the columns of each kind, and every problem at once.

A file is a table of text cells (the adapter decodes CSV or XLSX into one). Each import kind fixes
its English headers; Chinese headers are accepted as aliases. Parsing never stops at the first
problem: every cell is checked and each problem is a :class:`Problem` naming the row (as the
spreadsheet numbers it, the header being row 1), the column, the voucher key or member number,
and the reason. Nothing here touches a database.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from coopledger.domain.assets import AssetClass, AssetKind, AssetUse, FixedAsset, Method
from coopledger.domain.bounds import DATE_RANGE_MESSAGE, MAX_LIFE_MONTHS, MAX_UNITS, date_in_range
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.members import MEMBER_NO_RE, MemberKind, PovertyStatus, id_number_problem
from coopledger.domain.money import AmountError, parse_amount, parse_quantity

KINDS = ("members", "accounts", "opening-balances", "vouchers", "transactions", "assets")
MAX_FILE_BYTES = 50 * 1024 * 1024  # 50 MB: larger files are refused before they are read
MAX_ROWS = 200_000  # data rows a file may hold (the header row comes on top)
MAX_COLUMNS = 64  # columns a sheet may reach (the widest kind has 16)
MAX_CELL_CHARS = 2000  # characters one cell may hold
MAX_PROBLEMS = 1000  # a report lists this many; the count says how many more there were


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file. ``row`` 0 is the file itself, 1 its header row."""

    row: int
    column: str
    message: str
    key: str = ""

    def text(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        if self.key:
            where += f" ({self.key})"
        return f"{where}: {self.message}"

    @property
    def path(self) -> str:
        """The field path the API reports it under: ``rows.3.debit``."""
        base = "file" if self.row == 0 else f"rows.{self.row}"
        return f"{base}.{self.column}" if self.column else base


class ImportRejected(ValidationFailed):
    """The file has problems; nothing was written. ``problems`` lists each one."""

    code = "import_rejected"

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None) -> None:
        shown = list(problems)[:MAX_PROBLEMS]
        count = total if total is not None else len(problems)
        errors: dict[str, list[str]] = {}
        for p in shown:
            errors.setdefault(p.path, []).append(f"{p.key}: {p.message}" if p.key else p.message)
        first = "; ".join(p.text() for p in shown[:3]) + ("; …" if count > 3 else "")
        message = (
            f"{first} — nothing was imported"
            if count == 1
            else f"the file has {count} problems; nothing was imported: {first}"
        )
        super().__init__(message, errors=errors)
        self.problems = shown
        self.total = count


@dataclass(frozen=True, slots=True)
class RawTable:
    """A decoded spreadsheet: the header cells and the data rows, every cell as text."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    first_row: int = 2  # the spreadsheet's number of the first data row


def header_index(
    headers: Sequence[str], columns: Sequence[str], aliases: Mapping[str, str]
) -> tuple[dict[str, int], list[Problem]]:
    """Each column's position in a statement-like file (a bank's, a platform's): a header is a
    column's name in any case or one of its aliases (Chinese headers); an unknown header or a
    column twice is a problem of row 1. Which columns are required is the caller's to say."""
    index: dict[str, int] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(headers):
        name = raw.strip()
        if not name:
            continue
        column = (
            name.lower()
            if name.lower() in columns
            else aliases.get(name, aliases.get(name.lower()))
        )
        if column is None:
            problems.append(
                Problem(1, name, f"unknown column; the columns are {','.join(columns)}")
            )
        elif column in index:
            problems.append(Problem(1, name, f"column {column} appears twice"))
        else:
            index[column] = i
    return index, problems


def checked_header(
    table: RawTable,
    columns_of: Callable[[Sequence[str]], tuple[dict[str, int], list[Problem]]],
    max_rows: int,
    what: str,
) -> dict[str, int]:
    """The columns of a statement-like file whose header and size are acceptable.

    :raise ImportRejected: no header row, a header problem (``columns_of``), or more than
        ``max_rows`` rows (``what`` names the file: "a statement"); nothing is read then.
    """
    if not table.headers or all(not h.strip() for h in table.headers):
        raise ImportRejected([Problem(0, "", "the file is empty: no header row")])
    index, problems = columns_of(table.headers)
    if problems:
        raise ImportRejected(problems)
    if len(table.rows) > max_rows:
        raise ImportRejected([Problem(0, "", f"{what} holds at most {max_rows} lines")])
    return index


@dataclass(frozen=True, slots=True)
class Spec:
    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)  # Chinese header → column


SPECS: dict[str, Spec] = {
    "members": Spec(
        ("member_no", "name", "kind", "persons", "id_number", "poverty_status", "joined_on"),
        ("member_no", "name"),
        {
            "成员编号": "member_no",
            "编号": "member_no",
            "姓名": "name",
            "户主姓名": "name",
            "成员名称": "name",
            "类型": "kind",
            "成员类型": "kind",
            "家庭人口": "persons",
            "人口": "persons",
            "身份证号": "id_number",
            "身份证号码": "id_number",
            "贫困状态": "poverty_status",
            "帮扶状态": "poverty_status",
            "入社日期": "joined_on",
            "加入日期": "joined_on",
        },
    ),
    "accounts": Spec(
        ("code", "name", "parent", "name_en"),
        ("code", "name", "parent"),
        {
            "科目编码": "code",
            "科目代码": "code",
            "科目名称": "name",
            "上级科目": "parent",
            "上级科目编码": "parent",
            "英文名称": "name_en",
        },
    ),
    "opening-balances": Spec(
        ("account", "member", "fund", "debit", "credit"),
        ("account", "debit", "credit"),
        {
            "科目": "account",
            "科目编码": "account",
            "成员": "member",
            "成员编号": "member",
            "资金": "fund",
            "资金来源": "fund",
            "借方": "debit",
            "借方余额": "debit",
            "期初借方": "debit",
            "贷方": "credit",
            "贷方余额": "credit",
            "期初贷方": "credit",
        },
    ),
    "vouchers": Spec(
        (
            "voucher_key",
            "date",
            "memo",
            "account",
            "member",
            "fund",
            "debit",
            "credit",
            "quantity",
            "unit",
        ),
        ("voucher_key", "date", "account", "debit", "credit"),
        {
            "凭证键": "voucher_key",
            "凭证号": "voucher_key",
            "凭证编号": "voucher_key",
            "日期": "date",
            "摘要": "memo",
            "科目": "account",
            "科目编码": "account",
            "成员": "member",
            "成员编号": "member",
            "资金": "fund",
            "资金来源": "fund",
            "借方": "debit",
            "借方金额": "debit",
            "贷方": "credit",
            "贷方金额": "credit",
            "数量": "quantity",
            "单位": "unit",
            "计量单位": "unit",
        },
    ),
    "transactions": Spec(
        ("member_no", "date", "product", "quantity", "unit", "amount"),
        ("member_no", "date", "product", "quantity", "unit", "amount"),
        {
            "成员编号": "member_no",
            "日期": "date",
            "产品": "product",
            "品名": "product",
            "数量": "quantity",
            "交易量": "quantity",
            "单位": "unit",
            "计量单位": "unit",
            "金额": "amount",
            "交易额": "amount",
        },
    ),
    "assets": Spec(
        (
            "asset_no",
            "name",
            "category",
            "class",
            "poverty_project",
            "use",
            "acquired_on",
            "cost",
            "salvage",
            "useful_life_months",
            "method",
            "total_units",
            "funding",
            "opening_accumulated",
            "opening_months",
            "opening_units",
            "nominal",
            "kind",
        ),
        ("asset_no", "name", "class", "use", "acquired_on", "cost", "useful_life_months"),
        {
            "资产编号": "asset_no",
            "资产名称": "name",
            "名称": "name",
            "分类": "category",
            "资产类别": "class",
            "扶贫项目资产": "poverty_project",
            "用途": "use",
            "取得日期": "acquired_on",
            "原值": "cost",
            "残值": "salvage",
            "使用月数": "useful_life_months",
            "折旧方法": "method",
            "总工作量": "total_units",
            "资金构成": "funding",
            "期初累计折旧": "opening_accumulated",
            "已提折旧月数": "opening_months",
            "已用工作量": "opening_units",
            "名义金额": "nominal",
            "资产种类": "kind",
        },
    ),
}

#: Chinese words accepted in the enumerated columns
POVERTY_WORDS = {
    "无": "none",
    "一般户": "none",
    "非贫困户": "none",
    "建档立卡": "exited",
    "贫困户": "exited",
    "建档立卡贫困户": "exited",
    "脱贫": "exited",
    "脱贫户": "exited",
    "监测": "monitored",
    "监测对象": "monitored",
    "监测户": "monitored",
    "低保": "low_income",
    "低保户": "low_income",
    "特困": "extreme_poverty",
    "五保": "extreme_poverty",
    "五保户": "extreme_poverty",
    "特困供养": "extreme_poverty",
}
KIND_WORDS = {
    "农户": "household",
    "家庭": "household",
    "集体": "collective",
    "单位": "entity",
    "企业": "entity",
}
#: an asset's kind, as its register is called; left empty: a fixed asset
ASSET_KIND_WORDS = {
    "固定资产": "fixed",
    "生产性生物资产": "productive_biological",
    "公益性生物资产": "public_welfare_biological",
    "无形资产": "intangible",
    "长期待摊费用": "long_term_deferred",
}
CLASS_WORDS = {"经营性": "operating", "公益性": "public_welfare", "到户类": "household"}
USE_WORDS = {"生产": "production", "管理": "management", "公益": "public_welfare"}
METHOD_WORDS = {
    "年限平均法": "straight_line",
    "直线法": "straight_line",
    "工作量法": "units_of_production",
}
YES = {"1", "true", "yes", "y", "是"}
NO = {"", "0", "false", "no", "n", "否"}

_DEBIT, _CREDIT = Dr.DEBIT, Dr.CREDIT
_DATE_RE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", re.ASCII)
_ZH_DATE_RE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")


def template(kind: str) -> tuple[str, ...]:
    """The header row of a template file for ``kind``."""
    return SPECS[kind].columns


@dataclass(frozen=True, slots=True)
class Row:
    """One data row, its cells by column name, with its number in the spreadsheet."""

    number: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


_KEY_COLUMNS = {
    "members": ("member_no", "member"),
    "accounts": ("code", "account"),
    "opening-balances": ("", ""),
    "vouchers": ("voucher_key", "voucher"),
    "transactions": ("member_no", "member"),
    "assets": ("asset_no", "asset"),
}


def header_ok(problems: Sequence[Problem]) -> bool:
    """False when the file or its header row is unusable (then no row is read)."""
    return not any(p.row <= 1 for p in problems)


def read_rows(kind: str, table: RawTable) -> tuple[list[Row], list[Problem]]:
    """Match the header row to ``kind``'s columns and return the data rows as :class:`Row`.

    Headers are matched exactly (English, case and surrounding blanks ignored) or by their Chinese
    names. An unknown or repeated column, or a required column missing, is a problem on row 1;
    blank rows are skipped; a cell that starts with ``=`` is a formula and never a value.
    """
    spec = SPECS[kind]
    if not table.headers or all(not h.strip() for h in table.headers):
        return [], [Problem(0, "", "the file is empty: no header row")]
    index, problems = header_index(table.headers, spec.columns, spec.aliases)
    for column in spec.required:
        if column not in index:
            problems.append(Problem(1, column, "missing column"))
    if problems:
        return [], problems
    rows: list[Row] = []
    key_column, noun = _KEY_COLUMNS[kind]
    for n, values in enumerate(table.rows, start=table.first_row):
        if not any(v.strip() for v in values):
            continue
        cells = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
        for c, v in cells.items():
            if v.startswith("="):
                key = cells.get(key_column, "") if key_column else ""
                problems.append(
                    Problem(
                        n,
                        c,
                        "a formula is not a value; enter the value itself",
                        f"{noun} {key}" if key else "",
                    )
                )
        rows.append(Row(n, cells))
    if not rows and not problems:
        problems.append(Problem(0, "", "the file has a header row but no data rows"))
    return rows, problems


def row_digest(row: Row, columns: Iterable[str]) -> str:
    """A fingerprint of what a row says, to tell a re-run of the same file from a changed row."""
    text = "\x1f".join(row.get(c) for c in columns)
    return hashlib.sha256(text.encode()).hexdigest()


class _Cells:
    """Parses the cells of one row, collecting problems instead of raising."""

    def __init__(self, row: Row, key: str, problems: list[Problem]) -> None:
        self.row, self.key, self.problems = row, key, problems

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row.number, column, message, self.key))

    def text(
        self, column: str, *, required: bool = False, max_len: int = 200, name: bool = False
    ) -> str:
        """A text cell; a ``name`` must show something (see :func:`visible`)."""
        value = self.row.get(column)
        if required and not value:
            self.fail(column, "must not be empty")
        elif len(value) > max_len:
            self.fail(column, f"at most {max_len} characters")
        elif name and value and not visible(value):
            self.fail(
                column,
                "shows nothing: only spaces, zero-width or direction characters (U+200B, U+202E…)",
            )
        return value

    def amount(self, column: str, *, default: int | None = None) -> int | None:
        value = self.row.get(column)
        if not value:
            if default is None:
                return None
            return default
        if value.startswith("="):
            return None  # already reported as a formula
        try:
            return parse_amount(value)
        except AmountError as exc:
            self.fail(column, str(exc))
            return None

    def quantity(self, column: str) -> int | None:
        value = self.row.get(column)
        if not value or value.startswith("="):
            return None
        try:
            return parse_quantity(value)
        except AmountError as exc:
            self.fail(column, str(exc))
            return None

    def day(self, column: str, *, required: bool = True) -> date | None:
        value = self.row.get(column)
        if not value:
            if required:
                self.fail(column, "must not be empty")
            return None
        parsed = parse_date(value)
        if parsed is None and not value.startswith("="):
            self.fail(column, "must be a date such as 2026-03-10")
        elif parsed is not None and not date_in_range(parsed):
            self.fail(column, DATE_RANGE_MESSAGE)
            return None
        return parsed

    def whole(self, column: str, low: int, high: int) -> int | None:
        value = self.row.get(column)
        if not value:
            return None
        if (
            not value.isascii()
            or not value.isdigit()
            or len(value.lstrip("0")) > len(str(high))
            or not low <= int(value) <= high
        ):
            self.fail(column, f"must be a whole number from {low} to {high}")
            return None
        return int(value)

    def choice(self, column: str, allowed: Iterable[str], words: Mapping[str, str]) -> str | None:
        value = self.row.get(column)
        if not value:
            return None
        choices = list(allowed)
        found = words.get(value, value.lower() if value.lower() in choices else None)
        if found is None:
            self.fail(column, f"must be one of {', '.join(choices)}")
        return found

    def flag(self, column: str) -> bool:
        value = self.row.get(column).lower()
        if value in YES:
            return True
        if value not in NO:
            self.fail(column, "must be yes or no (是/否)")
        return False


#: characters that show nothing: spaces, zero-width and direction marks (``U+200B``, ``U+202E``),
#: controls, combining marks with nothing to combine with, and the blank fillers of some fonts
_INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"}
_BLANKS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def visible(value: str) -> bool:
    """Whether the text shows at least one character (a name of zero-width or direction-override
    characters alone would look empty, or like another name)."""
    return any(
        unicodedata.category(ch) not in _INVISIBLE_CATEGORIES and ch not in _BLANKS for ch in value
    )


def parse_date(value: str) -> date | None:
    """``2026-03-10``, ``2026/3/10``, ``2026.3.10`` or ``2026年3月10日``; None otherwise."""
    match = _DATE_RE.fullmatch(value) or _ZH_DATE_RE.fullmatch(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# -- members -------------------------------------------------------------------------------------


def parse_members(
    rows: Sequence[Row], problems: list[Problem]
) -> list[tuple[Row, dict[str, object]]]:
    """Each row as the fields of a new member; a member number twice in the file is a problem."""
    out: list[tuple[Row, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for row in rows:
        no = row.get("member_no")
        c = _Cells(row, f"member {no}" if no else "", problems)
        if not MEMBER_NO_RE.fullmatch(no):
            c.fail("member_no", "1 to 20 letters, digits or hyphens")
        elif no in seen:
            c.fail("member_no", f"duplicate member number: also on row {seen[no]}")
        else:
            seen[no] = row.number
        fields: dict[str, object] = {
            "member_no": no,
            "name": c.text("name", required=True, max_len=100, name=True),
        }
        kind = c.choice("kind", list(MemberKind), KIND_WORDS)
        fields["kind"] = kind or "household"
        persons = c.whole("persons", 1, 99)
        if persons is not None:
            fields["household_size"] = persons
        id_number = row.get("id_number").upper()
        if id_number:
            problem = id_number_problem(id_number)
            if problem:
                c.fail("id_number", problem)
            fields["id_number"] = id_number
        fields["poverty_status"] = (
            c.choice("poverty_status", list(PovertyStatus), POVERTY_WORDS) or "none"
        )
        joined = c.day("joined_on", required=False)
        if joined is not None:
            fields["joined_on"] = joined
        out.append((row, fields))
    return out


# -- vouchers and opening balances ---------------------------------------------------------------


@dataclass(frozen=True)
class VoucherRows:
    """The rows of one voucher key and the draft they make (None when a row is unusable)."""

    key: str
    rows: tuple[Row, ...]
    draft: VoucherDraft | None
    columns: tuple[str, ...]

    @cached_property
    def digest(self) -> str:
        """A fingerprint of the rows (computed when needed: a dry run rarely needs it)."""
        text = "\x1e".join(
            "\x1f".join([r.cells.get(c, "") for c in self.columns]) for r in self.rows
        )
        return hashlib.sha256(text.encode()).hexdigest()


def _line(c: _Cells, account: str, memo: str) -> Line | None:
    """One voucher line from a row (the hot path of a large import: each cell read once)."""
    cells = c.row.cells
    debit_text, credit_text = cells.get("debit", ""), cells.get("credit", "")
    if debit_text and credit_text:
        c.amount("debit")
        c.amount("credit")
        c.fail("credit", "a line carries debit or credit, not both")
        return None
    if not debit_text and not credit_text:
        c.fail("debit", "a line needs a debit or a credit amount")
        return None
    amount = c.amount("debit" if debit_text else "credit")
    quantity = c.quantity("quantity") if cells.get("quantity") else None
    unit = cells.get("unit") or None
    if unit is not None and len(unit) > 20:
        c.fail("unit", "at most 20 characters")
    if not account:
        c.fail("account", "must not be empty")
        return None
    if amount is None:
        return None
    return Line(
        account,
        _DEBIT if debit_text else _CREDIT,
        amount,
        cells.get("member") or None,
        cells.get("fund") or None,
        quantity,
        unit,
        memo,
    )


def parse_vouchers(rows: Sequence[Row], problems: list[Problem]) -> list[VoucherRows]:
    """Group rows by voucher key (in the order keys first appear) into drafts.

    Each key's rows share one date; the voucher's memo is its first row's memo, and each line
    keeps its own row's memo. Balance and the chart are checked later, against the books.
    """
    groups: dict[str, list[Row]] = {}
    for row in rows:
        key = row.get("voucher_key")
        if not key:
            problems.append(Problem(row.number, "voucher_key", "must not be empty"))
            continue
        if len(key) > 80:
            problems.append(Problem(row.number, "voucher_key", "at most 80 characters", key))
            continue
        groups.setdefault(key, []).append(row)
    out: list[VoucherRows] = []
    columns = SPECS["vouchers"].columns
    for key, group in groups.items():
        label = f"voucher {key}"
        before = len(problems)
        first = _Cells(group[0], label, problems)
        booked_on = first.day("date")
        lines: list[Line] = []
        for row in group:
            c = _Cells(row, label, problems) if row is not group[0] else first
            if row is not group[0]:
                other = row.get("date")
                if other and booked_on is not None and parse_date(other) != booked_on:
                    c.fail(
                        "date", f"a voucher has one date: row {group[0].number} says {booked_on}"
                    )
            line = _line(c, row.get("account"), c.text("memo"))
            if line is not None:
                lines.append(line)
        draft = None
        if len(problems) == before and booked_on is not None and len(lines) == len(group):
            draft = VoucherDraft(booked_on=booked_on, memo=group[0].get("memo"), lines=tuple(lines))
        out.append(VoucherRows(key, tuple(group), draft, columns))
    return out


def parse_opening(rows: Sequence[Row], problems: list[Problem], on: date) -> VoucherRows:
    """The opening balances (期初余额) as one voucher dated ``on``; it must balance."""
    lines: list[Line] = []
    before = len(problems)
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        ident = (row.get("account"), row.get("member"), row.get("fund"))
        c = _Cells(row, "", problems)
        if ident in seen:
            c.fail("account", f"the same account, member and fund as row {seen[ident]}")
        seen[ident] = row.number
        line = _line(c, row.get("account"), "期初余额")
        if line is not None:
            lines.append(line)
    draft = None
    if len(problems) == before and len(lines) == len(rows):
        draft = VoucherDraft(booked_on=on, memo="期初余额", lines=tuple(lines))
    columns = SPECS["opening-balances"].columns
    return VoucherRows(f"opening {on.isoformat()}", tuple(rows), draft, columns)


def line_problems(group: VoucherRows, errors: Mapping[str, list[str]]) -> list[Problem]:
    """Turn :func:`validate_draft`'s ``lines.<i>.<field>`` errors into problems on file rows."""
    out: list[Problem] = []
    label = group.key if group.key.startswith("opening") else f"voucher {group.key}"
    last = group.rows[-1].number if group.rows else 0
    for path, messages in errors.items():
        parts = path.split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit():
            row = group.rows[int(parts[1])].number
            column = parts[2] if len(parts) > 2 else ""
        else:
            row, column = (group.rows[0].number if group.rows else last), parts[0]
            if column in ("lines", "voucher"):
                column = "debit"
        out.extend(Problem(row, column, m, label) for m in messages)
    return out


# -- transactions, accounts, assets --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransactionRow:
    member_no: str
    occurred_on: date
    product: str
    quantity_milli: int
    unit: str
    amount_fen: int


def parse_transactions(
    rows: Sequence[Row], problems: list[Problem]
) -> list[tuple[Row, str, TransactionRow | None]]:
    """Member transactions; each row's key is its content and how often that content repeats
    above it, so that a re-run skips it and two identical sales in one file both count."""
    out: list[tuple[Row, str, TransactionRow | None]] = []
    occurrences: dict[str, int] = {}
    columns = SPECS["transactions"].columns
    for row in rows:
        no = row.get("member_no")
        c = _Cells(row, f"member {no}" if no else "", problems)
        before = len(problems)
        day = c.day("date")
        product = c.text("product", required=True, max_len=100, name=True)
        unit = c.text("unit", required=True, max_len=20, name=True)
        quantity, amount = c.quantity("quantity"), c.amount("amount")
        if not no:
            c.fail("member_no", "must not be empty")
        if not row.get("quantity"):
            c.fail("quantity", "must not be empty")
        elif quantity is not None and quantity <= 0:
            c.fail("quantity", "must be more than zero")
        if not row.get("amount"):
            c.fail("amount", "must not be empty")
        elif amount is not None and amount <= 0:
            c.fail("amount", "must be more than zero")
        content = row_digest(row, columns)
        n = occurrences.get(content, 0)
        occurrences[content] = n + 1
        key = f"{content[:40]}#{n}"
        ok = len(problems) == before and day and quantity and amount
        out.append(
            (row, key, TransactionRow(no, day, product, quantity, unit, amount) if ok else None)  # type: ignore[arg-type]
        )
    return out


def parse_accounts(
    rows: Sequence[Row], problems: list[Problem]
) -> list[tuple[Row, str, str, str, str | None]]:
    """(row, code, name, parent, English name); a code twice in the file is a problem."""
    out = []
    seen: dict[str, int] = {}
    for row in rows:
        code = row.get("code")
        c = _Cells(row, f"account {code}" if code else "", problems)
        if code in seen:
            c.fail("code", f"duplicate account code: also on row {seen[code]}")
            continue
        seen[code] = row.number
        name = c.text("name", required=True, max_len=100, name=True)
        parent = c.text("parent", required=True, max_len=12)
        out.append((row, code, name, parent, c.text("name_en", max_len=100, name=True) or None))
    return out


def parse_assets(
    rows: Sequence[Row], problems: list[Problem]
) -> list[tuple[Row, FixedAsset | None]]:
    """Asset cards, with the opening accumulated depreciation of assets from older books.
    ``funding`` reads ``fund-code:amount`` pairs separated by ``;``."""
    out: list[tuple[Row, FixedAsset | None]] = []
    seen: dict[str, int] = {}
    for row in rows:
        no = row.get("asset_no")
        c = _Cells(row, f"asset {no}" if no else "", problems)
        before = len(problems)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}", no, re.ASCII):
            c.fail("asset_no", "1 to 40 letters, digits or hyphens")
        elif no in seen:
            c.fail("asset_no", f"duplicate asset number: also on row {seen[no]}")
        else:
            seen[no] = row.number
        name = c.text("name", required=True, name=True)
        asset_class = c.choice("class", list(AssetClass), CLASS_WORDS)
        use = c.choice("use", list(AssetUse), USE_WORDS)
        kind = c.choice("kind", list(AssetKind), ASSET_KIND_WORDS) or "fixed"
        for column, value in (("class", asset_class), ("use", use)):
            if value is None and not row.get(column):
                c.fail(column, "must not be empty")
        acquired = c.day("acquired_on")
        cost = c.amount("cost")
        if cost is None and not row.get("cost"):
            c.fail("cost", "must not be empty")
        life = c.whole("useful_life_months", 1, MAX_LIFE_MONTHS)
        if life is None and not row.get("useful_life_months"):
            c.fail("useful_life_months", "must not be empty")
        funding: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in row.get("funding").split(";"))):
            code, _, text = part.partition(":")
            try:
                amount = parse_amount(text.strip())
            except AmountError as exc:
                c.fail("funding", f"{part}: {exc}")
                continue
            if code.strip() in funding:
                c.fail("funding", f"fund {code.strip()} named twice")
            funding[code.strip()] = amount
        if len(problems) != before:
            out.append((row, None))
            continue
        assert acquired is not None
        assert cost is not None
        assert life is not None
        assert asset_class is not None
        assert use is not None
        out.append(
            (
                row,
                FixedAsset(
                    asset_no=no,
                    name=name,
                    asset_class=AssetClass(asset_class),
                    use=AssetUse(use),
                    acquired_on=acquired,
                    cost_fen=cost,
                    salvage_fen=c.amount("salvage", default=0) or 0,
                    useful_life_months=life,
                    method=Method(
                        c.choice("method", list(Method), METHOD_WORDS) or "straight_line"
                    ),
                    category=c.text("category", max_len=100, name=True),
                    poverty_project=c.flag("poverty_project"),
                    funding=funding,
                    opening_accumulated_fen=c.amount("opening_accumulated", default=0) or 0,
                    opening_months=c.whole("opening_months", 0, MAX_LIFE_MONTHS) or 0,
                    opening_units=c.whole("opening_units", 0, MAX_UNITS) or 0,
                    nominal=c.flag("nominal"),
                    total_units=c.whole("total_units", 1, MAX_UNITS),
                    kind=AssetKind(kind),
                ),
            )
        )
    return out
