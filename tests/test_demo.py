"""``coopledger demo``: the demonstration books build, verify, tie and close, their registers tie
to the ledger (funds, assets and depreciation, quantified shares), and a household sees only its
own record. The books are built once for the module (about ten seconds: every voucher goes
through prepare, review and post, and eight passwords are hashed with argon2)."""

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
from coopledger.demo import PASSWORD
from coopledger.domain.accounts import Category
from coopledger.domain.assets import charges_due, schedule
from coopledger.domain.errors import NotFound
from coopledger.domain.ledger import Status
from coopledger.domain.periods import Period
from coopledger.services import auth, orgs, periods, registers, reports, shares, vouchers
from coopledger.services.clock import utcnow
from coopledger.services.ports import UnitOfWork, VoucherFilter

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


def test_the_command_prints_every_login_and_organization(demo: tuple[Path, str]) -> None:
    _db, output = demo
    for username in LOGINS:
        assert f"  {username} " in output
    assert PASSWORD in output
    for code in ORGS:
        assert f"  {code} " in output
    assert "官王庙大蒜种植专业合作社" in output
    assert "1 draft" in output
    assert f"depreciation through {Period.of(utcnow().date())}" in output
    assert "260000.00 yuan quantified to 5 households" in output


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
    surplus = rows[SURPLUS_ACCOUNT[org]]
    assert surplus.closing_credit > 0  # every demonstration organization made a surplus
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
    assert own.poverty_status == "poor"
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


QUANTIFIED = {  # fund → what its 专项基金 was quantified to members (fen)
    "gwm-garlic-base": 26_000_000,
    "nancun-cattle-shed": 30_000_000,
    "gwm-road-help": 40_000_000,
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
def test_every_asset_is_depreciated_through_this_month_once(
    uow: Callable[[], UnitOfWork], org: str
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    this_month = Period.of(utcnow().date())
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
    this_month = Period.of(today)
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


def test_garlic_shares_went_only_to_poor_and_monitored_households(
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
        if h.kind == "household" and h.poverty_status in ("poor", "monitored")
    }
    assert eligible and {no for no, _cls, fen in quantified.allocations if fen > 0} == eligible
    # a household that exited poverty handed its whole share to a monitored household
    [reassigned] = [e for e in events if e.kind == "reassign"]
    assert reassigned.from_member in eligible and reassigned.to_member in eligible
    on = reassigned.occurred_on
    for member_no, status in (
        (reassigned.from_member, "exited"),
        (reassigned.to_member, "monitored"),
    ):
        assert member_no is not None
        assert shares.status_on(uow(), auditor, "garlic-coop", member_no, on) == status
    now = shares.share_register(uow(), auditor, "garlic-coop")
    assert now.totals["fiscal_share"] == 26_000_000
    holders = {h.member_no: h for h in now.holdings if h.fiscal_share}
    assert reassigned.from_member not in holders
    assert all(h.poverty_status in ("poor", "monitored") for h in holders.values())
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
