"""The household dividend statement: what a household receives for a year, and why, as data.

The statement is drawn from the year's posted distribution plan and the share register at year
end; every figure on it is a line of that plan or a sum the plan keeps. Each statement carries a
verification code, issued once per household and plan and kept with the total it printed and the
hash-chain head it was drawn from, so that ``/verify/{code}`` can tell anyone holding the paper
whether it still matches the books.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from coopledger.domain.capitals import SPOKEN, spoken_number, to_capitals, to_chinese_words
from coopledger.domain.errors import InvalidState, NotFound
from coopledger.domain.ledger import Status, Voucher
from coopledger.domain.members import mask
from coopledger.domain.money import format_amount, format_grouped, format_quantity
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Actor
from coopledger.services.access import member_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import (
    Clock,
    HandoutRecord,
    IssuedStatement,
    Member,
    Org,
    PlanLineRecord,
    PlanRecord,
    UnitOfWork,
)
from coopledger.services.shares import Holding, holdings_as_of
from coopledger.translations import N_, gettext_for

STATUS_ZH = {  # msgids: the English catalog names them (gettext_for("en"))
    "none": N_("一般户"),
    "poor": N_("建档立卡贫困户（旧称，今脱贫户）"),
    "exited": N_("脱贫户"),
    "monitored": N_("监测户"),
    "low_income": N_("低保户"),
    "extreme_poverty": N_("特困供养户"),
}


@dataclass(frozen=True, slots=True)
class Statement:
    org_code: str
    org_name: str
    year: int
    member_no: str
    member_name: str
    id_number_masked: str | None
    poverty_status: str
    plan: PlanRecord
    line: PlanLineRecord
    holding: Holding | None
    transactions_total_fen: int  # all members' transactions in the year
    shares_total_fen: int  # all members' account shares at year end
    issued: IssuedStatement
    #: the goods handed to the household in kind in the year (受赠物资), in date order
    in_kind: tuple[HandoutRecord, ...] = ()

    @property
    def in_kind_fen(self) -> int:
        return sum(g.value_fen for g in self.in_kind)

    @property
    def in_kind_lines(self) -> list[tuple[str, str, str, int]]:
        """The goods as the paper lists them: item, quantity with its unit, date, value (fen)."""
        return [
            (
                g.item_name,
                f"{format_quantity(g.quantity_milli)} {g.unit}",
                g.handed_on.isoformat(),
                g.value_fen,
            )
            for g in self.in_kind
        ]

    @property
    def residual_before_topup_fen(self) -> int:
        return self.line.residual_fen - self.line.topup_fen

    @property
    def unpaid_fen(self) -> int:
        return self.line.total_fen - self.line.paid.settled_fen

    @property
    def paid_out_fen(self) -> int:
        p = self.line.paid
        return p.settled_fen - p.offset_fen - p.converted_fen

    def figures(self) -> dict[str, object]:
        """What the statement shows, as data (amounts as decimal strings in yuan): embedded in the
        PDF as ``figures.json`` so a machine reads exactly what the household reads."""
        ln, h, paid = self.line, self.holding, self.line.paid
        shares = (
            {
                "capital": format_amount(h.capital),
                "reserve_share": format_amount(h.reserve_share),
                "fiscal_share": format_amount(h.fiscal_share),
                "donation_share": format_amount(h.donation_share),
                "total": format_amount(h.total),
            }
            if h is not None
            else None
        )
        return {
            "document": "household_dividend_statement",
            "org": self.org_code,
            "org_name": self.org_name,
            "year": self.year,
            "member": self.member_no,
            "name": self.member_name,
            "id_number": self.id_number_masked,
            "poverty_status": self.poverty_status,
            "plan": self.plan.id,
            "transaction_amount": format_amount(ln.transaction_fen),
            "patronage": format_amount(ln.patronage_fen),
            "account_share": format_amount(ln.account_share_fen),
            "shares": shares,
            "residual": format_amount(self.residual_before_topup_fen),
            "guarantee_topup": format_amount(ln.topup_fen),
            "total": format_amount(ln.total_fen),
            "paid": format_amount(self.paid_out_fen),
            "offset": format_amount(paid.offset_fen),
            "converted": format_amount(paid.converted_fen),
            "unpaid": format_amount(self.unpaid_fen),
            "in_kind": [
                {
                    "item": g.item_name,
                    "quantity": format_quantity(g.quantity_milli),
                    "unit": g.unit,
                    "value": format_amount(g.value_fen),
                    "date": g.handed_on.isoformat(),
                    "donor": g.donor,
                }
                for g in self.in_kind
            ],
            "in_kind_value": format_amount(self.in_kind_fen),
            "verification_code": self.issued.code,
            "chain_seq": self.issued.chain_seq,
            "chain_head": self.issued.chain_head,
            "issued_at": self.issued.issued_at.isoformat(timespec="seconds"),
        }

    def explanation(self, locale: str = "zh") -> list[str]:
        """The amount in plain words, step by step, for the household to check: in Chinese, or
        in English (``locale="en"``) with the same figures.

        :raise ValueError: ``locale`` is neither ``zh`` nor ``en``.
        """
        if locale == "en":
            return self._explanation_en()
        if locale != "zh":
            raise ValueError(f"statements are explained in zh or en, not {locale!r}")
        ln, plan, y = self.line, self.plan, self.year
        m = format_grouped
        out = []
        if plan.P:
            out.append(
                f"{y}年您家与合作社的交易额为 {m(ln.transaction_fen)} 元，占全体成员交易额 "
                f"{m(self.transactions_total_fen)} 元的 {_pct(ln.transaction_fen, self.transactions_total_fen)}。"
                f"可分配盈余 {m(plan.D)} 元中的 {m(plan.P)} 元按交易额返还，您家得盈余返还 {m(ln.patronage_fen)} 元。"
            )
        h = self.holding
        parts = (
            (
                f"（出资 {m(h.capital)} 元、公积金份额 {m(h.reserve_share)} 元、财政补助量化份额 {m(h.fiscal_share)} 元、"
                f"捐赠量化份额 {m(h.donation_share)} 元）"
            )
            if h
            else ""
        )
        out.append(
            f"年末您家的账户份额为 {m(ln.account_share_fen)} 元{parts}，占全体成员账户份额 {m(self.shares_total_fen)} 元的 "
            f"{_pct(ln.account_share_fen, self.shares_total_fen)}。"
            f"{f'扣除其他提取 {m(plan.others)} 元后，' if plan.others else ''}"
            f"其余 {m(plan.Q)} 元按账户份额分配，您家分得 "
            f"{m(self.residual_before_topup_fen)} 元。"
        )
        if ln.topup_fen:
            out.append(
                f"按成员大会决议（{plan.resolution}），{STATUS_ZH.get(ln.poverty_status, ln.poverty_status)}"
                f"保底 {m(ln.minimum_fen or 0)} 元，为您家补足 {m(ln.topup_fen)} 元，由其他成员的剩余盈余按比例让出。"
            )
        elif ln.minimum_fen is not None:
            out.append(
                f"按成员大会决议保底 {m(ln.minimum_fen)} 元，您家分得的已不低于保底，无需补足。"
            )
        out.append(
            f"合计 {m(ln.total_fen)} 元（{to_capitals(ln.total_fen)}）。所有分配均精确到分，各项合计与账簿一致。"
        )
        return out

    def _explanation_en(self) -> list[str]:
        """:meth:`explanation` in English, sentence for sentence; the amount in capitals stays
        Chinese (the statutory form), the status is the catalog's English name."""
        ln, plan, y = self.line, self.plan, self.year
        m = format_grouped
        out = []
        if plan.P:
            out.append(
                f"In {y} your household's transactions with the cooperative came to "
                f"{m(ln.transaction_fen)} yuan, "
                f"{_pct(ln.transaction_fen, self.transactions_total_fen)} of all members' "
                f"transactions ({m(self.transactions_total_fen)} yuan). Of the distributable "
                f"surplus of {m(plan.D)} yuan, {m(plan.P)} yuan is refunded by transactions: your "
                f"household's patronage refund is {m(ln.patronage_fen)} yuan."
            )
        h = self.holding
        parts = (
            (
                f" (contributions {m(h.capital)} yuan, reserve share {m(h.reserve_share)} yuan, "
                f"quantified fiscal subsidy share {m(h.fiscal_share)} yuan, quantified donation "
                f"share {m(h.donation_share)} yuan)"
            )
            if h
            else ""
        )
        out.append(
            f"At year end your household's account share was {m(ln.account_share_fen)} yuan"
            f"{parts}, {_pct(ln.account_share_fen, self.shares_total_fen)} of all members' "
            f"account shares ({m(self.shares_total_fen)} yuan). "
            f"{f'After other appropriations of {m(plan.others)} yuan, the' if plan.others else 'The'} "
            f"remaining {m(plan.Q)} yuan "
            f"is distributed by account share: your household receives "
            f"{m(self.residual_before_topup_fen)} yuan."
        )
        if ln.topup_fen:
            status = gettext_for("en")(STATUS_ZH.get(ln.poverty_status, ln.poverty_status))
            out.append(
                f"By the resolution of the members' assembly ({plan.resolution}), a household "
                f"with the status “{status}” is guaranteed at least {m(ln.minimum_fen or 0)} "
                f"yuan: your household's share is topped up by {m(ln.topup_fen)} yuan, given up "
                "in proportion from the other members' residual surplus."
            )
        elif ln.minimum_fen is not None:
            out.append(
                f"The resolution of the members' assembly guarantees at least "
                f"{m(ln.minimum_fen)} yuan; your household's share is already no less, so no "
                "top-up is needed."
            )
        out.append(
            f"Total {m(ln.total_fen)} yuan (in Chinese capitals: {to_capitals(ln.total_fen)}). "
            "Every share is exact to the fen, and the totals agree with the books."
        )
        return out


def _pct(part: int, total: int) -> str:
    if total <= 0:
        return "0.00%"
    value = Fraction(part * 100, total)
    hundredths = int(value * 100 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


class PublicUrlUnset(InvalidState):
    code = "public_url_unset"


def verification_base(public_url: str) -> str:
    """The address printed on a statement and in its QR code, under which ``/verify`` answers:
    the configured public address, never one a request named (its ``Host`` is the client's).

    :raise PublicUrlUnset: no public address is configured (409); nothing is issued.
    """
    if not public_url:
        raise PublicUrlUnset(
            "no public address is configured for the verification link: set "
            "COOPLEDGER_PUBLIC_URL (such as https://books.example.org/) and issue the statements "
            "again"
        )
    return public_url


def household_statement(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    member_no: str,
    year: int,
    *,
    clock: Clock = utcnow,
) -> Statement:
    """The statement of one household for one year (a household user: its own only).

    :raise NotFound: unknown or unseen organization or member; the member is not in the plan.
    :raise InvalidState: the year has no approved and posted distribution plan (409).
    """
    with uow:
        org, member = member_for(uow.store, actor, org_code, member_no)
        return statement_in_year(uow, org, member, year, clock=clock)


def statement_in_year(
    uow: UnitOfWork, org: Org, member: Member, year: int, *, clock: Clock = utcnow
) -> Statement:
    """:func:`household_statement` of a member record the caller has read and checked the
    actor's access to, inside the caller's ``with uow``.

    :raise NotFound: the member is not in the plan. :raise InvalidState: the year has no
    approved and posted distribution plan (409).
    """
    plan = _posted_plan(uow, org, year)
    if plan is None:
        raise InvalidState(
            f"{year} has no approved and posted distribution plan; statements are issued "
            "once the plan is posted",
            code="no_posted_plan",
            params={"year": year},
        )
    found = statement_under(uow, org, member, plan, clock=clock)
    if found is None:
        raise NotFound(f"member {member.member_no} has no share in the {year} distribution")
    return found


def _posted_plan(uow: UnitOfWork, org: Org, year: int) -> PlanRecord | None:
    dist = uow.distributions
    plan_id = next((i for i, _y, s in dist.plans(org.id, year) if s == "posted"), None)
    return dist.plan(org.id, plan_id) if plan_id is not None else None


def statement_under(
    uow: UnitOfWork,
    org: Org,
    member: Member,
    plan: PlanRecord,
    *,
    clock: Clock = utcnow,
    handouts: Sequence[HandoutRecord] | None = None,
) -> Statement | None:
    """The statement of ``member`` under the posted ``plan`` (None: no share in it, as it
    joined after that year's distribution), for a caller that has read the member record and
    checked the actor's access to it; inside the caller's ``with uow``. Its code is issued the
    first time (committed here). ``handouts``: the member's hand-outs in the organization, all
    years, as the caller read them already (else they are read)."""
    line = next((ln for ln in plan.lines if ln.member_id == member.id), None)
    if line is None:
        return None
    register = holdings_as_of(uow, org, date(plan.year, 12, 31), None, member.id)
    holding = next((h for h in register.holdings if h.member_no == member.member_no), None)
    issued, new = issue_code(uow, org, plan, line, clock)
    if handouts is None:
        goods = goods_in_kind(uow, org.id, plan.year, member.id).get(member.member_no, [])
    else:
        first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
        goods = [h for h in handouts if first <= h.handed_on <= last and h.posted_seq is not None]
    if new:
        uow.commit()
    return statement_of(
        org, plan, line, member.name, member.id_number, holding, issued, in_kind_of(goods, issued)
    )


def goods_in_kind(
    uow: UnitOfWork, org_id: int, year: int, member_id: int | None = None
) -> dict[str, list[HandoutRecord]]:
    """The goods handed out in kind in ``year`` on posted vouchers, by member number (of one
    member when given), inside the caller's unit of work."""
    found: dict[str, list[HandoutRecord]] = {}
    for h in uow.donations.handouts(
        org_id, member_id=member_id, since=date(year, 1, 1), through=date(year, 12, 31)
    ):
        if h.posted_seq is not None:
            found.setdefault(h.member_no, []).append(h)
    return found


def in_kind_of(
    goods: Sequence[HandoutRecord], issued: IssuedStatement
) -> tuple[HandoutRecord, ...]:
    """The goods a statement lists: those whose hand-out voucher was posted by the hash-chain
    entry the statement was drawn from, so the statement issued under a code lists the same
    goods whenever it is printed, and the chain it names vouches for them."""
    return tuple(g for g in goods if g.posted_seq is not None and g.posted_seq <= issued.chain_seq)


def issue_code(
    uow: UnitOfWork, org: Org, plan: PlanRecord, line: PlanLineRecord, clock: Clock
) -> tuple[IssuedStatement, bool]:
    """The verification code issued to ``line``'s household under ``plan``, or a new one issued
    now with the total it prints and the chain head it is drawn from; True when new (the caller
    commits). Inside the caller's ``with uow``.
    """
    issued = uow.distributions.issued_statement(plan.id, line.member_id)
    if issued is not None:
        return issued, False
    current = uow.store.org_by_id(org.id)
    assert current is not None
    issued = IssuedStatement(
        secrets.token_hex(8).upper(),
        plan.id,
        plan.year,
        line.total_fen,
        current.chain_seq,
        current.chain_head,
        clock(),
    )
    stored = uow.distributions.issue_statement(issued, org.id, line.member_id)
    return stored, stored.code == issued.code


def statement_of(
    org: Org,
    plan: PlanRecord,
    line: PlanLineRecord,
    name: str,
    id_number: str | None,
    holding: Holding | None,
    issued: IssuedStatement,
    in_kind: tuple[HandoutRecord, ...] = (),
) -> Statement:
    """The statement of ``line``'s household: the plan's figures, its year-end holding, its code
    and the goods it received in kind that year."""
    return Statement(
        org.code,
        org.name,
        plan.year,
        line.member_no,
        name,
        mask(id_number),
        line.poverty_status,
        plan,
        line,
        holding,
        sum(ln.transaction_fen for ln in plan.lines),
        sum(ln.account_share_fen for ln in plan.lines),
        issued,
        in_kind,
    )


_AMOUNT = re.compile(r"(-?[\d,]+\.\d{2}) ?元")
_PERCENT = re.compile(r"(\d+)\.(\d{2})%")
_YEAR = re.compile(r"(\d{4})年")
_CAPITALS = re.compile(r"（人民币[^）]*）")


def spoken_explanation(s: Statement) -> str:
    """What the 听读 button says: the statement's plain-words explanation in Chinese with every
    figure in words as it is said (两千一百四十八元九角, 百分之二十五, 二零二五年), then what is
    owed, paid and unpaid. It names no household (the verification page is public); the capitals
    written for the paper are left out, the words already say the amount."""

    def amount(m: re.Match[str]) -> str:
        whole, cents = m.group(1).replace(",", "").split(".")
        fen = int(whole.lstrip("-")) * 100 + int(cents)
        return to_chinese_words(-fen if whole.startswith("-") else fen)

    def percent(m: re.Match[str]) -> str:
        decimals = m.group(2).rstrip("0")
        tail = "点" + "".join(SPOKEN[int(d)] for d in decimals) if decimals else ""
        return "百分之" + spoken_number(int(m.group(1))) + tail

    def year(m: re.Match[str]) -> str:
        return "".join(SPOKEN[int(d)] for d in m.group(1)) + "年"

    text = "".join(s.explanation("zh"))
    text = _CAPITALS.sub("", text)
    text = _YEAR.sub(year, _PERCENT.sub(percent, _AMOUNT.sub(amount, text)))
    paid = s.line.paid.settled_fen
    closing = (
        f"应得{to_chinese_words(s.line.total_fen)}，已付{to_chinese_words(paid)}，"
        f"未付{to_chinese_words(s.unpaid_fen)}。"
    )
    return f"{_YEAR.sub(year, f'{s.year}年')}盈余分配明细。{text}{closing}"


def statement_by_code(uow: UnitOfWork, code: str) -> Statement:
    """The statement issued under ``code``, as the books give it now (no login: whoever holds
    the paper holds the code).

    :raise NotFound: no statement has this code, or its plan is no longer posted.
    """
    with uow:
        found = uow.distributions.statement_by_code(code.strip().upper())
        if found is None:
            raise NotFound("no statement has this verification code")
        issued, org_id, member_id = found
        org = uow.store.org_by_id(org_id)
        member = uow.store.member_by_id(member_id)
        plan = uow.distributions.plan(org_id, issued.plan_id)
        line = next((ln for ln in plan.lines if ln.member_id == member_id), None) if plan else None
        if org is None or member is None or plan is None or line is None:
            raise NotFound("no statement has this verification code")
        if plan.status != "posted":
            raise NotFound("the plan of this statement is no longer posted")
        register = holdings_as_of(uow, org, date(plan.year, 12, 31))
        holding = next((h for h in register.holdings if h.member_no == member.member_no), None)
        goods = goods_in_kind(uow, org.id, plan.year, member.id).get(member.member_no, [])
    return statement_of(
        org, plan, line, member.name, member.id_number, holding, issued, in_kind_of(goods, issued)
    )


@dataclass(frozen=True, slots=True)
class Reversal:
    """A voucher behind a statement (the distribution's own, or one paying the household its
    share) that a posted red voucher has cancelled since."""

    voucher: str  # the printed number of the voucher cancelled
    reversed_by: str  # the printed number of the red voucher
    reversed_on: date


VERDICTS = ("matches_issued", "matches_not_issued", "books_changed", "unknown")


@dataclass(frozen=True, slots=True)
class Verification:
    code: str
    org_name: str
    year: int
    member: str  # name, first character only
    total_fen: int
    issued_at: datetime
    chain_seq: int
    chain_head: str
    plan_still_matches: bool
    chain_still_matches: bool
    documents: tuple[tuple[str, datetime], ...] = ()  # (SHA-256, first issued) of each PDF
    document_issued: bool | None = None  # the SHA-256 asked about was issued (None: not asked)
    total_now_fen: int | None = None  # what the plan gives the household now (None: no plan)
    chain_head_now: str | None = None  # the ledger's hash at ``chain_seq`` now
    reversals: tuple[Reversal, ...] = ()

    @property
    def books_match(self) -> bool:
        """The books still say what the statement printed: the same total, the same chain head,
        and no voucher behind it reversed."""
        return self.plan_still_matches and self.chain_still_matches and not self.reversals

    @property
    def verdict(self) -> str:
        """``books_changed`` when the books no longer say what was printed; otherwise
        ``matches_not_issued`` when the file asked about (its SHA-256) is not one handed out
        under the code, else ``matches_issued`` (the file, or without one the code, was issued
        and still matches)."""
        if not self.books_match:
            return "books_changed"
        if self.document_issued is False:
            return "matches_not_issued"
        return "matches_issued"

    @property
    def genuine(self) -> bool:
        return self.verdict == "matches_issued"


def record_issued_document(
    uow: UnitOfWork, statement: Statement, document: bytes, *, clock: Clock = utcnow
) -> str:
    """Record the SHA-256 of a statement PDF as it is handed out (one transaction), so a copy can
    be checked later byte for byte; returns the digest. Rendering the same statement from the
    same books gives the same bytes, so a second download records nothing new."""
    return record_issued_documents(uow, [(statement, document)], clock=clock)[0]


def record_issued_documents(
    uow: UnitOfWork, documents: Sequence[tuple[Statement, bytes]], *, clock: Clock = utcnow
) -> list[str]:
    """:func:`record_issued_document` for a batch, in one transaction; the digests in order."""
    digests = [hashlib.sha256(document).hexdigest() for _s, document in documents]
    now = clock()
    with uow:
        for (statement, document), digest in zip(documents, digests, strict=True):
            uow.distributions.record_document(statement.issued.code, digest, len(document), now)
        uow.commit()
    return digests


def verify_statement(uow: UnitOfWork, code: str, sha256: str | None = None) -> Verification:
    """Public check of a printed statement by its code (no login): does the plan still give the
    household the amount printed, and does the ledger still hold the chain head printed? With
    ``sha256`` (of a PDF file someone holds): was exactly that document issued under the code?

    :raise NotFound: no statement has this code.
    """
    with uow:
        found = uow.distributions.statement_by_code(code.strip().upper())
        if found is None:
            raise NotFound("no statement has this verification code")
        issued, org_id, member_id = found
        org = uow.store.org_by_id(org_id)
        member = uow.store.member_by_id(member_id)
        if org is None or member is None:  # pragma: no cover - kept by foreign keys
            raise NotFound("no statement has this verification code")
        plan = uow.distributions.plan(org_id, issued.plan_id)
        line = next((ln for ln in plan.lines if ln.member_id == member_id), None) if plan else None
        plan_ok = (
            plan is not None
            and plan.status == "posted"
            and line is not None
            and line.total_fen == issued.total_fen
        )
        chain_now = uow.store.chain_hash_at(org_id, issued.chain_seq) if issued.chain_seq else None
        chain_ok = issued.chain_seq == 0 or chain_now == issued.chain_head
        behind = (
            [*plan.vouchers, *uow.distributions.payment_vouchers(plan.id, member_id)]
            if plan
            else []
        )
        reversals = tuple(r for r in (_reversal(uow, org_id, v) for v in behind) if r is not None)
        documents = tuple(uow.distributions.documents(issued.code))
    return Verification(
        issued.code,
        org.name,
        issued.year,
        member.name[:1] + "*" * (len(member.name) - 1),
        issued.total_fen,
        issued.issued_at,
        issued.chain_seq,
        issued.chain_head,
        plan_ok,
        chain_ok,
        documents,
        None if sha256 is None else sha256.strip().lower() in {d for d, _ in documents},
        line.total_fen
        if plan is not None and plan.status == "posted" and line is not None
        else None,
        chain_now,
        reversals,
    )


def _reversal(uow: UnitOfWork, org_id: int, voucher_id: int) -> Reversal | None:
    """How ``voucher_id`` was cancelled by a posted red voucher, or None (a draft reversal does
    not change the books)."""
    voucher = uow.store.voucher(org_id, voucher_id)
    if voucher is None or voucher.reversed_by is None:
        return None
    red = uow.store.voucher(org_id, voucher.reversed_by)
    if red is None or red.status is not Status.POSTED:
        return None
    return Reversal(_printed(voucher), _printed(red), red.booked_on)


def _printed(voucher: Voucher) -> str:
    if voucher.number is None:
        return f"#{voucher.id}"
    return voucher_number(Period.of(voucher.booked_on), voucher.number)
