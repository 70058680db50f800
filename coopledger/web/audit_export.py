"""The auditor's package: one ZIP with a year's vouchers and lines (CSV), the trial balance, the
ledgers of every account with activity and the statutory statements (PDF), the audit log, the
findings, a signed checkpoint and a manifest with the SHA-256 of every file and the chain heads.

``verify_package`` recomputes every checksum (and the manifest's signature when the key is at
hand), so a package that was edited after it left the system is caught. Shared by the API and
the command line; the PDFs come from the same renderers as the report endpoints.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from coopledger.domain.auditlog import sign, signature_ok
from coopledger.domain.cells import safe_text
from coopledger.domain.errors import DomainError
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period, voucher_number
from coopledger.domain.roles import Action, Actor
from coopledger.services import audit_log, findings, reports
from coopledger.services import financial_statements as fs
from coopledger.services import orgs as org_svc
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import UnitOfWork, VoucherFilter

UowFactory = Callable[[], UnitOfWork]
MANIFEST = "manifest.json"


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def _t(value: object) -> str:
    """A text cell: formula triggers neutralized (OWASP ASVS 5.0 1.2.10)."""
    return safe_text("" if value is None else str(value))


def _vouchers(uow: UnitOfWork, actor: Actor, org_code: str, year: int) -> tuple[bytes, bytes]:
    head = [
        "id",
        "number",
        "date",
        "status",
        "kind",
        "memo",
        "attachments",
        "prepared_by",
        "reviewed_by",
        "posted_by",
        "reverses",
        "chain_seq",
        "prev_hash",
        "hash",
    ]
    vrows: list[list[Any]] = [head]
    lrows: list[list[Any]] = [
        ["voucher_id", "line", "account", "side", "amount", "member", "fund", "quantity", "memo"]
    ]
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        after = 0
        while True:
            batch = uow.store.vouchers(org.id, VoucherFilter(year=year), 500, after)
            for v in batch:
                number = voucher_number(Period.of(v.booked_on), v.number) if v.number else ""
                vrows.append(
                    [
                        v.id,
                        number,
                        v.booked_on.isoformat(),
                        str(v.status),
                        str(v.kind),
                        _t(v.memo),
                        v.attachments,
                        _t(v.prepared_by),
                        _t(v.reviewed_by),
                        _t(v.posted_by),
                        v.reverses or "",
                        v.chain_seq or "",
                        v.prev_hash or "",
                        v.hash or "",
                    ]
                )
                for i, ln in enumerate(v.lines, start=1):
                    lrows.append(
                        [
                            v.id,
                            i,
                            _t(ln.account),
                            str(ln.side),
                            format_amount(ln.amount_fen),
                            _t(ln.member),
                            _t(ln.fund),
                            ln.quantity_milli if ln.quantity_milli is not None else "",
                            _t(ln.memo),
                        ]
                    )
            if len(batch) < 500:
                break
            after = batch[-1].id
    return _csv(vrows), _csv(lrows)


def _pdfs(uows: UowFactory, actor: Actor, org_code: str, year: int) -> dict[str, bytes]:
    from coopledger.adapters.pdf import render_pdf
    from coopledger.web.api import books

    start, end = date(year, 1, 1), date(year, 12, 31)
    org = org_svc.get_org(uows(), actor, org_code)
    out: dict[str, bytes] = {}
    tb = reports.trial_balance_report(uows(), actor, org_code, start, end)
    out["reports/trial-balance.pdf"] = render_pdf(
        "pdf/trial_balance.html", books.trial_balance_print_context(tb, org, start, end)
    )
    for row in tb.rows:
        if row.level != 1 or not (row.debit or row.credit):
            continue
        ledger = reports.ledger_report(uows(), actor, org_code, row.account, None, start, end)
        out[f"ledgers/{_t(row.account)}.pdf"] = render_pdf(
            "pdf/ledger.html", books.ledger_print_context(ledger, org, None)
        )
    for name in ("balance-sheet", "surplus"):
        try:
            statement = (
                fs.balance_sheet(uows(), actor, org_code, end)
                if name == "balance-sheet"
                else fs.surplus_statement(uows(), actor, org_code, year)
            )
        except DomainError:  # a chart without a statement definition
            continue
        period = end.isoformat() if name == "balance-sheet" else f"{year}年度"
        out[f"reports/{name}.pdf"] = render_pdf(
            "pdf/financial_statement.html", books.statement_print_context(statement, period)
        )
    return out


def _audit_log(uows: UowFactory, actor: Actor, org_code: str) -> bytes:
    rows: list[list[Any]] = [
        [
            "seq",
            "at",
            "user",
            "remote_addr",
            "action",
            "object_type",
            "object_key",
            "detail",
            "prev_hash",
            "hash",
        ]
    ]
    after = 0
    while True:
        batch = audit_log.read_log(uows(), actor, org_code, limit=1000, after_id=after)
        for e in batch:
            rows.append(
                [
                    e.seq,
                    e.at.isoformat(timespec="seconds"),
                    _t(e.actor_name),
                    _t(e.remote_addr),
                    _t(e.action),
                    _t(e.object_type),
                    _t(e.object_key),
                    _t(e.detail),
                    e.prev_hash,
                    e.hash,
                ]
            )
        if len(batch) < 1000:
            return _csv(rows)
        after = batch[-1].id


def build_package(
    uows: UowFactory, writes: UowFactory, actor: Actor, org_code: str, year: int, key: bytes
) -> tuple[bytes, dict[str, Any]]:
    """The ZIP bytes and its manifest. The export is recorded in the audit log (``writes``: units
    of work that may write, for the checkpoint and that record).

    :raise NotFound, Forbidden: as the audit log (auditors, admins, the own accountants).
    """
    audit_log.read_log(uows(), actor, org_code, limit=1)  # the auditor/admin check, first
    files: dict[str, bytes] = {}
    files["vouchers.csv"], files["voucher_lines.csv"] = _vouchers(uows(), actor, org_code, year)
    files.update(_pdfs(uows, actor, org_code, year))
    files["audit_log.csv"] = _audit_log(uows, actor, org_code)
    found = findings.findings_for(uows(), actor, org_code, year)
    files["findings.json"] = json.dumps(
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
    ).encode("utf-8")
    checkpoint = audit_log.make_checkpoint(writes(), actor, org_code, key, reason=f"export {year}")
    files["checkpoint.json"] = json.dumps(checkpoint, ensure_ascii=False, indent=1).encode("utf-8")
    body = {
        "org": org_code,
        "year": year,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "created_by": actor.username,
        "voucher_chain": {"seq": checkpoint["voucher_seq"], "head": checkpoint["voucher_head"]},
        "audit_chain": {"seq": checkpoint["audit_seq"], "head": checkpoint["audit_head"]},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest = {**body, "signature": sign(key, body)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    with uows() as uow:
        org = uow.store.org_by_code(org_code)
    assert org is not None
    audit_log.record_export(
        writes(), actor, org, f"audit-package {year}", {"new": {"files": len(files), "year": year}}
    )
    return buffer.getvalue(), manifest


@dataclass(frozen=True, slots=True)
class PackageReport:
    ok: bool
    files: int
    problems: list[str]


def verify_package(data: bytes, key: bytes | None = None) -> PackageReport:
    """Every file listed with the right SHA-256, nothing extra, and (with ``key``) the manifest
    signed by this instance."""
    problems: list[str] = []
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(zf.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return PackageReport(False, 0, [f"not an audit package: {exc}"])
    listed: dict[str, str] = manifest.get("files", {})
    present = {n for n in zf.namelist() if n != MANIFEST}
    for name in sorted(set(listed) - present):
        problems.append(f"{name}: listed in the manifest but missing")
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not listed in the manifest")
    for name in sorted(set(listed) & present):
        if hashlib.sha256(zf.read(name)).hexdigest() != listed[name]:
            problems.append(f"{name}: its SHA-256 does not match the manifest")
    if key is not None and not signature_ok(key, manifest):
        problems.append("manifest: the signature does not match (altered or from another instance)")
    return PackageReport(not problems, len(listed), problems)
