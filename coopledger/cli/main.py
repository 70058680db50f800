"""The ``coopledger`` command: the root group and every command group registered on it.

Every command calls the same services as the API; a module per group (``db``, ``orgs``,
``users``, ``serve``, ``audit``, ``registers``, ``household_statements``, ``transfer``, ``demo``,
``bench``) defines its commands, and only this module puts them together.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from coopledger.adapters.failures import describe
from coopledger.cli import (
    audit,
    bank,
    bench,
    contracts,
    db,
    demo,
    household_statements,
    periods,
    registers,
    serve,
    shop,
    subsidies,
    transfer,
    users,
)
from coopledger.cli import orgs as orgs_commands
from coopledger.cli.common import DB_META, settings


class _Commands(click.Group):
    """The command group that says an operational failure in one line (exit 1), never as a
    traceback — unless ``--debug`` or ``COOPLEDGER_DEBUG=1`` asks for it."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): nothing left to say
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except Exception as exc:
            if ctx.params.get("debug") or os.environ.get("COOPLEDGER_DEBUG") == "1":
                raise
            said = describe(exc, _database_url())
            if said is None:
                said = f"{type(exc).__name__}: {exc} (run again with --debug for the traceback)"
            click.echo(f"error: {said}", err=True)
            ctx.exit(1)


def _database_url() -> str | None:
    """The database the failed command was opening, if the settings name one."""
    try:
        return settings().database_url
    except Exception:  # the settings themselves are what failed: no database to name
        return None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="coopledger")
@click.option(
    "--db",
    "database",
    default=None,
    metavar="PATH|URL",
    help="The database: a SQLite file or a URL (default: COOPLEDGER_DATABASE_URL, else "
    "instance/coopledger.db).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of a failure.")
@click.pass_context
def main(ctx: click.Context, database: str | None, debug: bool) -> None:
    """coopledger: the books of rural cooperatives and village collectives."""
    if database:
        ctx.meta[DB_META] = database


for command in (
    db.db,
    orgs_commands.orgs_group,
    users.users,
    serve.serve,
    audit.audit_group,
    periods.periods_group,
    registers.depreciate,
    registers.distribute,
    household_statements.statements_cmd,
    household_statements.worker_cmd,
    transfer.import_cmd,
    bank.bank_group,
    shop.shop_group,
    contracts.contracts_group,
    subsidies.subsidies_group,
    transfer.export_cmd,
    transfer.backup_cmd,
    transfer.restore_cmd,
    demo.demo,
    bench.bench,
):
    main.add_command(command)
