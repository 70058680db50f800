"""The registers through the pages: members, assets, funds, share events and member transactions
— each form's action, its refusal for a role that may not act, and a bad input shown in place."""

from __future__ import annotations

import re
from typing import Any

from tests.builders import (
    FUND,
    cold_store,
    post_ok,
    quantify,
    receive_grant,
    review_and_post,
    village_road_and_cold_store,
)
from tests.conftest import Books
from tests.web.conftest import Browser

MEMBERS = "/orgs/coop/members"


def _follow(b: Browser, response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(b.get(response.headers["Location"]).get_data(as_text=True))


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


# -- members --------------------------------------------------------------------------------------

NEW_MEMBER = {
    "member_no": "3",
    "name": "宋德民",
    "kind": "household",
    "household_size": "5",
    "id_number": "11010519491231002X",
    "bank_account": "6228480010001234",
    "poverty_status": "poor",
    "joined_on": "2026-01-05",
    "organization": "",
}


def test_an_accountant_adds_a_member_from_the_page(signed_in: Any) -> None:
    b = signed_in("acc")
    assert 'id="new-member"' in _html(b.get(MEMBERS))
    assert b.get(f"{MEMBERS}/new").status_code == 200
    html = _follow(b, b.post(f"{MEMBERS}/new", NEW_MEMBER))
    assert "已登记成员 3 宋德民" in html
    assert "110105********002X" in html and "11010519491231002X" not in html
    assert 'id="member-status">脱贫户<' in html  # typed as poor, the older name
    listing = _html(b.get(MEMBERS))
    assert 'href="/orgs/coop/members/3"' in listing and "宋德民" in listing


def test_a_bad_id_number_is_shown_beside_its_field_and_the_form_keeps_what_was_typed(
    signed_in: Any,
) -> None:
    b = signed_in("acc")
    response = b.post(f"{MEMBERS}/new", {**NEW_MEMBER, "id_number": "110105194912310021"})
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="id_number"' in html and "校验码不符" in html
    assert 'value="宋德民"' in html and 'value="110105194912310021"' in html
    assert "宋德民" not in _html(b.get(MEMBERS))


def test_a_taken_member_number_is_refused_in_place(signed_in: Any) -> None:
    b = signed_in("acc")
    response = b.post(f"{MEMBERS}/new", {**NEW_MEMBER, "member_no": "1"})
    assert response.status_code == 422
    assert 'data-for="member_no"' in _html(response) and "已被使用" in _html(response)


def test_a_reviewer_auditor_or_household_cannot_add_a_member(signed_in: Any) -> None:
    for user in ("rev", "aud"):
        b = signed_in(user)
        assert 'id="new-member"' not in _html(b.get(MEMBERS))
        assert b.get(f"{MEMBERS}/new").status_code == 403
        assert b.post(f"{MEMBERS}/new", NEW_MEMBER).status_code == 403
        page = _html(b.get(f"{MEMBERS}/1"))
        assert "王秀英" in page and 'id="edit-form"' not in page and 'id="leave-form"' not in page
        assert b.post(f"{MEMBERS}/1/edit", {"name": "x", "kind": "household"}).status_code == 403
    household = signed_in("hh1")
    assert household.post(f"{MEMBERS}/new", NEW_MEMBER).status_code == 403


def test_the_member_list_counts_filters_and_totals(signed_in: Any, books: Books) -> None:
    post_ok(
        books,
        {
            "date": "2026-03-10",
            "memo": "收到股金",
            "lines": [
                {"account": "102", "debit": "1500.00"},
                {"account": "301", "member": "1", "credit": "1000.00"},
                {"account": "301", "member": "2", "credit": "500.00"},
            ],
        },
    )
    b = signed_in("acc")
    html = _html(b.get(MEMBERS))
    assert "成员 2 户，其中在册 2 户，已退出 0 户" in html
    assert 'data-status="exited"' in html
    totals = html.split('id="members-totals"')[1].split("</tr>")[0]
    assert "合计（2 户）" in totals and "1,500.00" in totals and ">7<" in totals
    only_poor = _html(b.get(f"{MEMBERS}?status=poor"))  # the older name of exited
    rows = only_poor.split("<tbody>")[1].split("</tbody>")[0]
    assert "王秀英" in rows and "李建国" not in rows
    assert "1,000.00" in only_poor.split('id="members-totals"')[1].split("</tr>")[0]
    by_name = _html(b.get(f"{MEMBERS}?q=李"))
    assert "李建国" in by_name.split("<tbody>")[1] and "王秀英" not in by_name.split("<tbody>")[1]


def test_the_member_record_edits_details_and_keeps_the_id_number_masked(signed_in: Any) -> None:
    b = signed_in("acc")
    page = _html(b.get(f"{MEMBERS}/1"))
    assert "110105********002X" in page and "11010519491231002X" not in page
    html = _follow(
        b,
        b.post(
            f"{MEMBERS}/1/edit",
            {"name": "王秀英户", "kind": "household", "household_size": "6", "id_number": ""},
        ),
    )
    assert "已保存成员 1 的资料" in html and "王秀英户" in html
    assert "110105********002X" in html  # a blank ID field kept the number on record


def test_a_bad_household_size_is_shown_in_place_on_the_record(signed_in: Any) -> None:
    b = signed_in("acc")
    response = b.post(
        f"{MEMBERS}/1/edit", {"name": "王秀英", "kind": "household", "household_size": "abc"}
    )
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="household_size"' in html and 'value="abc"' in html


def test_a_poverty_status_change_is_kept_as_dated_history(signed_in: Any) -> None:
    b = signed_in("acc")
    typed = {
        "poverty_status": "monitored",
        "monitor_kind": "marginal",
        "effective_on": "2026-11-30",
    }
    html = _follow(b, b.post(f"{MEMBERS}/2/status", typed))
    assert "已记录：成员 2 自 2026-11-30 起为监测户" in html
    assert 'id="member-status">监测户（边缘易致贫户）<' in html
    history = html.split('id="status-history"')[1].split("</table>")[0]
    assert history.index("一般户") < history.index("监测户（边缘易致贫户）")
    same = b.post(f"{MEMBERS}/2/status", {**typed, "effective_on": "2026-12-01"})
    assert same.status_code == 422 and 'data-for="poverty_status"' in _html(same)
    kind = b.post(f"{MEMBERS}/2/status", {**typed, "monitor_kind": "sudden_hardship"})
    assert kind.status_code == 302  # another kind is a change of its own
    english = _html(b.get(f"{MEMBERS}/2?lang=en"))
    assert "Monitored household (In sudden severe hardship)" in english
    assert "Ordinary household" in english


def test_a_member_leaves_after_confirming(signed_in: Any, books: Books) -> None:
    b = signed_in("acc")
    ask = b.post(f"{MEMBERS}/2/leave", {"date": "2026-06-30"})
    assert ask.status_code == 200
    html = _html(ask)
    assert 'id="confirm-leave"' in html and "不予退还" in html
    assert "已退出" not in html.split('id="member-facts"')[0]  # nothing recorded yet
    done = _follow(b, b.post(f"{MEMBERS}/2/leave", {"date": "2026-06-30", "confirmed": "1"}))
    assert "已记录成员 2 于 2026-06-30 退出" in done and 'id="member-left"' in done
    assert 'id="leave-form"' not in done
    assert "已退出 1 户" in _html(b.get(MEMBERS))


def test_a_leaving_dated_before_joining_is_refused_in_place(signed_in: Any) -> None:
    b = signed_in("acc")
    b.post(f"{MEMBERS}/new", NEW_MEMBER)
    response = b.post(f"{MEMBERS}/3/leave", {"date": "2025-12-31", "confirmed": "1"})
    assert response.status_code == 422
    assert 'data-for="date"' in _html(response) and "不能早于入社日期" in _html(response)


# -- member transactions and share events on the member's page ---------------------------------


def test_a_member_transaction_is_recorded_after_confirming(signed_in: Any) -> None:
    b = signed_in("acc")
    typed = {
        "date": "2026-06-20",
        "product": "大蒜",
        "quantity": "1300.5",
        "unit": "公斤",
        "amount": "3500",
    }
    ask = _html(b.post(f"{MEMBERS}/1/transaction", typed))
    assert 'id="confirm-transaction"' in ask and "大蒜 1300.5 公斤" in ask
    assert "本年没有交易记录" in ask  # not recorded before confirming
    done = _follow(b, b.post(f"{MEMBERS}/1/transaction", {**typed, "confirmed": "1"}))
    assert "已记录 成员 1 2026-06-20 交易：大蒜 1300.5 公斤，金额 3,500.00 元" in done
    rows = done.split('id="member-transactions"')[1].split("</table>")[0]
    assert "大蒜" in rows and "3,500.00" in rows


def test_a_transaction_without_its_unit_is_refused_in_place(signed_in: Any) -> None:
    b = signed_in("acc")
    response = b.post(
        f"{MEMBERS}/1/transaction",
        {"date": "2026-06-20", "product": "大蒜", "quantity": "10", "unit": "", "amount": "3.5x"},
    )
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="unit"' in html and 'data-for="amount"' in html and 'value="3.5x"' in html


def test_capital_paid_in_and_transferred_from_the_member_page(signed_in: Any, books: Books) -> None:
    b = signed_in("acc")
    pay_in = {"kind": "contribute", "date": "2026-03-01", "reason": "入股", "amount": "2000"}
    ask = _html(b.post(f"{MEMBERS}/1/share", pay_in))
    assert 'id="confirm-share"' in ask and "成员 1 缴纳股金 2,000.00 元" in ask
    done = _follow(b, b.post(f"{MEMBERS}/1/share", {**pay_in, "confirmed": "1"}))
    assert "已记录股份变动：成员 1 缴纳股金 2,000.00 元" in done and "凭证草稿 #" in done
    voucher_id = int(done.split("凭证草稿 #")[1].split(" ")[0])
    review_and_post(books, voucher_id)
    transfer = {
        "kind": "transfer",
        "date": "2026-04-01",
        "reason": "转让",
        "amount": "500",
        "to_member": "2",
        "confirmed": "1",
    }
    done = _follow(b, b.post(f"{MEMBERS}/1/share", transfer))
    assert "成员 1 将股金 500.00 元转让给成员 2" in done
    too_much = b.post(f"{MEMBERS}/1/share", {**transfer, "amount": "5000"})
    assert too_much.status_code == 422
    assert 'data-for="amount"' in _html(too_much) and "超过成员 1 的股金" in _html(too_much)


def test_a_members_holding_read_from_its_own_lines_is_the_registers(
    signed_in: Any, books: Books
) -> None:
    """The member page reads one member's lines: its holding and its member account's opening
    and closing are the share register's entries for it, after capital paid in and moved on."""
    from coopledger.services import auth
    from coopledger.services import shares as share_svc

    test_capital_paid_in_and_transferred_from_the_member_page(signed_in, books)
    actor = auth.actor_named(books.uow(), "acc")
    register = {
        h.member_no: h for h in share_svc.share_register(books.uow(), actor, "coop").holdings
    }
    for no in ("1", "2"):
        assert share_svc.member_holding(books.uow(), actor, "coop", no) == register.get(no)
        account = share_svc.member_account(books.uow(), actor, "coop", no, 2026)
        assert account.closing == register.get(no)
    assert register["1"].capital > 0  # the capital paid in is on the register


def test_a_reviewer_cannot_record_a_share_event_or_transaction(signed_in: Any) -> None:
    b = signed_in("rev")
    body = {"kind": "contribute", "date": "2026-03-01", "reason": "入股", "amount": "2000"}
    assert b.post(f"{MEMBERS}/1/share", body).status_code == 403
    assert b.post(f"{MEMBERS}/1/transaction", {"date": "2026-06-20"}).status_code == 403
    assert 'id="share-form"' not in _html(b.get(f"{MEMBERS}/1"))


# -- fixed assets ---------------------------------------------------------------------------------

ASSETS = "/orgs/coop/assets"
COLD_STORE = {
    "asset_no": "GB-01",
    "name": "大蒜示范基地冷库",
    "category": "房屋及建筑物",
    "class": "operating",
    "poverty_project": "1",
    "use": "production",
    "acquired_on": "2026-03-15",
    "cost": "250000",
    "salvage": "10000.00",
    "useful_life_months": "120",
    "method": "straight_line",
    "funding-0-fund": FUND,
    "funding-0-amount": "200000",
}


def test_an_accountant_registers_an_asset_from_the_page(signed_in: Any, books: Books) -> None:
    receive_grant(books)
    b = signed_in("acc")
    assert 'id="new-asset"' in _html(b.get(ASSETS))
    assert b.get(f"{ASSETS}/new").status_code == 200
    html = _follow(b, b.post(f"{ASSETS}/new", COLD_STORE))
    assert "已登记资产 GB-01 大蒜示范基地冷库，原值 250,000.00 元。" in html
    assert "购置凭证草稿 #" in html and 'id="acquisition-voucher"' in html
    assert "¥2,000.00" in html  # (250,000 − 10,000) ÷ 120 a month
    assert html.count("<tr><td>20") == 120  # the schedule, month by month
    listing = _html(b.get(ASSETS))
    assert 'href="/orgs/coop/assets/GB-01"' in listing
    assert "250,000.00" in listing.split('id="assets-totals"')[1]


def test_a_fund_asked_for_more_than_it_holds_is_refused_beside_its_row(
    signed_in: Any, books: Books
) -> None:
    receive_grant(books, "100000.00")
    b = signed_in("acc")
    response = b.post(f"{ASSETS}/new", {**COLD_STORE, "cost": "abc"})
    assert response.status_code == 422
    assert 'data-for="cost"' in _html(response) and 'value="abc"' in _html(response)
    response = b.post(f"{ASSETS}/new", COLD_STORE)
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="funding-0-amount"' in html and "超过该资金尚未使用的结余 100000.00 元" in html
    assert 'value="大蒜示范基地冷库"' in html
    assert "GB-01" not in _html(b.get(ASSETS))


def test_units_used_in_older_books_are_kept_and_bounded_in_place(signed_in: Any) -> None:
    b = signed_in("acc")
    harvester = {
        **COLD_STORE,
        "asset_no": "HV-1",
        "name": "收割机",
        "acquired_on": "2024-03-10",
        "cost": "50000",
        "salvage": "2000",
        "method": "units_of_production",
        "total_units": "100000",
        "opening_accumulated": "24000",
        "opening_months": "20",
        "opening_units": "100000",
        "funding-0-fund": "",
        "funding-0-amount": "",
    }
    response = b.post(f"{ASSETS}/new", harvester)
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="opening_units"' in html and "须少于预计总工作量" in html
    html = _follow(b, b.post(f"{ASSETS}/new", {**harvester, "opening_units": "50000"}))
    assert "旧账已用 50000" in html


def test_an_asset_is_disposed_of_after_confirming(signed_in: Any, books: Books) -> None:
    receive_grant(books)
    created = books.post("acc", "/api/v1/orgs/coop/assets", cold_store())
    assert created.status_code == 201, created.json
    review_and_post(books, created.json["vouchers"]["prepared"]["id"])
    b = signed_in("acc")
    ask = _html(b.post(f"{ASSETS}/GB-01/dispose", {"date": "2026-03-20", "proceeds": "240000"}))
    assert 'id="confirm-dispose"' in ask and "处置后不能撤销" in ask
    assert 'id="asset-disposed"' not in ask
    done = _follow(
        b,
        b.post(
            f"{ASSETS}/GB-01/dispose",
            {"date": "2026-03-20", "proceeds": "240000", "confirmed": "1"},
        ),
    )
    assert "已记录资产 GB-01 于 2026-03-20 处置。" in done and "清理凭证草稿 #" in done
    assert 'id="asset-disposed"' in done and 'id="dispose-form"' not in done


def test_a_disposal_before_the_acquisition_is_refused_in_place(
    signed_in: Any, books: Books
) -> None:
    receive_grant(books)
    assert books.post("acc", "/api/v1/orgs/coop/assets", cold_store()).status_code == 201
    b = signed_in("acc")
    response = b.post(f"{ASSETS}/GB-01/dispose", {"date": "2026-01-01", "confirmed": "1"})
    assert response.status_code == 422
    assert 'data-for="date"' in _html(response) and "不能早于取得日期" in _html(response)


def test_a_reviewer_auditor_or_household_cannot_register_or_dispose(
    signed_in: Any, books: Books
) -> None:
    receive_grant(books)
    assert books.post("acc", "/api/v1/orgs/coop/assets", cold_store()).status_code == 201
    for user in ("rev", "aud"):
        b = signed_in(user)
        assert 'id="new-asset"' not in _html(b.get(ASSETS))
        assert b.get(f"{ASSETS}/new").status_code == 403
        assert b.post(f"{ASSETS}/new", COLD_STORE).status_code == 403
        assert 'id="dispose-form"' not in _html(b.get(f"{ASSETS}/GB-01"))
        assert b.post(f"{ASSETS}/GB-01/dispose", {"date": "2026-04-01"}).status_code == 403
    assert signed_in("hh1").post(f"{ASSETS}/new", COLD_STORE).status_code == 403


# -- funds and quantification -------------------------------------------------------------------

FUNDS = "/orgs/coop/funds"
NEW_FUND = {
    "code": "county-2026",
    "name": "县级财政衔接资金（冷链）",
    "source": "county_fiscal",
    "grantor": "商河县财政局",
    "purpose": "冷链设施",
    "granted": "150000",
}


def test_an_accountant_records_a_fund_from_the_page(signed_in: Any) -> None:
    b = signed_in("acc")
    assert 'id="new-fund"' in _html(b.get(FUNDS))
    assert b.get(f"{FUNDS}/new").status_code == 200
    html = _follow(b, b.post(f"{FUNDS}/new", NEW_FUND))
    assert "已登记资金项目 county-2026 县级财政衔接资金（冷链），批复金额 150,000.00 元。" in html
    assert "商河县财政局" in html and "县级财政资金" in html
    listing = _html(b.get(FUNDS))
    assert 'href="/orgs/coop/funds/county-2026"' in listing
    assert "550,000.00" in listing.split('id="funds-totals"')[1]  # 400,000 + 150,000 granted


def test_a_bad_fund_code_is_shown_in_place(signed_in: Any) -> None:
    b = signed_in("acc")
    response = b.post(f"{FUNDS}/new", {**NEW_FUND, "code": "County 2026"})
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="code"' in html and "小写字母" in html and 'value="商河县财政局"' in html
    taken = b.post(f"{FUNDS}/new", {**NEW_FUND, "code": FUND})
    assert taken.status_code == 422 and "资金代码 muni-2026 已被使用" in _html(taken)


def test_a_reviewer_auditor_or_household_cannot_record_a_fund_or_quantify(
    signed_in: Any,
) -> None:
    for user in ("rev", "aud"):
        b = signed_in(user)
        assert 'id="new-fund"' not in _html(b.get(FUNDS))
        assert b.get(f"{FUNDS}/new").status_code == 403
        assert b.post(f"{FUNDS}/new", NEW_FUND).status_code == 403
        assert 'id="quantify-form"' not in _html(b.get(f"{FUNDS}/{FUND}"))
        assert b.post(f"{FUNDS}/{FUND}/quantify", {"basis": "all_members"}).status_code == 403
    assert signed_in("hh1").post(f"{FUNDS}/new", NEW_FUND).status_code == 403


def _fund_with_an_asset(books: Books) -> None:
    receive_grant(books)
    created = books.post("acc", "/api/v1/orgs/coop/assets", cold_store())
    assert created.status_code == 201, created.json
    review_and_post(books, created.json["vouchers"]["prepared"]["id"])


def test_a_fund_is_quantified_to_poor_households_after_confirming(
    signed_in: Any, books: Books
) -> None:
    _fund_with_an_asset(books)
    b = signed_in("acc")
    typed = {
        "kind": "quantify_fiscal",
        "date": "2026-04-01",
        "basis": "statuses",
        "statuses": ["exited", "monitored"],
        "amount": "60000",
        "reason": "扶贫资产折股量化",
    }
    ask = _html(b.post(f"{FUNDS}/{FUND}/quantify", typed))
    assert 'id="confirm-quantify"' in ask and "60,000.00 元" in ask
    assert 'name="statuses" value="monitored"' in ask.split('id="confirm-quantify"')[1]
    done = _follow(b, b.post(f"{FUNDS}/{FUND}/quantify", {**typed, "confirmed": "1"}))
    assert "已将资金项目 muni-2026 的 60,000.00 元量化到 1 户成员。" in done
    holders = done.split('id="fund-holders"')[1].split("</table>")[0]
    assert "王秀英" in holders and "60,000.00" in holders and "李建国" not in holders


def test_quantifying_more_than_the_special_fund_is_refused_in_place(
    signed_in: Any, books: Books
) -> None:
    _fund_with_an_asset(books)
    b = signed_in("acc")
    typed = {
        "kind": "quantify_fiscal",
        "date": "2026-04-01",
        "basis": "all_members",
        "amount": "300000",
        "reason": "量化",
        "confirmed": "1",
    }
    response = b.post(f"{FUNDS}/{FUND}/quantify", typed)
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="amount"' in html and "超过该资金尚未量化的专项基金 200000.00 元" in html
    bad = b.post(f"{FUNDS}/{FUND}/quantify", {**typed, "basis": "explicit", "allocations": "1"})
    assert bad.status_code == 422 and 'data-for="allocations"' in _html(bad)


def test_a_village_quantifying_its_road_is_refused_in_place_naming_the_law(
    signed_in: Any, books: Books
) -> None:
    village_road_and_cold_store(books)
    b = signed_in("acc")
    typed = {
        "kind": "quantify_fiscal",
        "date": "2026-04-01",
        "basis": "all_members",
        "amount": "400000",
        "reason": "折股量化",
        "confirmed": "1",
    }
    response = b.post("/orgs/village/funds/help/quantify", typed)
    assert response.status_code == 422
    html = _html(response)
    assert 'data-for="amount"' in html
    assert "农村集体经济组织法第四十条" in html and "经营性资产尚可量化 100000.00 元" in html
    b.get("/orgs/village?lang=en")
    english = _html(b.post("/orgs/village/funds/help/quantify", typed))
    assert "article 40" in english and "leave 100000.00 yuan to quantify" in english


def test_the_trace_shows_the_holders_now_and_the_reassignment_below(
    signed_in: Any, books: Books
) -> None:
    _fund_with_an_asset(books)
    assert quantify(books, "60000.00", "statuses").status_code == 201
    b = signed_in("acc")
    b.post(f"{MEMBERS}/1/status", {"poverty_status": "exited", "effective_on": "2026-11-30"})
    typed = {
        "kind": "reassign",
        "date": "2026-12-10",
        "reason": "王秀英户脱贫，量化份额调整给李建国户",
        "to_member": "2",
        "class": "fiscal_share",
        "amount": "",
        "confirmed": "1",
    }
    done = _follow(b, b.post(f"{MEMBERS}/1/share", typed))
    assert "成员 1 的财政补助量化份额 60,000.00 元调整给成员 2" in done
    trace = _html(b.get(f"{FUNDS}/{FUND}"))
    holders = trace.split('id="fund-holders"')[1].split("</table>")[0]
    assert "李建国" in holders and "王秀英" not in holders and "60,000.00" in holders
    moves = trace.split('id="fund-moves"')[1].split("</table>")[0]
    assert "量化份额调整" in moves and "王秀英户脱贫" in moves and "60,000.00" in moves
    assert trace.index('id="fund-holders"') < trace.index('id="fund-moves"')


def test_the_register_pages_read_in_english(signed_in: Any, books: Books) -> None:
    receive_grant(books)
    b = signed_in("acc")
    b.get("/orgs/coop?lang=en")
    data = (
        "王秀英",
        "李建国",
        "市级扶贫资金（大蒜示范基地）",
        "绿源大蒜种植专业合作社",
        "收到市级扶贫资金",
    )
    data += ("记-",)  # a voucher number: 记-2026-02-0001
    pages = [
        MEMBERS,
        f"{MEMBERS}/new",
        f"{MEMBERS}/1",
        ASSETS,
        f"{ASSETS}/new",
        FUNDS,
        f"{FUNDS}/new",
        f"{FUNDS}/{FUND}",
    ]
    for path in pages:
        html = _html(b.get(path))
        for text in data:
            html = html.replace(text, "")
        left = re.findall(r"[\u4e00-\u9fff]+", html.split("<main")[1])
        assert not left, (path, left)
    refused = _html(b.post(f"{MEMBERS}/new", {**NEW_MEMBER, "id_number": "110105194912310021"}))
    assert "check digit does not match" in refused and "Nothing was saved" in refused
