"""Vouchers (记账凭证) and their lines: the rules of double entry.

A line carries one ``side`` (debit or credit) and a positive ``amount_fen``; only a red reversal
(红字冲销) carries negative amounts, on the same sides as the original, so that each side's
turnover (发生额) stays true. A voucher balances: Σ debit = Σ credit ≠ 0, with two lines or more.
Validation *returns* every problem at once, keyed by field path, like beancount's validation.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from coopledger.domain.accounts import Account, AccountCode, Subledger
from coopledger.domain.bounds import MAX_FEN_SUM, SUM_TOO_LARGE_MESSAGE, AmountTooLarge
from coopledger.domain.errors import Unbalanced, ValidationFailed
from coopledger.domain.money import MAX_AMOUNT_FEN, format_amount

GENESIS_HASH = "0" * 64
MAX_LINES = 10_000  # generated vouchers (distribution, depreciation); the API takes at most 500
MAX_MEMO = 200


class Dr(enum.StrEnum):
    """The side of a line; stored as one letter."""

    DEBIT = "D"
    CREDIT = "C"


class Status(enum.StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    POSTED = "posted"


class VoucherKind(enum.StrEnum):
    NORMAL = "normal"
    REVERSAL = "reversal"  # 红字冲销: the original's lines, amounts negated
    CLOSING = "closing"  # year-end carry-forward of income and expense into 本年盈余


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a voucher. ``amount_fen`` > 0, or < 0 on a red reversal only."""

    account: AccountCode
    side: Dr
    amount_fen: int
    member: str | None = None  # member number, for accounts with a member subledger
    fund: str | None = None  # fund code, for 专项应付款 / 一事一议资金
    quantity_milli: int | None = None  # thousandths of ``unit`` (kg, head…)
    unit: str | None = None
    memo: str = ""

    @property
    def signed_fen(self) -> int:
        """Debit positive, credit negative: the line's effect on a debit-minus-credit balance."""
        return self.amount_fen if self.side is Dr.DEBIT else -self.amount_fen


@dataclass(frozen=True, slots=True)
class VoucherDraft:
    """What a preparer enters; checked against the chart by :func:`validate_draft`."""

    booked_on: date
    memo: str
    lines: tuple[Line, ...]
    attachments: int = 0
    kind: VoucherKind = VoucherKind.NORMAL


@dataclass(frozen=True, slots=True)
class Voucher:
    """A voucher as stored; ``number`` and ``hash`` are set when it is posted."""

    id: int
    org_code: str
    status: Status
    booked_on: date
    memo: str
    attachments: int
    kind: VoucherKind
    lines: tuple[Line, ...]
    prepared_by: str
    reviewed_by: str | None = None
    posted_by: str | None = None
    number: int | None = None
    reverses: int | None = None
    reversed_by: int | None = None
    chain_seq: int | None = None
    prev_hash: str | None = None
    hash: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


def totals(lines: Iterable[Line]) -> tuple[int, int]:
    """(Σ debit, Σ credit) in fen."""
    debit = credit = 0
    for line in lines:
        if line.side is Dr.DEBIT:
            debit += line.amount_fen
        else:
            credit += line.amount_fen
    return debit, credit


def validate_draft(
    draft: VoucherDraft,
    accounts: Mapping[AccountCode, Account],
    members: Mapping[str, object],
    funds: Mapping[str, object],
) -> None:
    """Check a draft against the organization's chart, members and funds.

    :raise ValidationFailed: every problem at once, keyed ``lines.<i>.<field>``.
    :raise AmountTooLarge: Σ debit or Σ credit is more than a 64-bit column holds.
    :raise Unbalanced: the lines are fine one by one, but Σ debit ≠ Σ credit or both are zero.
    """
    errors: dict[str, list[str]] = {}

    def err(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    reversal = draft.kind is VoucherKind.REVERSAL
    if len(draft.memo) > MAX_MEMO:
        err("memo", f"at most {MAX_MEMO} characters")
    if not 0 <= draft.attachments <= 9999:
        err("attachments", "must be a whole number from 0 to 9999")
    if len(draft.lines) < 2:
        err("lines", "a voucher needs at least two lines")
    if len(draft.lines) > MAX_LINES:
        err("lines", f"at most {MAX_LINES} lines")
    for i, line in enumerate(draft.lines):
        path = f"lines.{i}"
        amount_field = f"{path}.{'debit' if line.side is Dr.DEBIT else 'credit'}"
        if line.amount_fen == 0:
            err(amount_field, "must not be zero")
        elif line.amount_fen < 0 and not reversal:
            err(amount_field, "must be positive; only a red reversal carries negative amounts")
        elif abs(line.amount_fen) > MAX_AMOUNT_FEN:
            err(amount_field, "is out of range")
        account = accounts.get(line.account)
        if account is None:
            err(f"{path}.account", f"unknown account {line.account!r}")
            continue
        if not account.postable:
            err(f"{path}.account", f"{line.account} has sub-accounts; post to one of them")
        if account.subledger is Subledger.MEMBER and line.member is None:
            err(f"{path}.member", f"account {line.account} {account.name_zh} needs a member")
        if line.member is not None:
            if account.subledger is not Subledger.MEMBER:
                err(f"{path}.member", f"account {line.account} keeps no member subledger")
            elif line.member not in members:
                err(f"{path}.member", f"unknown member {line.member!r}")
        if account.subledger is Subledger.FUND and line.fund is None:
            err(f"{path}.fund", f"account {line.account} {account.name_zh} needs a fund")
        if line.fund is not None and line.fund not in funds:
            err(f"{path}.fund", f"unknown fund {line.fund!r}")
        if (line.quantity_milli is None) != (line.unit is None):
            err(f"{path}.unit", "quantity and unit go together")
        if len(line.memo) > MAX_MEMO:
            err(f"{path}.memo", f"at most {MAX_MEMO} characters")
    if errors:
        raise ValidationFailed("the voucher has invalid lines", errors=errors)
    debit, credit = totals(draft.lines)
    if max(abs(debit), abs(credit)) > MAX_FEN_SUM:
        raise AmountTooLarge(
            f"the voucher's total {SUM_TOO_LARGE_MESSAGE}",
            errors={"lines": [f"the total {SUM_TOO_LARGE_MESSAGE}"]},
        )
    if debit != credit or debit == 0:
        raise Unbalanced(
            f"debits {format_amount(debit)} and credits {format_amount(credit)} differ by "
            f"{format_amount(debit - credit)}"
            if debit != credit
            else "the voucher totals zero",
            errors={
                "lines": [
                    f"Σ debit {format_amount(debit)} ≠ Σ credit {format_amount(credit)}"
                    if debit != credit
                    else "total must not be zero"
                ]
            },
        )


def reversal_draft(
    original: Voucher, number: str, booked_on: date, memo: str | None
) -> VoucherDraft:
    """The red voucher that cancels ``original`` (printed ``number``): same lines and sides,
    amounts negated. The memo follows 会计基础工作规范 art. 51(5): 注销某月某日某号凭证.
    """
    text = memo or f"注销{original.booked_on.month}月{original.booked_on.day}日{number}号凭证"
    lines = tuple(replace(line, amount_fen=-line.amount_fen) for line in original.lines)
    return VoucherDraft(
        booked_on=booked_on, memo=text, lines=lines, attachments=0, kind=VoucherKind.REVERSAL
    )


@dataclass(frozen=True, slots=True)
class Balance:
    """A debit-minus-credit balance on one account (and member and fund, where kept)."""

    account: AccountCode
    net_fen: int
    member: str | None = None
    fund: str | None = None


def closing_draft(
    balances: Sequence[Balance], surplus_account: AccountCode, booked_on: date, memo: str
) -> tuple[VoucherDraft | None, int]:
    """Carry every income and expense balance into 本年盈余; returns (draft, surplus in fen).

    Each balance is cleared with a line on its opposite side; the net goes to
    ``surplus_account`` (credit for a surplus, debit for a loss). No balances → no voucher.
    """
    lines: list[Line] = []
    for b in sorted(balances, key=lambda b: (b.account, b.member or "", b.fund or "")):
        if b.net_fen == 0:
            continue
        side = Dr.CREDIT if b.net_fen > 0 else Dr.DEBIT
        lines.append(
            Line(
                account=b.account,
                side=side,
                amount_fen=abs(b.net_fen),
                member=b.member,
                fund=b.fund,
                memo=memo,
            )
        )
    surplus = -sum(b.net_fen for b in balances)
    if not lines:
        return None, 0
    if surplus != 0:
        side = Dr.CREDIT if surplus > 0 else Dr.DEBIT
        lines.append(Line(account=surplus_account, side=side, amount_fen=abs(surplus), memo=memo))
    return VoucherDraft(
        booked_on=booked_on, memo=memo, lines=tuple(lines), kind=VoucherKind.CLOSING
    ), surplus


def canonical_payload(voucher: Voucher, number_text: str) -> bytes:
    """The bytes the hash chain covers: every field of a posted voucher that carries meaning,
    as a JSON array in a fixed order (version 1 of the layout, the first element)."""
    payload = [
        1,
        voucher.org_code,
        voucher.chain_seq,
        number_text,
        voucher.booked_on.isoformat(),
        voucher.memo,
        voucher.attachments,
        voucher.kind.value,
        voucher.reverses,
        voucher.prepared_by,
        voucher.reviewed_by,
        voucher.posted_by,
        [
            [
                ln.account,
                ln.member,
                ln.fund,
                ln.side.value,
                ln.amount_fen,
                ln.quantity_milli,
                ln.unit,
                ln.memo,
            ]
            for ln in voucher.lines
        ],
    ]
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, payload: bytes) -> str:
    """SHA-256 over the previous hash and the voucher's canonical payload (hex)."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + payload).hexdigest()
