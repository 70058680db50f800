"""Automated audit findings: what an auditor checks first, computed from the books.

Each finding has a stable ``code``, a ``severity`` (``high``, ``medium``, ``low``), the objects it
concerns (``voucher:12``, ``period:2026-03``, ``asset:NP-01``, ``fund:muni-2026``,
``member:1``, ``audit:7``…), one sentence (in English, for the API and the command line) and the
``params`` the pages put into the code's sentence in the reader's language. :func:`org_findings` runs inside the caller's
transaction (the regional report counts them by severity); :func:`findings_for` is the use case.

Codes: ``voucher_unposted`` (a draft older than 30 days), ``numbering_gap``,
``posted_in_closed_period``, ``asset_not_depreciated`` (in use, due, no charge),
``fund_unspent`` (专项应付款 untouched for 12 months), ``fund_overspent``,
``household_payable_unpaid`` (221/222 owed longer than 90 days), ``guarantee_not_met``,
``cash_negative`` (库存现金 below zero at the end of a day), ``same_person_prepared_and_reviewed``,
``member_account_unbalanced`` (the distribution register ≠ the ledger), ``chain_broken``,
``statements_do_not_tie`` (the surplus statement's 年末未分配盈余 ≠ the balance sheet's),
``bank_unreconciled`` (a closed month's bank account without a balancing reconciliation),
``cash_over_limit`` (库存现金 above the organization's 库存现金限额 at the end of a day),
``cash_over_limit_month_end`` (the same at the end of a month, one a month),
``contract_in_arrears`` (a contract's fees due and charged but not received).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coopledger.domain.accounts import load_chart
from coopledger.domain.assets import charges_due
from coopledger.domain.audit_log import VerifiedPoint
from coopledger.domain.errors import NotFound, field_error
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action, Actor
from coopledger.services import (
    bank,
    chain_check,
    contracts,
    county_reads,
    financial_statements,
)
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Member, Org, UnitOfWork, VoucherFilter
from coopledger.services.ports.regions import FundLineSum

SEVERITIES = ("high", "medium", "low")
DRAFT_DAYS = 30
PAYABLE_DAYS = 90
FUND_IDLE_DAYS = 365
EXAMPLES = 20  # vouchers a grouped finding names


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    objects: tuple[str, ...]
    message: str
    params: Mapping[str, object] = field(default_factory=dict, compare=False)


def finding_json(f: Finding) -> dict[str, Any]:
    """A finding as the API, the command line and the auditor's package write it."""
    return {
        "code": f.code,
        "severity": f.severity,
        "objects": list(f.objects),
        "message": f.message,
    }


def findings_for(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    year: int,
    *,
    clock: Clock = utcnow,
    resume: chain_check.Resume | None = None,
) -> list[Finding]:
    """The findings of ``org_code`` for ``year``, for anyone who may read its books. With
    ``resume`` the chains are verified from the organization's verified point, and a new point
    is stored when they hold.

    :raise NotFound: unknown or unseen organization. :raise Forbidden: a household user.
    :raise ValidationFailed: a year out of range.
    """
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    points: list[VerifiedPoint] = []
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        found = _findings(uow, org, year, clock().date(), resume, points)
    if resume is not None:
        chain_check.save_points(resume, points)
    return found


def org_findings(
    uow: UnitOfWork,
    org_id: int,
    year: int,
    *,
    resume: chain_check.Resume | None = None,
    points: list[VerifiedPoint] | None = None,
) -> list[Finding]:
    """The findings of one organization for ``year``, inside the caller's open unit of work.
    With ``resume`` the chains are verified from the organization's verified point; the new
    point (when they hold) is appended to ``points`` for the caller to store."""
    org = uow.store.org_by_id(org_id)
    if org is None:
        raise NotFound(f"organization {org_id} not found")
    return _findings(uow, org, year, utcnow().date(), resume, points)


def county_findings(
    uow: UnitOfWork,
    orgs: Sequence[Org],
    year: int,
    *,
    resume: chain_check.Resume | None = None,
    points: list[VerifiedPoint] | None = None,
    fund_sums: tuple[date, Sequence[FundLineSum]] | None = None,
) -> dict[int, list[Finding]]:
    """:func:`org_findings` of each of ``orgs`` (by id), inside the caller's open unit of work:
    the same checks on the same facts, each organization's findings the same and in the same
    order, but the facts read for all the organizations at once (one statement per kind of
    fact, not one per organization — see :mod:`coopledger.services.county_reads`).
    ``fund_sums``: the lines carrying a fund summed through a day, if the caller read them."""
    today = utcnow().date()
    reads = county_reads.prefetched(
        uow,
        orgs,
        year,
        min(today, date(year, 12, 31)),
        EXAMPLES,
        chains=resume is not None,
        fund_sums=fund_sums,
    )
    return {org.id: _findings(reads, org, year, today, resume, points) for org in orgs}


def _findings(
    uow: UnitOfWork,
    org: Org,
    year: int,
    today: date,
    resume: chain_check.Resume | None = None,
    points: list[VerifiedPoint] | None = None,
) -> list[Finding]:
    as_of = min(today, date(year, 12, 31))
    out: list[Finding] = []
    out += _vouchers(uow, org, year, today)
    out += _assets(uow, org, year, today)
    out += _funds(uow, org, as_of)
    out += _payables(uow, org, as_of)
    out += _cash(uow, org, year, as_of)
    out += _cash_limit(uow, org, year, as_of)
    out += _contracts(uow, org, as_of)
    out += _bank(uow, org, year)
    out += _distribution(uow, org, year)
    out += _year_end(uow, org, year)
    out += _ties(uow, org, year)
    out += _chains(uow, org, resume, points)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda f: (order[f.severity], f.code, f.objects))


def _vouchers(uow: UnitOfWork, org: Org, year: int, today: date) -> list[Finding]:
    out: list[Finding] = []
    gathered = uow.audit.year_voucher_facts(org.id, year, EXAMPLES)
    closed = uow.audit.closed_periods(org.id) if gathered.facts else {}
    for v in gathered.facts:
        if v.year != year:
            continue
        if v.status != "posted":
            age = (today - v.created_at.date()).days
            if age > DRAFT_DAYS:
                out.append(
                    Finding(
                        "voucher_unposted",
                        "medium",
                        (f"voucher:{v.id}",),
                        f"voucher {v.id} dated {v.booked_on} has been {v.status} for {age} days",
                        {"voucher": v.id, "date": str(v.booked_on), "days": age},
                    )
                )
            continue
        closed_at = closed.get((v.year, v.month))
        if closed_at is not None and v.posted_at is not None and v.posted_at > closed_at:
            out.append(
                Finding(
                    "posted_in_closed_period",
                    "high",
                    (f"voucher:{v.id}", f"period:{Period(v.year, v.month)}"),
                    f"voucher {v.id} was posted on {v.posted_at:%Y-%m-%d %H:%M}, after "
                    f"{Period(v.year, v.month)} was closed on {closed_at:%Y-%m-%d %H:%M}",
                    {
                        "voucher": v.id,
                        "posted": f"{v.posted_at:%Y-%m-%d %H:%M}",
                        "period": str(Period(v.year, v.month)),
                        "closed": f"{closed_at:%Y-%m-%d %H:%M}",
                    },
                )
            )
    if gathered.self_reviewed:
        out.append(_self_reviewed(gathered.self_reviewed, gathered.self_reviewed_ids, year))
    for (y, m), nos in sorted(gathered.numbers.items()):
        seen = sorted(nos)
        missing = sorted(set(range(1, max(seen) + 1)) - set(seen))
        duplicates = sorted({n for n in seen if seen.count(n) > 1})
        if missing or duplicates:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(map(str, missing[:20]))}")
            if duplicates:
                parts.append(f"repeated {', '.join(map(str, duplicates[:20]))}")
            out.append(
                Finding(
                    "numbering_gap",
                    "high",
                    (f"period:{Period(y, m)}",),
                    f"voucher numbers of {Period(y, m)} are not 1..{len(seen)}: {'; '.join(parts)}",
                    {
                        "period": str(Period(y, m)),
                        "count": len(seen),
                        "missing": ", ".join(map(str, missing[:20])) or "none",
                        "repeated": ", ".join(map(str, duplicates[:20])) or "none",
                    },
                )
            )
    return out


def _self_reviewed(count: int, ids: list[int], year: int) -> Finding:
    """The year's posted vouchers reviewed by their preparer, as one finding of low severity:
    the system lets only a single-accountant organization, or one person posting a batch of
    opening or imported books, do that, so it describes how the books are kept rather than a
    lapse in one voucher (a busy single-accountant village has it on every voucher). The first
    vouchers are named; the sentence counts them all."""
    shown = ids[:EXAMPLES]
    more = f" and {count - len(shown)} more" if count > len(shown) else ""
    return Finding(
        "same_person_prepared_and_reviewed",
        "low",
        tuple(f"voucher:{i}" for i in shown),
        f"{count} posted voucher(s) of {year} were prepared and reviewed by the same person: "
        f"{', '.join(map(str, shown))}{more}",
        {"voucher": ", ".join(map(str, shown)), "count": count},
    )


def _assets(uow: UnitOfWork, org: Org, year: int, today: date) -> list[Finding]:
    """Months of ``year`` up to last month that an asset in use should have been charged for."""
    current = Period.of(today)
    through = Period(year, 12) if Period(year, 12) < current else current.previous()
    out: list[Finding] = []
    for record in uow.registers.assets(org.id):
        due = [
            p
            for p, fen in charges_due(
                record.asset, through, set(record.charges), dict(record.usage)
            )
            if p.year == year and fen > 0
        ]
        if due:
            months = ", ".join(str(p) for p in due[:12])
            out.append(
                Finding(
                    "asset_not_depreciated",
                    "medium",
                    (f"asset:{record.asset.asset_no}",),
                    f"asset {record.asset.asset_no} ({record.asset.name}) is in use but has no "
                    f"depreciation for {months}",
                    {"asset": record.asset.asset_no, "name": record.asset.name, "months": months},
                )
            )
    return out


def _role(org: Org, name: str) -> str | None:
    return load_chart(org.chart).roles.get(name)


def _funds(uow: UnitOfWork, org: Org, as_of: date) -> list[Finding]:
    payable = _role(org, "special_payable")
    if payable is None:
        return []
    funds = {f.id: f for f in uow.store.funds(org.id)}
    out: list[Finding] = []
    for fund_id, movement in sorted(uow.audit.fund_movements(org.id, payable, as_of).items()):
        fund = funds.get(fund_id)
        code = fund.code if fund else str(fund_id)
        received, spent = movement.received, movement.spent
        granted = fund.granted_fen if fund else 0
        if spent > received or (granted and spent > granted):
            limit = "received" if spent > received else "granted"
            out.append(
                Finding(
                    "fund_overspent",
                    "high",
                    (f"fund:{code}",),
                    f"fund {code} has spent {format_amount(spent)} yuan, more than the "
                    f"{format_amount(received if limit == 'received' else granted)} yuan {limit}",
                    {
                        "fund": code,
                        "spent": format_amount(spent),
                        "limit": limit,
                        "limit_amount": format_amount(received if limit == "received" else granted),
                    },
                )
            )
        elif received > spent:
            last = movement.last_spent or movement.first_day
            idle = (as_of - last).days
            if idle > FUND_IDLE_DAYS:
                out.append(
                    Finding(
                        "fund_unspent",
                        "low",
                        (f"fund:{code}",),
                        f"fund {code} holds {format_amount(received - spent)} yuan unspent; "
                        f"nothing has been spent from it since {last} ({idle} days)",
                        {
                            "fund": code,
                            "amount": format_amount(received - spent),
                            "since": str(last),
                            "days": idle,
                        },
                    )
                )
    return out


def _payables(uow: UnitOfWork, org: Org, as_of: date) -> list[Finding]:
    """221/222 per member, first in first out: a credit not cleared by later debits in 90 days."""
    codes = tuple(c for c in (_role(org, "patronage_payable"), _role(org, "residual_payable")) if c)
    if not codes:
        return []
    owed: dict[tuple[str, int], deque[list[Any]]] = defaultdict(deque)
    for line in uow.audit.posted_lines(org.id, codes, as_of):
        if line.member_id is None:
            continue
        queue = owed[(line.account, line.member_id)]
        if line.side == "C":
            queue.append([line.booked_on, line.amount_fen])
            continue
        left = line.amount_fen
        while left > 0 and queue:
            head = queue[0]
            take = min(left, int(head[1]))
            head[1] = int(head[1]) - take
            left -= take
            if head[1] == 0:
                queue.popleft()
    out: list[Finding] = []
    members: dict[int, str] | None = None  # read only when someone is owed too long
    for (account, member_id), queue in sorted(owed.items()):
        old = [(d, int(a)) for d, a in queue if (as_of - d).days > PAYABLE_DAYS]
        if old:
            if members is None:
                members = {m.id: m.member_no for m in _members(uow, org)}
            no = members.get(member_id, str(member_id))
            amount = sum(a for _, a in old)
            out.append(
                Finding(
                    "household_payable_unpaid",
                    "medium",
                    (f"member:{no}", f"account:{account}"),
                    f"member {no} has been owed {format_amount(amount)} yuan on {account} "
                    f"since {old[0][0]}, more than {PAYABLE_DAYS} days",
                    {
                        "member": no,
                        "amount": format_amount(amount),
                        "account": account,
                        "since": str(old[0][0]),
                        "limit": PAYABLE_DAYS,
                    },
                )
            )
    return out


def _members(uow: UnitOfWork, org: Org) -> list[Member]:
    out: list[Member] = []
    after = 0
    while True:
        batch = uow.store.members(org.id, 500, after)
        out.extend(batch)
        if len(batch) < 500:
            return out
        after = batch[-1].id


def _cash(uow: UnitOfWork, org: Org, year: int, as_of: date) -> list[Finding]:
    cash = _role(org, "cash")
    if cash is None:
        return []
    balance = 0
    negative: list[tuple[date, int]] = []
    for day, net in uow.audit.daily_nets(org.id, cash, as_of):
        balance += net
        if balance < 0 and day.year == year:
            negative.append((day, balance))
    if not negative:
        return []
    day, amount = negative[0]
    return [
        Finding(
            "cash_negative",
            "high",
            (f"account:{cash}",),
            f"cash on hand was {format_amount(amount)} yuan at the end of {day}"
            + (f" and on {len(negative) - 1} more day(s)" if len(negative) > 1 else ""),
            {"day": str(day), "amount": format_amount(amount), "more": len(negative) - 1},
        )
    ]


def _cash_limit(uow: UnitOfWork, org: Org, year: int, as_of: date) -> list[Finding]:
    """The days of ``year`` cash on hand ended above the organization's 库存现金限额, as one
    finding naming the first day and the highest balance; and each month of ``year`` ended by
    ``as_of`` whose last day closed above the limit, one finding a month, as auditors check the
    month-end balance (it may stand above the limit with no posting that day)."""
    cash = _role(org, "cash")
    if cash is None or org.cash_limit_fen is None:
        return []
    balance = 0
    over: list[tuple[date, int]] = []
    ends = (Period(year, m).last_day for m in range(1, 13))
    month_ends = [end for end in ends if end <= as_of]
    at_month_end: list[tuple[date, int]] = []
    for day, net in uow.audit.daily_nets(org.id, cash, as_of):
        while month_ends and month_ends[0] < day:
            at_month_end.append((month_ends.pop(0), balance))
        balance += net
        if balance > org.cash_limit_fen and day.year == year:
            over.append((day, balance))
    at_month_end += [(end, balance) for end in month_ends]
    limit = format_amount(org.cash_limit_fen)
    out = [
        Finding(
            "cash_over_limit_month_end",
            "medium",
            (f"account:{cash}", f"period:{Period.of(end)}"),
            f"cash on hand was {format_amount(fen)} yuan at the end of the month "
            f"{Period.of(end)}, above the limit of {limit}",
            {"month": str(Period.of(end)), "amount": format_amount(fen), "limit": limit},
        )
        for end, fen in at_month_end
        if fen > org.cash_limit_fen
    ]
    if not over:
        return out
    day, amount = over[0]
    highest = max(fen for _, fen in over)
    return [
        *out,
        Finding(
            "cash_over_limit",
            "medium",
            (f"account:{cash}",),
            f"cash on hand was {format_amount(amount)} yuan at the end of {day}, above the "
            f"limit of {limit}"
            + (f", and on {len(over) - 1} more day(s)" if len(over) > 1 else "")
            + f"; the highest {format_amount(highest)}",
            {
                "day": str(day),
                "amount": format_amount(amount),
                "limit": limit,
                "more": len(over) - 1,
                "highest": format_amount(highest),
            },
        ),
    ]


def _contracts(uow: UnitOfWork, org: Org, as_of: date) -> list[Finding]:
    """Each contract whose fees due and charged by ``as_of`` were not all received."""
    out: list[Finding] = []
    for row in contracts.contract_rows(uow, org, as_of):
        a, c = row.arrears, row.record
        if a.overdue_fen <= 0:
            continue
        objects = (f"contract:{c.contract_no}",) + (
            (f"member:{c.member_no}",) if c.member_no else ()
        )
        out.append(
            Finding(
                "contract_in_arrears",
                "medium",
                objects,
                f"contract {c.contract_no} ({c.party}) is {format_amount(a.overdue_fen)} yuan "
                f"in arrears since {a.since}",
                {
                    "contract": c.contract_no,
                    "party": c.party,
                    "amount": format_amount(a.overdue_fen),
                    "since": str(a.since),
                },
            )
        )
    return out


def _bank(uow: UnitOfWork, org: Org, year: int) -> list[Finding]:
    """A closed month of ``year`` in which a bank account had posted lines must have a bank
    statement whose 银行存款余额调节表 balances."""
    closed = [
        Period(p.year, p.month)
        for p in uow.store.periods(org.id)
        if p.year == year and p.status == "closed"
    ]
    return [
        Finding(
            "bank_unreconciled",
            "medium",
            (f"account:{code}", f"period:{period}"),
            f"{code} has postings in the closed month {period} but no bank reconciliation "
            "that balances",
            {"account": code, "period": str(period)},
        )
        for code, period in bank.unreconciled(uow, org, sorted(closed))
    ]


def _distribution(uow: UnitOfWork, org: Org, year: int) -> list[Finding]:
    out: list[Finding] = []
    dist = uow.distributions
    owed_221: dict[int, int] = defaultdict(int)
    owed_222: dict[int, int] = defaultdict(int)
    for plan_id, _plan_year, status in dist.plans(org.id, None):
        plan = dist.plan(org.id, plan_id)
        if plan is None:
            continue
        if plan.year == year:
            for ln in plan.lines:
                if ln.minimum_fen is not None and ln.residual_fen < ln.minimum_fen:
                    out.append(
                        Finding(
                            "guarantee_not_met",
                            "high",
                            (f"plan:{plan_id}", f"member:{ln.member_no}"),
                            f"member {ln.member_no} is guaranteed {format_amount(ln.minimum_fen)} "
                            f"yuan by plan {plan_id} but gets {format_amount(ln.residual_fen)}",
                            {
                                "plan": plan_id,
                                "member": ln.member_no,
                                "minimum": format_amount(ln.minimum_fen),
                                "got": format_amount(ln.residual_fen),
                            },
                        )
                    )
        if status in ("posted", "paid"):
            for ln in plan.lines:
                owed_221[ln.member_id] += ln.patronage_fen - ln.paid.patronage_fen
                owed_222[ln.member_id] += ln.residual_fen - ln.paid.residual_fen
    out += _register_vs_ledger(uow, org, owed_221, owed_222)
    return out


UNSETTLED_NAME = "待处理财产损溢"


def _year_end(uow: UnitOfWork, org: Org, year: int) -> list[Finding]:
    """A closed year must end with 本年盈余 (village: 本年收益) and 待处理财产损溢 at zero — books
    closed before the close carried 本年盈余 on, or brought in with a balance left there, do not —
    and a cooperative's posted plan must have quantified its 公积金 to the members."""
    out: list[Finding] = []
    if uow.store.year_closed(org.id, year):
        chart = load_chart(org.chart)
        nets: dict[str, int] = defaultdict(int)
        for t in uow.store.turnovers(org.id, date(year, 1, 1), date(year, 12, 31)):
            nets[t.account] += t.opening_net + t.debit - t.credit
        surplus = sum(n for code, n in nets.items() if code.startswith(chart.surplus_account))
        if surplus:
            out.append(
                Finding(
                    "surplus_not_carried",
                    "medium",
                    (f"account:{chart.surplus_account}", f"year:{year}"),
                    f"{chart.surplus_account} still holds {format_amount(-surplus)} yuan at the "
                    f"end of the closed year {year}: carry it into {chart.undistributed_account}",
                    {
                        "year": year,
                        "account": chart.surplus_account,
                        "amount": format_amount(-surplus),
                    },
                )
            )
        codes = tuple(a.code for a in chart.accounts if a.name_zh == UNSETTLED_NAME)
        unsettled = sum(n for code, n in nets.items() if codes and code.startswith(codes))
        if unsettled:
            out.append(
                Finding(
                    "unsettled_after_close",
                    "high",
                    (f"account:{codes[0]}", f"year:{year}"),
                    f"{UNSETTLED_NAME} ({codes[0]}) holds {format_amount(unsettled)} yuan at the "
                    f"end of the closed year {year}",
                    {"year": year, "account": codes[0], "amount": format_amount(unsettled)},
                )
            )
    if org.kind == "cooperative":
        dist = uow.distributions
        for plan_id, plan_year, status in dist.plans(org.id, year):
            plan = dist.plan(org.id, plan_id)
            if (
                plan is not None
                and plan_year == year
                and status in ("posted", "paid")
                and plan.R
                and plan.inputs.get("reserve_basis") is None
            ):
                out.append(
                    Finding(
                        "reserve_not_quantified",
                        "medium",
                        (f"plan:{plan_id}",),
                        f"plan {plan_id} appropriated {format_amount(plan.R)} yuan of 公积金 "
                        "without quantifying it into the members' accounts",
                        {"plan": plan_id, "amount": format_amount(plan.R)},
                    )
                )
    return out


def _ties(uow: UnitOfWork, org: Org, year: int) -> list[Finding]:
    """The year's statements against each other: a figure two of them show must be the same."""
    return [
        Finding(
            "statements_do_not_tie",
            "high",
            (f"year:{year}",),
            f"{tie.line} at the end of {year}: the surplus statement shows "
            f"{format_amount(tie.this_fen)}, the balance sheet {format_amount(tie.other_fen)}",
            {
                "year": year,
                "line": tie.line,
                "this": format_amount(tie.this_fen),
                "other": format_amount(tie.other_fen),
            },
        )
        for tie in financial_statements.surplus_ties(uow, org, year)
        if not tie.holds
    ]


def _register_vs_ledger(
    uow: UnitOfWork, org: Org, owed_221: dict[int, int], owed_222: dict[int, int]
) -> list[Finding]:
    """What the distribution register says each member is owed, against the 221/222 balances of
    the posted ledger. Skipped while a voucher on those accounts awaits posting (in transit)."""
    codes = [
        (c, owed)
        for c, owed in (
            (_role(org, "patronage_payable"), owed_221),
            (_role(org, "residual_payable"), owed_222),
        )
        if c
    ]
    if not codes:
        return []
    differ = [
        (code, member_id, owed.get(member_id, 0), ledger.get(member_id, 0))
        for code, owed in codes
        for ledger in (uow.registers.account_balances_by_member(org.id, code, None),)
        for member_id in sorted(set(ledger) | set(owed))
        if ledger.get(member_id, 0) != owed.get(member_id, 0)
    ]
    # the pending vouchers and the members are read only when something differs
    if not differ or _pending_on(uow, org, [c for c, _ in codes]):
        return []
    members = {m.id: m.member_no for m in _members(uow, org)}
    out: list[Finding] = []
    for code, member_id, in_register, in_ledger in differ:
        no = members.get(member_id, str(member_id))
        out.append(
            Finding(
                "member_account_unbalanced",
                "medium",
                (f"member:{no}", f"account:{code}"),
                f"member {no}: the distribution register says {format_amount(in_register)} "
                f"yuan is owed on {code}, the ledger {format_amount(in_ledger)}",
                {
                    "member": no,
                    "account": code,
                    "register": format_amount(in_register),
                    "ledger": format_amount(in_ledger),
                },
            )
        )
    return out


def _pending_on(uow: UnitOfWork, org: Org, codes: list[str]) -> bool:
    """Whether a draft or reviewed voucher touches one of ``codes``."""
    return any(
        uow.store.vouchers(org.id, VoucherFilter(status=status, account=code), 1, 0)
        for status in ("draft", "reviewed")
        for code in codes
    )


def _chains(
    uow: UnitOfWork,
    org: Org,
    resume: chain_check.Resume | None = None,
    points: list[VerifiedPoint] | None = None,
) -> list[Finding]:
    """Both hash chains and the balances, from the verified point when ``resume`` is given;
    a stored point that was altered is a finding of its own."""
    out: list[Finding] = []
    report, log, point = chain_check.verify_within(uow, org, resume)
    if point is not None and points is not None:
        points.append(point)
    if report.point_note:
        out.append(
            Finding(
                "verified_point_altered",
                "high",
                (f"organization:{org.code}",),
                report.point_note,
            )
        )
    if not report.ok:
        where = (
            (f"voucher:{report.first_bad_voucher}",)
            if report.first_bad_voucher
            else (f"organization:{org.code}",)
        )
        out.append(
            Finding(
                "chain_broken",
                "high",
                where,
                "the voucher chain is broken"
                + (f" at {report.first_bad_number}" if report.first_bad_number else "")
                + f": {report.reason}",
                {"chain": "vouchers", "where": report.first_bad_number or where[0]},
            )
        )
    if log is not None and not log.ok:
        out.append(
            Finding(
                "chain_broken",
                "high",
                (
                    f"audit:{log.first_bad_seq}"
                    if log.first_bad_seq
                    else f"organization:{org.code}",
                ),
                f"the audit log's chain is broken: {log.reason}",
                {
                    "chain": "audit_log",
                    "where": f"audit:{log.first_bad_seq}"
                    if log.first_bad_seq
                    else f"organization:{org.code}",
                },
            )
        )
    return out


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


__all__ = ["Finding", "county_findings", "findings_for", "org_findings", "severity_counts"]
