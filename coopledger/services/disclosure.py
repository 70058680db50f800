"""The public disclosure notice (财务公开) of an organization for a quarter or a month, and the
warnings for disclosures and distribution plans that fall due (domain.md §5.5).

The notice lists, item by item, the income and expenditure of the period, the assets (money,
fixed assets), claims and debts at its end, the distribution plan of the year before (to be
announced before the assembly), the one-matter-one-discussion funds and their use, and the
poverty-alleviation assets with the income distributed from them. It names households; it never
carries an ID or bank number (the ``Notice`` has no field that could hold one). Only a period
whose months are all closed can be published (409 otherwise).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from coopledger.domain.accounts import Category
from coopledger.domain.errors import InvalidState, NotFound
from coopledger.domain.regions import (
    DisclosurePeriod,
    Due,
    disclosure_due,
    parse_disclosure_period,
    plan_due,
)
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Org, Store, UnitOfWork
from coopledger.services.region_ports import PostedLine
from coopledger.services.registers import fund_accounts

Clock = Callable[[], datetime]


_DIGITS = re.compile(r"\d[\d ]{10,}[\dXx]")


def scrub(text: str | None) -> str | None:
    """Free text on a public notice with any run of twelve or more digits (an ID or bank number
    typed into a memo) masked but for its last four."""
    if text is None:
        return None
    return _DIGITS.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)


class PeriodNotClosed(InvalidState):
    code = "period_not_closed"


@dataclass(frozen=True, slots=True)
class Item:
    booked_on: date
    voucher: str  # 记-number
    account: str
    account_name: str
    memo: str
    amount: int
    counterparty: str | None  # a household's name on the line, if any
    fund: str | None


@dataclass(frozen=True, slots=True)
class BalanceItem:
    account: str
    name: str
    amount: int  # positive: a claim (debit balance) / a debt (credit balance)


@dataclass(frozen=True, slots=True)
class AssetItem:
    asset_no: str
    name: str
    asset_class: str
    poverty_project: bool
    acquired_on: date
    cost: int
    funds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FundItem:
    code: str
    name: str
    source: str
    grantor: str
    purpose: str
    granted: int
    received: int
    spent: int
    lines: tuple[Item, ...]  # the period's movements on the fund


@dataclass(frozen=True, slots=True)
class PlanHousehold:
    member_no: str
    name: str
    amount: int
    paid: int


@dataclass(frozen=True, slots=True)
class PlanItem:
    year: int
    status: str
    resolution: str | None
    approved_on: date | None
    surplus: int
    reserve: int
    patronage: int
    residual: int
    households: tuple[PlanHousehold, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    org: Org
    period: DisclosurePeriod
    income: tuple[Item, ...]
    expenditure: tuple[Item, ...]
    money: int  # cash and bank at the end of the period
    assets: tuple[AssetItem, ...]
    claims: tuple[BalanceItem, ...]
    debts: tuple[BalanceItem, ...]
    plans: tuple[PlanItem, ...]
    one_matter_funds: tuple[FundItem, ...]
    poverty_assets: tuple[AssetItem, ...]
    poverty_income_distributed: int  # households' dividends in the plans shown
    published_on: date | None

    @property
    def income_total(self) -> int:
        return sum(i.amount for i in self.income)

    @property
    def expenditure_total(self) -> int:
        return sum(i.amount for i in self.expenditure)


def _closed(store: Store, org: Org, period: DisclosurePeriod) -> bool:
    return all(store.period_status(org.id, p.year, p.month) == "closed" for p in period.months)


def disclosure_notice(uow: UnitOfWork, actor: Actor, org_code: str, period: str) -> Notice:
    """The notice for the accountant who prepares it (needs to read the books).

    :raise NotFound: unknown or unseen organization. :raise PeriodNotClosed: a month of the
        period is open. :raise ValidationFailed: a malformed period.
    """
    parsed = parse_disclosure_period(period)
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return _notice(uow, org, parsed)


def public_notice(uow: UnitOfWork, org_code: str, period: str) -> Notice:
    """The same notice for anyone, without login (the village's public link).

    :raise NotFound: no such organization, or the period is not closed yet — the same answer,
        so the link tells nobody which organizations keep their books here.
    :raise ValidationFailed: a malformed period.
    """
    parsed = parse_disclosure_period(period)
    with uow:
        org = uow.store.org_by_code(org_code)
        if org is None or not _closed(uow.store, org, parsed):
            raise NotFound("no disclosure notice is published here for this period")
        return _notice(uow, org, parsed)


def _notice(uow: UnitOfWork, org: Org, period: DisclosurePeriod) -> Notice:
    store, registers = uow.store, uow.registers
    if not _closed(store, org, period):
        raise PeriodNotClosed(
            f"{period.label} is not closed yet: close its months before publishing"
        )
    accounts = store.accounts(org.id)

    def item(ln: PostedLine) -> Item:
        acc = accounts.get(ln.account)
        signed = ln.amount if ln.side == "C" else -ln.amount
        return Item(
            ln.booked_on,
            f"记-{ln.number:03d}" if ln.number else "",
            ln.account,
            acc.name_zh if acc else ln.account,
            scrub(ln.line_memo or ln.memo) or "",
            signed,
            scrub(ln.member_name),
            ln.fund_code,
        )

    lines = [
        ln
        for ln in uow.regions.posted_lines(org.id, period.first_day, period.last_day)
        if not ln.closing
    ]
    income, expenditure = [], []
    for ln in lines:
        acc = accounts.get(ln.account)
        if acc is None:
            continue
        if acc.category is Category.INCOME:
            income.append(item(ln))
        elif acc.category is Category.EXPENSE:
            it = item(ln)
            expenditure.append(
                Item(
                    it.booked_on,
                    it.voucher,
                    it.account,
                    it.account_name,
                    it.memo,
                    -it.amount,
                    it.counterparty,
                    it.fund,
                )
            )
    turnovers = store.turnovers(org.id, period.first_day, period.last_day)
    closing = {t.account: t.opening_net + t.debit - t.credit for t in turnovers}
    money = sum(n for code, n in closing.items() if code.startswith(("101", "102")))
    claims, debts = [], []
    for code, net in sorted(closing.items()):
        acc = accounts.get(code)
        if acc is None or not acc.postable or not net:
            continue
        receivable = code.startswith(("112", "113", "114"))  # 应收款, 内部往来 / 成员往来…
        if acc.category is Category.ASSET and receivable and net > 0:
            claims.append(BalanceItem(code, acc.name_zh, net))
        elif (acc.category is Category.LIABILITY or receivable) and net < 0:
            debts.append(BalanceItem(code, acc.name_zh, -net))
    cards = [
        AssetItem(
            r.asset.asset_no,
            r.asset.name,
            r.asset.asset_class.value,
            r.asset.poverty_project,
            r.asset.acquired_on,
            r.asset.cost_fen,
            tuple(sorted(r.asset.funding)),
        )
        for r in registers.assets(org.id)
        if r.asset.acquired_on <= period.last_day
        and (r.asset.disposed_on is None or r.asset.disposed_on > period.last_day)
    ]
    fund_lines: dict[str, list[Item]] = defaultdict(list)
    for ln in lines:
        if ln.fund_code:
            fund_lines[ln.fund_code].append(item(ln))
    figures = registers.fund_figures(org.id, fund_accounts(store, org))
    one_matter = []
    for f in store.funds(org.id):
        if f.source != "one_matter_one_discussion":
            continue
        fig = figures.get(f.code)
        one_matter.append(
            FundItem(
                f.code,
                f.name,
                f.source,
                f.grantor,
                f.purpose,
                f.granted_fen,
                fig.received if fig else 0,
                fig.spent if fig else 0,
                tuple(fund_lines.get(f.code, ())),
            )
        )
    plans = []
    for plan_id, year, _status in uow.distributions.plans(org.id, None):
        if year not in (period.year - 1, period.year):
            continue
        plan = uow.distributions.plan(org.id, plan_id)
        if plan is None:
            continue
        plans.append(
            PlanItem(
                plan.year,
                plan.status,
                plan.resolution,
                plan.approved_on,
                plan.S,
                plan.R,
                plan.P,
                plan.Q,
                tuple(
                    PlanHousehold(ln.member_no, ln.name, ln.total_fen, ln.paid.settled_fen)
                    for ln in plan.lines
                ),
            )
        )
    plans.sort(key=lambda p: p.year)
    published = uow.regions.notices(org.id, "disclosure").get(period.label)
    return Notice(
        org,
        period,
        tuple(income),
        tuple(expenditure),
        money,
        tuple(cards),
        tuple(claims),
        tuple(debts),
        tuple(plans),
        tuple(one_matter),
        tuple(c for c in cards if c.poverty_project),
        sum(h.amount for p in plans for h in p.households),
        published,
    )


def publish(
    uow: UnitOfWork, actor: Actor, org_code: str, period: str, *, clock: Clock = utcnow
) -> Notice:
    """Record that the notice for ``period`` was put up (today): the due-date warning for it
    stops. :raise PeriodNotClosed: the period is not closed."""
    parsed = parse_disclosure_period(period)
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.CLOSE_PERIOD)
        if not _closed(uow.store, org, parsed):
            raise PeriodNotClosed(f"{parsed.label} is not closed yet")
        uow.regions.add_notice(org.id, "disclosure", parsed.label, now.date(), actor.user_id, now)
        uow.store.audit(
            org.id, actor.user_id, "disclosure.publish", "disclosure", parsed.label, {}, now
        )
        uow.commit()
    with uow:
        return _notice(uow, org, parsed)


def schedule_assembly(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    year: int,
    held_on: date,
    *,
    clock: Clock = utcnow,
) -> None:
    """Record the day of the member assembly that approves ``year``'s distribution."""
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        uow.regions.add_notice(org.id, "assembly", str(year), held_on, actor.user_id, now)
        uow.store.audit(
            org.id,
            actor.user_id,
            "assembly.schedule",
            "assembly",
            str(year),
            {"held_on": held_on.isoformat()},
            now,
        )
        uow.commit()


def due(uow: UnitOfWork, actor: Actor, org_code: str, today: date | None = None) -> list[Due]:
    """What falls due: quarterly disclosures not published (from the first month with books),
    and a distribution plan not yet drawn up ahead of a scheduled assembly."""
    today = today or utcnow().date()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return _due(uow, org, today)


def org_due(uow: UnitOfWork, org_id: int, today: date | None = None) -> list[Due]:
    """The same warnings inside the caller's open unit of work (the dashboard, the findings).

    :raise NotFound: no such organization.
    """
    org = uow.store.org_by_id(org_id)
    if org is None:
        raise NotFound(f"organization {org_id} not found")
    return _due(uow, org, today or utcnow().date())


def _due(uow: UnitOfWork, org: Org, today: date) -> list[Due]:
    store = uow.store
    periods = store.periods(org.id)
    published = uow.regions.notices(org.id, "disclosure")
    out: list[Due] = []
    if periods:
        first = min(date(p.year, p.month, 1) for p in periods)
        for d in disclosure_due(today, None, first):
            if d.subject not in published:
                out.append(d)
    plans = {year for _id, year, _status in uow.distributions.plans(org.id, None)}
    for subject, held_on in sorted(uow.regions.notices(org.id, "assembly").items()):
        found = plan_due(org.kind, held_on, int(subject), today, int(subject) in plans)
        if found is not None:
            out.append(found)
    return out
