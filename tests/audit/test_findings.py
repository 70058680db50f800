"""Automated findings: each code provoked by the books it describes, and absent from clean books
(the API, the CLI and ``org_findings`` for the regional report)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from coopledger.cli import main
from coopledger.domain.periods import Period
from coopledger.services import findings
from coopledger.services.clock import utcnow
from tests.audit.helpers import ORG, cli_books, guards_off
from tests.builders import (
    PLANS,
    approved_and_posted,
    closed_year,
    cold_store,
    plan_body,
    review_and_post,
)
from tests.conftest import Books, is_pg

CODES = [
    "voucher_unposted",
    "numbering_gap",
    "posted_in_closed_period",
    "asset_not_depreciated",
    "fund_unspent",
    "fund_overspent",
    "household_payable_unpaid",
    "guarantee_not_met",
    "cash_negative",
    "same_person_prepared_and_reviewed",
    "member_account_unbalanced",
    "chain_broken",
    "statements_do_not_tie",
    "surplus_not_carried",
    "unsettled_after_close",
    "reserve_not_quantified",
]


def stamp(at: datetime) -> datetime:
    """A timestamp for raw SQL: SQLite keeps naive UTC, PostgreSQL an aware one."""
    return at if is_pg() else at.replace(tzinfo=None)


def found(books: Books, year: int = 2026, user: str = "aud") -> list[dict[str, Any]]:
    response = books.get(user, f"{ORG}/audit/findings", query_string={"year": year})
    assert response.status_code == 200, response.json
    return response.json["items"]  # type: ignore[no-any-return]


def codes(books: Books, year: int = 2026) -> set[str]:
    return {f["code"] for f in found(books, year)}


def lines(*spec: tuple[str, str, str, dict[str, str]]) -> list[dict[str, Any]]:
    return [{"account": a, side: amount, **extra} for a, side, amount, extra in spec]


def clean_books(books: Books) -> None:
    """A year of ordinary, correct bookkeeping: capital in, cash drawn and spent, a fund received
    and spent on time, a distribution posted and paid as planned."""
    books.posted(date="2026-03-10")
    books.posted(
        date="2026-04-02",
        lines=lines(("101", "debit", "500.00", {}), ("102", "credit", "500.00", {})),
    )
    books.posted(
        date="2026-04-03",
        lines=lines(("523", "debit", "200.00", {}), ("101", "credit", "200.00", {})),
    )


@pytest.mark.parametrize("code", CODES)
def test_clean_books_have_no_findings(books: Books, code: str) -> None:
    clean_books(books)
    closed_year(books)
    plan = approved_and_posted(books, guarantee={"fixed": "8000.00"})
    for member in ("1", "2"):
        paid = books.post(
            "acc",
            f"{PLANS}/{plan['id']}/payments",
            {"member": member, "date": "2026-02-01", "method": "bank"},
        )
        assert paid.status_code == 201, paid.json
        for v in paid.json["vouchers"]:
            review_and_post(books, v["id"])
    assert code not in codes(books, 2026)
    assert code not in codes(books, 2025)


def test_voucher_unposted(books: Books, connection: Any) -> None:
    v = books.voucher()
    assert "voucher_unposted" not in codes(books)  # a fresh draft is fine
    connection.execute(
        text("UPDATE voucher SET created_at = :t WHERE id = :i"),
        {"t": stamp(datetime(2026, 1, 5, tzinfo=UTC)), "i": v["id"]},
    )
    (finding,) = [f for f in found(books) if f["code"] == "voucher_unposted"]
    assert finding["severity"] == "medium" and finding["objects"] == [f"voucher:{v['id']}"]


def test_numbering_gap(books: Books, connection: Any) -> None:
    books.posted()
    second = books.posted()
    guards_off(connection)
    connection.execute(text(f"UPDATE voucher SET number = 5 WHERE id = {second['id']}"))
    (finding,) = [f for f in found(books) if f["code"] == "numbering_gap"]
    assert finding["objects"] == ["period:2026-03"] and "missing 2, 3, 4" in finding["message"]


def test_posted_in_closed_period(books: Books, connection: Any) -> None:
    v = books.posted()
    connection.execute(
        text(
            "UPDATE period SET status = 'closed', closed_at = :t "
            "WHERE year = 2026 AND month = 3 AND org_id = (SELECT id FROM organization WHERE code = 'coop')"
        ),
        {"t": stamp(datetime(2026, 4, 1, tzinfo=UTC))},
    )
    (finding,) = [f for f in found(books) if f["code"] == "posted_in_closed_period"]
    assert finding["severity"] == "high" and f"voucher:{v['id']}" in finding["objects"]


def test_asset_not_depreciated(books: Books) -> None:
    made = books.post("acc", f"{ORG}/assets", cold_store(acquired_on="2026-01-10", funding=[]))
    assert made.status_code == 201, made.json
    (finding,) = [f for f in found(books) if f["code"] == "asset_not_depreciated"]
    assert finding["objects"] == ["asset:GB-01"] and "2026-02" in finding["message"]
    last_month = Period.of(utcnow().date()).previous()  # the month in progress is not due
    charged = books.post("acc", f"{ORG}/depreciation", {"through": str(last_month)})
    assert charged.status_code in (200, 201), charged.json
    assert "asset_not_depreciated" not in codes(books)


def test_fund_unspent(books: Books) -> None:
    books.posted(
        date="2025-06-01",
        lines=lines(
            ("102", "debit", "1000.00", {}),
            ("235", "credit", "1000.00", {"fund": "muni-2026"}),
        ),
    )
    (finding,) = [f for f in found(books) if f["code"] == "fund_unspent"]
    assert finding["severity"] == "low" and finding["objects"] == ["fund:muni-2026"]


def test_fund_overspent(books: Books) -> None:
    books.posted(
        lines=lines(
            ("235", "debit", "300.00", {"fund": "muni-2026"}),
            ("102", "credit", "300.00", {}),
        )
    )
    (finding,) = [f for f in found(books) if f["code"] == "fund_overspent"]
    assert finding["severity"] == "high" and "300.00" in finding["message"]


def test_household_payable_unpaid(books: Books) -> None:
    books.posted(
        date="2026-03-01",
        lines=lines(("102", "debit", "80.00", {}), ("221", "credit", "80.00", {"member": "1"})),
    )
    payable = [f for f in found(books) if f["code"] == "household_payable_unpaid"]
    assert [f["objects"] for f in payable] == [["member:1", "account:221"]]
    books.posted(
        date="2026-11-01",
        lines=lines(("221", "debit", "80.00", {"member": "1"}), ("102", "credit", "80.00", {})),
    )
    assert "household_payable_unpaid" not in codes(books)


def test_guarantee_not_met(books: Books, connection: Any) -> None:
    closed_year(books)
    plan = books.post("acc", PLANS, plan_body(guarantee={"fixed": "8000.00"})).json
    assert "guarantee_not_met" not in codes(books, 2025)
    connection.execute(
        text(
            "UPDATE distribution_line SET residual_fen = minimum_fen - 1 "
            f"WHERE plan_id = {plan['id']} AND minimum_fen IS NOT NULL"
        )
    )
    result = [f for f in found(books, 2025) if f["code"] == "guarantee_not_met"]
    assert result and result[0]["objects"][0] == f"plan:{plan['id']}"


def test_cash_negative(books: Books) -> None:
    books.posted(
        date="2026-05-06",
        lines=lines(("523", "debit", "50.00", {}), ("101", "credit", "50.00", {})),
    )
    (finding,) = [f for f in found(books) if f["code"] == "cash_negative"]
    assert "-50.00" in finding["message"] and "2026-05-06" in finding["message"]


def test_same_person_prepared_and_reviewed(books: Books, connection: Any) -> None:
    connection.execute(
        text("UPDATE organization SET allow_single_accountant = true WHERE code = 'coop'")
    )
    v = books.voucher()
    assert books.post("acc", f"{ORG}/vouchers/{v['id']}/review").status_code == 200
    assert books.post("acc", f"{ORG}/vouchers/{v['id']}/post").status_code == 200
    (finding,) = [f for f in found(books) if f["code"] == "same_person_prepared_and_reviewed"]
    assert finding["objects"] == [f"voucher:{v['id']}"]


def test_member_account_unbalanced(books: Books) -> None:
    books.posted(
        date="2026-11-20",
        lines=lines(("102", "debit", "30.00", {}), ("222", "credit", "30.00", {"member": "2"})),
    )
    (finding,) = [f for f in found(books) if f["code"] == "member_account_unbalanced"]
    assert finding["objects"] == ["member:2", "account:222"]


def test_chain_broken(books: Books, connection: Any) -> None:
    v = books.posted()
    guards_off(connection)
    connection.execute(text(f"UPDATE voucher_line SET amount_fen = 7 WHERE voucher_id = {v['id']}"))
    broken = [f for f in found(books) if f["code"] == "chain_broken"]
    assert (
        broken
        and broken[0]["severity"] == "high"
        and broken[0]["objects"] == [f"voucher:{v['id']}"]
    )


def test_a_tampered_audit_log_is_a_broken_chain_too(books: Books, connection: Any) -> None:
    books.posted()
    guards_off(connection)
    connection.execute(
        text("UPDATE audit_log SET actor_name = 'x' WHERE action = 'voucher.review'")
    )
    broken = [f for f in found(books) if f["code"] == "chain_broken"]
    assert broken and broken[0]["objects"][0].startswith("audit:")


def test_who_sees_findings(books: Books) -> None:
    assert books.get("hh1", f"{ORG}/audit/findings?year=2026").status_code == 403
    assert books.get("other-acc", f"{ORG}/audit/findings?year=2026").status_code == 404
    assert books.get("acc", f"{ORG}/audit/findings?year=2026").status_code == 200
    assert books.get("aud", f"{ORG}/audit/findings?year=1999").status_code == 422
    assert books.get("aud", f"{ORG}/audit/findings").status_code == 422


def test_org_findings_for_the_regional_report(books: Books, uow: Any) -> None:
    books.posted(
        date="2026-05-06",
        lines=lines(("523", "debit", "50.00", {}), ("101", "credit", "50.00", {})),
    )
    with uow() as u:
        org = u.store.org_by_code("coop")
        result = findings.org_findings(u, org.id, 2026)
    assert findings.severity_counts(result)["high"] == 1
    assert all(f.severity in findings.SEVERITIES for f in result)


def test_cli_findings(books: Books, connection: Any, sessions: Any, tmp_path: Path) -> None:
    obj = cli_books(connection, sessions, tmp_path)
    books.posted()
    ok = CliRunner().invoke(main, ["audit", "findings", "coop", "--year", "2026"], obj=obj)
    assert ok.exit_code == 0 and "0 finding(s)" in ok.output, ok.output
    books.posted(
        date="2026-05-06",
        lines=lines(("523", "debit", "50.00", {}), ("101", "credit", "50.00", {})),
    )
    bad = CliRunner().invoke(main, ["audit", "findings", "coop", "--year", "2026"], obj=obj)
    assert bad.exit_code == 1 and "[high] cash_negative account:101" in bad.output


def test_statements_that_do_not_tie_are_a_high_finding(books: Books) -> None:
    """Money put straight into 各项分配 is on no line of the surplus statement, so its 年末未分配
    盈余 differs from the balance sheet's: the auditor is told, with both figures."""
    books.posted(
        date="2026-05-01",
        lines=lines(("102", "debit", "300.00", {}), ("33201", "credit", "300.00", {})),
    )
    tie = [f for f in found(books) if f["code"] == "statements_do_not_tie"]
    assert tie == [
        {
            "code": "statements_do_not_tie",
            "severity": "high",
            "objects": ["year:2026"],
            "message": "未分配盈余 at the end of 2026: the surplus statement shows 0.00, "
            "the balance sheet 300.00",
        }
    ]


def test_surplus_not_carried(books: Books) -> None:
    """Money put straight into 本年盈余 is no income or expense: the close does not carry it, and
    the closed year ends with 本年盈余 not at zero."""
    books.posted(
        date="2025-06-01",
        lines=lines(("102", "debit", "70.00", {}), ("331", "credit", "70.00", {})),
    )
    assert books.post("acc", f"{ORG}/years/2025/close").status_code == 200
    (finding,) = [f for f in found(books, 2025) if f["code"] == "surplus_not_carried"]
    assert finding["severity"] == "medium" and "70.00" in finding["message"]


def test_unsettled_after_close(books: Books, connection: Any) -> None:
    """Books closed elsewhere with 待处理财产损溢 left over (the close here refuses it)."""
    books.posted(
        date="2025-06-01",
        lines=lines(("181", "debit", "30.00", {}), ("101", "credit", "30.00", {})),
    )
    org_id = connection.execute(text("SELECT id FROM organization WHERE code = 'coop'")).scalar()
    user_id = connection.execute(text("SELECT id FROM app_user WHERE username = 'acc'")).scalar()
    connection.execute(
        text(
            "INSERT INTO fiscal_year (org_id, year, surplus_fen, closed_at, closed_by, status) "
            "VALUES (:o, 2025, 0, :at, :u, 'closed')"
        ),
        {"o": org_id, "at": utcnow(), "u": user_id},
    )
    (finding,) = [f for f in found(books, 2025) if f["code"] == "unsettled_after_close"]
    assert finding["severity"] == "high" and "30.00" in finding["message"]


def test_reserve_not_quantified(books: Books, connection: Any) -> None:
    """A plan posted before its reserve was quantified to the members (no basis recorded)."""
    closed_year(books)
    plan = approved_and_posted(books)
    inputs = connection.execute(
        text("SELECT inputs FROM distribution_plan WHERE id = :p"), {"p": plan["id"]}
    ).scalar()
    data = json.loads(inputs) if isinstance(inputs, str) else dict(inputs)
    data["reserve_basis"] = None
    connection.execute(
        text("UPDATE distribution_plan SET inputs = :i WHERE id = :p"),
        {"i": json.dumps(data), "p": plan["id"]},
    )
    (finding,) = [f for f in found(books, 2025) if f["code"] == "reserve_not_quantified"]
    assert "10000.00" in finding["message"]
