"""``coopledger audit …``: the audit log, findings, signed checkpoints and the auditor's package.

Registered on the ``audit`` group of :mod:`coopledger.cli` (imported at its end). The operator at
the command line reads without a user; the export acts as a named auditor, admin or accountant of the organization (``--user``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from coopledger.cli import audit_group, bench, books, domain_errors
from coopledger.domain.auditlog import checkpoint_key
from coopledger.services import audit_log, auth
from coopledger.services import findings as findings_svc


@audit_group.command("log")
@click.argument("org")
@click.option("--action", default=None, help="exact action, or a prefix ending in * (voucher.*)")
@click.option("--user", "user", default=None)
@click.option("--object", "object_key", default=None)
@click.option("--limit", default=100, show_default=True, type=int)
@domain_errors
def audit_log_command(
    org: str, action: str | None, user: str | None, object_key: str | None, limit: int
) -> None:
    """Print ORG's audit log, oldest first: seq, time, user, address, action, object, detail."""
    with books() as b:
        events = audit_log.read_log(
            b.uow(), None, org, action=action, user=user, object_key=object_key, limit=limit
        )
    for e in events:
        click.echo(
            f"{e.seq:>6} {e.at:%Y-%m-%d %H:%M:%S} {e.actor_name or '-':<12} "
            f"{e.remote_addr or '-':<15} {e.action:<22} {e.object_type}:{e.object_key} {e.detail}"
        )


@audit_group.command("findings")
@click.argument("org")
@click.option("--year", required=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of lines of text.")
@domain_errors
def audit_findings(org: str, year: int, as_json: bool) -> None:
    """ORG's automated findings for a year, most severe first; exit 1 if any is high."""
    with books() as b:
        uow = b.uow()
        with uow:
            found_org = uow.store.org_by_code(org)
            if found_org is None:
                click.echo(f"error: organization {org!r} not found", err=True)
                sys.exit(1)
            found = findings_svc.org_findings(uow, found_org.id, year)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "code": f.code,
                        "severity": f.severity,
                        "objects": list(f.objects),
                        "message": f.message,
                    }
                    for f in found
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        counts = findings_svc.severity_counts(found)
        click.echo(
            f"{org} {year}: {len(found)} finding(s) — "
            + ", ".join(f"{n} {s}" for s, n in counts.items())
        )
        for f in found:
            click.echo(f"[{f.severity}] {f.code} {' '.join(f.objects)}: {f.message}")
    if any(f.severity == "high" for f in found):
        sys.exit(1)


@audit_group.command("checkpoint")
@click.argument("org")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path)
)
@domain_errors
def audit_checkpoint(org: str, out: Path) -> None:
    """Sign a checkpoint of ORG's voucher and audit chain heads into FILE (keep it elsewhere)."""
    with books() as b:
        key = checkpoint_key(b.settings.with_secret().secret_key)
        checkpoint = audit_log.make_checkpoint(b.uow(), None, org, key)
    out.write_text(json.dumps(checkpoint, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(
        f"{org}: checkpoint at voucher {checkpoint['voucher_seq']}, audit event "
        f"{checkpoint['audit_seq']} written to {out}"
    )


def verify_checkpoint(org: str, path: Path) -> bool:
    """Check ORG against a checkpoint file; prints the problems. Used by ``audit verify``."""
    checkpoint = audit_log.parse_checkpoint(path.read_text(encoding="utf-8"))
    with books() as b:
        key = checkpoint_key(b.settings.with_secret().secret_key)
        report = audit_log.verify_checkpoint(b.uow(), None, org, checkpoint, key)
    if report.ok:
        click.echo(
            f"{org}: matches the checkpoint (voucher {checkpoint['voucher_seq']}, "
            f"audit event {checkpoint['audit_seq']})"
        )
        return True
    for problem in report.problems:
        click.echo(f"{org}: CHECKPOINT MISMATCH: {problem}", err=True)
    return False


@audit_group.command("export")
@click.argument("org")
@click.option("--year", required=True, type=int)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path)
)
@click.option("--user", "username", required=True, help="An auditor, admin or accountant of ORG.")
@domain_errors
def audit_export(org: str, year: int, out: Path, username: str) -> None:
    """Write ORG's audit package for YEAR (vouchers, ledgers, statements, log, findings,
    manifest) to FILE.zip."""
    from coopledger.web.audit_export import build_package

    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        key = checkpoint_key(b.settings.with_secret().secret_key)
        data, manifest = build_package(b.uow, b.uow, actor, org, year, key)
    out.write_bytes(data)
    click.echo(
        f"{org} {year}: {len(manifest['files'])} files, voucher chain head "
        f"{manifest['voucher_chain']['head'][:16]}… written to {out}"
    )


@audit_group.command("verify-export")
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-signature", is_flag=True, help="Checksums only (another instance's package).")
def audit_verify_export(package: Path, no_signature: bool) -> None:
    """Recompute every checksum of an audit package (and its signature); exit 1 on any mismatch."""
    from coopledger.web.audit_export import verify_package

    key = None
    if not no_signature:
        with books() as b:
            key = checkpoint_key(b.settings.with_secret().secret_key)
    report = verify_package(package.read_bytes(), key)
    if report.ok:
        click.echo(f"{package}: {report.files} files, every checksum matches")
        return
    for problem in report.problems:
        click.echo(f"{package}: {problem}", err=True)
    sys.exit(1)


@bench.command("soak")
@click.option("--url", required=True, help="The served instance, e.g. http://127.0.0.1:8000")
@click.option("--org", required=True)
@click.option("--user", "username", required=True, help="An accountant of ORG (prepares, posts).")
@click.option("--reviewer", required=True, help="A reviewer of ORG.")
@click.option("--password", envvar="COOPLEDGER_SOAK_PASSWORD", required=True, hide_input=True)
@click.option("--minutes", default=1.0, show_default=True, type=float)
@click.option("--clients", default=4, show_default=True, type=int)
@click.option("--date", "day", default="2026-05-15", show_default=True, help="Voucher date.")
def bench_soak(
    url: str,
    org: str,
    username: str,
    reviewer: str,
    password: str,
    minutes: float,
    clients: int,
    day: str,
) -> None:
    """Mixed traffic against a served instance for N minutes, every response reconciled against
    the books afterwards; exit 1 on any 5xx or mismatch. Both users share --password."""
    from coopledger.bench.soak import run_soak

    result = run_soak(
        url,
        org,
        (username, password),
        (reviewer, password),
        seconds=minutes * 60,
        clients=clients,
        date=day,
        echo=click.echo,
    )
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    if result.server_errors or result.problems:
        sys.exit(1)
