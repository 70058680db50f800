"""The household portal: the member records a household user stands for (one per organization
it belongs to: its cooperative, its village), the years each has statements, and the last
distributed year's amounts — what it is owed, what it was paid, what is still unpaid — with
the reasons in plain words, and the goods it received in kind (受赠物资 handed out to it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopledger.domain.errors import Forbidden, NotFound
from coopledger.domain.roles import Actor, Role
from coopledger.services.household_statements import (
    Statement,
    statement_in_year,
    statement_under,
)
from coopledger.services.ports import HandoutRecord, Member, Org, UnitOfWork
from coopledger.services.shares import Holding, holdings_as_of


@dataclass(frozen=True, slots=True)
class AccountFigures:
    """What the portal shows of a membership's member account (成员账户) for one year: the
    holding at the year's end, and the patronage refund and residual distribution allotted in
    the year."""

    year: int
    closing: Holding | None
    patronage_refund: int
    residual_distribution: int


@dataclass(frozen=True, slots=True)
class Household:
    """One membership of a household user: its organization, member record, the years it has
    statements (newest first) and, once one is distributed, the last distributed year's
    statement, the goods handed to it in kind (in date order), and the member account figures
    its portal shows (:func:`memberships_of` reads them)."""

    org: Org
    member: Member
    statement_years: tuple[int, ...]
    latest: Statement | None = None
    in_kind: tuple[HandoutRecord, ...] = ()
    account: AccountFigures | None = None


def memberships_of(uow: UnitOfWork, actor: Actor, current_year: int) -> list[Household]:
    """Every membership of a household user, the first first, each with its last distributed
    year's statement (issuing its verification code when the household reads it for the first
    time: ``uow`` must be able to write) and its member account figures, all in one unit of work.

    The account figures are those of the last distributed year (the current year is still
    empty), else of ``current_year`` — each exactly what
    :func:`~coopledger.services.shares.member_account` reads for that year. A distributed
    year's are its statement's: the posted plan's line for the member and its holding at that
    year's end. Without one, no posted plan has a line for the member (each was tried), so
    nothing was allotted to it in any year, and only its holding at the current year's end is
    read, from its own lines.

    :raise Forbidden: the actor is not a household user. :raise NotFound: its first record is
    gone.
    """
    found = []
    with uow:
        for home, plan_ids in _memberships(uow, actor):
            latest = None
            for year in home.statement_years:
                plan = uow.distributions.plan(home.org.id, plan_ids[year])
                if plan is not None:
                    latest = statement_under(
                        uow, home.org, home.member, plan, handouts=home.in_kind
                    )
                if latest is not None:
                    break
            if latest is not None:
                line = latest.line
                account = AccountFigures(
                    latest.year, latest.holding, line.patronage_fen, line.residual_fen
                )
            else:
                year_end = date(current_year, 12, 31)
                register = holdings_as_of(uow, home.org, year_end, None, home.member.id)
                closing = next(
                    (h for h in register.holdings if h.member_no == home.member.member_no), None
                )
                account = AccountFigures(current_year, closing, 0, 0)
            found.append(
                Household(
                    home.org, home.member, home.statement_years, latest, home.in_kind, account
                )
            )
    return found


def household_statement_in(
    uow: UnitOfWork, actor: Actor, org_code: str | None, year: int
) -> Statement:
    """The household user's statement for ``year`` in ``org_code`` (None: its first
    membership), issuing its code the first time (``uow`` must be able to write).

    :raise Forbidden: not a household user. :raise NotFound: it is no member there, or has no
    share in that year's plan. :raise InvalidState: the year has no posted plan (409).
    """
    with uow:
        return statement_in_year(uow, *_record_in(uow, actor, org_code), year)


def _records(uow: UnitOfWork, actor: Actor) -> list[tuple[Org, Member]]:
    """The household user's member records with their organizations, each checked to be one
    the actor sees, the first first; inside the caller's ``with uow``."""
    if actor.role is not Role.HOUSEHOLD or actor.member_id is None:
        raise Forbidden("only a household user has a household portal")
    ids = [actor.member_id, *sorted(actor.also_member_ids)]
    found = []
    for member_id in ids:
        member = uow.store.member_by_id(member_id)
        org = uow.store.org_by_id(member.org_id) if member else None
        if member is None or org is None or not actor.sees(org.id):
            if member_id == actor.member_id:
                raise NotFound("member not found")
            continue
        found.append((org, member))
    return found


def _memberships(uow: UnitOfWork, actor: Actor) -> list[tuple[Household, dict[int, int]]]:
    """:func:`_records` with each membership's statement years and goods in kind, and its
    posted plans' ids by year; inside the caller's ``with uow``."""
    found = []
    for org, member in _records(uow, actor):
        posted: dict[int, int] = {}  # each year's first posted plan, as a statement reads it
        for plan_id, year, status in uow.distributions.plans(org.id, None):
            if status == "posted":
                posted.setdefault(year, plan_id)
        years = tuple(sorted(posted, reverse=True))
        in_kind = tuple(uow.donations.handouts(org.id, member_id=member.id))
        found.append((Household(org, member, years, in_kind=in_kind), posted))
    return found


def membership_in(uow: UnitOfWork, actor: Actor, org_code: str | None) -> tuple[Org, Member]:
    """The organization and member record of the household user's membership in ``org_code``
    (None: its first).

    :raise Forbidden: not a household user. :raise NotFound: it is no member there (an
    organization it does not belong to looks like one that does not exist).
    """
    with uow:
        return _record_in(uow, actor, org_code)


def _record_in(uow: UnitOfWork, actor: Actor, org_code: str | None) -> tuple[Org, Member]:
    """:func:`membership_in` inside the caller's ``with uow``."""
    records = _records(uow, actor)
    if org_code is None:
        return records[0]
    found = next(((o, m) for o, m in records if o.code == org_code), None)
    if found is None:
        raise NotFound(f"organization {org_code!r} not found")
    return found
