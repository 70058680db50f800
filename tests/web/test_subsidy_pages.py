"""补贴测算 on the pages: the policies listed, a preview, a claim generated after confirming,
received and paid by its buttons, printed and exported; an auditor sees but may not act."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tests.conftest import Books

PAGE = "/orgs/coop/subsidies"
COUNTY = """\
name = "县级一季度加工补贴"
recipient = "household"
statuses = ["exited"]
base = "lines"
accounts = ["114"]
account_names = ["加工"]
rate = "8%"
cap_household = "10000.00"
from = 2026-01-01
to = 2026-01-31
"""


def test_a_claim_is_previewed_confirmed_received_and_paid(
    books: Books, app: Flask, signed_in: Any
) -> None:
    folder = Path(app.instance_path) / "policies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "county-jan.toml").write_text(COUNTY, "utf-8")
    for code, name in (("11401", "加工费"), ("11402", "补贴款")):
        made = books.post(
            "acc", "/api/v1/orgs/coop/accounts", {"code": code, "name": name, "parent": "114"}
        )
        assert made.status_code == 201
    books.posted(
        date="2026-01-10",
        memo="加工费",
        lines=[
            {"account": "401", "debit": "25000.00"},
            {"account": "11401", "member": "1", "credit": "25000.00"},
        ],
    )
    assert books.post("acc", "/api/v1/orgs/coop/periods/2026-01/close").status_code == 200
    b = signed_in("acc")
    html = b.get(f"{PAGE}?policy=county-jan&year=2026").get_data(as_text=True)
    assert "低收入农户加工收入补贴" in html and "县级一季度加工补贴" in html
    assert "符合条件 1 户，合计 2,000.00 元" in html
    asked = b.post(PAGE, {"form": "claim", "policy": "county-jan", "year": "2026"})
    assert asked.status_code == 200 and "请确认" in asked.get_data(as_text=True)
    done = b.post(PAGE, {"form": "claim", "policy": "county-jan", "year": "2026", "confirmed": "1"})
    assert done.status_code == 302, done.get_data(as_text=True)
    claim = books.get("aud", "/api/v1/orgs/coop/subsidies/claims").json["items"][0]
    for action in ("submit", "receive", "pay"):
        body = {"form": action, "claim": str(claim["id"]), "date": "2026-02-05", "confirmed": "1"}
        acted = b.post(PAGE, body)
        assert acted.status_code == 302, acted.get_data(as_text=True)
    html = b.get(PAGE).get_data(as_text=True)
    assert "已支付 2,000.00 元" in html and "pay-" not in html
    pdf = b.get(f"{PAGE}/claims/{claim['id']}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = b.get(f"{PAGE}/claims/{claim['id']}.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    auditor = signed_in("aud")
    assert "submit-" not in auditor.get(PAGE).get_data(as_text=True)
    refused = auditor.post(PAGE, {"form": "submit", "claim": str(claim["id"])})
    assert refused.status_code == 403
