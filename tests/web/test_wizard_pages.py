"""The distribution wizard as an accountant reads it: the status its vouchers bear out, the
members' table adding up as the household statement does, refusals in place, rates as typed,
the approve button only for those who may approve, payment of everyone confirmed first, and
flash messages that say what happened."""

from __future__ import annotations

import re
from typing import Any

from tests.builders import closed_year, post, review_and_post
from tests.conftest import Books
from tests.web.conftest import Browser

INPUTS = {"year": "2025", "reserve_rate": "0.10", "patronage_ratio": "0.60"}
PLANS = "/api/v1/orgs/coop/distributions"


def _flash(html: str) -> str:
    found = re.search(r'<p class="flash ok" role="status">([^<]*)</p>', html)
    assert found, html
    return found.group(1)


def _created(acc: Browser, **extra: str) -> str:
    made = acc.post("/orgs/coop/distributions", {**INPUTS, **extra})
    assert made.status_code == 302, made.get_data(as_text=True)
    return str(made.headers["Location"])


def _approved(signed_in: Any, acc: Browser) -> str:
    plan = _created(acc)
    rev = signed_in("rev")
    rev.get(plan)
    approved = rev.post(f"{plan}/approve", {"resolution": "决议1号", "date": "2026-01-20"})
    assert approved.status_code == 302
    return plan


def test_a_plan_is_posted_only_when_its_vouchers_are(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    plan = _approved(signed_in, acc)
    acc.get(plan)
    posted = acc.post(f"{plan}/post", {"date": "2026-01-20"})
    html = acc.get(posted.headers["Location"]).get_data(as_text=True)
    message = _flash(html)
    assert re.fullmatch(r"已生成 \d+ 张分配凭证：#\d+(、#\d+)*，待审核、记账。", message), message
    assert re.search(r'id="plan-status">分配凭证已生成，待审核、记账<', html)
    assert 'id="plan-waiting"' in html and "plan-pay" not in html
    listing = acc.get("/orgs/coop/distributions").get_data(as_text=True)
    assert "分配凭证已生成，待审核、记账" in listing and "已记账" not in listing
    plan_id = int(plan.rsplit("/", 1)[-1])
    ids = books.get("acc", f"{PLANS}/{plan_id}").json["vouchers"]
    numbers = [review_and_post(books, v if isinstance(v, int) else v["id"])["number"] for v in ids]
    html = acc.get(plan).get_data(as_text=True)
    assert re.search(r'id="plan-status">已记账<', html) and "plan-waiting" not in html
    for number in numbers:  # each voucher linked by its printed number
        assert f">{number}</a>" in html
    assert "plan-pay" in html


def test_the_members_table_adds_up_as_the_household_statement(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    plan = _created(acc, guarantee_fixed="8,000.00", guarantee_status="exited")
    html = acc.get(plan).get_data(as_text=True)
    for header in ("盈余返还", "剩余盈余分配", "保底补足", "应得", "已付", "未付"):
        assert f">{header}</th>" in html
    # member 1 (poor): return 13,500 + residual 6,000 + top-up 2,000 = 21,500 due, all unpaid
    row = re.search(r"<tr><td>1</td>.*?</tr>", html, re.S)
    assert row
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(0))
    assert cells == [
        "50,000.00",
        "2,000.00",
        "13,500.00",
        "6,000.00",
        "2,000.00",
        "21,500.00",
        "",
        "21,500.00",
    ]
    totals = re.search(r'<tr id="plan-totals">.*?</tr>', html, re.S)
    assert totals
    assert re.findall(r'<th class="num"[^>]*>([^<]*)</th>', totals.group(0)) == [
        "200,000.00",
        "12,000.00",
        "54,000.00",
        "34,000.00",
        "2,000.00",
        "90,000.00",
        "",
        "90,000.00",
    ]


def test_a_second_plan_for_a_year_in_force_is_refused_on_the_form(
    signed_in: Any, books: Books
) -> None:
    closed_year(books)
    acc = signed_in("acc")
    plan = _approved(signed_in, acc)
    plan_id = plan.rsplit("/", 1)[-1]
    form = acc.get("/orgs/coop/distributions?year=2025").get_data(as_text=True)
    assert 'id="year-in-force"' in form  # said before anyone types
    again = acc.post("/orgs/coop/distributions", {**INPUTS, "reserve_rate": "12%"})
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    words = f"2025 年度已有分配方案 #{plan_id}（已批准），一个年度只能分配一次"
    assert words in html and 'data-for="year"' in html
    assert 'name="reserve_rate" value="12%"' in html  # the form keeps what was typed
    english = acc.post("/orgs/coop/distributions?lang=en", INPUTS).get_data(as_text=True)
    assert f"2025 already has distribution plan #{plan_id}" in english


def test_rates_are_taken_as_decimals_or_percentages(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    bad = acc.post(
        "/orgs/coop/distributions",
        {"year": "2025", "reserve_rate": "10 percent", "patronage_ratio": "160%"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "公积金提取比例：请填写 0 到 1 之间的小数（如 0.10）或百分数（如 10%）" in html
    assert "按交易量返还比例：请填写" in html and 'data-for="patronage_ratio"' in html
    guarantee = acc.post(
        "/orgs/coop/distributions",
        {**INPUTS, "guarantee_rate": "half", "guarantee_status": "exited"},
    )
    assert "保底比例：请填写" in guarantee.get_data(as_text=True)
    plan = _created(acc, reserve_rate="10%", patronage_ratio="0.6")
    plan_id = int(plan.rsplit("/", 1)[-1])
    inputs = books.get("acc", f"{PLANS}/{plan_id}").json["inputs"]
    assert (inputs["reserve_rate"], inputs["patronage_ratio"]) == ("0.10", "0.6")
    made = _flash(acc.get(plan).get_data(as_text=True))
    assert (
        made
        == f"已计算并保存草稿方案 #{plan_id}：2025 年度可分配盈余 90,000.00 元，2 户成员。请由成员大会批准。"
    )


def test_the_preparer_is_not_offered_the_approval(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    plan = _created(acc)
    html = acc.get(plan).get_data(as_text=True)
    assert "plan-approve" not in html
    assert "此方案由 acc 制单，须由审核人或另一位会计记录成员大会的批准" in html
    other = signed_in("acc2")
    assert "plan-approve" in other.get(plan).get_data(as_text=True)
    assert "plan-approve" not in signed_in("cash").get(plan).get_data(as_text=True)
    # the service refuses it all the same, and the page says so in words
    refused = acc.post(f"{plan}/approve", {"resolution": "决议", "date": "2026-01-20"})
    page = acc.get(refused.headers["Location"]).get_data(as_text=True)
    assert "制单人不能批准自己编制的分配方案" in page
    english = acc.get(f"{plan}?lang=en").get_data(as_text=True)
    assert "prepared by acc" in english


def test_paying_everyone_shows_the_list_and_asks_first(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    plan = _approved(signed_in, acc)
    acc.get(plan)
    acc.post(f"{plan}/post", {"date": "2026-01-20"})
    plan_id = int(plan.rsplit("/", 1)[-1])
    for v in books.get("acc", f"{PLANS}/{plan_id}").json["vouchers"]:
        review_and_post(books, v if isinstance(v, int) else v["id"])
    acc.get(plan)
    asked = acc.post(f"{plan}/pay", {"date": "2026-02-01", "method": "bank", "member": ""})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="pay-confirm"' in html
    assert "将向以下 2 户成员支付，合计 90,000.00 元" in html
    assert "王秀英" in html and "19,500.00" in html and "70,500.00" in html
    assert 'name="confirm" value="1"' in html
    unpaid = books.get("acc", f"{PLANS}/{plan_id}").json["lines"]
    assert all(ln["paid"] == "0.00" for ln in unpaid)  # nothing paid by asking
    paid = acc.post(f"{plan}/pay", {"date": "2026-02-01", "method": "bank", "confirm": "1"})
    message = _flash(acc.get(paid.headers["Location"]).get_data(as_text=True))
    assert re.fullmatch(
        r"已向 2 户成员支付 90,000\.00 元，付款凭证 #\d+ 待审核、记账。", message
    ), message


def test_paying_one_member_accepts_thousands_separators(signed_in: Any, books: Books) -> None:
    closed_year(books)
    acc = signed_in("acc")
    plan = _approved(signed_in, acc)
    acc.get(plan)
    acc.post(f"{plan}/post", {"date": "2026-01-20"})
    plan_id = int(plan.rsplit("/", 1)[-1])
    for v in books.get("acc", f"{PLANS}/{plan_id}").json["vouchers"]:
        review_and_post(books, v if isinstance(v, int) else v["id"])
    html = acc.get(plan).get_data(as_text=True)
    assert 'data-confirm-when="member"' in html  # the browser asks before paying one member
    paid = acc.post(
        f"{plan}/pay", {"date": "2026-02-01", "method": "cash", "member": "1", "amount": "5,000"}
    )
    page = acc.get(paid.headers["Location"]).get_data(as_text=True)
    assert _flash(page).startswith("已向 1 户成员支付 5,000.00 元")
    assert re.search(r'id="total-paid">5,000\.00<', page)
    assert re.search(r'id="total-unpaid">85,000\.00<', page)


def test_a_village_plan_beyond_its_cash_is_refused_in_place_then_made_on_purpose(
    signed_in: Any, books: Books
) -> None:
    post(
        books,
        "2025-03-01",
        ("151", "debit", "50000.00", None),
        ("102", "credit", "50000.00", None),
        org="village",
    )
    closed_year(books, "village")
    acc = signed_in("acc")
    typed = {"year": "2025", "reserve_rate": "0.10", "patronage_ratio": "0"}
    refused = acc.post("/orgs/village/distributions", typed)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert (
        "方案应付成员 90000.00 元，超过 2025 年 12 月 31 日的库存现金和银行存款 62000.00 元" in html
    )
    assert 'name="override"' in html
    english = acc.post("/orgs/village/distributions?lang=en", typed).get_data(as_text=True)
    assert "more than the 62000.00 yuan of cash and bank on 31 December 2025" in english
    made = acc.post("/orgs/village/distributions", {**typed, "override": "1"})
    assert made.status_code == 302, made.get_data(as_text=True)
