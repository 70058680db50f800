"""Scope and role checks shared by every use case (SPEC §4)."""

from __future__ import annotations

from coopledger.domain.errors import Forbidden, NotFound
from coopledger.domain.roles import Action, Actor
from coopledger.services.ports import Org, Store


def org_for(store: Store, actor: Actor, org_code: str, action: Action) -> Org:
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
