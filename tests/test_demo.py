"""``coopledger demo``: the demonstration books build, verify, tie and close, their registers tie
to the ledger (funds, assets and depreciation, quantified shares), the previous year's surplus is
distributed to the fen and what each household was paid or is still owed is in its subledger,
the village receives its dividend, and a household sees only its own record. The books are built
once for the module (about ten seconds: every voucher goes through prepare, review and post, and
eight passwords are hashed with argon2)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import main
from coopledger.demo.story import PASSWORD
from coopledger.domain.accounts import Category
from coopledger.domain.assets import charges_due, schedule
from coopledger.domain.errors import NotFound
from coopledger.domain.ledger import Status
from coopledger.domain.periods import Period
from coopledger.services import (
    auth,
    construction,
    contracts,
    distribution,
    financial_statements,
    findings,
    orgs,
    periods,
    register_reports,
    registers,
    reports,
    shares,
    vouchers,
)
from coopledger.services.clock import utcnow
from coopledger.services.ports import PlanRecord, UnitOfWork, VoucherFilter

ORGS = ("garlic-coop", "cattle-coop", "tourism-coop", "guanwangmiao")
COOPS = ORGS[:3]
LOGINS = ("admin", "zhang-kj", "zhao-kj", "sun-kj", "cashier", "reviewer", "auditor", "household")
SURPLUS_ACCOUNT = {
    "garlic-coop": "331",
    "cattle-coop": "331",
    "tourism-coop": "331",
    "guanwangmiao": "321",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo database, built by the command as a user runs it, and what the command printed."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    result = CliRunner().invoke(
        main, ["demo", "--db", str(db), "--no-serve"], env={"COOPLEDGER_INSTANCE_PATH": str(folder)}
    )
    assert result.exit_code == 0, result.output
    return db, result.output


@pytest.fixture(scope="module")
def uow(demo: tuple[Path, str]) -> Iterator[Callable[[], UnitOfWork]]:
    engine = make_engine(f"sqlite:///{demo[0]}")
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    yield lambda: SqlUnitOfWork(sessions)
    engine.dispose()


def last_ended_month() -> Period:
    """The latest month whose end has come: depreciation is never charged ahead of it."""
    today = utcnow().date()
    this_month = Period.of(today)
    return this_month if this_month.ended_by(today) else this_month.previous()


def test_the_command_prints_every_login_and_organization(demo: tuple[Path, str]) -> None:
    _db, output = demo
    for username in LOGINS:
        assert f"  {username} " in output
    assert PASSWORD in output
    for code in ORGS:
        assert f"  {code} " in output
    assert "官王庙大蒜种植专业合作社" in output
    assert "1 draft" in output
    assert f"depreciation through {last_ended_month()}" in output
    assert "260000.00 yuan quantified to 5 households" in output
    year = utcnow().date().year - 1
    assert (
        f"{year} plan approved (成员大会决议〔{year + 1}〕1号), 12 households and 1 collective"
        in (output)
    )
    assert "guarantee top-ups, 2 still owed" in output
    assert f"{year} dividend from garlic-coop (member JT01) received into 投资收益" in output


@pytest.mark.parametrize("org", ORGS)
def test_every_hash_chain_is_intact(demo: tuple[Path, str], org: str) -> None:
    db, _output = demo
    result = CliRunner().invoke(
        main,
        ["audit", "verify", org],
        env={
            "COOPLEDGER_DATABASE_URL": f"sqlite:///{db}",
            "COOPLEDGER_INSTANCE_PATH": str(db.parent),
        },
    )
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output


@pytest.mark.parametrize("org", ORGS)
def test_last_year_ties_and_is_closed_into_surplus(uow: Callable[[], UnitOfWork], org: str) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    year = utcnow().date().year - 1
    tb = reports.trial_balance_report(uow(), auditor, org, date(year, 1, 1), date(year, 12, 31))
    assert tb.ties
    categories = {a.code: a.category for a in orgs.list_accounts(uow(), auditor, org)}
    rows = {row.account: row for row in tb.rows}
    pnl = [row for row in tb.rows if categories[row.account] in (Category.INCOME, Category.EXPENSE)]
    assert pnl, "a year of vouchers has income and expenses"
    for row in pnl:
        assert row.debit > 0, row
        assert (row.closing_debit, row.closing_credit) == (0, 0), row
    # every demonstration organization made a surplus, and the year-end close carried it from
    # 本年盈余 into 未分配盈余: 本年盈余 ends the year at zero
    surplus = rows[SURPLUS_ACCOUNT[org]]
    assert surplus.credit > 0 and (surplus.closing_debit, surplus.closing_credit) == (0, 0)
    undistributed = rows[SURPLUS_ACCOUNT[org][:2] + "202"]
    assert undistributed.credit >= surplus.credit
    months = {(p.year, p.month): p.status for p in periods.list_periods(uow(), auditor, org)}
    assert all(months[(year, m)] == "closed" for m in range(1, 13))
    assert all(status == "open" for (y, _m), status in months.items() if y == year + 1)


def test_a_draft_waits_for_review_in_the_current_year(uow: Callable[[], UnitOfWork]) -> None:
    reviewer = auth.actor_named(uow(), "reviewer")
    drafts = vouchers.list_vouchers(
        uow(), reviewer, "garlic-coop", VoucherFilter(status=Status.DRAFT.value), 10, 0
    )
    assert len(drafts) == 1
    assert drafts[0].booked_on.year == utcnow().date().year


def test_the_household_reads_its_own_record_only(uow: Callable[[], UnitOfWork]) -> None:
    household = auth.actor_named(uow(), "household")
    own = orgs.get_member(uow(), household, "garlic-coop", "003")
    assert own.poverty_status == "exited"
    with pytest.raises(NotFound):
        orgs.get_member(uow(), household, "garlic-coop", "001")
    with pytest.raises(NotFound):
        orgs.get_member(uow(), household, "cattle-coop", "003")


@pytest.mark.parametrize("org", ORGS)
def test_the_share_register_ties_to_the_ledger(uow: Callable[[], UnitOfWork], org: str) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    register = shares.share_register(uow(), auditor, org)
    assert register.ties
    if org in COOPS:
        assert register.totals["capital"] > 0  # every cooperative member paid in share capital


@pytest.mark.parametrize("org", ORGS)
def test_the_asset_register_and_fund_usage_tie_to_the_ledger(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    """Depreciation runs through this month, its voucher dated the month's last day: the register
    of today counts the charges dated by today, as the ledger does."""
    auditor = auth.actor_named(uow(), "auditor")
    assets = register_reports.asset_register(uow(), auditor, org)
    assert assets.ties and assets.totals.count > 0
    assert register_reports.fund_usage(uow(), auditor, org).ties


QUANTIFIED = {  # fund → what its 专项基金 was quantified to members (fen)
    "gwm-garlic-base": 26_000_000,
    "nancun-cattle-shed": 30_000_000,
    "gwm-cold-store": 20_000_000,
}


@pytest.mark.parametrize("org", ORGS)
def test_every_fund_traces_from_grant_to_assets_and_households(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    views = registers.fund_views(uow(), auditor, org)
    assert views
    for view in views:
        code = view.fund.code
        trace = registers.fund_trace(uow(), auditor, org, code)
        assert trace.ties, code
        assert trace.receipts, code
        assert view.figures.committed_to_assets == 0  # every acquisition voucher is posted
        assert sum(fen for _no, _name, fen in trace.quantified) == QUANTIFIED.get(code, 0)
        for asset in trace.assets:
            assert 0 < asset.accumulated_fen < asset.funded_fen, (code, asset.record.asset.asset_no)


@pytest.mark.parametrize("org", ORGS)
def test_every_asset_is_depreciated_through_the_last_ended_month_once(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    this_month = last_ended_month()
    records = registers.list_assets(uow(), auditor, org)
    assert records
    for record in records:
        assert charges_due(record.asset, this_month, set(record.charges), record.usage) == []
        assert all(charge.posted for charge in record.charges.values())
        assert max(record.charges) == this_month


def test_the_cattle_shed_card_ties_to_its_monthly_charges_and_the_ledger(
    uow: Callable[[], UnitOfWork],
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    today = utcnow().date()
    this_month = last_ended_month()
    record = registers.get_asset(uow(), auditor, "cattle-coop", "NP-01")
    shed = record.asset
    assert (shed.asset_class, shed.use, shed.poverty_project) == ("operating", "production", True)
    assert shed.acquired_on.year == today.year - 1
    assert dict(shed.funding) == {"nancun-cattle-shed": 30_000_000}
    due = [(period, fen) for period, fen in schedule(shed) if period <= this_month]
    assert due[0][0] == Period.of(shed.acquired_on).next()  # from the month after it was put in use
    assert sorted((p, c.amount_fen) for p, c in record.charges.items()) == due
    assert len({c.voucher_id for c in record.charges.values()}) == len(due)  # one voucher a month
    assert registers.accumulated(record) == sum(fen for _p, fen in due)
    # the shed is the cattle cooperative's only asset: 累计折旧 in the ledger is its depreciation
    tb = reports.trial_balance_report(
        uow(), auditor, "cattle-coop", date(today.year, 1, 1), this_month.last_day
    )
    assert {row.account: row for row in tb.rows}["152"].closing_credit == registers.accumulated(
        record
    )
    # no month is charged twice: running depreciation again prepares nothing
    accountant = auth.actor_named(uow(), "zhao-kj")
    assert registers.run_depreciation(uow(), accountant, "cattle-coop", this_month) == []


def test_the_cattle_shed_was_built_as_在建工程_its_grant_moved_as_it_was_paid(
    uow: Callable[[], UnitOfWork],
) -> None:
    """Two payments, each moving as much of the grant from 专项应付款 into 专项基金 in its own
    voucher; completion puts 300,000.00 into 固定资产 and moves nothing more."""
    auditor = auth.actor_named(uow(), "auditor")
    project = construction.get_project(uow(), auditor, "cattle-coop", "NP-01")
    assert (project.status, project.asset_no, project.project.fund) == (
        "completed",
        "NP-01",
        "nancun-cattle-shed",
    )
    assert [s.amount_fen for s in project.spending] == [18_000_000, 12_000_000]
    assert all(s.posted for s in project.spending)
    for spent in project.spending:
        voucher = vouchers.get_voucher(uow(), auditor, "cattle-coop", spent.voucher_id)
        assert [(ln.account, ln.side.value, ln.amount_fen, ln.fund) for ln in voucher.lines] == [
            ("153", "D", spent.amount_fen, None),
            ("102", "C", spent.amount_fen, None),
            ("235", "D", spent.amount_fen, "nancun-cattle-shed"),
            ("311", "C", spent.amount_fen, None),
        ]
    assert project.completion_voucher_id is not None
    completion = vouchers.get_voucher(uow(), auditor, "cattle-coop", project.completion_voucher_id)
    assert [(ln.account, ln.side.value, ln.amount_fen) for ln in completion.lines] == [
        ("151", "D", 30_000_000),
        ("153", "C", 30_000_000),
    ]
    trace = registers.fund_trace(uow(), auditor, "cattle-coop", "nancun-cattle-shed")
    assert trace.ties and trace.building == []
    assert trace.view.figures.special_fund == 30_000_000


def test_the_breeding_herd_is_a_productive_biological_asset_depreciated_into_143(
    uow: Callable[[], UnitOfWork],
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    today = utcnow().date()
    this_month = last_ended_month()
    record = registers.get_asset(uow(), auditor, "cattle-coop", "NM-01")
    herd = record.asset
    assert herd.kind == "productive_biological" and herd.acquired_on.year == today.year - 1
    # (100,000 − 5 %) ÷ 72 months = 1,319.44 a month from the month after purchase
    due = [(period, fen) for period, fen in schedule(herd) if period <= this_month]
    assert due[0] == (Period.of(herd.acquired_on).next(), 131_944)
    assert sorted((p, c.amount_fen) for p, c in record.charges.items()) == due
    assert all(charge.posted for charge in record.charges.values())
    tb = reports.trial_balance_report(
        uow(), auditor, "cattle-coop", date(today.year, 1, 1), this_month.last_day
    )
    rows = {row.account: row for row in tb.rows}
    assert rows["142"].closing_debit == 10_000_000
    assert rows["143"].closing_credit == registers.accumulated(record)
    shed = registers.get_asset(uow(), auditor, "cattle-coop", "NP-01")
    assert rows["152"].closing_credit == registers.accumulated(shed)  # the shed's alone
    report = register_reports.asset_register(uow(), auditor, "cattle-coop", this_month.last_day)
    (section,) = report.sections
    assert (section.cost_account, section.accumulated_account) == ("142", "143")
    assert [ln.record.asset.asset_no for ln in section.lines] == ["NM-01"] and report.ties


@pytest.mark.parametrize("org", COOPS)
def test_production_depreciation_is_carried_out_of_401_at_year_end(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    year = utcnow().date().year - 1
    tb = reports.trial_balance_report(uow(), auditor, org, date(year, 1, 1), date(year, 12, 31))
    production = {row.account: row for row in tb.rows}["401"]
    assert production.debit > 0 and production.debit == production.credit
    assert (production.closing_debit, production.closing_credit) == (0, 0)


def test_garlic_shares_went_only_to_exited_and_monitored_households(
    uow: Callable[[], UnitOfWork],
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    events = shares.share_events(uow(), auditor, "garlic-coop")
    [quantified] = [e for e in events if e.kind == "quantify_fiscal"]
    assert (quantified.fund, quantified.basis, quantified.amount_fen) == (
        "gwm-garlic-base",
        "statuses",
        26_000_000,
    )
    then = shares.share_register(uow(), auditor, "garlic-coop", quantified.occurred_on)
    eligible = {
        h.member_no
        for h in then.holdings
        if h.kind == "household" and h.poverty_status in ("exited", "monitored")
    }
    assert eligible and {no for no, _cls, fen in quantified.allocations if fen > 0} == eligible
    # a 监测户 found out of risk, an ordinary household again, handed its whole share to another
    [reassigned] = [e for e in events if e.kind == "reassign"]
    assert reassigned.from_member in eligible and reassigned.to_member in eligible
    on = reassigned.occurred_on
    for member_no, status in (
        (reassigned.from_member, "none"),
        (reassigned.to_member, "monitored"),
    ):
        assert member_no is not None
        assert shares.status_on(uow(), auditor, "garlic-coop", member_no, on) == status
    now = shares.share_register(uow(), auditor, "garlic-coop")
    assert now.totals["fiscal_share"] == 26_000_000
    holders = {h.member_no: h for h in now.holdings if h.fiscal_share}
    assert reassigned.from_member not in holders
    assert all(h.poverty_status in ("exited", "monitored") for h in holders.values())
    assert holders[reassigned.to_member or ""].fiscal_share == 2 * 26_000_000 // len(eligible)


def test_members_see_what_they_delivered_last_year(uow: Callable[[], UnitOfWork]) -> None:
    household = auth.actor_named(uow(), "household")
    year = utcnow().date().year - 1
    account = shares.member_account(uow(), household, "garlic-coop", "003", year)
    assert sorted(account.transactions) == [
        ("大蒜", "kg", 7_400_000, 2_368_000),  # 7400 kg × 3.20 yuan
        ("蒜薹", "kg", 2_200_000, 528_000),  # 2200 kg × 2.40 yuan
    ]
    assert account.closing is not None and account.closing.fiscal_share == 5_200_000


DISTRIBUTING = ("garlic-coop", "cattle-coop")


def the_plan(uow: Callable[[], UnitOfWork], org: str) -> PlanRecord:
    """The previous year's plan of ``org``, read by the auditor."""
    auditor = auth.actor_named(uow(), "auditor")
    year = utcnow().date().year - 1
    [(plan_id, plan_year, status)] = distribution.list_plans(uow(), auditor, org)
    assert (plan_year, status) == (year, "posted")
    return distribution.get_plan(uow(), auditor, org, plan_id)


@pytest.mark.parametrize("org", DISTRIBUTING)
def test_the_plan_was_approved_by_the_reviewer_in_january_and_its_vouchers_posted(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    """Approved in January, its vouchers dated 31 December of the year it distributes (the
    results were carried with December left open for it), and that year closed after them."""
    plan = the_plan(uow, org)
    today = utcnow().date()
    assert plan.prepared_by == {"garlic-coop": "zhang-kj", "cattle-coop": "zhao-kj"}[org]
    assert plan.approved_by == "reviewer" and plan.resolution
    assert plan.approved_on is not None
    assert (plan.approved_on.year, plan.approved_on.month) == (today.year, 1)
    assert plan.approved_on <= today
    auditor = auth.actor_named(uow(), "auditor")
    assert len(plan.vouchers) == 2  # the appropriations, and 各项分配 into 未分配盈余
    for voucher_id in plan.vouchers:
        voucher = vouchers.get_voucher(uow(), auditor, org, voucher_id)
        assert voucher.status is Status.POSTED and voucher.booked_on == date(plan.year, 12, 31)
    assert periods.year_end_status(uow(), auditor, org, plan.year, today).closed
    # distributed from 未分配盈余 (the year-end close carried 本年盈余 there): R to 盈余公积, D to
    # the members
    assert plan.S > 0 and plan.R == (plan.S * 10 + 50) // 100


@pytest.mark.parametrize("org", DISTRIBUTING)
def test_each_plan_splits_its_distributable_surplus_to_the_fen(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    plan = the_plan(uow, org)
    # 可分配盈余 is the surplus less the loss made up and the reserve; 60 % of it, rounded up to
    # the fen, is returned by transactions; other appropriations come out of the rest
    assert plan.D == plan.S - plan.L - plan.R > 0
    assert plan.P == -(-plan.D * 60 // 100) and plan.P + plan.others + plan.Q == plan.D
    assert sum(ln.patronage_fen for ln in plan.lines) == plan.P
    assert sum(ln.residual_fen for ln in plan.lines) == plan.Q
    assert sum(ln.total_fen for ln in plan.lines) == plan.D - plan.others
    assert any(ln.kind == "collective" for ln in plan.lines)  # JT01, the village's shares


@pytest.mark.parametrize("org", DISTRIBUTING)
def test_every_guaranteed_household_gets_at_least_its_minimum(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    plan = the_plan(uow, org)
    guaranteed = [ln for ln in plan.lines if ln.minimum_fen is not None]
    assert guaranteed and all(ln.poverty_status in ("exited", "monitored") for ln in guaranteed)
    assert {ln.member_no for ln in guaranteed} == {
        ln.member_no for ln in plan.lines if ln.poverty_status in ("exited", "monitored")
    }
    for ln in guaranteed:
        assert ln.minimum_fen is not None and ln.residual_fen >= ln.minimum_fen, ln
    topped = [ln for ln in plan.lines if ln.topup_fen]
    assert topped and sum(ln.topup_fen for ln in topped) == plan.T
    assert all(ln.minimum_fen is not None for ln in topped)


@pytest.mark.parametrize("org", DISTRIBUTING)
def test_each_members_221_and_222_balance_is_what_the_plan_still_owes_it(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    today = utcnow().date()
    start = date(today.year - 1, 1, 1)
    plan = the_plan(uow, org)
    unpaid = {}
    for ln in plan.lines:
        owed = ln.total_fen - ln.paid.settled_fen
        credit = -sum(
            reports.ledger_report(uow(), auditor, org, code, ln.member_no, start, today).closing_net
            for code in ("221", "222")
        )
        assert credit == owed, ln.member_no
        unpaid[ln.member_no] = owed
    # the statement shows both: households paid in full, and some still owed (partly or wholly)
    assert any(fen == 0 for fen in unpaid.values())
    assert any(0 < fen < ln.total_fen for ln in plan.lines for fen in [unpaid[ln.member_no]])
    # one household's debt on 成员往来 was deducted and is settled; one's part became capital
    offset = [ln for ln in plan.lines if ln.paid.offset_fen]
    assert len(offset) == 1 and unpaid[offset[0].member_no] == 0
    debt = reports.ledger_report(uow(), auditor, org, "114", offset[0].member_no, start, today)
    assert debt.closing_net == 0
    [converted] = [ln for ln in plan.lines if ln.paid.converted_fen]
    capital = reports.ledger_report(uow(), auditor, org, "301", converted.member_no, start, today)
    assert capital.rows[-1].entry.credit == converted.paid.converted_fen


def test_the_village_records_the_dividend_garlic_coop_paid_jt01(
    uow: Callable[[], UnitOfWork],
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    accountant = auth.actor_named(uow(), "zhang-kj")
    today = utcnow().date()
    assert orgs.member_link(uow(), auditor, "garlic-coop", "JT01") == "guanwangmiao"
    plan = the_plan(uow, "garlic-coop")
    [jt01] = [ln for ln in plan.lines if ln.member_no == "JT01"]
    assert jt01.paid.settled_fen == jt01.total_fen > 0  # paid in full
    [due] = distribution.dividends_due(uow(), accountant, "guanwangmiao")
    assert (due.cooperative, due.plan_id, due.paid_fen) == ("garlic-coop", plan.id, jt01.total_fen)
    assert due.receipt_voucher is not None
    receipt = vouchers.get_voucher(uow(), auditor, "guanwangmiao", due.receipt_voucher)
    assert receipt.status is Status.POSTED
    tb = reports.trial_balance_report(uow(), auditor, "guanwangmiao", date(today.year, 1, 1), today)
    income = {row.account: row for row in tb.rows}["502"]  # 投资收益
    assert (income.debit, income.credit) == (0, jt01.total_fen)


def test_the_household_reads_its_refund_and_residual_in_its_member_account(
    uow: Callable[[], UnitOfWork],
) -> None:
    household = auth.actor_named(uow(), "household")
    year = utcnow().date().year - 1
    account = shares.member_account(uow(), household, "garlic-coop", "003", year)
    assert account.poverty_status == "exited"
    [line] = [ln for ln in the_plan(uow, "garlic-coop").lines if ln.member_no == "003"]
    assert (account.patronage_refund, account.residual_distribution) == (
        line.patronage_fen,
        line.residual_fen,
    )
    assert account.patronage_refund > 0 and line.minimum_fen is not None
    assert account.residual_distribution >= line.minimum_fen
    with pytest.raises(NotFound):
        shares.member_account(uow(), household, "garlic-coop", "002", year)


@pytest.mark.parametrize("org", DISTRIBUTING)
def test_last_years_statement_shows_its_own_distribution_and_ties(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    """The plan's vouchers are dated in the year they distribute: its 盈余及盈余分配表 shows the
    reserve and the members' parts, and 年末未分配盈余 agrees with the balance sheet."""
    plan = the_plan(uow, org)
    auditor = auth.actor_named(uow(), "auditor")
    shown = financial_statements.surplus_statement(uow(), auditor, org, plan.year)
    assert shown.statement.line("reserve").current == plan.R
    assert shown.statement.line("patronage").current == plan.P
    assert shown.ties and all(tie.holds for tie in shown.ties)


@pytest.mark.parametrize("org", ORGS)
def test_the_households_are_named_as_the_policy_names_them_now(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    """脱贫户, 监测户 of a kind, 一般户: no household of the demonstration is recorded as poor."""
    auditor = auth.actor_named(uow(), "auditor")
    households = [
        m for m in orgs.list_members(uow(), auditor, org, 5000, 0) if m.kind == "household"
    ]
    statuses = {m.poverty_status for m in households}
    assert "poor" not in statuses and {"exited", "none"} <= statuses
    assert all(
        (m.poverty_status == "monitored") == (m.monitor_kind is not None) for m in households
    )


def test_the_village_lets_its_pond_and_orchard_and_one_party_is_in_arrears(
    uow: Callable[[], UnitOfWork],
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    year = utcnow().date().year - 1
    _org, resources = contracts.resources(uow(), auditor, "guanwangmiao", date(year, 6, 30))
    assert {(r.record.resource.name, r.status) for r in resources} == {
        ("东大塘", "contracted"),
        ("北坡果园地", "contracted"),
        ("西山林地", "free"),
    }
    _org, register = contracts.register(uow(), auditor, "guanwangmiao", date(year, 12, 31))
    owed = {
        r.record.party: (r.charged_fen, r.paid_fen, r.arrears.overdue_fen) for r in register.rows
    }
    assert owed == {
        "商河县鲁丰水产养殖有限公司": (600_000, 600_000, 0),
        "陈卫东": (450_000, 200_000, 250_000),
    }
    [finding] = [
        f
        for f in findings.findings_for(uow(), auditor, "guanwangmiao", year)
        if f.code == "contract_in_arrears"
    ]
    assert "陈卫东" in finding.message and "2500.00" in finding.message
