"""The demonstration's bank reconciliation: the cattle cooperative's statements of 102 for November
and December of the closed year are imported and matched; what is left is a cheque not yet
presented, the bank's interest and its fee not yet booked, and the 银行存款余额调节表 balances."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import main
from coopledger.domain.periods import Period
from coopledger.services import auth, bank, findings
from coopledger.services.clock import utcnow
from coopledger.services.ports import UnitOfWork


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Callable[[], UnitOfWork], str]]:
    folder = tmp_path_factory.mktemp("demo-bank")
    db = folder / "demo.db"
    result = CliRunner().invoke(
        main, ["demo", "--db", str(db), "--no-serve"], env={"COOPLEDGER_INSTANCE_PATH": str(folder)}
    )
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{db}")
    yield lambda: SqlUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False)), result.output
    engine.dispose()


def test_the_cattle_cooperative_s_bank_reconciles_with_items_in_transit_both_ways(
    built: tuple[Callable[[], UnitOfWork], str],
) -> None:
    uow, output = built
    year = utcnow().date().year - 1
    assert (
        f"cattle-coop: bank statements of 102 for {year}-11 to {year}-12 imported, 3 lines "
        f"matched, 3 in transit at {year}-12-31 (balances)"
    ) in output
    auditor = auth.actor_named(uow(), "auditor")
    assert [str(s.period) for s in bank.statements(uow(), auditor, "cattle-coop", "102")] == [
        f"{year}-11",
        f"{year}-12",
    ]
    november = bank.bank_month(uow(), auditor, "cattle-coop", "102", Period(year, 11))
    r = november.reconciliation
    assert r.balances and len(november.groups) == 1
    assert r.bank_received == r.bank_paid == r.book_received == r.book_paid == ()
    december = bank.bank_month(uow(), auditor, "cattle-coop", "102", Period(year, 12))
    r = december.reconciliation
    assert r.balances and len(december.groups) == 2 and december.suggested == ()
    assert december.statement.lines == 4  # the sale and the members' pay; interest and fee
    assert [(b.description, b.amount_fen) for b in r.bank_received] == [
        ("结息（第四季度存款利息）", 8640)
    ]
    assert [(b.description, b.amount_fen) for b in r.bank_paid] == [("账户管理费", -1250)]
    assert [(k.text, k.amount_fen) for k in r.book_paid] == [("支付管理人员下半年报酬", -900000)]
    assert r.book_received == ()
    assert r.book_balance_fen == r.bank_balance_fen - 8640 + 1250 - 900000
    # a closed month reconciled is not flagged; one without a statement still is
    flagged = {
        f.objects
        for f in findings.findings_for(uow(), auditor, "cattle-coop", year)
        if f.code == "bank_unreconciled"
    }
    assert ("account:102", f"period:{year}-12") not in flagged
    assert ("account:102", f"period:{year}-11") not in flagged
    assert ("account:102", f"period:{year}-09") in flagged
