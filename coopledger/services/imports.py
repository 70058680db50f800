"""Import a spreadsheet into an organization's books: one transaction, all or nothing.

Every row is checked against the books before anything is written, and every problem is
reported at once (row, column, key, reason). A dry run stops there and writes nothing. Rows are
keyed (member number, voucher key, account code…): a key imported before with the same content
is skipped, so re-running a file imports nothing twice; the same key with other content is
refused. Vouchers arrive as drafts that go through review and posting, unless the importing
user asks to post them and may prepare, review and post alone (an admin, or the accountant of a
single-accountant organization) — then they are numbered and chained as :func:`post_batch` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from coopledger.domain.accounts import Account, load_chart, sub_account
from coopledger.domain.assets import FixedAsset, validate_asset
from coopledger.domain.errors import Forbidden, ValidationFailed, field_error
from coopledger.domain.imports import (
    KINDS,
    SPECS,
    ImportRejected,
    Problem,
    RawTable,
    Row,
    VoucherRows,
    header_ok,
    line_problems,
    parse_accounts,
    parse_assets,
    parse_members,
    parse_opening,
    parse_transactions,
    parse_vouchers,
    read_rows,
    row_digest,
)
from coopledger.domain.ledger import (
    Status,
    VoucherDraft,
    validate_draft,
)
from coopledger.domain.legacy import SUCCESSOR, Mapped, Mapper
from coopledger.domain.periods import Period
from coopledger.domain.postings import kind_accounts
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services.access import org_for, require
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, ImportUnitOfWork, Org, Store
from coopledger.services.vouchers import add_posted_batch

Progress = Callable[[int], None]
EARLIEST_DATE = date(2000, 1, 1)
BOOKS_BEGIN = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class CreatedVoucher:
    key: str
    id: int
    status: str
    number: str | None


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    org: str
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    skipped: int = 0
    vouchers: list[CreatedVoucher] = field(default_factory=list)
    mapping: list[Mapped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class Options:
    dry_run: bool = False
    post: bool = False
    on: date | None = None  # the date of opening balances
    legacy_chart: str | None = None  # the file's accounts are of this superseded chart
    filename: str = ""
    sha256: str = ""


def import_table(
    uow: ImportUnitOfWork,
    actor: Actor,
    org_code: str,
    kind: str,
    table: RawTable,
    options: Options,
    *,
    clock: Clock = utcnow,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of ``table`` and, unless it is a dry run, write them in one transaction.

    :raise ImportRejected: a real run with problems (each one listed); nothing was written.
    :raise NotFound: unknown organization. :raise Forbidden: the role may not import this kind,
        or may not post alone (``--post``).
    :raise ValidationFailed: an unknown kind; opening balances without a date; a legacy chart
        that is not the predecessor of the organization's.
    """
    if kind not in KINDS:
        raise field_error("kind", f"must be one of {', '.join(KINDS)}")
    if kind == "opening-balances" and options.on is None:
        raise field_error("date", "opening balances need the date they are at")
    now = clock()
    report = ImportReport(org_code, kind, options.dry_run)
    tick = progress or (lambda n: None)
    with uow:
        store = uow.store
        action = (
            Action.MANAGE_REGISTERS if kind in ("members", "accounts", "assets") else Action.PREPARE
        )
        org = org_for(store, actor, org_code, action)
        if actor.role is Role.CASHIER:
            raise Forbidden(
                "imports are an accountant's work; a cashier enters cash and bank vouchers one by one"
            )
        if options.post:
            _may_post_alone(actor, org)
        rows, problems = read_rows(kind, table)
        report.rows = len(rows)
        ctx = _Context(uow, store, org, actor, options, now, report, problems, tick)
        if header_ok(problems):
            _KINDS[kind](ctx, rows)
        if problems:
            report.problems = sorted(
                problems, key=lambda p: (p.row, _column_order(kind, p.column) if p.row > 1 else 0)
            )
            if options.dry_run:
                return report
            raise ImportRejected(report.problems)
        if options.dry_run:
            return report
        ctx.commit_batch()
        uow.commit()
    return report


def _column_order(kind: str, column: str) -> int:
    columns = SPECS[kind].columns
    return columns.index(column) if column in columns else len(columns)


def _may_post_alone(actor: Actor, org: Org) -> None:
    require(actor, Action.REVIEW)
    require(actor, Action.POST)
    if actor.role is not Role.ADMIN and not org.allow_single_accountant:
        raise Forbidden(
            "posting an import means preparing, reviewing and posting alone: an admin, or the "
            "accountant of a single-accountant organization",
            code="segregation_of_duties",
        )


class _Context:
    """What one import run shares between its steps."""

    def __init__(
        self,
        uow: ImportUnitOfWork,
        store: Store,
        org: Org,
        actor: Actor,
        options: Options,
        now: datetime,
        report: ImportReport,
        problems: list[Problem],
        tick: Progress,
    ) -> None:
        self.uow, self.store, self.org, self.actor = uow, store, org, actor
        self.options, self.now, self.report = options, now, report
        self.problems, self.tick = problems, tick
        self.new_keys: list[tuple[str, str, int | None]] = []
        self._keys: dict[str, tuple[str, int | None]] | None = None
        self.kind = report.kind

    def keys(self) -> dict[str, tuple[str, int | None]]:
        """The keys imported before for this kind (read once)."""
        if self._keys is None:
            self._keys = self.uow.imports.keys(self.org.id, self.kind)
        return self._keys

    def known(self, key: str, digest: str, row: int, column: str, label: str) -> bool:
        """True when ``key`` was imported before with the same content (the row is skipped)."""
        found = self.keys().get(key)
        if found is None:
            return False
        if found[0] != digest:
            self.problems.append(
                Problem(
                    row,
                    column,
                    "was imported before with other content; change it in the "
                    "books, not by importing again",
                    label,
                )
            )
            return True
        self.report.skipped += 1
        return True

    def commit_batch(self) -> None:
        batch = self.uow.imports.add_batch(
            self.org.id,
            self.kind,
            self.options.filename,
            self.options.sha256,
            (self.report.rows, self.report.created, self.report.skipped),
            self.actor.user_id,
            self.now,
        )
        self.uow.imports.add_keys(self.org.id, self.kind, batch, self.new_keys)
        self.store.audit(
            self.org.id,
            self.actor.user_id,
            "import",
            "import_batch",
            str(batch),
            {
                "kind": self.kind,
                "file": self.options.filename,
                "sha256": self.options.sha256,
                "created": self.report.created,
                "skipped": self.report.skipped,
            },
            self.now,
        )


# -- members ---------------------------------------------------------------------------------------


def _members(ctx: _Context, rows: Sequence[Row]) -> None:
    parsed = parse_members(rows, ctx.problems)
    existing = ctx.store.members_by_no(ctx.org.id, {str(f["member_no"]) for _, f in parsed})
    todo = []
    columns = SPECS["members"].columns
    for row, fields in parsed:
        no = str(fields["member_no"])
        label = f"member {no}"
        if ctx.known(no, row_digest(row, columns), row.number, "member_no", label):
            continue
        if no in existing:
            ctx.problems.append(
                Problem(row.number, "member_no", "this member number exists in the books", label)
            )
            continue
        todo.append((row, fields))
    if ctx.problems or ctx.options.dry_run:
        ctx.report.created = len(todo)
        return
    for row, fields in todo:
        member = ctx.store.add_member(ctx.org.id, fields)
        joined = fields.get("joined_on")
        ctx.store.add_member_status(
            member.id,
            str(fields["poverty_status"]),
            joined if isinstance(joined, date) else BOOKS_BEGIN,
        )
        ctx.new_keys.append((member.member_no, row_digest(row, columns), member.id))
        ctx.tick(1)
    ctx.report.created = len(todo)


# -- accounts --------------------------------------------------------------------------------------


def _accounts(ctx: _Context, rows: Sequence[Row]) -> None:
    parsed = parse_accounts(rows, ctx.problems)
    accounts: dict[str, Account] = dict(ctx.store.accounts(ctx.org.id))
    in_books = set(accounts)
    columns = SPECS["accounts"].columns
    todo: list[tuple[Row, Account]] = []
    for row, code, name, parent_code, name_en in parsed:
        label = f"account {code}"
        if ctx.known(code, row_digest(row, columns), row.number, "code", label):
            continue
        if code in accounts:
            ctx.problems.append(
                Problem(row.number, "code", "this account exists in the books", label)
            )
            continue
        parent = accounts.get(parent_code)
        if parent is None:
            ctx.problems.append(
                Problem(row.number, "parent", f"unknown account {parent_code!r}", label)
            )
            continue
        try:
            account = sub_account(parent, code, name, name_en)
        except ValidationFailed as exc:
            for column, messages in exc.errors.items():
                ctx.problems.extend(Problem(row.number, column, m, label) for m in messages)
            continue
        if parent_code in in_books and ctx.store.account_has_lines(ctx.org.id, parent_code):
            ctx.problems.append(
                Problem(
                    row.number,
                    "parent",
                    f"account {parent_code} already has vouchers; "
                    "a sub-account cannot be added under it",
                    label,
                )
            )
            continue
        accounts[code] = account
        todo.append((row, account))
    ctx.report.created = len(todo)
    if ctx.problems or ctx.options.dry_run:
        return
    for row, account in todo:
        ctx.store.add_account(ctx.org.id, account)
        ctx.new_keys.append((account.code, row_digest(row, columns), None))
        ctx.tick(1)


# -- vouchers and opening balances -----------------------------------------------------------------


def _vouchers(ctx: _Context, rows: Sequence[Row]) -> None:
    groups = parse_vouchers(rows, ctx.problems)
    seen = ctx.keys()
    fresh = [
        g
        for g in groups
        if g.key not in seen
        or not ctx.known(g.key, g.digest, g.rows[0].number, "voucher_key", f"voucher {g.key}")
    ]
    _write_vouchers(ctx, fresh)


def _opening(ctx: _Context, rows: Sequence[Row]) -> None:
    assert ctx.options.on is not None
    group = parse_opening(rows, ctx.problems, ctx.options.on)
    fresh = [] if ctx.known(group.key, group.digest, 1, "", "opening balances") else [group]
    _write_vouchers(ctx, fresh)


def _write_vouchers(ctx: _Context, groups: list[VoucherRows]) -> None:
    store, org = ctx.store, ctx.org
    groups = _map_legacy(ctx, groups)
    drafts = [g for g in groups if g.draft is not None]
    accounts = store.accounts(org.id)
    members = store.members_by_no(
        org.id,
        {ln.member for g in drafts for ln in g.draft.lines if ln.member},  # type: ignore[union-attr]
    )
    funds = store.funds_by_code(
        org.id,
        {ln.fund for g in drafts for ln in g.draft.lines if ln.fund},  # type: ignore[union-attr]
    )
    latest = (ctx.now + timedelta(days=366)).date()
    months: dict[Period, str] = {}
    for g in drafts:
        draft = g.draft
        assert draft is not None
        label = g.key if g.key.startswith("opening") else f"voucher {g.key}"
        first = g.rows[0].number if g.rows else 1
        if not EARLIEST_DATE <= draft.booked_on <= latest:
            ctx.problems.append(
                Problem(first, "date", "must lie between 2000-01-01 and a year from today", label)
            )
        period = Period.of(draft.booked_on)
        if period not in months:
            months[period] = store.period_status(org.id, period.year, period.month)
        if months[period] == "closed":
            ctx.problems.append(
                Problem(
                    first,
                    "date",
                    f"{period} is closed; nothing is posted into a closed month",
                    label,
                )
            )
        try:
            validate_draft(draft, accounts, members, funds)
        except ValidationFailed as exc:
            ctx.problems.extend(line_problems(g, exc.errors or {"lines": [exc.message]}))
        ctx.tick(len(g.rows))
    ctx.report.created = len(drafts)
    if ctx.problems or ctx.options.dry_run:
        return
    ready = [g.draft for g in drafts if g.draft is not None]
    if ctx.options.post:
        ids, numbers = _post_all(store, org, ctx.actor, ready, ctx.now)
        status = Status.POSTED.value
    else:
        ids = ctx.uow.imports.add_drafts(org.id, ready, ctx.actor.user_id, ctx.now)
        numbers = [None] * len(ids)
        status = Status.DRAFT.value
    for g, voucher_id, number in zip(drafts, ids, numbers, strict=True):
        ctx.new_keys.append((g.key, g.digest, voucher_id))
        ctx.report.vouchers.append(CreatedVoucher(g.key, voucher_id, status, number))


def _map_legacy(ctx: _Context, groups: list[VoucherRows]) -> list[VoucherRows]:
    """Accounts of a superseded chart → the organization's chart, by version and name."""
    legacy = ctx.options.legacy_chart
    if legacy is None or legacy == ctx.org.chart:
        return groups
    if SUCCESSOR.get(legacy) != ctx.org.chart:
        raise field_error(
            "chart",
            f"{ctx.org.code} keeps the {ctx.org.chart} chart; {legacy} books do not map into it",
        )
    names = {code: a.name_zh for code, a in ctx.store.accounts(ctx.org.id).items()}
    mapper = Mapper(load_chart(legacy), load_chart(ctx.org.chart), names)
    out = []
    for g in groups:
        if g.draft is None:
            out.append(g)
            continue
        lines = []
        broken = False
        for row, line in zip(g.rows, g.draft.lines, strict=True):
            code, why = mapper.resolve(line.account)
            if code is None:
                label = g.key if g.key.startswith("opening") else f"voucher {g.key}"
                ctx.problems.append(Problem(row.number, "account", why, label))
                broken = True
                continue
            lines.append(replace(line, account=code))
        draft = None if broken else replace(g.draft, lines=tuple(lines))
        out.append(replace(g, draft=draft))
    ctx.report.mapping = mapper.report()
    return out


def _post_all(
    store: Store, org: Org, actor: Actor, drafts: Sequence[VoucherDraft], now: datetime
) -> tuple[list[int], list[str | None]]:
    """Number, chain and post checked drafts in the caller's transaction (as ``post_batch``)."""
    ids, _stamps, numbers = add_posted_batch(store, org, actor, drafts, now)
    return ids, list(numbers)


# -- member transactions ---------------------------------------------------------------------------


def _transactions(ctx: _Context, rows: Sequence[Row]) -> None:
    parsed = parse_transactions(rows, ctx.problems)
    members = ctx.store.members_by_no(ctx.org.id, {r.get("member_no") for r, _, _ in parsed})
    columns = SPECS["transactions"].columns
    todo = []
    for row, key, tx in parsed:
        label = f"member {row.get('member_no')}"
        if tx is None:
            continue
        if tx.member_no not in members:
            ctx.problems.append(
                Problem(row.number, "member_no", f"unknown member {tx.member_no!r}", label)
            )
            continue
        if ctx.known(key, row_digest(row, columns), row.number, "member_no", label):
            continue
        todo.append((row, key, tx))
    ctx.report.created = len(todo)
    if ctx.problems or ctx.options.dry_run:
        return
    for row, key, tx in todo:
        ctx.uow.registers.add_member_transaction(
            ctx.org.id,
            members[tx.member_no],
            {
                "occurred_on": tx.occurred_on,
                "product": tx.product,
                "quantity_milli": tx.quantity_milli,
                "unit": tx.unit,
                "amount_fen": tx.amount_fen,
                "created_by": ctx.actor.user_id,
                "created_at": ctx.now,
            },
        )
        ctx.new_keys.append((key, row_digest(row, columns), None))
        ctx.tick(1)


# -- fixed assets ----------------------------------------------------------------------------------


def _assets(ctx: _Context, rows: Sequence[Row]) -> None:
    """Asset cards. A card migrated from older books (opening accumulated depreciation or months)
    brings no voucher — its cost comes in with the opening balances; any other card prepares its
    acquisition voucher, as registering it by hand does."""
    from coopledger.services.registers import (  # the same voucher as by hand
        acquisition_draft,
        views_in,
    )
    from coopledger.services.vouchers import prepare

    parsed = parse_assets(rows, ctx.problems)
    registers = ctx.uow.registers
    fund_codes = {c for _, a in parsed if a for c in a.funding}
    fund_ids = ctx.store.funds_by_code(ctx.org.id, fund_codes)
    chart = load_chart(ctx.org.chart)
    todo: list[tuple[Row, FixedAsset]] = []
    for row, asset in parsed:
        if asset is None:
            continue
        label = f"asset {asset.asset_no}"
        try:
            validate_asset(asset)
        except ValidationFailed as exc:
            for column, messages in exc.errors.items():
                name = {"cost_fen": "cost", "salvage_fen": "salvage"}.get(column, column)
                ctx.problems.extend(Problem(row.number, name, m, label) for m in messages)
            continue
        try:
            kind_accounts(chart, asset.kind)
        except ValidationFailed as exc:
            ctx.problems.extend(Problem(row.number, "kind", m, label) for m in exc.errors["kind"])
            continue
        if ctx.known(asset.asset_no, _asset_digest(row), row.number, "asset_no", label):
            continue
        if registers.asset(ctx.org.id, asset.asset_no) is not None:
            ctx.problems.append(
                Problem(row.number, "asset_no", "this asset exists in the books", label)
            )
            continue
        unknown = sorted(set(asset.funding) - set(fund_ids))
        if unknown:
            ctx.problems.append(
                Problem(row.number, "funding", f"unknown fund(s): {', '.join(unknown)}", label)
            )
            continue
        if (
            not asset.migrated
            and ctx.store.period_status(ctx.org.id, asset.acquired_on.year, asset.acquired_on.month)
            == "closed"
        ):
            ctx.problems.append(
                Problem(
                    row.number, "acquired_on", f"{Period.of(asset.acquired_on)} is closed", label
                )
            )
            continue
        todo.append((row, asset))
    ctx.report.created = len(todo)
    if ctx.problems or ctx.options.dry_run:
        return
    views = {v.fund.code: v for v in views_in(ctx.uow, ctx.org)}
    for row, asset in todo:
        voucher_id = None
        if not asset.migrated:
            draft = acquisition_draft(chart, ctx.store, ctx.org, asset, views, chart.role("bank"))
            voucher = prepare(ctx.store, ctx.org, ctx.actor, draft, ctx.now)
            voucher_id = voucher.id
            ctx.report.vouchers.append(CreatedVoucher(asset.asset_no, voucher.id, "draft", None))
        registers.add_asset(ctx.org.id, asset, fund_ids, voucher_id, ctx.now)
        ctx.new_keys.append((asset.asset_no, _asset_digest(row), voucher_id))
        ctx.tick(1)


def _asset_digest(row: Row) -> str:
    """The row's fingerprint; a row that leaves ``kind`` empty is fingerprinted without it, as
    before assets had kinds, so a file imported then re-runs as the same file."""
    columns = SPECS["assets"].columns
    if not row.get("kind"):
        columns = tuple(c for c in columns if c != "kind")
    return row_digest(row, columns)


_KINDS: Mapping[str, Callable[[_Context, Sequence[Row]], None]] = {
    "members": _members,
    "accounts": _accounts,
    "opening-balances": _opening,
    "vouchers": _vouchers,
    "transactions": _transactions,
    "assets": _assets,
}
