"""The periods page and the depreciation run through Flask's test client: each action asks first
and then is done, each role that may not is refused, and each refusal is shown in place."""

from __future__ import annotations

import html as html_lib
from typing import Any

from coopledger.domain.periods import Period
from coopledger.services import auth, periods
from coopledger.services.clock import utcnow
from tests.builders import cold_store, post_ok, review_and_post, voucher
from tests.conftest import Books
from tests.web.conftest import Browser

API = "/api/v1/orgs/coop"


def _text(response: Any) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def _sale(books: Books, day: str, amount: str = "1000.00") -> None:
    post_ok(books, voucher(day, ("102", "debit", amount, None), ("501", "credit", amount, None)))


def _status(books: Books, period: str) -> str:
    found = [p for p in books.get("acc", f"{API}/periods").json["items"] if p["period"] == period]
    return str(found[0]["status"]) if found else "open"


def _closed_through(uow: Any, year: int, last: int) -> None:
    acc = auth.actor_named(uow(), "acc")
    for month in range(1, last + 1):
        periods.close_period(uow(), acc, "coop", Period(year, month))


# -- the menu and the dashboard -------------------------------------------------------------------


def test_the_dashboard_leads_to_the_close_of_the_next_month(books: Books, signed_in: Any) -> None:
    _sale(books, "2026-03-10")
    acc = signed_in("acc")
    page = _text(acc.get("/orgs/coop"))
    assert 'id="nav-periods"' in page
    assert 'href="/orgs/coop/periods/2026-03/close#month-2026-03"' in page
    confirm = _text(acc.get("/orgs/coop/periods/2026-03/close"))
    assert "确认结账 2026-03" in confirm and "不能再记入、修改或删除凭证" in confirm

    rev = _text(signed_in("rev").get("/orgs/coop"))
    assert "/periods/2026-03/close" not in rev  # a reviewer sees the month, cannot close it
    assert 'href="/orgs/coop/periods/2026#month-2026-03"' in rev and 'id="nav-periods"' in rev


def test_the_periods_page_shows_each_month_and_who_closed_it(books: Books, signed_in: Any) -> None:
    _sale(books, "2026-01-10")
    _sale(books, "2026-02-10")
    acc = signed_in("acc")
    done = acc.post("/orgs/coop/periods/2026-01/close")
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/orgs/coop/periods/2026#month-2026-01")
    page = _text(acc.get("/orgs/coop/periods/2026"))
    assert "2026-01 已结账：该月不能再记入凭证。" in page  # the outcome, flashed
    january = page.split('id="month-2026-01"')[1].split("</tr>")[0]
    assert "已结账" in january and ">acc<" in january and 'id="reopen-' not in january
    assert 'id="close-2026-02"' in page and 'id="next-to-close"' in page
    assert acc.get("/orgs/coop/periods").status_code == 200  # the year of the next month to close


def test_a_month_with_drafts_is_refused_in_place(books: Books, signed_in: Any) -> None:
    _sale(books, "2026-03-10")
    books.voucher(date="2026-03-20")
    acc = signed_in("acc")
    asked = _text(acc.get("/orgs/coop/periods/2026-03/close"))
    assert "还有 1 张凭证没有记账" in asked and 'id="confirm-close"' not in asked
    refused = acc.post("/orgs/coop/periods/2026-03/close")
    assert refused.status_code == 409
    text = _text(refused)
    assert 'id="refusal"' in text and "2026-03还有 1 张凭证没有记账（草稿或已审核）" in text
    assert _status(books, "2026-03") == "open"


def test_months_close_in_order_and_the_page_says_which_first(books: Books, signed_in: Any) -> None:
    _sale(books, "2026-02-10")
    _sale(books, "2026-03-10")
    acc = signed_in("acc")
    asked = _text(acc.get("/orgs/coop/periods/2026-03/close"))
    assert "请先结账 2026-02" in asked and 'id="confirm-close"' not in asked
    refused = acc.post("/orgs/coop/periods/2026-03/close")
    assert refused.status_code == 409 and "月份须按顺序结账：请先结账 2026-02。" in _text(refused)


def test_who_may_not_close_or_reopen_is_refused(books: Books, signed_in: Any, uow: Any) -> None:
    _sale(books, "2026-03-10")
    for user in ("rev", "aud", "cash"):
        b = signed_in(user)
        assert b.get("/orgs/coop/periods/2026-03/close").status_code == 403
        assert b.post("/orgs/coop/periods/2026-03/close").status_code == 403
        assert b.get("/orgs/coop/periods/2026").status_code == 200  # they may look
    assert signed_in("hh1").get("/orgs/coop/periods/2026").status_code in (403, 404)
    assert signed_in("other-acc").get("/orgs/coop/periods/2026").status_code == 404
    _closed_through(uow, 2026, 3)
    acc = signed_in("acc")
    assert 'id="reopen-2026-03"' not in _text(acc.get("/orgs/coop/periods/2026"))
    assert acc.post("/orgs/coop/periods/2026-03/reopen").status_code == 403
    assert _status(books, "2026-03") == "closed"


def test_an_administrator_reopens_the_last_closed_month_only(
    books: Books, signed_in: Any, uow: Any
) -> None:
    _sale(books, "2026-02-10")
    _sale(books, "2026-03-10")
    _closed_through(uow, 2026, 3)
    admin = signed_in("admin")
    asked = _text(admin.get("/orgs/coop/periods/2026-03/reopen"))
    assert "确认重新打开 2026-03" in asked and "记入审计日志" in asked
    refused = admin.post("/orgs/coop/periods/2026-02/reopen")
    assert refused.status_code == 409
    assert "请先重新打开 2026-03" in _text(refused)
    done = admin.post("/orgs/coop/periods/2026-03/reopen")
    assert done.status_code == 302
    page = _text(admin.get("/orgs/coop/periods/2026"))
    assert "2026-03 已重新打开" in page and 'id="close-2026-03"' in page


# -- the year-end ---------------------------------------------------------------------------------


def _year_2025(books: Books) -> None:
    _sale(books, "2025-02-10", "5000.00")
    post_ok(
        books,
        voucher("2025-05-10", ("521", "debit", "800.00", None), ("102", "credit", "800.00", None)),
    )


def test_the_year_end_shows_its_steps_and_offers_the_close_only_when_nothing_blocks(
    books: Books, signed_in: Any, uow: Any
) -> None:
    _year_2025(books)
    books.voucher(date="2025-11-03")  # a draft left in the year
    acc = signed_in("acc")
    page = _text(acc.get("/orgs/coop/periods/2025"))
    steps = page.split('id="year-steps"')[1].split("</ol>")[0]
    assert "本年度还有 1 张凭证没有记账。" in steps
    assert "1 至 11 月还有月份没有结账" in steps
    assert '<button type="button" id="close-year" disabled>' in page
    refused = acc.post("/orgs/coop/years/2025/close")
    assert refused.status_code == 409 and "还有未完成的步骤" in _text(refused)
    assert _status(books, "2025-02") == "open"


def test_closing_the_year_names_what_it_posts_and_then_shows_the_surplus(
    books: Books, signed_in: Any, uow: Any
) -> None:
    _year_2025(books)
    _closed_through(uow, 2025, 11)
    acc = signed_in("acc")
    page = _text(acc.get("/orgs/coop/periods/2025"))
    assert 'href="/orgs/coop/years/2025/close#confirm-year"' in page
    assert "¥4,200.00" in page  # the surplus the close will carry
    asked = _text(acc.get("/orgs/coop/years/2025/close"))
    assert "《2025年度损益结转》" in asked and "《结转2025年度本年盈余》" in asked
    assert "331 本年盈余" in asked and "33202 未分配盈余" in asked
    assert 'id="confirm-close-year"' in asked

    assert signed_in("rev").post("/orgs/coop/years/2025/close").status_code == 403
    done = acc.post("/orgs/coop/years/2025/close")
    assert done.status_code == 302 and done.headers["Location"].endswith("#year-end")
    after = _text(acc.get("/orgs/coop/periods/2025"))
    assert "2025 年度已年终结账：本年盈余 4200.00 元已转入未分配盈余" in after
    assert 'id="year-surplus">¥4,200.00' in after
    assert 'href="/orgs/coop/distributions"' in after and 'id="to-distribution"' in after
    assert 'id="close-2025-' not in after and 'id="reopen-2025-' not in after


def test_the_results_carried_first_leave_december_to_the_distribution(
    books: Books, signed_in: Any, uow: Any
) -> None:
    """Carry the results, then the year waits for the distribution with December open; a
    voucher left in December keeps it from closing; posted, the year closes."""
    _year_2025(books)
    _closed_through(uow, 2025, 11)
    acc = signed_in("acc")
    page = _text(acc.get("/orgs/coop/periods/2025"))
    assert 'href="/orgs/coop/years/2025/carry#confirm-carry"' in page
    asked = _text(acc.get("/orgs/coop/years/2025/carry"))
    assert "《2025年度损益结转》，日期 2025-12-31" in asked
    assert "12 月保持开放" in asked and 'id="confirm-carry-year"' in asked
    assert signed_in("rev").post("/orgs/coop/years/2025/carry").status_code == 403
    done = acc.post("/orgs/coop/years/2025/carry")
    assert done.status_code == 302 and done.headers["Location"].endswith("#year-end")
    after = _text(acc.get("/orgs/coop/periods/2025"))
    assert "2025 年度损益已结转：本年盈余 4200.00 元已转入未分配盈余" in after
    assert 'id="carried-surplus">¥4,200.00' in after
    assert 'id="carry-year"' not in after and _status(books, "2025-12") == "open"
    draft = books.voucher(date="2025-12-31")  # stands for the plan's vouchers, not posted yet
    waiting = _text(acc.get("/orgs/coop/periods/2025"))
    assert "本年度还有 1 张凭证没有记账。" in waiting
    assert '<button type="button" id="close-year" disabled>' in waiting
    review_and_post(books, draft["id"])
    assert acc.post("/orgs/coop/years/2025/close").status_code == 302
    closed = _text(acc.get("/orgs/coop/periods/2025"))
    assert 'id="year-result"' in closed and _status(books, "2025-12") == "closed"


def test_an_administrator_reopens_a_closed_year_from_its_page(
    books: Books, signed_in: Any, uow: Any
) -> None:
    _year_2025(books)
    _closed_through(uow, 2025, 11)
    acc = signed_in("acc")
    assert acc.post("/orgs/coop/years/2025/close").status_code == 302
    assert 'id="reopen-year"' not in _text(acc.get("/orgs/coop/periods/2025"))
    assert acc.post("/orgs/coop/years/2025/reopen").status_code == 403
    admin = signed_in("admin")
    asked = _text(admin.get("/orgs/coop/years/2025/reopen"))
    assert "确认重新打开 2025 年度" in asked and 'id="confirm-reopen-year"' in asked
    done = admin.post("/orgs/coop/years/2025/reopen")
    assert done.status_code == 302 and _status(books, "2025-12") == "open"
    after = _text(admin.get("/orgs/coop/periods/2025"))
    assert "2025 年度已重新打开" in after and 'id="carried-surplus">¥4,200.00' in after


def test_a_closed_december_is_named_when_the_year_cannot_post_its_closing(
    books: Books, signed_in: Any, uow: Any
) -> None:
    _year_2025(books)
    _closed_through(uow, 2025, 12)
    page = _text(signed_in("acc").get("/orgs/coop/periods/2025"))
    assert 'id="step-december"' in page and "请管理员先重新打开 12 月" in page
    assert '<button type="button" id="close-year" disabled>' in page


# -- depreciation -------------------------------------------------------------------------------


def _cold_store_posted(books: Books) -> None:
    made = books.post("acc", f"{API}/assets", cold_store(acquired_on="2026-01-10", funding=[]))
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["vouchers"]["acquisition"])


def test_the_depreciation_run_shows_what_it_will_prepare_then_prepares_it(
    books: Books, signed_in: Any
) -> None:
    _cold_store_posted(books)
    acc = signed_in("acc")
    preview = acc.get("/orgs/coop/depreciation?through=2026-03")
    assert preview.status_code == 200
    text = _text(preview)
    assert "将生成 2 张折旧凭证（草稿），合计 ¥4,000.00" in text
    assert text.count("大蒜示范基地冷库") == 2 and "2026-02 凭证合计" in text
    assert books.get("acc", f"{API}/vouchers?status=draft").json["items"] == []  # nothing yet
    done = acc.post("/orgs/coop/depreciation", {"through": "2026-03"})
    assert done.status_code == 302 and "status=draft" in done.headers["Location"]
    drafts = books.get("acc", f"{API}/vouchers?status=draft").json["items"]
    assert sorted(v["date"] for v in drafts) == ["2026-02-28", "2026-03-31"]
    assert "已生成 2 张折旧凭证（草稿），请审核后记账。" in _text(acc.get("/orgs/coop/vouchers"))
    again = _text(acc.get("/orgs/coop/depreciation?through=2026-03"))
    assert "至 2026-03 没有需要计提的折旧。" in again


def test_the_depreciation_run_refuses_in_place(books: Books, signed_in: Any, uow: Any) -> None:
    _cold_store_posted(books)
    acc = signed_in("acc")
    ahead = str(Period.of(utcnow().date()).next())
    unended = acc.get(f"/orgs/coop/depreciation?through={ahead}")
    assert unended.status_code == 422
    assert f"{ahead} 还没有结束：折旧在月末计提" in _text(unended)
    assert acc.post("/orgs/coop/depreciation", {"through": ahead}).status_code == 422
    typed = acc.get("/orgs/coop/depreciation?through=March")
    assert typed.status_code == 422 and "请填写月份，例如 2026-03" in _text(typed)
    assert 'value="March"' in typed.get_data(as_text=True)  # what was typed stays
    _closed_through(uow, 2026, 2)
    closed = acc.post("/orgs/coop/depreciation", {"through": "2026-03"})
    assert closed.status_code == 409
    assert "2026-02 已结账，应在该月计提的折旧不能再记入" in _text(closed)
    assert books.get("acc", f"{API}/vouchers?status=draft").json["items"] == []


def test_who_may_not_prepare_vouchers_cannot_run_depreciation(books: Books, signed_in: Any) -> None:
    for user in ("rev", "aud"):
        b = signed_in(user)
        assert b.get("/orgs/coop/depreciation?through=2026-03").status_code == 403
        assert b.post("/orgs/coop/depreciation", {"through": "2026-03"}).status_code == 403


def test_the_pages_speak_english(books: Books, signed_in: Any, uow: Any) -> None:
    _year_2025(books)
    _closed_through(uow, 2025, 11)
    acc: Browser = signed_in("acc")
    page = _text(acc.get("/orgs/coop/years/2025/close?lang=en"))
    assert "Confirm the year-end close of 2025" in page and "年终结账" not in page
    assert "Run depreciation" in _text(acc.get("/orgs/coop/depreciation?lang=en"))
