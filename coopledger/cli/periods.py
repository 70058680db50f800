"""``coopledger periods``: the months and the year-end at the command line — the same path the
API and the periods page take, as the user named by ``--user``."""

from __future__ import annotations

import click

from coopledger.cli.common import books, domain_errors
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period
from coopledger.services import auth
from coopledger.services import periods as svc

AS_USER = click.option(
    "--user", "username", required=True, help="Who does it (an accountant or administrator)."
)


def _month(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise click.BadParameter("must be a month such as 2026-03", param_hint="MONTH") from exc


def _year(value: int) -> int:
    if not 2000 <= value <= 2999:
        raise click.BadParameter("must be a year such as 2026", param_hint="YEAR")
    return value


@click.group("periods")
def periods_group() -> None:
    """Close and reopen months; the year-end close."""


@periods_group.command("list")
@click.argument("org")
@AS_USER
@domain_errors
def list_cmd(org: str, username: str) -> None:
    """ORG's months: open or closed, the last voucher number, who closed it."""
    with books() as b:
        states = svc.list_periods(b.uow(), auth.actor_named(b.uow(), username), org)
    for s in states:
        closed = f"  closed by {s.closed_by} {s.closed_at:%Y-%m-%d}" if s.closed_at else ""
        click.echo(f"{s.year:04d}-{s.month:02d}  {s.status:<6}  vouchers {s.last_number}{closed}")


@periods_group.command("close")
@click.argument("org")
@click.argument("month")
@AS_USER
@domain_errors
def close_cmd(org: str, month: str, username: str) -> None:
    """Close MONTH (YYYY-MM) of ORG: nothing more can be posted into it."""
    period = _month(month)
    with books() as b:
        svc.close_period(b.uow(), auth.actor_named(b.uow(), username), org, period)
    click.echo(f"{org}: {period} closed")


@periods_group.command("reopen")
@click.argument("org")
@click.argument("month")
@AS_USER
@domain_errors
def reopen_cmd(org: str, month: str, username: str) -> None:
    """Reopen MONTH (YYYY-MM) of ORG (administrators; recorded in the audit log)."""
    period = _month(month)
    with books() as b:
        svc.reopen_period(b.uow(), auth.actor_named(b.uow(), username), org, period)
    click.echo(f"{org}: {period} reopened (recorded in the audit log)")


@periods_group.command("carry-year")
@click.argument("org")
@click.argument("year", type=int)
@AS_USER
@domain_errors
def carry_year_cmd(org: str, year: int, username: str) -> None:
    """Carry YEAR's results (income and expense into 本年盈余, 本年盈余 into 未分配盈余) and close
    January to November; December stays open for the year's distribution, whose vouchers are
    then dated 31 December. ``periods close-year`` finishes the year."""
    with books() as b:
        done = svc.carry_year(b.uow(), auth.actor_named(b.uow(), username), org, _year(year))
    click.echo(
        f"{org}: {year} carried, surplus {format_amount(done.surplus_fen)}; December stays open "
        f"for the distribution — then: coopledger periods close-year {org} {year} --user NAME"
    )


@periods_group.command("close-year")
@click.argument("org")
@click.argument("year", type=int)
@AS_USER
@domain_errors
def close_year_cmd(org: str, year: int, username: str) -> None:
    """Year-end close of YEAR: carry its results (what December took since, for a carried year)
    and close all twelve months."""
    with books() as b:
        done = svc.close_year(b.uow(), auth.actor_named(b.uow(), username), org, _year(year))
    click.echo(f"{org}: {year} closed, surplus {format_amount(done.surplus_fen)}")


@periods_group.command("reopen-year")
@click.argument("org")
@click.argument("year", type=int)
@AS_USER
@domain_errors
def reopen_year_cmd(org: str, year: int, username: str) -> None:
    """Reopen the closed YEAR (administrators; recorded in the audit log): December opens again;
    ``periods close-year`` carries what is posted meanwhile and closes it again."""
    with books() as b:
        svc.reopen_year(b.uow(), auth.actor_named(b.uow(), username), org, _year(year))
    click.echo(f"{org}: {year} reopened, December open (recorded in the audit log)")
