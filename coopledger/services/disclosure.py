"""The public disclosure notice (财务公开) of an organization for a quarter or a month, and the
warnings for disclosures and distribution plans that fall due.

The notice lists, item by item, the income and expenditure of the period, the assets (money,
fixed assets), claims and debts at its end, the distribution plan of the year before (to be
announced before the assembly), the one-matter-one-discussion funds and their use, and the
poverty-alleviation assets with the income distributed from them — the books as they stood at
the period's last day. It names households; every text on it passes through
:func:`coopledger.domain.privacy.scrub`, so an ID, bank card or phone number typed into a name,
a grantor, a purpose or a memo is masked. Only a period whose months are all closed can be
published (409 otherwise).

Publishing issues the notice: its content is stored as canonical JSON with the SHA-256 of that
text (its fingerprint), and every later view — the public page, its PDF, the accountant's page —
serves the stored notice, whatever happens to the books afterwards. The public link shows issued
notices only; an unknown organization and a period not published answer the same 404.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from coopledger.domain.accounts import Category
from coopledger.domain.errors import InvalidState, NotFound
from coopledger.domain.ledger import Status
from coopledger.domain.money import format_amount, format_quantity
from coopledger.domain.privacy import scrub, scrub_optional
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
from coopledger.services.ports import Clock, HandoutRecord, Org, PeriodStore, UnitOfWork
from coopledger.services.ports.regions import IssuedDisclosure, PostedLine

#: what the public link answers for an unknown organization and for a period not published alike
NOT_PUBLISHED = "no published disclosure notice here"


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
class GoodsReceived:
    received_on: date
    donor: str
    item: str
    unit: str
    quantity_milli: int
    value: int


@dataclass(frozen=True, slots=True)
class GoodsHandedOut:
    """One item's hand-outs in the period: to how many households, how much, and to whom."""

    item: str
    unit: str
    donor: str
    households: int
    quantity_milli: int
    value: int
    recipients: tuple[tuple[str, str, int], ...]  # (member number, name, quantity), scrubbed


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
    goods_received: tuple[GoodsReceived, ...] = ()
    goods_handed_out: tuple[GoodsHandedOut, ...] = ()

    @property
    def income_total(self) -> int:
        return sum(i.amount for i in self.income)

    @property
    def expenditure_total(self) -> int:
        return sum(i.amount for i in self.expenditure)


def _closed(store: PeriodStore, org: Org, period: DisclosurePeriod) -> bool:
    return all(store.period_status(org.id, p.year, p.month) == "closed" for p in period.months)


@dataclass(frozen=True, slots=True)
class NoticeDocument:
    """A notice ready to show: ``content`` is :func:`notice_content`'s data, ``body`` its
    canonical JSON text (UTF-8). ``sha256`` is the fingerprint of ``body`` once the notice is
    issued, None for the accountant's draft of a period not yet published."""

    content: dict[str, Any]
    body: bytes
    sha256: str | None

    @property
    def period(self) -> str:
        return str(self.content["period"])

    @property
    def org_code(self) -> str:
        return str(self.content["organization"]["code"])


def canonical(content: dict[str, Any]) -> bytes:
    """The one text of a notice whose SHA-256 is its fingerprint: JSON, keys sorted, no spaces,
    UTF-8 (Chinese as it is)."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _document(content: dict[str, Any], issued: bool) -> NoticeDocument:
    body = canonical(content)
    return NoticeDocument(content, body, hashlib.sha256(body).hexdigest() if issued else None)


def _stored(issued: IssuedDisclosure) -> NoticeDocument:
    body = issued.content.encode()
    return NoticeDocument(json.loads(body), body, issued.sha256)


def disclosure_notice(uow: UnitOfWork, actor: Actor, org_code: str, period: str) -> NoticeDocument:
    """The notice for the accountant who prepares it (needs to read the books): the issued one
    once published, else a draft from the books of the period.

    :raise NotFound: unknown or unseen organization. :raise PeriodNotClosed: a month of an
        unpublished period is open. :raise ValidationFailed: a malformed period.
    """
    parsed = parse_disclosure_period(period)
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        issued = uow.regions.issued_disclosure(org.id, parsed.label)
        if issued is not None:
            return _stored(issued)
        if not _closed(uow.store, org, parsed):
            raise PeriodNotClosed(
                f"{parsed.label} is not closed yet: close its months before publishing",
                params={"period": parsed.label},
            )
        return _document(notice_content(_notice(uow, org, parsed, None)), issued=False)


def public_notice(uow: UnitOfWork, org_code: str, period: str) -> tuple[NoticeDocument, list[str]]:
    """The issued notice for anyone, without login (the village's public link), and every period
    published, the latest first. Without a period: the latest published notice.

    :raise NotFound: (:data:`NOT_PUBLISHED`) no such organization, or the period is not published
        (or nothing is): the cases are not told apart. :raise ValidationFailed: a malformed period.
    """
    parsed = parse_disclosure_period(period) if period.strip() else None
    with uow:
        org = uow.store.org_by_code(org_code)
        published = uow.regions.published_periods(org.id) if org else []
        if org is None or not published:
            raise NotFound(NOT_PUBLISHED)
        label = parsed.label if parsed is not None else published[0]
        issued = uow.regions.issued_disclosure(org.id, label)
        if issued is None:
            raise NotFound(NOT_PUBLISHED)
        return _stored(issued), published


def ready_quarters(
    uow: UnitOfWork, actor: Actor, org_code: str, today: date, count: int = 8
) -> list[str]:
    """Of the ``count`` quarters up to ``today``'s, those a notice can be drawn for (every month
    closed) or that are published, the latest first: the choices of the accountant's page."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        published = set(uow.regions.published_periods(org.id))
        year, quarter = today.year, (today.month - 1) // 3 + 1
        ready = []
        for _ in range(count):
            period = parse_disclosure_period(f"{year}-Q{quarter}")
            if period.label in published or _closed(uow.store, org, period):
                ready.append(period.label)
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return ready


def _notice(
    uow: UnitOfWork, org: Org, period: DisclosurePeriod, published_on: date | None
) -> Notice:
    """The notice from the books as they stood at the period's last day (the months closed)."""
    store, registers = uow.store, uow.registers
    accounts = store.accounts(org.id)
    end = period.last_day

    def item(ln: PostedLine) -> Item:
        acc = accounts.get(ln.account)
        signed = ln.amount if ln.side == "C" else -ln.amount
        return Item(
            ln.booked_on,
            # numbers restart each month: the month tells two 记-003 of one quarter apart
            f"{ln.booked_on.month}月记-{ln.number:03d}" if ln.number else "",
            ln.account,
            scrub(acc.name_zh if acc else ln.account),
            scrub(ln.line_memo or ln.memo),
            signed,
            scrub_optional(ln.member_name),
            scrub_optional(ln.fund_code),
        )

    lines = [ln for ln in uow.regions.posted_lines(org.id, period.first_day, end) if not ln.closing]
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
    turnovers = store.turnovers(org.id, period.first_day, end)
    closing = {t.account: t.opening_net + t.debit - t.credit for t in turnovers}
    money = sum(n for code, n in closing.items() if code.startswith(("101", "102")))
    claims, debts = [], []
    for code, net in sorted(closing.items()):
        acc = accounts.get(code)
        if acc is None or not acc.postable or not net:
            continue
        receivable = code.startswith(("112", "113", "114"))  # 应收款, 内部往来 / 成员往来…
        if acc.category is Category.ASSET and receivable and net > 0:
            claims.append(BalanceItem(code, scrub(acc.name_zh), net))
        elif (acc.category is Category.LIABILITY or receivable) and net < 0:
            debts.append(BalanceItem(code, scrub(acc.name_zh), -net))
    cards = [
        AssetItem(
            scrub(r.asset.asset_no),
            scrub(r.asset.name),
            r.asset.asset_class.value,
            r.asset.poverty_project,
            r.asset.acquired_on,
            r.asset.cost_fen,
            tuple(sorted(scrub(f) for f in r.asset.funding)),
        )
        for r in registers.assets(org.id)
        if r.asset.acquired_on <= end and (r.asset.disposed_on is None or r.asset.disposed_on > end)
    ]
    fund_lines: dict[str, list[Item]] = defaultdict(list)
    for ln in lines:
        if ln.fund_code:
            fund_lines[ln.fund_code].append(item(ln))
    # a fund is on the notice if it was in the register by the period's end, or money of it
    # moved by then (books entered later for earlier months); its figures count postings to then
    totals = {t.code: t for t in uow.regions.fund_totals([org.id], end)}
    one_matter = []
    for f in store.funds(org.id):
        total = totals.get(f.code)
        if f.source != "one_matter_one_discussion" or total is None:
            continue
        existed = total.created_on is None or total.created_on <= end
        if not (existed or total.received or total.spent):
            continue
        one_matter.append(
            FundItem(
                scrub(f.code),
                scrub(f.name),
                f.source,
                scrub(f.grantor),
                scrub(f.purpose),
                f.granted_fen,
                total.received,
                total.spent,
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
                scrub_optional(plan.resolution),
                plan.approved_on,
                plan.S,
                plan.R,
                plan.P,
                plan.Q,
                tuple(
                    PlanHousehold(
                        scrub(ln.member_no), scrub(ln.name), ln.total_fen, ln.paid.settled_fen
                    )
                    for ln in plan.lines
                ),
            )
        )
    plans.sort(key=lambda p: p.year)
    received, handed_out = _goods(uow, org, period)
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
        published_on,
        received,
        handed_out,
    )


def _goods(
    uow: UnitOfWork, org: Org, period: DisclosurePeriod
) -> tuple[tuple[GoodsReceived, ...], tuple[GoodsHandedOut, ...]]:
    """The goods received from donors in the period and those handed to households, item by
    item, as the posted vouchers booked them (a draft is not yet in the books)."""
    first, end = period.first_day, period.last_day
    status: dict[int, bool] = {}

    def posted(voucher_id: int) -> bool:
        if voucher_id not in status:
            v = uow.store.voucher(org.id, voucher_id)
            status[voucher_id] = v is not None and v.status is Status.POSTED
        return status[voucher_id]

    received = tuple(
        GoodsReceived(
            d.received_on,
            scrub(d.donor),
            scrub(i.item.name),
            scrub(i.item.unit),
            i.item.quantity_milli,
            i.item.value_fen,
        )
        for d in sorted(uow.donations.donations(org.id), key=lambda d: (d.received_on, d.id))
        if first <= d.received_on <= end and posted(d.voucher_id)
        for i in d.items
    )
    by_item: dict[int, list[HandoutRecord]] = defaultdict(list)
    for h in uow.donations.handouts(org.id, since=first, through=end):
        if h.posted_seq is not None:
            by_item[h.item_id].append(h)
    handed_out = tuple(
        GoodsHandedOut(
            scrub(rows[0].item_name),
            scrub(rows[0].unit),
            scrub(rows[0].donor),
            len({h.member_no for h in rows}),
            sum(h.quantity_milli for h in rows),
            sum(h.value_fen for h in rows),
            tuple((scrub(h.member_no), scrub(h.member_name), h.quantity_milli) for h in rows),
        )
        for rows in by_item.values()
    )
    return received, handed_out


def _item(i: Item) -> dict[str, Any]:
    return {
        "date": i.booked_on.isoformat(),
        "voucher": i.voucher,
        "account": i.account,
        "account_name": i.account_name,
        "memo": i.memo,
        "amount": format_amount(i.amount),
        "name": i.counterparty,
        "fund": i.fund,
    }


def _asset(a: AssetItem) -> dict[str, Any]:
    return {
        "asset_no": a.asset_no,
        "name": a.name,
        "class": a.asset_class,
        "poverty_project": a.poverty_project,
        "acquired_on": a.acquired_on.isoformat(),
        "cost": format_amount(a.cost),
        "funds": list(a.funds),
    }


def notice_content(n: Notice) -> dict[str, Any]:
    """The notice as data (JSON-able, amounts as decimal strings): exactly what the page and the
    PDF show, and what is stored when it is published."""
    return {
        "organization": {
            "code": n.org.code,
            "name": scrub(n.org.name),
            "region": scrub(n.org.region),
        },
        "period": n.period.label,
        "from": n.period.first_day.isoformat(),
        "to": n.period.last_day.isoformat(),
        "published_on": n.published_on.isoformat() if n.published_on else None,
        "income": [_item(i) for i in n.income],
        "income_total": format_amount(n.income_total),
        "expenditure": [_item(i) for i in n.expenditure],
        "expenditure_total": format_amount(n.expenditure_total),
        "money": format_amount(n.money),
        "assets": [_asset(a) for a in n.assets],
        "claims": [
            {"account": b.account, "name": b.name, "amount": format_amount(b.amount)}
            for b in n.claims
        ],
        "debts": [
            {"account": b.account, "name": b.name, "amount": format_amount(b.amount)}
            for b in n.debts
        ],
        "distribution_plans": [
            {
                "year": p.year,
                "status": p.status,
                "resolution": p.resolution,
                "approved_on": p.approved_on.isoformat() if p.approved_on else None,
                "surplus": format_amount(p.surplus),
                "reserve": format_amount(p.reserve),
                "patronage": format_amount(p.patronage),
                "residual": format_amount(p.residual),
                "households": [
                    {
                        "member_no": h.member_no,
                        "name": h.name,
                        "amount": format_amount(h.amount),
                        "paid": format_amount(h.paid),
                    }
                    for h in p.households
                ],
            }
            for p in n.plans
        ],
        "one_matter_one_discussion": [
            {
                "code": f.code,
                "name": f.name,
                "grantor": f.grantor,
                "purpose": f.purpose,
                "granted": format_amount(f.granted),
                "received": format_amount(f.received),
                "spent": format_amount(f.spent),
                "lines": [_item(i) for i in f.lines],
            }
            for f in n.one_matter_funds
        ],
        "poverty_assets": [_asset(a) for a in n.poverty_assets],
        "poverty_income_distributed": format_amount(n.poverty_income_distributed),
        "donations_received": [
            {
                "date": g.received_on.isoformat(),
                "donor": g.donor,
                "item": g.item,
                "quantity": format_quantity(g.quantity_milli),
                "unit": g.unit,
                "value": format_amount(g.value),
            }
            for g in n.goods_received
        ],
        "donations_received_total": format_amount(sum(g.value for g in n.goods_received)),
        "donations_handed_out": [
            {
                "item": g.item,
                "unit": g.unit,
                "donor": g.donor,
                "households": g.households,
                "quantity": format_quantity(g.quantity_milli),
                "value": format_amount(g.value),
                "recipients": [
                    {"member_no": no, "name": name, "quantity": format_quantity(q)}
                    for no, name, q in g.recipients
                ],
            }
            for g in n.goods_handed_out
        ],
        "donations_handed_out_total": format_amount(sum(g.value for g in n.goods_handed_out)),
    }


@dataclass(frozen=True, slots=True)
class Published:
    document: NoticeDocument
    new: bool  # False: the period had been published before; its notice is served unchanged


def publish(
    uow: UnitOfWork, actor: Actor, org_code: str, period: str, *, clock: Clock = utcnow
) -> Published:
    """Issue the notice for ``period`` (today): its content and fingerprint are stored and served
    from then on, and the due-date warning for it stops. Publishing a period again changes
    nothing and answers the notice issued the first time.

    :raise PeriodNotClosed: the period is not closed.
    """
    parsed = parse_disclosure_period(period)
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.CLOSE_PERIOD)
        issued = uow.regions.issued_disclosure(org.id, parsed.label)
        if issued is not None:
            return Published(_stored(issued), new=False)
        if not _closed(uow.store, org, parsed):
            raise PeriodNotClosed(
                f"{parsed.label} is not closed yet", params={"period": parsed.label}
            )
        body = canonical(notice_content(_notice(uow, org, parsed, now.date())))
        issued = IssuedDisclosure(
            parsed.label, now.date(), body.decode(), hashlib.sha256(body).hexdigest()
        )
        uow.regions.add_issued_disclosure(org.id, issued, actor.user_id, now)
        uow.regions.add_notice(org.id, "disclosure", parsed.label, now.date(), actor.user_id, now)
        uow.store.audit(
            org.id,
            actor.user_id,
            "disclosure.publish",
            "disclosure",
            parsed.label,
            {"new": {"sha256": issued.sha256}},
            now,
        )
        uow.commit()
    return Published(_stored(issued), new=True)


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
