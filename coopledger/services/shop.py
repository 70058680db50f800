"""An online shop's settlement account: the platform's settlement files imported, each month
booked as one voucher, and the account reconciled month by month with the platform's balance.

The settlement account is a sub-account of 其他货币资金 (109) where the chart has it, else of
银行存款 (102); named or, on the first import, found by the platform's name among those
sub-accounts or opened (while the parent has no vouchers yet). Payouts go to 银行存款 — the
chart's 102 when it takes vouchers, else the sub-account named.

Importing is the accountant's (``manage_registers``); the month's vouchers are drafts, reviewed
and posted like any other, and the month reconciles on what is posted. A file imported already
(same SHA-256) is refused, as is a file with a line imported already from another file.
"""

from __future__ import annotations

from dataclasses import dataclass

from coopledger.domain import shop as rules
from coopledger.domain.accounts import Account, load_chart, sub_account
from coopledger.domain.errors import Conflict, field_error
from coopledger.domain.imports import RawTable
from coopledger.domain.ledger import Voucher
from coopledger.domain.roles import Action, Actor
from coopledger.domain.shop import Kind, MonthCheck, SettlementAccounts
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Org, UnitOfWork
from coopledger.services.ports.shop import SettlementRecord, StoredMonth
from coopledger.services.vouchers import prepare

#: the chart's 其他货币资金, where it has one
OTHER_MONETARY = "109"


@dataclass(frozen=True, slots=True)
class SettlementFile:
    table: RawTable
    filename: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Accounts:
    """The accounts an import names; None: found as the module says."""

    settlement: str | None = None
    income: str | None = None
    expense: str | None = None
    bank: str | None = None


def settlement_parent(accounts: dict[str, Account], org: Org) -> str:
    """其他货币资金 (109) when the organization's chart has it, else 银行存款 (102)."""
    if OTHER_MONETARY in accounts and accounts[OTHER_MONETARY].name_zh == "其他货币资金":
        return OTHER_MONETARY
    return load_chart(org.chart).roles.get("bank", "102")


def _postable(accounts: dict[str, Account], code: str, key: str, under: str) -> str:
    account = accounts.get(code)
    if account is None or not account.postable or not code.startswith(under):
        raise field_error(key, f"must be a postable account under {under}, not {code!r}")
    return code


def _by_name(accounts: dict[str, Account], name: str) -> str:
    """The chart's top account called ``name`` (经营收入, 经营支出)."""
    return next(a.code for a in accounts.values() if a.parent is None and a.name_zh == name)


def _settlement_account(
    uow: UnitOfWork, org: Org, actor: Actor, accounts: dict[str, Account], named: str | None,
    platform: str,
) -> str:  # fmt: skip
    parent = settlement_parent(accounts, org)
    if named:
        if named == parent or not named.startswith(parent):
            raise field_error("account", f"must be a sub-account of {parent}, not {named!r}")
        return _postable(accounts, named, "account", parent)
    subs = sorted(a.code for a in accounts.values() if a.parent == parent and platform in a.name_zh)
    if subs:
        return _postable(accounts, subs[0], "account", parent)
    if uow.store.account_has_lines(org.id, parent):
        raise field_error(
            "account",
            f"{parent} already has vouchers, so no sub-account for {platform} can be opened "
            f"under it here: name the settlement account",
        )
    taken = {a.code for a in accounts.values()}
    code = next(f"{parent}{n:02d}" for n in range(1, 100) if f"{parent}{n:02d}" not in taken)
    account = sub_account(accounts[parent], code, f"{platform}网店", f"{platform} shop")
    uow.store.add_account(org.id, account)
    audit_log.record(
        uow.store,
        org,
        actor,
        "account.create",
        "account",
        code,
        new={"name": account.name_zh, "parent": parent},
    )
    accounts[code] = account
    return code


def _bank_account(
    accounts: dict[str, Account], org: Org, named: str | None, settlement: str
) -> str:
    top = load_chart(org.chart).roles.get("bank", "102")
    if named:
        if named == settlement:
            raise field_error("bank", "must be another account than the settlement account")
        return _postable(accounts, named, "bank", top)
    if accounts[top].postable:
        return top
    subs = sorted(
        a.code
        for a in accounts.values()
        if a.code.startswith(top) and a.postable and a.code != settlement
    )
    if not subs:
        raise field_error("bank", f"name the {top} sub-account payouts go to")
    return subs[0]


def resolve_accounts(
    uow: UnitOfWork, org: Org, actor: Actor, named: Accounts, platform: str
) -> SettlementAccounts:
    """The accounts an import books to, the settlement account opened when it has to be.

    :raise ValidationFailed: a named account that is not postable or not of its kind
        (``account``, ``income``, ``expense``, ``bank``); no settlement account to open."""
    accounts = dict(uow.store.accounts(org.id))
    settlement = _settlement_account(uow, org, actor, accounts, named.settlement, platform)
    income_top, expense_top = _by_name(accounts, "经营收入"), _by_name(accounts, "经营支出")
    return SettlementAccounts(
        settlement,
        _postable(accounts, named.income or income_top, "income", income_top),
        _postable(accounts, named.expense or expense_top, "expense", expense_top),
        _bank_account(accounts, org, named.bank, settlement),
    )


@dataclass(frozen=True, slots=True)
class Imported:
    record: SettlementRecord
    vouchers: tuple[Voucher, ...]


def import_settlement(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    file: SettlementFile,
    *,
    platform: str = rules.DEFAULT_PLATFORM,
    accounts: Accounts = Accounts(),
    clock: Clock = utcnow,
) -> Imported:
    """Import a platform's settlement file: its lines stored and each month's voucher prepared.
    Nothing is written when anything is refused.

    :raise ImportRejected: rows or columns wrong, each named. :raise ValidationFailed: an
        account named wrong, none to open, a blank platform. :raise Conflict:
        ``settlement_file_imported`` — the same file came in before (both names given);
        ``settlement_line_imported`` — a line came in before in another file (its row named).
    :raise PeriodClosed: a month of the file is closed.
    """
    platform = platform.strip()[: rules.MAX_PLATFORM]
    if not platform:
        raise field_error("platform", "must not be blank")
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        name = file.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "settlement"
        earlier = uow.shop.file_named(org.id, file.sha256)
        if earlier is not None:
            raise Conflict(
                f"the file {name} was imported already (as {earlier}); nothing was booked twice",
                code="settlement_file_imported",
                params={"file": name, "earlier": earlier},
            )
        months = rules.parse_settlement(file.table)
        lines = [ln for m in months for ln in m.lines]
        digests = rules.digests(lines)
        taken = uow.shop.taken(org.id, digests)
        if taken:
            row = next(ln.row for ln, d in zip(lines, digests, strict=True) if d in taken)
            raise Conflict(
                f"the file {name}, row {row}: the line was imported already from another "
                "file; nothing was booked twice",
                code="settlement_line_imported",
                params={"file": name, "row": row},
            )
        booked = resolve_accounts(uow, org, actor, accounts, platform)
        settlement_id = uow.shop.add_settlement(
            org.id, booked.settlement, platform, (name, file.sha256), actor.user_id, now
        )
        made = []
        start = 0
        for month in months:
            voucher = prepare(
                uow.store, org, actor, rules.month_voucher(month, platform, booked), now
            )
            made.append(voucher)
            end = start + len(month.lines)
            uow.shop.add_month(org.id, settlement_id, month, digests[start:end], voucher.id)
            start = end
        record = next(s for s in uow.shop.settlements(org.id) if s.id == settlement_id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "shop.import",
            "shop_settlement",
            str(settlement_id),
            new={
                "file": name,
                "sha256": file.sha256,
                "lines": len(lines),
                "vouchers": [v.id for v in made],
                "account": booked.settlement,
            },
        )
        uow.commit()
    return Imported(record, tuple(made))


@dataclass(frozen=True, slots=True)
class ShopView:
    """The organization's settlement files and, per settlement account, its months checked."""

    org: Org
    settlements: list[SettlementRecord]
    months: dict[str, list[MonthCheck]]  # settlement account → its months, oldest first
    names: dict[str, str]  # settlement account → its name


def checks(uow: UnitOfWork, org: Org) -> dict[str, list[MonthCheck]]:
    """Every settlement account's months reconciled, inside the caller's unit of work."""
    by_account: dict[str, dict[tuple[int, int], list[StoredMonth]]] = {}
    for stored in uow.shop.months(org.id):
        key = (stored.period.year, stored.period.month)
        by_account.setdefault(stored.account, {}).setdefault(key, []).append(stored)
    out: dict[str, list[MonthCheck]] = {}
    for account, months in by_account.items():
        platform = 0
        rows = []
        for parts in months.values():
            period = parts[0].period
            total = {k: sum(p.totals.get(k.value, 0) for p in parts) for k in Kind}
            given = [p.closing_fen for p in parts if p.closing_fen is not None]
            platform = given[-1] if given else platform + sum(total.values())
            rows.append(
                MonthCheck(
                    period,
                    total[Kind.ORDER],
                    -total[Kind.FEE],
                    -total[Kind.REFUND],
                    -total[Kind.PAYOUT],
                    platform,
                    uow.bank.book_balance(org.id, account, period.last_day),
                    sum(1 for p in parts if p.voucher_status != "posted"),
                )
            )
        out[account] = rows
    return out


def shop_view(uow: UnitOfWork, actor: Actor, org_code: str) -> ShopView:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        accounts = uow.store.accounts(org.id)
        months = checks(uow, org)
        return ShopView(
            org,
            uow.shop.settlements(org.id),
            months,
            {code: accounts[code].name_zh for code in months if code in accounts},
        )
