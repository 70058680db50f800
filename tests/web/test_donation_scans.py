"""The signed hand-out list, scanned or photographed, attached to its hand-out: PDF, JPEG or
PNG told by its content, at most 8 MB, its SHA-256 recorded, downloadable as uploaded; another
organization's hand-out answers 404."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from coopledger.domain.donations import MAX_SCAN_BYTES
from tests.conftest import Books

VILLAGE = "/api/v1/orgs/village"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n%signed list\n" + b"0" * 300


def _handout(books: Books) -> int:
    made = books.post(
        "acc",
        f"{VILLAGE}/donations",
        {
            "donor": "某某粮油公司",
            "date": "2026-01-05",
            "basis": "market_price",
            "items": [{"name": "大米", "unit": "千克", "quantity": "100", "value": "500.00"}],
        },
    )
    item = made.json["items"][0]["id"]
    out = books.post(
        "acc",
        f"{VILLAGE}/donations/handouts",
        {"date": "2026-01-08", "lines": [{"item": item, "member": "1", "quantity": "25"}]},
    )
    assert out.status_code == 201, out.json
    return int(out.json["voucher"])


def _upload(books: Books, path: str, data: bytes, name: str, user: str = "acc") -> Any:
    return books.post(
        user,
        path,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _raw_upload(books: Books, path: str, data: bytes) -> Any:
    """A multipart body built in memory (the test client spools a large one to a file)."""
    body = (
        b'--b0\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + data + b"\r\n--b0--\r\n"
    )
    return books.client.post(
        path,
        input_stream=io.BytesIO(body),
        content_length=len(body),
        headers=books.headers("acc", **{"Content-Type": "multipart/form-data; boundary=b0"}),
    )


def test_the_signed_list_is_attached_with_its_sha256_and_downloads_as_uploaded(
    books: Books,
) -> None:
    voucher = _handout(books)
    path = f"{VILLAGE}/donations/handouts/{voucher}/scans"
    made = _upload(books, path, PNG, "签收表.jpg")  # the name lies: the content is a PNG
    assert made.status_code == 201, made.json
    assert made.json["media_type"] == "image/png"
    assert made.json["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert made.json["size"] == len(PNG) and made.json["filename"] == "签收表.jpg"
    second = _upload(books, path, PDF, "list.pdf")
    assert second.status_code == 201 and second.json["media_type"] == "application/pdf"
    listed = books.get("aud", path).json["items"]
    assert [s["sha256"] for s in listed] == [
        hashlib.sha256(PNG).hexdigest(),
        hashlib.sha256(PDF).hexdigest(),
    ]
    got = books.get("aud", listed[0]["download"])
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert "attachment" in got.headers["Content-Disposition"]


def test_a_file_too_big_empty_or_of_another_type_is_refused_naming_the_field(
    books: Books,
) -> None:
    voucher = _handout(books)
    path = f"{VILLAGE}/donations/handouts/{voucher}/scans"
    too_big = _raw_upload(books, path, b"%PDF-" + b"0" * MAX_SCAN_BYTES)
    assert too_big.status_code == 422 and "file" in too_big.json["errors"], too_big.json
    wrong = _upload(books, path, b"<html><script>alert(1)</script>", "list.pdf")
    assert wrong.status_code == 422 and "file" in wrong.json["errors"]
    empty = _upload(books, path, b"", "list.png")
    assert empty.status_code == 422 and "file" in empty.json["errors"]
    missing = books.post("acc", path, data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["errors"]
    assert books.get("aud", path).json["items"] == []


def test_another_organizations_hand_out_answers_404(books: Books) -> None:
    voucher = _handout(books)
    path = f"{VILLAGE}/donations/handouts/{voucher}/scans"
    assert _upload(books, path, PNG, "a.png").status_code == 201
    scan = books.get("aud", path).json["items"][0]["id"]
    # the cooperative's accountant names the village's voucher under its own organization
    mine = f"/api/v1/orgs/coop/donations/handouts/{voucher}/scans"
    assert _upload(books, mine, PNG, "a.png").status_code == 404
    assert books.get("acc", f"{mine}/{scan}").status_code == 404
    # a user of another organization does not see the village at all
    assert _upload(books, path, PNG, "a.png", user="other-acc").status_code == 404
    # the auditor reads but may not attach
    assert _upload(books, path, PNG, "a.png", user="aud").status_code == 403


def test_the_page_attaches_the_scan_and_shows_its_sha256(books: Books, signed_in: Any) -> None:
    voucher = _handout(books)
    b = signed_in("acc")
    page = "/orgs/village/donations"
    form = f"{page}?form=scan&voucher={voucher}"
    assert f'action="{form.replace("&", "&amp;")}"' in b.get(page).get_data(as_text=True)
    bad = b.post(form, {"file": (io.BytesIO(b"GIF89a"), "x.gif")})
    assert bad.status_code == 422
    assert "只接受 PDF、JPEG 或 PNG 文件。" in bad.get_data(as_text=True)
    done = b.post(form, {"file": (io.BytesIO(PDF), "l.pdf")})
    assert done.status_code == 302
    html = b.get(page).get_data(as_text=True)
    assert hashlib.sha256(PDF).hexdigest() in html
    link = f"/orgs/village/donations/handouts/{voucher}/scans/"
    assert link in html
    href = html.split(link)[1].split('"')[0]
    got = b.get(link + href)
    assert got.status_code == 200 and got.data == PDF
