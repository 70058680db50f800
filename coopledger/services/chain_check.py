"""Tamper evidence: recompute an organization's hash chains — its posted vouchers' and its audit
log's — and its period balances.

Each chain is checked link by link: consecutive ``seq``, each ``prev_hash`` equal to the hash
before it, each ``hash`` equal to the recomputed one, and the stored head equal to the last. The
first voucher (or event) that fails is named.

**Incremental verification.** A verification that passes leaves a *verified point* in the
database (:class:`~coopledger.domain.audit_log.VerifiedPoint`, signed with the instance's
checkpoint key): the voucher chain's length and the hash of its last voucher, the audit chain's
likewise, a digest of each month's stored turnover (per account and by shape) and one of every
stored snapshot. The next verification, given the key (:class:`Resume`), starts from that point
instead of the first voucher, and re-checks:

- the point's signature (a point whose signature does not match is not used: everything is
  verified in full and the report says the point was altered);
- that the chains are at least as long as the point saw (a truncated tail is broken);
- the voucher (and the audit event) at the point, recomputed: it must still carry the hash seen
  there and its content must still give that hash — an edit of that voucher or its lines, or a
  chain rewritten from below up to it, is caught;
- every voucher and event after the point, link by link, and the stored heads;
- the turnover of every month that a voucher after the point falls in, and of every month whose
  stored turnover differs from the digest the point kept, recomputed from the posted lines;
- every snapshot against the posted lines, as the full verification does, when the stored
  snapshots differ from the digest the point kept.

It does **not** re-check the vouchers, lines and events below the point: a posted line or
voucher edited below the point while the hashes stored in its row and in the row at the point
are left as they were is caught only by a full verification (``audit
verify --full``), which recomputes every hash and every month from the lines. Nor does it
recompute a month's turnover or the snapshots from the lines when neither they nor the month's
vouchers changed since the point. A reopened month and a restore forget the point (the next
verification is full). Nothing else writes below the point: every path that posts — a voucher,
a batch, an import with ``--post``, the year-end — appends after the chain's head, and the
database's guards refuse a change to a posted voucher or line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from coopledger.domain.audit_log import (
    GENESIS,
    VerifiedPoint,
    event_hash,
    point_signature_ok,
    rows_digest,
    signed_point,
    turnover_digests,
)
from coopledger.domain.errors import NotFound
from coopledger.domain.ledger import GENESIS_HASH, canonical_payload, chain_hash
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import Org, UnitOfWork
from coopledger.services.ports.reports import ShapeKey

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
    resumed_from: int = 0


@dataclass(frozen=True, slots=True)
class Resume:
    """What incremental verification needs: the key that signs verified points, and the units
    of work that store them (a read-only request verifies in its own transaction and stores the
    new point in another)."""

    key: bytes
    uows: Callable[[], UnitOfWork]


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
    resumed_from: int = 0  # the chain position verification resumed after (0: from the first)
    point_note: str | None = None  # why a stored verified point was not used
    # the stored turnover's digest per month and the snapshots' digest, as found to agree with
    # the lines (what the next verified point keeps); None when they were not
    balances: tuple[dict[str, str], str] | None = field(default=None, repr=False, compare=False)

    @property
    def checked(self) -> tuple[str, ...]:
        """What was verified: ``vouchers`` (chain and balances), ``audit_log`` (its chain)."""
        return ("vouchers", "audit_log") if self.audit_log is not None else ("vouchers",)


def verify_org(
    uow: UnitOfWork,
    org_code: str,
    actor: Actor | None = None,
    *,
    audit_log: bool = True,
    resume: Resume | None = None,
    full: bool = False,
) -> ChainReport:
    """Verify ``org_code``'s voucher chain and balances and, unless ``audit_log`` is False, its
    audit log's chain (``actor`` None: the operator at the CLI; a role outside
    :data:`LOG_READERS` gets the vouchers' check only, as it may not read the log).

    With ``resume``, verification starts from the organization's verified point (see the
    module's docstring for what that re-checks) unless ``full``, and a verification that passes
    stores the new point. Without it, or with ``full``, everything is recomputed.

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
        with_log = audit_log and (actor is None or actor.role in LOG_READERS)
        report, log, point = verify_within(uow, org, resume, full=full, with_log=with_log)
    if resume is not None and point is not None:
        save_points(resume, [point])
    report = replace(report, vouchers_ok=report.ok)
    if log is None:
        return report
    if log.ok:
        return replace(report, audit_log=log)
    where = f"event {log.first_bad_seq}" if log.first_bad_seq else "its head"
    return replace(
        report,
        ok=False,
        reason=report.reason or f"the audit log is broken at {where}: {log.reason}",
        audit_log=log,
    )


def trusted_point(uow: UnitOfWork, org: Org, key: bytes) -> tuple[VerifiedPoint | None, str | None]:
    """The organization's verified point if its signature matches; otherwise None and why."""
    point = uow.audit.verified_point(org.id)
    if point is None:
        return None, None
    if not point_signature_ok(key, point):
        return None, (
            "the stored verified point does not match its signature (altered); "
            "verified in full instead"
        )
    return point, None


def verify_within(
    uow: UnitOfWork,
    org: Org,
    resume: Resume | None,
    *,
    full: bool = False,
    with_log: bool = True,
) -> tuple[ChainReport, LogReport | None, VerifiedPoint | None]:
    """Both chains and the balances of ``org`` (inside the caller's ``with uow``), from its
    verified point when ``resume`` is given and not ``full``; the new point, signed, when
    everything checked holds, ``resume`` is given and the books moved on from the stored point
    (the caller stores it; a point that would say what the stored one says is not written
    again)."""
    point, note = trusted_point(uow, org, resume.key) if resume and not full else (None, None)
    report = verify_vouchers(uow, org, point)
    if note:
        report = replace(report, point_note=note)
    log = verify_log(uow, org, point) if with_log else None
    if resume is None or not report.ok or report.balances is None or (log and not log.ok):
        return report, log, None
    turnover, snapshots = report.balances
    if log is not None:
        audit_seq, audit_hash = log.events, log.head
    elif point is not None:
        audit_seq, audit_hash = point.audit_seq, point.audit_hash
    else:
        audit_seq, audit_hash = 0, GENESIS
    if point is not None and (
        point.voucher_seq,
        point.voucher_hash,
        point.audit_seq,
        point.audit_hash,
        point.turnover,
        point.snapshots,
    ) == (report.vouchers, report.head, audit_seq, audit_hash, turnover, snapshots):
        return report, log, None  # the stored point says all this already: nothing to store
    new = VerifiedPoint(
        org.id,
        report.vouchers,
        report.head,
        audit_seq,
        audit_hash,
        turnover,
        snapshots,
        utcnow(),
    )
    return report, log, signed_point(resume.key, new)


def _shape_text(key: ShapeKey) -> str:
    """``2026-03 Dr 102 / Cr 301``: a shape of the turnover by shape, as a finding names it."""
    year, month, debit, debit_fund, credit, credit_fund = key
    sides = [
        f"{name} {code}" + (f" ({fund})" if fund else "")
        for name, code, fund in (("Dr", debit, debit_fund), ("Cr", credit, credit_fund))
        if code
    ]
    return f"{year:04d}-{month:02d} " + " / ".join(sides)


def save_points(resume: Resume, points: Iterable[VerifiedPoint]) -> None:
    """Store verified points in one transaction of their own."""
    points = list(points)
    if not points:
        return
    with resume.uows() as uow:
        uow.audit.save_verified_points(points)
        uow.commit()


def verify_log(uow: UnitOfWork, org: Org, point: VerifiedPoint | None = None) -> LogReport:
    """Recompute one organization's audit chain (inside the caller's ``with uow``): from the
    first event, or from ``point``'s, whose content must still give the hash seen there."""
    expected = GENESIS
    count = at = 0  # at: the point's position, whose event is recomputed too
    seq, head = uow.audit.head(org.id)
    if point is not None and point.audit_seq:
        if seq < point.audit_seq:
            return LogReport(
                seq,
                expected,
                False,
                None,
                f"the chain has {seq} events, fewer than the {point.audit_seq} verified before "
                "(truncated)",
            )
        at, count = point.audit_seq, point.audit_seq - 1
    resumed = at
    for event in uow.audit.chain(org.id, count):
        count += 1
        problem = None
        if point is not None and count == at:
            # the event at the point: its content must still give the hash seen there
            if event.seq != at or event.hash != point.audit_hash:
                problem = (
                    "it no longer has the hash it had when it was verified (an edit at or below "
                    "the verified point)"
                )
            elif event.hash != event_hash(event.prev_hash, event):
                problem = "its content no longer matches its hash (an edit at the verified point)"
        elif event.seq != count:
            problem = (
                f"position {event.seq} where {count} was expected (an event is missing or moved)"
            )
        elif event.prev_hash != expected:
            problem = "its link to the previous event does not match"
        elif event.hash != event_hash(expected, event):
            problem = "its content no longer matches its hash"
        if problem:
            return LogReport(count, expected, False, event.seq, problem, resumed)
        expected = event.hash
    if seq != count or head != expected:
        return LogReport(
            count,
            expected,
            False,
            None,
            f"the stored head (position {seq}) does not match the last event (position {count})",
            resumed,
        )
    return LogReport(count, expected, True, resumed_from=resumed)


def verify_vouchers(uow: UnitOfWork, org: Org, point: VerifiedPoint | None = None) -> ChainReport:
    """Recompute one organization's voucher chain and period balances (inside the caller's
    ``with uow``): everything, or from ``point`` (a trusted verified point) as the module's
    docstring says."""
    store = uow.store
    expected_prev = GENESIS_HASH
    count = at = 0  # at: the point's position, whose voucher is recomputed too
    if point is not None and point.voucher_seq:
        if org.chain_seq < point.voucher_seq:
            return ChainReport(
                org.code,
                org.chain_seq,
                org.chain_head,
                False,
                None,
                None,
                f"the chain has {org.chain_seq} vouchers, fewer than the {point.voucher_seq} "
                "verified before (truncated)",
            )
        at, count = point.voucher_seq, point.voucher_seq - 1
    resumed = at
    months: set[tuple[int, int]] = set()
    for voucher in store.posted_in_chain_order(org.id, count):
        count += 1
        period = Period.of(voucher.booked_on)
        number = voucher_number(period, voucher.number or 0)
        problem = None
        if point is not None and count == at:
            # the voucher at the point: its content must still give the hash seen there
            if voucher.chain_seq != at or voucher.hash != point.voucher_hash:
                problem = (
                    "it no longer has the hash it had when it was verified (an edit at or below "
                    "the verified point)"
                )
            elif voucher.hash != chain_hash(
                voucher.prev_hash or "", canonical_payload(voucher, number)
            ):
                problem = "its content no longer matches its hash (an edit at the verified point)"
        elif voucher.chain_seq != count:
            problem = f"chain position {voucher.chain_seq} where {count} was expected (a voucher is missing or moved)"
        elif voucher.prev_hash != expected_prev:
            problem = "its link to the previous voucher does not match"
        elif voucher.hash != chain_hash(expected_prev, canonical_payload(voucher, number)):
            problem = "its content no longer matches its hash"
        else:
            months.add((period.year, period.month))
        if problem:
            return ChainReport(
                org.code,
                count,
                org.chain_head,
                False,
                voucher.id,
                number,
                problem,
                resumed_from=resumed,
            )
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
            resumed_from=resumed,
        )
    stored = store.stored_turnover(org.id)
    shapes = store.stored_shapes(org.id)
    digests = turnover_digests(stored, shapes)
    if point is None:
        recomputed = store.recomputed_turnover(org.id)
        reshaped = store.recomputed_shapes(org.id)
        keys = set(stored) | set(recomputed)
    else:
        changed = {
            m for m in set(digests) | set(point.turnover) if digests.get(m) != point.turnover.get(m)
        }
        months |= {(int(m[:4]), int(m[5:])) for m in changed}
        recomputed = store.recomputed_turnover(org.id, months)
        reshaped = store.recomputed_shapes(org.id, months)
        keys = {k for k in set(stored) | set(recomputed) if (k[1], k[2]) in months}
        shapes = {k: v for k, v in shapes.items() if (k[0], k[1]) in months}
    mismatches = [
        f"account {code} {year:04d}-{month:02d}: stored {stored.get((code, year, month))}, lines {recomputed.get((code, year, month))}"
        for (code, year, month) in sorted(keys)
        if stored.get((code, year, month), (0, 0)) != recomputed.get((code, year, month), (0, 0))
    ]
    mismatches += [
        f"shape {_shape_text(key)}: stored {shapes.get(key)}, lines {reshaped.get(key)}"
        for key in sorted(set(shapes) | set(reshaped), key=_shape_text)
        if shapes.get(key, (0, 0)) != reshaped.get(key, (0, 0))
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
            resumed_from=resumed,
        )
    snapshots = rows_digest(store.stored_snapshots(org.id))
    snapshot_mismatches = (
        store.snapshot_mismatches(org.id) if point is None or snapshots != point.snapshots else []
    )
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
            resumed_from=resumed,
        )
    return ChainReport(
        org.code, count, expected_prev, True, resumed_from=resumed, balances=(digests, snapshots)
    )
