"""``coopledger audit …``: chain verification, the audit log, findings, signed checkpoints and the
auditor's package.

The operator at the command line reads without a user; the export acts as a named auditor, admin
or accountant of the organization (``--user``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from coopledger.cli.common import (
    books,
    domain_errors,
)
from coopledger.domain.audit_log import VerifiedPoint, checkpoint_key
from coopledger.services import audit_log, auth, chain_check
from coopledger.services import findings as findings_svc


@click.group("audit")
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
@click.option(
    "--full",
    is_flag=True,
    help="Recompute everything from the first voucher and event, not from the verified point.",
)
@domain_errors
def audit_verify(org: str, checkpoint: Path | None, vouchers_only: bool, full: bool) -> None:
    """Verify ORG's voucher hash chain, period balances and audit-log chain from the point
    verified last (the row there must still carry the hash seen there), or all of it with
    --full; say which were checked; exit 1 naming the first bad voucher or event."""
    with books() as b:
        resume = (
            None
            if full
            else chain_check.Resume(checkpoint_key(b.settings.with_secret().secret_key), b.uow)
        )
        report = chain_check.verify_org(b.uow(), org, audit_log=not vouchers_only, resume=resume)
    if checkpoint is not None and not verify_checkpoint(org, checkpoint):
        sys.exit(1)
    checked = "the voucher chain and period balances"
    if report.audit_log is not None:
        checked += ", and the audit-log chain"
    if report.resumed_from:
        checked += f", from the verified point (voucher {report.resumed_from})"
    click.echo(f"{report.org}: checked {checked}")
    if report.point_note:
        click.echo(f"{report.org}: {report.point_note}", err=True)
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
    """ORG's automated findings for a year, most severe first (the chains verified from the
    verified point); exit 1 if any is high."""
    with books() as b:
        resume = chain_check.Resume(checkpoint_key(b.settings.with_secret().secret_key), b.uow)
        points: list[VerifiedPoint] = []
        uow = b.uow()
        with uow:
            found_org = uow.store.org_by_code(org)
            if found_org is None:
                click.echo(f"error: organization {org!r} not found", err=True)
                sys.exit(1)
            found = findings_svc.org_findings(uow, found_org.id, year, resume=resume, points=points)
        chain_check.save_points(resume, points)
    if as_json:
        click.echo(
            json.dumps(
                [findings_svc.finding_json(f) for f in found],
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
    from coopledger.adapters.audit_package_zip import write_package
    from coopledger.services import audit_package

    with books() as b:
        actor = auth.actor_named(b.uow(), username)
        key = checkpoint_key(b.settings.with_secret().secret_key)
        package = audit_package.gather(b.uow, b.uow, actor, org, year, key)
        data, manifest = write_package(package, key)
        audit_package.record_taken(b.uow, actor, package, files=len(manifest["files"]))
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
    from coopledger.adapters.audit_package_zip import verify_package

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
