"""Months and years: close, reopen (admin only, logged), and the year-end close.

The year-end close posts one closing voucher dated 31 December that carries every income and
expense balance into 本年盈余 (village: 本年收益), then closes every month of the year and
records the surplus it carried — the S from which a distribution plan starts.

待处理财产损溢 (181 in the charts that have it) must be cleared before the close: its losses and
gains are investigated and carried to their accounts during the year, and it has no line on the
balance sheet. The close refuses while it has a balance at 31 December.

Read-only views for the periods page: :func:`year_months` (the twelve months of a year, who
closed each and what still keeps an open one from closing) and :func:`year_end_status` (the
year-end's steps, what blocks the close, and the vouchers the close would post).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from coopledger.domain import postings
from coopledger.domain.accounts import Account, Category, load_chart
from coopledger.domain.assets import charges_due
from coopledger.domain.errors import InvalidState, PeriodClosed
from coopledger.domain.ledger import VoucherDraft, closing_draft, validate_draft
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Org, PeriodState, Store, UnitOfWork
from coopledger.services.vouchers import post_reviewed


def list_periods(uow: UnitOfWork, actor: Actor, org_code: str) -> list[PeriodState]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.store.periods(org.id)


def close_period(
    uow: UnitOfWork, actor: Actor, org_code: str, period: Period, *, clock: Clock = utcnow
) -> PeriodState:
    """Close a month (结账): nothing more can be posted into it.

    :raise InvalidState: already closed; drafts or reviewed vouchers still dated in it
        (``vouchers_pending``); an earlier month with activity still open (``earlier_period_open``).
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.CLOSE_PERIOD)
        states = {(p.year, p.month): p for p in store.periods(org.id)}
        current = states.get((period.year, period.month))
        if current is not None and current.status == "closed":
            raise InvalidState(f"{period} is already closed", code="period_closed")
        pending = store.count_pending(org.id, period.year, period.month)
        if pending:
            raise InvalidState(
                f"{pending} voucher(s) dated in {period} are not posted yet; post or delete them first",
                code="vouchers_pending",
                params={"n": pending, "when": str(period)},
            )
        earlier = sorted(
            (
                p
                for p in states.values()
                if (p.year, p.month) < (period.year, period.month) and p.status == "open"
            ),
            key=lambda p: (p.year, p.month),
        )
        if earlier:
            raise InvalidState(
                f"close {earlier[0].year:04d}-{earlier[0].month:02d} first",
                code="earlier_period_open",
                params={"period": f"{earlier[0].year:04d}-{earlier[0].month:02d}"},
            )
        store.set_period_status(org.id, period.year, period.month, "closed", actor.user_id, now)
        store.write_snapshot(org.id, period.year, period.month)  # its closing balances
        store.audit(org.id, actor.user_id, "period.close", "period", str(period), {}, now)
        state = _state(uow, org.id, period)
        uow.commit()
    return state


def reopen_period(
    uow: UnitOfWork, actor: Actor, org_code: str, period: Period, *, clock: Clock = utcnow
) -> PeriodState:
    """Reopen a closed month (admin only; logged).

    :raise InvalidState: the month is open; a later month is closed (reopen that first).
    :raise PeriodClosed: its year has been closed.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.REOPEN_PERIOD)
        if store.year_closed(org.id, period.year):
            raise PeriodClosed(f"the year {period.year} is closed; its months stay closed")
        if store.period_status(org.id, period.year, period.month) != "closed":
            raise InvalidState(f"{period} is open", code="period_open")
        later = [
            p
            for p in store.periods(org.id)
            if (p.year, p.month) > (period.year, period.month) and p.status == "closed"
        ]
        if later:
            raise InvalidState(
                f"reopen {later[-1].year:04d}-{later[-1].month:02d} first",
                code="later_period_closed",
                params={"period": f"{later[-1].year:04d}-{later[-1].month:02d}"},
            )
        store.set_period_status(org.id, period.year, period.month, "open", None, None)
        store.drop_snapshots(org.id, period.year, period.month)
        store.audit(org.id, actor.user_id, "period.reopen", "period", str(period), {}, now)
        state = _state(uow, org.id, period)
        uow.commit()
    return state


@dataclass(frozen=True, slots=True)
class YearClose:
    year: int
    surplus_fen: int
    closing_voucher_id: int | None
    stage: str = "closed"  # "carried": December stays open for the year's distribution


def carry_year(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int, *, clock: Clock = utcnow
) -> YearClose:
    """The first half of the year-end close, for a year whose distribution is posted in it:
    carry income and expense into 本年盈余 and 本年盈余 into 未分配盈余, close January to
    November, and leave December open. The approved plan's vouchers are then dated 31 December
    (提取公积金, 盈余返还, 剩余盈余分配, 各项分配 into 未分配盈余), so the year's statements
    show the year's distribution; :func:`close_year` then closes December and the year.

    :raise InvalidState: the year is carried or closed already; vouchers in it are not posted
        yet; 待处理财产损溢 has a balance at the year's end (code ``unsettled_losses``).
    :raise PeriodClosed: December is closed, so the closing voucher cannot be posted.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.CLOSE_PERIOD)
        stage = store.year_stage(org.id, year)
        if stage is not None:
            raise InvalidState(
                f"{year} is already {stage}",
                code="year_closed" if stage == "closed" else "year_carried",
            )
        surplus, voucher_id = _carry(uow, org, actor, year, now)
        first_closed = 13
        for month in range(1, 12):
            if store.period_status(org.id, year, month) != "closed":
                store.set_period_status(org.id, year, month, "closed", actor.user_id, now)
                first_closed = min(first_closed, month)
        _rewrite_snapshots(store, org.id, year, first_closed)
        store.add_fiscal_year(org.id, year, surplus, voucher_id, actor.user_id, now, "carried")
        store.audit(
            org.id,
            actor.user_id,
            "year.carry",
            "fiscal_year",
            str(year),
            {"surplus_fen": surplus, "closing_voucher": voucher_id},
            now,
        )
        uow.commit()
    return YearClose(year, surplus, voucher_id, "carried")


def close_year(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int, *, clock: Clock = utcnow
) -> YearClose:
    """Year-end close (年终结账): carry income and expense into 本年盈余 and 本年盈余 into 未分配盈余
    (a loss too: it waits there for a later year's surplus to cover), close all twelve months.

    A year carried already by :func:`carry_year` is finished: whatever income or expense was
    posted into December since is carried the same way, then December and the year are closed.

    The closing vouchers are system-made and posted at once, with the closer as preparer,
    reviewer and poster (closing vouchers need no source documents: 会计基础工作规范 art. 51(4)).

    :raise InvalidState: the year is closed already; vouchers in it are not posted yet (a
        distribution's among them); 待处理财产损溢 has a balance at the year's end (code
        ``unsettled_losses``).
    :raise PeriodClosed: December is closed, so the closing voucher cannot be posted.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.CLOSE_PERIOD)
        stage = store.year_stage(org.id, year)
        if stage == "closed":
            raise InvalidState(f"{year} is already closed", code="year_closed")
        surplus, voucher_id = _carry(uow, org, actor, year, now)
        first_closed = 13
        for month in range(1, 13):
            if store.period_status(org.id, year, month) != "closed":
                store.set_period_status(org.id, year, month, "closed", actor.user_id, now)
                first_closed = min(first_closed, month)
        _rewrite_snapshots(store, org.id, year, first_closed)
        if stage == "carried":
            store.finish_fiscal_year(org.id, year, surplus, actor.user_id, now)
            surplus = uow.distributions.fiscal_year_surplus(org.id, year) or 0
        else:
            store.add_fiscal_year(org.id, year, surplus, voucher_id, actor.user_id, now)
        store.audit(
            org.id,
            actor.user_id,
            "year.close",
            "fiscal_year",
            str(year),
            {"surplus_fen": surplus, "closing_voucher": voucher_id},
            now,
        )
        uow.commit()
    return YearClose(year, surplus, voucher_id)


def reopen_year(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int, *, clock: Clock = utcnow
) -> YearClose:
    """Reopen a closed year (administrators; logged), undoing the close in reverse: December
    opens again and the year goes back to its results carried. Nothing posted is changed — the
    closing vouchers stand, and whatever is posted into December (or into a month reopened
    after it, last first) is carried by the next :func:`close_year` like any late entry.

    :raise InvalidState: the year is not closed (``year_open``); a later year is carried or
        closed, or a later month closed (``later_period_closed``: reopen that first).
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.REOPEN_PERIOD)
        if store.year_stage(org.id, year) != "closed":
            raise InvalidState(f"{year} is not closed", code="year_open")
        states = [p for p in store.periods(org.id) if p.year > year]
        carried = {y for y in {p.year for p in states} if store.year_stage(org.id, y)}
        later = [p for p in states if p.status == "closed" or p.year in carried]
        if later:
            raise InvalidState(
                f"reopen {later[-1].year:04d}-{later[-1].month:02d} first",
                code="later_period_closed",
                params={"period": f"{later[-1].year:04d}-{later[-1].month:02d}"},
            )
        store.reopen_fiscal_year(org.id, year)
        store.set_period_status(org.id, year, 12, "open", None, None)
        store.drop_snapshots(org.id, year, 12)
        surplus = uow.distributions.fiscal_year_surplus(org.id, year) or 0
        store.audit(org.id, actor.user_id, "year.reopen", "fiscal_year", str(year), {}, now)
        uow.commit()
    return YearClose(year, surplus, None, "carried")


def _carry(
    uow: UnitOfWork, org: Org, actor: Actor, year: int, now: datetime
) -> tuple[int, int | None]:
    """Post the year's closing vouchers — income and expense into 本年盈余, then 本年盈余 into
    未分配盈余 — for what income and expense stand at 31 December; the surplus carried (a loss
    below zero) and the first voucher's id (None: nothing to carry).

    :raise InvalidState: vouchers dated in the year not posted yet; 待处理财产损溢 not cleared.
    :raise PeriodClosed: December is closed while there is something to carry.
    """
    store = uow.store
    pending = store.count_pending(org.id, year, None)
    if pending:
        raise InvalidState(
            f"{pending} voucher(s) dated in {year} are not posted yet; post or delete them first",
            code="vouchers_pending",
            params={"n": pending, "when": year},
        )
    chart = load_chart(org.chart)
    year_end = date(year, 12, 31)
    _refuse_unsettled(uow, org.id, chart.accounts, year, year_end)
    draft, surplus = closing_draft(
        store.pnl_balances(org.id, year_end),
        chart.surplus_account,
        year_end,
        f"{year}年度损益结转",
    )
    if draft is None:
        return surplus, None
    if store.period_status(org.id, year, 12) == "closed":
        raise PeriodClosed(f"{year}-12 is closed; reopen it to post the closing voucher")
    voucher_id = _post_closing(store, org, actor, draft, now)
    # then 本年盈余 into 未分配盈余, profit or loss: 本年盈余 ends the year at zero
    carry = postings.carry_surplus(chart, year, surplus, cooperative=org.kind == "cooperative")
    if carry is not None:
        _post_closing(store, org, actor, carry, now)
    return surplus, voucher_id


def _rewrite_snapshots(store: Store, org_id: int, year: int, first: int) -> None:
    """Write the closed months' balances from ``first`` on (writing one drops the later ones)."""
    for month in range(first, 13):
        if store.period_status(org_id, year, month) == "closed":
            store.write_snapshot(org_id, year, month)


def _post_closing(store: Store, org: Org, actor: Actor, draft: VoucherDraft, now: datetime) -> int:
    """Post a system-made year-end voucher at once, the closer as preparer, reviewer and poster
    (closing vouchers need no source documents); its id."""
    validate_draft(draft, store.accounts(org.id), {}, {})
    voucher_id = store.add_voucher(org.id, draft, actor.user_id, now)
    store.set_reviewed(voucher_id, actor.user_id, now)
    voucher = store.voucher(org.id, voucher_id)
    if voucher is None:  # pragma: no cover - just written in this transaction
        raise InvalidState("the closing voucher vanished")
    post_reviewed(store, org, voucher, actor, now)
    return voucher_id


UNSETTLED_NAME = "待处理财产损溢"
INCOME = Category.INCOME


def _unsettled(
    uow: UnitOfWork, org_id: int, accounts: Sequence[Account], year: int, year_end: date
) -> tuple[tuple[str, ...], int]:
    """The chart's 待处理财产损溢 codes and their net balance at ``year_end`` (fen, debit > 0);
    no codes and 0 for a chart without the account."""
    codes = tuple(a.code for a in accounts if a.name_zh == UNSETTLED_NAME)
    if not codes:
        return codes, 0
    net = sum(
        t.opening_net + t.debit - t.credit
        for t in uow.store.turnovers(org_id, date(year, 1, 1), year_end)
        if t.account.startswith(codes)
    )
    return codes, net


def _refuse_unsettled(
    uow: UnitOfWork, org_id: int, accounts: Sequence[Account], year: int, year_end: date
) -> None:
    """Refuse the close while 待处理财产损溢 has a balance at ``year_end`` (debit or credit)."""
    codes, net = _unsettled(uow, org_id, accounts, year, year_end)
    if net:
        side = "借方" if net > 0 else "贷方"
        raise InvalidState(
            f"{UNSETTLED_NAME} ({'/'.join(codes)}) has a {side} balance of "
            f"{format_amount(abs(net))} at {year_end.isoformat()}: investigate it and carry it to "
            "its accounts before the year-end close",
            code="unsettled_losses",
            params={"side": side, "amount": format_amount(abs(net))},
        )


def _state(uow: UnitOfWork, org_id: int, period: Period) -> PeriodState:
    for state in uow.store.periods(org_id):
        if (state.year, state.month) == (period.year, period.month):
            return state
    return PeriodState(period.year, period.month, "open", 0, None)  # pragma: no cover


# -- what the periods page reads -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthView:
    """One month of a year as the periods page shows it."""

    period: Period
    status: str  # "open" or "closed"
    vouchers_posted: int  # the month's last voucher number
    closed_at: datetime | None
    closed_by: str | None  # the username of who closed it
    pending: int  # vouchers dated in it not posted yet (drafts and reviewed): a close refuses
    earlier_open: Period | None  # an earlier month with activity still open: close it first

    @property
    def closed(self) -> bool:
        return self.status == "closed"


@dataclass(frozen=True, slots=True)
class YearMonths:
    year: int
    months: tuple[MonthView, ...]  # January to December
    years: tuple[int, ...]  # every year with a month recorded, and this one, ascending
    next_to_close: Period | None  # the earliest open month with activity, in any year
    year_closed: bool


def year_months(uow: UnitOfWork, actor: Actor, org_code: str, year: int) -> YearMonths:
    """The twelve months of ``year``: open or closed, by whom and when, and what keeps an open
    one from closing now (vouchers not posted, an earlier month open) — the same rules as
    :func:`close_period`. A month nothing was ever posted into is open and has no row.

    :raise NotFound: / :raise Forbidden: as reading the books.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        states = sorted(store.periods(org.id), key=lambda p: (p.year, p.month))
        by_month = {(p.year, p.month): p for p in states}
        open_ = [Period(p.year, p.month) for p in states if p.status != "closed"]
        months = []
        for month in range(1, 13):
            period = Period(year, month)
            state = by_month.get((year, month))
            closed = state is not None and state.status == "closed"
            earlier = [p for p in open_ if p < period]
            months.append(
                MonthView(
                    period,
                    "closed" if closed else "open",
                    state.last_number if state else 0,
                    state.closed_at if state else None,
                    state.closed_by if state else None,
                    0 if closed else store.count_pending(org.id, year, month),
                    None if closed or not earlier else earlier[0],
                )
            )
        years = sorted({p.year for p in states} | {year})
        closed_year = store.year_closed(org.id, year)
    return YearMonths(year, tuple(months), tuple(years), open_[0] if open_ else None, closed_year)


@dataclass(frozen=True, slots=True)
class AssetDue:
    """An asset with depreciation months due through December not yet charged."""

    asset_no: str
    name: str
    months: int
    amount_fen: int


@dataclass(frozen=True, slots=True)
class YearEnd:
    """The year-end's steps and their state. For a closed year only ``surplus_fen`` counts."""

    year: int
    closed: bool
    surplus_fen: int  # closed: what the close carried; open: what it would carry now (loss < 0)
    #: its results carried already (:func:`carry_year`), December open for the distribution;
    #: ``carried_fen`` is what that carried, ``surplus_fen`` what December took since
    carried: bool = False
    carried_fen: int = 0
    year_ended: bool = True  # 31 December has come
    pending: int = 0  # vouchers dated in the year not posted yet (drafts and reviewed)
    depreciation_due: tuple[AssetDue, ...] = ()
    unsettled_accounts: tuple[str, ...] = ()  # 待处理财产损溢 in this chart (none: no step)
    unsettled_fen: int = 0  # its balance at 31 December, debit > 0
    open_months: tuple[int, ...] = ()  # January to November still open
    december_closed: bool = False  # it is, and the closing voucher must be posted into it
    surplus_account: str = ""  # 本年盈余 (village: 本年收益)
    undistributed_account: str = ""  # 未分配盈余
    income_fen: int = 0  # income carried into 本年盈余
    expense_fen: int = 0  # expense carried into 本年盈余
    postings: tuple[VoucherDraft, ...] = field(default=())  # what the close would post, in order

    @property
    def blockers(self) -> tuple[str, ...]:
        """What keeps the year from closing, as codes, in the order the steps are shown."""
        if self.closed:
            return ()
        found = {
            "year_not_ended": not self.year_ended,
            "vouchers_pending": self.pending > 0,
            "depreciation_due": bool(self.depreciation_due),
            "unsettled_losses": self.unsettled_fen != 0,
            "months_open": bool(self.open_months),
            "december_closed": self.december_closed,
        }
        return tuple(code for code, blocks in found.items() if blocks)

    @property
    def ready(self) -> bool:
        return not self.closed and not self.blockers


def year_end_status(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int, today: date
) -> YearEnd:
    """The year-end close's steps for ``year`` as of ``today``: whether 31 December has come,
    vouchers dated in the year not posted, assets with depreciation due through December not
    charged, the balance of 待处理财产损溢, January to November still open, December already
    closed while there is income or expense to carry — and the vouchers :func:`close_year` would
    post (income and expense into 本年盈余, then 本年盈余 into 未分配盈余). Reads only.

    The guided page is stricter than :func:`close_year`, which closes open months itself and does
    not look at depreciation or the date: each is a step of the year-end all the same.

    :raise NotFound: / :raise Forbidden: as reading the books.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        if store.year_closed(org.id, year):
            surplus = uow.distributions.fiscal_year_surplus(org.id, year)
            return YearEnd(year, True, surplus or 0)
        chart = load_chart(org.chart)
        year_end = date(year, 12, 31)
        december = Period(year, 12)
        due = []
        for record in uow.registers.assets(org.id):
            months = charges_due(record.asset, december, set(record.charges), record.usage)
            if months:
                due.append(
                    AssetDue(
                        record.asset.asset_no,
                        record.asset.name,
                        len(months),
                        sum(fen for _, fen in months),
                    )
                )
        codes, unsettled = _unsettled(uow, org.id, chart.accounts, year, year_end)
        balances = store.pnl_balances(org.id, year_end)
        kinds = {code: a.category for code, a in store.accounts(org.id).items()}
        closing, surplus = closing_draft(
            balances, chart.surplus_account, year_end, f"{year}年度损益结转"
        )
        carry = postings.carry_surplus(chart, year, surplus, cooperative=org.kind == "cooperative")
        status = {(p.year, p.month): p.status for p in store.periods(org.id) if p.year == year}
        carried = store.year_stage(org.id, year) == "carried"
        carried_fen = uow.distributions.fiscal_year_surplus(org.id, year) if carried else None
        return YearEnd(
            year,
            False,
            surplus,
            carried=carried,
            carried_fen=carried_fen or 0,
            year_ended=december.ended_by(today),
            pending=store.count_pending(org.id, year, None),
            depreciation_due=tuple(due),
            unsettled_accounts=codes,
            unsettled_fen=unsettled,
            open_months=tuple(m for m in range(1, 12) if status.get((year, m)) != "closed"),
            december_closed=closing is not None and status.get((year, 12)) == "closed",
            surplus_account=chart.surplus_account,
            undistributed_account=chart.undistributed_account,
            income_fen=-sum(b.net_fen for b in balances if kinds.get(b.account) is INCOME),
            expense_fen=sum(b.net_fen for b in balances if kinds.get(b.account) is not INCOME),
            postings=tuple(d for d in (closing, carry) if d is not None),
        )
