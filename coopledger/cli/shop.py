"""``coopledger shop import`` and ``shop months``: an online shop's settlement file in, and its
months reconciled with the platform's closing balance out."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click

from coopledger.cli.common import books, domain_errors, operator_actor
from coopledger.domain.errors import field_error
from coopledger.domain.money import format_amount
from coopledger.domain.shop import DEFAULT_PLATFORM, MAX_SETTLEMENT_BYTES
from coopledger.services import auth
from coopledger.services import shop as svc


@click.group("shop")
def shop_group() -> None:
    """An online shop's platform settlements (网店结算)."""


@shop_group.command("import")
@click.argument("org")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--platform", default=DEFAULT_PLATFORM, show_default=True)
@click.option("--account", default=None, help="The settlement account (109xx or 102xx).")
@click.option("--bank", default=None, help="The 银行存款 account payouts go to.")
@click.option("--user", "username", required=True, help="The user the books record as importer.")
@domain_errors
def import_cmd(
    org: str, file: Path, platform: str, account: str | None, bank: str | None, username: str
) -> None:
    """Import FILE (CSV or XLSX: date, type, order, amount, memo, balance) as ORG's settlement
    file: each month booked as a voucher draft; all lines or none."""
    from coopledger.adapters.spreadsheets import read_table

    if file.stat().st_size > MAX_SETTLEMENT_BYTES:
        raise field_error("file", "a settlement file is at most 2 MB; import it by month")
    data = file.read_bytes()
    settlement = svc.SettlementFile(
        read_table(data, file.name), file.name, hashlib.sha256(data).hexdigest()
    )
    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        done = svc.import_settlement(
            b.uow(),
            actor,
            org,
            settlement,
            platform=platform,
            accounts=svc.Accounts(settlement=account, bank=bank),
        )
    click.echo(
        f"{org} {done.record.account}: {done.record.lines} lines imported, "
        f"{len(done.vouchers)} voucher drafts ({', '.join(str(v.id) for v in done.vouchers)})"
    )


@shop_group.command("months")
@click.argument("org")
@domain_errors
def months_cmd(org: str) -> None:
    """Print ORG's settlement months; exit 1 when a month does not reconcile."""
    with books() as b:
        view = svc.shop_view(b.uow(), operator_actor(), org)
    differ = 0
    for account, months in view.months.items():
        click.echo(f"{account} {view.names.get(account, '')}")
        for m in months:
            differ += not m.reconciled
            click.echo(
                f"  {m.period} orders {format_amount(m.orders_fen):>12} fees "
                f"{format_amount(m.fees_fen):>10} refunds {format_amount(m.refunds_fen):>10} "
                f"payouts {format_amount(m.payouts_fen):>12} platform "
                f"{format_amount(m.platform_closing_fen):>12} books "
                f"{format_amount(m.book_closing_fen):>12} "
                + ("ok" if m.reconciled else f"DIFFERS {format_amount(m.difference_fen)}")
            )
    if differ:
        click.echo(f"error: {differ} month(s) do not reconcile", err=True)
        sys.exit(1)
