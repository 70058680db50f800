"""``coopledger orgs``: organizations."""

from __future__ import annotations

import click

from coopledger.cli.common import (
    books,
    domain_errors,
    operator_actor,
)
from coopledger.services import orgs


@click.group("orgs")
def orgs_group() -> None:
    """Organizations."""


@orgs_group.command("list")
def orgs_list() -> None:
    """Every organization: code, kind, chart, name, region."""
    with books() as b:
        for org in orgs.list_orgs(b.uow(), operator_actor()):
            region = org.region or "-"
            click.echo(f"{org.code}\t{org.kind}\t{org.chart}\t{org.name}\t{region}")


@orgs_group.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(["cooperative", "village_collective"]), required=True)
@click.option("--region", default="")
@click.option("--chart", default=None)
@click.option("--single-accountant", is_flag=True, help="Let one accountant prepare and review.")
@domain_errors
def orgs_create(
    code: str, name: str, kind: str, region: str, chart: str | None, single_accountant: bool
) -> None:
    """Create an organization from its statutory chart of accounts."""
    with books() as b:
        org = orgs.create_org(b.uow(), None, code, name, kind, region, chart, single_accountant)
        click.echo(f"created {org.code} ({org.name}), chart {org.chart}")


@orgs_group.command("chief-accountant")
@click.argument("code")
@click.argument("name")
@domain_errors
def orgs_chief_accountant(code: str, name: str) -> None:
    """Name the organization's 会计主管, printed on its vouchers ("" names nobody)."""
    with books() as b:
        org = orgs.set_chief_accountant(b.uow(), None, code, name)
    click.echo(f"{org.code}: 会计主管 {org.chief_accountant or '-'}")
