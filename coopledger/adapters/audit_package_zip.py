"""The auditor's package as files: one ZIP with a year's vouchers and lines (CSV), the trial
balance, the ledgers of every account with activity and the statutory statements (PDF), the audit
log (CSV), the findings (JSON), the signed checkpoint and a manifest with the SHA-256 of every
file and the chain heads, signed.

What goes in is gathered by :mod:`coopledger.services.audit_package`; the PDFs print from the same
contexts and templates as the report endpoints. ``verify_package`` recomputes every checksum (and
the manifest's signature when the key is at hand), so a package edited after it left the system
is caught.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from coopledger.domain.audit_log import AuditEvent, sign, signature_ok
from coopledger.domain.cells import safe_text
from coopledger.domain.ledger import Voucher
from coopledger.domain.money import format_amount
from coopledger.domain.periods import Period, voucher_number
from coopledger.services.audit_package import AuditPackage
from coopledger.services.clock import utcnow
from coopledger.services.findings import finding_json
from coopledger.services.print_contexts import (
    balance_sheet_print_context,
    financial_statement_print_context,
    ledger_print_context,
    trial_balance_print_context,
)

MANIFEST = "manifest.json"
VOUCHER_COLUMNS = [
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
LINE_COLUMNS = [
    "voucher_id",
    "line",
    "account",
    "side",
    "amount",
    "member",
    "fund",
    "quantity",
    "memo",
]
LOG_COLUMNS = [
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


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def _t(value: object) -> str:
    """A text cell: formula triggers neutralized (OWASP ASVS 5.0 1.2.10)."""
    return safe_text("" if value is None else str(value))


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def _voucher_row(v: Voucher) -> list[Any]:
    number = voucher_number(Period.of(v.booked_on), v.number) if v.number else ""
    return [
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


def _line_rows(v: Voucher) -> list[list[Any]]:
    return [
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
        for i, ln in enumerate(v.lines, start=1)
    ]


def _log_row(e: AuditEvent) -> list[Any]:
    return [
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


def _pdfs(package: AuditPackage) -> dict[str, bytes]:
    # Imported here: WeasyPrint loads Pango when imported, and only the package's PDFs need it.
    from coopledger.adapters.pdf import render_pdf

    org = package.org
    out: dict[str, bytes] = {}
    out["reports/trial-balance.pdf"] = render_pdf(
        "pdf/trial_balance.html",
        trial_balance_print_context(package.trial_balance, org, package.start, package.end),
    )
    for ledger in package.ledgers:
        out[f"ledgers/{_t(ledger.account.code)}.pdf"] = render_pdf(
            "pdf/ledger.html", ledger_print_context(ledger, org, None)
        )
    for st in package.statements:
        if st.name == "balance-sheet":  # the two-sided form
            out[f"reports/{st.name}.pdf"] = render_pdf(
                "pdf/balance_sheet.html", balance_sheet_print_context(st.statement)
            )
            continue
        out[f"reports/{st.name}.pdf"] = render_pdf(
            "pdf/financial_statement.html",
            financial_statement_print_context(st.statement, st.period),
        )
    return out


def package_files(package: AuditPackage) -> dict[str, bytes]:
    """Every file of the package but the manifest, by its name in the ZIP."""
    vouchers: list[list[Any]] = [VOUCHER_COLUMNS]
    lines: list[list[Any]] = [LINE_COLUMNS]
    for v in package.vouchers:
        vouchers.append(_voucher_row(v))
        lines.extend(_line_rows(v))
    files: dict[str, bytes] = {"vouchers.csv": _csv(vouchers), "voucher_lines.csv": _csv(lines)}
    files.update(_pdfs(package))
    files["audit_log.csv"] = _csv([LOG_COLUMNS, *(_log_row(e) for e in package.audit_log)])
    files["findings.json"] = _json([finding_json(f) for f in package.findings])
    files["checkpoint.json"] = _json(package.checkpoint)
    return files


def write_package(package: AuditPackage, key: bytes) -> tuple[bytes, dict[str, Any]]:
    """The ZIP bytes and its manifest, signed with ``key``."""
    files = package_files(package)
    checkpoint = package.checkpoint
    body = {
        "org": package.org.code,
        "year": package.year,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "created_by": package.taken_by,
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
