"""The auditor's package as a use case: gather what an auditor takes away for a year — the
vouchers, the trial balance, the ledgers of every account with activity, the statutory
statements, the audit log, the findings — and sign a checkpoint of both chains; then record that
the package left. Writing the files (CSV, PDF, ZIP, manifest) is the adapter's part
(:mod:`coopledger.adapters.audit_package_zip`).

Only the audit log's readers (auditors, admins, the organization's accountants) may take it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from coopledger.domain.audit_log import AuditEvent
from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import Voucher
from coopledger.domain.reporting import TrialBalance
from coopledger.domain.roles import Action, Actor
from coopledger.services import audit_log, findings, reports
from coopledger.services import financial_statements as fs
from coopledger.services import orgs as org_svc
from coopledger.services.access import org_for
from coopledger.services.findings import Finding
from coopledger.services.ports import Org, UnitOfWork, VoucherFilter
from coopledger.services.reports import Ledger

UowFactory = Callable[[], UnitOfWork]
PAGE = 500
LOG_PAGE = 1000


@dataclass(frozen=True, slots=True)
class StatementOfYear:
    """A statutory statement as the package prints it: ``name`` is its file's name, ``period``
    the period printed on it (the balance sheet's date, the surplus statement's year)."""

    name: str
    statement: fs.FinancialStatement
    period: str


@dataclass(frozen=True, slots=True)
class AuditPackage:
    """Everything a year's package holds, as plain data; ``checkpoint`` is signed and names
    both chains' heads at the moment the package was taken."""

    org: Org
    year: int
    taken_by: str
    vouchers: list[Voucher]
    trial_balance: TrialBalance
    ledgers: list[Ledger]
    statements: list[StatementOfYear]
    audit_log: list[AuditEvent]
    findings: list[Finding]
    checkpoint: dict[str, Any]

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


def _vouchers(uow: UnitOfWork, actor: Actor, org_code: str, year: int) -> list[Voucher]:
    out: list[Voucher] = []
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        after = 0
        while True:
            batch = uow.store.vouchers(org.id, VoucherFilter(year=year), PAGE, after)
            out.extend(batch)
            if len(batch) < PAGE:
                return out
            after = batch[-1].id


def _ledgers(
    uows: UowFactory, actor: Actor, org_code: str, tb: TrialBalance, year: int
) -> list[Ledger]:
    """The ledger of every top-level account with turnover in the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return [
        reports.ledger_report(uows(), actor, org_code, row.account, None, start, end)
        for row in tb.rows
        if row.level == 1 and (row.debit or row.credit)
    ]


def _statements(uows: UowFactory, actor: Actor, org_code: str, year: int) -> list[StatementOfYear]:
    """The balance sheet at the year's end and the surplus statement of the year; a chart
    without a statement definition has none."""
    end = date(year, 12, 31)
    out: list[StatementOfYear] = []
    try:
        sheet = fs.balance_sheet(uows(), actor, org_code, end)
    except DomainError:
        pass
    else:
        out.append(StatementOfYear("balance-sheet", sheet, end.isoformat()))
    try:
        surplus = fs.surplus_statement(uows(), actor, org_code, year)
    except DomainError:
        pass
    else:
        out.append(StatementOfYear("surplus", surplus, f"{year}年度"))
    return out


def _log(uows: UowFactory, actor: Actor, org_code: str) -> list[AuditEvent]:
    out: list[AuditEvent] = []
    after = 0
    while True:
        batch = audit_log.read_log(uows(), actor, org_code, limit=LOG_PAGE, after_id=after)
        out.extend(batch)
        if len(batch) < LOG_PAGE:
            return out
        after = batch[-1].id


def gather(
    uows: UowFactory, writes: UowFactory, actor: Actor, org_code: str, year: int, key: bytes
) -> AuditPackage:
    """What the package of ``year`` holds, and a checkpoint signed with ``key`` (``writes``:
    units of work that may write, for the checkpoint's record).

    :raise NotFound, Forbidden: as the audit log (auditors, admins, the own accountants).
    """
    audit_log.read_log(uows(), actor, org_code, limit=1)  # the auditor/admin check, first
    vouchers = _vouchers(uows(), actor, org_code, year)
    org = org_svc.get_org(uows(), actor, org_code)
    tb = reports.trial_balance_report(uows(), actor, org_code, date(year, 1, 1), date(year, 12, 31))
    ledgers = _ledgers(uows, actor, org_code, tb, year)
    statements = _statements(uows, actor, org_code, year)
    log = _log(uows, actor, org_code)
    found = findings.findings_for(uows(), actor, org_code, year)
    checkpoint = audit_log.make_checkpoint(writes(), actor, org_code, key, reason=f"export {year}")
    return AuditPackage(
        org, year, actor.username, vouchers, tb, ledgers, statements, log, found, checkpoint
    )


def record_taken(writes: UowFactory, actor: Actor, package: AuditPackage, files: int) -> None:
    """The package left the system: one record in the audit log, naming its year and files."""
    audit_log.record_export(
        writes(),
        actor,
        package.org,
        f"audit-package {package.year}",
        {"new": {"files": files, "year": package.year}},
    )
