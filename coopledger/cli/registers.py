"""``coopledger depreciate`` and ``coopledger distribute``: the registers' and the distribution's
vouchers prepared at the command line.
"""

from __future__ import annotations

from typing import Any

import click

from coopledger.cli.common import (
    Books,
    books,
    domain_errors,
    operator_actor,
)
from coopledger.domain.money import format_amount
from coopledger.services import auth, orgs

ACT_AS = click.option(
    "--user",
    "username",
    required=True,
    help="The user the books record as preparer (an accountant of ORG).",
)


@click.command()
@click.argument("org")
@click.option("--through", required=True, help="The last month to charge, YYYY-MM.")
@ACT_AS
@domain_errors
def depreciate(org: str, through: str, username: str) -> None:
    """Prepare ORG's depreciation vouchers for every month not charged yet, through a month."""
    from coopledger.domain.periods import Period
    from coopledger.services import registers

    try:
        month = Period.parse(through)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--through") from exc
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        prepared = registers.run_depreciation(b.uow(), actor, org, month)
    if not prepared:
        click.echo(f"{org}: nothing to charge through {month}")
    for voucher in prepared:
        total = sum(line.amount_fen for line in voucher.lines if line.side.value == "D")
        click.echo(
            f"prepared voucher {voucher.id} {voucher.booked_on} {voucher.memo}: {format_amount(total)}"
        )


@click.command()
@click.argument("org")
@click.option("--year", required=True, type=int)
@click.option("--reserve-rate", required=True, help="Provident reserve, e.g. 0.10.")
@click.option(
    "--patronage-ratio", default=None, help="At least 0.60 for a cooperative; none for a village."
)
@click.option(
    "--guarantee-fixed", default=None, help="Minimum residual per guaranteed household, yuan."
)
@click.option(
    "--guarantee-rate", default=None, help="Minimum as a rate of the quantified fiscal share."
)
@click.option(
    "--statuses",
    default="exited,monitored",
    show_default=True,
    help="Poverty statuses the guarantee covers (脱贫户 and 监测户; poor, the older name of "
    "exited, covers the same households).",
)
@click.option("--include-prior-undistributed", is_flag=True)
@click.option(
    "--reserve-basis",
    type=click.Choice(["transactions", "shares", "even"]),
    default="transactions",
    show_default=True,
    help="How a cooperative's reserve is quantified into the members' accounts (its charter's).",
)
@click.option("--save", is_flag=True, help="Save the plan as a draft (otherwise a dry run).")
@click.option(
    "--override",
    is_flag=True,
    help="A village's plan saved although it pays out more than its cash and bank or distributes "
    "its 补助收入 (村级组织运转经费); the audit log records it.",
)
@click.option("--user", "username", default=None, help="The preparer (needed with --save).")
@domain_errors
def distribute(
    org: str,
    year: int,
    reserve_rate: str,
    patronage_ratio: str | None,
    guarantee_fixed: str | None,
    guarantee_rate: str | None,
    statuses: str,
    include_prior_undistributed: bool,
    reserve_basis: str,
    save: bool,
    override: bool,
    username: str | None,
) -> None:
    """Compute ORG's surplus distribution for a closed year and print it as a table."""
    from decimal import Decimal, InvalidOperation

    from coopledger.domain.distribution import Guarantee, ReserveBasis
    from coopledger.domain.money import parse_amount
    from coopledger.services import distribution

    def rate(text: str, name: str) -> Decimal:
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise click.BadParameter("must be a decimal such as 0.10", param_hint=name) from exc
        return value

    guarantee = None
    if guarantee_fixed or guarantee_rate:
        guarantee = Guarantee(
            tuple(s for s in statuses.split(",") if s),
            parse_amount(guarantee_fixed) if guarantee_fixed else None,
            rate(guarantee_rate, "--guarantee-rate") if guarantee_rate else None,
        )
    request = distribution.PlanRequest(
        year=year,
        reserve_rate=rate(reserve_rate, "--reserve-rate"),
        patronage_ratio=rate(patronage_ratio, "--patronage-ratio")
        if patronage_ratio
        else Decimal(0),
        guarantee=guarantee,
        include_prior_undistributed=include_prior_undistributed,
        reserve_basis=ReserveBasis(reserve_basis),
        override=override,
    )
    with books() as b:
        if save:
            if not username:
                raise click.UsageError("--save needs --user, the preparer")
            record = distribution.create_plan(
                b.uow(), auth.actor_named(b.uow(), username), org, request
            )
            pools = {k: getattr(record, k) for k in ("S", "L", "R", "D", "P", "Q", "T")}
            rows = [
                (
                    ln.member_no,
                    ln.name,
                    ln.poverty_status,
                    ln.transaction_fen,
                    ln.account_share_fen,
                    ln.patronage_fen,
                    ln.residual_fen,
                    ln.topup_fen,
                )
                for ln in record.lines
            ]
        else:
            reader = auth.actor_named(b.uow(), username) if username else operator_actor()
            plan = distribution.preview(b.uow(), reader, org, request)
            pools = {k: getattr(plan, k) for k in ("S", "L", "R", "D", "P", "Q", "T")}
            names = {m.member_no: m.name for m in orgs_members(b, org)}
            rows = [
                (
                    ln.member_no,
                    names.get(ln.member_no, ""),
                    ln.poverty_status,
                    ln.transaction_fen,
                    ln.account_share_fen,
                    ln.patronage_fen,
                    ln.residual_fen,
                    ln.topup_fen,
                )
                for ln in plan.lines
            ]
    click.echo(f"{org} {year}: " + "  ".join(f"{k} {format_amount(v)}" for k, v in pools.items()))
    header = f"{'member':<8} {'name':<10} {'status':<10} {'transactions':>14} {'account share':>14} {'patronage':>12} {'residual':>12} {'top-up':>10} {'total':>12}"
    click.echo(header)
    for no, name, status, trade, share, patronage, residual, topup in rows:
        click.echo(
            f"{no:<8} {name:<10} {status:<10} {format_amount(trade):>14} {format_amount(share):>14} "
            f"{format_amount(patronage):>12} {format_amount(residual):>12} {format_amount(topup):>10} "
            f"{format_amount(patronage + residual):>12}"
        )
    click.echo(
        "saved as a draft plan" if save else "dry run: nothing saved (add --save --user NAME)"
    )


def orgs_members(b: Books, org: str) -> list[Any]:
    return orgs.list_members(b.uow(), operator_actor(), org, 1_000_000, 0)
