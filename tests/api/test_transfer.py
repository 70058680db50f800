"""The import upload and the export downloads over HTTP."""

from __future__ import annotations

import io
from typing import Any

from coopledger.web.api import transfer
from tests.conftest import Books, count_rows

ORG = "/api/v1/orgs/coop"
VOUCHERS = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "V1,2026-03-10,收到股金,102,,,1000.00,,,\n"
    "V1,2026-03-10,收到股金,301,1,,,1000.00,,\n"
)


def upload(books: Books, user: str, query: str, content: bytes, name: str = "v.csv") -> Any:
    return books.client.post(
        f"{ORG}/imports?{query}",
        data={"file": (io.BytesIO(content), name)},
        headers=books.headers(user),
        content_type="multipart/form-data",
    )


def test_dry_run_then_import_then_nothing_twice(books: Books, connection: Any) -> None:
    before = count_rows(connection)
    r = upload(books, "acc", "kind=vouchers&dry_run=true", VOUCHERS.encode())
    assert r.status_code == 200 and r.json["ok"] and r.json["created"] == 1
    assert count_rows(connection) == before
    r = upload(books, "acc", "kind=vouchers", VOUCHERS.encode())
    assert r.status_code == 201, r.json
    assert [v["status"] for v in r.json["vouchers"]] == ["draft"]
    voucher = books.get("acc", f"{ORG}/vouchers/{r.json['vouchers'][0]['id']}").json
    assert voucher["status"] == "draft" and len(voucher["lines"]) == 2
    r = upload(books, "acc", "kind=vouchers", VOUCHERS.encode())
    assert r.status_code == 201 and (r.json["created"], r.json["skipped"]) == (0, 1)


def test_bad_files_answer_with_every_problem_and_write_nothing(
    books: Books, connection: Any, monkeypatch: Any
) -> None:
    before = count_rows(connection)
    bad = VOUCHERS.replace("1000.00,,,\nV1", "1000.001,,,\nV1")
    r = upload(books, "acc", "kind=vouchers&dry_run=1", bad.encode())
    assert r.status_code == 200 and not r.json["ok"]
    assert r.json["problems"] == [
        {
            "row": 2,
            "column": "debit",
            "key": "voucher V1",
            "message": "at most two decimals (fen); amounts are never rounded",
        }
    ]
    r = upload(books, "acc", "kind=vouchers", bad.encode())
    assert r.status_code == 422 and r.json["code"] == "import_rejected"
    assert "rows.2.debit" in r.json["errors"]
    for content, expected in (
        (b"", "empty"),
        ("日期,金额\n".encode("utf-16"), "unknown encoding"),
        (b"voucher_key,when\nV1,2026-01-01\n", "unknown column"),
    ):
        r = upload(books, "acc", "kind=vouchers", content)
        assert r.status_code == 422 and expected in r.json["detail"], r.json
    monkeypatch.setattr(transfer, "MAX_UPLOAD", 4096)  # the limit itself is 50 MB
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        + b"x" * 8192
        + b"\r\n--B--\r\n"
    )
    r = books.client.post(
        f"{ORG}/imports?kind=vouchers",
        data=body,
        headers=books.headers("acc"),
        content_type="multipart/form-data; boundary=B",
    )
    assert r.status_code == 413 and "50 MB" in (r.json or {})["detail"]
    assert count_rows(connection) == before


def test_who_may_import(books: Books) -> None:
    assert upload(books, "aud", "kind=vouchers", VOUCHERS.encode()).status_code == 403
    assert upload(books, "cash", "kind=vouchers", VOUCHERS.encode()).status_code == 403
    assert upload(books, "other-acc", "kind=vouchers", VOUCHERS.encode()).status_code == 404
    r = upload(books, "acc", "kind=vouchers&post=true", VOUCHERS.encode())
    assert r.status_code == 403 and r.json["code"] == "segregation_of_duties"
    r = upload(books, "admin", "kind=vouchers&post=true", VOUCHERS.encode())
    assert r.status_code == 201 and r.json["vouchers"][0]["number"] == "记-2026-03-0001"


def test_exports_and_templates(books: Books) -> None:
    upload(books, "admin", "kind=vouchers&post=true", VOUCHERS.encode())
    r = books.get("aud", f"{ORG}/exports/vouchers?format=csv&year=2026")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "记-2026-03-0001" in r.data.decode("utf-8-sig")
    r = books.get("aud", f"{ORG}/exports/trial-balance?format=xlsx&year=2026")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    r = books.get("aud", f"{ORG}/exports/members?format=beancount")
    assert r.status_code == 200 and b"Assets:C102" in r.data
    assert books.get("aud", f"{ORG}/exports/nothing").status_code == 404
    assert books.get("hh1", f"{ORG}/exports/members").status_code == 403
    r = books.get("acc", "/api/v1/imports/templates/members")
    assert r.data.decode("utf-8-sig").strip() == (
        "member_no,name,kind,persons,id_number,poverty_status,joined_on"
    )
