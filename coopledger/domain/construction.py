"""Construction in progress (在建工程): a project's cost gathered as it is spent, then made an
asset when it is completed.

Each spending is one voucher: Dr 在建工程 / Cr the paying account (银行存款); when a fiscal fund
finances the project, the same voucher also moves the amount from where the fund's money waits
(专项应付款, or 一事一议资金) into 专项基金 (in a village's books 公积公益金) — the grant becomes
专项基金 as it is spent into 在建工程, not when the asset card is made, so between spending and
completion, and across a year end, neither 专项应付款 nor 专项基金 is misstated. A fund's
project never spends more than the fund holds unspent.

Completion moves the project's whole cost: Dr 固定资产 / Cr 在建工程, and makes the asset card,
financed by the fund for what the fund's spending put in. The money already moved into 专项基金
is not moved again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from coopledger.domain.accounts import AccountCode, Chart
from coopledger.domain.assets import AssetClass
from coopledger.domain.bounds import DATE_RANGE_MESSAGE, date_in_range
from coopledger.domain.errors import InvalidState, ValidationFailed, field_error
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.money import format_amount

#: the longest memo a voucher carries
MEMO_CHARS = 200
#: the classes a project's asset may have (a household's asset is never built by the collective)
PROJECT_CLASSES = (AssetClass.OPERATING, AssetClass.PUBLIC_WELFARE)


class ProjectStatus(enum.StrEnum):
    BUILDING = "building"  # 在建
    COMPLETED = "completed"  # 已完工


@dataclass(frozen=True, slots=True)
class ConstructionProject:
    """A project under construction; ``fund`` is the code of the fund that finances it (None:
    self-funded)."""

    project_no: str
    name: str
    asset_class: AssetClass
    started_on: date
    fund: str | None = None
    poverty_project: bool = False


def validate_project(project: ConstructionProject) -> None:
    """:raise ValidationFailed: every problem of the project at once, keyed by field."""
    errors: dict[str, list[str]] = {}
    if not project.name.strip():
        errors["name"] = ["must not be empty"]
    if project.asset_class not in PROJECT_CLASSES:
        errors["class"] = ["a project builds an operating or a public-welfare asset"]
    if not date_in_range(project.started_on):
        errors["started_on"] = [DATE_RANGE_MESSAGE]
    if errors:
        raise ValidationFailed(f"project {project.project_no} is invalid", errors=errors)


@dataclass(frozen=True, slots=True)
class FundMove:
    """The fund's part of a spending: its code and name, where its money waits (专项应付款 or
    一事一议资金) and the account it becomes (专项基金, 公积公益金)."""

    code: str
    name: str
    payable_account: AccountCode
    special_fund_account: AccountCode
    special_fund_name: str


def construction_account(chart: Chart) -> AccountCode:
    """The chart's 在建工程. :raise InvalidState: the chart keeps none (naming the chart)."""
    code = chart.roles.get("construction_in_progress")
    if code is None:
        raise InvalidState(f"the {chart.id} chart has no account for construction in progress")
    return code


def special_fund_account(chart: Chart) -> AccountCode:
    """Where a grant spent on construction goes (专项基金; 公积公益金 in a village's books).

    :raise InvalidState: the chart has no such account, or no 专项应付款 (naming the chart).
    """
    code = chart.roles.get("special_fund")
    if code is None or chart.roles.get("special_payable") is None:
        raise InvalidState(
            f"the {chart.id} chart has no special payable and special fund accounts: "
            "a fund cannot finance construction in it"
        )
    return code


def check_spending(on: date, amount_fen: int, started_on: date, fund_left_fen: int | None) -> None:
    """:raise ValidationFailed: the amount is not positive or more than the fund has left
    (on ``amount``, naming what is left); the date is before the start (on ``date``)."""
    errors: dict[str, list[str]] = {}
    if amount_fen <= 0:
        errors["amount"] = ["must be more than zero"]
    elif fund_left_fen is not None and amount_fen > fund_left_fen:
        errors["amount"] = [f"more than the fund has left: {format_amount(fund_left_fen)} yuan"]
    if not date_in_range(on):
        errors["date"] = [DATE_RANGE_MESSAGE]
    elif on < started_on:
        errors["date"] = [f"must not be before the project started ({started_on.isoformat()})"]
    if errors:
        raise ValidationFailed("the spending is refused", errors=errors)


def spending_draft(
    project: ConstructionProject,
    on: date,
    amount_fen: int,
    memo: str,
    construction: AccountCode,
    pay_account: AccountCode,
    fund: FundMove | None,
) -> VoucherDraft:
    """The spending voucher, one attachment: Dr 在建工程 / Cr ``pay_account``; with ``fund``,
    Dr its payable account (with the fund) / Cr 专项基金 for the same amount."""
    text = (memo or f"在建工程 {project.project_no} {project.name} 支出")[:MEMO_CHARS]
    lines = [
        Line(construction, Dr.DEBIT, amount_fen, memo=text),
        Line(pay_account, Dr.CREDIT, amount_fen, memo=text),
    ]
    if fund is not None:
        lines += [
            Line(
                fund.payable_account,
                Dr.DEBIT,
                amount_fen,
                fund=fund.code,
                memo=f"{fund.name}转{fund.special_fund_name}"[:MEMO_CHARS],
            ),
            Line(
                fund.special_fund_account,
                Dr.CREDIT,
                amount_fen,
                memo=f"{fund.name}用于在建工程 {project.project_no}"[:MEMO_CHARS],
            ),
        ]
    return VoucherDraft(on, text, tuple(lines), attachments=1)


def check_completion(
    on: date, started_on: date, last_spent_on: date | None, total_fen: int
) -> None:
    """:raise ValidationFailed: nothing spent (on ``date``… the project has no cost), a date
    before the start or the last spending (on ``date``)."""
    if total_fen <= 0:
        raise field_error("date", "nothing has been spent on the project: it has no cost")
    if not date_in_range(on):
        raise field_error("date", DATE_RANGE_MESSAGE)
    latest = max(started_on, last_spent_on or started_on)
    if on < latest:
        raise field_error("date", f"must not be before {latest.isoformat()}")


def completion_draft(
    project: ConstructionProject,
    on: date,
    total_fen: int,
    asset_no: str,
    fixed_assets: AccountCode,
    construction: AccountCode,
) -> VoucherDraft:
    """The completion voucher, one attachment: Dr 固定资产 / Cr 在建工程 for the whole cost. It
    moves nothing between 专项应付款 and 专项基金: the spending did."""
    text = f"在建工程 {project.project_no} {project.name} 完工转入固定资产 {asset_no}"[:MEMO_CHARS]
    lines = (
        Line(fixed_assets, Dr.DEBIT, total_fen, memo=text),
        Line(construction, Dr.CREDIT, total_fen, memo=text),
    )
    return VoucherDraft(on, text, lines, attachments=1)
