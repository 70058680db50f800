"""The statutory statements: 资产负债表 (balance sheet) and 盈余及盈余分配表 (surplus statement),
as JSON and as PDF, for the cooperative and the village charts."""

from __future__ import annotations

import io
import json
from typing import Any

from pypdf import PdfReader

from tests.builders import approved_and_posted, closed_year, post, text_of
from tests.conftest import Books

ORG = "/api/v1/orgs/coop"
BS = f"{ORG}/reports/balance-sheet"
SURPLUS = f"{ORG}/reports/surplus"
LEGACY_BS = "/api/v1/orgs/legacy/reports/balance-sheet"


def lines(body: dict[str, Any]) -> dict[str, tuple[str | None, str | None]]:
    return {ln["key"]: (ln["current"], ln["prior"]) for ln in body["lines"]}


def some_books(books: Books) -> None:
    """Capital 10,000 into the bank (member 1); sales 500 in cash and 300 on member 1's account
    (114 debit); member 2's produce 800 taken in on credit (114 credit); expenses 200 + 300."""
    post(
        books, "2026-01-05", ("102", "debit", "10000.00", None), ("301", "credit", "10000.00", "1")
    )
    post(books, "2026-02-01", ("101", "debit", "500.00", None), ("501", "credit", "500.00", None))
    post(books, "2026-02-10", ("114", "debit", "300.00", "1"), ("501", "credit", "300.00", None))
    post(books, "2026-03-01", ("121", "debit", "800.00", None), ("114", "credit", "800.00", "2"))
    post(books, "2026-03-05", ("521", "debit", "200.00", None), ("102", "credit", "200.00", None))
    post(books, "2026-03-06", ("523", "debit", "300.00", None), ("102", "credit", "300.00", None))


class TestBalanceSheet:
    def test_it_balances_and_never_nets_114(self, books: Books) -> None:
        some_books(books)
        response = books.get("acc", f"{BS}?as_of=2026-12-31")
        assert response.status_code == 200, response.json
        body = response.json
        got = lines(body)
        assert body["balanced"] is True and body["form"] == "会农社01表"
        assert body["as_of"] == "2026-12-31" and body["columns"] == ["期末余额", "年初余额"]
        assert got["cash"] == ("10000.00", "0.00")  # 500 + 10,000 - 200 - 300
        assert got["receivables"][0] == "300.00"  # member 1's debit balance on 114
        assert got["payables"][0] == "800.00"  # member 2's credit balance on 114
        assert got["inventories"][0] == "800.00"
        assert got["share_capital"][0] == "10000.00"
        assert got["undistributed"][0] == "300.00"  # 800 income - 500 expenses, not yet closed
        assert got["assets_total"] == got["liabilities_equity_total"] == ("11100.00", "0.00")
        assert got["current_assets"] == (None, None)  # a heading

    def test_as_of_defaults_to_today_and_earlier_dates_leave_later_vouchers_out(
        self, books: Books
    ) -> None:
        some_books(books)
        today = books.get("acc", BS)
        assert today.status_code == 200 and len(today.json["as_of"]) == 10
        early = lines(books.get("acc", f"{BS}?as_of=2026-01-31").json)
        assert early["cash"][0] == "10000.00" and early["receivables"][0] == "0.00"

    def test_after_the_close_年初余额_carries_the_surplus_in_equity(self, books: Books) -> None:
        closed_year(books)
        body = books.get("acc", f"{BS}?as_of=2026-06-30").json
        got = lines(body)
        assert body["balanced"] is True
        assert got["undistributed"] == ("100000.00", "100000.00")
        assert got["assets_total"][1] == "112000.00"

    def test_the_village_chart_balances_too(self, books: Books) -> None:
        post(
            books,
            "2026-02-01",
            ("102", "debit", "5000.00", None),
            ("301", "credit", "5000.00", "1"),
            org="village",
        )
        post(
            books,
            "2026-03-01",
            ("113", "debit", "120.00", "1"),
            ("113", "credit", "70.00", "2"),
            ("501", "credit", "50.00", None),
            org="village",
        )
        body = books.get("acc", "/api/v1/orgs/village/reports/balance-sheet?as_of=2026-12-31").json
        got = lines(body)
        assert body["balanced"] is True
        assert got["receivables"][0] == "120.00" and got["payables"][0] == "70.00"
        assert got["undistributed"][0] == "50.00"
        assert got["assets_total"][0] == got["liabilities_equity_total"][0] == "5120.00"

    def test_pdf(self, books: Books) -> None:
        some_books(books)
        response = books.get("aud", f"{BS}?as_of=2026-12-31&format=pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == (
            'inline; filename="balance-sheet-coop-2026-12-31.pdf"'
        )
        text = text_of(response.data)
        assert "绿源大蒜种植专业合作社" in text and "资产负债表" in text
        assert "11,100.00" in text


class TestTheStatutoryForm:
    """The 2021 会农社01表 line by line: 固定资产清理 and 待处理财产损溢 where the form puts them,
    the 行次 of the form, and the printed two-sided form."""

    def test_a_credit_balance_of_固定资产清理_is_a_negative_line_not_a_payable(
        self, books: Books
    ) -> None:
        """Proceeds of a disposal received before the asset's book value is moved in (Cr 154)."""
        some_books(books)
        post(
            books, "2026-05-01", ("102", "debit", "600.00", None), ("154", "credit", "600.00", None)
        )
        body = books.get("acc", f"{BS}?as_of=2026-12-31").json
        got = lines(body)
        assert got["disposal"][0] == "-600.00"
        assert got["fixed_subtotal"][0] == "-600.00"  # 固定资产净值 0 + 在建工程 0 + 清理 -600
        assert got["payables"][0] == "800.00"  # 应付款 + member 2's credit on 114 only
        assert body["balanced"] is True
        assert got["assets_total"][0] == got["liabilities_equity_total"][0] == "11100.00"

    def test_待处理财产损溢_is_on_no_receivable_or_payable_line(self, books: Books) -> None:
        some_books(books)
        settled = lines(books.get("acc", f"{BS}?as_of=2026-12-31").json)
        assert "unsettled" not in settled  # nothing pending: the form's own lines only
        # a cash shortage found at the count, not yet explained (Dr 181 / Cr 101), and a
        # surplus of produce (Dr 121 / Cr 181) on another day
        post(books, "2026-06-30", ("181", "debit", "50.00", None), ("101", "credit", "50.00", None))
        post(books, "2026-07-31", ("121", "debit", "20.00", None), ("181", "credit", "20.00", None))
        body = books.get("acc", f"{BS}?as_of=2026-12-31").json
        got = lines(body)
        assert got["receivables"][0] == settled["receivables"][0] == "300.00"
        assert got["payables"][0] == settled["payables"][0] == "800.00"
        pending = next(ln for ln in body["lines"] if ln["key"] == "unsettled")
        assert pending["name"] == "待处理财产损溢" and pending["current"] == "30.00"
        assert pending["row"] is None and "年终结账前" in pending["note"]
        assert body["balanced"] is True
        assert got["assets_total"][0] == got["liabilities_equity_total"][0] == "11100.00"

    def test_the_year_close_refuses_while_待处理财产损溢_has_a_balance(self, books: Books) -> None:
        post(books, "2026-06-30", ("181", "debit", "50.00", None), ("101", "credit", "50.00", None))
        refused = books.post("acc", f"{ORG}/years/2026/close")
        assert refused.status_code == 409
        assert refused.json["code"] == "unsettled_losses"
        assert "50.00" in refused.json["detail"] and "待处理财产损溢" in refused.json["detail"]
        # investigated: the cashier is liable for the shortage (Dr 114 member 1 / Cr 181)
        post(books, "2026-12-20", ("114", "debit", "50.00", "1"), ("181", "credit", "50.00", None))
        assert books.post("acc", f"{ORG}/years/2026/close").status_code == 200

    def test_the_village_form_follows_the_same_rules(self, books: Books) -> None:
        """2023 village chart: 154 固定资产清理 credit → negative; 181 apart; the close refuses."""
        village = "/api/v1/orgs/village"
        post(
            books,
            "2026-02-01",
            ("102", "debit", "5000.00", None),
            ("301", "credit", "5000.00", "1"),
            org="village",
        )
        post(
            books,
            "2026-03-01",
            ("102", "debit", "300.00", None),
            ("154", "credit", "300.00", None),
            org="village",
        )
        post(
            books,
            "2026-04-01",
            ("181", "debit", "40.00", None),
            ("101", "credit", "40.00", None),
            org="village",
        )
        body = books.get("acc", f"{village}/reports/balance-sheet?as_of=2026-12-31").json
        got = lines(body)
        assert got["disposal"][0] == "-300.00" and got["payables"][0] == "0.00"
        assert got["receivables"][0] == "0.00" and got["unsettled"][0] == "40.00"
        assert body["balanced"] is True
        refused = books.post("acc", f"{village}/years/2026/close")
        assert refused.status_code == 409 and refused.json["code"] == "unsettled_losses"

    def test_the_2021_form_has_its_lines_in_order_with_their_行次(self, books: Books) -> None:
        body = books.get("acc", f"{BS}?as_of=2026-12-31").json
        numbered = [(ln["row"], ln["name"]) for ln in body["lines"] if not ln["heading"]]
        assert numbered == list(enumerate(FORM_2021, start=1))
        assert all(ln["row"] is None for ln in body["lines"] if ln["heading"])

    def test_the_2007_form_keeps_its_own_行次(self, books: Books) -> None:
        made = books.post(
            "admin",
            "/api/v1/orgs",
            {
                "code": "legacy",
                "name": "旧账合作社",
                "kind": "cooperative",
                "chart": "cooperative-2007",
            },
        )
        assert made.status_code == 201
        body = books.get("admin", LEGACY_BS).json
        rows = {ln["name"]: ln["row"] for ln in body["lines"]}
        assert rows["固定资产合计"] == 25 and rows["资产总计"] == 29
        assert rows["负债和所有者权益总计"] == 54
        # the 2007 form prints 年初数 before 年末数
        for user in ("acc", "rev"):
            given = books.client.patch(
                f"/api/v1/users/{user}",
                json={"orgs": ["coop", "village", "legacy"]},
                headers=books.headers("admin"),
            )
            assert given.status_code == 200, given.json
        post(
            books,
            "2026-03-01",
            ("102", "debit", "700.00", None),
            ("231", "credit", "700.00", None),
            org="legacy",
        )
        text = text_of(books.get("admin", f"{LEGACY_BS}?as_of=2026-12-31&format=pdf").data)
        assert "行次年初数年末数负债和所有者权益行次年初数年末数" in text
        assert "资产总计290.00700.00负债和所有者权益总计540.00700.00" in text

    def test_the_pdf_is_the_two_sided_form_on_a4_landscape(self, books: Books) -> None:
        some_books(books)
        document = books.get("aud", f"{BS}?as_of=2026-12-31&format=pdf").data
        reader = PdfReader(io.BytesIO(document))
        box = reader.pages[0].mediabox
        assert float(box.width) > float(box.height)
        assert len(reader.pages) == 1
        text = text_of(document)
        for expected in (
            "编制单位：绿源大蒜种植专业合作社",
            "2026年12月31日",
            "会农社01表",
            "单位：元",
            "行次",
            "单位负责人：",
            "会计主管：",
            "制表人：",
        ):
            assert expected in text, expected
        # the two sides side by side: 资产总计 (22) and 负债和所有者权益总计 (42) share a row
        assert "资产总计2211,100.000.00负债和所有者权益总计4211,100.000.00" in text

    def test_the_english_pdf_keeps_the_forms_lines(self, books: Books) -> None:
        some_books(books)
        text = text_of(books.get("aud", f"{BS}?as_of=2026-12-31&format=pdf&lang=en").data)
        for expected in (
            "Reportingentity:",
            "2026-12-31",
            "Line",
            "资产总计",
            "Headoftheorganization:",
        ):
            assert expected in text, expected
        assert "编制单位" not in text


FORM_2021 = [
    "货币资金",
    "应收款项",
    "存货",
    "消耗性生物资产",
    "流动资产合计",
    "对外投资",
    "生产性生物资产原值",
    "减：生产性生物资产累计折旧",
    "生产性生物资产净值",
    "固定资产原值",
    "减：累计折旧",
    "固定资产净值",
    "在建工程",
    "固定资产清理",
    "固定资产小计",
    "无形资产原值",
    "减：累计摊销",
    "无形资产净值",
    "公益性生物资产",
    "长期待摊费用",
    "非流动资产合计",
    "资产总计",
    "短期借款",
    "应付款项",
    "应付工资",
    "应付劳务费",
    "应交税费",
    "应付利息",
    "应付盈余返还",
    "应付剩余盈余",
    "流动负债合计",
    "长期借款",
    "专项应付款",
    "非流动负债合计",
    "负债合计",
    "股金",
    "专项基金",
    "资本公积",
    "盈余公积",
    "未分配盈余",
    "所有者权益合计",
    "负债和所有者权益总计",
]


class TestSurplusStatement:
    def test_after_the_close_本年盈余_is_the_closes_surplus(self, books: Books) -> None:
        closed_year(books)
        response = books.get("acc", f"{SURPLUS}?year=2025")
        assert response.status_code == 200, response.json
        body = response.json
        got = lines(body)
        assert body["form"] == "会农社02表" and body["year"] == 2025
        assert got["operating_income"] == ("100000.00", "0.00")
        assert got["operating_surplus"][0] == "100000.00"
        assert got["total_surplus"][0] == got["surplus"][0] == "100000.00"
        assert got["closing_undistributed"][0] == "100000.00"

    def test_lines_add_up_before_the_close(self, books: Books) -> None:
        some_books(books)
        post(books, "2026-04-01", ("102", "debit", "90.00", None), ("502", "credit", "90.00", None))
        post(books, "2026-04-02", ("529", "debit", "40.00", None), ("102", "credit", "40.00", None))
        got = lines(books.get("acc", f"{SURPLUS}?year=2026").json)
        assert got["operating_income"][0] == "800.00"
        assert got["operating_expenses"][0] == "200.00" and got["admin"][0] == "300.00"
        assert got["operating_surplus"][0] == "300.00"
        assert got["total_surplus"][0] == "350.00"  # + 90 other income - 40 other expenses
        assert got["surplus"][0] == "350.00"

    def test_the_plan_posted_in_a_year_fills_its_appropriations(self, books: Books) -> None:
        """The 2025 plan is approved (and its vouchers dated) 2026-01-20: it shows in 2026."""
        closed_year(books)
        approved_and_posted(books)
        year_2025 = lines(books.get("acc", f"{SURPLUS}?year=2025").json)
        assert year_2025["reserve"][0] == "0.00"
        assert year_2025["closing_undistributed"][0] == "100000.00"
        got = lines(books.get("acc", f"{SURPLUS}?year=2026").json)
        assert got["surplus"] == ("0.00", "100000.00")
        assert got["opening_undistributed"][0] == "100000.00"
        assert got["reserve"][0] == "10000.00"  # 10 % of 100,000
        assert got["distributable"][0] == "90000.00"
        assert got["patronage"][0] == "54000.00" and got["residual"][0] == "36000.00"
        assert got["closing_undistributed"][0] == "0.00"
        sheet = books.get("acc", f"{BS}?as_of=2026-01-31").json
        assert sheet["balanced"] is True
        assert lines(sheet)["surplus_reserve"] == ("10000.00", "0.00")
        assert lines(sheet)["undistributed"] == ("0.00", "100000.00")
        assert lines(sheet)["patronage"][0] == "54000.00"

    def test_an_other_appropriation_never_shrinks_the_distributable_line(
        self, books: Books
    ) -> None:
        """The 2021 form has no 其他提取 line: a 5,000.00 welfare fund taken after the return
        prints within 剩余盈余分配, 可分配盈余 stays 90,000.00 (its 60 % is the 54,000.00
        returned), and 年末未分配盈余 ties to the balance sheet."""
        closed_year(books)
        approved_and_posted(
            books,
            other_appropriations=[{"name": "应付福利费", "account": "211", "amount": "5000.00"}],
        )
        got = lines(books.get("acc", f"{SURPLUS}?year=2026").json)
        assert "other_appropriations" not in got
        assert got["distributable"][0] == "90000.00"
        assert got["patronage"][0] == "54000.00" and got["residual"][0] == "36000.00"
        assert got["closing_undistributed"][0] == "0.00"
        sheet = lines(books.get("acc", f"{BS}?as_of=2026-12-31").json)
        assert sheet["undistributed"][0] == got["closing_undistributed"][0]

    def test_盈余公积_covering_a_loss_is_其他转入_and_the_statement_ties(
        self, books: Books
    ) -> None:
        """A 2026 loss of 2,360.50 carried into 未分配盈余 at the year end, then 1,000.00 of
        盈余公积 covering part of it (Dr 322 / Cr 33202): the statement reads 其他转入 from the
        ledger and its 年末未分配盈余 is the balance sheet's −1,360.50."""
        post(
            books,
            "2026-01-05",
            ("102", "debit", "5000.00", None),
            ("322", "credit", "5000.00", None),
        )
        post(
            books,
            "2026-03-01",
            ("523", "debit", "2360.50", None),
            ("102", "credit", "2360.50", None),
        )
        assert books.post("acc", f"{ORG}/years/2026/close").status_code == 200
        post(
            books,
            "2027-01-10",
            ("322", "debit", "1000.00", None),
            ("33202", "credit", "1000.00", None),
        )
        body = books.get("acc", f"{SURPLUS}?year=2027").json
        got = lines(body)
        assert got["opening_undistributed"][0] == "-2360.50"
        assert got["other_transfers"][0] == "1000.00"
        assert got["closing_undistributed"][0] == "-1360.50"
        sheet = lines(books.get("acc", f"{BS}?as_of=2027-12-31").json)
        assert sheet["undistributed"][0] == "-1360.50"
        assert body["ties"] == [
            {"line": "未分配盈余", "this": "-1360.50", "balance_sheet": "-1360.50", "holds": True}
        ]

    def test_a_posting_the_form_has_no_line_for_breaks_the_tie_in_print(self, books: Books) -> None:
        """Money put straight into 各项分配 (Dr 银行存款 / Cr 各项分配) is on no line of the
        form: the statement says it differs from the balance sheet instead of hiding it."""
        post(
            books,
            "2026-05-01",
            ("102", "debit", "300.00", None),
            ("33201", "credit", "300.00", None),
        )
        body = books.get("acc", f"{SURPLUS}?year=2026").json
        assert body["ties"][0]["holds"] is False
        assert body["ties"][0]["this"] == "0.00"
        assert body["ties"][0]["balance_sheet"] == "300.00"
        pdf = books.get("acc", f"{SURPLUS}?year=2026&format=pdf")
        assert "与资产负债表300.00元不一致" in text_of(pdf.data).replace(" ", "")

    def test_year_is_required(self, books: Books) -> None:
        response = books.get("acc", SURPLUS)
        assert response.status_code == 422 and "year" in response.json["errors"]

    def test_village_statement(self, books: Books) -> None:
        closed_year(books, "village")
        body = books.get("acc", "/api/v1/orgs/village/reports/surplus?year=2025").json
        assert body["title"] == "收益及收益分配表"
        assert lines(body)["surplus"][0] == "100000.00"

    def test_pdf(self, books: Books) -> None:
        closed_year(books)
        response = books.get("aud", f"{SURPLUS}?year=2025&format=pdf")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == 'inline; filename="surplus-coop-2025.pdf"'
        text = text_of(response.data)
        assert "绿源大蒜种植专业合作社" in text and "盈余及盈余分配表" in text
        assert "100,000.00" in text

    def test_pdf_in_english_keeps_the_statutory_form(self, books: Books) -> None:
        """The labels are English; the form's title, columns and lines (reports/*.toml, the
        statutory wording) have no English and stay as they are."""
        closed_year(books)
        text = text_of(books.get("aud", f"{SURPLUS}?year=2025&format=pdf&lang=en").data)
        for expected in ("Year2025", "Unit:yuan", "Item", "盈余及盈余分配表", "100,000.00"):
            assert expected in text, expected
        assert "2025年度" not in text and "单位" not in text


def test_another_organizations_statements_are_404(books: Books) -> None:
    for path in ("reports/balance-sheet", "reports/surplus?year=2025"):
        assert books.get("acc", f"/api/v1/orgs/other/{path}").status_code == 404


def test_no_token_is_401(books: Books) -> None:
    for url in (BS, f"{SURPLUS}?year=2025", f"{BS}?format=pdf"):
        response = books.client.get(url)
        assert response.status_code == 401 and response.json["code"] == "unauthenticated"


def test_legacy_books_get_their_own_forms(books: Books) -> None:
    made = books.post(
        "admin",
        "/api/v1/orgs",
        {
            "code": "legacy",
            "name": "旧账合作社",
            "kind": "cooperative",
            "chart": "cooperative-2007",
        },
    )
    assert made.status_code == 201
    sheet = books.get("admin", "/api/v1/orgs/legacy/reports/balance-sheet")
    assert sheet.status_code == 200 and sheet.json["form"] == "会农社01表（2007年制度）"
    assert sheet.json["balanced"] is True
    assert "牲畜（禽）资产" in [ln["name"] for ln in sheet.json["lines"]]
    surplus = books.get("admin", "/api/v1/orgs/legacy/reports/surplus?year=2026")
    assert surplus.status_code == 200 and surplus.json["title"] == "盈余及盈余分配表"
    # 成员权益变动表 is defined for the 2021 form only: a chart without it says so
    equity = books.get("admin", "/api/v1/orgs/legacy/reports/members-equity?year=2026")
    assert equity.status_code == 409 and equity.json["code"] == "no_statement_definition"


def test_the_annual_statements_are_archival_pdfs_carrying_their_figures(books: Books) -> None:
    """Balance sheet, surplus statement and 成员权益变动表: PDF/A-3b with the JSON embedded."""
    some_books(books)
    for path in (
        f"{BS}?as_of=2026-12-31",
        f"{SURPLUS}?year=2026",
        f"{ORG}/reports/members-equity?year=2026",
    ):
        document = books.get("aud", f"{path}&format=pdf").data
        reader = PdfReader(io.BytesIO(document))
        xmp = reader.xmp_metadata
        assert xmp is not None and (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
        embedded = json.loads(reader.attachments["figures.json"][0])
        body = books.get("aud", path).json
        for figures in (embedded, body):
            figures["drawn_from"].pop("generated_at")
        assert embedded == body, path
