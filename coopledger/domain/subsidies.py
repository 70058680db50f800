"""Subsidy entitlements computed from the books (补贴测算): rules as data, one TOML file a policy.

A policy says who qualifies (poverty status on the last day of the period, a household or the
organization itself), what the base is and how much it pays:

- ``base = "lines"``: the posted lines of the period on the policy's accounts that carry a
  member — accounts chosen by code prefix (``accounts``) and, when given, by a word in the
  account's name (``account_names``: an organization keeps the activity on a sub-account such as
  成员往来—加工费, whose code differs from one organization to the next but whose name says what
  it holds) or by a word in the line's own memo (``memos``: 加工费 written on the line of
  成员往来 that owes it); the lines of ``side`` (a processing fee owed to a household is a credit on its
  成员往来 / 内部往来) are summed per member, red reversals netting out. The amount is the base
  × ``rate``, rounded half up to the fen.
- ``base = "fixed"``: every qualifying household with at least one such posted line in the period
  gets ``amount``; the lines only show that it took part in the activity.

``recipient = "household"`` gives one claim line a household; ``recipient = "organization"`` one
line for the organization itself on what all qualifying households' lines add up to.
``min_households`` is the least number of qualifying households the organization needs ("more
than 20" is 21); below it nothing is due. ``cap_household`` caps each household's amount,
``cap_organization`` the claim: above it the cap is shared by the households' amounts by largest
remainder. ``from`` / ``to`` bound the days the policy covers; a claim is for one year within them.

A policy file that names an unknown field, a cap below zero, an unknown status or anything else
that cannot be read is refused when it is loaded, the file and line named.

Receiving the money (Dr 银行存款) credits each household's 成员往来 / 内部往来 with its line when
the money is the households' (the organization owes it to them until paid: Dr 成员往来 / Cr 银行存款),
or the organization's own income when it is its own: 补助收入 in a village's chart, 其他收入 in a
cooperative's, whose charts keep no subsidy income account.
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import TypeVar

from coopledger.domain.accounts import Account, Chart
from coopledger.domain.errors import InvalidState, ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.members import MemberKind, PovertyStatus, covers
from coopledger.domain.money import AmountError, allocate, apply_rate, format_amount, parse_amount

#: the longest memo a voucher carries
MEMO_CHARS = 200
#: a policy's code: its file name without ``.toml``
CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,59}", re.ASCII)
_E = TypeVar("_E", bound=enum.StrEnum)


class Recipient(enum.StrEnum):
    HOUSEHOLD = "household"
    ORGANIZATION = "organization"


class BaseKind(enum.StrEnum):
    LINES = "lines"
    FIXED = "fixed"


class Side(enum.StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"
    ANY = "any"


class ClaimStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"


FIELDS = frozenset(
    {
        "name",
        "name_en",
        "issuer",
        "recipient",
        "statuses",
        "base",
        "accounts",
        "account_names",
        "memos",
        "side",
        "rate",
        "amount",
        "cap_household",
        "cap_organization",
        "min_households",
        "from",
        "to",
    }
)
REQUIRED = ("name", "recipient", "statuses", "base", "accounts")


@dataclass(frozen=True, slots=True)
class Policy:
    """One subsidy policy as its file states it; money in fen, the rate an exact decimal."""

    code: str
    name: str
    name_en: str
    issuer: str
    recipient: Recipient
    statuses: tuple[str, ...]
    base: BaseKind
    accounts: tuple[str, ...]
    account_names: tuple[str, ...]
    memos: tuple[str, ...]
    side: Side
    rate: Decimal | None
    amount_fen: int | None
    cap_household_fen: int | None
    cap_organization_fen: int | None
    min_households: int
    valid_from: date | None
    valid_to: date | None
    source: str = ""

    @property
    def rate_text(self) -> str:
        """The rate as a percentage (``8%``), or empty for a fixed amount."""
        if self.rate is None:
            return ""
        return f"{(self.rate * 100).normalize():f}%"

    def window(self, year: int) -> tuple[date, date]:
        """The days of ``year`` the policy covers.

        :raise ValidationFailed: ``year`` — the policy does not run that year.
        """
        start = max(date(year, 1, 1), self.valid_from or date.min)
        end = min(date(year, 12, 31), self.valid_to or date.max)
        if start > end:
            raise ValidationFailed(
                f"the policy {self.code} does not run in {year}",
                code="policy_not_in_force",
                errors={"year": [f"the policy {self.code} does not run in {year}"]},
                params={"policy": self.code, "year": year},
            )
        return start, end

    def counts(self, account_code: str, account_name: str, memo: str = "") -> bool:
        """Whether a line carries the policy's activity: on one of its accounts, and, when the
        policy names words, its account's name or its own memo holding one of them."""
        if not any(account_code.startswith(p) for p in self.accounts):
            return False
        if not self.account_names and not self.memos:
            return True
        return any(w in account_name for w in self.account_names) or any(
            w in memo for w in self.memos
        )


def _line_of(text: str, key: str) -> int:
    """The line (from 1) where ``key`` is set, else 1: tomllib names no line for what it reads."""
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    for n, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return n
    return 1


def parse_policy(text: str, code: str, source: str) -> Policy:
    """Read one policy file.

    :raise ValidationFailed: ``policy_invalid`` — the file cannot be read, names an unknown
        field, lacks a required one, a cap below zero, an unknown status …; the message begins
        ``<source>:<line>:`` and ``errors`` is keyed by that place.
    """

    def fail(key: str | None, message: str, line: int | None = None) -> ValidationFailed:
        n = line if line is not None else (_line_of(text, key) if key else 1)
        place = f"{source}:{n}"
        what = f"{key}: {message}" if key else message
        return ValidationFailed(
            f"{place}: {what}",
            code="policy_invalid",
            errors={place: [what]},
            params={"file": source, "line": n},
        )

    if not CODE_RE.fullmatch(code):
        raise fail(None, "the file name must be lower-case letters, digits and hyphens")
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise fail(None, str(error), int(found[1]) if found else 1) from error
    for key in data:
        if key not in FIELDS:
            raise fail(key, f"unknown field (known: {', '.join(sorted(FIELDS))})")
    for key in REQUIRED:
        if key not in data:
            raise fail(None, f"{key}: is required")

    def text_of(key: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise fail(key, "must be text in quotes")
        return value.strip()

    def texts(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, "must be a list of texts in quotes")
        return tuple(value)

    def choice(key: str, kind: type[_E], default: str | None = None) -> _E:
        value = data.get(key, default)
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return kind(value)
        except ValueError:
            raise fail(key, f"must be one of {', '.join(kind)}") from None

    def money(key: str) -> int | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise fail(key, 'must be an amount in yuan such as "10000.00"')
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise fail(key, 'must be an amount in yuan such as "10000.00"') from None
        if number < 0:
            raise fail(key, "must not be below zero")
        try:
            return parse_amount(str(value))
        except AmountError as error:
            raise fail(key, str(error)) from None

    def day(key: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        raise fail(key, "must be a date written 2026-01-01 (no quotes)")

    name = text_of("name")
    if not name:
        raise fail("name", "must not be blank")
    recipient = choice("recipient", Recipient)
    base = choice("base", BaseKind)
    side = choice("side", Side, "credit")
    statuses = texts("statuses")
    if not statuses:
        raise fail("statuses", "name at least one status")
    known = {s.value for s in PovertyStatus}
    for status in statuses:
        if status not in known:
            raise fail("statuses", f"unknown status {status!r} (known: {', '.join(known)})")
    accounts = texts("accounts")
    if not accounts or not all(a.isascii() and a.isdigit() for a in accounts):
        raise fail("accounts", "name at least one account code (digits)")
    rate: Decimal | None = None
    if "rate" in data:
        raw = data["rate"]
        try:
            if isinstance(raw, str) and raw.strip().endswith("%"):
                rate = Decimal(raw.strip()[:-1]) / 100
            elif isinstance(raw, str | Decimal):
                rate = Decimal(raw)
            else:
                raise InvalidOperation
        except InvalidOperation:
            raise fail(
                "rate", 'must be a percentage such as "8%" or a decimal such as 0.08'
            ) from None
        if not Decimal(0) < rate <= Decimal(1):
            raise fail("rate", "must be more than 0 % and at most 100 %")
    amount = money("amount")
    if base is BaseKind.LINES and (rate is None or amount is not None):
        raise fail("rate" if rate is None else "amount", "a base of posted lines takes a rate")
    if base is BaseKind.FIXED and (amount is None or rate is not None):
        raise fail("amount" if amount is None else "rate", "a fixed base takes an amount")
    if base is BaseKind.LINES and side is Side.ANY:
        raise fail("side", "a base of posted lines sums one side: credit or debit")
    if recipient is Recipient.ORGANIZATION and base is BaseKind.FIXED:
        raise fail("base", "an organization's subsidy is computed on posted lines")
    minimum = data.get("min_households", 0)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise fail("min_households", "must be a whole number, zero or more")
    valid_from, valid_to = day("from"), day("to")
    if valid_from and valid_to and valid_to < valid_from:
        raise fail("to", "must not be before from")
    return Policy(
        code=code,
        name=name,
        name_en=text_of("name_en") or name,
        issuer=text_of("issuer"),
        recipient=recipient,
        statuses=statuses,
        base=base,
        accounts=accounts,
        account_names=texts("account_names"),
        memos=texts("memos"),
        side=side,
        rate=rate,
        amount_fen=amount,
        cap_household_fen=money("cap_household"),
        cap_organization_fen=money("cap_organization"),
        min_households=minimum,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
    )


@dataclass(frozen=True, slots=True)
class Household:
    """A member as the computation sees it: its poverty status on the period's last day."""

    member_id: int
    member_no: str
    name: str
    kind: str
    status: str


@dataclass(frozen=True, slots=True)
class PostedLine:
    """A posted line of the period that carries a member."""

    member_id: int
    voucher: str  # the printed number, 记-2026-03-0007
    side: str  # "D" or "C"
    amount_fen: int
    account_code: str
    account_name: str
    memo: str = ""


@dataclass(frozen=True, slots=True)
class Entitlement:
    """One line of a claim: a household (or, with ``member_no`` None, the organization), its
    base, the amount computed, and the vouchers that evidence it."""

    member_no: str | None
    name: str
    status: str
    households: int
    base_fen: int
    amount_fen: int
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Computation:
    """What a policy gives an organization over a period."""

    policy: Policy
    date_from: date
    date_to: date
    households: int  # qualifying households with the activity
    qualifies: bool
    reason: str
    lines: tuple[Entitlement, ...]

    @property
    def total_fen(self) -> int:
        return sum(e.amount_fen for e in self.lines)


def _capped(amount: int, cap: int | None) -> int:
    return amount if cap is None else min(amount, cap)


def compute(
    policy: Policy,
    org_name: str,
    period: tuple[date, date],
    members: Iterable[Household],
    lines: Iterable[PostedLine],
) -> Computation:
    """Each qualifying household's base and amount, or the organization's, from the posted
    lines of the period (lines on accounts outside the policy are ignored here)."""
    qualifying = {
        m.member_id: m
        for m in members
        if m.kind == MemberKind.HOUSEHOLD and covers(policy.statuses, m.status)
    }
    base: dict[int, int] = defaultdict(int)
    seen: set[int] = set()
    evidence: dict[int, set[str]] = defaultdict(set)
    for line in lines:
        if line.member_id not in qualifying or not policy.counts(
            line.account_code, line.account_name, line.memo
        ):
            continue
        seen.add(line.member_id)
        evidence[line.member_id].add(line.voucher)
        wanted = {Side.CREDIT: "C", Side.DEBIT: "D"}.get(policy.side)
        if wanted is None or line.side == wanted:
            base[line.member_id] += line.amount_fen
    if policy.base is BaseKind.LINES:
        active = sorted((i for i in seen if base[i] > 0), key=lambda i: qualifying[i].member_no)
    else:
        active = sorted(seen, key=lambda i: qualifying[i].member_no)
    count = len(active)
    if count < policy.min_households:
        return Computation(
            policy,
            *period,
            count,
            False,
            f"{count} qualifying households, the policy asks for at least {policy.min_households}",
            (),
        )
    if policy.recipient is Recipient.ORGANIZATION:
        total_base = sum(base[i] for i in active)
        assert policy.rate is not None
        amount = _capped(apply_rate(total_base, policy.rate), policy.cap_organization_fen)
        vouchers = tuple(sorted(set().union(*(evidence[i] for i in active)))) if active else ()
        entries: tuple[Entitlement, ...] = (
            (Entitlement(None, org_name, "", count, total_base, amount, vouchers),)
            if active
            else ()
        )
        return Computation(policy, *period, count, bool(active), "", entries)
    amounts = []
    for i in active:
        if policy.base is BaseKind.LINES:
            assert policy.rate is not None
            raw = apply_rate(base[i], policy.rate)
        else:
            assert policy.amount_fen is not None
            raw = policy.amount_fen
        amounts.append(_capped(raw, policy.cap_household_fen))
    cap = policy.cap_organization_fen
    if cap is not None and sum(amounts) > cap:
        amounts = allocate(cap, amounts)
    entries = tuple(
        Entitlement(
            qualifying[i].member_no,
            qualifying[i].name,
            qualifying[i].status,
            1,
            base[i] if policy.base is BaseKind.LINES else 0,
            fen,
            tuple(sorted(evidence[i])),
        )
        for i, fen in zip(active, amounts, strict=True)
    )
    return Computation(policy, *period, count, bool(active), "", entries)


#: words in the name of the sub-account of 成员往来 / 内部往来 that holds subsidies owed
HOLDING_WORDS = ("补贴", "补助")


def holding_account(chart: Chart, accounts: Mapping[str, Account]) -> str:
    """Where subsidies owed to households are held: the chart's 成员往来 (内部往来), or, when the
    organization keeps sub-accounts under it, the one whose name holds 补贴 or 补助.

    :raise ValidationFailed: ``account`` — sub-accounts, none of them for subsidies.
    """
    current = chart.role("member_current")
    found = accounts.get(current)
    if found is None or found.postable:
        return current
    for code in sorted(accounts):
        account = accounts[code]
        if (
            code.startswith(current)
            and account.postable
            and any(w in account.name_zh for w in HOLDING_WORDS)
        ):
            return code
    message = (
        f"{current} {found.name_zh} has sub-accounts: add one named for subsidies "
        f"(e.g. {found.name_zh}—补贴款) to hold what is owed to households"
    )
    raise ValidationFailed(message, code="no_subsidy_account", errors={"account": [message]})


def receipt(
    chart: Chart,
    holding: str,
    on: date,
    policy_name: str,
    recipient: Recipient,
    lines: Sequence[tuple[str | None, int]],
) -> VoucherDraft:
    """The voucher of the subsidy received, one attachment (the notice of payment): Dr 银行存款
    the total / Cr each household's 成员往来 (内部往来) with its amount, or the organization's
    补助收入 (其他收入 in a cooperative's chart) when the subsidy is its own."""
    total = sum(fen for _, fen in lines)
    memo = f"收到{policy_name}"[:MEMO_CHARS]
    out = [Line(chart.role("bank"), Dr.DEBIT, total, memo=memo)]
    if recipient is Recipient.ORGANIZATION:
        account = chart.roles.get("subsidy_income") or chart.role("other_income")
        out.append(Line(account, Dr.CREDIT, total, memo=memo))
    else:
        out += [
            Line(holding, Dr.CREDIT, fen, member=no, memo=f"应付{policy_name}"[:MEMO_CHARS])
            for no, fen in lines
            if fen > 0
        ]
    return VoucherDraft(on, f"{memo}（{format_amount(total)}元）"[:MEMO_CHARS], tuple(out), 1)


def payment(
    chart: Chart, holding: str, on: date, policy_name: str, lines: Sequence[tuple[str, int]]
) -> VoucherDraft:
    """The voucher of the subsidy paid to households, one attachment (the signed payment list):
    Dr each household's 成员往来 (内部往来) / Cr 银行存款 the total."""
    memo = f"支付{policy_name}"[:MEMO_CHARS]
    out = [Line(holding, Dr.DEBIT, fen, member=no, memo=memo) for no, fen in lines]
    total = sum(fen for _, fen in lines)
    out.append(Line(chart.role("bank"), Dr.CREDIT, total, memo=memo))
    return VoucherDraft(on, f"{memo}（{format_amount(total)}元）"[:MEMO_CHARS], tuple(out), 1)


def check_payments(
    due: Mapping[str, int], asked: Sequence[tuple[str, int]]
) -> list[tuple[str, int]]:
    """The payments asked, each within what is still due to its household.

    :raise ValidationFailed: an amount not above zero, a household not on the claim.
    :raise InvalidState: ``subsidy_overpaid`` — more than is still due to a household (named).
    """
    errors: dict[str, list[str]] = {}
    total: dict[str, int] = defaultdict(int)
    for i, (member_no, fen) in enumerate(asked):
        if member_no not in due:
            errors[f"lines.{i}.member"] = ["is not on this claim"]
        elif fen <= 0:
            errors[f"lines.{i}.amount"] = ["must be more than zero"]
        total[member_no] += fen
    if errors:
        raise ValidationFailed("a payment line is not valid", errors=errors)
    for member_no, fen in total.items():
        if fen > due[member_no]:
            raise InvalidState(
                f"member {member_no}: {format_amount(fen)} asked, "
                f"{format_amount(due[member_no])} still due",
                code="subsidy_overpaid",
                params={"member": member_no, "due": format_amount(due[member_no])},
            )
    return list(asked)


def _read(files: Iterable[tuple[str, str, str]]) -> dict[str, Policy]:
    policies: dict[str, Policy] = {}
    for code, source, text in files:
        if code in policies:
            raise ValidationFailed(
                f"{source}:1: a policy named {code} is already loaded from {policies[code].source}",
                code="policy_invalid",
                errors={f"{source}:1": [f"a policy named {code} is already loaded"]},
                params={"file": source, "line": 1},
            )
        policies[code] = parse_policy(text, code, source)
    return policies


def load_policies(folder: Path | None = None) -> dict[str, Policy]:
    """The shipped policies (``coopledger/policies``), then a county's own from ``folder`` when
    it exists, every file read and checked the same way, by code.

    :raise ValidationFailed: ``policy_invalid`` — the first file refused, its line named; a
        county file reusing a shipped policy's name.
    """
    shipped = resources.files("coopledger").joinpath("policies")
    files = [
        (entry.name.removesuffix(".toml"), f"policies/{entry.name}", entry.read_text("utf-8"))
        for entry in sorted(shipped.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]
    if folder is not None and folder.is_dir():
        files += [
            (path.stem, str(path), path.read_text("utf-8"))
            for path in sorted(folder.glob("*.toml"))
        ]
    return _read(files)
