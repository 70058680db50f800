"""Importing spreadsheets: every problem at once, all or nothing, nothing twice."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from coopledger.adapters.spreadsheets import read_table, write_xlsx
from coopledger.domain.bounds import DATE_RANGE_MESSAGE
from coopledger.domain.exports import Sheet
from coopledger.domain.imports import ImportRejected, RawTable
from coopledger.domain.periods import Period
from coopledger.services import auth, chain_check, orgs, periods, registers
from coopledger.services import imports as svc
from tests.conftest import PASSWORD, FastHasher, count_rows

VOUCHERS = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "V1,2026-03-10,收到股金,102,,,1000.00,,,\n"
    "V1,2026-03-10,收到股金,301,1,,,1000.00,,\n"
    "V2,2026-03-11,收购大蒜,128,,,500.50,,250,kg\n"
    "V2,2026-03-11,收购大蒜,114,2,,,500.50,,\n"
)


def table(csv_text: str, encoding: str = "utf-8") -> RawTable:
    return read_table(csv_text.encode(encoding), "f.csv")


def run(
    uow: Any, kind: str, csv_text: str, user: str = "acc", org: str = "coop", **kw: Any
) -> svc.ImportReport:
    actor = auth.actor_named(uow(), user)
    return svc.import_table(uow(), actor, org, kind, table(csv_text), svc.Options(**kw))


def problems(exc: pytest.ExceptionInfo[ImportRejected]) -> list[str]:
    return [p.text() for p in exc.value.problems]


def test_vouchers_become_drafts_and_a_rerun_imports_nothing_twice(
    world: Any, uow: Any, connection: Connection
) -> None:
    report = run(uow, "vouchers", VOUCHERS)
    assert (report.created, report.skipped) == (2, 0)
    assert [(v.key, v.status) for v in report.vouchers] == [("V1", "draft"), ("V2", "draft")]
    ids = [v.id for v in report.vouchers]
    lines = connection.execute(
        text("SELECT count(*), sum(quantity_milli) FROM voucher_line WHERE voucher_id IN (:a, :b)"),
        {"a": ids[0], "b": ids[1]},
    ).one()
    assert tuple(lines) == (4, 250_000)
    again = run(uow, "vouchers", VOUCHERS)
    assert (again.created, again.skipped, again.vouchers) == (0, 2, [])


def test_changed_content_under_a_known_key_is_refused(world: Any, uow: Any) -> None:
    run(uow, "vouchers", VOUCHERS)
    with pytest.raises(ImportRejected) as exc:
        run(uow, "vouchers", VOUCHERS.replace("500.50", "600.50"))
    assert problems(exc) == [
        "row 4, column voucher_key (voucher V2): was imported before with "
        "other content; change it in the books, not by importing again"
    ]


def test_post_needs_someone_who_may_post_alone(world: Any, uow: Any) -> None:
    from coopledger.domain.errors import Forbidden

    with pytest.raises(Forbidden):
        run(uow, "vouchers", VOUCHERS, post=True)
    report = run(uow, "vouchers", VOUCHERS, user="admin", post=True)
    assert [v.number for v in report.vouchers] == ["记-2026-03-0001", "记-2026-03-0002"]
    assert chain_check.verify_org(uow(), "coop").ok


BAD = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "U1,2026-03-10,unbalanced,102,,,100.00,,,\n"
    "U1,2026-03-10,unbalanced,301,1,,,90.00,,\n"
    "A1,2026-03-10,unknown account,999,,,1.00,,,\n"
    "A1,2026-03-10,unknown member,301,77,,,1.00,,\n"
    "D1,2026-03-10,three decimals,102,,,1.005,,,\n"
    "D1,2026-03-10,formula,301,1,,,=SUM(A1:A2),,\n"
)


def test_every_problem_is_listed_by_row_column_and_key(
    world: Any, uow: Any, connection: Connection
) -> None:
    before = count_rows(connection)
    report = run(uow, "vouchers", BAD, dry_run=True)
    assert not report.ok
    assert [p.text() for p in report.problems] == [
        "row 2, column debit (voucher U1): Σ debit 100.00 ≠ Σ credit 90.00",
        "row 4, column account (voucher A1): unknown account '999'",
        "row 5, column member (voucher A1): unknown member '77'",
        "row 6, column debit (voucher D1): at most two decimals (fen); amounts are never rounded",
        "row 7, column credit (voucher D1): a formula is not a value; enter the value itself",
    ]
    with pytest.raises(ImportRejected) as exc:
        run(uow, "vouchers", BAD)
    assert len(exc.value.problems) == 5 and "rows.7.credit" in exc.value.errors
    assert count_rows(connection) == before


def test_a_closed_month_is_refused(world: Any, uow: Any) -> None:
    acc = auth.actor_named(uow(), "acc")
    periods.close_period(uow(), acc, "village", Period(2026, 1))
    csv_text = (
        "voucher_key,date,account,debit,credit\nJ1,2026-01-15,101,5.00,\nJ1,2026-01-15,102,,5.00\n"
    )
    with pytest.raises(ImportRejected) as exc:
        run(uow, "vouchers", csv_text, org="village")
    assert problems(exc) == [
        "row 2, column date (voucher J1): 2026-01 is closed; nothing is posted into a closed month"
    ]


def test_wrong_header_empty_file_unknown_encoding_and_size() -> None:
    with pytest.raises(ImportRejected, match="empty"):
        read_table(b"", "f.csv")
    with pytest.raises(ImportRejected, match="unknown encoding"):
        read_table("成员编号,姓名\n1,王\n".encode("utf-16"), "f.csv")
    with pytest.raises(ImportRejected, match="at most 50 MB"):
        read_table(b"a" * (50 * 1024 * 1024 + 1), "f.csv")


def test_header_problems(world: Any, uow: Any) -> None:
    report = run(uow, "members", "member,name\n1,王\n", dry_run=True)
    assert [p.text() for p in report.problems] == [
        "row 1, column member: unknown column; the columns are "
        "member_no,name,kind,persons,id_number,poverty_status,joined_on",
        "row 1, column member_no: missing column",
    ]
    report = run(uow, "members", "member_no,name\n", dry_run=True)
    assert [p.text() for p in report.problems] == [
        "file: the file has a header row but no data rows"
    ]


def test_members_in_chinese_headers_and_gb18030(world: Any, uow: Any) -> None:
    csv_text = (
        "成员编号,姓名,家庭人口,身份证号,贫困状态,入社日期\n"
        "10,张三,4,11010519491231002X,脱贫户,2026-01-05\n"
        "11,李四,,,,\n"
    )
    actor = auth.actor_named(uow(), "acc")
    report = svc.import_table(
        uow(), actor, "coop", "members", table(csv_text, "gb18030"), svc.Options()
    )
    assert report.created == 2
    from coopledger.services import orgs

    member = orgs.get_member(uow(), actor, "coop", "10")
    assert (member.name, member.poverty_status, member.household_size) == ("张三", "exited", 4)
    assert run(uow, "members", csv_text).skipped == 2


def test_duplicate_member_numbers(world: Any, uow: Any) -> None:
    with pytest.raises(ImportRejected) as exc:
        run(
            uow,
            "members",
            "member_no,name,id_number\n5,甲,\n5,乙,\n1,丙,\n6,丁,110105194912310021\n",
        )
    assert problems(exc) == [
        "row 3, column member_no (member 5): duplicate member number: also on row 2",
        "row 4, column member_no (member 1): this member number exists in the books",
        "row 5, column id_number (member 6): the check digit does not match (GB 11643)",
    ]


def test_opening_balances_must_balance_and_post_as_one_voucher(world: Any, uow: Any) -> None:
    csv_text = (
        "account,member,fund,debit,credit\n102,,,50000.00,\n301,1,,,30000.00\n301,2,,,20000.00\n"
    )
    report = run(uow, "opening-balances", csv_text, user="admin", post=True, on=date(2026, 1, 1))
    assert [(v.key, v.status) for v in report.vouchers] == [("opening 2026-01-01", "posted")]
    with pytest.raises(ImportRejected) as exc:
        run(uow, "opening-balances", csv_text.replace("20000.00", "2000.00"), on=date(2026, 2, 1))
    assert problems(exc) == [
        "row 2, column debit (opening 2026-02-01): Σ debit 50000.00 ≠ Σ credit 32000.00"
    ]


def test_accounts_transactions_and_assets(world: Any, uow: Any) -> None:
    report = run(uow, "accounts", "code,name,parent\n12101,大蒜,121\n1210101,鲜蒜,12101\n")
    assert report.created == 2
    report = run(
        uow,
        "transactions",
        "member_no,date,product,quantity,unit,amount\n1,2026-06-01,大蒜,1000,kg,3000.00\n"
        "1,2026-06-01,大蒜,1000,kg,3000.00\n",
    )
    assert report.created == 2
    assert (
        run(
            uow,
            "transactions",
            "member_no,date,product,quantity,unit,amount\n1,2026-06-01,大蒜,1000,kg,3000.00\n",
        ).skipped
        == 1
    )
    report = run(
        uow,
        "assets",
        "asset_no,name,class,use,acquired_on,cost,useful_life_months,opening_accumulated,opening_months\n"
        "FA-1,冷库,经营性,生产,2020-01-10,120000.00,240,30000.00,60\n"
        "FA-2,烘干机,operating,production,2026-04-01,8000.00,60,,\n",
    )
    assert report.created == 2 and [v.key for v in report.vouchers] == ["FA-2"]


def test_legacy_chart_is_mapped_by_name_with_a_report(world: Any, uow: Any) -> None:
    csv_text = (
        "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
        "L1,2026-03-10,管理费用,522 管理费用,,,80.00,,,\n"
        "L1,2026-03-10,付款,银行存款,,,,80.00,,\n"
        "L2,2026-03-10,错名,522 经营支出,,,1.00,,,\n"
        "L2,2026-03-10,付款,102,,,,1.00,,\n"
    )
    with pytest.raises(ImportRejected) as exc:
        run(uow, "vouchers", csv_text, legacy_chart="cooperative-2007")
    assert problems(exc) == [
        "row 4, column account (voucher L2): 522 is 管理费用 in the cooperative-2007 chart, not 经营支出"
    ]
    report = run(
        uow,
        "vouchers",
        csv_text.split("L2")[0].rstrip(","),
        legacy_chart="cooperative-2007",
        dry_run=True,
    )
    assert report.ok
    assert [(m.old_code, m.new_code, m.note) for m in report.mapping] == [
        ("102", "102", ""),
        ("522", "523", "code changed: 522 → 523"),
    ]


def test_village_2004_names_map_to_the_2023_codes(world: Any, uow: Any) -> None:
    csv_text = (
        "voucher_key,date,account,debit,credit\n"
        "W1,2026-03-10,561 投资收益,,10.00\n"
        "W1,2026-03-10,现金,10.00,\n"
        "W2,2026-03-10,应付福利费,1.00,\n"
        "W2,2026-03-10,现金,,1.00\n"
    )
    report = run(
        uow, "vouchers", csv_text, org="village", legacy_chart="village-2004", dry_run=True
    )
    assert [p.text() for p in report.problems] == [
        "row 4, column account (voucher W2): 212 应付福利费: dropped from the 2023 system; move the "
        "balance by hand first"
    ]
    assert {(m.old_code, m.new_code) for m in report.mapping} == {("561", "502"), ("101", "101")}


def test_village_2004_contract_income_is_split_by_what_it_holds(world: Any, uow: Any) -> None:
    """发包及上交收入: the land contract fees are 经营收入 (501), the profit the village's
    enterprise remitted is 投资收益 (502)."""
    csv_text = (
        "voucher_key,date,account,debit,credit\n"
        "C1,2026-03-10,511 发包及上交收入,,30.00\n"
        "C1,2026-03-10,51103 村办企业上交利润,,20.00\n"
        "C1,2026-03-10,现金,50.00,\n"
    )
    report = run(
        uow, "vouchers", csv_text, org="village", legacy_chart="village-2004", dry_run=True
    )
    assert report.ok, [p.text() for p in report.problems]
    mapped = {m.old_code: (m.new_code, m.note) for m in report.mapping}
    assert mapped["511"][0] == "501" and "上交利润" in mapped["511"][1]
    assert mapped["51103"] == (
        "502",
        "profit remitted by the collective's enterprises (上交利润) is 投资收益 in the 2023 system",
    )


def test_xlsx_numbers_dates_and_formulas(world: Any, uow: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["voucher_key", "date", "account", "member", "debit", "credit"])
    ws.append(["X1", date(2026, 3, 10), 102, None, 1234.5, None])
    ws.append(["X1", date(2026, 3, 10), 301, 1, None, "=E2"])
    report = dry_run_workbook(uow, book, "vouchers", "v.xlsx")
    assert [p.text() for p in report.problems] == [
        "row 3, column credit (voucher X1): a formula is not a value; enter the value itself"
    ]
    data = write_xlsx(
        [
            Sheet(
                "v",
                ("voucher_key", "date", "account", "member", "debit", "credit"),
                (
                    ("X1", date(2026, 3, 10), "102", None, "1234.50", None),
                    ("X1", date(2026, 3, 10), "301", "1", None, "1234.50"),
                ),
            )
        ]
    )
    report = svc.import_table(
        uow(),
        auth.actor_named(uow(), "acc"),
        "coop",
        "vouchers",
        read_table(data, "v.xlsx"),
        svc.Options(),
    )
    assert report.created == 1


def test_the_reader_reads_what_openpyxl_reads() -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["voucher_key", "date", "account", "member", "debit", "credit", "flag"])
    ws.append(["X1", date(2026, 3, 10), 102, None, 1234.5, None, True])
    ws.append(["X1", "2026/3/10", "301", 1, None, "=E2", False])
    ws["A5"] = "王秀英"
    ws["D5"] = 0.1
    out = io.BytesIO()
    book.save(out)

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, datetime):
            return value.date().isoformat()
        return str(value)[:1] if str(value).startswith("=") else str(value)

    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    expected = [tuple(text(v) for v in r) for r in sheet.iter_rows(values_only=True)]
    got = read_table(out.getvalue(), "v.xlsx")
    assert got.headers == expected[0]
    assert [tuple(c for c in r if c) for r in got.rows] == [
        tuple(c for c in r if c) for r in expected[1:]
    ]
    assert got.rows[0][4] == "1234.5" and got.rows[3][3] == "0.1"


def test_an_amount_with_thousands_separators_is_refused_as_the_api_refuses_it(
    world: Any, uow: Any
) -> None:
    csv_text = (
        "voucher_key,date,account,member,debit,credit\n"
        'G1,2026-03-10,102,,"1,000.00",\n'
        "G1,2026-03-10,301,1,,1000.00\n"
    )
    report = run(uow, "vouchers", csv_text, dry_run=True)
    assert [p.text() for p in report.problems] == [
        'row 2, column debit (voucher G1): must be a plain decimal such as "1234.50" (ASCII '
        "digits, no sign, separator or exponent)"
    ]


def test_dates_outside_1900_to_2199_are_refused(world: Any, uow: Any) -> None:
    report = run(
        uow,
        "members",
        "member_no,name,joined_on\n20,王五,2999-01-01\n21,赵六,1899-12-31\n22,钱七,2026-01-05\n",
        dry_run=True,
    )
    assert [p.text() for p in report.problems] == [
        f"row 2, column joined_on (member 20): {DATE_RANGE_MESSAGE}",
        f"row 3, column joined_on (member 21): {DATE_RANGE_MESSAGE}",
    ]


def test_a_name_that_shows_nothing_is_refused(world: Any, uow: Any) -> None:
    nothing = "shows nothing: only spaces, zero-width or direction characters (U+200B, U+202E…)"
    report = run(
        uow,
        "members",
        "member_no,name\n30,\u200b\u200b\n31,\u202e\u2066\n32,\u202e王\u202c\n",
        dry_run=True,
    )
    assert [p.text() for p in report.problems] == [
        f"row 2, column name (member 30): {nothing}",
        f"row 3, column name (member 31): {nothing}",
    ]
    report = run(uow, "accounts", "code,name,parent\n12101,\u200d\ufeff,121\n", dry_run=True)
    assert [p.text() for p in report.problems] == [f"row 2, column name (account 12101): {nothing}"]


def test_an_xlsx_date_serial_beyond_any_calendar_is_a_problem_on_its_cell(
    world: Any, uow: Any
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["member_no", "name", "joined_on"])
    ws.append(["40", "孙八", 99999999999])
    ws["C2"].number_format = "yyyy-mm-dd"
    report = dry_run_workbook(uow, book, "members", "m.xlsx")
    assert [p.text() for p in report.problems] == [
        "row 2, column joined_on (member 40): must be a date such as 2026-03-10"
    ]


def dry_run_workbook(uow: Any, book: Any, kind: str, name: str) -> Any:
    """The accountant's dry run of an openpyxl workbook, as uploaded under ``name``."""
    out = io.BytesIO()
    book.save(out)
    actor = auth.actor_named(uow(), "acc")
    return svc.import_table(
        uow(), actor, "coop", kind, read_table(out.getvalue(), name), svc.Options(dry_run=True)
    )


def test_assets_of_every_kind_are_imported_in_their_accounts(world: Any, uow: Any) -> None:
    header = "asset_no,name,class,use,acquired_on,cost,salvage,useful_life_months,资产种类\n"
    report = run(
        uow,
        "assets",
        header + "NIU-01,能繁母牛20头,经营性,生产,2026-01-10,200000.00,10000.00,72,生产性生物资产\n"
        "TD-01,土地经营权,经营性,管理,2026-01-05,360000.00,,180,intangible\n"
        "JX-01,拖拉机,经营性,生产,2026-01-05,80000.00,,120,\n",
    )
    assert report.created == 3
    actor = auth.actor_named(uow(), "acc")
    kinds = {
        r.asset.asset_no: r.asset.kind.value for r in registers.list_assets(uow(), actor, "coop")
    }
    assert kinds == {"JX-01": "fixed", "NIU-01": "productive_biological", "TD-01": "intangible"}
    # a village on the 2004 system keeps no 生产性生物资产: the row is refused naming the kind
    orgs.create_org(
        uow(), None, "old-village", "旧账村", "village_collective", chart="village-2004"
    )
    auth.create_user(
        uow(), None, FastHasher(), "old-acc", PASSWORD, "accountant", ["old-village"], None
    )
    with pytest.raises(ImportRejected) as exc:
        run(
            uow,
            "assets",
            header + "NIU-02,能繁母牛,经营性,生产,2026-01-10,1000.00,,72,生产性生物资产\n",
            user="old-acc",
            org="old-village",
        )
    assert "column kind" in problems(exc)[0] and "village-2004" in problems(exc)[0]
