"""Contracts and resources: the resources register (资源台账), the contracts (承包合同) with their
fee schedules, charging the fees due, the fees received, the arrears, and the 一事一议 备查簿.

Charging the fees due on a day prepares one voucher for every instalment due by then and not yet
charged, and records the voucher on each instalment: a second run charges nothing twice (it
reports that nothing was due); deleting the draft leaves its instalments to charge again. A fee
received prepares its voucher (Dr 库存现金 or 银行存款 / Cr the party's receivable). Both are
reviewed and posted like any other voucher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from coopledger.domain import contracts as rules
from coopledger.domain.accounts import load_chart
from coopledger.domain.contracts import Arrears, Contract, Due, Project, Resource
from coopledger.domain.errors import Duplicate, InvalidState, NotFound, ValidationFailed
from coopledger.domain.ledger import Voucher
from coopledger.domain.money import format_amount
from coopledger.domain.roles import Action, Actor
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Org, UnitOfWork
from coopledger.services.ports.contracts import (
    ContractRecord,
    PaymentRecord,
    ProjectRecord,
    ResourceRecord,
)
from coopledger.services.vouchers import prepare

VIA = ("cash", "bank")


@dataclass(frozen=True, slots=True)
class ResourceRow:
    """A resource with its standing on a day: the contracts in term on it (contracted) or none
    (free)."""

    record: ResourceRecord
    contracts: tuple[str, ...]

    @property
    def status(self) -> str:
        return "contracted" if self.contracts else "free"


@dataclass(frozen=True, slots=True)
class ContractRow:
    """A contract on a day: charged (instalments due by then and charged), received by then,
    and its arrears."""

    record: ContractRecord
    arrears: Arrears

    @property
    def charged_fen(self) -> int:
        return self.arrears.due_fen

    @property
    def paid_fen(self) -> int:
        return self.arrears.paid_fen


@dataclass(frozen=True, slots=True)
class Register:
    """The contracts on a day and the totals of their columns."""

    on: date
    rows: list[ContractRow]

    @property
    def charged_fen(self) -> int:
        return sum(r.charged_fen for r in self.rows)

    @property
    def paid_fen(self) -> int:
        return sum(r.paid_fen for r in self.rows)

    @property
    def overdue_fen(self) -> int:
        return sum(r.arrears.overdue_fen for r in self.rows)

    @property
    def in_arrears(self) -> list[ContractRow]:
        return [r for r in self.rows if r.arrears.overdue_fen > 0]


@dataclass(frozen=True, slots=True)
class Charge:
    """What a run of charging did: the instalments charged and their voucher (None: nothing was
    due that was not charged already)."""

    on: date
    due: list[Due]
    voucher: Voucher | None

    @property
    def total_fen(self) -> int:
        return sum(d.amount_fen for d in self.due)


# -- resources ----------------------------------------------------------------------------------


def resources(
    uow: UnitOfWork, actor: Actor, org_code: str, on: date | None = None
) -> tuple[Org, list[ResourceRow]]:
    """The resources register, each resource contracted or free on ``on`` (today)."""
    day = on or utcnow().date()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        held: dict[int, list[str]] = {}
        for c in uow.contracts.contracts(org.id):
            if c.resource_id is not None and rules.in_term(c.starts_on, c.ends_on, day):
                held.setdefault(c.resource_id, []).append(c.contract_no)
        rows = [ResourceRow(r, tuple(held.get(r.id, ()))) for r in uow.contracts.resources(org.id)]
    return org, rows


def add_resource(
    uow: UnitOfWork, actor: Actor, org_code: str, resource: Resource, *, clock: Clock = utcnow
) -> ResourceRecord:
    """Enter a resource in the register.

    :raise ValidationFailed: a blank name or unit, an area not above zero."""
    rules.validate_resource(resource)
    cleaned = Resource(
        resource.kind,
        resource.name.strip(),
        resource.location.strip(),
        resource.area_milli,
        resource.unit.strip(),
        resource.note.strip(),
    )
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        resource_id = uow.contracts.add_resource(org.id, cleaned, actor.user_id, now)
        audit_log.record(
            uow.store,
            org,
            actor,
            "resource.add",
            "resource",
            str(resource_id),
            new={
                "kind": cleaned.kind.value,
                "name": cleaned.name,
                "area_milli": cleaned.area_milli,
            },
            at=now,
        )
        uow.commit()
    return ResourceRecord(resource_id, cleaned)


# -- contracts ----------------------------------------------------------------------------------


def register(
    uow: UnitOfWork, actor: Actor, org_code: str, on: date | None = None
) -> tuple[Org, Register]:
    """Every contract with its charges, receipts and arrears on ``on`` (today)."""
    day = on or utcnow().date()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        rows = contract_rows(uow, org, day)
    return org, Register(day, rows)


def contract_rows(uow: UnitOfWork, org: Org, on: date) -> list[ContractRow]:
    """The contracts with their arrears on ``on``, inside the caller's unit of work (the audit
    findings read them)."""
    return [
        ContractRow(
            c, rules.arrears(c.instalments, [(p.paid_on, p.amount_fen) for p in c.payments], on)
        )
        for c in with_ledger_receipts(uow, org, uow.contracts.contracts(org.id))
    ]


def with_ledger_receipts(
    uow: UnitOfWork, org: Org, records: Sequence[ContractRecord]
) -> list[ContractRecord]:
    """``records`` (all of the organization's contracts) with what each party paid through its
    receivable otherwise than by the receipt form — a posted credit on the member's 内部往来
    sub-ledger, or on 应收款 naming the party or the contract's number, such as an ordinary
    receipt voucher — added to their receipts: it clears the party's open debts on the
    receivable oldest first (its other debits there among them), and what lands on an open
    instalment is the contract's. The arrears then agree with the ledger."""
    if not records:
        return list(records)
    chart = load_chart(org.chart)
    found = uow.contracts.party_postings(
        org.id, sorted({chart.role("member_current"), chart.role("receivable")})
    )
    if not any(p.side == "C" for p in found):
        return list(records)
    parties: dict[str, list[ContractRecord]] = {}
    for c in records:
        parties.setdefault(_party(c), []).append(c)
    outside = sorted(
        (k for k in parties if k.startswith("p:")), key=lambda k: -len(k)
    )  # the longest name first: 王秀英 before 王秀
    receipts: dict[str, list[tuple[date, int, int]]] = {}
    debts: dict[str, list[tuple[date, int]]] = {}
    for r in found:
        if r.member_no is not None:
            key: str | None = f"m:{r.member_no}"
        else:
            key = next(
                (k for k in outside if any(c.contract_no in r.text for c in parties[k])), None
            ) or next((k for k in outside if k[2:] and k[2:] in r.text), None)
        if key is None or key not in parties:
            continue
        if r.side == "C":
            receipts.setdefault(key, []).append((r.booked_on, r.amount_fen, r.voucher_id))
        else:
            debts.setdefault(key, []).append((r.booked_on, r.amount_fen))
    shares: dict[int, list[tuple[date, int, int]]] = {}
    for key, paid in receipts.items():
        shares.update(
            rules.allocate(
                {
                    c.id: (c.instalments, [(p.paid_on, p.amount_fen) for p in c.payments])
                    for c in parties[key]
                },
                paid,
                debts.get(key, []),
            )
        )
    return [
        replace(
            c,
            payments=tuple(
                sorted(
                    (*c.payments, *(PaymentRecord(0, d, fen, v) for d, fen, v in shares[c.id])),
                    key=lambda p: p.paid_on,
                )
            ),
        )
        if c.id in shares
        else c
        for c in records
    ]


def _with_ledger(uow: UnitOfWork, org: Org, contract_id: int) -> ContractRecord:
    """One contract with the ordinary receipts its party's contracts share."""
    records = with_ledger_receipts(uow, org, uow.contracts.contracts(org.id))
    return next(c for c in records if c.id == contract_id)


def _party(c: ContractRecord) -> str:
    return f"m:{c.member_no}" if c.member_no is not None else f"p:{c.party}"


def contract(
    uow: UnitOfWork, actor: Actor, org_code: str, contract_no: str, on: date | None = None
) -> tuple[Org, ContractRow]:
    """One contract with its schedule, receipts and arrears on ``on`` (today).

    :raise NotFound: no such contract here."""
    day = on or utcnow().date()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        found = uow.contracts.contract_by_no(org.id, contract_no)
        if found is None:
            raise NotFound(f"contract {contract_no!r} not found")
        record = _with_ledger(uow, org, found.id)
        payments = [(p.paid_on, p.amount_fen) for p in record.payments]
        return org, ContractRow(record, rules.arrears(record.instalments, payments, day))


def add_contract(
    uow: UnitOfWork, actor: Actor, org_code: str, contract: Contract, *, clock: Clock = utcnow
) -> ContractRecord:
    """Enter a contract with its fee schedule. A member party's name defaults to the member's.

    :raise ValidationFailed: what :func:`coopledger.domain.contracts.validate_contract` refuses;
        a member not of this organization (``member``); a resource not of it (``resource``).
    :raise Duplicate: the contract number is taken here.
    :raise InvalidState: ``no_contract_income`` — the chart has no account for contract fees.
    """
    rules.validate_contract(contract)
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        rules.contract_income(load_chart(org.chart))
        member_id = None
        party = contract.party.strip()
        if contract.member_no:
            member = store.member(org.id, contract.member_no)
            if member is None:
                raise ValidationFailed(
                    f"member {contract.member_no} is not a member of this organization",
                    errors={"member": ["is not a member of this organization"]},
                )
            member_id = member.id
            party = party or member.name
        if contract.resource_id is not None and contract.resource_id not in {
            r.id for r in uow.contracts.resources(org.id)
        }:
            raise ValidationFailed(
                "no such resource in this organization's register",
                errors={"resource": ["no such resource in this organization's register"]},
            )
        number = contract.contract_no.strip()
        if uow.contracts.contract_by_no(org.id, number) is not None:
            raise Duplicate(f"contract {number} exists already")
        cleaned = Contract(
            number,
            party,
            contract.member_no,
            contract.resource_id,
            contract.subject.strip(),
            contract.area_milli,
            contract.unit.strip(),
            contract.starts_on,
            contract.ends_on,
            contract.instalments,
            contract.note.strip(),
        )
        contract_id = uow.contracts.add_contract(org.id, cleaned, member_id, actor.user_id, now)
        audit_log.record(
            store,
            org,
            actor,
            "contract.add",
            "contract",
            number,
            new={
                "party": party,
                "member": contract.member_no,
                "term": f"{contract.starts_on}/{contract.ends_on}",
                "fees_fen": sum(i.amount_fen for i in contract.instalments),
            },
            at=now,
        )
        record = uow.contracts.contracts(org.id, contract_id=contract_id)[0]
        uow.commit()
    return record


def charge(
    uow: UnitOfWork, actor: Actor, org_code: str, on: date, *, clock: Clock = utcnow
) -> Charge:
    """Prepare the voucher that charges every instalment due by ``on`` and not yet charged (Dr
    the party's receivable / Cr contract income), dated ``on``. Nothing due: no voucher, and
    nothing is written.

    :raise InvalidState: ``no_contract_income`` — the chart has no account for contract fees.
    :raise PeriodClosed: ``on`` lies in a closed month.
    """
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        chart = load_chart(org.chart)
        income = rules.contract_income(chart, uow.store.accounts(org.id))
        due: list[Due] = []
        ids: list[int] = []
        for c in uow.contracts.contracts(org.id, lock=True):
            for i in c.instalments:
                if i.voucher_id is None and i.due_on <= on:
                    due.append(Due(c.contract_no, c.party, c.member_no, i.due_on, i.amount_fen))
                    ids.append(i.id)
        if not due:
            return Charge(on, [], None)
        voucher = prepare(uow.store, org, actor, rules.charge_voucher(chart, income, on, due), now)
        uow.contracts.mark_charged(ids, voucher.id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "contract.charge",
            "voucher",
            str(voucher.id),
            new={"instalments": len(due), "amount_fen": sum(d.amount_fen for d in due)},
            at=now,
        )
        uow.commit()
    return Charge(on, due, voucher)


def receive(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    contract_no: str,
    *,
    paid_on: date,
    amount_fen: int,
    via: str = "cash",
    clock: Clock = utcnow,
) -> tuple[ContractRow, Voucher]:
    """Record a fee received on a contract and prepare its voucher (Dr 库存现金 or 银行存款 / Cr
    the party's receivable).

    :raise ValidationFailed: an amount not above zero; ``via`` not cash or bank.
    :raise NotFound: no such contract here.
    :raise InvalidState: ``contract_overpaid`` — more than was charged and not yet received.
    :raise PeriodClosed: ``paid_on`` lies in a closed month.
    """
    if amount_fen <= 0:
        raise ValidationFailed(
            "the amount must be more than zero", errors={"amount": ["must be more than zero"]}
        )
    if via not in VIA:
        raise ValidationFailed("cash or bank", errors={"via": ["one of cash, bank"]})
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.PREPARE)
        found = uow.contracts.contract_by_no(org.id, contract_no)
        if found is None:
            raise NotFound(f"contract {contract_no!r} not found")
        uow.contracts.contracts(org.id, contract_id=found.id, lock=True)
        record = _with_ledger(uow, org, found.id)
        left = rules.outstanding(
            record.instalments, [(p.paid_on, p.amount_fen) for p in record.payments]
        )
        if amount_fen > left:
            raise InvalidState(
                f"contract {contract_no} has {format_amount(left)} yuan charged and not received; "
                f"{format_amount(amount_fen)} is more",
                code="contract_overpaid",
                params={"contract": contract_no, "left": format_amount(left)},
            )
        draft = rules.receipt_voucher(
            load_chart(org.chart),
            paid_on,
            record.contract_no,
            record.party,
            record.member_no,
            amount_fen,
            via,
        )
        voucher = prepare(uow.store, org, actor, draft, now)
        uow.contracts.add_payment(org.id, record.id, paid_on, amount_fen, voucher.id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "contract.receive",
            "contract",
            record.contract_no,
            new={"amount_fen": amount_fen, "voucher": voucher.id},
            at=now,
        )
        record = _with_ledger(uow, org, found.id)
        payments = [(p.paid_on, p.amount_fen) for p in record.payments]
        row = ContractRow(record, rules.arrears(record.instalments, payments, paid_on))
        uow.commit()
    return row, voucher


# -- the 一事一议 备查簿 --------------------------------------------------------------------------


def _village(org: Org) -> None:
    if org.kind != "village_collective":
        raise InvalidState(
            "the 一事一议 备查簿 is kept by village collectives", code="villages_only", params={}
        )


def projects(uow: UnitOfWork, actor: Actor, org_code: str) -> tuple[Org, list[ProjectRecord]]:
    """The 一事一议 备查簿, by the date of the meeting."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return org, uow.contracts.projects(org.id)


def save_project(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    project: Project,
    project_id: int | None = None,
    *,
    clock: Clock = utcnow,
) -> ProjectRecord:
    """Enter a project in the 一事一议 备查簿, or change one (``project_id``).

    :raise ValidationFailed: a blank name or decision, a negative amount or labour.
    :raise InvalidState: ``villages_only`` — a cooperative keeps no such book.
    :raise NotFound: no such project here."""
    rules.validate_project(project)
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        _village(org)
        if project_id is None:
            project_id = uow.contracts.add_project(org.id, project, actor.user_id, now)
            action = "village_project.add"
        elif not uow.contracts.update_project(org.id, project_id, project, actor.user_id, now):
            raise NotFound(f"project {project_id} not found")
        else:
            action = "village_project.update"
        audit_log.record(
            uow.store,
            org,
            actor,
            action,
            "village_project",
            str(project_id),
            new={
                "name": project.name,
                "status": project.status.value,
                "raised_fen": project.raised_fen,
                "subsidy_fen": project.subsidy_fen,
                "spent_fen": project.spent_fen,
            },
            at=now,
        )
        uow.commit()
    return ProjectRecord(project_id, project)


def project_totals(rows: Sequence[ProjectRecord]) -> dict[str, int]:
    return {
        "raised_fen": sum(r.project.raised_fen for r in rows),
        "labour_milli": sum(r.project.labour_milli for r in rows),
        "subsidy_fen": sum(r.project.subsidy_fen for r in rows),
        "spent_fen": sum(r.project.spent_fen for r in rows),
    }
