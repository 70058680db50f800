"""Subsidy claims over HTTP: a county's policy from the instance folder, a claim computed from
closed months with its evidence, printed and exported, the money received and paid on, the
thresholds and caps on the database, and the refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tests.conftest import Books

ORG = "/api/v1/orgs/coop"
COUNTY = """\
# a county's quarter-long processing subsidy
name = "县级一季度加工补贴"
recipient = "household"
statuses = ["exited", "monitored"]
base = "lines"
accounts = ["114"]
account_names = ["加工"]
rate = "8%"
cap_household = "10000.00"
from = 2026-01-01
to = 2026-03-31
"""


def setup(books: Books, app: Flask) -> None:
    folder = Path(app.instance_path) / "policies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "county-q1.toml").write_text(COUNTY, "utf-8")
    made = books.post(
        "acc", f"{ORG}/accounts", {"code": "11401", "name": "加工费", "parent": "114"}
    )
    assert made.status_code == 201, made.json
    held = books.post(
        "acc", f"{ORG}/accounts", {"code": "11402", "name": "补贴款", "parent": "114"}
    )
    assert held.status_code == 201, held.json


def fee(books: Books, day: str, member: str, amount: str) -> dict[str, Any]:
    return books.posted(
        date=day,
        memo="应付成员加工费",
        lines=[
            {"account": "401", "debit": amount},
            {"account": "11401", "member": member, "credit": amount},
        ],
    )


def close(books: Books, *months: str) -> None:
    for month in months:
        closed = books.post("acc", f"{ORG}/periods/{month}/close")
        assert closed.status_code == 200, closed.json


def test_a_claim_is_computed_from_closed_months_received_and_paid(books: Books, app: Flask) -> None:
    setup(books, app)
    first = fee(books, "2026-02-10", "1", "150000.00")  # 王秀英, 脱贫户: 12,000 → 10,000 cap
    fee(books, "2026-02-11", "2", "5000.00")  # 李建国, 一般户: not in the policy
    listed = books.get("aud", f"{ORG}/subsidies/policies").json["items"]
    assert "county-q1" in [p["code"] for p in listed]
    early = books.post("acc", f"{ORG}/subsidies/claims", {"policy": "county-q1", "year": 2026})
    assert early.status_code == 409 and early.json["code"] == "claim_period_open"
    preview = books.get("aud", f"{ORG}/subsidies/preview?policy=county-q1&year=2026").json
    assert [(ln["member"], ln["base"], ln["amount"]) for ln in preview["lines"]] == [
        ("1", "150000.00", "10000.00")
    ]
    close(books, "2026-01", "2026-02", "2026-03")
    made = books.post("acc", f"{ORG}/subsidies/claims", {"policy": "county-q1", "year": 2026})
    assert made.status_code == 201, made.json
    claim = made.json
    assert claim["total"] == "10000.00" and claim["status"] == "draft"
    assert claim["lines"][0]["vouchers"] == [first["number"]]
    path = f"{ORG}/subsidies/claims/{claim['id']}"
    pdf = books.get("aud", f"{path}?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = books.get("aud", f"{path}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    early_receipt = books.post("acc", f"{path}/receipt", {"date": "2026-04-10"})
    assert early_receipt.status_code == 409
    assert early_receipt.json["code"] == "claim_not_submitted"
    assert books.post("acc", f"{path}/submit").json["status"] == "submitted"
    received = books.post("acc", f"{path}/receipt", {"date": "2026-04-10"})
    assert received.status_code == 201, received.json
    voucher = books.get("acc", f"{ORG}/vouchers/{received.json['voucher']}").json
    assert [
        (ln["account"], ln["member"], ln["debit"], ln["credit"]) for ln in voucher["lines"]
    ] == [
        ("102", None, "10000.00", None),
        ("11402", "1", None, "10000.00"),
    ]
    again = books.post("acc", f"{path}/receipt", {"date": "2026-04-11"})
    assert again.status_code == 409 and again.json["code"] == "already_received"
    over = books.post(
        "acc",
        f"{path}/payments",
        {"date": "2026-04-12", "lines": [{"member": "1", "amount": "10000.01"}]},
    )
    assert over.status_code == 409 and over.json["code"] == "subsidy_overpaid"
    part = books.post(
        "acc",
        f"{path}/payments",
        {"date": "2026-04-12", "lines": [{"member": "1", "amount": "6000.00"}]},
    )
    assert part.status_code == 201, part.json
    assert (part.json["paid"], part.json["due"]) == ("6000.00", "4000.00")
    rest = books.post("acc", f"{path}/payments", {"date": "2026-04-15"})
    assert rest.status_code == 201 and rest.json["due"] == "0.00"
    paid = books.get("acc", f"{ORG}/vouchers/{rest.json['voucher']}").json
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in paid["lines"]] == [
        ("11402", "4000.00", None),
        ("102", None, "4000.00"),
    ]
    stranger = books.get("other-acc", path)
    assert stranger.status_code == 404
    assert books.post("aud", f"{path}/submit").status_code == 403


def test_the_employer_threshold_and_the_tourism_threshold_on_the_books(books: Books) -> None:
    made = books.post(
        "acc", f"{ORG}/accounts", {"code": "11401", "name": "加工费", "parent": "114"}
    )
    assert made.status_code == 201
    for n in range(3, 23):  # members 3…22: 20 脱贫户 besides 王秀英 (1)
        status = "exited" if n < 22 else "none"
        created = books.post(
            "acc",
            f"{ORG}/members",
            {"member_no": str(n), "name": f"户{n}", "poverty_status": status},
        )
        assert created.status_code == 201, created.json

    def post_fees(members: list[int]) -> None:
        lines: list[dict[str, Any]] = [
            {"account": "11401", "member": str(m), "credit": "1000.00"} for m in members
        ]
        lines.append({"account": "401", "debit": f"{1000 * len(members)}.00"})
        books.posted(date="2026-05-10", memo="加工费", lines=lines)

    url = f"{ORG}/subsidies/preview?policy=processing-employer&year=2026"
    post_fees([*range(3, 22)])  # 19 脱贫户 …
    post_fees([22])  # … and a 一般户
    assert books.get("aud", url).json["households"] == 19
    post_fees([1])  # 王秀英: 20 poor households
    twenty = books.get("aud", url).json
    assert (twenty["households"], twenty["qualifies"], twenty["lines"]) == (20, False, [])
    made = books.post(
        "acc", f"{ORG}/members", {"member_no": "23", "name": "户23", "poverty_status": "monitored"}
    )
    assert made.status_code == 201
    post_fees([23])
    twenty_one = books.get("aud", url).json
    assert twenty_one["qualifies"] and twenty_one["lines"][0]["households"] == 21
    assert twenty_one["lines"][0]["amount"] == "2100.00"

    village = "/api/v1/orgs/village"
    made = books.post(
        "acc", f"{village}/accounts", {"code": "11303", "name": "乡村旅游", "parent": "113"}
    )
    assert made.status_code == 201, made.json
    for n in range(3, 7):
        books.post("acc", f"{village}/members", {"member_no": str(n), "name": f"户{n}"})

    def tourism(members: list[int]) -> None:
        lines: list[dict[str, Any]] = [
            {"account": "11303", "member": str(m), "debit": "200.00"} for m in members
        ]
        lines.append({"account": "501", "credit": f"{200 * len(members)}.00"})
        books.posted(org="village", date="2026-06-10", memo="农家乐管理服务费", lines=lines)

    t_url = f"{village}/subsidies/preview?policy=tourism-toilet-kitchen&year=2026"
    tourism([1, 2, 3, 4, 5])
    assert books.get("aud", t_url).json["lines"] == []
    tourism([6])
    six = books.get("aud", t_url).json
    assert [ln["amount"] for ln in six["lines"]] == ["16000.00"] * 6


def test_a_bad_county_file_is_refused_naming_file_and_line(books: Books, app: Flask) -> None:
    folder = Path(app.instance_path) / "policies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bad.toml").write_text(COUNTY + 'cap_household = "-1"\n', "utf-8")
    refused = books.get("aud", f"{ORG}/subsidies/policies")
    assert refused.status_code == 422 and refused.json["code"] == "policy_invalid"
    assert "bad.toml:12" in refused.json["detail"]
    unknown = books.post("acc", f"{ORG}/subsidies/claims", {"policy": "nope", "year": 2026})
    assert unknown.status_code == 422


def test_the_claim_spreadsheet_neutralizes_a_name_written_as_a_formula(
    books: Books, app: Flask
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    setup(books, app)
    made = books.post(
        "acc",
        f"{ORG}/members",
        {"member_no": "7", "name": '=HYPERLINK("x")', "poverty_status": "exited"},
    )
    assert made.status_code == 201, made.json
    fee(books, "2026-01-15", "7", "1000.00")
    close(books, "2026-01", "2026-02", "2026-03")
    claim = books.post("acc", f"{ORG}/subsidies/claims", {"policy": "county-q1", "year": 2026})
    assert claim.status_code == 201, claim.json
    xlsx = books.get("aud", f"{ORG}/subsidies/claims/{claim.json['id']}?format=xlsx")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[0] == '\'=HYPERLINK("x")' and names[-1] == "合计"
    amounts = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert amounts[0] == 80  # a number in yuan, not text
