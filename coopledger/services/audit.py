"""Tamper evidence: recompute an organization's hash chain and its period balances.

The chain is checked link by link from the first posted voucher: consecutive ``seq``, each
``prev_hash`` equal to the hash before it, each ``hash`` equal to the recomputed one, and the
organization's stored head equal to the last. The first voucher that fails is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coopledger.domain.errors import NotFound
from coopledger.domain.ledger import GENESIS_HASH, canonical_payload, chain_hash
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import org_for
from coopledger.services.ports import Org, UnitOfWork


@dataclass(frozen=True, slots=True)
class ChainReport:
    org: str
    vouchers: int
    head: str
    ok: bool
    first_bad_voucher: int | None = None
    first_bad_number: str | None = None
    reason: str | None = None
    balance_mismatches: list[str] = field(default_factory=list)


def verify_org(uow: UnitOfWork, org_code: str, actor: Actor | None = None) -> ChainReport:
    """Verify ``org_code``'s chain and balances (``actor`` None: the operator at the CLI).

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
        return _verify(uow, org)


def _verify(uow: UnitOfWork, org: Org) -> ChainReport:
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
