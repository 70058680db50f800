"""``coopledger demo``: the demonstration books build, verify, tie and close, and a household sees
only its own record. The books are built once for the module (about ten seconds: every voucher
goes through prepare, review and post, and eight passwords are hashed with argon2)."""

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
from coopledger.domain.errors import NotFound
from coopledger.domain.ledger import Status
from coopledger.services import auth, orgs, periods, reports, vouchers
from coopledger.services.clock import utcnow
from coopledger.services.ports import UnitOfWork, VoucherFilter

ORGS = ("garlic-coop", "cattle-coop", "tourism-coop", "guanwangmiao")
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
