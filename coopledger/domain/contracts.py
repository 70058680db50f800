"""The collective's resources (资源台账), its contracts (承包合同) and the 一事一议 备查簿.

A resource is land, a pond, a forest or a building the collective owns, with its area in
thousandths of its unit (亩, 平方米…). A contract lets a resource (or one it describes) to a party
— a member of the organization or an outside party by name — for a term, at a fee schedule: the
instalments, each a due date and an amount in fen. A yearly fee due on one day of the year gives
one instalment a year of the term.

Charging the fees due prepares one voucher for every instalment due by a day and not yet
charged: Dr 内部往来 (成员往来 in a cooperative's chart) with the member's sub-ledger when the
party is a member, 应收款 when it is not / Cr the chart's contract income — 经营收入 in the 2023
village system (contract fees, 承包金, are operating income there), 发包及上交收入 in the 2004 one.
A chart without a ``contract_income`` role holds no contracts. A receipt books Dr 库存现金 or
银行存款 / Cr the same receivable. What the party paid through its receivable otherwise — a posted
credit on it not made by the receipt form, such as an ordinary receipt voucher — counts too: it
clears the party's open debts on the receivable oldest first, the contracts' instalments among
them. Arrears on a day are the instalments due and charged by then less what was received by
then; the oldest unpaid instalment (first in, first out) dates them.

The 一事一议 备查簿 is a memo register (no voucher of its own): a project the villagers' meeting
decided, the money raised from households (筹资), the labour (筹劳, in thousandths of a 工日), the
fiscal 奖补 received and what was spent, with the vouchers that moved the money.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from coopledger.domain.accounts import Account, Chart
from coopledger.domain.errors import InvalidState, ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.money import format_amount

#: the longest memo a voucher carries
MEMO_CHARS = 200
#: the most instalments a contract's schedule holds (a 30-year yearly contract has 30)
MAX_INSTALMENTS = 600
#: the longest term in years (the rural land contract law allows 30 years for arable land, 70
#: for forest land)
MAX_TERM_YEARS = 70


class ResourceKind(enum.StrEnum):
    LAND = "land"
    POND = "pond"
    FOREST = "forest"
    ORCHARD = "orchard"
    BUILDING = "building"
    OTHER = "other"


class ProjectStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource of the collective: its area in thousandths of ``unit``."""

    kind: ResourceKind
    name: str
    location: str
    area_milli: int
    unit: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Instalment:
    due_on: date
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Contract:
    """A contract as entered: the party is a member (``member_no``) or named (``party``)."""

    contract_no: str
    party: str
    member_no: str | None
    resource_id: int | None
    subject: str
    area_milli: int
    unit: str
    starts_on: date
    ends_on: date
    instalments: tuple[Instalment, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Charged:
    """An instalment as kept: charged by a voucher (or not yet)."""

    id: int
    due_on: date
    amount_fen: int
    voucher_id: int | None


@dataclass(frozen=True, slots=True)
class Arrears:
    """A contract's standing on a day: due and charged, received, and what is overdue since the
    oldest instalment not fully paid."""

    due_fen: int
    paid_fen: int
    overdue_fen: int
    since: date | None


@dataclass(frozen=True, slots=True)
class Project:
    """A 一事一议 project as the meeting decided it and as it stands."""

    name: str
    meeting_on: date
    decision: str
    raised_fen: int
    labour_milli: int
    subsidy_fen: int
    spent_fen: int
    status: ProjectStatus
    vouchers: str = ""


def validate_resource(resource: Resource) -> None:
    """:raise ValidationFailed: a blank name or unit, an area not above zero."""
    errors: dict[str, list[str]] = {}
    if not resource.name.strip():
        errors["name"] = ["must not be blank"]
    if not resource.unit.strip():
        errors["unit"] = ["must not be blank"]
    if resource.area_milli <= 0:
        errors["area"] = ["must be more than zero"]
    if errors:
        raise ValidationFailed("the resource is not complete", errors=errors)


def yearly(
    starts_on: date, ends_on: date, amount_fen: int, month: int, day: int
) -> list[Instalment]:
    """One instalment of ``amount_fen`` for each ``month``-``day`` inside the term (a 29 February
    falls on the 28th in other years).

    :raise ValidationFailed: ``fee`` not above zero; ``due`` not a day of the year."""
    if amount_fen <= 0:
        raise ValidationFailed(
            "the fee must be more than zero", errors={"fee": ["must be more than zero"]}
        )
    try:
        date(2024, month, day)
    except ValueError as exc:
        raise ValidationFailed(
            "the due day is not a day of the year", errors={"due": ["not a day of the year"]}
        ) from exc
    out: list[Instalment] = []
    for year in range(starts_on.year, ends_on.year + 1):
        leap_day = (month, day) == (2, 29) and not calendar.isleap(year)
        due = date(year, month, 28 if leap_day else day)
        if starts_on <= due <= ends_on:
            out.append(Instalment(due, amount_fen))
    return out


def validate_contract(contract: Contract) -> None:
    """A contract names its number and party, describes or names its resource, has an area above
    zero, a term that ends after it starts (at most 70 years) and at least one instalment, each
    above zero, inside the term and on its own day.

    :raise ValidationFailed: every problem at once, keyed by field (``instalments.<i>.<field>``).
    """
    errors: dict[str, list[str]] = {}
    if not contract.contract_no.strip():
        errors["contract_no"] = ["must not be blank"]
    elif any(c.isspace() or c in "/?#" for c in contract.contract_no.strip()):
        errors["contract_no"] = ["no spaces, slashes, ? or #: it names the contract in addresses"]
    if not contract.party.strip() and not contract.member_no:
        errors["party"] = ["name the party or the member"]
    if contract.resource_id is None and not contract.subject.strip():
        errors["subject"] = ["describe what is contracted or name a resource"]
    if contract.area_milli <= 0:
        errors["area"] = ["must be more than zero"]
    if not contract.unit.strip():
        errors["unit"] = ["must not be blank"]
    if contract.ends_on <= contract.starts_on:
        errors["ends_on"] = ["must be after the start of the term"]
    elif contract.ends_on.year - contract.starts_on.year > MAX_TERM_YEARS:
        errors["ends_on"] = [f"a term is at most {MAX_TERM_YEARS} years"]
    if not contract.instalments:
        errors["instalments"] = ["give the fee schedule"]
    elif len(contract.instalments) > MAX_INSTALMENTS:
        errors["instalments"] = [f"at most {MAX_INSTALMENTS} instalments"]
    seen: set[date] = set()
    for i, inst in enumerate(contract.instalments):
        if inst.amount_fen <= 0:
            errors[f"instalments.{i}.amount"] = ["must be more than zero"]
        if not contract.starts_on <= inst.due_on <= contract.ends_on:
            errors[f"instalments.{i}.due_on"] = ["must lie inside the term"]
        elif inst.due_on in seen:
            errors[f"instalments.{i}.due_on"] = ["another instalment falls due that day"]
        seen.add(inst.due_on)
    if errors:
        raise ValidationFailed("the contract is not complete", errors=errors)


def validate_project(project: Project) -> None:
    """:raise ValidationFailed: a blank name or decision, a negative amount or labour."""
    errors: dict[str, list[str]] = {}
    if not project.name.strip():
        errors["name"] = ["must not be blank"]
    if not project.decision.strip():
        errors["decision"] = ["record what the meeting decided"]
    for name, value in (
        ("raised", project.raised_fen),
        ("labour", project.labour_milli),
        ("subsidy", project.subsidy_fen),
        ("spent", project.spent_fen),
    ):
        if value < 0:
            errors[name] = ["must not be negative"]
    if errors:
        raise ValidationFailed("the project is not complete", errors=errors)


def contract_income(chart: Chart, accounts: Mapping[str, Account] | None = None) -> str:
    """The account contract fees are income of: the chart's ``contract_income``, or — when the
    organization keeps sub-accounts under it — the sub-account whose name says 发包 or 承包.

    :raise InvalidState: ``no_contract_income`` — the chart has no account for them, or its
        sub-accounts name none."""
    code = chart.roles.get("contract_income")
    if code is None:
        raise InvalidState(
            f"the chart {chart.id} has no account for contract fees (发包收入): "
            "contracts are kept by village collectives",
            code="no_contract_income",
            params={"chart": chart.id},
        )
    children = sorted(c for c, a in (accounts or {}).items() if a.parent == code and a.postable)
    if not children:
        return code
    named = [c for c in children if any(w in accounts_name(accounts, c) for w in ("发包", "承包"))]
    if not named:
        raise InvalidState(
            f"{code} has sub-accounts but none for contract fees: add one named 发包收入",
            code="no_contract_income",
            params={"chart": f"{chart.id} {code}"},
        )
    return named[0]


def accounts_name(accounts: Mapping[str, Account] | None, code: str) -> str:
    return accounts[code].name_zh if accounts and code in accounts else ""


def receivable(chart: Chart, member_no: str | None) -> tuple[str, str | None]:
    """The account (and member) a party's fees are owed on: the member's current account when
    the party is a member, 应收款 when it is not."""
    if member_no is not None:
        return chart.role("member_current"), member_no
    return chart.role("receivable"), None


@dataclass(frozen=True, slots=True)
class Due:
    """An instalment to charge: its contract's number, party and member."""

    contract_no: str
    party: str
    member_no: str | None
    due_on: date
    amount_fen: int


def charge_voucher(chart: Chart, income: str, on: date, due: Sequence[Due]) -> VoucherDraft:
    """The voucher that charges ``due`` (one attachment: the contract list): a debit per
    instalment on the party's receivable, one credit of the total to ``income``."""
    lines: list[Line] = []
    for d in due:
        account, member = receivable(chart, d.member_no)
        lines.append(
            Line(
                account,
                Dr.DEBIT,
                d.amount_fen,
                member=member,
                memo=f"应收{d.party}承包费（合同{d.contract_no}，{d.due_on}到期）"[:MEMO_CHARS],
            )
        )
    total = sum(d.amount_fen for d in due)
    lines.append(Line(income, Dr.CREDIT, total, memo="发包收入（承包费）"))
    memo = f"确认到期承包费 {len(due)} 笔（{format_amount(total)}元）"
    return VoucherDraft(on, memo, tuple(lines), attachments=1)


def receipt_voucher(
    chart: Chart,
    on: date,
    contract_no: str,
    party: str,
    member_no: str | None,
    amount_fen: int,
    via: str,
) -> VoucherDraft:
    """The voucher of a fee received: Dr 库存现金 (``via`` cash) or 银行存款 / Cr the party's
    receivable."""
    account, member = receivable(chart, member_no)
    memo = f"收{party}承包费（合同{contract_no}）"[:MEMO_CHARS]
    return VoucherDraft(
        on,
        memo,
        (
            Line(chart.role("cash" if via == "cash" else "bank"), Dr.DEBIT, amount_fen, memo=memo),
            Line(account, Dr.CREDIT, amount_fen, member=member, memo=memo),
        ),
        attachments=1,
    )


def arrears(
    instalments: Sequence[Charged], payments: Sequence[tuple[date, int]], on: date
) -> Arrears:
    """A contract's arrears on ``on``: instalments due by then and charged, less what was
    received by then, paid against the oldest first."""
    due = sorted(
        (i for i in instalments if i.voucher_id is not None and i.due_on <= on),
        key=lambda i: i.due_on,
    )
    paid = sum(fen for day, fen in payments if day <= on)
    due_fen = sum(i.amount_fen for i in due)
    left = paid
    since = None
    for inst in due:
        if left >= inst.amount_fen:
            left -= inst.amount_fen
            continue
        since = inst.due_on
        break
    return Arrears(due_fen, paid, max(0, due_fen - paid), since)


def allocate(
    contracts: Mapping[int, tuple[Sequence[Charged], Sequence[tuple[date, int]]]],
    receipts: Sequence[tuple[date, int, int]],
    other_debts: Sequence[tuple[date, int]] = (),
) -> dict[int, list[tuple[date, int, int]]]:
    """What one party's contracts received through its receivable, first in first out, beside
    their receipt forms: each contract's ``(instalments, payments)`` — the form's payments clear
    its own instalments first; the party's other ``receipts`` (day, fen, voucher: the credits on
    its receivable not made by the form, by date) clear its open debts — the contracts'
    instalments charged and still open, by due date, and the ``other_debts`` (day, fen: the other
    debits on the receivable) by date: a receipt of exactly what one debt due by then still owes
    pays that debt, any other the oldest first. A red line (negative) takes back the latest of
    its kind before it. What lands on another debt, or on none, stays off the contracts.
    Returns each contract's share of the receipts (day, fen, voucher)."""
    open_: list[tuple[date, int, int]] = []  # due, contract (-1: another debt), still open
    for key, (instalments, payments) in contracts.items():
        left = sum(fen for _, fen in payments)
        for inst in sorted(
            (i for i in instalments if i.voucher_id is not None), key=lambda i: i.due_on
        ):
            cleared = min(left, inst.amount_fen)
            left -= cleared
            if inst.amount_fen > cleared:
                open_.append((inst.due_on, key, inst.amount_fen - cleared))
    open_ += [(day, -1, fen) for day, fen, _ in _net([(d, f, 0) for d, f in other_debts])]
    open_.sort()
    out: dict[int, list[tuple[date, int, int]]] = {}
    i = 0
    for day, fen, voucher in _net(receipts):
        same = next(
            (
                n
                for n, (due_on, _k, left) in enumerate(open_[i:], start=i)
                if left == fen and due_on <= day
            ),
            None,
        )
        if same is not None:  # a payment of exactly what one debt still owes pays that debt
            _due, key, _left = open_.pop(same)  # (those before ``i`` are paid already)
            if key >= 0:
                out.setdefault(key, []).append((day, fen, voucher))
            continue
        while fen and i < len(open_):
            due_on, key, left = open_[i]
            taken = min(fen, left)
            if key >= 0:
                out.setdefault(key, []).append((day, taken, voucher))
            fen -= taken
            if taken == left:
                i += 1
            else:
                open_[i] = (due_on, key, left - taken)
    return out


def _net(items: Sequence[tuple[date, int, int]]) -> list[tuple[date, int, int]]:
    """``items`` by date, each negative one taking back the latest positive ones before it."""
    net: list[list[Any]] = []
    for day, fen, tag in sorted(items, key=lambda r: r[0]):
        if fen > 0:
            net.append([day, fen, tag])
            continue
        back = -fen
        while back and net:
            taken = min(back, net[-1][1])
            net[-1][1] -= taken
            back -= taken
            if net[-1][1] == 0:
                net.pop()
    return [(day, fen, tag) for day, fen, tag in net]


def outstanding(instalments: Sequence[Charged], payments: Sequence[tuple[date, int]]) -> int:
    """Charged and not yet received, whenever due: what a receipt may clear."""
    charged = sum(i.amount_fen for i in instalments if i.voucher_id is not None)
    return charged - sum(fen for _, fen in payments)


def in_term(starts_on: date, ends_on: date, on: date) -> bool:
    return starts_on <= on <= ends_on
