"""The books as tables, for auditors and other tools: what each export holds, not its format.

Each function reads inside one read-only unit of work and returns a :class:`Sheet` of typed cells
(text, amounts in fen, quantities, dates); the adapters render them as CSV, XLSX or Beancount.
ID and bank numbers are personal information and leave masked, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from coopledger.domain.accounts import Account
from coopledger.domain.errors import field_error
from coopledger.domain.exports import COLUMNS, EXPORTS, Amount, Cell, Quantity, Sheet
from coopledger.domain.ledger import Dr, Voucher
from coopledger.domain.members import mask
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import TrialBalanceRow
from coopledger.domain.roles import Action, Actor
from coopledger.services import distribution, registers, reports, shares
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Member, Org, UnitOfWork, VoucherFilter

UowFactory = Callable[[], UnitOfWork]
Progress = Callable[[int], None]
PAGE = 2000


def sheet(uows: UowFactory, actor: Actor, org_code: str, what: str, year: int | None) -> Sheet:
    """The export ``what`` of an organization, for ``year`` where it applies.

    :raise ValidationFailed: an unknown export. :raise NotFound, Forbidden: as for reading.
    """
    if what not in EXPORTS:
        raise field_error("what", f"must be one of {', '.join(EXPORTS)}")
    return _BUILDERS[what](uows, actor, org_code, year)


def _vouchers_sheet(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> Sheet:
    rows: list[tuple[Cell, ...]] = []
    with uows() as uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        names = {code: a.name_zh for code, a in uow.store.accounts(org.id).items()}
        for v in iter_vouchers(uow, org, year):
            key = voucher_key(v)
            for n, ln in enumerate(v.lines, start=1):
                rows.append(
                    (
                        key,
                        v.booked_on,
                        v.memo,
                        ln.account,
                        ln.member,
                        ln.fund,
                        Amount(ln.amount_fen) if ln.side is Dr.DEBIT else None,
                        Amount(ln.amount_fen) if ln.side is Dr.CREDIT else None,
                        Quantity(ln.quantity_milli) if ln.quantity_milli is not None else None,
                        ln.unit,
                        names.get(ln.account, ""),
                        n,
                        ln.memo,
                        v.status.value,
                        v.kind.value,
                        v.prepared_by,
                        v.reviewed_by,
                        v.posted_by,
                    )
                )
    return Sheet(
        "vouchers",
        COLUMNS["vouchers"],
        tuple(rows),
    )


def voucher_key(v: Voucher) -> str:
    """The printed number of a posted voucher (记-2026-03-0007), else ``draft-<id>``."""
    if v.number is None:
        return f"{v.status.value}-{v.id}"
    return voucher_number(Period.of(v.booked_on), v.number)


def iter_vouchers(
    uow: UnitOfWork, org: Org, year: int | None, status: str | None = None
) -> Iterator[Voucher]:
    """Every voucher of the organization (of ``year``), in id order, a page at a time."""
    after = 0
    flt = VoucherFilter(status=status, year=year)
    while True:
        page = uow.store.vouchers(org.id, flt, PAGE, after)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].id


def iter_members(uow: UnitOfWork, org: Org) -> Iterator[Member]:
    after = 0
    while True:
        page = uow.store.members(org.id, PAGE, after)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].id


def _members_sheet(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> Sheet:
    with uows() as uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        rows = tuple(
            (
                m.member_no,
                m.name,
                m.kind,
                m.household_size,
                mask(m.id_number),
                m.poverty_status,
                m.joined_on,
                m.left_on,
                mask(m.bank_account, head=0),
            )
            for m in iter_members(uow, org)
        )
    return Sheet(
        "members",
        COLUMNS["members"],
        rows,
    )


def year_range(year: int | None) -> tuple[date, date]:
    y = year or utcnow().year
    return date(y, 1, 1), date(y, 12, 31)


def _trial_balance_sheet(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> Sheet:
    start, end = year_range(year)
    tb = reports.trial_balance_report(uows(), actor, org_code, start, end)

    def row(r: TrialBalanceRow, code: str) -> tuple[Cell, ...]:
        return (
            code,
            r.name_zh,
            r.level,
            Amount(r.opening_debit),
            Amount(r.opening_credit),
            Amount(r.debit),
            Amount(r.credit),
            Amount(r.closing_debit),
            Amount(r.closing_credit),
        )

    rows = [row(r, r.account) for r in tb.rows]
    rows.append(row(tb.totals, "合计"))
    return Sheet(
        f"trial-balance {start.year}",
        COLUMNS["trial-balance"],
        tuple(rows),
    )


def _assets_sheet(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> Sheet:
    records = registers.list_assets(uows(), actor, org_code)
    rows = []
    for rec in records:
        a = rec.asset
        rows.append(
            (
                a.asset_no,
                a.name,
                a.category,
                a.asset_class.value,
                a.poverty_project,
                a.use.value,
                a.acquired_on,
                Amount(a.cost_fen),
                Amount(a.salvage_fen),
                a.useful_life_months,
                a.method.value,
                a.total_units,
                ";".join(f"{code}:{format_amount(f)}" for code, f in sorted(a.funding.items())),
                Amount(a.opening_accumulated_fen),
                a.opening_months,
                a.opening_units,
                a.nominal,
                a.kind.value,
                Amount(registers.accumulated(rec)),
                Amount(a.cost_fen - registers.accumulated(rec)),
                a.disposed_on,
            )
        )
    return Sheet(
        "assets",
        COLUMNS["assets"],
        tuple(rows),
    )


def _shares_sheet(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> Sheet:
    as_of = date(year, 12, 31) if year else None
    register = shares.share_register(uows(), actor, org_code, as_of)
    rows = tuple(
        (
            h.member_no,
            h.name,
            h.kind,
            h.poverty_status,
            Amount(h.capital),
            Amount(h.capital_from_poverty_assets),
            Amount(h.reserve_share),
            Amount(h.fiscal_share),
            Amount(h.donation_share),
            Amount(h.total),
        )
        for h in register.holdings
    )
    return Sheet(
        "shares",
        COLUMNS["shares"],
        rows,
    )


def _distributions_sheet(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> Sheet:
    rows: list[tuple[Cell, ...]] = []
    for plan_id, plan_year, _status in distribution.list_plans(uows(), actor, org_code):
        if year is not None and plan_year != year:
            continue
        plan = distribution.get_plan(uows(), actor, org_code, plan_id)
        for ln in plan.lines:
            rows.append(
                (
                    plan.id,
                    plan.year,
                    plan.status,
                    plan.resolution,
                    ln.member_no,
                    ln.name,
                    ln.poverty_status,
                    Amount(ln.transaction_fen),
                    Amount(ln.account_share_fen),
                    Amount(ln.patronage_fen),
                    Amount(ln.residual_fen),
                    Amount(ln.topup_fen),
                    Amount(ln.total_fen),
                    Amount(ln.paid.settled_fen),
                )
            )
    return Sheet(
        "distributions",
        COLUMNS["distributions"],
        tuple(rows),
    )


_BUILDERS: dict[str, Callable[[UowFactory, Actor, str, int | None], Sheet]] = {
    "vouchers": _vouchers_sheet,
    "members": _members_sheet,
    "trial-balance": _trial_balance_sheet,
    "assets": _assets_sheet,
    "shares": _shares_sheet,
    "distributions": _distributions_sheet,
}


# -- the whole ledger, for Beancount ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerData:
    """Everything a ledger file needs: the chart, the members, the posted vouchers."""

    org: Org
    accounts: dict[str, Account]
    members: dict[str, str]  # member number → name
    funds: dict[str, str]  # fund code → name
    vouchers: list[Voucher]


def ledger_data(uows: UowFactory, actor: Actor, org_code: str, year: int | None) -> LedgerData:
    """Every posted voucher (through the end of ``year``, when given) with the chart, members
    and funds: a ledger file starts from the first voucher, so that its balances are the
    books' closing balances."""
    with uows() as uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        accounts = uow.store.accounts(org.id)
        members = {m.member_no: m.name for m in iter_members(uow, org)}
        funds = {f.code: f.name for f in uow.store.funds(org.id)}
        vouchers = [
            v
            for v in iter_vouchers(uow, org, None, status="posted")
            if year is None or v.booked_on.year <= year
        ]
    vouchers.sort(key=lambda v: v.chain_seq or 0)
    return LedgerData(org, accounts, members, funds, vouchers)
