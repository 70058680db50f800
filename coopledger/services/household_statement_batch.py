"""A year's household statements in bulk: the members of the posted plan, and their statements
drawn from one read of the plan and of the year-end register per chunk of members.

:func:`household_statement` reads the whole plan and the whole share register for one member;
called once per member, a batch of *n* households would read them *n* times. Here a chunk of
members costs one read of each, and the verification codes of the chunk are issued in one
transaction. Issuing is idempotent: a member keeps the code issued first (the database holds one
row per plan and member), so a chunk rendered twice — a retried job, a re-run — prints the same
code and records nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from coopledger.domain.errors import NotFound
from coopledger.domain.roles import Action, Actor
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.household_statements import (
    Statement,
    goods_in_kind,
    in_kind_of,
    issue_code,
    statement_of,
)
from coopledger.services.ports import Clock, UnitOfWork
from coopledger.services.shares import holdings_as_of


def posted_plan_members(
    uow: UnitOfWork, actor: Actor, org_code: str, year: int
) -> tuple[int, list[str]]:
    """The posted plan of ``year`` and its members' numbers, in the plan's order.

    :raise NotFound: unknown or unseen organization; no posted distribution for the year.
    :raise Forbidden: the actor may not issue statements (an auditor only reads).
    """
    with uow:
        org = org_for(uow.store, actor, org_code, Action.ISSUE_STATEMENTS)
        plan_id = next(
            (i for i, _y, s in uow.distributions.plans(org.id, year) if s == "posted"), None
        )
        plan = uow.distributions.plan(org.id, plan_id) if plan_id is not None else None
        if plan is None:
            raise NotFound(f"{org_code} has no posted distribution for {year}")
        return plan.id, [ln.member_no for ln in plan.lines]


def household_statements(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    year: int,
    member_nos: Sequence[str],
    *,
    clock: Clock = utcnow,
) -> list[Statement]:
    """The statements of ``member_nos`` for ``year``, in that order, issuing the codes not yet
    issued (one commit). Concurrent issuers of the same member collide on the database's unique
    (plan, member) key; the loser's transaction fails and a retry reads the winner's code.

    :raise NotFound: unknown or unseen organization; no posted plan; a member not in the plan.
    :raise Forbidden: the actor may not issue statements (an auditor only reads).
    """
    with uow:
        store, dist = uow.store, uow.distributions
        org = org_for(store, actor, org_code, Action.ISSUE_STATEMENTS)
        plan_id = next((i for i, _y, s in dist.plans(org.id, year) if s == "posted"), None)
        plan = dist.plan(org.id, plan_id) if plan_id is not None else None
        if plan is None:
            raise NotFound(f"{org_code} has no posted distribution for {year}")
        lines = {ln.member_no: ln for ln in plan.lines}
        missing = [no for no in member_nos if no not in lines]
        if missing:
            raise NotFound(f"member {missing[0]} is not in the {year} distribution")
        wanted = {lines[no].member_id for no in member_nos}
        members = {i: store.member_by_id(i) for i in wanted}
        holdings = {h.member_no: h for h in holdings_as_of(uow, org, date(year, 12, 31)).holdings}
        goods = goods_in_kind(uow, org.id, year)
        out: list[Statement] = []
        issued_any = False
        for no in member_nos:
            line = lines[no]
            issued, new = issue_code(uow, org, plan, line, clock)
            issued_any = issued_any or new
            m = members[line.member_id]
            name, id_number = (m.name, m.id_number) if m else (line.name, None)
            kind = in_kind_of(goods.get(no, ()), issued)
            out.append(
                statement_of(org, plan, line, name, id_number, holdings.get(no), issued, kind)
            )
        if issued_any:
            uow.commit()
    return out
