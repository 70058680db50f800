"""The demonstration's subsidy claim: the garlic cooperative's poor and low-income members' processing
fees of last year, claimed under the city's processing-income subsidy, received and paid."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import main
from coopledger.domain.ledger import Status
from coopledger.domain.roles import Actor, Role
from coopledger.domain.subsidies import ClaimStatus
from coopledger.services import subsidies
from coopledger.services.clock import utcnow
from coopledger.services.vouchers import get_voucher


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    result = CliRunner().invoke(
        main, ["demo", "--db", str(db), "--no-serve"], env={"COOPLEDGER_INSTANCE_PATH": str(folder)}
    )
    assert result.exit_code == 0, result.output
    return db, result.output


def test_the_garlic_cooperative_claims_receives_and_pays_its_processing_subsidy(
    demo: tuple[Path, str],
) -> None:
    db, output = demo
    year = utcnow().year - 1
    assert f"processing-income subsidy for {year}, 1556.00 yuan" in output.replace(
        "city-processing-income", "processing-income"
    )
    engine = make_engine(f"sqlite:///{db}")
    uow = lambda: SqlUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False))  # noqa: E731
    admin = Actor(0, "operator", Role.ADMIN, frozenset())
    [claim] = subsidies.list_claims(uow(), admin, "garlic-coop")
    assert (claim.policy_code, claim.year, claim.status) == (
        "city-processing-income",
        year,
        ClaimStatus.RECEIVED,
    )
    # 8 % of each household's processing fees, 19,450.00 → 1,556.00 in all: 郭玉田 (001) was
    # paid a fee too, but his 监测户 risk was cleared in November, so on 31 December he is a 一般户
    assert claim.total_fen == 1_556_00 and claim.due_fen == 0
    assert [ln.member_no for ln in claim.lines] == ["002", "003", "004", "007", "009", "011"]
    assert all(ln.evidence for ln in claim.lines)
    assert claim.receipt is not None
    receipt = get_voucher(uow(), admin, "garlic-coop", claim.receipt.voucher_id)
    assert receipt.status is Status.POSTED
    engine.dispose()
