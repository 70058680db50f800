"""The accountant's dashboard: what needs doing today and how the year is going, in one read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopledger.domain.accounts import Category, Subledger
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import org_for
from coopledger.services.ports import Org, UnitOfWork, VoucherFilter

#: a count this large or more is shown as "100+"
COUNT_CAP = 100


@dataclass(frozen=True, slots=True)
class Month:
    month: int
    income_fen: int
    expense_fen: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    org: Org
    today: date
    cash_fen: int  # 101 库存现金, closing balance today
    bank_fen: int  # 102 银行存款
    drafts: int  # waiting for review (capped at COUNT_CAP)
    reviewed: int  # reviewed, waiting to be posted (capped)
    unposted_depreciation: int  # depreciation vouchers prepared but not posted
    household_payables_fen: int  # credit balance of liability accounts kept per member
    next_close: Period
    months: tuple[Month, ...]  # income and expenditure of this year, January to this month


def dashboard(uow: UnitOfWork, actor: Actor, org_code: str, today: date) -> Dashboard:
    """Figures for ``org_code`` as of ``today``. :raise NotFound: / :raise Forbidden: as reading.

    Balances and the chart come from the per-month turnover kept with each posting (one read,
    however many lines the books hold); the current month counts whole, so a voucher dated later
    this month is already in the balances.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        accounts = store.accounts(org.id)
        now = Period.of(today)
        net: dict[str, int] = {}
        income = [0] * 13
        expense = [0] * 13
        for (code, year, month), (debit, credit) in store.stored_turnover(org.id).items():
            if Period(year, month) > now:
                continue
            net[code] = net.get(code, 0) + debit - credit
            account = accounts.get(code)
            if year != now.year or account is None:
                continue
            if account.category is Category.INCOME:
                income[month] += credit - debit
            elif account.category is Category.EXPENSE:
                expense[month] += debit - credit

        def balance(prefix: str) -> int:
            return sum(v for code, v in net.items() if code.startswith(prefix))

        payables = -sum(
            net.get(code, 0)
            for code, a in accounts.items()
            if a.postable and a.category is Category.LIABILITY and a.subledger is Subledger.MEMBER
        )
        drafts = len(store.vouchers(org.id, VoucherFilter(status="draft"), COUNT_CAP, 0))
        reviewed = len(store.vouchers(org.id, VoucherFilter(status="reviewed"), COUNT_CAP, 0))
        unposted = {
            charge.voucher_id
            for record in uow.registers.assets(org.id)
            for charge in record.charges.values()
            if not charge.posted
        }
        periods = sorted(store.periods(org.id), key=lambda p: (p.year, p.month))
        open_ = [p for p in periods if p.status != "closed"]
        if open_:
            next_close = Period(open_[0].year, open_[0].month)
        elif periods:
            next_close = Period(periods[-1].year, periods[-1].month).next()
        else:
            next_close = now
    return Dashboard(
        org,
        today,
        balance("101"),
        balance("102"),
        drafts,
        reviewed,
        len(unposted),
        payables,
        next_close,
        tuple(Month(m, income[m], expense[m]) for m in range(1, now.month + 1)),
    )
