"""The consolidated trial balance of many organizations (a township's or a county's 科目余额表).

Organizations of one chart are summed account by account over whole months. The figures come
from each organization's last period snapshot and its monthly turnover after it, read for all
of them at once, so a county of a hundred organizations costs a few queries, not a hundred
trial balances.
"""

from __future__ import annotations

from collections.abc import Sequence

from coopledger.domain.errors import NotFound, field_error
from coopledger.domain.periods import Period
from coopledger.domain.reporting import TrialBalance, trial_balance
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import require
from coopledger.services.ports import UnitOfWork


def consolidated_trial_balance(
    uow: UnitOfWork, actor: Actor, org_codes: Sequence[str], first: Period, last: Period
) -> TrialBalance:
    """科目余额表 of ``org_codes`` together, from the start of ``first`` to the end of ``last``.

    :raise NotFound: an organization that does not exist or that the actor cannot see.
    :raise Forbidden: the role may not read books.
    :raise ValidationFailed: no organization; ``first`` after ``last``; charts that differ.
    """
    require(actor, Action.READ_BOOKS)
    if not org_codes:
        raise field_error("orgs", "name at least one organization")
    if first > last:
        raise field_error("from", "must not be after 'to'")
    wanted = set(org_codes)
    with uow:
        store = uow.store
        found = [o for o in store.orgs(None) if o.code in wanted and actor.sees(o.id)]
        missing = wanted - {o.code for o in found}
        if missing:
            raise NotFound(f"organization {sorted(missing)[0]!r} not found")
        if len({o.chart for o in found}) > 1:
            raise field_error("orgs", "organizations of different charts are not summed")
        accounts = dict(store.accounts(found[0].id))
        turnovers = store.consolidated_turnovers([o.id for o in found], first, last)
        for org in found[1:]:  # sub-accounts some organization added on its own
            if {t.account for t in turnovers} <= accounts.keys():
                break
            accounts = {**store.accounts(org.id), **accounts}
    return trial_balance(list(accounts.values()), turnovers)
