"""Tamper evidence: recompute an organization's hash chains — its posted vouchers' and its audit
log's — and its period balances.

Each chain is checked link by link from its first entry: consecutive ``seq``, each
``prev_hash`` equal to the hash before it, each ``hash`` equal to the recomputed one, and the
stored head equal to the last. The first voucher (or event) that fails is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from coopledger.domain.audit_log import GENESIS, event_hash
from coopledger.domain.errors import NotFound
from coopledger.domain.ledger import GENESIS_HASH, canonical_payload, chain_hash
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services.access import org_for
from coopledger.services.ports import Org, UnitOfWork

#: who may read an organization's audit log (and take the auditor's package): its auditors, the
#: admins, and its accountants; cashiers, reviewers and households do not
LOG_READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.ACCOUNTANT})


@dataclass(frozen=True, slots=True)
class LogReport:
    events: int
    head: str
    ok: bool
    first_bad_seq: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChainReport:
    """``ok``: everything checked is intact — the vouchers' chain and the balances, and the audit
    log's chain when ``audit_log`` is there (None: not checked)."""

    org: str
    vouchers: int
    head: str
    ok: bool
    first_bad_voucher: int | None = None
    first_bad_number: str | None = None
    reason: str | None = None
    balance_mismatches: list[str] = field(default_factory=list)
    audit_log: LogReport | None = None
    vouchers_ok: bool = True  # the vouchers' chain and the balances, whatever the audit log says

    @property
    def checked(self) -> tuple[str, ...]:
        """What was verified: ``vouchers`` (chain and balances), ``audit_log`` (its chain)."""
        return ("vouchers", "audit_log") if self.audit_log is not None else ("vouchers",)


def verify_org(
    uow: UnitOfWork, org_code: str, actor: Actor | None = None, *, audit_log: bool = True
) -> ChainReport:
    """Verify ``org_code``'s voucher chain and balances and, unless ``audit_log`` is False, its
    audit log's chain (``actor`` None: the operator at the CLI; a role outside
    :data:`LOG_READERS` gets the vouchers' check only, as it may not read the log).

    :raise NotFound: unknown organization (or one the actor cannot see).
    """
    with uow:
        store = uow.store
        if actor is None:
            org = store.org_by_code(org_code)
            if org is None:
                raise NotFound(f"organization {org_code!r} not found")
        else:
            org = org_for(store, actor, org_code, Action.READ_BOOKS)
        report = verify_vouchers(uow, org)
        report = replace(report, vouchers_ok=report.ok)
        if not audit_log or (actor is not None and actor.role not in LOG_READERS):
            return report
        log = verify_log(uow, org)
        if log.ok:
            return replace(report, audit_log=log)
        where = f"event {log.first_bad_seq}" if log.first_bad_seq else "its head"
        return replace(
            report,
            ok=False,
            reason=report.reason or f"the audit log is broken at {where}: {log.reason}",
            audit_log=log,
        )


def verify_log(uow: UnitOfWork, org: Org) -> LogReport:
    """Recompute one organization's audit chain (inside the caller's ``with uow``)."""
    expected = GENESIS
    count = 0
    for event in uow.audit.chain(org.id):
        count += 1
        problem = None
        if event.seq != count:
            problem = (
                f"position {event.seq} where {count} was expected (an event is missing or moved)"
            )
        elif event.prev_hash != expected:
            problem = "its link to the previous event does not match"
        elif event.hash != event_hash(expected, event):
            problem = "its content no longer matches its hash"
        if problem:
            return LogReport(count, expected, False, event.seq, problem)
        expected = event.hash
    seq, head = uow.audit.head(org.id)
    if seq != count or head != expected:
        return LogReport(
            count,
            expected,
            False,
            None,
            f"the stored head (position {seq}) does not match the last event (position {count})",
        )
    return LogReport(count, expected, True)


def verify_vouchers(uow: UnitOfWork, org: Org) -> ChainReport:
    """Recompute one organization's voucher chain and period balances (inside the caller's
    ``with uow``)."""
    store = uow.store
    expected_prev = GENESIS_HASH
    count = 0
    for voucher in store.posted_in_chain_order(org.id):
        count += 1
        number = voucher_number(Period.of(voucher.booked_on), voucher.number or 0)
        problem = None
        if voucher.chain_seq != count:
            problem = f"chain position {voucher.chain_seq} where {count} was expected (a voucher is missing or moved)"
        elif voucher.prev_hash != expected_prev:
            problem = "its link to the previous voucher does not match"
        elif voucher.hash != chain_hash(expected_prev, canonical_payload(voucher, number)):
            problem = "its content no longer matches its hash"
        if problem:
            return ChainReport(org.code, count, org.chain_head, False, voucher.id, number, problem)
        expected_prev = voucher.hash or ""
    if org.chain_seq != count or org.chain_head != expected_prev:
        return ChainReport(
            org.code,
            count,
            org.chain_head,
            False,
            None,
            None,
            f"the stored head (position {org.chain_seq}) does not match the last voucher (position {count})",
        )
    stored = store.stored_turnover(org.id)
    recomputed = store.recomputed_turnover(org.id)
    mismatches = [
        f"account {code} {year:04d}-{month:02d}: stored {stored.get((code, year, month))}, lines {recomputed.get((code, year, month))}"
        for (code, year, month) in sorted(set(stored) | set(recomputed))
        if stored.get((code, year, month), (0, 0)) != recomputed.get((code, year, month), (0, 0))
    ]
    if mismatches:
        return ChainReport(
            org.code,
            count,
            expected_prev,
            False,
            None,
            None,
            "period balances differ from the posted lines",
            mismatches,
        )
    snapshot_mismatches = store.snapshot_mismatches(org.id)
    if snapshot_mismatches:
        return ChainReport(
            org.code,
            count,
            expected_prev,
            False,
            None,
            None,
            "period snapshots differ from the posted lines",
            snapshot_mismatches,
        )
    return ChainReport(org.code, count, expected_prev, True)
