"""Reports: the trial balance and the ledger, the statutory statements (资产负债表, 盈余及盈余分配表
/ 收益及收益分配表, 成员权益变动表) and the registers' reports (固定资产登记簿, 资金使用情况表),
on screen and printed.

A statement's page shows what its PDF prints: both are drawn from the same print context
(:mod:`coopledger.services.print_contexts`), and ``?format=pdf`` on the page's own address is the
PDF the API gives for the same date or year (the annual statements archival, carrying the API's
JSON as their figures)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from coopledger.domain.bounds import DATE_RANGE_MESSAGE, MAX_YEAR, MIN_YEAR, date_in_range
from coopledger.domain.money import format_amount
from coopledger.services import financial_statements as fs
from coopledger.services import orgs as org_svc
from coopledger.services import register_reports as rr
from coopledger.services import reports
from coopledger.services import shares as share_svc
from coopledger.services.clock import utcnow
from coopledger.services.ports import Org
from coopledger.services.print_contexts import (
    TOTAL_MEMOS,
    asset_register_print_context,
    balance_sheet_print_context,
    book_title,
    financial_statement_print_context,
    fund_usage_print_context,
    ledger_print_context,
    members_equity_print_context,
    share_roll_print_context,
    trial_balance_print_context,
)
from coopledger.translations import gettext_for
from coopledger.web.api.common import uow
from coopledger.web.api.pdf import pdf_response
from coopledger.web.api.reports import YEAR, members_equity_json, statement_json
from coopledger.web.pages.common import bp, field_text, lang, login_required, signed_in
from coopledger.web.pages.vouchers import page_numbers
from coopledger.web.responses import inline_pdf


def _range() -> tuple[date, date, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    today = utcnow().date()
    try:
        end = date.fromisoformat(request.args["to"]) if request.args.get("to") else today
    except ValueError:
        errors["to"] = [field_text("not a valid date")]
        end = today
    try:
        start = (
            date.fromisoformat(request.args["from"])
            if request.args.get("from")
            else date(end.year, 1, 1)
        )
    except ValueError:
        errors["from"] = [field_text("not a valid date")]
        start = date(end.year, 1, 1)
    for key, day in (("from", start), ("to", end)):
        if not date_in_range(day) and key not in errors:
            errors[key] = [field_text(DATE_RANGE_MESSAGE)]
    if errors:
        start, end = date(today.year, 1, 1), today
    return start, end, errors


@bp.route("/orgs/<org>/reports/trial-balance")
@login_required
def trial_balance(org: str) -> Any:
    who = signed_in()
    start, end, errors = _range()
    the_org = org_svc.get_org(uow(), who, org)
    if errors:
        return render_template(
            "pages/trial_balance.html", org=the_org, tb=None, start=start, end=end, errors=errors
        ), 422
    tb = reports.trial_balance_report(uow(), who, org, start, end)
    if request.args.get("format") == "pdf":
        from coopledger.adapters.pdf import render_pdf_isolated

        context = trial_balance_print_context(tb, the_org, start, end, lang())
        return inline_pdf(
            render_pdf_isolated("pdf/trial_balance.html", context, locale=lang()),
            f"trial-balance-{org}-{start.isoformat()}-{end.isoformat()}",
        )
    return render_template(
        "pages/trial_balance.html", org=the_org, tb=tb, start=start, end=end, errors={}
    )


@bp.route("/orgs/<org>/reports/ledger")
@login_required
def ledger(org: str) -> Any:
    who = signed_in()
    start, end, errors = _range()
    the_org = org_svc.get_org(uow(), who, org)
    account = (request.args.get("account") or "").strip()[:12]
    member = (request.args.get("member") or "").strip()[:20] or None
    if not account or errors:
        return redirect(url_for("pages.trial_balance", org=org))
    member_name = None
    if request.args.get("format") == "pdf":
        from coopledger.adapters.pdf import render_pdf_isolated

        result = reports.ledger_report(uow(), who, org, account, member, start, end)
        if member is not None:
            member_name = org_svc.get_member(uow(), who, org, member).name
        context = ledger_print_context(result, the_org, member_name, lang())
        return inline_pdf(
            render_pdf_isolated("pdf/ledger.html", context, locale=lang()),
            f"ledger-{org}-{account}-{start.isoformat()}-{end.isoformat()}",
        )
    # the page's lines alone: the entries of its days, from the book's count and sums per day
    found = reports.ledger_page(
        uow(), who, org, account, member, start, end, _page_number(), LEDGER_PAGE
    )
    if member is not None:
        member_name = org_svc.get_member(uow(), who, org, member).name
    result, shown, page, pages = found.ledger, found.lines, found.page, found.pages
    brought = found.brought_forward
    filters: dict[str, Any] = {
        "account": account,
        "member": member,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    return render_template(
        "pages/ledger.html",
        org=the_org,
        ledger=result,
        lines=shown,
        page=page,
        pages=pages,
        numbers=page_numbers(page, pages),
        page_url=lambda n: url_for("pages.ledger", org=org, **filters, page=n),
        brought_forward=brought,
        carried_forward=shown[-1].balance_net if shown else brought,
        title=book_title(result),
        TOTAL_MEMOS=TOTAL_MEMOS,
        member_name=member_name,
        start=start,
        end=end,
    )


#: a ledger page's lines (entries and totals); the page carries its balance to the next (过次页)
#: and the next brings it forward (承前页), as a paper book does
LEDGER_PAGE = 200


def _page_number() -> int:
    text = (request.args.get("page") or "1").strip()[:9]
    return int(text) if text.isdigit() else 1


# -- the statutory statements and the registers' reports ----------------------------------------

YEAR_RANGE = _l("年份须在 %(a)s 至 %(b)s 之间")
NO_BOOKS_IN_YEAR = _l("%(year)s年没有账簿记录（没有记账或结账的月份），请选择其他年度。")
NO_BOOKS_THROUGH = _l("%(date)s 及以前没有账簿记录（没有记账或结账的月份），请选择其他日期。")
NOT_ON_CHART = _l("本单位所用的会计制度没有这张报表。")


@bp.app_template_filter("statement_amount")
def statement_amount(fen: int | None) -> str:
    """As the printed statement shows an amount: 1,234.56, -5.00, 0.00; blank for None (a cell
    the form leaves empty)."""
    return "" if fen is None else format_amount(fen, grouped=True)


def _default_year(shelf: reports.StatementShelf) -> int:
    """The last year closed; else the latest year with books up to this one; else this year."""
    this_year = utcnow().year
    if shelf.last_closed is not None:
        return shelf.last_closed
    return max((y for y in shelf.years if y <= this_year), default=this_year)


def _picked_date(shelf: reports.StatementShelf) -> tuple[date | None, str, list[str]]:
    """The ``date`` asked for (default: the last closed year's 31 December, else today), what
    was typed, and the errors to show beside the picker."""
    typed = (request.args.get("date") or "").strip()[:40]
    if not typed:
        day = date(shelf.last_closed, 12, 31) if shelf.last_closed else utcnow().date()
        typed = day.isoformat()
    else:
        try:
            day = date.fromisoformat(typed)
        except ValueError:
            return None, typed, [field_text("not a valid date")]
    if not date_in_range(day):
        return None, typed, [field_text(DATE_RANGE_MESSAGE)]
    if not shelf.has_books_through(day):
        return None, typed, [str(NO_BOOKS_THROUGH) % {"date": day.isoformat()}]
    return day, typed, []


def _picked_year(shelf: reports.StatementShelf) -> tuple[int | None, str, list[str]]:
    """The ``year`` asked for (default: see :func:`_default_year`), what was typed, the errors."""
    typed = (request.args.get("year") or "").strip()[:40]
    if not typed:
        year = _default_year(shelf)
        typed = str(year)
    elif not (typed.isascii() and typed.isdigit()):
        return None, typed, [field_text("must be a year such as 2026")]
    else:
        year = int(typed)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, typed, [str(YEAR_RANGE) % {"a": MIN_YEAR, "b": MAX_YEAR}]
    if not shelf.has_books(year):
        return None, typed, [str(NO_BOOKS_IN_YEAR) % {"year": year}]
    return year, typed, []


def _wants_pdf() -> bool:
    return request.args.get("format") == "pdf"


@bp.route("/orgs/<org>/reports")
@login_required
def statements(org: str) -> Any:
    """The statements this organization's chart has, each on screen and as PDF."""
    shelf = reports.statement_shelf(uow(), signed_in(), org)
    return render_template(
        "pages/statements.html", org=shelf.org, shelf=shelf, default_year=_default_year(shelf)
    )


@bp.route("/orgs/<org>/reports/balance-sheet")
@login_required
def balance_sheet_page(org: str) -> Any:
    """资产负债表 at ``date``: the two-sided form with its 行次 and columns as printed."""
    who = signed_in()
    shelf = reports.statement_shelf(uow(), who, org)

    def show(day: date) -> Shown:
        result = fs.balance_sheet(uow(), who, org, day)
        return Shown(
            balance_sheet_print_context(result),
            "balance_sheet.html",
            ["balance-sheet", org, day.isoformat()],
            statement_json(result),
        )

    return _statement_page(
        shelf,
        "balance_sheet",
        "pages/statement_balance_sheet.html",
        "sheet",
        "day",
        _picked_date(shelf) if "balance_sheet" in shelf.titles else None,
        show,
    )


@bp.route("/orgs/<org>/reports/surplus")
@login_required
def surplus_page(org: str) -> Any:
    """盈余及盈余分配表 (village: 收益及收益分配表) of ``year``, with the year before."""
    who = signed_in()
    shelf = reports.statement_shelf(uow(), who, org)

    def show(year: int) -> Shown:
        result = fs.surplus_statement(uow(), who, org, year)
        period = gettext_for(lang())(YEAR) % {"year": year}
        return Shown(
            financial_statement_print_context(result, period),
            "financial_statement.html",
            ["surplus", org, str(year)],
            statement_json(result),
        )

    return _statement_page(
        shelf,
        "surplus",
        "pages/statement_surplus.html",
        "statement",
        "year",
        _picked_year(shelf) if "surplus" in shelf.titles else None,
        show,
    )


@bp.route("/orgs/<org>/reports/members-equity")
@login_required
def members_equity_page(org: str) -> Any:
    """成员权益变动表 (会农社03表) of ``year``: the cooperatives' form."""
    who = signed_in()
    shelf = reports.statement_shelf(uow(), who, org)

    def show(year: int) -> Shown:
        # the page shows the figures; the printed form carries the vouchers too (in its JSON)
        report = fs.members_equity(uow(), who, org, year, traced=_wants_pdf())
        return Shown(
            members_equity_print_context(report),
            "members_equity.html",
            ["members-equity", org, str(year)],
            members_equity_json(report),
        )

    return _statement_page(
        shelf,
        "members_equity",
        "pages/statement_members_equity.html",
        "equity",
        "year",
        _picked_year(shelf) if "members_equity" in shelf.titles else None,
        show,
    )


@dataclass(frozen=True, slots=True)
class Shown:
    """A statement as the page and its PDF show it: the print context, the PDF template, the
    PDF's file-name parts and the figures it embeds (the API's JSON)."""

    context: dict[str, Any]
    pdf_template: str
    name: list[str]
    figures: dict[str, Any]


def _statement_page(
    shelf: reports.StatementShelf,
    title: str,
    template: str,
    shown_as: str,
    picked_as: str,
    picked: tuple[Any, str, list[str]] | None,
    show: Callable[[Any], Shown],
) -> Any:
    """One statement on screen, or as PDF with ``?format=pdf``: 404 when the chart has no such
    form, the picker again with what was typed and why (422) when the date or year is refused.
    ``shown_as`` and ``picked_as`` are the names the template knows the statement and the date
    or year by."""
    if title not in shelf.titles or picked is None:
        return _not_on_chart(shelf, template)
    value, typed, errors = picked
    if value is None:
        return render_template(
            template, org=shelf.org, shelf=shelf, typed=typed, errors=errors, **{shown_as: None}
        ), 422
    shown = show(value)
    if _wants_pdf():
        return pdf_response(
            shown.pdf_template, shown.context, shown.name, shown.figures, locale=lang()
        )
    return render_template(
        template,
        org=shelf.org,
        shelf=shelf,
        typed=typed,
        errors=[],
        **{shown_as: shown.context, picked_as: value},
    )


def _not_on_chart(shelf: reports.StatementShelf, template: str) -> Any:
    return render_template(
        template, org=shelf.org, shelf=shelf, typed="", errors=[str(NOT_ON_CHART)], missing=True
    ), 404


def _register_day() -> tuple[date | None, str, list[str]]:
    """The ``date`` a register report is asked for (none typed: today, as the books stand),
    what was typed, and the errors to show beside the picker."""
    typed = (request.args.get("date") or "").strip()[:40]
    if not typed:
        return None, "", []
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        return None, typed, [field_text("not a valid date")]
    if not date_in_range(day):
        return None, typed, [field_text(DATE_RANGE_MESSAGE)]
    return day, typed, []


def _register_page(
    org: str,
    template: str,
    shown_as: str,
    name: str,
    drawn: Callable[[date | None], tuple[Org, date, dict[str, Any]]],
) -> Any:
    """A register report on screen, or as PDF with ``?format=pdf``: the date picker again with
    what was typed and why (422) when the date is refused. ``drawn`` reads the report for a day
    (None: the default) and gives its organization, its day and its print context."""
    who = signed_in()
    shelf = reports.statement_shelf(uow(), who, org)
    day, typed, errors = _register_day()
    if errors:
        return render_template(
            template, org=shelf.org, shelf=shelf, typed=typed, errors=errors, **{shown_as: None}
        ), 422
    the_org, as_of, context = drawn(day)
    if _wants_pdf():
        return pdf_response(
            f"{name.replace('-', '_')}.html", context, [name, org, as_of.isoformat()], locale=lang()
        )
    return render_template(
        template,
        org=the_org,
        shelf=shelf,
        typed=typed or as_of.isoformat(),
        errors=[],
        day=as_of,
        **{shown_as: context},
    )


@bp.route("/orgs/<org>/reports/asset-register")
@login_required
def asset_register_page(org: str) -> Any:
    """固定资产登记簿 on ``date`` (default today), beside the ledger's 固定资产 and 累计折旧."""

    def drawn(day: date | None) -> tuple[Org, date, dict[str, Any]]:
        report = rr.asset_register(uow(), signed_in(), org, day)
        return report.org, report.as_of, asset_register_print_context(report)

    return _register_page(
        org, "pages/statement_asset_register.html", "reg", "asset-register", drawn
    )


@bp.route("/orgs/<org>/reports/fund-usage")
@login_required
def fund_usage_page(org: str) -> Any:
    """资金使用情况表 on ``date`` (default: as the books stand), beside the fund accounts' ledger
    balance."""

    def drawn(day: date | None) -> tuple[Org, date, dict[str, Any]]:
        report = rr.fund_usage(uow(), signed_in(), org, day)
        return report.org, report.as_of, fund_usage_print_context(report)

    return _register_page(org, "pages/statement_fund_usage.html", "usage", "fund-usage", drawn)


@bp.route("/orgs/<org>/shares/roll")
@login_required
def share_roll_page(org: str) -> Any:
    """成员名册和份额登记簿 of a village on ``date`` (default: as the register stands): each member
    household with its 成员股 by fund, the collective's 集体股, tying to the funds' quantified
    专项基金. A cooperative keeps no 集体股: it is sent to its share register (the members' page)."""
    the_org = org_svc.get_org(uow(), signed_in(), org)
    if the_org.kind != "village_collective":
        flash(str(_l("合作社没有集体股：成员份额见成员名册（份额登记）。")), "ok")
        return redirect(url_for("pages.members", org=org))

    def drawn(day: date | None) -> tuple[Org, date, dict[str, Any]]:
        roll = share_svc.share_roll(uow(), signed_in(), org, day)
        return roll.org, roll.as_of, share_roll_print_context(roll)

    return _register_page(org, "pages/share_roll.html", "roll", "share-roll", drawn)
