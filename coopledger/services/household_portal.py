"""The household portal: the member record a household user stands for, and the years it has
statements."""

from __future__ import annotations

from dataclasses import dataclass

from coopledger.domain.errors import Forbidden, NotFound
from coopledger.domain.roles import Actor, Role
from coopledger.services.ports import Member, Org, UnitOfWork


@dataclass(frozen=True, slots=True)
class Household:
    """A household user's own record: its organization, member, and the years it has statements."""

    org: Org
    member: Member
    statement_years: tuple[int, ...]


def household_of(uow: UnitOfWork, actor: Actor) -> Household:
    """The member record a household user stands for.

    :raise Forbidden: the actor is not a household user. :raise NotFound: the record is gone.
    """
    if actor.role is not Role.HOUSEHOLD or actor.member_id is None:
        raise Forbidden("only a household user has a household portal")
    with uow:
        member = uow.store.member_by_id(actor.member_id)
        org = uow.store.org_by_id(member.org_id) if member else None
        if member is None or org is None or not actor.sees(org.id):
            raise NotFound("member not found")
        years = sorted(
            {
                year
                for _id, year, status in uow.distributions.plans(org.id, None)
                if status == "posted"
            },
            reverse=True,
        )
    return Household(org, member, tuple(years))
