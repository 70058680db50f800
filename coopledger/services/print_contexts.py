"""What each printed document shows: the data its ``templates/pdf/*.html`` template renders.

Amounts stay in fen (the templates format them), indents, totals and directions are computed
here, names come in the document's language where the chart has one. The API's ``format=pdf``
answers, the pages' print buttons and the auditor's package all print from these, so one report
prints the same wherever it is asked for. The Chinese names below are msgids
(:func:`~coopledger.translations.N_`): the templates translate them into the document's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from coopledger.domain.accounts import Account, load_chart
from coopledger.domain.assets import AssetClass, AssetKind
from coopledger.domain.bank import BankLine
from coopledger.domain.bank import BookLine as ReconBookLine
from coopledger.domain.equity import EquityRow
from coopledger.domain.financial_statements import StatementLine
from coopledger.domain.ledger import Dr, Voucher, VoucherKind, totals
from coopledger.domain.members import mask
from coopledger.domain.money import format_amount, format_quantity
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.reporting import BookLine, TrialBalance, TrialBalanceRow, direction
from coopledger.domain.roles import CASH_ACCOUNT_PREFIXES
from coopledger.services import financial_statements as fs
from coopledger.services import register_reports as rr
from coopledger.services import shares as share_svc
from coopledger.services.bank import BankMonth
from coopledger.services.clock import utcnow
from coopledger.services.disclosure import NoticeDocument
from coopledger.services.findings import finding_json
from coopledger.services.household_statements import STATUS_ZH, Statement
from coopledger.services.ports import Org
from coopledger.services.regions import THRESHOLDS, RegionReport
from coopledger.services.reports import Ledger
from coopledger.translations import N_, gettext_for, localized_name

CLASS_ZH = {
    AssetClass.OPERATING: N_("经营性资产"),
    AssetClass.PUBLIC_WELFARE: N_("公益性资产"),
    AssetClass.HOUSEHOLD: N_("到户类资产"),
}
#: each kind of asset on the register, as its heading reads
KIND_ZH = {
    AssetKind.FIXED: N_("固定资产"),
    AssetKind.PRODUCTIVE_BIOLOGICAL: N_("生产性生物资产"),
    AssetKind.PUBLIC_WELFARE_BIOLOGICAL: N_("公益性生物资产"),
    AssetKind.INTANGIBLE: N_("无形资产"),
    AssetKind.LONG_TERM_DEFERRED: N_("长期待摊费用"),
}
SUBTOTAL_ZH = {
    AssetClass.OPERATING: N_("经营性资产小计"),
    AssetClass.PUBLIC_WELFARE: N_("公益性资产小计"),
    AssetClass.HOUSEHOLD: N_("到户类资产小计"),
}
SOURCE_ZH = {
    "municipal_pro_poor": N_("市级专项扶贫资金"),
    "county_fiscal": N_("县级财政资金"),
    "one_matter_one_discussion": N_("一事一议奖补资金"),
    "help_unit": N_("帮扶单位资金"),
    "donation": N_("社会捐赠"),
    "self_raised": N_("自筹资金"),
    "other": N_("其他"),
}


def drawn_from(org: Org, generated_at: datetime | None = None) -> dict[str, Any]:
    """The organization, the generation time and the chain head a report was drawn from.

    ``org`` must be the one the report's service read in the report's own transaction, so the
    head is exactly the state of the books the figures come from (``coopledger audit verify``
    and ``GET …/audit/chain`` show the same head while nothing has been posted since).
    """
    return {
        "org": org.code,
        "org_name": org.name,
        "generated_at": (generated_at or utcnow()).isoformat(timespec="seconds"),
        "chain_seq": org.chain_seq,
        "chain_head": org.chain_head,
    }


def org_heading(org: Org) -> dict[str, str]:
    """The organization as a document's heading names it."""
    return {"code": org.code, "name": org.name}


# -- vouchers ------------------------------------------------------------------------------------


def account_names(accounts: Iterable[Account], locale: str = "zh") -> dict[str, str]:
    """Code → the account's name in ``locale`` (English from the chart when there is one)."""
    return {a.code: localized_name(a.name_zh, a.name_en, locale) for a in accounts}


def voucher_print_context(
    voucher: Voucher,
    org: Org,
    account_names: dict[str, str],
    *,
    signers: dict[str, str] | None = None,
    reverses_number: str | None = None,
) -> dict[str, Any]:
    """What ``templates/pdf/voucher.html`` shows: amounts in fen, totals computed here.

    ``signers`` maps the usernames that prepared, reviewed and posted the voucher to the names
    the print signs with (a username missing from it prints as itself). The 会计主管 is the
    organization's. A voucher with a line on cash, bank or other monetary funds is a receipt or
    payment voucher and carries the cashier's (出纳) signature too (会计基础工作规范 art. 51). A
    red reversal (红字冲销) prints its amounts in red and names the voucher it cancels.
    """
    debit, credit = totals(voucher.lines)
    number = (
        voucher_number(Period.of(voucher.booked_on), voucher.number)
        if voucher.number is not None
        else None
    )
    names = signers or {}

    def signed(username: str | None) -> str | None:
        return names.get(username, username) if username else None

    return {
        "org": org_heading(org),
        "voucher": {
            "number": number,
            "date": voucher.booked_on.isoformat(),
            "attachments": voucher.attachments,
            "memo": voucher.memo,
            "status": voucher.status.value,
            "prepared_by": signed(voucher.prepared_by),
            "reviewed_by": signed(voucher.reviewed_by),
            "posted_by": signed(voucher.posted_by),
            "chief_accountant": org.chief_accountant or "",
            "cashier": any(ln.account.startswith(CASH_ACCOUNT_PREFIXES) for ln in voucher.lines),
            "red": voucher.kind is VoucherKind.REVERSAL,
            "reverses_number": reverses_number,
            "chain_seq": voucher.chain_seq,
            "prev_hash": voucher.prev_hash,
            "hash": voucher.hash,
        },
        "lines": [
            {
                "memo": ln.memo,
                "account_code": ln.account,
                "account_name": account_names.get(ln.account, ""),
                "member": ln.member,
                "fund": ln.fund,
                "debit_fen": ln.amount_fen if ln.side is Dr.DEBIT else None,
                "credit_fen": ln.amount_fen if ln.side is Dr.CREDIT else None,
            }
            for ln in voucher.lines
        ],
        "total_debit_fen": debit,
        "total_credit_fen": credit,
    }


# -- the books: trial balance, ledger, statutory statements --------------------------------------


def _tb_print_row(row: TrialBalanceRow, locale: str) -> dict[str, Any]:
    return {
        "account": row.account,
        "name": localized_name(row.name_zh, row.name_en, locale),
        "level": row.level,
        "indent_em": max(row.level - 1, 0) * 1.5,
        "opening_debit_fen": row.opening_debit,
        "opening_credit_fen": row.opening_credit,
        "debit_fen": row.debit,
        "credit_fen": row.credit,
        "closing_debit_fen": row.closing_debit,
        "closing_credit_fen": row.closing_credit,
    }


def trial_balance_print_context(
    tb: TrialBalance, org: Org, start: date, end: date, locale: str = "zh"
) -> dict[str, Any]:
    """What ``templates/pdf/trial_balance.html`` shows: amounts in fen, indents computed here,
    the accounts' names in ``locale``."""
    return {
        "org": org_heading(org),
        "drawn": drawn_from(org),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "rows": [_tb_print_row(r, locale) for r in tb.rows],
        "totals": _tb_print_row(tb.totals, locale),
        "balanced": tb.ties,
    }


def ledger_print_context(
    result: Ledger, org: Org, member_name: str | None, locale: str = "zh"
) -> dict[str, Any]:
    """What ``templates/pdf/ledger.html`` shows: balances as amount (never negative) plus 借/贷/平,
    the account's name in ``locale``; the entries with the book's totals (``total``: ``day``
    本日合计, ``month`` 本月合计, ``year`` 本年累计), titled 现金日记账 or 银行存款日记账 for a cash
    or bank account."""
    account = result.account
    return {
        "title": book_title(result),
        "org": org_heading(org),
        "drawn": drawn_from(result.org),
        "account": {
            "code": account.code,
            "name": localized_name(account.name_zh, account.name_en, locale),
        },
        "member": (
            {"no": result.member, "name": member_name or ""} if result.member is not None else None
        ),
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "opening_fen": abs(result.opening_net),
        "opening_direction": direction(result.opening_net),
        "closing_fen": abs(result.closing_net),
        "closing_direction": direction(result.closing_net),
        "total_debit_fen": sum(r.entry.debit for r in result.rows),
        "total_credit_fen": sum(r.entry.credit for r in result.rows),
        "rows": [_book_line(line) for line in result.lines()],
    }


#: a book's title: the journals of cash and bank, the ledger of every other account
JOURNAL_TITLES = {"cash": N_("现金日记账"), "bank": N_("银行存款日记账")}
LEDGER_TITLE = N_("明细账")
#: what a total line of a book says
TOTAL_MEMOS = {"day": N_("本日合计"), "month": N_("本月合计"), "year": N_("本年累计")}


def book_title(result: Ledger) -> str:
    """The book's title as a msgid: 现金日记账, 银行存款日记账 or 明细账."""
    if result.journal:
        chart = load_chart(result.org.chart)
        return JOURNAL_TITLES[
            "cash" if result.account.code.startswith(chart.role("cash")) else "bank"
        ]
    return LEDGER_TITLE


def _book_line(line: BookLine) -> dict[str, Any]:
    """One printed line of a book: an entry, or a total (its memo a msgid)."""
    if line.row is None:
        return {
            "date": line.on,
            "number": "",
            "memo": TOTAL_MEMOS[str(line.total)],
            "account": None,
            "member": None,
            "debit_fen": line.debit,
            "credit_fen": line.credit,
            "balance_fen": abs(line.balance_net),
            "direction": direction(line.balance_net),
            "total": str(line.total),
        }
    entry = line.row.entry
    return {
        "date": entry.booked_on,
        "number": entry.number,
        "memo": entry.memo,
        "account": entry.account,
        "member": entry.member,
        "debit_fen": entry.debit or None,
        "credit_fen": entry.credit or None,
        "balance_fen": abs(line.balance_net),
        "direction": direction(line.balance_net),
        "total": None,
    }


def financial_statement_print_context(result: fs.FinancialStatement, period: str) -> dict[str, Any]:
    """What ``templates/pdf/financial_statement.html`` shows (amounts in fen)."""
    st = result.statement
    return {
        "org": org_heading(result.org),
        "drawn": drawn_from(result.org),
        "form": st.definition.form,
        "title": st.definition.title,
        "columns": list(st.definition.columns),
        "period": period,
        "lines": [
            {
                "name": ln.name,
                "indent_em": ln.indent * 1.5,
                "heading": ln.heading,
                "total": ln.total,
                "current_fen": ln.current,
                "prior_fen": ln.prior,
            }
            for ln in st.lines
        ],
        "balanced": st.balanced,
        "broken_ties": [
            {"line": t.line, "this_fen": t.this_fen, "other_fen": t.other_fen}
            for t in result.ties
            if not t.holds
        ],
    }


def _sheet_line(ln: StatementLine, prior_first: bool) -> dict[str, Any]:
    amounts = [ln.prior, ln.current] if prior_first else [ln.current, ln.prior]
    return {
        "name": ln.name,
        "row": ln.row,
        "indent_em": ln.indent * 1.2,
        "heading": ln.heading,
        "total": ln.total,
        "amounts_fen": amounts,
        "note": ln.note,
    }


def balance_sheet_print_context(result: fs.FinancialStatement) -> dict[str, Any]:
    """What ``templates/pdf/balance_sheet.html`` shows: the two-sided form (amounts in fen).

    The assets are the lines up to the first ``check`` line (资产总计), printed on the left; the
    liabilities and equity, the rest, on the right; ``rows`` pairs them line by line, the shorter
    side padded with empty cells (None) before its last line so the grand totals share a row.
    The columns are in the form's order (the 2021 form: 期末余额, 年初余额; the 2007 form:
    年初数, 年末数). ``as_of`` is the date in the heading.
    """
    st = result.statement
    definition = st.definition
    keys = [ln.key for ln in st.lines]
    split = keys.index(definition.check[0]) + 1 if definition.check else len(keys)
    left: list[dict[str, Any] | None] = [
        _sheet_line(ln, definition.prior_first) for ln in st.lines[:split]
    ]
    right: list[dict[str, Any] | None] = [
        _sheet_line(ln, definition.prior_first) for ln in st.lines[split:]
    ]
    # the grand totals (资产总计, 负债和所有者权益总计) share the last row, as on the form
    height = max(len(left), len(right))
    left[-1:-1] = [None] * (height - len(left))
    right[-1:-1] = [None] * (height - len(right))
    rows = [{"left": a, "right": b} for a, b in zip(left, right, strict=True)]
    columns = list(definition.columns)
    as_of = result.as_of or date(result.year or 1970, 12, 31)
    return {
        "org": org_heading(result.org),
        "drawn": drawn_from(result.org),
        "form": definition.form,
        "title": definition.title,
        "columns": columns[::-1] if definition.prior_first else columns,
        "as_of": {"year": as_of.year, "month": as_of.month, "day": as_of.day},
        "rows": rows,
        "notes": [ln.note for ln in st.lines if ln.note],
        "chief_accountant": result.org.chief_accountant,
        "balanced": st.balanced,
    }


def _equity_cells(row: EquityRow, columns: list[str]) -> list[int | None]:
    """Fen per column in column order; an item row leaves a column without movement blank."""
    if row.kind in ("increase", "decrease"):
        return [row.amounts.get(c) for c in columns]
    return [row.amounts.get(c, 0) for c in columns]


def members_equity_print_context(report: fs.MembersEquityReport) -> dict[str, Any]:
    """What ``templates/pdf/members_equity.html`` shows (fen)."""
    st = report.statement
    columns = [c.key for c in st.definition.columns]
    return {
        "org": org_heading(report.org),
        "drawn": drawn_from(report.org),
        "form": st.definition.form,
        "title": st.definition.title,
        "year": report.year,
        "columns": [{"key": c.key, "name": c.name} for c in st.definition.columns],
        "rows": [
            {
                "name": row.name,
                "kind": row.kind,
                "cells": _equity_cells(row, columns),
                "total_fen": row.total,
            }
            for row in st.rows
        ],
        "ties": st.ties,
    }


# -- the registers as reports --------------------------------------------------------------------


def _register_totals(name: str, t: rr.Totals) -> dict[str, Any]:
    return {
        "name": name,
        "count": t.count,
        "cost_fen": t.cost_fen,
        "accumulated_fen": t.accumulated_fen,
        "net_fen": t.net_fen,
        "fund_financed_fen": t.fund_financed_fen,
    }


def _register_asset(ln: rr.AssetLine) -> dict[str, Any]:
    a = ln.record.asset
    return {
        "asset_no": a.asset_no,
        "name": a.name,
        "class_zh": CLASS_ZH[a.asset_class],
        "poverty": a.poverty_project,
        "acquired_on": a.acquired_on.isoformat(),
        "life_years": f"{a.useful_life_months / 12:g}",
        "cost_fen": a.cost_fen,
        "accumulated_fen": ln.accumulated_fen,
        "net_fen": ln.net_fen,
        "funding": ", ".join(
            f"{fund} {format_amount(fen)}" for fund, fen in sorted(a.funding.items())
        ),
        "disposed_on": a.disposed_on.isoformat() if a.disposed_on else "",
    }


def asset_register_print_context(report: rr.AssetRegister) -> dict[str, Any]:
    """What ``templates/pdf/asset_register.html`` shows (fen): the fixed assets, then each other
    kind under its heading with its accounts (``sections``)."""
    return {
        "org": org_heading(report.org),
        "drawn": drawn_from(report.org),
        "as_of": report.as_of.isoformat(),
        "assets": [_register_asset(ln) for ln in report.lines],
        "groups": [
            *(_register_totals(SUBTOTAL_ZH[cls], t) for cls, t in report.by_class.items()),
            _register_totals(N_("其中：扶贫资产"), report.poverty),
        ],
        "totals": _register_totals(N_("合计"), report.totals),
        "ledger_cost_fen": report.ledger_cost_fen,
        "ledger_accumulated_fen": report.ledger_accumulated_fen,
        "ties": report.ties,
        "sections": [
            {
                "kind": section.kind.value,
                "name": KIND_ZH[section.kind],
                "cost_account": section.cost_account,
                "accumulated_account": section.accumulated_account,
                "direct": section.direct,
                "written_down": section.accumulated_account is not None,
                "assets": [_register_asset(ln) for ln in section.lines],
                "totals": _register_totals(N_("合计"), section.totals),
                "ledger_cost_fen": section.ledger_cost_fen,
                "ledger_accumulated_fen": section.ledger_accumulated_fen,
                "ties": section.ties,
            }
            for section in report.sections
        ],
    }


def fund_usage_totals(report: rr.FundUsage) -> dict[str, int]:
    """The report's totals in fen, by figure."""
    return {
        "granted": report.granted_fen,
        "received": report.received_fen,
        "spent": report.spent_fen,
        "balance": report.balance_fen,
        "special_fund": report.special_fund_fen,
        "quantified": report.quantified_fen,
        "in_construction": report.in_construction_fen,
    }


def fund_usage_print_context(report: rr.FundUsage) -> dict[str, Any]:
    """What ``templates/pdf/fund_usage.html`` shows (fen)."""
    return {
        "org": org_heading(report.org),
        "drawn": drawn_from(report.org),
        "as_of": report.as_of.isoformat(),
        "funds": [
            {
                "code": v.fund.code,
                "name": v.fund.name,
                "source_zh": SOURCE_ZH.get(v.fund.source, v.fund.source),
                "grantor": v.fund.grantor,
                "granted_fen": v.fund.granted_fen,
                "received_fen": v.figures.received,
                "spent_fen": v.figures.spent,
                "balance_fen": v.balance,
                "special_fund_fen": v.figures.special_fund,
                "quantified_fen": v.figures.quantified,
                "in_construction_fen": v.figures.in_construction,
                "assets": list(v.figures.asset_nos),
            }
            for v in report.funds
        ],
        "totals": {f"{k}_fen": fen for k, fen in fund_usage_totals(report).items()},
        "ledger_balance_fen": report.ledger_balance_fen,
        "ties": report.ties,
    }


# -- a member's account --------------------------------------------------------------------------


def _account_columns(h: share_svc.Holding | None) -> dict[str, int]:
    """The statutory share columns of a 成员账户 row, in fen (no holding: all zero)."""
    if h is None:
        return dict.fromkeys(
            (
                "capital_poverty",
                "capital_other",
                "reserve",
                "fiscal",
                "donation",
                "capital",
                "total",
            ),
            0,
        )
    return {
        "capital_poverty": h.capital_from_poverty_assets,
        "capital_other": h.capital - h.capital_from_poverty_assets,
        "reserve": h.reserve_share,
        "fiscal": h.fiscal_share,
        "donation": h.donation_share,
        "capital": h.capital,
        "total": h.total,
    }


def member_account_print_context(
    acc: share_svc.MemberAccount, org_name: str, id_number: str | None
) -> dict[str, Any]:
    """What ``templates/pdf/member_account.html`` shows; every figure computed here, in fen."""
    opening = _account_columns(acc.opening)
    closing = _account_columns(acc.closing)
    return {
        "org_name": org_name,
        "member_no": acc.member_no,
        "name": acc.name,
        "id_number_masked": mask(id_number),
        "year": acc.year,
        "status_zh": STATUS_ZH.get(acc.poverty_status, acc.poverty_status),
        "opening": opening,
        "change": {k: closing[k] - opening[k] for k in closing},
        "closing": closing,
        "transactions": [
            {
                "product": p,
                "quantity": f"{format_quantity(q)} {u}".strip() if u else format_quantity(q),
                "amount": a,
            }
            for p, u, q, a in acc.transactions
        ],
        "transaction_total": sum(a for _p, _u, _q, a in acc.transactions),
        "patronage_refund": acc.patronage_refund,
        "residual_distribution": acc.residual_distribution,
        "distributed_total": acc.patronage_refund + acc.residual_distribution,
        "drawn": drawn_from(acc.org) if acc.org is not None else None,
    }


# -- the disclosure notice -----------------------------------------------------------------------


def notice_print_context(doc: NoticeDocument) -> dict[str, Any]:
    """What ``templates/pdf/disclosure.html`` shows: the notice as it holds its texts, and its
    fingerprint (None while the period is not published)."""
    return {"n": doc.content, "fingerprint": doc.sha256}


# -- the household dividend statement ------------------------------------------------------------


def household_statement_print_context(
    s: Statement, base_url: str, locale: str = "zh"
) -> dict[str, Any]:
    """What ``templates/pdf/household_statement.html`` shows but its QR code (drawn where the
    PDF is rendered, from ``verify_url``); ``base_url`` is where ``/verify`` answers, the
    explanation is written in ``locale`` (render the template in the same one)."""
    return {
        "s": s,
        "plan": s.plan,
        "line": s.line,
        "holding": s.holding,
        "issued": s.issued,
        "status_zh": STATUS_ZH.get(s.poverty_status, s.poverty_status),
        "residual_before_topup": s.residual_before_topup_fen,
        "paid_out": s.paid_out_fen,
        "unpaid": s.unpaid_fen,
        "explanation": s.explanation(locale),
        "issued_on": s.issued.issued_at.date().isoformat(),
        "created": s.issued.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verify_url": f"{base_url.rstrip('/')}/verify/{s.issued.code}",
    }


# -- a region's consolidated report ---------------------------------------------------------------

# Chinese msgids (N_): the PDF template translates them into the document's language
REGION_STATUS_NAMES = {
    "poor": N_("建档立卡户（旧称，今脱贫户）"),
    "exited": N_("脱贫户"),
    "monitored": N_("监测户"),
    "low_income": N_("低保户"),
    "extreme_poverty": N_("特困户"),
    "none": N_("一般农户"),
}
REGION_CLASS_NAMES = {
    "operating": N_("经营性"),
    "public_welfare": N_("公益性"),
    "household": N_("到户类"),
}


def _region_funds(granted: int, received: int, spent: int) -> dict[str, str]:
    return {
        "granted": format_amount(granted),
        "received": format_amount(received),
        "spent": format_amount(spent),
        "unspent": format_amount(received - spent),
    }


def region_report_figures(r: RegionReport) -> dict[str, Any]:
    """A region's consolidated report as figures (amounts as decimal strings): the API's JSON
    answer, and what the printed report writes in its tables."""
    return {
        "region": r.region,
        "year": r.year,
        "organizations": [
            {
                "code": o.org.code,
                "name": o.org.name,
                "kind": o.org.kind,
                "region": o.org.region,
                "operating_income": format_amount(o.operating_income),
                "over_30k": o.over_30k,
                "over_50k": o.over_50k,
                "funds": _region_funds(o.funds_granted, o.funds_received, o.funds_spent),
                "dividends": format_amount(o.dividends),
                "owed_to_households": format_amount(o.owed),
            }
            for o in r.orgs
        ],
        "villages": len(r.villages),
        "villages_over_30k": r.villages_over_30k,
        "villages_over_50k": r.villages_over_50k,
        "operating_income": format_amount(r.operating_income),
        "funds": _region_funds(r.funds_granted, r.funds_received, r.funds_spent),
        "assets_by_class": {
            cls: {
                "count": f.count,
                "cost": format_amount(f.cost),
                "funded": format_amount(f.funded),
                "poverty_project_cost": format_amount(f.poverty_project_cost),
            }
            for cls, f in sorted(r.assets_by_class.items())
        },
        "dividends_by_status": {
            status: {
                "households": f.households,
                "allocated": format_amount(f.allocated),
                "paid": format_amount(f.paid),
                "owed": format_amount(f.owed),
            }
            for status, f in r.dividends_by_status.items()
        },
        "owed_to_households": format_amount(r.owed_to_households),
        "findings_by_severity": dict(r.findings_by_severity),
        "findings_available": r.findings_available,
        "finding_groups": [
            {
                "org": g.org.code,
                "org_name": g.org.name,
                "code": g.code,
                "severity": g.severity,
                "count": g.count,
                "examples": [finding_json(f) for f in g.examples],
                "more": g.count - len(g.examples),
                "findings": f"/api/v1/orgs/{g.org.code}/audit/findings?year={r.year}&code={g.code}",
            }
            for g in r.finding_groups
        ],
    }


def _bars(items: list[tuple[str, int]], width: float = 300.0) -> list[dict[str, Any]]:
    """Horizontal bars for the web page's SVG chart: label, amount (fen), bar length scaled to
    the largest."""
    top = max((abs(v) for _, v in items), default=0) or 1
    return [
        {"label": label, "fen": v, "length": round(max(v, 0) * width / top, 1), "y": 16 * i}
        for i, (label, v) in enumerate(items)
    ]


#: the printed region report's charts, in SVG user units (CSS px): the width of the page's content
#: column at most, one row per bar, text at one size written on each text element
CHART_WIDTH = 640.0  # of the A4 page's 703 px content column
CHART_FONT = 11.0  # 8.25 pt
CHART_ROW = 18.0
CHART_BAR = 11.0
LABEL_CHARS = 14  # an organization's name is cut to this many characters (the table has it whole)


def _text_width(text: str, size: float = CHART_FONT) -> float:
    """A generous estimate of ``text``'s printed width: a CJK character one em, anything else
    0.62 em (digits, Latin letters and punctuation of the sans fonts are narrower)."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.62 for c in text)


def _chart(
    items: list[tuple[str, int]], thresholds: Iterable[tuple[int, str]] = ()
) -> dict[str, Any]:
    """Horizontal bars for an SVG chart, laid out so nothing overlaps and nothing is cut.

    Labels sit in a column as wide as the widest label (Chinese or English), bars start after
    it, and each bar's amount follows its bar inside the chart: the longest bar is shortened by
    the width of the widest amount. Threshold markers (amount in fen, msgid of its label) are
    dashed lines with their labels under the bars, a marker whose label would touch the one
    before it going one line lower. Every text baseline leaves a whole ascent above it.
    """
    en = gettext_for("en")
    thresholds = list(thresholds)
    labels = [
        label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…" for label, _ in items
    ]
    label_w = max((max(_text_width(x), _text_width(en(x))) for x in labels), default=0.0) + 6
    value_w = max((_text_width(format_amount(v, grouped=True)) for _, v in items), default=0.0)
    bar_x = round(label_w, 1)
    span = CHART_WIDTH - bar_x - 4 - value_w - 2
    values = [v for _, v in items] + [t for t, _ in thresholds]
    top = max((abs(v) for v in values), default=0) or 1
    mark_xs = sorted(round(bar_x + max(fen, 0) * span / top, 1) for fen, _ in thresholds)
    bars = []
    for i, (label, (_, v)) in enumerate(zip(labels, items, strict=True)):
        length = round(max(v, 0) * span / top, 1)
        y = CHART_ROW * i
        # an amount that a marker's dashed line would cross moves to the right of the line
        value_x = bar_x + length + 4
        text_w = _text_width(format_amount(v, grouped=True))
        for mx in mark_xs:
            if value_x - 2 <= mx <= value_x + text_w + 2:
                value_x = mx + 3
        bars.append(
            {
                "label": label,
                "fen": v,
                "y": y + (CHART_ROW - CHART_BAR) / 2,
                "text_y": y + CHART_ROW / 2 + CHART_FONT * 0.35,
                "length": length,
                "value_x": round(value_x, 1),
            }
        )
    rows_h = CHART_ROW * len(items)
    marks: list[dict[str, Any]] = []
    right_edge = -1e9
    line = 0
    for fen, label in thresholds:
        x = round(bar_x + max(fen, 0) * span / top, 1)
        width = max(_text_width(label), _text_width(en(label)))
        line = line + 1 if x - width / 2 < right_edge + 3 else 0
        right_edge = x + width / 2 if line == 0 else max(right_edge, x + width / 2)
        marks.append(
            {
                "x": x,
                "label": label,
                "label_x": round(min(max(x, width / 2), CHART_WIDTH - width / 2), 1),
                "label_y": rows_h + CHART_FONT + 2 + line * (CHART_FONT + 2),
            }
        )
    depth = max((m["label_y"] for m in marks), default=rows_h) + (3 if marks else 2)
    return {
        "width": CHART_WIDTH,
        "height": round(depth, 1),
        "font": CHART_FONT,
        "bar_x": bar_x,
        "bar_h": CHART_BAR,
        "rows_h": rows_h,
        "bars": bars,
        "thresholds": marks,
    }


def region_report_print_context(r: RegionReport) -> dict[str, Any]:
    """What ``templates/pdf/region_report.html`` draws: figures in fen, chart geometry here."""
    thresholds = [
        round(t * 300.0 / (max((o.operating_income for o in r.orgs), default=0) or 1), 1)
        for t in THRESHOLDS
    ]
    fund_items = [
        (N_("下达"), r.funds_granted),
        (N_("到账"), r.funds_received),
        (N_("已用"), r.funds_spent),
        (N_("结余"), r.funds_unspent),
    ]
    status_items = [
        (REGION_STATUS_NAMES.get(s, s), f.allocated)
        for s, f in r.dividends_by_status.items()
        if f.households
    ]
    class_items = [
        (REGION_CLASS_NAMES.get(c, c), f.cost) for c, f in sorted(r.assets_by_class.items())
    ]
    income_items = [(o.org.name, o.operating_income) for o in r.orgs]
    return {
        "report": region_report_figures(r),
        "orgs": r.orgs,
        # the web page's charts (scaled by the browser) ...
        "income_bars": _bars(income_items),
        "income_thresholds": thresholds,
        "fund_bars": _bars(fund_items),
        "status_bars": _bars(status_items),
        "class_bars": _bars(class_items),
        # ... and the printed report's, laid out to the unit
        "income_chart": _chart(income_items, zip(THRESHOLDS, (N_("3万"), N_("5万")), strict=True)),
        "fund_chart": _chart(fund_items),
        "status_chart": _chart(status_items),
        "class_chart": _chart(class_items),
        "status_names": REGION_STATUS_NAMES,
        "class_names": REGION_CLASS_NAMES,
        "fen": {
            "operating_income": r.operating_income,
            "granted": r.funds_granted,
            "received": r.funds_received,
            "spent": r.funds_spent,
            "unspent": r.funds_unspent,
            "owed": r.owed_to_households,
        },
    }


# -- the bank reconciliation ---------------------------------------------------------------------


def bank_reconciliation_print_context(month: BankMonth) -> dict[str, Any]:
    """What ``templates/pdf/bank_reconciliation.html`` shows (fen): the two sides of the
    银行存款余额调节表 and the 未达账项 on each."""
    r = month.reconciliation

    def bank(lines: Iterable[BankLine]) -> list[dict[str, Any]]:
        return [
            {
                "date": b.booked_on.isoformat(),
                "text": " ".join(t for t in (b.reference, b.description) if t),
                "amount_fen": abs(b.amount_fen),
            }
            for b in lines
        ]

    def book(lines: Iterable[ReconBookLine]) -> list[dict[str, Any]]:
        return [
            {
                "date": k.booked_on.isoformat(),
                "text": f"{k.voucher} {k.text}".strip(),
                "amount_fen": abs(k.amount_fen),
            }
            for k in lines
        ]

    return {
        "org": org_heading(month.org),
        "drawn": drawn_from(month.org),
        "account": month.account,
        "month": str(month.period),
        "as_of": month.period.last_day.isoformat(),
        "book_balance_fen": r.book_balance_fen,
        "bank_balance_fen": r.bank_balance_fen,
        "bank_received": bank(r.bank_received),
        "bank_paid": bank(r.bank_paid),
        "book_received": book(r.book_received),
        "book_paid": book(r.book_paid),
        "bank_received_fen": r.bank_received_fen,
        "bank_paid_fen": r.bank_paid_fen,
        "book_received_fen": r.book_received_fen,
        "book_paid_fen": r.book_paid_fen,
        "book_adjusted_fen": r.book_adjusted_fen,
        "bank_adjusted_fen": r.bank_adjusted_fen,
        "difference_fen": r.difference_fen,
        "balances": r.balances,
    }


# -- 成员名册和份额登记簿 --------------------------------------------------------------------------


def share_roll_print_context(roll: share_svc.ShareRoll) -> dict[str, Any]:
    """What ``templates/pdf/share_roll.html`` shows (fen): each member household with its 成员股
    by fund and in all, the 集体股 line, the totals and what the funds quantified beside them."""
    members = roll.members_by_fund
    return {
        "org": org_heading(roll.org),
        "drawn": drawn_from(roll.org),
        "as_of": roll.as_of.isoformat(),
        "funds": [{"code": code, "name": name} for code, name in roll.funds],
        "members": [
            {
                "member_no": ln.member_no,
                "head": ln.head,
                "people": ln.people,
                "status_zh": STATUS_ZH.get(ln.status, ln.status),
                "joined_on": ln.joined_on.isoformat() if ln.joined_on else "",
                "left_on": ln.left_on.isoformat() if ln.left_on else "",
                "by_fund": [ln.by_fund.get(code, 0) for code, _n in roll.funds],
                "total_fen": ln.total,
            }
            for ln in roll.lines
        ],
        "people": roll.people,
        "members_by_fund": [members.get(code, 0) for code, _n in roll.funds],
        "members_total_fen": roll.members_total,
        "collective_by_fund": [roll.collective.get(code, 0) for code, _n in roll.funds],
        "collective_total_fen": roll.collective_total,
        "quantified_by_fund": [roll.quantified.get(code, 0) for code, _n in roll.funds],
        "quantified_total_fen": roll.quantified_total,
        "special_fund_total_fen": roll.special_fund_total,
        "ties": roll.ties,
    }
