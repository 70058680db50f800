"""Subsidy entitlements computed from the books (补贴测算), claims (申报表), the money received
and paid on to households.

The policies are data: the shipped files and a county's own (the ``policies`` folder of the
instance, read and checked the same way). A preview computes what a policy gives over a year from
the posted lines; a claim records that computation for months that are closed, so the books it
was read from no longer change. When the money arrives, its voucher (Dr 银行存款 / Cr each
household's 成员往来, or the organization's income) is prepared against the claim, and payments
to households (Dr 成员往来 / Cr 银行存款) are tracked line by line with what is still due. The
vouchers are reviewed and posted like any other; deleting a draft deletes what it carried.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from coopledger.domain import subsidies as rules
from coopledger.domain.accounts import load_chart
from coopledger.domain.errors import InvalidState, NotFound, ValidationFailed
from coopledger.domain.exports import Amount, Cell, Sheet
from coopledger.domain.ledger import Voucher
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Action, Actor
from coopledger.domain.subsidies import ClaimStatus, Computation, Household, Policy, Recipient
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Org, UnitOfWork
from coopledger.services.ports.subsidies import ClaimRecord
from coopledger.services.vouchers import prepare


def policies(folder: Path | None = None) -> list[Policy]:
    """Every policy, shipped and the county's own, by code.

    :raise ValidationFailed: ``policy_invalid`` — a file refused, its line named."""
    return sorted(rules.load_policies(folder).values(), key=lambda p: p.code)


def policies_for(
    uow: UnitOfWork, actor: Actor, org_code: str, folder: Path | None = None
) -> list[Policy]:
    """The policies, to someone who may read the organization's books."""
    with uow:
        org_for(uow.store, actor, org_code, Action.READ_BOOKS)
    return policies(folder)


def policy(code: str, folder: Path | None = None) -> Policy:
    """:raise ValidationFailed: ``policy`` — no such policy."""
    found = rules.load_policies(folder).get(code)
    if found is None:
        raise ValidationFailed(
            f"no subsidy policy {code!r}",
            code="unknown_policy",
            errors={"policy": [f"no subsidy policy {code!r}"]},
            params={"policy": code},
        )
    return found


def terms(p: Policy) -> str:
    """The policy's terms in a line, kept on the claim: rate or amount, caps, threshold."""
    parts = [
        f"{p.rate_text}" if p.rate is not None else f"每户{format_amount(p.amount_fen or 0)}元"
    ]
    if p.cap_household_fen is not None:
        parts.append(f"每户最高{format_amount(p.cap_household_fen)}元")
    if p.cap_organization_fen is not None:
        parts.append(f"每单位最高{format_amount(p.cap_organization_fen)}元")
    if p.min_households:
        parts.append(f"不少于{p.min_households}户")
    return "；".join(parts)


def _compute(uow: UnitOfWork, org: Org, p: Policy, year: int) -> Computation:
    start, end = p.window(year)
    members = [
        Household(h.member_id, h.member_no, h.name, h.kind, h.status)
        for h in uow.registers.holders(org.id, end)
    ]
    lines = uow.subsidies.posted_member_lines(org.id, p.accounts, start, end)
    return rules.compute(p, org.name, (start, end), members, lines)


def preview(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    policy_code: str,
    year: int,
    folder: Path | None = None,
) -> tuple[Org, Computation]:
    """What ``policy_code`` gives the organization in ``year`` from the lines posted so far."""
    p = policy(policy_code, folder)
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return org, _compute(uow, org, p, year)


def list_claims(uow: UnitOfWork, actor: Actor, org_code: str) -> list[ClaimRecord]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.subsidies.claims(org.id)


def claim(uow: UnitOfWork, actor: Actor, org_code: str, claim_id: int) -> tuple[Org, ClaimRecord]:
    """:raise NotFound: no such claim in this organization."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return org, _claim(uow, org, claim_id)


def _claim(uow: UnitOfWork, org: Org, claim_id: int, *, lock: bool = False) -> ClaimRecord:
    found = uow.subsidies.claims(org.id, claim_id=claim_id, lock=lock)
    if not found:
        raise NotFound(f"no subsidy claim {claim_id}")
    return found[0]


def create_claim(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    policy_code: str,
    year: int,
    folder: Path | None = None,
    *,
    clock: Clock = utcnow,
) -> ClaimRecord:
    """Compute the policy over ``year`` and record the claim with its lines and evidence.

    :raise InvalidState: ``claim_period_open`` — a month the claim covers is not closed (409);
        ``subsidy_nothing_due`` — no household qualifies, or fewer than the policy asks for.
    :raise ValidationFailed: ``unknown_policy``; ``policy_not_in_force`` for that year.
    """
    p = policy(policy_code, folder)
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        start, end = p.window(year)
        month = Period.of(start)
        while month <= Period.of(end):
            if uow.store.period_status(org.id, month.year, month.month) != "closed":
                raise InvalidState(
                    f"{month} is not closed: a claim is computed from closed months only",
                    code="claim_period_open",
                    params={"period": str(month)},
                )
            month = month.next()
        computed = _compute(uow, org, p, year)
        if not computed.lines:
            raise InvalidState(
                f"nothing is due under {p.code} in {year}"
                + (f": {computed.reason}" if computed.reason else ""),
                code="subsidy_nothing_due",
                params={"policy": p.code, "year": year},
            )
        claim_id = uow.subsidies.add_claim(org.id, year, terms(p), computed, actor.user_id, now)
        audit_log.record(
            uow.store,
            org,
            actor,
            "subsidy.claim",
            "subsidy_claim",
            str(claim_id),
            new={"policy": p.code, "year": year, "total_fen": computed.total_fen},
        )
        record = _claim(uow, org, claim_id)
        uow.commit()
    return record


def submit(
    uow: UnitOfWork, actor: Actor, org_code: str, claim_id: int, *, clock: Clock = utcnow
) -> ClaimRecord:
    """Mark a draft claim submitted to the department that pays it.

    :raise InvalidState: ``claim_not_draft`` — it was submitted already."""
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        found = _claim(uow, org, claim_id, lock=True)
        if found.status is not ClaimStatus.DRAFT:
            raise InvalidState(
                f"claim {claim_id} is {found.status.value}, not a draft",
                code="claim_not_draft",
                params={"status": found.status.value},
            )
        uow.subsidies.submit(org.id, claim_id, now)
        audit_log.record(
            uow.store, org, actor, "subsidy.submit", "subsidy_claim", str(claim_id), new={}
        )
        record = _claim(uow, org, claim_id)
        uow.commit()
    return record


def receive(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    claim_id: int,
    received_on: date,
    *,
    clock: Clock = utcnow,
) -> tuple[ClaimRecord, Voucher]:
    """Record the claim's money received and prepare its voucher: Dr 银行存款 the claim's total /
    Cr each household's 成员往来 (内部往来) with its line, or the organization's income.

    :raise InvalidState: ``claim_not_submitted`` — still a draft; ``already_received``.
    :raise PeriodClosed: ``received_on`` lies in a closed month.
    """
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        found = _claim(uow, org, claim_id, lock=True)
        if found.status is ClaimStatus.DRAFT:
            raise InvalidState(f"claim {claim_id} is not submitted yet", code="claim_not_submitted")
        if found.status is ClaimStatus.RECEIVED:
            raise InvalidState(f"claim {claim_id} was received already", code="already_received")
        chart = load_chart(org.chart)
        draft = rules.receipt(
            chart,
            rules.holding_account(chart, uow.store.accounts(org.id))
            if found.recipient == Recipient.HOUSEHOLD
            else "",
            received_on,
            found.policy_name,
            Recipient(found.recipient),
            [(ln.member_no, ln.amount_fen) for ln in found.lines],
        )
        voucher = prepare(uow.store, org, actor, draft, now)
        uow.subsidies.add_receipt(
            org.id, claim_id, received_on, found.total_fen, voucher.id, actor.user_id, now
        )
        audit_log.record(
            uow.store,
            org,
            actor,
            "subsidy.receive",
            "subsidy_claim",
            str(claim_id),
            new={"total_fen": found.total_fen, "voucher": voucher.id},
        )
        record = _claim(uow, org, claim_id)
        uow.commit()
    return record, voucher


def pay(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    claim_id: int,
    paid_on: date,
    lines: Sequence[tuple[str, int]] | None = None,
    *,
    clock: Clock = utcnow,
) -> tuple[ClaimRecord, Voucher]:
    """Pay households their part of a received claim (each named with an amount, or, without
    ``lines``, every household all that is still due) and prepare the voucher: Dr 成员往来 /
    Cr 银行存款.

    :raise InvalidState: ``claim_not_received``; ``not_paid_out`` — the subsidy is the
        organization's own; ``subsidy_overpaid`` — more than is still due to a household;
        ``subsidy_nothing_due`` — everything is paid.
    :raise ValidationFailed: a household not on the claim, an amount not above zero, a date
        before the money was received.
    """
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        found = _claim(uow, org, claim_id, lock=True)
        if found.receipt is None:
            raise InvalidState(f"claim {claim_id} is not received yet", code="claim_not_received")
        if found.recipient == Recipient.ORGANIZATION:
            raise InvalidState(
                "the organization's own subsidy is not paid out to households",
                code="not_paid_out",
            )
        if paid_on < found.receipt.received_on:
            raise ValidationFailed(
                f"the money was received on {found.receipt.received_on}",
                errors={"date": [f"must not be before {found.receipt.received_on}"]},
            )
        due = {ln.member_no: ln.due_fen for ln in found.lines if ln.member_no is not None}
        if lines is None:
            lines = [(no, fen) for no, fen in due.items() if fen > 0]
            if not lines:
                raise InvalidState(f"claim {claim_id} is paid in full", code="subsidy_nothing_due")
        asked = rules.check_payments(due, lines)
        chart = load_chart(org.chart)
        holding = rules.holding_account(chart, uow.store.accounts(org.id))
        draft = rules.payment(chart, holding, paid_on, found.policy_name, asked)
        voucher = prepare(uow.store, org, actor, draft, now)
        ids = {ln.member_no: ln.id for ln in found.lines}
        uow.subsidies.add_payments(
            org.id, paid_on, [(ids[no], fen) for no, fen in asked], voucher.id
        )
        audit_log.record(
            uow.store,
            org,
            actor,
            "subsidy.pay",
            "subsidy_claim",
            str(claim_id),
            new={"households": len({no for no, _ in asked}), "voucher": voucher.id},
        )
        record = _claim(uow, org, claim_id)
        uow.commit()
    return record, voucher


#: the claim's spreadsheet columns (申报表)
SHEET_COLUMNS = (
    "序号",
    "成员编号",
    "户主/单位",
    "帮扶身份",
    "户数",
    "补贴基数",
    "测算金额",
    "已支付",
    "尚欠",
    "凭证",
)


def claim_sheet(org: Org, found: ClaimRecord) -> Sheet:
    """The claim as a spreadsheet: one row a household (or the organization), amounts as
    numbers, the evidence vouchers in one cell."""
    rows: list[tuple[Cell, ...]] = [
        (
            ln.line_no,
            ln.member_no or "",
            ln.name,
            ln.status,
            ln.households,
            Amount(ln.base_fen),
            Amount(ln.amount_fen),
            Amount(ln.paid_fen),
            Amount(ln.due_fen),
            " ".join(ln.evidence),
        )
        for ln in found.lines
    ]
    rows.append(
        (
            None,
            "",
            "合计",
            "",
            sum(ln.households for ln in found.lines),
            Amount(sum(ln.base_fen for ln in found.lines)),
            Amount(found.total_fen),
            Amount(found.paid_fen),
            Amount(sum(ln.due_fen for ln in found.lines)),
            "",
        )
    )
    return Sheet(f"{found.policy_code}-{found.year}", SHEET_COLUMNS, tuple(rows))
