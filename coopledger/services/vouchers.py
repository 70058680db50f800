"""The voucher workflow: draft → reviewed → posted, and the red reversal.

Posting takes, in this order and in one transaction, the voucher row, the month's counter row
(gapless number; refused when the month is closed) and the organization's chain head — always
the same order, so concurrent postings queue instead of deadlocking. The database guards re-check
what matters (balanced, numbered, chained, open month) when the status flips to posted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from coopledger.domain.accounts import Account
from coopledger.domain.errors import (
    AlreadyReversed,
    Forbidden,
    InvalidState,
    NotFound,
    PeriodClosed,
    ValidationFailed,
    field_error,
)
from coopledger.domain.ledger import (
    Status,
    Voucher,
    VoucherDraft,
    VoucherKind,
    canonical_payload,
    chain_hash,
    reversal_draft,
    validate_draft,
)
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import CASH_ACCOUNT_PREFIXES, Action, Actor, Role
from coopledger.services.access import org_for, require
from coopledger.services.clock import utcnow
from coopledger.services.ports import (
    AuditStore,
    Clock,
    Org,
    PeriodStore,
    PostingStamp,
    Store,
    UnitOfWork,
    VoucherFilter,
    VoucherStore,
)

EARLIEST_DATE = date(2000, 1, 1)


def create_voucher(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    draft: VoucherDraft,
    *,
    idempotency_key: str | None = None,
    request_sha256: str | None = None,
    clock: Clock = utcnow,
) -> tuple[Voucher, bool]:
    """Record a draft voucher; returns (voucher, replayed).

    With an ``idempotency_key``, the same key and the same request return the voucher the first
    request created (``replayed`` True) and create nothing.

    :raise NotFound: unknown organization, or one the actor is not assigned to.
    :raise Forbidden: the role may not prepare vouchers; a cashier's voucher touches no cash or bank account.
    :raise ValidationFailed: invalid lines (every problem at once); the key reused with another request.
    :raise Unbalanced: Σ debit ≠ Σ credit.
    :raise PeriodClosed: the date lies in a closed month.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.PREPARE)
        if idempotency_key is not None:
            digest = request_sha256 or ""
            if not store.claim_idempotency(org.id, actor.user_id, idempotency_key, digest, now):
                return _replay(store, org, actor.user_id, idempotency_key, digest), True
        _check_draft(store, org, actor, draft, now)
        voucher_id = store.add_voucher(org.id, draft, actor.user_id, now)
        if idempotency_key is not None:
            store.bind_idempotency(org.id, actor.user_id, idempotency_key, voucher_id)
        voucher = _load(store, org, voucher_id)
        _audit(store, org, actor, "voucher.create", voucher, None, voucher, now)
        uow.commit()
    return voucher, False


def update_voucher(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    voucher_id: int,
    draft: VoucherDraft,
    *,
    clock: Clock = utcnow,
) -> Voucher:
    """Replace a draft's date, memo, attachments and lines.

    :raise InvalidState: the voucher is reviewed or posted (only drafts can be edited).
    Other errors as :func:`create_voucher`.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.PREPARE)
        current = _load(store, org, voucher_id, lock=True)
        if current.status is not Status.DRAFT:
            raise InvalidState(
                f"voucher {voucher_id} is {current.status}; only a draft can be edited"
            )
        if current.kind is not VoucherKind.NORMAL:
            raise InvalidState("a reversal or closing voucher cannot be edited; delete it instead")
        _check_draft(store, org, actor, draft, now)
        store.replace_draft(voucher_id, draft)
        voucher = _load(store, org, voucher_id)
        _audit(store, org, actor, "voucher.update", voucher, current, voucher, now)
        uow.commit()
    return voucher


def delete_voucher(uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int) -> None:
    """Delete a draft. :raise InvalidState: reviewed or posted vouchers are never deleted."""
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.PREPARE)
        current = _load(store, org, voucher_id, lock=True)
        if current.status is not Status.DRAFT:
            raise InvalidState(
                f"voucher {voucher_id} is {current.status}; only a draft can be deleted"
            )
        store.delete_draft(voucher_id)
        _audit(store, org, actor, "voucher.delete", current, current, None, utcnow())
        uow.commit()


def review_voucher(
    uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int, *, clock: Clock = utcnow
) -> Voucher:
    """Mark a draft reviewed (稽核).

    :raise Forbidden: code ``segregation_of_duties`` when the reviewer prepared it, unless the
        organization allows a single accountant; a cashier never reviews.
    :raise InvalidState: the voucher is not a draft.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.REVIEW)
        voucher = _load(store, org, voucher_id, lock=True)
        if voucher.status is not Status.DRAFT:
            raise InvalidState(
                f"voucher {voucher_id} is {voucher.status}; only a draft can be reviewed"
            )
        if voucher.prepared_by == actor.username and not org.allow_single_accountant:
            raise Forbidden(
                "the preparer may not review their own voucher", code="segregation_of_duties"
            )
        now = clock()
        store.set_reviewed(voucher_id, actor.user_id, now)
        before = voucher
        voucher = replace(voucher, status=Status.REVIEWED, reviewed_by=actor.username)
        _audit(store, org, actor, "voucher.review", voucher, before, voucher, now)
        uow.commit()
    return voucher


def unreview_voucher(uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int) -> Voucher:
    """Send a reviewed voucher back to draft (取消审核) so that it can be corrected."""
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.REVIEW)
        voucher = _load(store, org, voucher_id, lock=True)
        if voucher.status is not Status.REVIEWED:
            raise InvalidState(
                f"voucher {voucher_id} is {voucher.status}; only a reviewed voucher goes back to draft"
            )
        store.set_reviewed(voucher_id, None, None)
        before = voucher
        voucher = _load(store, org, voucher_id)
        _audit(store, org, actor, "voucher.unreview", voucher, before, voucher, utcnow())
        uow.commit()
    return voucher


def post_voucher(
    uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int, *, clock: Clock = utcnow
) -> Voucher:
    """Post (记账) a reviewed voucher: number it, chain it, add it to the period balances.

    :raise InvalidState: code ``not_reviewed`` for a draft; ``already_posted`` when posted.
    :raise PeriodClosed: its month has been closed since it was prepared.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.POST)
        voucher = _load(store, org, voucher_id, lock=True)
        if voucher.status is Status.POSTED:
            raise InvalidState(f"voucher {voucher_id} is already posted", code="already_posted")
        if voucher.status is Status.DRAFT:
            raise InvalidState(f"voucher {voucher_id} has not been reviewed", code="not_reviewed")
        now = clock()
        posted = post_reviewed(store, org, voucher, actor, now)
        uow.commit()
    return posted


def reverse_voucher(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    voucher_id: int,
    booked_on: date,
    memo: str | None,
    *,
    clock: Clock = utcnow,
) -> Voucher:
    """Prepare the red reversal (红字冲销) of a posted voucher, as a draft linked to it.

    It copies the original's lines with negated amounts on the same sides and then goes through
    review and posting like any voucher. A mistake in a closed year is corrected with a blue
    voucher in the current period instead (prospective method): no reversal reaches into it.

    :raise InvalidState: the voucher is not posted, or is itself a reversal.
    :raise AlreadyReversed: a reversal of it exists already.
    :raise PeriodClosed: its year is closed, or ``booked_on`` lies in a closed month.
    :raise ValidationFailed: ``booked_on`` is before the original or in another year.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.REVERSE)
        original = _load(store, org, voucher_id, lock=True)
        if original.status is not Status.POSTED:
            raise InvalidState(
                f"voucher {voucher_id} is {original.status}; only a posted voucher is reversed"
            )
        if original.kind is VoucherKind.REVERSAL:
            raise InvalidState("a reversal is not reversed again; post a blue voucher instead")
        if original.reversed_by is not None:
            raise AlreadyReversed(
                f"voucher {voucher_id} has already been reversed by voucher {original.reversed_by}"
            )
        if store.year_closed(org.id, original.booked_on.year):
            raise PeriodClosed(
                f"{original.booked_on.year} is closed: correct it with a blue voucher in the current period"
            )
        if booked_on.year != original.booked_on.year or booked_on < original.booked_on:
            raise field_error(
                "date",
                f"a reversal is dated in {original.booked_on.year}, on or after the original",
            )
        _check_open(store, org, booked_on)
        number = voucher_number(Period.of(original.booked_on), original.number or 0)
        draft = reversal_draft(original, number, booked_on, memo)
        new_id = store.add_voucher(org.id, draft, actor.user_id, now, reverses=original.id)
        reversal = _load(store, org, new_id)
        _audit(store, org, actor, "voucher.reverse", reversal, None, reversal, now)
        uow.commit()
    return reversal


def get_voucher(uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int) -> Voucher:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return _load(uow.store, org, voucher_id)


@dataclass(frozen=True, slots=True)
class VoucherPrint:
    """What the print of one voucher reads from the books, in one transaction."""

    voucher: Voucher
    org: Org
    accounts: list[Account]
    signers: dict[str, str]  # username → the person's name (the username when the user has none)
    reverses_number: str | None  # the printed number of the voucher a red reversal cancels


def voucher_print(uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int) -> VoucherPrint:
    """A voucher with what its print shows beside it: the chart's names, the people who signed
    it by name (a signature names a person, not an account), the number it reverses."""
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        voucher = _load(store, org, voucher_id)
        usernames = [u for u in (voucher.prepared_by, voucher.reviewed_by, voucher.posted_by) if u]
        names = store.full_names(usernames)
        reverses_number = None
        if voucher.reverses is not None:
            original = store.voucher(org.id, voucher.reverses)
            if original is not None and original.number is not None:
                reverses_number = voucher_number(Period.of(original.booked_on), original.number)
        return VoucherPrint(
            voucher,
            org,
            sorted(store.accounts(org.id).values(), key=lambda a: a.code),
            {u: names.get(u, u) for u in usernames},
            reverses_number,
        )


def list_vouchers(
    uow: UnitOfWork, actor: Actor, org_code: str, flt: VoucherFilter, limit: int, after_id: int
) -> list[Voucher]:
    """Vouchers in id order after ``after_id`` (keyset paging)."""
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        return store.vouchers(org.id, flt, limit, after_id)


@dataclass(frozen=True, slots=True)
class VoucherPage:
    """One page of the vouchers matching a filter, with what all of them add up to."""

    vouchers: list[Voucher]
    count: int  # vouchers matching the filter
    debit_fen: int  # their debit total, equal to their credit total
    page: int  # from 1
    pages: int  # at least 1
    #: a text search found more than ``count`` (:data:`SEARCH_CAP`) and stopped: the pages are
    #: of the first ``count``, and ``debit_fen`` is not summed (0)
    capped: bool = False


#: how many vouchers a text search lists at most: it reads the memos in id order and stops
#: after one more, so that a common word does not count every voucher of the books
SEARCH_CAP = 1000


def voucher_page(
    uow: UnitOfWork, actor: Actor, org_code: str, flt: VoucherFilter, page: int, size: int
) -> VoucherPage:
    """Page ``page`` (from 1; past the last, the last) of the vouchers matching ``flt`` in id
    order, ``size`` a page, with their count and totals counted by the database. A text search
    reads the matching ids once, up to :data:`SEARCH_CAP` (``capped`` when more match)."""
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.READ_BOOKS)
        if flt.text:
            ids = store.voucher_ids(org.id, flt, SEARCH_CAP + 1)
            capped = len(ids) > SEARCH_CAP
            ids = ids[:SEARCH_CAP]
            pages = max(1, -(-len(ids) // size))
            page = min(max(1, page), pages)
            shown = store.vouchers_by_id(org.id, ids[(page - 1) * size : page * size])
            debit = 0 if capped else store.debit_of(org.id, ids)
            return VoucherPage(shown, len(ids), debit, page, pages, capped)
        count, debit = store.voucher_summary(org.id, flt)
        pages = max(1, -(-count // size))
        page = min(max(1, page), pages)
        found = store.voucher_page(org.id, flt, size, (page - 1) * size)
        return VoucherPage(found, count, debit, page, pages)


def member_id_for(uow: UnitOfWork, actor: Actor, org_code: str, member_no: str) -> int:
    """The id of a member, for filters. :raise ValidationFailed: unknown member."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        ids = uow.store.members_by_no(org.id, {member_no})
    if member_no not in ids:
        raise field_error("member", f"unknown member {member_no!r}")
    return ids[member_no]


def add_posted_batch(
    store: Store, org: Org, actor: Actor, drafts: Sequence[VoucherDraft], now: datetime
) -> tuple[list[int], list[PostingStamp], list[str]]:
    """Number, chain and insert checked drafts as posted, in the caller's transaction: gapless
    numbers per month in the order given, then the chain positions, then one insert and one flip
    to posted. Returns the ids, the stamps and the printed numbers.

    :raise PeriodClosed: a month of the batch is closed.
    """
    months = Counter(Period.of(d.booked_on) for d in drafts)
    next_number: dict[Period, int] = {}
    for period, count in sorted(months.items()):
        first = store.next_number(org.id, period.year, period.month, count)
        if first is None:
            raise PeriodClosed(f"{period} is closed; nothing is posted into a closed month")
        next_number[period] = first
    seq, prev_hash = store.advance_chain(org.id, len(drafts))
    stamps: list[PostingStamp] = []
    numbers: list[str] = []
    for draft in drafts:
        period = Period.of(draft.booked_on)
        number = next_number[period]
        next_number[period] += 1
        voucher = Voucher(
            id=0,
            org_code=org.code,
            status=Status.POSTED,
            booked_on=draft.booked_on,
            memo=draft.memo,
            attachments=draft.attachments,
            kind=draft.kind,
            lines=draft.lines,
            prepared_by=actor.username,
            reviewed_by=actor.username,
            posted_by=actor.username,
            number=number,
            chain_seq=seq,
        )
        text = voucher_number(period, number)
        digest = chain_hash(prev_hash, canonical_payload(voucher, text))
        stamps.append(PostingStamp(number, seq, prev_hash, digest, actor.user_id, now))
        numbers.append(text)
        seq, prev_hash = seq + 1, digest
    ids = store.add_posted_batch(org.id, drafts, stamps, actor.user_id, now)
    if stamps:
        store.set_chain_head(org.id, stamps[-1].chain_seq, stamps[-1].hash)
    return ids, stamps, numbers


def post_batch(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    drafts: Sequence[VoucherDraft],
    *,
    clock: Clock = utcnow,
) -> list[int]:
    """Record and post many vouchers in one transaction (opening books, imports of posted
    history): every check of :func:`create_voucher`, gapless numbers and the hash chain, in
    the order given. One person prepares, reviews and posts the batch, so it must be an admin,
    or an accountant of an organization that allows a single accountant.

    :raise Forbidden: anyone else (code ``segregation_of_duties``).
    :raise ValidationFailed: any draft is invalid; every problem is keyed ``vouchers.<i>.…``.
    :raise PeriodClosed: a draft lies in a closed month. Nothing is written on any error.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.PREPARE)
        require(actor, Action.REVIEW)
        require(actor, Action.POST)
        if actor.role is not Role.ADMIN and not org.allow_single_accountant:
            raise Forbidden(
                "a batch is prepared, reviewed and posted by one person: an admin, or the "
                "accountant of a single-accountant organization",
                code="segregation_of_duties",
            )
        accounts = store.accounts(org.id)
        members = store.members_by_no(
            org.id, {ln.member for d in drafts for ln in d.lines if ln.member}
        )
        funds = store.funds_by_code(org.id, {ln.fund for d in drafts for ln in d.lines if ln.fund})
        errors: dict[str, list[str]] = {}
        latest = (now + timedelta(days=366)).date()
        for i, draft in enumerate(drafts):
            if not EARLIEST_DATE <= draft.booked_on <= latest:
                errors[f"vouchers.{i}.date"] = ["must lie between 2000-01-01 and a year from today"]
            try:
                validate_draft(draft, accounts, members, funds)
            except ValidationFailed as exc:
                for path, messages in (exc.errors or {"voucher": [exc.message]}).items():
                    errors[f"vouchers.{i}.{path}"] = messages
        if errors:
            raise ValidationFailed(
                f"{len({k.split('.')[1] for k in errors})} voucher(s) are invalid", errors=errors
            )
        ids, stamps, _numbers = add_posted_batch(store, org, actor, drafts, now)
        if stamps:
            store.audit(
                org.id,
                actor.user_id,
                "voucher.post_batch",
                "voucher",
                f"{ids[0]}..{ids[-1]}" if ids else "",
                {
                    "new": {
                        "count": len(ids),
                        "chain": [stamps[0].chain_seq, stamps[-1].chain_seq],
                        "head": stamps[-1].hash,
                    }
                },
                now,
            )
        uow.commit()
    return ids


# -- shared with other services (year-end close, later distribution and depreciation) ------------


def post_reviewed(store: Store, org: Org, voucher: Voucher, actor: Actor, now: datetime) -> Voucher:
    """Number, chain and post a voucher inside the caller's transaction."""
    period = Period.of(voucher.booked_on)
    _refuse_before_closed(store, org, period)
    number = store.next_number(org.id, period.year, period.month)
    if number is None:
        raise PeriodClosed(f"{period} is closed; nothing is posted into a closed month")
    seq, prev_hash = store.advance_chain(org.id)
    stamped = replace(
        voucher,
        status=Status.POSTED,
        number=number,
        chain_seq=seq,
        prev_hash=prev_hash,
        posted_by=actor.username,
    )
    digest = chain_hash(prev_hash, canonical_payload(stamped, voucher_number(period, number)))
    store.mark_posted(voucher.id, PostingStamp(number, seq, prev_hash, digest, actor.user_id, now))
    store.set_chain_head(org.id, seq, digest)
    store.add_turnover(org.id, period.year, period.month, voucher.kind, voucher.lines)
    posted = replace(stamped, hash=digest)
    _audit(store, org, actor, "voucher.post", posted, voucher, posted, now)
    return posted


def prepare(store: Store, org: Org, actor: Actor, draft: VoucherDraft, now: datetime) -> Voucher:
    """Check and record a draft inside the caller's transaction (generated vouchers: asset
    acquisitions, depreciation, share events); it is then reviewed and posted like any other."""
    _check_draft(store, org, actor, draft, now)
    voucher_id = store.add_voucher(org.id, draft, actor.user_id, now)
    prepared = Voucher(
        id=voucher_id,
        org_code=org.code,
        status=Status.DRAFT,
        booked_on=draft.booked_on,
        memo=draft.memo,
        attachments=draft.attachments,
        kind=draft.kind,
        lines=draft.lines,
        prepared_by=actor.username,
    )
    _audit(store, org, actor, "voucher.create", prepared, None, prepared, now)
    return prepared


def _replay(store: Store, org: Org, user_id: int, key: str, digest: str) -> Voucher:
    """The voucher the user's earlier request with this key created (keys are per user)."""
    found = store.idempotency(org.id, user_id, key)
    if found is None or found[1] is None:  # pragma: no cover - the claim failed, so the row exists
        raise InvalidState(
            "the request with this Idempotency-Key is still in flight", code="idempotency_in_flight"
        )
    if found[0] != digest:
        raise ValidationFailed(
            "this Idempotency-Key was used with a different request",
            code="idempotency_key_reused",
            errors={"Idempotency-Key": ["was used with a different request body"]},
        )
    return _load(store, org, found[1])


def _load(store: VoucherStore, org: Org, voucher_id: int, *, lock: bool = False) -> Voucher:
    voucher = store.voucher(org.id, voucher_id, lock=lock)
    if voucher is None:
        raise NotFound(f"voucher {voucher_id} not found")
    return voucher


def _check_draft(store: Store, org: Org, actor: Actor, draft: VoucherDraft, now: datetime) -> None:
    if draft.booked_on < EARLIEST_DATE or draft.booked_on > (now + timedelta(days=366)).date():
        raise field_error("date", "must lie between 2000-01-01 and a year from today")
    accounts = store.accounts(org.id)
    members = store.members_by_no(org.id, {line.member for line in draft.lines if line.member})
    funds = store.funds_by_code(org.id, {line.fund for line in draft.lines if line.fund})
    validate_draft(draft, accounts, members, funds)
    if actor.role is Role.CASHIER and not any(
        line.account.startswith(CASH_ACCOUNT_PREFIXES) for line in draft.lines
    ):
        raise Forbidden("a cashier prepares cash and bank vouchers only")
    _check_open(store, org, draft.booked_on)


def _check_open(store: PeriodStore, org: Org, booked_on: date) -> None:
    """A voucher is dated in an open month with no closed month after it: a later month's
    closing balances (its snapshot) must not change underneath it."""
    period = Period.of(booked_on)
    if store.period_status(org.id, period.year, period.month) == "closed":
        raise PeriodClosed(f"{period} is closed; nothing is posted into a closed month")
    _refuse_before_closed(store, org, period)


def _refuse_before_closed(store: PeriodStore, org: Org, period: Period) -> None:
    later = store.closed_after(org.id, period.year, period.month)
    if later is not None:
        closed = Period(*later)
        raise PeriodClosed(
            f"{closed} is closed, so nothing is posted into {period} before it; "
            f"reopen {closed} first",
            code="later_period_closed",
            params={"period": str(closed)},
        )


def _audit(
    store: AuditStore,
    org: Org,
    actor: Actor,
    action: str,
    subject: Voucher,
    old: Voucher | None,
    new: Voucher | None,
    at: datetime,
) -> None:
    """One audit event per voucher change: its state before and after."""
    store.audit(
        org.id,
        actor.user_id,
        action,
        "voucher",
        str(subject.id),
        {"old": _snapshot(old), "new": _snapshot(new)},
        at,
    )


def _snapshot(v: Voucher | None) -> dict[str, object] | None:
    if v is None:
        return None
    return {
        "status": str(v.status),
        "date": v.booked_on.isoformat(),
        "number": v.number,
        "memo": v.memo,
        "reverses": v.reverses,
        "hash": v.hash,
        "lines": [
            [line.account, str(line.side), line.amount_fen, line.member, line.fund]
            for line in v.lines
        ],
    }
