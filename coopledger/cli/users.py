"""``coopledger users``: users, their roles and passwords."""

from __future__ import annotations

import sys

import click

from coopledger.adapters.passwords import Argon2Hasher
from coopledger.cli.common import (
    books,
    domain_errors,
)
from coopledger.services import auth


@click.group()
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
@click.option(
    "--member",
    "members",
    multiple=True,
    help="ORG/MEMBER_NO, for a household user (repeat for the same household's record in "
    "another organization: its cooperative and its village).",
)
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="A region path (济南市/商河县): the user also sees every organization under it (repeat).",
)
@click.option(
    "--full-name", default=None, help="The person's name, printed on the vouchers it signs."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@domain_errors
def users_create(
    username: str,
    role: str,
    org_codes: tuple[str, ...],
    members: tuple[str, ...],
    regions: tuple[str, ...],
    full_name: str | None,
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
            list(members) or None,
            regions=list(regions),
            full_name=full_name,
        )
        scope = ", ".join(user.orgs) or ("all organizations" if user.role == "admin" else "-")
        if user.regions:
            scope += f" (regions {', '.join(user.regions)})"
        click.echo(f"created {user.username} ({user.role}) on {scope}")


@users.command("list")
def users_list() -> None:
    """Every user, a tab-separated line each: username, role, organizations, regions, active or
    disabled, locked or not."""
    with books() as b:
        found = auth.list_users(b.uow(), None)
    click.echo("username\trole\torgs\tregions\tactive\tlocked")
    for user in found:
        orgs = ",".join(user.orgs) or "-"
        regions = ",".join(user.regions) or "-"
        active = "yes" if user.active else "no"
        locked = "yes" if user.locked else "no"
        click.echo(f"{user.username}\t{user.role}\t{orgs}\t{regions}\t{active}\t{locked}")


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


@users.command("name")
@click.argument("username")
@click.argument("full_name")
@domain_errors
def users_name(username: str, full_name: str) -> None:
    """Set the person's full name, printed on the vouchers the user prepares, reviews or posts
    in place of the username ("" clears it)."""
    with books() as b:
        auth.update_user(b.uow(), None, Argon2Hasher(), username, full_name=full_name)
    click.echo(f"{username} signs as {full_name.strip() or username}")


@users.command("regions")
@click.argument("username")
@click.argument("paths", nargs=-1)
@domain_errors
def users_regions(username: str, paths: tuple[str, ...]) -> None:
    """Scope USERNAME to the region PATHS (such as 济南市/商河县), replacing the ones it had; none
    removes them. The user sees every organization under them, as well as its own."""
    with books() as b:
        done = auth.update_user(b.uow(), None, Argon2Hasher(), username, regions=list(paths))
    click.echo(f"{username} covers {', '.join(done.regions) or 'no region'}")
