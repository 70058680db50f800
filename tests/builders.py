"""Builders the tests share: books posted through the API as an accountant would, the household
distribution that many tests start from, and ways to read what came back (PDF text) or probe the
database's guards. A test module imports these; it never imports another test module."""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import Books, is_pg

ORG = "/api/v1/orgs/coop"
PLANS = f"{ORG}/distributions"
FUND = "muni-2026"

# -- vouchers ------------------------------------------------------------------------------------


def voucher(day: str, *lines: tuple[str, str, str, str | None]) -> dict[str, Any]:
    """A voucher body from (account, "debit"|"credit", amount, member or None) lines."""
    out = []
    for account, side, amount, member in lines:
        line: dict[str, Any] = {"account": account, side: amount}
        if member:
            line["member"] = member
        out.append(line)
    return {"date": day, "memo": "m", "lines": out}


def post_ok(books: Books, body: dict[str, Any], org: str = "coop") -> dict[str, Any]:
    """Enter, review and post a voucher; the posted voucher."""
    created = books.post("acc", f"/api/v1/orgs/{org}/vouchers", body)
    assert created.status_code == 201, created.json
    return review_and_post(books, created.json["id"], org)


def review_and_post(books: Books, voucher_id: int, org: str = "coop") -> dict[str, Any]:
    assert books.post("rev", f"/api/v1/orgs/{org}/vouchers/{voucher_id}/review").status_code == 200
    posted = books.post("acc", f"/api/v1/orgs/{org}/vouchers/{voucher_id}/post")
    assert posted.status_code == 200, posted.json
    return posted.json  # type: ignore[no-any-return]


# -- funds, assets and shares ----------------------------------------------------------------------


def receive_grant(books: Books, amount: str = "300000.00", day: str = "2026-02-10") -> None:
    """The municipal poverty-alleviation fund's money arrives in the bank (Dr 102 / Cr 235)."""
    post_ok(
        books,
        {
            "date": day,
            "memo": "收到市级扶贫资金",
            "lines": [
                {"account": "102", "debit": amount},
                {"account": "235", "fund": FUND, "credit": amount},
            ],
        },
    )


def cold_store(**overrides: Any) -> dict[str, Any]:
    """The garlic cooperative's 250,000 cold store, 200,000 of it built with the fund."""
    body = {
        "asset_no": "GB-01",
        "name": "大蒜示范基地冷库",
        "category": "房屋及建筑物",
        "class": "operating",
        "poverty_project": True,
        "use": "production",
        "acquired_on": "2026-03-15",
        "cost": "250000.00",
        "salvage": "10000.00",
        "useful_life_months": 120,
        "funding": [{"fund": FUND, "amount": "200000.00"}],
    }
    body.update(overrides)
    return body


def quantify(books: Books, amount: str, basis: str, day: str = "2026-04-01") -> Any:
    """Quantify part of the fund's 专项基金 to the households as shares."""
    return books.post(
        "acc",
        f"{ORG}/shares/events",
        {
            "kind": "quantify_fiscal",
            "date": day,
            "reason": "量化",
            "fund": FUND,
            "amount": amount,
            "basis": basis,
        },
    )


def village_road_and_cold_store(books: Books) -> None:
    """The village's help fund built a 300,000 road (public welfare) and a 100,000 cold store
    (operating, let out); both cards' acquisitions are posted."""
    fund = {"code": "help", "name": "帮扶资金", "source": "help_unit", "granted": "400000.00"}
    assert books.post("acc", "/api/v1/orgs/village/funds", fund).status_code == 201
    grant = {
        "date": "2026-02-10",
        "memo": "收到帮扶资金",
        "lines": [
            {"account": "102", "debit": "400000.00"},
            {"account": "241", "fund": "help", "credit": "400000.00"},
        ],
    }
    post_ok(books, grant, "village")
    cards = [
        {"asset_no": "DL-01", "name": "村内水泥路", "category": "道路", "cost": "300000.00"},
        {
            "asset_no": "LK-01",
            "name": "村集体冷库",
            "category": "房屋及建筑物",
            "cost": "100000.00",
        },
    ]
    for card, kind in zip(cards, ("public_welfare", "operating"), strict=True):
        body = cold_store(
            **card,
            salvage="0.00",
            use=kind if kind == "public_welfare" else "production",
            funding=[{"fund": "help", "amount": card["cost"]}],
            **{"class": kind},
        )
        made = books.post("acc", "/api/v1/orgs/village/assets", body)
        assert made.status_code == 201, made.json
        review_and_post(books, made.json["vouchers"]["acquisition"], "village")


# -- the year and its distribution ---------------------------------------------------------------


def closed_year(books: Books, org: str = "coop", step: str = "close") -> None:
    """2025: capital 2,000 (member 1, poor) and 10,000 (member 2); sales 100,000; transactions
    50,000 and 150,000; then the year-end close carries 100,000 into 本年盈余 and on into
    未分配盈余 (``step="carry"``: the first half only, December left open for the plan)."""
    base = f"/api/v1/orgs/{org}"
    post_ok(
        books,
        voucher(
            "2025-02-01",
            ("102", "debit", "12000.00", None),
            ("301", "credit", "2000.00", "1"),
            ("301", "credit", "10000.00", "2"),
        ),
        org,
    )
    post_ok(
        books,
        voucher(
            "2025-06-01", ("102", "debit", "100000.00", None), ("501", "credit", "100000.00", None)
        ),
        org,
    )
    if org == "coop":
        for member, amount in (("1", "50000.00"), ("2", "150000.00")):
            assert (
                books.post(
                    "acc",
                    f"{base}/members/{member}/transactions",
                    {
                        "date": "2025-07-01",
                        "product": "大蒜",
                        "quantity": "1000",
                        "unit": "kg",
                        "amount": amount,
                    },
                ).status_code
                == 201
            )
    assert books.post("acc", f"{base}/years/2025/{step}").status_code == 200


def plan_body(**kw: Any) -> dict[str, Any]:
    return {"year": 2025, "reserve_rate": "0.10", "patronage_ratio": "0.60", **kw}


def approved_and_posted(books: Books, **kw: Any) -> dict[str, Any]:
    """A 2025 plan approved by the members' meeting and its vouchers posted; the plan."""
    plan = books.post("acc", PLANS, plan_body(**kw)).json
    books.post(
        "rev",
        f"{PLANS}/{plan['id']}/approve",
        {"resolution": "成员大会决议2026-01号", "approved_on": "2026-01-20"},
    )
    posted = books.post("acc", f"{PLANS}/{plan['id']}/post").json
    for v in posted["vouchers"]:
        review_and_post(books, v["id"])
    return posted["plan"]  # type: ignore[no-any-return]


def plan_paid_in_part(books: Books) -> dict[str, Any]:
    """The 2025 plan (guarantee 8,000) posted and 5,000.00 of it paid to household 1."""
    closed_year(books)
    plan = approved_and_posted(books, guarantee={"fixed": "8000.00"})
    paid = books.post(
        "acc",
        f"{PLANS}/{plan['id']}/payments",
        {"member": "1", "amount": "5000.00", "date": "2026-02-01", "method": "bank"},
    )
    review_and_post(books, paid.json["vouchers"][0]["id"])
    return plan


# -- reading and probing ------------------------------------------------------------------------


def text_of(document: bytes) -> str:
    """The PDF's text with all whitespace removed (lines wrap anywhere in table cells)."""
    reader = PdfReader(io.BytesIO(document))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def refused(connection: Any, sql: str) -> bool:
    """Whether the database refuses this statement (it is rolled back either way)."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(sql))
    except DBAPIError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


def drop_guards(connection: Any) -> None:
    """Remove the triggers that keep posted vouchers unchanged, as a tamperer with the database
    file or superuser rights could."""
    if is_pg():
        connection.execute(text("ALTER TABLE voucher_line DISABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE voucher DISABLE TRIGGER USER"))
    else:
        for name in (
            "voucher_line_posted_update",
            "voucher_line_posted_move",
            "voucher_line_posted_delete",
            "voucher_posted_update",
        ):
            connection.execute(text(f"DROP TRIGGER {name}"))


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the run) when the block takes longer than ``seconds``."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def post(
    books: Books, day: str, *entries: tuple[str, str, str, str | None], org: str = "coop"
) -> None:
    """Enter, review and post a voucher of (account, side, amount, member) lines dated `day`."""
    post_ok(books, voucher(day, *entries), org)
