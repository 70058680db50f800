"""The ``coopledger`` command: database, users, serving, verification, demonstration, benchmarks.

Every command calls the same services as the API. A rule the books refuse is printed as
``error: …`` with the fields it names, and the command exits with status 1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.adapters.failures import describe
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.config import Settings, database_url
from coopledger.domain.errors import DomainError
from coopledger.domain.money import format_amount
from coopledger.domain.roles import Actor, Role
from coopledger.services import auth, chain_check, orgs

F = TypeVar("F", bound=Callable[..., Any])


class Books:
    """The database a command works on.

    Opening it never creates anything: a SQLite file that does not exist is refused (only
    ``coopledger db upgrade`` and the demo create one), and unless ``schema=False`` the schema
    must be at the newest migration.
    """

    def __init__(self, settings: Settings, *, create: bool = False, schema: bool = True) -> None:
        self.settings = settings
        sqlite_file = _sqlite_path(settings.database_url)
        if create:
            settings.ensure_instance()
        elif sqlite_file is not None and not sqlite_file.exists():
            raise migrate.SchemaNotCurrent(
                f"no coopledger database at {sqlite_file}; run `coopledger db upgrade` to create "
                "one, or pass --db PATH"
            )
        self.engine: Engine = make_engine(settings.database_url)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        if schema:
            try:
                migrate.require_head(self.engine)
            except BaseException:
                self.engine.dispose()
                raise

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url in ("sqlite:///:memory:",):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def domain_errors(fn: F) -> F:
    """Print a refused rule as a message naming the fields, and exit 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            click.echo(f"error: {exc.message}", err=True)
            for field, messages in exc.errors.items():
                click.echo(f"  {field}: {'; '.join(messages)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    """The settings from ``COOPLEDGER_*``, with the database the global ``--db`` names."""
    ctx = click.get_current_context()
    chosen = ctx.find_root().meta.get(_DB_META)
    settings = Settings.from_env()
    if chosen:
        url = database_url(chosen, settings.instance_path)
        settings = dataclasses.replace(settings, database_url=url)
    return settings


@contextmanager
def books(*, create: bool = False, schema: bool = True) -> Iterator[Books]:
    """The books named by the settings, or the ones a caller passed as ``obj`` (tests do)."""
    injected = click.get_current_context().find_object(Books)
    if injected is not None:
        yield injected
        return
    opened = Books(settings(), create=create, schema=schema)
    try:
        yield opened
    finally:
        opened.engine.dispose()


_DB_META = "coopledger.database"


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
            said = describe(exc)
            if said is None:
                said = f"{type(exc).__name__}: {exc} (run again with --debug for the traceback)"
            click.echo(f"error: {said}", err=True)
            ctx.exit(1)


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
        ctx.meta[_DB_META] = database


# -- database ------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Create and upgrade the schema (Alembic migrations only)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: head); creates a SQLite file if missing."""
    with books(create=True, schema=False) as b:
        migrate.upgrade(b.engine, revision)
        click.echo(f"database at {revision}: {b.engine.url.render_as_string(hide_password=True)}")


@db.command("check")
def db_check() -> None:
    """Fail when the database is not at the newest migration or its schema differs from the models."""
    with books() as b:
        migrate.check(b.engine)
        click.echo("the schema matches the migrations")


# -- organizations and users ---------------------------------------------------------------------


@main.group("orgs")
def orgs_group() -> None:
    """Organizations."""


@orgs_group.command("list")
def orgs_list() -> None:
    """Every organization: code, kind, chart, name, region."""
    with books() as b:
        for org in orgs.list_orgs(b.uow(), _operator()):
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


@main.group()
def users() -> None:
    """Users and their roles."""


def _terminal() -> bool:
    return sys.stdin.isatty()


def _new_password(password_stdin: bool) -> str:
    """The password from standard input, or asked twice at the terminal; without a terminal
    (a script, a pipe) and without ``--password-stdin`` there is nobody to ask: exit 2."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not _terminal():
        click.echo("error: no terminal to ask for a password; pass --password-stdin", err=True)
        sys.exit(2)
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True))


@users.command("create")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "accountant", "cashier", "reviewer", "auditor", "household"]),
)
@click.option(
    "--org", "org_codes", multiple=True, help="An organization the user works on (repeat)."
)
@click.option("--member", default=None, help="ORG/MEMBER_NO, for a household user.")
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="A region path (济南市/商河县): the user also sees every organization under it (repeat).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@domain_errors
def users_create(
    username: str,
    role: str,
    org_codes: tuple[str, ...],
    member: str | None,
    regions: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Create a user. The password is read from standard input or asked for (twice)."""
    password = _new_password(password_stdin)
    with books() as b:
        user = auth.create_user(
            b.uow(),
            None,
            Argon2Hasher(),
            username,
            password,
            role,
            list(org_codes),
            member,
            regions=list(regions),
        )
        scope = ", ".join(user.orgs) or ("all organizations" if user.role == "admin" else "-")
        if user.regions:
            scope += f" (regions {', '.join(user.regions)})"
        click.echo(f"created {user.username} ({user.role}) on {scope}")


@users.command("list")
def users_list() -> None:
    """Every user: username, role, organizations, active or disabled, locked or not."""
    with books() as b:
        found = auth.list_users(b.uow(), None)
    click.echo("username\trole\torgs\tactive\tlocked")
    for user in found:
        scope = ",".join(user.orgs) or "-"
        if user.regions:
            scope += " " + ",".join(user.regions)
        active = "yes" if user.active else "no"
        locked = "yes" if user.locked else "no"
        click.echo(f"{user.username}\t{user.role}\t{scope}\t{active}\t{locked}")


@users.command("disable")
@click.argument("username")
@domain_errors
def users_disable(username: str) -> None:
    """Disable a user: it cannot sign in, and every token and web session it has ends now."""
    with books() as b:
        auth.update_user(b.uow(), None, Argon2Hasher(), username, active=False)
    click.echo(f"disabled {username}; its tokens and sessions are revoked")


@users.command("enable")
@click.argument("username")
@domain_errors
def users_enable(username: str) -> None:
    """Let a disabled user sign in again (its old tokens stay revoked)."""
    with books() as b:
        auth.update_user(b.uow(), None, Argon2Hasher(), username, active=True)
    click.echo(f"enabled {username}")


@users.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@domain_errors
def users_password(username: str, password_stdin: bool) -> None:
    """Set a user's password (asked twice, or from standard input); every token and web
    session the user had ends."""
    password = _new_password(password_stdin)
    with books() as b:
        auth.update_user(b.uow(), None, Argon2Hasher(), username, password=password)
    click.echo(f"password of {username} changed; its tokens and sessions are revoked")


# -- serving -------------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application and API with gunicorn (a production WSGI server).

    Refuses a database whose schema is not at the newest migration."""
    from coopledger.web.server import run

    with books() as b:  # the schema check, before any worker starts
        os.environ["COOPLEDGER_DATABASE_URL"] = b.settings.database_url
        if not b.settings.public_url:
            click.echo(_NO_PUBLIC_URL, err=True)
    run(host, port, workers)


_NO_PUBLIC_URL = (
    "warning: COOPLEDGER_PUBLIC_URL is not set: household statements are refused until it names "
    "the address households reach (printed on each statement and in its QR code)"
)


# -- audit ---------------------------------------------------------------------------------------


@main.group("audit")
def audit_group() -> None:
    """Tamper evidence and audit checks."""


@audit_group.command("verify")
@click.argument("org")
@click.option(
    "--checkpoint",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also check against a signed checkpoint (catches a rewrite or a truncated tail).",
)
@click.option(
    "--vouchers-only",
    is_flag=True,
    help="Check the vouchers' chain and the balances only, not the audit log's chain.",
)
@domain_errors
def audit_verify(org: str, checkpoint: Path | None, vouchers_only: bool) -> None:
    """Recompute ORG's voucher hash chain, period balances and audit-log chain; say which were
    checked; exit 1 naming the first bad voucher or event."""
    with books() as b:
        report = chain_check.verify_org(b.uow(), org, audit_log=not vouchers_only)
    if checkpoint is not None:
        from coopledger.cli_audit import verify_checkpoint

        if not verify_checkpoint(org, checkpoint):
            sys.exit(1)
    checked = "the voucher chain and period balances"
    if report.audit_log is not None:
        checked += ", and the audit-log chain"
    click.echo(f"{report.org}: checked {checked}")
    if report.vouchers_ok:
        click.echo(
            f"{report.org}: vouchers: {report.vouchers} posted, chain intact, head {report.head}"
        )
    else:
        where = (
            f"voucher {report.first_bad_number} (id {report.first_bad_voucher})"
            if report.first_bad_voucher
            else "the chain head"
        )
        click.echo(f"{report.org}: vouchers: BROKEN at {where}: {report.reason}", err=True)
        for line in report.balance_mismatches:
            click.echo(f"  {line}", err=True)
    log = report.audit_log
    if log is not None and log.ok:
        click.echo(f"{report.org}: audit log: {log.events} events, chain intact, head {log.head}")
    elif log is not None:
        where = f"event {log.first_bad_seq}" if log.first_bad_seq else "the chain head"
        click.echo(f"{report.org}: audit log: BROKEN at {where}: {log.reason}", err=True)
    if not report.ok:
        sys.exit(1)


# -- registers and distribution ------------------------------------------------------------------

ACT_AS = click.option(
    "--user",
    "username",
    required=True,
    help="The user the books record as preparer (an accountant of ORG).",
)


@main.command()
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


@main.command()
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
    default="poor,monitored",
    show_default=True,
    help="Poverty statuses the guarantee covers.",
)
@click.option("--include-prior-undistributed", is_flag=True)
@click.option("--save", is_flag=True, help="Save the plan as a draft (otherwise a dry run).")
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
    save: bool,
    username: str | None,
) -> None:
    """Compute ORG's surplus distribution for a closed year and print it as a table."""
    from decimal import Decimal, InvalidOperation

    from coopledger.domain.distribution import Guarantee
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
            reader = auth.actor_named(b.uow(), username) if username else _operator()
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


def _operator() -> Actor:
    """The machine's operator at the command line, for dry runs that only read."""
    return Actor(0, "operator", Role.ADMIN, frozenset())


def orgs_members(b: Books, org: str) -> list[Any]:
    return orgs.list_members(b.uow(), _operator(), org, 1_000_000, 0)


# `coopledger statements` (one PDF per household, or one combined; local processes or a job
# queue) and `coopledger worker` live in coopledger/cli_statements.py.


# -- demonstration -------------------------------------------------------------------------------


@main.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file to build (default: the database every command uses, "
    "instance/coopledger.db, or the global --db).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Build the books and stop.")
@click.option("--force", is_flag=True, help="Replace the file even if the demo did not make it.")
def demo(db_path: Path | None, host: str, port: int, no_serve: bool, force: bool) -> None:
    """Build demonstration books in a SQLite file, then serve them.

    The file is replaced only when it is missing or a demo made it; books made otherwise are
    refused unless --force. Every other command then reaches the same books."""
    from coopledger.adapters.db import demo_file
    from coopledger.demo import build_demo

    current = settings()
    path = db_path.absolute() if db_path else _sqlite_path(current.database_url)
    if path is None:
        raise click.UsageError(
            "the demo builds a SQLite file, and the configured database is not one: pass --db PATH"
        )
    if not no_serve:
        demo_file.require_free_port(host, port)
    lock = demo_file.claim(path, force=force)  # held while building and serving
    try:
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        demo_file.mark(engine)
        migrate.upgrade(engine)
        summary = build_demo(
            lambda: SqlUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False)),
            Argon2Hasher(),
            progress=lambda text: click.echo(text),
        )
        engine.dispose()
        default = path == _sqlite_path(Settings.from_env().database_url)
        _print_demo(path, summary, default=default, served=f"http://{host}:{port}/")
        if no_serve:
            return
        os.environ["COOPLEDGER_DATABASE_URL"] = url
        os.environ.setdefault("COOPLEDGER_PUBLIC_URL", f"http://{host}:{port}/")
        from coopledger.web.server import run

        click.echo(f"\nserving on http://{host}:{port}/  (Ctrl-C stops)")
        run(host, port, 2)
    finally:
        os.close(lock)


def _print_demo(path: Path, summary: Any, *, default: bool, served: str) -> None:
    from coopledger.services.clock import utcnow

    click.echo(f"\ndemonstration books in {path}")
    for org in summary.orgs:
        click.echo(f"  {org}")
    click.echo("logins (username / password):")
    for username, password, role in summary.logins:
        click.echo(f"  {username:<14} {password:<16} {role}")
    cmd = "coopledger" if default else f"coopledger --db {path}"
    year = utcnow().year - 1  # the demo books the previous calendar year in full
    click.echo("\nnext, from this folder (the same books):")
    for line in (
        f"{cmd} audit verify garlic-coop",
        f"{cmd} audit findings garlic-coop --year {year}",
        f"{cmd} export garlic-coop --what trial-balance --year {year} --out trial-balance.csv",
        f"{cmd} statements garlic-coop --year {year} --out statements/ --base-url {served}",
        f"{cmd} orgs list",
    ):
        click.echo(f"  {line}")


# -- benchmarks ----------------------------------------------------------------------------------


@main.group()
def bench() -> None:
    """Benchmarks that print figures (slow; not part of the test suite)."""


@bench.command("ledger")
@click.option("--vouchers", default=100_000, show_default=True, type=int)
@click.option(
    "--tb-lines",
    default=1_000_000,
    show_default=True,
    type=int,
    help="Lines in the organization whose trial balance is timed.",
)
@click.option("--http-requests", default=200, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_ledger(
    vouchers: int, tb_lines: int, http_requests: int, database_url: str | None
) -> None:
    """Bulk posting, trial balance at scale, and voucher creation over HTTP."""
    from coopledger.bench.ledger import run_ledger_bench

    run_ledger_bench(
        vouchers=vouchers,
        tb_lines=tb_lines,
        http_requests=http_requests,
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("pages")
@click.option("--vouchers", default=10_000, show_default=True, type=int)
@click.option("--tb-lines", default=1_000_000, show_default=True, type=int)
@click.option("--runs", default=15, show_default=True, type=int, help="Requests per page.")
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_pages(vouchers: int, tb_lines: int, runs: int, database_url: str | None) -> None:
    """Median server time of the dashboard, the voucher list and the trial balance."""
    from coopledger.bench.pages import run_pages_bench

    run_pages_bench(
        vouchers=vouchers,
        tb_lines=tb_lines,
        runs=runs,
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("distribution")
@click.option("--members", default=10_000, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_distribution(members: int, database_url: str | None) -> None:
    """A distribution plan for many members: computed, saved, approved and posted."""
    from coopledger.bench.distribution import run_distribution_bench

    run_distribution_bench(members=members, database_url=database_url, echo=click.echo)


@bench.command("registers")
@click.option("--assets", default=2_000, show_default=True, type=int)
@click.option("--months", default=12, show_default=True, type=int, help="Months depreciated.")
@click.option("--members", default=5_000, show_default=True, type=int)
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_registers(assets: int, months: int, members: int, database_url: str | None) -> None:
    """A depreciation run over many assets, and the share register of many members."""
    from coopledger.bench.registers import run_registers_bench

    run_registers_bench(
        assets=assets,
        months=months,
        members=members,
        database_url=database_url,
        echo=click.echo,
    )


@bench.command("regions")
@click.option("--orgs", "orgs_count", default=100, show_default=True, type=int)
@click.option("--lines", default=500_000, show_default=True, type=int, help="Posted lines in all.")
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
)
def bench_regions(orgs_count: int, lines: int, database_url: str | None) -> None:
    """The consolidated report of a county of many organizations."""
    from coopledger.bench.regions import run_regions_bench

    run_regions_bench(
        orgs_count=orgs_count, lines=lines, database_url=database_url, echo=click.echo
    )


# -- import, export, backup and restore (coopledger/cli_transfer.py) -----------------------------

from coopledger import cli_transfer  # noqa: E402  (registers on the groups above)

cli_transfer.register(main, bench)

from coopledger import cli_statements  # noqa: E402  (registers on the groups above)

cli_statements.register(main, bench)


# -- scale benchmarks: coopledger/bench_scale.py, scripts in coopledger/peers.py ----------------

SCALE_OPTIONS = [
    click.option(
        "--scale", default=1.0, show_default=True, type=float, help="0.01 for a quick run."
    ),
    click.option("--runs", default=3, show_default=True, type=int, help="Each figure's median of."),
    click.option("--http-requests", default=400, show_default=True, type=int),
    click.option(
        "--database-url", default=None, help="Default: a fresh SQLite file in a temporary folder."
    ),
]


def _scale_command(name: str, parts: tuple[str, ...], doc: str) -> None:
    def command(scale: float, runs: int, http_requests: int, database_url: str | None) -> None:
        from coopledger.bench.scale import run_scale_bench

        run_scale_bench(
            parts=parts,
            scale=scale,
            runs=runs,
            database_url=database_url,
            http_requests=http_requests,
            echo=click.echo,
        )

    command.__doc__ = doc
    for option in reversed(SCALE_OPTIONS):
        command = option(command)
    bench.command(name)(command)


_scale_command(
    "all", ("load", "reports", "distribution", "http", "statements"), "Every scale figure."
)
_scale_command("scale-load", ("load",), "Bulk load of the generated city, beside raw COPY.")
_scale_command("scale-reports", ("reports",), "Trial balances, balance sheet, member account.")
_scale_command("scale-distribution", ("distribution",), "Distribution for 10,000 members.")
_scale_command("scale-http", ("http",), "Voucher creation over HTTP, 2 and 4 processes.")
_scale_command("scale-statements", ("statements",), "Statements/s with 1 and 2 workers.")


@bench.command("peers")
@click.option("--scale", default=0.01, show_default=True, type=float)
@click.option("--runs", default=3, show_default=True, type=int)
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path))
def bench_peers(scale: float, runs: int, out_dir: Path | None) -> None:
    """The generator's journal in coopledger, Beancount, hledger and ledger-cli: same trial balance?"""
    from coopledger.bench.peers import run_peers

    if not run_peers(scale=scale, runs=runs, out_dir=out_dir, echo=click.echo):
        sys.exit(1)


from coopledger import cli_audit  # noqa: E402,F401  (registers audit log/findings/export)

if __name__ == "__main__":  # pragma: no cover
    main()
