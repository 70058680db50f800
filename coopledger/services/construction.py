"""Construction in progress (在建工程): projects, what is spent on them, their completion.

A spending prepares its voucher — Dr 在建工程 / Cr 银行存款, and for a fund's project Dr 专项应付款
/ Cr 专项基金 in the same voucher — so the grant becomes 专项基金 as it is spent. Completion
prepares Dr 固定资产 / Cr 在建工程 for the project's whole cost and makes the asset card, financed
by the fund for what its spending put in, without moving 专项应付款 again. Generated vouchers go
through review and posting like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopledger.domain import postings
from coopledger.domain.accounts import load_chart
from coopledger.domain.assets import AssetKind, AssetUse, FixedAsset, Method, validate_asset
from coopledger.domain.construction import (
    ConstructionProject,
    FundMove,
    check_completion,
    check_spending,
    completion_draft,
    construction_account,
    special_fund_account,
    spending_draft,
    validate_project,
)
from coopledger.domain.errors import Duplicate, InvalidState, NotFound, field_error
from coopledger.domain.ledger import Voucher
from coopledger.domain.roles import Action, Actor
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import AssetRecord, Clock, Org, UnitOfWork
from coopledger.services.ports.construction import ProjectRecord
from coopledger.services.registers import views_in
from coopledger.services.vouchers import prepare


def list_projects(uow: UnitOfWork, actor: Actor, org_code: str) -> list[ProjectRecord]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.construction.projects(org.id)


def get_project(uow: UnitOfWork, actor: Actor, org_code: str, project_no: str) -> ProjectRecord:
    """:raise NotFound: no such project in this organization."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return _project(uow, org, project_no)


def _project(uow: UnitOfWork, org: Org, project_no: str, *, lock: bool = False) -> ProjectRecord:
    found = uow.construction.projects(org.id, project_no=project_no, lock=lock)
    if not found:
        raise NotFound(f"project {project_no!r} not found")
    return found[0]


def create_project(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    project: ConstructionProject,
    *,
    clock: Clock = utcnow,
) -> ProjectRecord:
    """Open a project. :raise ValidationFailed: invalid; an unknown fund (on ``fund``).
    :raise Duplicate: the number is taken. :raise InvalidState: the chart keeps no 在建工程, or
    (for a fund's project) no 专项应付款 and 专项基金 — naming the chart."""
    validate_project(project)
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        chart = load_chart(org.chart)
        construction_account(chart)
        fund_id = None
        if project.fund is not None:
            special_fund_account(chart)
            fund_id = store.funds_by_code(org.id, {project.fund}).get(project.fund)
            if fund_id is None:
                raise field_error("fund", f"unknown fund: {project.fund}")
        if uow.construction.projects(org.id, project_no=project.project_no):
            raise Duplicate(f"project {project.project_no} exists")
        uow.construction.add_project(org.id, project, fund_id, actor.user_id, clock())
        audit_log.record(
            store,
            org,
            actor,
            "construction.create",
            "construction_project",
            project.project_no,
            new={"name": project.name, "fund": project.fund},
        )
        record = _project(uow, org, project.project_no)
        uow.commit()
    return record


def spend(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    project_no: str,
    on: date,
    amount_fen: int,
    *,
    memo: str = "",
    pay_account: str | None = None,
    clock: Clock = utcnow,
) -> tuple[ProjectRecord, Voucher]:
    """Record money spent on a project and prepare its voucher: Dr 在建工程 / Cr the paying
    account (default the bank); for a fund's project, Dr 专项应付款 / Cr 专项基金 in the same one.

    :raise ValidationFailed: the amount is not positive, or more than the fund has left
        unspent (on ``amount``, naming what is left); a date before the start.
    :raise InvalidState: the project is completed; the chart keeps no such accounts.
    :raise PeriodClosed: the date lies in a closed month.
    """
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        record = _project(uow, org, project_no, lock=True)
        if record.completed_on is not None:
            raise InvalidState(
                f"project {project_no} was completed on {record.completed_on}: nothing more is "
                "spent on it"
            )
        chart = load_chart(org.chart)
        construction = construction_account(chart)
        project = record.project
        fund = None
        left = None
        if project.fund is not None:
            view = next(v for v in views_in(uow, org) if v.fund.code == project.fund)
            left = view.unspent_for_assets
            special = special_fund_account(chart)
            fund = FundMove(
                project.fund,
                view.fund.name,
                postings.fund_payable_account(chart, store.accounts(org.id), view.fund.source),
                special,
                postings.account_name(chart, special),
            )
        check_spending(on, amount_fen, project.started_on, left)
        draft = spending_draft(
            project, on, amount_fen, memo, construction, pay_account or chart.role("bank"), fund
        )
        voucher = prepare(store, org, actor, draft, now)
        uow.construction.add_spending(org.id, record.id, on, amount_fen, memo, voucher.id, now)
        audit_log.record(
            store,
            org,
            actor,
            "construction.spend",
            "construction_project",
            project_no,
            new={"date": on.isoformat(), "amount_fen": amount_fen, "voucher": voucher.id},
        )
        updated = _project(uow, org, project_no)
        uow.commit()
    return updated, voucher


@dataclass(frozen=True, slots=True)
class Completion:
    """The asset card a completed project becomes (its cost: what the project cost)."""

    on: date
    asset_no: str
    use: AssetUse
    useful_life_months: int
    salvage_fen: int = 0
    category: str = ""
    method: Method = Method.STRAIGHT_LINE
    total_units: int | None = None


def complete(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    project_no: str,
    completion: Completion,
    *,
    clock: Clock = utcnow,
) -> tuple[ProjectRecord, AssetRecord, Voucher]:
    """Complete a project: prepare Dr 固定资产 / Cr 在建工程 for its whole cost and make the
    asset card, financed by the project's fund for all of it. 专项应付款 is not moved again: the
    spending moved it.

    :raise ValidationFailed: nothing spent; a date before the start or the last spending; a
        spending voucher not posted yet (on ``date``); the card is invalid.
    :raise InvalidState: already completed. :raise Duplicate: the asset number is taken.
    :raise PeriodClosed: the date lies in a closed month.
    """
    now = clock()
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        record = _project(uow, org, project_no, lock=True)
        if record.completed_on is not None:
            raise InvalidState(f"project {project_no} was completed on {record.completed_on}")
        if any(not s.posted for s in record.spending):
            raise field_error(
                "date", "post (or delete) the spending vouchers prepared for this project first"
            )
        project, total = record.project, record.total_fen
        check_completion(
            completion.on,
            project.started_on,
            max((s.spent_on for s in record.spending), default=None),
            total,
        )
        asset = FixedAsset(
            asset_no=completion.asset_no,
            name=project.name,
            asset_class=project.asset_class,
            use=completion.use,
            acquired_on=completion.on,
            cost_fen=total,
            salvage_fen=completion.salvage_fen,
            useful_life_months=completion.useful_life_months,
            method=completion.method,
            category=completion.category,
            poverty_project=project.poverty_project,
            funding={project.fund: total} if project.fund else {},
            total_units=completion.total_units,
            kind=AssetKind.FIXED,
        )
        validate_asset(asset)
        if registers.asset(org.id, asset.asset_no) is not None:
            raise Duplicate(f"asset {asset.asset_no} exists")
        chart = load_chart(org.chart)
        draft = completion_draft(
            project,
            completion.on,
            total,
            asset.asset_no,
            postings.kind_accounts(chart, AssetKind.FIXED)[0],
            construction_account(chart),
        )
        voucher = prepare(store, org, actor, draft, now)
        fund_ids = store.funds_by_code(org.id, set(asset.funding))
        registers.add_asset(org.id, asset, fund_ids, voucher.id, now)
        card = registers.asset(org.id, asset.asset_no)
        assert card is not None
        uow.construction.set_completed(record.id, completion.on, card.id)
        audit_log.record(
            store,
            org,
            actor,
            "construction.complete",
            "construction_project",
            project_no,
            new={
                "date": completion.on.isoformat(),
                "asset": asset.asset_no,
                "cost_fen": total,
                "voucher": voucher.id,
            },
        )
        updated = _project(uow, org, project_no)
        uow.commit()
    return updated, card, voucher
