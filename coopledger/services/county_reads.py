"""What the findings read of many organizations, read for all of them at once.

A county's report runs every audit check on each of its organizations. Run one organization at a
time, each check's reads cost a round trip to the database per organization — about sixty per
organization, six thousand for a county of a hundred. :func:`prefetched` reads the same facts for
every organization in one statement per kind of fact (the year's vouchers, the lines of the
cash, fund and payable accounts, the year's turnover, the assets, the funds, the months, the
verified points and what lies after them in each chain…) and returns a unit of work whose stores
answer each organization's call from what was read, and pass any other call — or a call with
other arguments than those read — to the real store. The checks themselves run unchanged, one
organization at a time, on that unit of work: a county's findings of an organization are the
findings of that organization alone, by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import Any, cast

from coopledger.domain.accounts import load_chart
from coopledger.services.ports import Org, UnitOfWork, VoucherFilter
from coopledger.services.ports.audit_log import FundMovement
from coopledger.services.ports.regions import FundLineSum

#: an answer's way of saying "not read: ask the store"
_ASK = object()

#: the chart roles whose posted lines the checks read (cash, the special fund's payable, the
#: members' payables)
#: the accounts whose posted lines the findings read one by one (members' payables, first in
#: first out); cash is read as daily sums and the fund payable as sums per fund
LINE_ROLES = ("patronage_payable", "residual_payable")


class _Answering:
    """A store whose named methods answer from what was read, falling back to ``real``."""

    def __init__(self, real: object, answers: dict[str, Callable[..., Any]]) -> None:
        self._real = real
        self._answers = answers

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._real, name)
        answer = self._answers.get(name)
        if answer is None:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            found = answer(*args, **kwargs)
            return real(*args, **kwargs) if found is _ASK else found

        return call


class _PrefetchedUow:
    """The caller's open unit of work with answering stores in place of its own."""

    def __init__(self, uow: UnitOfWork, **stores: _Answering) -> None:
        self._uow = uow
        self._stores = stores

    def __getattr__(self, name: str) -> Any:
        found = self._stores.get(name)
        return found if found is not None else getattr(self._uow, name)


def _role_codes(orgs: Sequence[Org], role: str) -> dict[int, str]:
    """Each organization's account of ``role`` in its chart (those whose chart has none, out)."""
    return {o.id: code for o in orgs if (code := load_chart(o.chart).roles.get(role)) is not None}


def fold_fund_movements(
    sums: Sequence[FundLineSum], codes: Mapping[int, str]
) -> dict[int, dict[int, FundMovement]]:
    """Each organization's fund movements on its account ``codes[org]`` and the sub-accounts
    under it, folded from the lines' sums as
    :meth:`~coopledger.services.ports.AuditLog.fund_movements_of` reads them."""
    sides: dict[tuple[int, int], dict[str, tuple[int, date, date]]] = {}
    for s in sums:
        code = codes.get(s.org_id)
        if code is None or not s.account_code.startswith(code):
            continue
        by_side = sides.setdefault((s.org_id, s.fund_id), {})
        fen, first, last = by_side.get(s.side, (0, s.first_day, s.last_day))
        by_side[s.side] = (fen + s.fen, min(first, s.first_day), max(last, s.last_day))
    out: dict[int, dict[int, FundMovement]] = {o: {} for o in codes}
    for (org_id, fund_id), by_side in sides.items():
        out[org_id][fund_id] = FundMovement.of_sides(by_side)
    return out


def prefetched(
    uow: UnitOfWork,
    orgs: Sequence[Org],
    year: int,
    as_of: date,
    examples: int,
    *,
    chains: bool = False,
    fund_sums: tuple[date, Sequence[FundLineSum]] | None = None,
) -> UnitOfWork:
    """``uow`` (open) answering the findings' reads of ``orgs`` for ``year`` from set reads.

    ``as_of``: the day the posted lines are read through; ``examples``: how many self-reviewed
    vouchers the year's facts name; ``chains``: also read the verified points and, for each
    organization that has one, the chains from it (a verification resumed from its point);
    ``fund_sums``: the lines carrying a fund summed through a day, as the caller read them
    already (the funds' movements are folded from them when that day is ``as_of``).
    """
    ids = [o.id for o in orgs]
    store, audit, registers, regions = uow.store, uow.audit, uow.registers, uow.regions
    first, last = date(year, 1, 1), date(year, 12, 31)

    facts = audit.year_voucher_facts_of(ids, year, examples)
    roles = {
        code
        for chart in {o.chart for o in orgs}
        for role in LINE_ROLES
        if (code := load_chart(chart).roles.get(role))
    }
    prefixes = tuple(sorted(roles))
    lines = audit.posted_lines_of(ids, prefixes, as_of)
    cash = _role_codes(orgs, "cash")
    payable = _role_codes(orgs, "special_payable")
    nets = audit.daily_nets_of(cash, as_of)
    if fund_sums is not None and fund_sums[0] == as_of:
        movements = fold_fund_movements(fund_sums[1], payable)
    else:
        movements = audit.fund_movements_of(payable, as_of)
    turnovers = store.turnovers_of(ids, first, last) or {}
    stages = store.year_stages_of(ids, year)
    funds = store.funds_of(ids)
    periods = store.periods_of(ids)
    assets = registers.assets_of(ids)
    # the vouchers a filter by one of these accounts can find: the statements read the year's
    # vouchers on 本年盈余, 未分配盈余 and 各项分配; the distribution check the drafts on 221/222
    searched: set[str] = set()
    for chart in {o.chart for o in orgs}:
        c = load_chart(chart)
        searched |= {c.surplus_account, c.undistributed_account, c.appropriation_account}
        searched |= {
            code
            for role in ("patronage_payable", "residual_payable")
            if (code := c.roles.get(role))
        }
    touching: dict[int, list[tuple[str, int, str]]] = {o: [] for o in ids}
    for o, status, y, code in store.touching_of(ids, searched):
        touching[o].append((status, y, code))

    plans = regions.plans_of(ids)
    with_contracts = regions.with_contracts(ids)
    payables = {
        code
        for chart in {o.chart for o in orgs}
        for role in ("patronage_payable", "residual_payable")
        if (code := load_chart(chart).roles.get(role))
    }
    by_member = regions.member_balances_of(ids, payables)

    def year_voucher_facts(org_id: int, y: int, first_n: int) -> object:
        return facts[org_id] if y == year and first_n == examples and org_id in facts else _ASK

    def posted_lines(org_id: int, wanted: tuple[str, ...], through: date) -> object:
        if through != as_of or org_id not in lines or not set(wanted) <= roles:
            return _ASK
        return [ln for ln in lines[org_id] if ln.account.startswith(wanted)]

    def daily_nets(org_id: int, code: str, through: date) -> object:
        if through != as_of or cash.get(org_id) != code:
            return _ASK
        return list(nets[org_id])

    def fund_movements(org_id: int, code: str, through: date) -> object:
        if through != as_of or payable.get(org_id) != code:
            return _ASK
        return dict(movements[org_id])

    def turnovers_of(org_id: int, start: date, end: date) -> object:
        if (start, end) != (first, last) or org_id not in turnovers:
            return _ASK
        return list(turnovers[org_id])

    def year_stage(org_id: int, y: int) -> object:
        return stages[org_id] if y == year and org_id in stages else _ASK

    def year_closed(org_id: int, y: int) -> object:
        return stages[org_id] == "closed" if y == year and org_id in stages else _ASK

    def vouchers(org_id: int, flt: VoucherFilter, limit: int, after_id: int) -> object:
        """None found when no voucher of the organization touches the account (with the
        filter's status and year); anything else is asked of the store."""
        if (
            flt.account is None
            or flt.account not in searched
            or flt.member_id is not None
            or flt.text is not None
            or org_id not in touching
        ):
            return _ASK
        for status, y, code in touching[org_id]:
            if (
                code.startswith(flt.account)
                and flt.status in (None, status)
                and flt.year in (None, y)
            ):
                return _ASK
        return []

    def from_dict(table: dict[int, Any]) -> Callable[[int], object]:
        return lambda org_id: list(table[org_id]) if org_id in table else _ASK

    def posted_touching(org_id: int, y: int, accounts: Collection[str]) -> object:
        """No account: no voucher (the store would look the accounts up first)."""
        return _ASK if accounts else []

    def closed_periods(org_id: int) -> object:
        if org_id not in periods:
            return _ASK
        return {(p.year, p.month): p.closed_at for p in periods[org_id] if p.status == "closed"}

    def contracts(org_id: int, *, contract_id: int | None = None, lock: bool = False) -> object:
        if org_id in with_contracts or org_id not in ids or contract_id is not None or lock:
            return _ASK
        return []

    def plans_answer(org_id: int, y: int | None) -> object:
        if org_id not in plans:
            return _ASK
        return [p for p in plans[org_id] if y is None or p[1] == y]

    def balances_by_member(org_id: int, code: str, through: date | None) -> object:
        found = by_member.get((org_id, code)) if through is None else None
        return _ASK if found is None else dict(found)

    store_answers: dict[str, Callable[..., Any]] = {
        "turnovers": turnovers_of,
        "year_stage": year_stage,
        "year_closed": year_closed,
        "vouchers": vouchers,
        "posted_touching": posted_touching,
        "funds": from_dict(funds),
        "periods": from_dict(periods),
    }
    audit_answers: dict[str, Callable[..., Any]] = {
        "year_voucher_facts": year_voucher_facts,
        "posted_lines": posted_lines,
        "daily_nets": daily_nets,
        "fund_movements": fund_movements,
        "closed_periods": closed_periods,
    }
    if chains:
        _chain_answers(uow, orgs, store_answers, audit_answers)
    return cast(
        UnitOfWork,
        _PrefetchedUow(
            uow,
            store=_Answering(store, store_answers),
            audit=_Answering(audit, audit_answers),
            registers=_Answering(
                registers,
                {"assets": from_dict(assets), "account_balances_by_member": balances_by_member},
            ),
            contracts=_Answering(uow.contracts, {"contracts": contracts}),
            distributions=_Answering(uow.distributions, {"plans": plans_answer}),
        ),
    )


def _chain_answers(
    uow: UnitOfWork,
    orgs: Sequence[Org],
    store_answers: dict[str, Callable[..., Any]],
    audit_answers: dict[str, Callable[..., Any]],
) -> None:
    """The reads of a verification resumed from each organization's verified point: the points,
    the chains' heads, the vouchers and events from each point on (the one at the point is
    recomputed), the stored turnover (per account and by shape) and snapshots. An organization without a point is verified
    in full through the store itself."""
    store, audit = uow.store, uow.audit
    ids = [o.id for o in orgs]
    points = audit.verified_points_of(ids)
    chain_seq = {o.id: o.chain_seq for o in orgs}
    voucher_after = {
        o: p.voucher_seq - 1
        for o, p in points.items()
        if p.voucher_seq and chain_seq.get(o, 0) >= p.voucher_seq
    }
    heads = audit.heads_of(ids)
    event_after = {
        o: p.audit_seq - 1
        for o, p in points.items()
        if p.audit_seq and heads.get(o, (0, ""))[0] >= p.audit_seq
    }
    chain_vouchers = store.posted_in_chain_order_of(voucher_after)
    events = audit.chains_of(event_after)
    stored = store.stored_turnover_of(ids)
    shapes = store.stored_shapes_of(ids)
    snapshots = store.stored_snapshots_of(ids)

    def verified_point(org_id: int) -> object:
        return points.get(org_id) if org_id in chain_seq else _ASK

    def posted_in_chain_order(org_id: int, after: int = 0) -> object:
        if voucher_after.get(org_id) != after or org_id not in chain_vouchers:
            return _ASK
        return iter(chain_vouchers[org_id])

    def head(chain_key: int) -> object:
        return heads.get(chain_key, _ASK)

    def chain(chain_key: int, after: int = 0) -> object:
        if event_after.get(chain_key) != after or chain_key not in events:
            return _ASK
        return iter(events[chain_key])

    store_answers |= {
        "posted_in_chain_order": posted_in_chain_order,
        "stored_turnover": lambda org_id: dict(stored[org_id]) if org_id in stored else _ASK,
        "stored_shapes": lambda org_id: dict(shapes[org_id]) if org_id in shapes else _ASK,
        "stored_snapshots": lambda org_id: list(snapshots[org_id]) if org_id in snapshots else _ASK,
    }
    audit_answers |= {"verified_point": verified_point, "head": head, "chain": chain}


__all__ = ["LINE_ROLES", "fold_fund_movements", "prefetched"]
