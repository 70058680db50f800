"""Regions: the tree a user sees, the consolidated report of a region, and a fund followed across
organizations.

Scope: an admin sees every node; anyone else sees the nodes within the regions it is scoped to
and the nodes above the organizations it sees (so a township accountant's villages hang in the
tree). A region outside that is 404, as if it did not exist. The report covers the organizations
under the region that the actor sees; every figure is a sum of per-organization figures computed
from postings the way the organization's own reports compute them (the surplus statement's
lines, the fund register, the asset cards, the distribution plans), and each organization's part
is listed, so a figure drills down to the organization and ties to its books.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coopledger.domain.audit_log import VerifiedPoint
from coopledger.domain.errors import NotFound, ValidationFailed, field_error
from coopledger.domain.financial_statements import Balances, fold
from coopledger.domain.ledger import Dr
from coopledger.domain.members import current_status
from coopledger.domain.money import allocate
from coopledger.domain.regions import covered, normalize, within
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services.access import org_for, require
from coopledger.services.chain_check import Resume, save_points
from coopledger.services.financial_statements import definitions
from coopledger.services.ports import Org, UnitOfWork
from coopledger.services.ports.regions import RegionNode
from coopledger.services.registers import FundTrace, fund_trace

THRESHOLDS = (3_000_000, 5_000_000)  # 30 and 50 thousand yuan, in fen
POVERTY_STATUSES = ("exited", "monitored", "low_income", "extreme_poverty", "none")
#: lines of the surplus statement that make the collective's operating income (经营性收入): its
#: 经营收入 and 投资收益, and in the 2004 village form 发包及上交收入 (contract fees and remitted
#: profit, which the 2023 system counts in those two)
INCOME_LINES = ("operating_income", "contract_income", "investment_income")


# -- the tree ------------------------------------------------------------------------------------


@dataclass
class TreeNode:
    path: str
    name: str
    level: str
    orgs: list[Org] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)


def _visible_orgs(uow: UnitOfWork, actor: Actor) -> list[Org]:
    return uow.store.orgs(None if actor.role is Role.ADMIN else actor.org_ids)


def _visible_nodes(nodes: list[RegionNode], actor: Actor, orgs: list[Org]) -> list[RegionNode]:
    if actor.role is Role.ADMIN:
        return nodes
    org_paths = [o.region for o in orgs if o.region]
    return [
        n
        for n in nodes
        if covered(n.path, actor.regions)
        or any(within(p, n.path) for p in org_paths)
        or any(within(r, n.path) for r in actor.regions)
    ]


def region_tree(uow: UnitOfWork, actor: Actor) -> list[TreeNode]:
    """The nodes the actor may see, nested, each with the organizations placed at it that the
    actor sees (an organization outside the tree is left out)."""
    with uow:
        orgs = _visible_orgs(uow, actor)
        nodes = _visible_nodes(uow.regions.nodes(), actor, orgs)
    by_path = {n.path: TreeNode(n.path, n.name, n.level) for n in nodes}
    for org in orgs:
        if org.region in by_path:
            by_path[org.region].orgs.append(org)
    roots: list[TreeNode] = []
    for path in sorted(by_path):
        node = by_path[path]
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        (by_path[parent].children if parent in by_path else roots).append(node)
    return roots


def _region_scope(uow: UnitOfWork, actor: Actor, region: str) -> tuple[str, list[Org]]:
    """The canonical region and the visible organizations under it.

    :raise NotFound: no such region, or one the actor may not see.
    """
    try:
        path = normalize(region)
    except ValidationFailed as exc:  # a malformed path is as unknown as a missing one
        raise NotFound(f"region {region!r} not found") from exc
    if not path:
        raise NotFound(f"region {region!r} not found")
    orgs = _visible_orgs(uow, actor)
    nodes = {n.path: n for n in _visible_nodes(uow.regions.nodes(), actor, orgs)}
    above_own_region = any(r != path and within(r, path) for r in actor.regions)
    if path not in nodes or (
        actor.role is not Role.ADMIN and not covered(path, actor.regions) and above_own_region
    ):
        # a region-scoped user sees the nodes above its region in the tree, not their report
        raise NotFound(f"region {region!r} not found")
    return path, [o for o in orgs if o.region and within(o.region, path)]


# -- the consolidated report ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgFigures:
    org: Org
    operating_income: int
    funds_granted: int
    funds_received: int
    funds_spent: int
    dividends: int  # to households, plans of the year
    owed: int  # to households, plans of the year and before

    @property
    def over_30k(self) -> bool:
        return self.operating_income >= THRESHOLDS[0]

    @property
    def over_50k(self) -> bool:
        return self.operating_income >= THRESHOLDS[1]

    @property
    def funds_unspent(self) -> int:
        return self.funds_received - self.funds_spent


@dataclass(frozen=True, slots=True)
class ClassFigures:
    count: int = 0
    cost: int = 0
    funded: int = 0
    poverty_project_cost: int = 0


@dataclass(frozen=True, slots=True)
class StatusFigures:
    households: int = 0
    allocated: int = 0
    paid: int = 0

    @property
    def owed(self) -> int:
        return self.allocated - self.paid


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """The findings of one code in one organization: how many, their severity, and the first
    few (the organization's own findings list the rest)."""

    org: Org
    code: str
    severity: str
    count: int
    examples: list[Any]


#: findings a group shows; the rest are in the organization's own findings
GROUP_EXAMPLES = 3
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def group_findings(org: Org, found: list[Any]) -> list[FindingGroup]:
    """``found`` (one organization's findings) grouped by code, most severe first, then the
    largest group; a group's severity is its most severe finding's."""
    by_code: dict[str, list[Any]] = defaultdict(list)
    for finding in found:
        by_code[str(getattr(finding, "code", "?"))].append(finding)
    groups = []
    for code, items in by_code.items():
        severity = min(
            (str(getattr(f, "severity", "low")) for f in items),
            key=lambda s: SEVERITY_ORDER.get(s, 3),
        )
        groups.append(FindingGroup(org, code, severity, len(items), items[:GROUP_EXAMPLES]))
    return sorted(groups, key=lambda g: (SEVERITY_ORDER.get(g.severity, 3), -g.count, g.code))


@dataclass(frozen=True, slots=True)
class RegionReport:
    region: str
    year: int
    orgs: list[OrgFigures]
    assets_by_class: dict[str, ClassFigures]
    dividends_by_status: dict[str, StatusFigures]
    findings_by_severity: dict[str, int]
    findings_available: bool
    finding_groups: list[FindingGroup] = field(default_factory=list)

    @property
    def villages(self) -> list[OrgFigures]:
        return [o for o in self.orgs if o.org.kind == "village_collective"]

    @property
    def villages_over_30k(self) -> int:
        return sum(o.over_30k for o in self.villages)

    @property
    def villages_over_50k(self) -> int:
        return sum(o.over_50k for o in self.villages)

    @property
    def funds_granted(self) -> int:
        return sum(o.funds_granted for o in self.orgs)

    @property
    def funds_received(self) -> int:
        return sum(o.funds_received for o in self.orgs)

    @property
    def funds_spent(self) -> int:
        return sum(o.funds_spent for o in self.orgs)

    @property
    def funds_unspent(self) -> int:
        return self.funds_received - self.funds_spent

    @property
    def owed_to_households(self) -> int:
        return sum(o.owed for o in self.orgs)

    @property
    def operating_income(self) -> int:
        return sum(o.operating_income for o in self.orgs)


def operating_income(chart: str, nets: dict[str, int]) -> int:
    """The collective's operating income from the year's income and expense nets (debit minus
    credit, closing voucher left out): the surplus statement's 经营收入 plus 投资收益 lines, or
    for a chart without a statement definition, the credit balance of 501."""
    definition = definitions("surplus").get(chart)
    if definition is None:
        return -sum(n for code, n in nets.items() if code.startswith("501"))
    amounts = fold(definition, Balances(nets))
    return sum(amounts.get(key) or 0 for key in INCOME_LINES)


FindingsSource = Callable[..., dict[int, list[Any]]]


def _findings_source() -> FindingsSource | None:
    import importlib

    try:
        findings = importlib.import_module("coopledger.services.findings")
    except ImportError:
        return None
    source = getattr(findings, "county_findings", None)
    return source if callable(source) else None


def region_report(
    uow: UnitOfWork,
    actor: Actor,
    region: str,
    year: int,
    *,
    with_findings: bool = True,
    resume: Resume | None = None,
) -> RegionReport:
    """The consolidated report of ``region`` for ``year`` (JSON and PDF share it). The findings
    (the audit checks of every organization, their facts read for all at once: the costly
    part) can be left out; they are counted
    by severity and grouped by organization and code. With ``resume`` each organization's chains
    are verified from its verified point (see :mod:`coopledger.services.chain_check`), and the
    new points are stored after the report is read.

    :raise NotFound: unknown region or outside the actor's scope. :raise Forbidden: a role that
        may not read books. :raise ValidationFailed: a year out of range.
    """
    if not 2000 <= year <= 2999:
        raise field_error("year", "must be a year such as 2026")
    require(actor, Action.READ_BOOKS)
    through = date(year, 12, 31)
    with uow:
        path, orgs = _region_scope(uow, actor, region)
        ids = [o.id for o in orgs]
        regions = uow.regions
        nets = regions.pnl_nets(ids, year)
        # the lines carrying a fund, read once: the report's fund totals and the findings'
        # fund movements are both folded from them
        fund_sums = regions.fund_line_sums(ids, through)
        funds = regions.fund_totals(ids, through, fund_sums)
        assets = regions.asset_totals(ids, through)
        dividends = regions.dividend_totals(ids, year)
        source = _findings_source() if with_findings else None
        severities: dict[str, int] = {"high": 0, "medium": 0, "low": 0}
        groups: list[FindingGroup] = []
        points: list[VerifiedPoint] = []
        if source is not None:
            # every organization's checks at once: one read per kind of fact for all of them
            by_org = source(
                uow, orgs, year, resume=resume, points=points, fund_sums=(through, fund_sums)
            )
            for org in orgs:
                found = by_org[org.id]
                for finding in found:
                    sev = str(getattr(finding, "severity", "low"))
                    severities[sev] = severities.get(sev, 0) + 1
                groups += group_findings(org, found)
    if resume is not None:
        save_points(resume, points)
    granted: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in funds:
        granted[f.org_id][0] += f.granted
        granted[f.org_id][1] += f.received
        granted[f.org_id][2] += f.spent
    by_class: dict[str, ClassFigures] = {}
    for a in assets:
        c = by_class.get(a.asset_class, ClassFigures())
        by_class[a.asset_class] = ClassFigures(
            c.count + a.count,
            c.cost + a.cost,
            c.funded + a.funded,
            c.poverty_project_cost + (a.cost if a.poverty_project else 0),
        )
    by_status: dict[str, StatusFigures] = {s: StatusFigures() for s in POVERTY_STATUSES}
    allocated_in_year: dict[int, int] = defaultdict(int)
    owed: dict[int, int] = defaultdict(int)
    for d in dividends:
        if d.member_kind != "household":
            continue
        owed[d.org_id] += d.allocated - d.paid
        if d.plan_year != year:
            continue
        allocated_in_year[d.org_id] += d.allocated
        status = current_status(d.poverty_status)  # a plan of before: poor counts as exited
        s = by_status.get(status, StatusFigures())
        by_status[status] = StatusFigures(
            s.households + d.members, s.allocated + d.allocated, s.paid + d.paid
        )
    figures = [
        OrgFigures(
            org,
            operating_income(org.chart, nets.get(org.id, {})),
            granted[org.id][0],
            granted[org.id][1],
            granted[org.id][2],
            allocated_in_year[org.id],
            owed[org.id],
        )
        for org in orgs
    ]
    groups.sort(key=lambda g: (SEVERITY_ORDER.get(g.severity, 3), g.org.code, -g.count, g.code))
    return RegionReport(
        path, year, figures, by_class, by_status, severities, source is not None, groups
    )


def region_disclosures(uow: UnitOfWork, actor: Actor, region: str) -> list[tuple[Org, list[str]]]:
    """The organizations under ``region`` that the actor sees, each with the periods of its
    published disclosure notices (财务公开), the latest first: what the public links open.

    :raise NotFound: unknown region or outside the actor's scope. :raise Forbidden: a role that
        may not read books.
    """
    require(actor, Action.READ_BOOKS)
    with uow:
        _, orgs = _region_scope(uow, actor, region)
        return [(org, uow.regions.published_periods(org.id)) for org in orgs]


# -- a fund followed across organizations ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HouseholdStep:
    member_no: str
    name: str
    poverty_status: str
    quantified: int  # the member's share quantified from the fund
    dividend: int  # the member's whole dividend in the plan
    from_fund: int  # the part of it the fund's shares earned
    paid: int  # settled of the whole dividend
    linked_org: str | None  # a collective member kept in coopledger: its code


@dataclass(frozen=True, slots=True)
class PlanStep:
    org: Org
    plan_id: int
    year: int
    status: str
    households: list[HouseholdStep]

    @property
    def from_fund(self) -> int:
        return sum(h.from_fund for h in self.households)


@dataclass(frozen=True, slots=True)
class OnwardStep:
    """A collective member's dividend followed into its own organization's books."""

    org: Org
    from_org: str
    member_no: str
    from_fund: int  # what the fund earned for the collective in the plan
    received: int | None  # the dividend receipt booked in the collective's books
    plans: list[PlanStep]  # the collective's own distributions after the receipt


@dataclass(frozen=True, slots=True)
class InvestStep:
    """A village's fund spent on shares of a cooperative it is a member of (Dr 长期投资 with the
    fund's 专项应付款 in the same voucher), followed into the cooperative's plans: the part of
    the member's residual dividend those shares earned, and back into the village's books."""

    coop: Org
    member_no: str
    invested: int
    plans: list[PlanStep]  # the cooperative's posted plans, the village's line only
    onward: list[OnwardStep]  # the dividend received by the village and its own distribution


@dataclass(frozen=True, slots=True)
class CrossTrace:
    trace: FundTrace
    org: Org
    plans: list[PlanStep]
    onward: list[OnwardStep]
    invested: list[InvestStep] = field(default_factory=list)


#: long-term investment (长期投资) per kind: a fund spent on it bought shares elsewhere
INVESTMENT_ACCOUNT = {"village_collective": "141", "cooperative": "131"}


def _invested(uow: UnitOfWork, org: Org, trace: FundTrace) -> int:
    """What of the fund was spent on long-term investments: per posted voucher, the smaller of
    the fund's debit and the debit on 长期投资."""
    prefix = INVESTMENT_ACCOUNT.get(org.kind)
    if prefix is None:
        return 0
    fund_debits: dict[int, int] = defaultdict(int)
    for ln in trace.spending:
        if ln.status == "posted":
            fund_debits[ln.voucher_id] += ln.debit_fen
    total = 0
    for voucher_id, spent in fund_debits.items():
        voucher = uow.store.voucher(org.id, voucher_id)
        if voucher is None:
            continue
        to_investment = sum(
            ln.amount_fen
            for ln in voucher.lines
            if ln.account.startswith(prefix) and ln.side is Dr.DEBIT
        )
        total += min(spent, to_investment)
    return total


def _invest_steps(uow: UnitOfWork, actor: Actor, org: Org, invested: int) -> list[InvestStep]:
    """The cooperative the village's fund bought shares of (only when the village is a member
    of exactly one cooperative kept here, so the shares cannot be another's)."""
    links = uow.registers.members_linked_to(org.id)
    if not invested or len(links) != 1:
        return []
    member_id, coop_id, member_no = links[0]
    coop = uow.store.org_by_id(coop_id)
    if coop is None or not actor.sees(coop.id):
        return []
    plans, onward = [], []
    for step in _plan_steps(uow, coop, None, 0):
        line = next((h for h in step.households if h.member_no == member_no), None)
        record = uow.distributions.plan(coop.id, step.plan_id)
        full = (
            next((ln for ln in record.lines if ln.member_id == member_id), None) if record else None
        )
        if line is None or full is None:
            continue
        share = min(invested, full.account_share_fen)
        earned = full.residual_fen * share // full.account_share_fen if share else 0
        plans.append(
            PlanStep(
                coop,
                step.plan_id,
                step.year,
                step.status,
                [
                    HouseholdStep(
                        line.member_no,
                        line.name,
                        line.poverty_status,
                        share,
                        line.dividend,
                        earned,
                        line.paid,
                        org.code,
                    )
                ],
            )
        )
        received = uow.regions.receipt_amount(org.id, step.plan_id)
        own = _plan_steps(uow, org, None, step.year + 1)
        onward.append(
            OnwardStep(
                org, coop.code, member_no, earned, received, [_share_out(p, earned) for p in own]
            )
        )
    return [InvestStep(coop, member_no, invested, plans, onward)]


def _plan_steps(
    uow: UnitOfWork, org: Org, quantified: dict[str, int] | None, min_year: int
) -> list[PlanStep]:
    """Posted plans of ``org`` from ``min_year`` on; with ``quantified`` (member number → fen),
    the part of each member's residual dividend its fund shares earned (residual × fund share ÷
    account share); without, every household line with its whole dividend."""
    links = uow.registers.member_links(org.id)
    codes = {o.id: o.code for o in uow.store.orgs(frozenset(links.values()))} if links else {}
    out = []
    for plan_id, year, status in sorted(uow.distributions.plans(org.id, None), key=lambda p: p[1]):
        if status != "posted" or year < min_year:
            continue
        plan = uow.distributions.plan(org.id, plan_id)
        if plan is None:
            continue
        steps = []
        for ln in plan.lines:
            q = quantified.get(ln.member_no, 0) if quantified is not None else 0
            if quantified is not None and not q:
                continue
            earned = (
                ln.residual_fen * q // ln.account_share_fen
                if quantified is not None and ln.account_share_fen
                else ln.total_fen
            )
            linked = codes.get(links.get(ln.member_id, 0))
            steps.append(
                HouseholdStep(
                    ln.member_no,
                    ln.name,
                    ln.poverty_status,
                    q,
                    ln.total_fen,
                    earned,
                    ln.paid.settled_fen,
                    linked,
                )
            )
        out.append(PlanStep(org, plan_id, year, status, steps))
    return out


def cross_fund_trace(uow: UnitOfWork, actor: Actor, org_code: str, fund_code: str) -> CrossTrace:
    """A fund from its grant to the assets it built, the members' quantified shares, the
    dividends those shares earned in each posted plan, and — for a collective member that keeps
    its books here (a village holding shares in a cooperative) — on into that organization's
    receipt and its own distribution to households, the fund's part split pro rata to what each
    household got (largest remainder). A village's fund spent on shares of the cooperative it is
    a member of is followed the same way: into the cooperative's plans, the part of the
    village's dividend those shares earned, the village's receipt and its households.
    Organizations the actor cannot see are not followed.

    :raise NotFound: unknown or unseen organization or fund.
    """
    trace = fund_trace(uow, actor, org_code, fund_code)
    quantified = {no: fen for no, _name, fen in trace.quantified}
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        plans = _plan_steps(uow, org, quantified, 0)
        onward = []
        for step in plans:
            for hh in step.households:
                if hh.linked_org is None:
                    continue
                linked = uow.store.org_by_code(hh.linked_org)
                if linked is None or not actor.sees(linked.id):
                    continue
                received = uow.regions.receipt_amount(linked.id, step.plan_id)
                own = _plan_steps(uow, linked, None, step.year + 1)
                onward.append(
                    OnwardStep(
                        linked,
                        org.code,
                        hh.member_no,
                        hh.from_fund,
                        received,
                        [_share_out(p, hh.from_fund) for p in own],
                    )
                )
        invested = _invest_steps(uow, actor, org, _invested(uow, org, trace))
    return CrossTrace(trace, org, plans, onward, invested)


def _share_out(plan: PlanStep, amount: int) -> PlanStep:
    """The households of a collective's plan, with ``amount`` split pro rata to their dividends
    (as far as the plan reaches: never more than each household's dividend)."""
    households = [h for h in plan.households if h.linked_org is None]
    total = sum(h.dividend for h in households)
    share = min(amount, total)
    parts = allocate(share, [h.dividend for h in households]) if total else [0] * len(households)
    return PlanStep(
        plan.org,
        plan.plan_id,
        plan.year,
        plan.status,
        [
            HouseholdStep(h.member_no, h.name, h.poverty_status, 0, h.dividend, part, h.paid, None)
            for h, part in zip(households, parts, strict=True)
        ],
    )
