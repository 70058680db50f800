"""成员权益变动表 read in sums (the two-line vouchers by shape, the income and expense accounts by
their turnover) equals the fold of every posted voucher one by one, on books with every kind of
equity movement: its amounts, and each cell's count of vouchers and first voucher numbers."""

from __future__ import annotations

from typing import Any

from coopledger.domain.equity import TRACE_SHOWN, EquityStatement, PostedVoucher, members_equity
from coopledger.domain.ledger import VoucherKind
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period, voucher_number
from coopledger.services import auth
from coopledger.services import financial_statements as fs
from coopledger.services.financial_statements import equity_definitions
from coopledger.services.ports import VoucherFilter
from tests.builders import FUND, approved_and_posted, closed_year, post, receive_grant
from tests.conftest import Books

EQUITY = "/api/v1/orgs/coop/reports/members-equity"


def one_by_one(books: Books, year: int) -> EquityStatement:
    """The statement folded from every posted voucher of ``year`` touching 3xx or 5xx."""
    with books.uow() as uow:
        org = uow.store.org_by_code("coop")
        definition = equity_definitions()[org.chart]
        funds = {f.code: f.source for f in uow.store.funds(org.id)}
        seen: set[int] = set()
        posted: list[PostedVoucher] = []
        for prefix in ("3", "5"):
            after = 0
            while True:
                flt = VoucherFilter(status="posted", year=year, account=prefix)
                page = uow.store.vouchers(org.id, flt, 100, after)
                for v in page:
                    if v.id not in seen and v.number is not None:
                        seen.add(v.id)
                        number = voucher_number(
                            Period(v.booked_on.year, v.booked_on.month), v.number
                        )
                        posted.append(
                            PostedVoucher(number, v.lines, v.kind == VoucherKind.REVERSAL)
                        )
                if len(page) < 100:
                    break
                after = page[-1].id
    posted.sort(key=lambda p: p.number)
    return members_equity(definition, {}, posted, funds, {})


def every_kind_of_movement(books: Books) -> None:
    closed_year(books)  # 2025 closed: the closing vouchers of 2025
    approved_and_posted(books)  # 2026: reserve, patronage, residual appropriated
    for day, member in (("2026-02-01", "1"), ("2026-02-02", "2"), ("2026-02-03", "1")):
        post(books, day, ("102", "debit", "1000.00", None), ("301", "credit", "1000.00", member))
    post(books, "2026-02-04", ("101", "debit", "300.00", None), ("301", "credit", "300.00", "2"))
    # a contribution with a premium (three lines), a withdrawal, a conversion of 资本公积
    post(
        books,
        "2026-02-05",
        ("102", "debit", "1200.00", None),
        ("301", "credit", "1000.00", "1"),
        ("321", "credit", "200.00", None),
    )
    post(books, "2026-02-06", ("301", "debit", "400.00", "2"), ("102", "credit", "400.00", None))
    post(books, "2026-02-07", ("321", "debit", "100.00", None), ("301", "credit", "100.00", "1"))
    # a revaluation, the fund's money made 专项基金, 盈余公积 covering a loss
    post(books, "2026-02-08", ("161", "debit", "500.00", None), ("321", "credit", "500.00", None))
    receive_grant(books, "800.00", "2026-02-09")
    books_fund_to_special(books)
    post(books, "2026-02-11", ("322", "debit", "50.00", None), ("331", "credit", "50.00", None))
    # the year's income and expense, a move between two income accounts, a mixed voucher
    post(books, "2026-03-01", ("102", "debit", "900.00", None), ("501", "credit", "900.00", None))
    post(
        books,
        "2026-03-02",
        ("521", "debit", "100.00", None),
        ("523", "debit", "150.00", None),
        ("102", "credit", "250.00", None),
    )
    post(books, "2026-03-03", ("501", "debit", "20.00", None), ("502", "credit", "20.00", None))
    post(books, "2026-03-04", ("521", "debit", "70.00", None), ("301", "credit", "70.00", "2"))
    # a month of contributions only: its pairs are summed from the turnover by shape, not read
    for day, member in (("2026-04-01", "1"), ("2026-04-02", "2")):
        post(books, day, ("102", "debit", "250.00", None), ("301", "credit", "250.00", member))
    # a contribution posted and then reversed in red
    posted = books.post(
        "acc",
        "/api/v1/orgs/coop/vouchers",
        {
            "date": "2026-03-05",
            "memo": "m",
            "lines": [
                {"account": "102", "debit": "600.00"},
                {"account": "301", "credit": "600.00", "member": "1"},
            ],
        },
    ).json
    url = "/api/v1/orgs/coop/vouchers"
    books.post("rev", f"{url}/{posted['id']}/review")
    assert books.post("acc", f"{url}/{posted['id']}/post").status_code == 200
    red = books.post("acc", f"{url}/{posted['id']}/reverse", {"date": "2026-03-06"}).json
    books.post("rev", f"{url}/{red['id']}/review")
    assert books.post("acc", f"{url}/{red['id']}/post").status_code == 200


def books_fund_to_special(books: Books) -> None:
    created = books.post(
        "acc",
        "/api/v1/orgs/coop/vouchers",
        {
            "date": "2026-02-10",
            "memo": "m",
            "lines": [
                {"account": "235", "fund": FUND, "debit": "800.00"},
                {"account": "311", "credit": "800.00"},
            ],
        },
    )
    assert created.status_code == 201, created.json
    url = f"/api/v1/orgs/coop/vouchers/{created.json['id']}"
    books.post("rev", f"{url}/review")
    assert books.post("acc", f"{url}/post").status_code == 200


def cells(body: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int, list[str]]]:
    return {
        (r["key"], c): (cell["amount"], cell["voucher_count"], cell["vouchers"])
        for r in body["rows"]
        if r["kind"] in ("increase", "decrease")
        for c, cell in r["cells"].items()
    }


def test_the_sums_equal_the_fold_of_every_voucher(books: Books) -> None:
    every_kind_of_movement(books)
    for year in (2025, 2026):  # 2025 with its closing vouchers
        body = books.get("aud", f"{EQUITY}?year={year}").json
        assert body["ties"] is True
        expected = one_by_one(books, year)
        want = {
            (r.key, c): (format_amount(fen), len(r.vouchers[c]), r.vouchers[c][:TRACE_SHOWN])
            for r in expected.rows
            if r.kind in ("increase", "decrease")
            for c, fen in r.amounts.items()
        }
        got = cells(body)
        assert got == want, year
    # every kind of movement is there
    for key in (
        "capital_contributed",
        "capital_withdrawn",
        "capital_from_capital_reserve",
        "share_premium",
        "revaluation",
        "fund_fiscal",
        "loss_covered",
        "surplus_of_year",
        "to_reserve",
        "patronage",
        "residual",
    ):
        assert any(k == key for k, _ in got), key
    # the red reversal took back its original's contribution (and counts as a voucher of it)
    assert got["capital_contributed", "capital"][:2] == ("4870.00", 10)


def test_the_figures_alone_are_the_same_figures(books: Books) -> None:
    """The page reads the statement without its vouchers: the same amounts."""
    every_kind_of_movement(books)
    actor = auth.actor_named(books.uow(), "aud")
    traced = fs.members_equity(books.uow(), actor, "coop", 2026)
    alone = fs.members_equity(books.uow(), actor, "coop", 2026, traced=False)
    assert [r.amounts for r in alone.statement.rows] == [r.amounts for r in traced.statement.rows]
    assert all(not r.vouchers and not r.counts for r in alone.statement.rows)
    assert any(r.counts for r in traced.statement.rows)


def test_pairs_whose_equity_line_names_different_funds_add_up(books: Books) -> None:
    """Two pairs of one month that differ only in the fund on their equity line are one shape
    for the statement: both amounts are counted, as the fold of each voucher counts them."""
    second = {"code": "help", "name": "帮扶资金", "source": "help_unit", "granted": "900.00"}
    assert books.post("acc", "/api/v1/orgs/coop/funds", second).status_code == 201
    receive_grant(books, "800.00", "2026-04-01")
    for day, fund, amount in (("2026-04-02", FUND, "300.00"), ("2026-04-03", "help", "200.00")):
        created = books.post(
            "acc",
            "/api/v1/orgs/coop/vouchers",
            {
                "date": day,
                "memo": "m",
                "lines": [
                    {"account": "102", "debit": amount},
                    {"account": "311", "fund": fund, "credit": amount},
                ],
            },
        )
        assert created.status_code == 201, created.json
        url = f"/api/v1/orgs/coop/vouchers/{created.json['id']}"
        books.post("rev", f"{url}/review")
        assert books.post("acc", f"{url}/post").status_code == 200
    actor = auth.actor_named(books.uow(), "aud")
    alone = fs.members_equity(books.uow(), actor, "coop", 2026, traced=False)
    expected = one_by_one(books, 2026)
    assert [r.amounts for r in alone.statement.rows] == [r.amounts for r in expected.rows]
    assert sum(fen for r in expected.rows for fen in r.amounts.values() if r.kind == "increase")
