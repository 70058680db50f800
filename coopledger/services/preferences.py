"""A user's preferences: the language the pages are shown in (one of :data:`LOCALES`, the
languages pages and printed documents come in)."""

from __future__ import annotations

from coopledger.domain.errors import ValidationFailed
from coopledger.domain.roles import Actor
from coopledger.services.ports import UnitOfWork

LOCALES = ("zh", "en")


def user_locale(uow: UnitOfWork, actor: Actor) -> str | None:
    """The language the user chose last, or None."""
    with uow:
        return uow.store.user_locale(actor.user_id)


def set_user_locale(uow: UnitOfWork, actor: Actor, locale: str) -> None:
    """Remember the user's language. :raise ValidationFailed: not one of :data:`LOCALES`."""
    if locale not in LOCALES:
        raise ValidationFailed(
            "unknown language", errors={"lang": [f"one of {', '.join(LOCALES)}"]}
        )
    with uow:
        uow.store.set_user_locale(actor.user_id, locale)
        uow.commit()
