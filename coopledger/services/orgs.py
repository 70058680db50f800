"""Organizations, their charts of accounts, members (basic register) and funds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import EllipsisType

from coopledger.domain.accounts import CHARTS, DEFAULT_CHART, Account, load_chart, sub_account
from coopledger.domain.errors import Conflict, Duplicate, NotFound, ValidationFailed, field_error
from coopledger.domain.members import (
    MEMBER_NO_RE,
    MemberKind,
    PovertyStatus,
    current_status,
    id_number_problem,
    monitor_kind_problem,
)
from coopledger.domain.regions import normalize
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services import audit_log
from coopledger.services.access import member_for, org_for, require
from coopledger.services.clock import utcnow
from coopledger.services.ports import Clock, Fund, Member, Org, UnitOfWork

BOOKS_BEGIN = date(2000, 1, 1)
ORG_CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}", re.ASCII)
FUND_SOURCES = (
    "municipal_pro_poor",
    "county_fiscal",
    "one_matter_one_discussion",
    "help_unit",
    "donation",
    "self_raised",
    "other",
)


# -- organizations -------------------------------------------------------------------------------


def create_org(
    uow: UnitOfWork,
    actor: Actor | None,
    code: str,
    name: str,
    kind: str,
    region: str = "",
    chart: str | None = None,
    allow_single_accountant: bool = False,
    *,
    clock: Clock = utcnow,
) -> Org:
    """Create an organization with the accounts of its statutory chart (``actor`` None: the
    operator at the command line).

    :raise Forbidden: not an admin. :raise Duplicate: the code is taken.
    :raise ValidationFailed: bad code, kind or chart, or a chart of the other kind.
    """
    if actor is not None:
        require(actor, Action.MANAGE_ORGS)
    errors: dict[str, list[str]] = {}
    if not ORG_CODE_RE.fullmatch(code):
        errors["code"] = ["2 to 40 lower-case letters, digits or hyphens"]
    if kind not in DEFAULT_CHART:
        errors["kind"] = ["must be cooperative or village_collective"]
    if not name.strip():
        errors["name"] = ["must not be empty"]
    chart_id = chart or DEFAULT_CHART.get(kind, "")
    if chart is not None and chart not in CHARTS:
        errors["chart"] = [f"must be one of {', '.join(CHARTS)}"]
    try:
        region = normalize(region)  # a path in the region tree
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed("the organization is invalid", errors=errors)
    loaded = load_chart(chart_id)
    if loaded.kind != kind:
        raise field_error("chart", f"{chart_id} is a chart for a {loaded.kind.replace('_', ' ')}")
    with uow:
        store = uow.store
        if store.org_by_code(code) is not None:
            raise Duplicate(f"an organization with code {code!r} exists")
        if region:
            uow.regions.ensure_path(region)
        org = store.add_org(
            code,
            name.strip(),
            kind,
            region.strip(),
            chart_id,
            allow_single_accountant,
            loaded.accounts,
        )
        store.audit(
            org.id,
            actor.user_id if actor else None,
            "org.create",
            "organization",
            code,
            {"kind": kind, "chart": chart_id},
            clock(),
        )
        uow.commit()
    return org


def list_orgs(uow: UnitOfWork, actor: Actor) -> list[Org]:
    with uow:
        return uow.store.orgs(None if actor.role is Role.ADMIN else actor.org_ids)


def get_org(uow: UnitOfWork, actor: Actor, org_code: str) -> Org:
    with uow:
        store = uow.store
        org = store.org_by_code(org_code)
        if org is None or not actor.sees(org.id):
            raise NotFound(f"organization {org_code!r} not found")
        return org


def set_chief_accountant(
    uow: UnitOfWork,
    actor: Actor | None,
    org_code: str,
    name: str | None,
    *,
    clock: Clock = utcnow,
) -> Org:
    """Name the organization's 会计主管, whose name its voucher prints sign with (admin, or the
    operator at the command line with ``actor`` None); a blank name names nobody.

    :raise NotFound: no such organization. :raise ValidationFailed: a name over 100 characters.
    """
    cleaned = (name or "").strip() or None
    if cleaned is not None and len(cleaned) > 100:
        raise field_error("chief_accountant", "at most 100 characters")
    with uow:
        store = uow.store
        org = store.org_by_code(org_code)
        if org is None or (actor is not None and not actor.sees(org.id)):
            raise NotFound(f"organization {org_code!r} not found")
        if actor is not None:
            require(actor, Action.MANAGE_ORGS)
        store.set_chief_accountant(org.id, cleaned)
        store.audit(
            org.id,
            actor.user_id if actor else None,
            "org.update",
            "organization",
            org.code,
            {"chief_accountant": cleaned},
            clock(),
        )
        updated = store.org_by_id(org.id)
        uow.commit()
    assert updated is not None
    return updated


def update_org(
    uow: UnitOfWork,
    actor: Actor | None,
    org_code: str,
    *,
    name: str | None = None,
    chief_accountant: str | None = None,
    allow_single_accountant: bool | None = None,
    cash_limit_fen: int | EllipsisType | None = ...,
    clock: Clock = utcnow,
) -> Org:
    """Rename an organization, name its 会计主管 (``""`` names nobody), set whether one
    accountant may review and post the vouchers it prepared (a small cooperative with one person
    keeping the books), or set its 库存现金限额 (``cash_limit_fen``, None: no limit; the audit
    finds each day cash on hand ended above it); None (``...`` for the limit) leaves a setting
    as it is. Admin, or the operator at the command line with ``actor`` None. The code, kind,
    chart and region stay as created: the books and their reports are drawn on them.

    :raise NotFound: no such organization. :raise Forbidden: not an admin.
    :raise ValidationFailed: an empty name or one over 200 characters; a 会计主管 over 100; a
        cash limit not above zero.
    """
    errors: dict[str, list[str]] = {}
    cleaned = None if name is None else name.strip()
    if cleaned is not None and not cleaned:
        errors["name"] = ["must not be empty"]
    if cleaned is not None and len(cleaned) > 200:
        errors["name"] = ["at most 200 characters"]
    chief = None if chief_accountant is None else chief_accountant.strip()
    if chief is not None and len(chief) > 100:
        errors["chief_accountant"] = ["at most 100 characters"]
    if isinstance(cash_limit_fen, int) and cash_limit_fen <= 0:
        errors["cash_limit"] = ["must be more than zero, or empty for no limit"]
    if errors:
        raise ValidationFailed("the organization is invalid", errors=errors)
    with uow:
        store = uow.store
        org = store.org_by_code(org_code)
        if org is None or (actor is not None and not actor.sees(org.id)):
            raise NotFound(f"organization {org_code!r} not found")
        if actor is not None:
            require(actor, Action.MANAGE_ORGS)
        changes: dict[str, object] = {}
        if cleaned is not None and cleaned != org.name:
            changes["name"] = cleaned
        if (
            allow_single_accountant is not None
            and allow_single_accountant != org.allow_single_accountant
        ):
            changes["allow_single_accountant"] = allow_single_accountant
        if chief is not None and (chief or None) != org.chief_accountant:
            changes["chief_accountant"] = chief or None
            store.set_chief_accountant(org.id, chief or None)
        if cash_limit_fen is not ... and cash_limit_fen != org.cash_limit_fen:
            changes["cash_limit_fen"] = cash_limit_fen
            store.set_cash_limit(org.id, cash_limit_fen)
        if changes:
            store.set_org_settings(
                org.id,
                name=cleaned if "name" in changes else None,
                allow_single_accountant=allow_single_accountant
                if "allow_single_accountant" in changes
                else None,
            )
            old = {k: getattr(org, k) for k in changes}
            store.audit(
                org.id,
                actor.user_id if actor else None,
                "org.update",
                "organization",
                org.code,
                {"old": old, "new": changes},
                clock(),
            )
        updated = store.org_by_id(org.id)
        uow.commit()
    assert updated is not None
    return updated


def list_accounts(uow: UnitOfWork, actor: Actor, org_code: str) -> list[Account]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return sorted(uow.store.accounts(org.id).values(), key=lambda a: a.code)


def add_account(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    code: str,
    name: str,
    parent: str,
    name_en: str | None = None,
) -> Account:
    """Add a sub-account (明细科目) under ``parent``; the parent stops being postable.

    :raise ValidationFailed: unknown parent, bad code. :raise Duplicate: the code exists.
    :raise Conflict: the parent already has lines: its balance would have no sub-account.
    """
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        accounts = store.accounts(org.id)
        parent_account = accounts.get(parent)
        if parent_account is None:
            raise field_error("parent", f"unknown account {parent!r}")
        account = sub_account(parent_account, code, name, name_en)
        if code in accounts:
            raise Duplicate(f"account {code} exists")
        if store.account_has_lines(org.id, parent):
            raise Conflict(
                f"account {parent} already has vouchers; a sub-account cannot be added under it",
                code="account_in_use",
                params={"account": parent},
            )
        store.add_account(org.id, account)
        audit_log.record(
            store,
            org,
            actor,
            "account.create",
            "account",
            code,
            new={"name": name, "parent": parent},
        )
        uow.commit()
    return account


# -- members -------------------------------------------------------------------------------------


def _member_errors(fields: Mapping[str, object], *, partial: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (not partial or "member_no" in fields) and not MEMBER_NO_RE.fullmatch(
        str(fields.get("member_no", ""))
    ):
        errors["member_no"] = ["1 to 20 letters, digits or hyphens"]
    if (not partial or "name" in fields) and not str(fields.get("name", "")).strip():
        errors["name"] = ["must not be empty"]
    if "kind" in fields and fields["kind"] not in set(MemberKind):
        errors["kind"] = [f"must be one of {', '.join(MemberKind)}"]
    if "poverty_status" in fields and fields["poverty_status"] not in set(PovertyStatus):
        errors["poverty_status"] = [f"must be one of {', '.join(PovertyStatus)}"]
    elif "monitor_kind" in fields:
        kind = fields["monitor_kind"]
        problem = monitor_kind_problem(
            str(fields.get("poverty_status", PovertyStatus.MONITORED.value)),
            None if kind is None else str(kind),
        )
        if problem:
            errors["monitor_kind"] = [problem]
    id_number = fields.get("id_number")
    if isinstance(id_number, str):
        problem = id_number_problem(id_number)
        if problem:
            errors["id_number"] = [problem]
    size = fields.get("household_size")
    if size is not None and (not isinstance(size, int) or not 1 <= size <= 99):
        errors["household_size"] = ["must be a whole number from 1 to 99"]
    return errors


def create_member(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    fields: Mapping[str, object],
) -> Member:
    """Admit a member. ``fields``: member_no, name, kind, household_size, id_number, bank_account,
    poverty_status, joined_on, and ``organization`` — for a collective member, the code of the
    organization it stands for (a village holding shares in a cooperative).

    :raise ValidationFailed: a field is invalid (the ID check digit included); an organization
        the actor cannot see, or named for a household.
    :raise Duplicate: the member number is taken in this organization.
    """
    errors = _member_errors(fields, partial=False)
    if errors:
        raise ValidationFailed("the member is invalid", errors=errors)
    values = _current({"kind": "household", "poverty_status": "none", **fields})
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        if store.member(org.id, str(values["member_no"])) is not None:
            raise Duplicate(f"member {values['member_no']} exists")
        member = store.add_member(org.id, values)
        _link(uow, actor, org, member.id, str(values["kind"]), values.get("organization"))
        # the status given at registration holds from the member's joining (or, when that is not
        # known, from the start of the books) until a dated change says otherwise
        joined = values.get("joined_on")
        store.add_member_status(
            member.id,
            str(values["poverty_status"]),
            joined if isinstance(joined, date) else BOOKS_BEGIN,
            _kind(values),
        )
        audit_log.record(
            store, org, actor, "member.create", "member", member.member_no, new=_public(values)
        )
        uow.commit()
    return member


def update_member(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    member_no: str,
    fields: Mapping[str, object],
    *,
    clock: Clock = utcnow,
) -> Member:
    """Change a member's record; a change of poverty status or of a 监测户's kind is kept as
    dated history (``status_effective_on``, default today). ``poor`` is recorded as ``exited``.

    :raise ValidationFailed: a field is invalid; a kind for a household not monitored.
    """
    errors = _member_errors(fields, partial=True)
    if errors:
        raise ValidationFailed("the member is invalid", errors=errors)
    fields = _current(fields)
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        member = store.member(org.id, member_no)
        if member is None:
            raise NotFound(f"member {member_no!r} not found")
        changes = {
            k: v for k, v in fields.items() if k not in ("status_effective_on", "organization")
        }
        if "poverty_status" in fields:
            kind = fields.get("monitor_kind", member.monitor_kind)
            problem = monitor_kind_problem(str(fields["poverty_status"]), _str_or_none(kind))
            changes["monitor_kind"] = None if problem else kind
        elif "monitor_kind" in fields:
            problem = monitor_kind_problem(member.poverty_status, _kind(fields))
            if problem:
                raise field_error("monitor_kind", problem)
        updated = store.update_member(member.id, changes)
        if "organization" in fields:
            _link(uow, actor, org, member.id, updated.kind, fields["organization"])
        if (updated.poverty_status, updated.monitor_kind) != (
            member.poverty_status,
            member.monitor_kind,
        ):
            effective = fields.get("status_effective_on")
            store.add_member_status(
                member.id,
                updated.poverty_status,
                effective if isinstance(effective, date) else clock().date(),
                updated.monitor_kind,
            )
        audit_log.record(
            store, org, actor, "member.update", "member", member_no, new=_public(fields)
        )
        uow.commit()
    return updated


def _current(fields: Mapping[str, object]) -> dict[str, object]:
    """``fields`` with an older poverty status given its current name (``poor`` → ``exited``)."""
    out = dict(fields)
    if "poverty_status" in out:
        out["poverty_status"] = current_status(str(out["poverty_status"]))
    return out


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _kind(fields: Mapping[str, object]) -> str | None:
    """The 监测户's kind ``fields`` give (None when none)."""
    return _str_or_none(fields.get("monitor_kind"))


def _link(uow: UnitOfWork, actor: Actor, org: Org, member_id: int, kind: str, code: object) -> None:
    """Record which organization a collective member stands for (None: none)."""
    if code is None:
        uow.registers.set_member_link(member_id, None)
        return
    linked = uow.store.org_by_code(str(code))
    if linked is None or not actor.sees(linked.id) or linked.id == org.id:
        raise field_error("organization", f"unknown organization {code!r}")
    if kind == MemberKind.HOUSEHOLD:
        raise field_error(
            "organization", "a household stands for no organization; use kind collective"
        )
    uow.registers.set_member_link(member_id, linked.id)


def member_link(uow: UnitOfWork, actor: Actor, org_code: str, member_no: str) -> str | None:
    """The code of the organization a member stands for, if the actor can see it."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        member = uow.store.member(org.id, member_no)
        if member is None:
            return None
        linked_id = uow.registers.member_links(org.id).get(member.id)
        linked = uow.store.org_by_id(linked_id) if linked_id else None
    return linked.code if linked and actor.sees(linked.id) else None


def get_member(uow: UnitOfWork, actor: Actor, org_code: str, member_no: str) -> Member:
    """One member. A household user sees its own record only; any other is 404 to it."""
    with uow:
        return member_for(uow.store, actor, org_code, member_no)[1]


def status_history(
    uow: UnitOfWork, actor: Actor, org_code: str, member_no: str
) -> list[tuple[date, str, str | None]]:
    """A member's poverty status as dated history, oldest first: (effective from, status, a
    监测户's kind or None), each status as it was recorded (an older name kept). The
    status on a day is the latest entry effective by then (of two on one day, the later recorded).

    :raise NotFound: no such member. A household user reads its own history only.
    """
    with uow:
        member = member_for(uow.store, actor, org_code, member_no)[1]
        return uow.store.member_statuses(member.id)


def list_members(
    uow: UnitOfWork, actor: Actor, org_code: str, limit: int, after_id: int
) -> list[Member]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.store.members(org.id, limit, after_id)


# -- funds ---------------------------------------------------------------------------------------


def create_fund(uow: UnitOfWork, actor: Actor, org_code: str, fields: Mapping[str, object]) -> Fund:
    """Register a fund (资金来源): code, name, source, grantor, purpose, granted_fen.

    :raise ValidationFailed: bad code or source. :raise Duplicate: the code is taken.
    """
    errors: dict[str, list[str]] = {}
    if not ORG_CODE_RE.fullmatch(str(fields.get("code", ""))):
        errors["code"] = ["2 to 40 lower-case letters, digits or hyphens"]
    if not str(fields.get("name", "")).strip():
        errors["name"] = ["must not be empty"]
    if fields.get("source") not in FUND_SOURCES:
        errors["source"] = [f"must be one of {', '.join(FUND_SOURCES)}"]
    if errors:
        raise ValidationFailed("the fund is invalid", errors=errors)
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        if store.fund(org.id, str(fields["code"])) is not None:
            raise Duplicate(f"fund {fields['code']} exists")
        fund = store.add_fund(org.id, fields)
        audit_log.record(store, org, actor, "fund.create", "fund", fund.code, new=dict(fields))
        uow.commit()
    return fund


def list_funds(uow: UnitOfWork, actor: Actor, org_code: str) -> list[Fund]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.store.funds(org.id)


def get_fund(uow: UnitOfWork, actor: Actor, org_code: str, code: str) -> Fund:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        fund = uow.store.fund(org.id, code)
        if fund is None:
            raise NotFound(f"fund {code!r} not found")
        return fund


def _public(fields: Mapping[str, object]) -> dict[str, object]:
    """A member's fields for the audit log: ID and bank numbers never in clear."""
    hidden = {"id_number", "bank_account"}
    return {k: ("***" if k in hidden and v else v) for k, v in fields.items()}
