"""Booking the demonstration story (:mod:`coopledger.demo.story`) only through the services, as a
user would: organizations, users, registers, then the previous calendar year (vouchers prepared by
the accountant or cashier, reviewed by the reviewer, posted by the accountant).

Depreciation is run at every month end (never by hand); every month is closed and the year closed
into 本年盈余 / 本年收益. Then the current year: a few vouchers, depreciation run through the
current month, its months open, and one draft left waiting for review. In January the garlic and
cattle cooperatives' distributions of the previous year are approved, posted and paid.

Everything is deterministic: the same ``today`` gives the same books; every date of the current
year is ``today`` at the latest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from coopledger.demo import bank as bank_story
from coopledger.demo.story import (
    PASSWORD,
    PLANS,
    REGION_USERS,
    USERS,
    Asset,
    ChargeFees,
    Complete,
    Depreciate,
    Distribution,
    Dividends,
    Entry,
    EquipmentReceived,
    FeeReceived,
    GoodsHandedOut,
    GoodsReceived,
    Land,
    Plan,
    Share,
    ShopSettlement,
    Spend,
    Status,
    Step,
    SubsidyClaim,
    Trade,
    as_fen,
)
from coopledger.domain.construction import ConstructionProject
from coopledger.domain.contracts import Contract, Resource, ResourceKind, yearly
from coopledger.domain.donations import Basis, Item
from coopledger.domain.imports import RawTable
from coopledger.domain.ledger import Voucher, VoucherDraft
from coopledger.domain.members import check_digit
from coopledger.domain.money import format_amount, parse_amount, parse_quantity
from coopledger.domain.periods import Period
from coopledger.domain.roles import Actor
from coopledger.services import (
    auth,
    construction,
    contracts,
    disclosure,
    distribution,
    donations,
    orgs,
    periods,
    registers,
    shares,
    shop,
    subsidies,
    vouchers,
)
from coopledger.services.clock import utcnow
from coopledger.services.ports import PasswordHasher, UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class DemoSummary:
    orgs: list[str]  # human lines: one per organization, then its distribution or dividend
    logins: list[tuple[str, str, str]]  # (username, password, role description)


# -- booking -------------------------------------------------------------------------------------


def _id_number(area: str, born: date, seq: int) -> str:
    """An ID number with its GB 11643 check digit; ``seq`` odd for a man, even for a woman."""
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def _registers(uow_factory: UowFactory, accountant: Actor, plan: Plan, year: int) -> None:
    """Members, the village collective's shareholding, funds and sub-accounts."""
    joined = date(year - 1, 11, 20)
    for i, h in enumerate(plan.households):
        seq = 10 * (i + 1) + (2 if h.female else 1)
        orgs.create_member(
            uow_factory(),
            accountant,
            plan.code,
            {
                "member_no": h.no,
                "name": h.name,
                "kind": "household",
                "household_size": h.size,
                "id_number": _id_number(plan.area, h.born, seq),
                "bank_account": f"623058{plan.area}{seq:03d}{h.born:%m%d}",
                "poverty_status": h.status,
                "monitor_kind": h.monitor_kind,
                "joined_on": joined,
            },
        )
    if plan.collective is not None:
        no, name, _capital_paid, organization = plan.collective
        orgs.create_member(
            uow_factory(),
            accountant,
            plan.code,
            {
                "member_no": no,
                "name": name,
                "kind": "collective",
                "joined_on": joined,
                **({"organization": organization} if organization else {}),
            },
        )
    for fund in plan.funds:
        orgs.create_fund(
            uow_factory(),
            accountant,
            plan.code,
            {
                "code": fund.code,
                "name": fund.name,
                "source": fund.source,
                "grantor": fund.grantor,
                "purpose": fund.purpose,
                "granted_fen": parse_amount(fund.granted),
            },
        )
    for parent, code, name_zh, name_en in plan.sub_accounts:
        orgs.add_account(uow_factory(), accountant, plan.code, code, name_zh, parent, name_en)


def _at(day: date, hour: int, now: datetime) -> Callable[[], datetime]:
    """A clock stopped at ``hour`` UTC on ``day`` (never later than now): the demonstration's
    vouchers are prepared, reviewed and posted on the day they are dated."""
    moment = min(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), now)
    return lambda: moment


@dataclass(slots=True)
class _Tally:
    """What one organization's steps did, for the progress lines and the summary."""

    posted: int = 0
    drafts: int = 0
    assets: int = 0
    through: Period | None = None  # depreciation charged through this month
    quantified: int = 0  # fen
    households: set[str] = field(default_factory=set)  # who received quantified shares
    trades: int = 0
    progress: list[str] = field(default_factory=list)  # what a distribution or receipt did
    summary: list[str] = field(default_factory=list)
    goods: dict[str, int] = field(default_factory=dict)  # donated goods' item ids, by name


def _review_and_post(
    uow_factory: UowFactory,
    actors: Mapping[str, Actor],
    plan: Plan,
    voucher: Voucher,
    day: date,
    now: datetime,
) -> None:
    vouchers.review_voucher(
        uow_factory(), actors["reviewer"], plan.code, voucher.id, clock=_at(day, 6, now)
    )
    vouchers.post_voucher(
        uow_factory(), actors[plan.accountant], plan.code, voucher.id, clock=_at(day, 8, now)
    )


def _book(
    uow_factory: UowFactory,
    actors: Mapping[str, Actor],
    plan: Plan,
    step: Step,
    now: datetime,
    tally: _Tally,
) -> None:
    """Do one step as the organization's accountant (a voucher: as its preparer). Every voucher
    prepared, by hand or by a register, is reviewed and posted unless it stays a draft."""
    accountant = actors[plan.accountant]
    made: list[Voucher] = []
    match step:
        case Entry():
            draft = VoucherDraft(
                booked_on=step.day, memo=step.memo, lines=step.lines, attachments=step.attachments
            )
            voucher, _replayed = vouchers.create_voucher(
                uow_factory(),
                actors[step.by or plan.accountant],
                plan.code,
                draft,
                clock=_at(step.day, 1, now),
            )
            if step.draft:
                tally.drafts += 1
            else:
                made.append(voucher)
        case Asset():
            _record, acquisition = registers.register_asset(
                uow_factory(),
                accountant,
                plan.code,
                replace(step.card, acquired_on=step.day),
                pay_account=step.pay_account,
                clock=_at(step.day, 1, now),
            )
            assert acquisition is not None  # a new asset, not one migrated from older books
            made.append(acquisition)
            tally.assets += 1
        case Spend():
            card = step.card
            if not any(
                p.project.project_no == card.asset_no
                for p in construction.list_projects(uow_factory(), accountant, plan.code)
            ):
                construction.create_project(
                    uow_factory(),
                    accountant,
                    plan.code,
                    ConstructionProject(
                        project_no=card.asset_no,
                        name=card.name,
                        asset_class=card.asset_class,
                        started_on=step.day,
                        fund=next(iter(sorted(card.funding)), None),
                        poverty_project=card.poverty_project,
                    ),
                    clock=_at(step.day, 1, now),
                )
            _project, voucher = construction.spend(
                uow_factory(),
                accountant,
                plan.code,
                card.asset_no,
                step.day,
                step.amount,
                memo=step.memo,
                clock=_at(step.day, 1, now),
            )
            made.append(voucher)
        case Complete():
            card = step.card
            _project, _card, voucher = construction.complete(
                uow_factory(),
                accountant,
                plan.code,
                card.asset_no,
                construction.Completion(
                    on=step.day,
                    asset_no=card.asset_no,
                    use=card.use,
                    useful_life_months=card.useful_life_months,
                    salvage_fen=card.salvage_fen,
                    category=card.category,
                    method=card.method,
                ),
                clock=_at(step.day, 1, now),
            )
            made.append(voucher)
            tally.assets += 1
        case Depreciate():
            through = Period.of(step.day)
            if not through.ended_by(step.day):  # the current month: charged once it has ended
                through = through.previous()
            made += registers.run_depreciation(
                uow_factory(), accountant, plan.code, through, clock=_at(step.day, 1, now)
            )
            tally.through = through
        case Share():
            event, _voucher = shares.record_event(
                uow_factory(),
                accountant,
                plan.code,
                shares.EventInput(
                    kind=step.kind,
                    occurred_on=step.day,
                    reason=step.reason,
                    fund=step.fund,
                    amount_fen=step.amount,
                    basis=step.basis,
                    from_member=step.from_member,
                    to_member=step.to_member,
                ),
                clock=_at(step.day, 9, now),
            )
            if step.kind.startswith("quantify"):
                tally.quantified += event.amount_fen or 0
                tally.households.update(no for no, _cls, fen in event.allocations if fen > 0)
        case Status():
            orgs.update_member(
                uow_factory(),
                accountant,
                plan.code,
                step.member_no,
                {"poverty_status": step.status, "status_effective_on": step.day},
                clock=_at(step.day, 9, now),
            )
        case Distribution():
            _distribute(uow_factory, actors, plan, step, now, tally)
        case Dividends():
            for due in distribution.dividends_due(uow_factory(), accountant, plan.code):
                if due.receipt_voucher is not None:
                    continue
                made.append(
                    distribution.record_dividend_receipt(
                        uow_factory(),
                        accountant,
                        plan.code,
                        due.cooperative,
                        due.plan_id,
                        step.day,
                        clock=_at(step.day, 2, now),
                    )
                )
                text = (
                    f"{format_amount(due.paid_fen)} yuan {due.year} dividend from "
                    f"{due.cooperative} (member {due.member_no}) received into 投资收益"
                )
                tally.progress.append(f"{plan.code}: {text}")
                tally.summary.append(text)
        case Land():
            _land(uow_factory, accountant, plan, step, now)
        case ChargeFees():
            charged = contracts.charge(
                uow_factory(), accountant, plan.code, step.day, clock=_at(step.day, 2, now)
            )
            if charged.voucher is not None:
                made.append(charged.voucher)
        case FeeReceived():
            _row, receipt = contracts.receive(
                uow_factory(),
                accountant,
                plan.code,
                step.contract_no,
                paid_on=step.day,
                amount_fen=parse_amount(step.amount),
                via=step.via,
                clock=_at(step.day, 3, now),
            )
            made.append(receipt)
        case GoodsReceived():
            record, receipt = donations.receive(
                uow_factory(),
                accountant,
                plan.code,
                donor=step.donor,
                received_on=step.day,
                basis=Basis(step.basis),
                evidence=step.evidence,
                items=[
                    Item(name, unit, parse_quantity(q), parse_amount(value))
                    for name, unit, q, value in step.items
                ],
                clock=_at(step.day, 10, now),
            )
            tally.goods.update({i.item.name: i.id for i in record.items})
            made.append(receipt)
        case GoodsHandedOut():
            _rows, handout = donations.hand_out(
                uow_factory(),
                accountant,
                plan.code,
                handed_on=step.day,
                lines=[
                    donations.HandoutLine(
                        tally.goods[item], no, parse_quantity(q), taker, signed=True
                    )
                    for item, no, q, taker in step.lines
                ],
                clock=_at(step.day, 10, now),
            )
            made.append(handout)
        case SubsidyClaim():
            claim = subsidies.create_claim(
                uow_factory(), accountant, plan.code, step.policy, step.year,
                clock=_at(step.day, 10, now),
            )  # fmt: skip
            subsidies.submit(
                uow_factory(), accountant, plan.code, claim.id, clock=_at(step.day, 11, now)
            )
            _claim, receipt = subsidies.receive(
                uow_factory(), accountant, plan.code, claim.id, step.received_on,
                clock=_at(step.received_on, 10, now),
            )  # fmt: skip
            _claim, payment = subsidies.pay(
                uow_factory(), accountant, plan.code, claim.id, step.paid_on,
                clock=_at(step.paid_on, 10, now),
            )  # fmt: skip
            made += [receipt, payment]
            text = (
                f"{len(claim.lines)} households' {step.policy} subsidy for {step.year}, "
                f"{format_amount(claim.total_fen)} yuan, claimed, received and paid"
            )
            tally.progress.append(f"{plan.code}: {text}")
            tally.summary.append(text)
        case ShopSettlement():
            text = "date,type,order,amount,memo,balance\n" + "".join(
                ",".join(row) + "\n" for row in step.rows
            )
            imported = shop.import_settlement(
                uow_factory(),
                accountant,
                plan.code,
                shop.SettlementFile(
                    RawTable(("date", "type", "order", "amount", "memo", "balance"), step.rows),
                    step.filename,
                    hashlib.sha256(text.encode()).hexdigest(),
                ),
                accounts=shop.Accounts(settlement="10202", income="50101", bank="10201"),
                clock=_at(step.day, 20, now),
            )
            made += imported.vouchers
        case EquipmentReceived():
            _gift, receipt, _fund = donations.receive_equipment(
                uow_factory(),
                accountant,
                plan.code,
                donor=step.donor,
                basis=Basis.DONOR_INVOICE,
                evidence=step.evidence,
                asset=replace(step.card, acquired_on=step.day),
                clock=_at(step.day, 10, now),
            )
            made.append(receipt)
            tally.assets += 1
        case Trade():
            shares.record_transaction(
                uow_factory(),
                accountant,
                plan.code,
                step.member_no,
                step.day,
                step.product,
                step.qty * 1000,
                step.unit,
                step.amount_fen,
                clock=_at(step.day, 9, now),
            )
            tally.trades += 1
    for voucher in made:
        _review_and_post(uow_factory, actors, plan, voucher, step.day, now)
    tally.posted += len(made)


def _distribute(
    uow_factory: UowFactory,
    actors: Mapping[str, Actor],
    plan: Plan,
    step: Distribution,
    now: datetime,
    tally: _Tally,
) -> None:
    """Plan, approve, post and pay the previous year's distribution (see :class:`Distribution`);
    every voucher it prepares is reviewed and posted before the next step needs it."""
    accountant, code = actors[plan.accountant], plan.code
    year = step.day.year - 1
    record = distribution.create_plan(
        uow_factory(),
        accountant,
        code,
        distribution.PlanRequest(
            year, step.reserve_rate, step.patronage_ratio, guarantee=step.guarantee
        ),
        clock=_at(step.day, 2, now),
    )
    distribution.approve_plan(
        uow_factory(), actors["reviewer"], code, record.id, step.resolution, step.approved_on
    )
    _posted, statutory = distribution.post_plan(
        uow_factory(), accountant, code, record.id, clock=_at(step.approved_on, 3, now)
    )
    made = [(voucher, step.approved_on) for voucher in statutory]
    for voucher, day in made:
        _review_and_post(uow_factory, actors, plan, voucher, day, now)
    paid_on = step.paid_on

    def paid(request: distribution.PaymentRequest) -> None:
        _record, prepared = distribution.pay(
            uow_factory(), accountant, code, record.id, request, clock=_at(paid_on, 2, now)
        )
        for voucher in prepared:
            _review_and_post(uow_factory, actors, plan, voucher, paid_on, now)
            made.append((voucher, paid_on))

    cash_member, cash = step.cash
    paid(distribution.PaymentRequest(paid_on, "cash", cash_member, as_fen(cash)))
    paid(distribution.PaymentRequest(paid_on, "bank", step.offset, offset=True))
    converted_member, converted = step.converted
    owed = {ln.member_no: ln.total_fen for ln in record.lines}
    _record, conversion = distribution.convert_to_capital(
        uow_factory(),
        accountant,
        code,
        record.id,
        [(converted_member, owed[converted_member] if converted is None else as_fen(converted))],
        paid_on,
        step.resolution,
        clock=_at(paid_on, 2, now),
    )
    _review_and_post(uow_factory, actors, plan, conversion, paid_on, now)
    made.append((conversion, paid_on))
    waiting = {cash_member, *step.unpaid}
    for ln in distribution.get_plan(uow_factory(), accountant, code, record.id).lines:
        if ln.member_no not in waiting and ln.total_fen > ln.paid.settled_fen:
            paid(distribution.PaymentRequest(paid_on, "bank", ln.member_no))
    tally.posted += len(made)

    final = distribution.get_plan(uow_factory(), accountant, code, record.id)
    households = sum(ln.kind == "household" for ln in final.lines)
    who = f"{_count(households, 'household')}" + (
        f" and {len(final.lines) - households} collective" if len(final.lines) > households else ""
    )
    topups = _count(sum(ln.topup_fen > 0 for ln in final.lines), "guarantee top-up")
    owing = [ln.total_fen - ln.paid.settled_fen for ln in final.lines]
    owing = [fen for fen in owing if fen > 0]
    offset = sum(ln.paid.offset_fen for ln in final.lines)
    capital = sum(ln.paid.converted_fen for ln in final.lines)
    bank = sum(ln.paid.settled_fen for ln in final.lines) - offset - capital - as_fen(cash)
    tally.progress += [
        f"{code}: {year} plan approved ({final.resolution}) on {final.approved_on}: {who}, "
        f"{format_amount(final.D)} yuan distributed (patronage refunds {format_amount(final.P)}, "
        f"residual {format_amount(final.Q)}), {topups} ({format_amount(final.T)} yuan)",
        f"{code}: paid {format_amount(bank)} yuan by bank and {format_amount(as_fen(cash))} in "
        f"cash, {format_amount(offset)} offset against 成员往来, {format_amount(capital)} "
        f"converted into capital; {len(owing)} still owed {format_amount(sum(owing))} yuan",
    ]
    tally.summary.append(
        f"{year} plan approved ({final.resolution}), {who}, {format_amount(final.D)} yuan "
        f"distributed, {topups}, {len(owing)} still owed"
    )


def _carry_year(
    uow_factory: UowFactory, accountant: Actor, code: str, year: int, now: datetime
) -> periods.YearClose:
    """Close January to November month by month, then carry the year's results: the closing
    vouchers are dated 31 December, and December stays open for the year's distribution, whose
    vouchers are dated 31 December too; :func:`periods.close_year` then closes it."""
    for month in range(1, 12):
        closing_day = Period(year, month).next().first_day.replace(day=3)
        periods.close_period(
            uow_factory(), accountant, code, Period(year, month), clock=_at(closing_day, 7, now)
        )
    return periods.carry_year(
        uow_factory(), accountant, code, year, clock=_at(date(year + 1, 1, 6), 7, now)
    )


def _publish_quarters(
    uow_factory: UowFactory,
    accountant: Actor,
    code: str,
    year: int,
    closed_on: date,
    now: datetime,
) -> None:
    """The village puts up the notice of each quarter of the closed year (财务公开), on the tenth
    day after the quarter (the last once the year is closed); from then on its public link serves
    the notice as issued."""
    for quarter in range(1, 5):
        day = (
            date(year, 3 * quarter + 1, 10)
            if quarter < 4
            else max(date(year + 1, 1, 10), closed_on)
        )
        disclosure.publish(
            uow_factory(), accountant, code, f"{year}-Q{quarter}", clock=_at(day, 9, now)
        )


def _land(
    uow_factory: UowFactory, accountant: Actor, plan: Plan, step: Land, now: datetime
) -> None:
    """The resources register and the contracts on them, with their yearly fee schedules."""
    ids = {}
    for kind, name, location, area, unit in step.resources:
        record = contracts.add_resource(
            uow_factory(),
            accountant,
            plan.code,
            Resource(ResourceKind(kind), name, location, parse_quantity(area), unit),
            clock=_at(step.day, 9, now),
        )
        ids[name] = record.id
    for number, resource, member, party, area, ends, fee, due in step.contracts:
        month, day = (int(part) for part in due.split("-"))
        schedule = yearly(step.day, ends, parse_amount(fee), month, day)
        contracts.add_contract(
            uow_factory(),
            accountant,
            plan.code,
            Contract(
                number, party, member, ids[resource], "", parse_quantity(area), "亩", step.day,
                ends, tuple(schedule),
            ),
            clock=_at(step.day, 9, now),
        )  # fmt: skip


def _by(step: Step, today: date) -> Step:
    """``step`` dated ``today`` at the latest (early in January, the current year's steps)."""
    if isinstance(step, Distribution):
        return replace(
            step,
            day=min(step.day, today),
            approved_on=min(step.approved_on, today),
            paid_on=min(step.paid_on, today),
        )
    if isinstance(step, SubsidyClaim):
        return replace(
            step,
            day=min(step.day, today),
            received_on=min(step.received_on, today),
            paid_on=min(step.paid_on, today),
        )
    return replace(step, day=min(step.day, today))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quantified(tally: _Tally) -> str:
    """``"260000.00 yuan quantified to 5 households"``."""
    return (
        f"{format_amount(tally.quantified)} yuan quantified to "
        f"{_count(len(tally.households), 'household')}"
    )


def build_demo(
    uow_factory: Callable[[], UnitOfWork],
    hasher: PasswordHasher,
    progress: Callable[[str], None] = lambda _text: None,
    today: date | None = None,
) -> DemoSummary:
    """Build the demonstration books in an empty, migrated database.

    ``today`` (default: today in UTC) decides the year: the previous calendar year is booked in
    full and closed; the current year gets a few vouchers in January, months left open.

    :raise DomainError: the database is not empty (an organization or user exists already).
    """
    now = utcnow()
    today = today or now.date()
    year = today.year - 1
    for plan in PLANS:
        orgs.create_org(uow_factory(), None, plan.code, plan.name, plan.kind, plan.region)
    progress(f"{len(PLANS)} organizations created")

    logins = []
    for username, role, org_codes, member, description in USERS:
        if member is not None:
            continue  # a household user needs its member: created after the registers
        auth.create_user(uow_factory(), None, hasher, username, PASSWORD, role, list(org_codes))
        logins.append((username, PASSWORD, description))
    for username, role, regions, description in REGION_USERS:  # scoped to a region
        auth.create_user(
            uow_factory(), None, hasher, username, PASSWORD, role, [], regions=list(regions)
        )
        logins.append((username, PASSWORD, description))
    actors = {username: auth.actor_named(uow_factory(), username) for username, *_rest in logins}
    progress(f"{len(logins)} users created")

    summaries = []
    for plan in PLANS:
        accountant = actors[plan.accountant]
        _registers(uow_factory, accountant, plan, year)
        members = len(plan.households) + (plan.collective is not None)
        progress(
            f"{plan.code}: {members} members, {_count(len(plan.funds), 'fund')}, "
            f"{_count(len(plan.sub_accounts), 'sub-account')}"
        )
        # early in January, the current year's steps are dated today rather than ahead of it;
        # the current year's depreciation run, dated at its end, is dated today
        steps = sorted((_by(e, today) for e in plan.books(plan, year)), key=lambda e: e.day)
        tally = _Tally()
        for step in steps:
            if step.day.year == year:
                _book(uow_factory, actors, plan, step, now, tally)
        carried = _carry_year(uow_factory, accountant, plan.code, year, now)
        posted = tally.posted + 2 * (carried.closing_voucher_id is not None)
        progress(
            f"{plan.code}: {_count(tally.assets, 'asset')} registered, depreciation through "
            f"{tally.through}"
            + (f", {_quantified(tally)}" if tally.quantified else "")
            + (f", {_count(tally.trades, 'member transaction')}" if tally.trades else "")
        )
        progress(
            f"{plan.code}: {posted} vouchers posted in {year}, results carried: "
            f"{'本年收益' if plan.kind == 'village_collective' else '本年盈余'} "
            f"{format_amount(carried.surplus_fen)} into "
            f"{'未分配收益' if plan.kind == 'village_collective' else '未分配盈余'}, "
            "December open for the distribution"
        )
        now_tally = _Tally(through=tally.through)
        for step in steps:
            if step.day.year == today.year and not isinstance(step, SubsidyClaim):
                _book(uow_factory, actors, plan, step, now, now_tally)
        # the distribution's vouchers are dated 31 December and posted: the year closes the
        # day after the plan's approval (or early in January without one)
        approvals = [
            step.approved_on
            for step in steps
            if isinstance(step, Distribution) and step.day.year == today.year
        ]
        closing_day = min(
            max([date(year + 1, 1, 6), *(d + timedelta(days=1) for d in approvals)]), today
        )
        periods.close_year(
            uow_factory(), accountant, plan.code, year, clock=_at(closing_day, 8, now)
        )
        progress(f"{plan.code}: {year} closed on {closing_day}, its distribution in its books")
        if plan.code == bank_story.STORY.org:  # the bank sends its statements: reconciled
            progress(bank_story.import_statements(uow_factory, accountant, year))
        for step in steps:  # a subsidy claim is computed from the closed year
            if isinstance(step, SubsidyClaim) and step.day.year == today.year:
                _book(uow_factory, actors, plan, step, now, now_tally)
        if plan.kind == "village_collective":
            _publish_quarters(uow_factory, accountant, plan.code, year, closing_day, now)
            progress(f"{plan.code}: the four quarterly disclosure notices of {year} published")
        drafts = now_tally.drafts
        for text in now_tally.progress:
            progress(text)
        progress(
            f"{plan.code}: {now_tally.posted} vouchers posted in {today.year}, depreciation "
            f"through {now_tally.through}"
            + (f", {drafts} draft waiting for review" if drafts else "")
        )
        summaries.append(
            f"{plan.code:<13} {plan.name}  ({plan.kind}, {members} members, "
            f"{posted + now_tally.posted} posted vouchers{f', {drafts} draft' if drafts else ''}; "
            f"{_count(tally.assets + now_tally.assets, 'asset')}, depreciation through "
            f"{now_tally.through}" + (f", {_quantified(tally)}" if tally.quantified else "") + ")"
        )
        summaries += [f"{'':<13} {text}" for text in now_tally.summary]

    for username, role, _codes, member, description in USERS:
        if member is not None:
            auth.create_user(uow_factory(), None, hasher, username, PASSWORD, role, [], member)
            logins.append((username, PASSWORD, description))
            progress(f"household user {username} created for {member}")
    return DemoSummary(orgs=summaries, logins=logins)
