"""`coopledger depreciate` and `coopledger distribute` on the test books."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import Books as CliBooks
from coopledger.cli import main
from coopledger.config import Settings
from tests.builders import (
    ORG,
    PLANS,
    closed_year,
    cold_store,
    post,
    receive_grant,
    review_and_post,
)
from tests.conftest import Books


@pytest.fixture
def cli(connection: Any, sessions: Any, tmp_path: Any) -> Any:
    class TestBooks(CliBooks):
        def __init__(self) -> None:
            self.engine = connection.engine
            self.settings = Settings(
                "unused", tmp_path, "test-secret", public_url="https://coop.example/"
            )

        def uow(self) -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, list(args), obj=TestBooks())
        return result.exit_code, result.output

    return run


def test_depreciate_prepares_once(books: Books, cli: Any) -> None:
    receive_grant(books)
    review_and_post(
        books, books.post("acc", f"{ORG}/assets", cold_store()).json["vouchers"]["acquisition"]
    )
    code, out = cli("depreciate", "coop", "--through", "2026-05", "--user", "acc")
    assert code == 0 and out.count("prepared voucher") == 2 and "2000.00" in out
    code, out = cli("depreciate", "coop", "--through", "2026-05", "--user", "acc")
    assert code == 0 and "nothing to charge" in out
    code, out = cli("depreciate", "coop", "--through", "May", "--user", "acc")
    assert code == 2 and "YYYY-MM" in out
    code, out = cli("depreciate", "coop", "--through", "2026-05", "--user", "aud")
    assert code == 1 and "error:" in out


def test_distribute_prints_the_plan_and_saves_only_when_asked(books: Books, cli: Any) -> None:
    closed_year(books)
    code, out = cli(
        "distribute",
        "coop",
        "--year",
        "2025",
        "--reserve-rate",
        "0.10",
        "--patronage-ratio",
        "0.6",
        "--guarantee-fixed",
        "8000.00",
    )
    assert code == 0, out
    assert "D 90000.00" in out and "P 54000.00" in out and "T 2000.00" in out and "dry run" in out
    assert "王秀英" in out and "21500.00" in out
    assert books.get("aud", PLANS).json["items"] == []
    code, out = cli(
        "distribute",
        "coop",
        "--year",
        "2025",
        "--reserve-rate",
        "0.10",
        "--patronage-ratio",
        "0.6",
        "--save",
        "--user",
        "acc",
    )
    assert code == 0 and "saved" in out
    assert len(books.get("aud", PLANS).json["items"]) == 1
    code, out = cli(
        "distribute", "coop", "--year", "2025", "--reserve-rate", "0.10", "--patronage-ratio", "0.5"
    )
    assert code == 1 and "patronage_ratio" in out
    code, out = cli(
        "distribute", "coop", "--year", "2026", "--reserve-rate", "0.10", "--patronage-ratio", "0.6"
    )
    assert code == 1 and "not closed" in out


def test_statements_writes_every_household_of_the_plan(
    books: Books, cli: Any, tmp_path: Any
) -> None:
    from tests.api.test_distributions import approved_and_posted

    closed_year(books)
    approved_and_posted(books)
    folder = tmp_path / "statements"  # tmp_path is also the app's instance folder
    code, out = cli("statements", "coop", "--year", "2025", "--out", str(folder), "--user", "aud")
    assert code == 1 and "may not issue statements" in out  # an auditor reads, never issues
    code, out = cli("statements", "coop", "--year", "2025", "--out", str(folder), "--user", "acc")
    assert code == 0, out
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["statement-coop-1-2025.pdf", "statement-coop-2-2025.pdf"]
    assert (folder / files[0]).read_bytes().startswith(b"%PDF-")
    code, out = cli("statements", "coop", "--year", "2024", "--out", str(folder), "--user", "acc")
    assert code == 1 and "no posted distribution" in out


def test_depreciate_refuses_a_month_that_has_not_ended(books: Books, cli: Any) -> None:
    from coopledger.domain.periods import Period
    from coopledger.services.clock import utcnow

    receive_grant(books)
    review_and_post(
        books, books.post("acc", f"{ORG}/assets", cold_store()).json["vouchers"]["acquisition"]
    )
    ahead = Period.of(utcnow().date()).plus(2)
    code, out = cli("depreciate", "coop", "--through", str(ahead), "--user", "acc")
    assert code == 1 and f"{ahead} has not ended yet" in out, out
    assert "through:" in out  # the field is named
    listed = books.get("acc", f"{ORG}/vouchers?status=draft").json["items"]
    assert not [v for v in listed if "折旧" in v["memo"]]  # nothing prepared


def test_distribute_save_refuses_a_year_that_has_its_distribution(books: Books, cli: Any) -> None:
    from tests.api.test_distributions import approved_and_posted

    closed_year(books)
    approved_and_posted(books)
    before = books.get("acc", PLANS).json
    code, out = cli(
        "distribute", "coop", "--year", "2025", "--reserve-rate", "0.10",
        "--patronage-ratio", "0.6", "--save", "--user", "acc",
    )  # fmt: skip
    assert code == 1 and "a year has one distribution" in out, out
    assert books.get("acc", PLANS).json == before  # no draft piled up


def test_distribute_save_refuses_a_village_plan_beyond_its_cash_unless_overridden(
    books: Books, cli: Any
) -> None:
    post(
        books,
        "2025-03-01",
        ("151", "debit", "50000.00", None),
        ("102", "credit", "50000.00", None),
        org="village",
    )
    closed_year(books, "village")
    save = ("distribute", "village", "--year", "2025", "--reserve-rate", "0.10", "--save", "--user", "acc")  # fmt: skip
    code, out = cli(*save)
    assert code == 1 and out.count("\n") == 1, out
    assert out.startswith("error: ") and "90000.00" in out and "62000.00" in out
    assert books.get("acc", "/api/v1/orgs/village/distributions").json["items"] == []
    code, out = cli(*save, "--override")
    assert code == 0 and "saved" in out, out


def test_the_year_end_at_the_command_line(books: Books, cli: Any) -> None:
    """Carry 2025, post its plan dated 31 December, close the year; months listed; a month
    reopened only by an administrator."""
    closed_year(books, step="carry")
    code, out = cli("periods", "list", "coop", "--user", "acc")
    assert code == 0 and "2025-11  closed" in out
    code, out = cli("periods", "carry-year", "coop", "2025", "--user", "acc")
    assert code == 1 and "already carried" in out
    plan = books.post(
        "acc", PLANS, {"year": 2025, "reserve_rate": "0.10", "patronage_ratio": "0.6"}
    )
    books.post(
        "rev",
        f"{PLANS}/{plan.json['id']}/approve",
        {"resolution": "成员大会决议", "approved_on": "2026-01-20"},
    )
    vouchers = books.post("acc", f"{PLANS}/{plan.json['id']}/post").json["vouchers"]
    code, out = cli("periods", "close-year", "coop", "2025", "--user", "acc")
    assert code == 1 and "not posted yet" in out
    for v in vouchers:
        review_and_post(books, v["id"])
    code, out = cli("periods", "close-year", "coop", "2025", "--user", "acc")
    assert code == 0 and "2025 closed, surplus 100000.00" in out, out
    code, out = cli("periods", "reopen-year", "coop", "2025", "--user", "admin")
    assert code == 0 and "2025 reopened" in out, out
    code, out = cli("periods", "close-year", "coop", "2025", "--user", "acc")
    assert code == 0 and "2025 closed" in out, out
    code, out = cli("periods", "reopen", "coop", "2025-03", "--user", "acc")
    assert code == 1 and "error:" in out  # an accountant may not reopen
    code, out = cli("periods", "close", "coop", "2026-13", "--user", "acc")
    assert code == 2 and "2026-03" in out
    code, out = cli("periods", "close-year", "coop", "1999", "--user", "acc")
    assert code == 2 and "YEAR" in out
