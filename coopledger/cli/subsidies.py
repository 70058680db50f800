"""``coopledger subsidies policies|compute|claim|submit|receive|pay|show``: subsidy
entitlements computed from the books (补贴测算), the claim (申报表), the money received and paid."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from coopledger.cli.common import books, domain_errors, operator_actor, settings
from coopledger.domain.errors import field_error
from coopledger.domain.money import AmountError, format_amount, parse_amount
from coopledger.services import auth
from coopledger.services import subsidies as svc
from coopledger.services.ports.subsidies import ClaimRecord

FOLDER_HELP = "A county's own policies (default: the instance's policies folder)."


def _folder(given: Path | None) -> Path:
    return given if given is not None else settings().instance_path / "policies"


def _day(text: str, field: str = "date") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise field_error(field, "must be a date written YYYY-MM-DD") from exc


def _echo_claim(c: ClaimRecord) -> None:
    click.echo(
        f"claim {c.id} {c.policy_code} {c.year} ({c.date_from}…{c.date_to}) {c.status.value}: "
        f"total {format_amount(c.total_fen)}, paid {format_amount(c.paid_fen)}, "
        f"due {format_amount(c.due_fen)}"
    )
    for ln in c.lines:
        click.echo(
            f"  {ln.line_no:>3} {ln.member_no or '-':<8} {ln.name:<12} base "
            f"{format_amount(ln.base_fen):>12} amount {format_amount(ln.amount_fen):>10} "
            f"due {format_amount(ln.due_fen):>10}  {' '.join(ln.evidence)}"
        )


@click.group("subsidies")
def subsidies_group() -> None:
    """Subsidy entitlements computed from the books (补贴测算) and their claims (申报表)."""


@subsidies_group.command("policies")
@click.option("--policies", "folder", type=click.Path(path_type=Path), help=FOLDER_HELP)
@domain_errors
def policies_cmd(folder: Path | None) -> None:
    """List the policies, shipped and the county's own; a file refused names its line (exit 1)."""
    for p in svc.policies(_folder(folder)):
        what = p.rate_text or f"{format_amount(p.amount_fen or 0)} a household"
        click.echo(f"{p.code:<28} {p.name}  {what}  {svc.terms(p)}  [{p.source}]")


@subsidies_group.command("compute")
@click.argument("org")
@click.argument("policy")
@click.argument("year", type=int)
@click.option("--policies", "folder", type=click.Path(path_type=Path), help=FOLDER_HELP)
@domain_errors
def compute_cmd(org: str, policy: str, year: int, folder: Path | None) -> None:
    """What POLICY gives ORG in YEAR from the vouchers posted so far (nothing is recorded)."""
    with books() as b:
        _, c = svc.preview(b.uow(), operator_actor(), org, policy, year, _folder(folder))
    click.echo(
        f"{policy} {year} ({c.date_from}…{c.date_to}): {c.households} qualifying households, "
        f"total {format_amount(c.total_fen)}" + (f" — {c.reason}" if c.reason else "")
    )
    for e in c.lines:
        click.echo(
            f"  {e.member_no or '-':<8} {e.name:<12} base {format_amount(e.base_fen):>12} "
            f"amount {format_amount(e.amount_fen):>10}  {' '.join(e.evidence)}"
        )


@subsidies_group.command("claim")
@click.argument("org")
@click.argument("policy")
@click.argument("year", type=int)
@click.option("--user", "username", required=True, help="The user the books record.")
@click.option("--policies", "folder", type=click.Path(path_type=Path), help=FOLDER_HELP)
@domain_errors
def claim_cmd(org: str, policy: str, year: int, username: str, folder: Path | None) -> None:
    """Record ORG's claim under POLICY for YEAR (its months must be closed)."""
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        made = svc.create_claim(b.uow(), actor, org, policy, year, _folder(folder))
    _echo_claim(made)


@subsidies_group.command("show")
@click.argument("org")
@click.argument("claim_id", type=int)
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None)
@domain_errors
def show_cmd(org: str, claim_id: int, xlsx: Path | None) -> None:
    """Print a claim with its lines; ``--xlsx FILE`` also writes its spreadsheet."""
    with books() as b:
        organization, found = svc.claim(b.uow(), operator_actor(), org, claim_id)
    _echo_claim(found)
    if xlsx is not None:
        from coopledger.adapters.spreadsheets import write_xlsx

        xlsx.write_bytes(write_xlsx([svc.claim_sheet(organization, found)]))
        click.echo(f"written {xlsx}")


@subsidies_group.command("submit")
@click.argument("org")
@click.argument("claim_id", type=int)
@click.option("--user", "username", required=True)
@domain_errors
def submit_cmd(org: str, claim_id: int, username: str) -> None:
    """Mark a draft claim submitted."""
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        _echo_claim(svc.submit(b.uow(), actor, org, claim_id))


@subsidies_group.command("receive")
@click.argument("org")
@click.argument("claim_id", type=int)
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@click.option("--user", "username", required=True)
@domain_errors
def receive_cmd(org: str, claim_id: int, day: str, username: str) -> None:
    """Record the claim's money received and prepare its voucher."""
    on = _day(day)
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        found, voucher = svc.receive(b.uow(), actor, org, claim_id, on)
    click.echo(f"voucher {voucher.id} prepared")
    _echo_claim(found)


@subsidies_group.command("pay")
@click.argument("org")
@click.argument("claim_id", type=int)
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@click.option("--user", "username", required=True)
@click.option("--line", "lines", multiple=True, help="MEMBER=AMOUNT; none: everything still due.")
@domain_errors
def pay_cmd(org: str, claim_id: int, day: str, username: str, lines: tuple[str, ...]) -> None:
    """Pay households their part of a received claim and prepare the voucher."""
    on = _day(day)
    asked: list[tuple[str, int]] = []
    for i, text in enumerate(lines):
        member, _, amount = text.partition("=")
        try:
            asked.append((member.strip(), parse_amount(amount.strip())))
        except AmountError as exc:
            raise field_error(f"lines.{i}.amount", str(exc)) from exc
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        found, voucher = svc.pay(b.uow(), actor, org, claim_id, on, asked or None)
    click.echo(f"voucher {voucher.id} prepared")
    _echo_claim(found)
