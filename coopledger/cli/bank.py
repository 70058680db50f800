"""``coopledger bank import`` and ``bank reconcile``: a month's bank statement in, and the
银行存款余额调节表 out."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click

from coopledger.cli.common import books, domain_errors, operator_actor
from coopledger.domain.bank import MAX_STATEMENT_BYTES, BankLine, BookLine, parse_signed
from coopledger.domain.errors import field_error
from coopledger.domain.money import AmountError, format_amount
from coopledger.services import auth
from coopledger.services import bank as svc


@click.group("bank")
def bank_group() -> None:
    """Bank statements and the bank reconciliation (银行存款余额调节表)."""


@bank_group.command("import")
@click.argument("org")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--account", default="102", show_default=True, help="银行存款 or a sub-account.")
@click.option("--month", required=True, help="The statement's month, YYYY-MM.")
@click.option("--opening-balance", default=None, help="Unless the file has a balance column.")
@click.option("--user", "username", required=True, help="The user the books record as importer.")
@domain_errors
def import_cmd(
    org: str, file: Path, account: str, month: str, opening_balance: str | None, username: str
) -> None:
    """Import FILE (CSV or XLSX: date, amount or debit/credit, reference, description, balance)
    as ORG's bank statement of ACCOUNT for MONTH: all lines or none."""
    from coopledger.adapters.spreadsheets import read_table

    if file.stat().st_size > MAX_STATEMENT_BYTES:
        raise field_error("file", "a bank statement is at most 2 MB; import it by month")
    try:
        opening = parse_signed(opening_balance) if opening_balance else None
    except AmountError as exc:
        raise field_error("opening_balance", str(exc)) from exc
    data = file.read_bytes()
    statement = svc.StatementFile(
        read_table(data, file.name), file.name, hashlib.sha256(data).hexdigest()
    )
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        record = svc.import_statement(b.uow(), actor, org, account, month, statement, opening)
    click.echo(
        f"{org} {record.account} {record.period}: {record.lines} lines imported, "
        f"opening {format_amount(record.opening_fen)}, closing {format_amount(record.closing_fen)}"
    )


@bank_group.command("reconcile")
@click.argument("org")
@click.option("--account", default="102", show_default=True)
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--accept", is_flag=True, help="Accept the suggested matches first (needs --user).")
@click.option("--user", "username", default=None, help="The user who accepts the matches.")
@domain_errors
def reconcile_cmd(org: str, account: str, month: str, accept: bool, username: str | None) -> None:
    """Print ORG's 银行存款余额调节表 of ACCOUNT for MONTH; exit 1 when it does not balance."""
    with books() as b:
        if accept:
            if not username:
                raise click.UsageError("--accept needs --user NAME")
            actor = auth.actor_named(b.uow(), username)
            n = svc.accept_suggestions(b.uow(), actor, org, account, month)
            click.echo(f"{n} suggested matches accepted")
        found = svc.bank_month(b.uow(), operator_actor(), org, account, month)
    r = found.reconciliation
    click.echo(f"银行存款余额调节表 {org} {found.account} {found.period}")
    click.echo(f"  企业账面余额          {format_amount(r.book_balance_fen):>16}")
    click.echo(f"  + 银行已收企业未收    {format_amount(r.bank_received_fen):>16}")
    click.echo(f"  - 银行已付企业未付    {format_amount(r.bank_paid_fen):>16}")
    click.echo(f"  = 调节后余额          {format_amount(r.book_adjusted_fen):>16}")
    click.echo(f"  银行对账单余额        {format_amount(r.bank_balance_fen):>16}")
    click.echo(f"  + 企业已收银行未收    {format_amount(r.book_received_fen):>16}")
    click.echo(f"  - 企业已付银行未付    {format_amount(r.book_paid_fen):>16}")
    click.echo(f"  = 调节后余额          {format_amount(r.bank_adjusted_fen):>16}")
    for title, bank_items in (
        ("银行已收企业未收", r.bank_received),
        ("银行已付企业未付", r.bank_paid),
    ):
        _bank_items(title, bank_items)
    for title, book_items in (
        ("企业已收银行未收", r.book_received),
        ("企业已付银行未付", r.book_paid),
    ):
        _book_items(title, book_items)
    click.echo(f"{len(found.suggested)} matches suggested, {len(found.matched)} matched this month")
    if not r.balances:
        click.echo(
            f"error: the adjusted balances differ by {format_amount(r.difference_fen)}", err=True
        )
        sys.exit(1)


def _bank_items(title: str, items: tuple[BankLine, ...]) -> None:
    click.echo(f"{title}:")
    for b in items:
        click.echo(f"  {b.booked_on} {format_amount(abs(b.amount_fen)):>14} {b.reference}")


def _book_items(title: str, items: tuple[BookLine, ...]) -> None:
    click.echo(f"{title}:")
    for k in items:
        click.echo(f"  {k.booked_on} {format_amount(abs(k.amount_fen)):>14} {k.voucher} {k.text}")
