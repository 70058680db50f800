"""``coopledger contracts list|add|charge|arrears``: the contracts register (承包合同), a contract
entered with a yearly fee, the fees due charged, and the contracts in arrears."""

from __future__ import annotations

import sys
from datetime import date

import click

from coopledger.cli.common import books, domain_errors, operator_actor
from coopledger.domain.contracts import Contract, yearly
from coopledger.domain.errors import field_error
from coopledger.domain.money import AmountError, format_amount, parse_amount, parse_quantity
from coopledger.services import auth
from coopledger.services import contracts as svc


@click.group("contracts")
def contracts_group() -> None:
    """Contracts (承包合同): the register, fees charged when due, arrears."""


def _rows(rows: list[svc.ContractRow]) -> None:
    for r in rows:
        c, a = r.record, r.arrears
        since = f" since {a.since}" if a.since else ""
        click.echo(
            f"{c.contract_no}\t{c.party}\t{c.member_no or '-'}\t{c.starts_on}..{c.ends_on}\t"
            f"charged {format_amount(r.charged_fen)}\treceived {format_amount(r.paid_fen)}\t"
            f"overdue {format_amount(a.overdue_fen)}{since}"
        )


@contracts_group.command("list")
@click.argument("org")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@domain_errors
def list_cmd(org: str, on: object) -> None:
    """ORG's contracts with their fees charged, received and overdue on a day (today)."""
    day = on.date() if on is not None else None  # type: ignore[attr-defined]
    with books() as b:
        _org, reg = svc.register(b.uow(), operator_actor(), org, day)
    _rows(reg.rows)
    click.echo(
        f"{len(reg.rows)} contracts on {reg.on}: charged {format_amount(reg.charged_fen)}, "
        f"received {format_amount(reg.paid_fen)}, overdue {format_amount(reg.overdue_fen)}"
    )


@contracts_group.command("arrears")
@click.argument("org")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@domain_errors
def arrears_cmd(org: str, on: object) -> None:
    """ORG's contracts in arrears on a day (today); exit 1 when there is one."""
    day = on.date() if on is not None else None  # type: ignore[attr-defined]
    with books() as b:
        _org, reg = svc.register(b.uow(), operator_actor(), org, day)
    _rows(reg.in_arrears)
    click.echo(f"{len(reg.in_arrears)} in arrears on {reg.on}: {format_amount(reg.overdue_fen)}")
    if reg.in_arrears:
        sys.exit(1)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise field_error(name, "not a valid date (YYYY-MM-DD)") from exc


@contracts_group.command("add")
@click.argument("org")
@click.argument("contract_no")
@click.option("--member", default=None, help="The party's member number (a member of ORG).")
@click.option("--party", default="", help="An outside party's name (or the member's).")
@click.option("--resource", type=int, default=None, help="The resource's number in the register.")
@click.option("--subject", default="", help="What is contracted, when not a resource.")
@click.option("--area", required=True, help="The area, a decimal (12.5).")
@click.option("--unit", default="亩", show_default=True)
@click.option("--from", "starts", required=True, help="The term's first day, YYYY-MM-DD.")
@click.option("--to", "ends", required=True, help="The term's last day, YYYY-MM-DD.")
@click.option("--fee", required=True, help="The yearly fee in yuan.")
@click.option("--due", default="01-01", show_default=True, help="The yearly due day, MM-DD.")
@click.option("--user", "username", required=True, help="The user the books record.")
@domain_errors
def add_cmd(
    org: str,
    contract_no: str,
    member: str | None,
    party: str,
    resource: int | None,
    subject: str,
    area: str,
    unit: str,
    starts: str,
    ends: str,
    fee: str,
    due: str,
    username: str,
) -> None:
    """Enter CONTRACT_NO in ORG with a yearly FEE due each year on DUE within the term."""
    try:
        area_milli = parse_quantity(area)
    except AmountError as exc:
        raise field_error("area", str(exc)) from exc
    try:
        fee_fen = parse_amount(fee)
    except AmountError as exc:
        raise field_error("fee", str(exc)) from exc
    month, _sep, day = due.partition("-")
    if not (month.isdigit() and day.isdigit()):
        raise field_error("due", "MM-DD, such as 01-15")
    first, last = _day(starts, "from"), _day(ends, "to")
    schedule = yearly(first, last, fee_fen, int(month), int(day))
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        record = svc.add_contract(
            b.uow(),
            actor,
            org,
            Contract(
                contract_no, party, member, resource, subject, area_milli, unit, first, last,
                tuple(schedule),
            ),
        )  # fmt: skip
    total = sum(i.amount_fen for i in record.instalments)
    click.echo(
        f"{org} {record.contract_no}: {record.party}, {len(record.instalments)} instalments, "
        f"{format_amount(total)} in all"
    )


@contracts_group.command("charge")
@click.argument("org")
@click.option("--date", "on", required=True, help="Charge what is due by this day, YYYY-MM-DD.")
@click.option("--user", "username", required=True, help="The user the voucher is prepared by.")
@domain_errors
def charge_cmd(org: str, on: str, username: str) -> None:
    """Prepare the voucher charging ORG's contract fees due by --date and not yet charged."""
    day = _day(on, "date")
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        done = svc.charge(b.uow(), actor, org, day)
    if done.voucher is None:
        click.echo(f"{org}: nothing due by {day} that is not charged already")
        return
    click.echo(
        f"{org}: {len(done.due)} instalments charged, {format_amount(done.total_fen)}, "
        f"draft voucher {done.voucher.id}"
    )
