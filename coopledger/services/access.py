"""Scope and role checks shared by every use case."""

from __future__ import annotations

from coopledger.domain.errors import Forbidden, NotFound
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services.ports import Member, Org, OrgStore, Store


def org_for(store: OrgStore, actor: Actor, org_code: str, action: Action) -> Org:
    """The organization ``org_code`` if ``actor`` may take ``action`` on it.

    :raise NotFound: no such organization, or one the actor is not assigned to (they look alike).
    :raise Forbidden: the actor's role may not take ``action``.
    """
    org = store.org_by_code(org_code)
    if org is None or not actor.sees(org.id):
        raise NotFound(f"organization {org_code!r} not found")
    require(actor, action)
    return org


def require(actor: Actor, action: Action) -> None:
    """:raise Forbidden: the actor's role may not take ``action``."""
    if not actor.may(action):
        raise Forbidden(f"the {actor.role} role may not {action.value.replace('_', ' ')}")


def member_for(store: Store, actor: Actor, org_code: str, member_no: str) -> tuple[Org, Member]:
    """A member's organization and record, for reading: a household user reads its own record
    only (any other member is 404 to it); every other role needs to read the books.

    :raise NotFound: unknown or unseen organization or member. :raise Forbidden: no right to read.
    """
    org = store.org_by_code(org_code)
    if org is None or not actor.sees(org.id):
        raise NotFound(f"organization {org_code!r} not found")
    member = store.member(org.id, member_no)
    if actor.role is Role.HOUSEHOLD:
        if member is None or member.id not in actor.member_ids:
            raise NotFound(f"member {member_no!r} not found")
    else:
        require(actor, Action.READ_BOOKS)
    if member is None:
        raise NotFound(f"member {member_no!r} not found")
    return org, member
