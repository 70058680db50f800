"""Who may do what: scope first (404), then role (403), then 401."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, Books, count_rows

VOUCHER = {
    "date": "2026-03-10",
    "memo": "m",
    "lines": [
        {"account": "102", "debit": "1.00"},
        {"account": "301", "member": "1", "credit": "1.00"},
    ],
}


def test_no_token_is_401_everywhere(books: Books) -> None:
    for path in ("/api/v1/orgs", "/api/v1/orgs/coop/vouchers", "/api/v1/users"):
        response = books.client.get(path)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    response = books.client.get("/api/v1/orgs", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.json["code"] == "invalid_token"


def test_tokens_need_the_right_password_and_say_the_same_for_unknown_users(books: Books) -> None:
    wrong = books.client.post(
        "/api/v1/auth/tokens", json={"username": "acc", "password": "nope-nope-nope"}
    )
    unknown = books.client.post(
        "/api/v1/auth/tokens", json={"username": "ghost", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_repeated_failures_lock_the_account(books: Books) -> None:
    for _ in range(10):
        books.client.post(
            "/api/v1/auth/tokens", json={"username": "acc2", "password": "wrong-password"}
        )
    locked = books.client.post(
        "/api/v1/auth/tokens", json={"username": "acc2", "password": PASSWORD}
    )
    assert locked.status_code == 429 and locked.headers["Retry-After"]


def test_an_organization_not_assigned_looks_absent(books: Books, connection: Any) -> None:
    v = books.posted()
    before = count_rows(connection)
    for path in (
        "/api/v1/orgs/coop",
        f"/api/v1/orgs/coop/vouchers/{v['id']}",
        "/api/v1/orgs/coop/vouchers",
        "/api/v1/orgs/coop/reports/trial-balance",
        "/api/v1/orgs/coop/members/1",
    ):
        response = books.get("other-acc", path)
        assert response.status_code == 404, path
        absent = books.get("other-acc", path.replace("coop", "nowhere")).json
        assert {
            **response.json,
            "detail": response.json["detail"].replace("coop", "nowhere"),
        } == absent
    assert books.post("other-acc", "/api/v1/orgs/coop/vouchers", VOUCHER).status_code == 404
    assert (
        books.post(
            "other-acc", f"/api/v1/orgs/coop/vouchers/{v['id']}/reverse", {"date": "2026-03-11"}
        ).status_code
        == 404
    )
    assert count_rows(connection) == before


def test_a_voucher_id_of_another_organization_is_404(books: Books) -> None:
    mine = books.posted(
        org="village",
        lines=[{"account": "102", "debit": "5.00"}, {"account": "501", "credit": "5.00"}],
    )
    assert books.get("acc2", f"/api/v1/orgs/coop/vouchers/{mine['id']}").status_code == 404
    assert books.get("acc", f"/api/v1/orgs/coop/vouchers/{mine['id']}").status_code == 404
    assert books.get("acc", f"/api/v1/orgs/village/vouchers/{mine['id']}").status_code == 200


def test_the_auditor_reads_and_never_writes(books: Books, connection: Any) -> None:
    v = books.posted()
    assert books.get("aud", f"/api/v1/orgs/coop/vouchers/{v['id']}").status_code == 200
    assert books.get("aud", "/api/v1/orgs/coop/ledger?account=102").status_code == 200
    assert books.get("aud", "/api/v1/orgs/coop/audit/chain").json["ok"] is True
    before = count_rows(connection)
    attempts = [
        books.post("aud", "/api/v1/orgs/coop/vouchers", VOUCHER),
        books.post("aud", f"/api/v1/orgs/coop/vouchers/{v['id']}/reverse", {"date": "2026-03-11"}),
        books.post("aud", "/api/v1/orgs/coop/periods/2026-03/close"),
        books.post("aud", "/api/v1/orgs/coop/members", {"member_no": "9", "name": "x"}),
        books.post(
            "aud", "/api/v1/orgs/coop/accounts", {"code": "10201", "name": "x", "parent": "102"}
        ),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert count_rows(connection) == before


def test_a_household_sees_its_own_record_only(books: Books) -> None:
    own = books.get("hh1", "/api/v1/orgs/coop/members/1")
    assert own.status_code == 200 and own.json["name"] == "王秀英"
    assert books.get("hh1", "/api/v1/orgs/coop/members/2").status_code == 404
    assert books.get("hh1", "/api/v1/orgs/village/members/1").status_code == 404
    assert books.get("hh1", "/api/v1/orgs/coop/vouchers").status_code == 403
    assert books.post("hh1", "/api/v1/orgs/coop/vouchers", VOUCHER).status_code == 403


def test_only_an_admin_reopens_a_period(books: Books) -> None:
    books.posted(date="2026-01-15")
    assert books.post("acc", "/api/v1/orgs/coop/periods/2026-01/close").status_code == 200
    assert books.post("acc", "/api/v1/orgs/coop/periods/2026-01/reopen").status_code == 403
    reopened = books.post("admin", "/api/v1/orgs/coop/periods/2026-01/reopen")
    assert reopened.status_code == 200 and reopened.json["status"] == "open"


def test_only_an_admin_manages_users_and_organizations(books: Books) -> None:
    new_user = {
        "username": "newbie",
        "password": "long enough pw",
        "role": "reviewer",
        "orgs": ["coop"],
    }
    assert books.post("acc", "/api/v1/users", new_user).status_code == 403
    assert books.get("acc", "/api/v1/users").status_code == 403
    created = books.post("admin", "/api/v1/users", new_user)
    assert created.status_code == 201 and created.json == {
        "username": "newbie",
        "role": "reviewer",
        "orgs": ["coop"],
        "member": None,
    }
    listed = {u["username"]: u for u in books.get("admin", "/api/v1/users").json["items"]}
    assert listed["hh1"]["member"] == "coop/1" and listed["acc"]["orgs"] == ["coop", "village"]
    assert books.post("admin", "/api/v1/users", new_user).status_code == 409
    org = {"code": "tourism", "name": "乡村旅游合作社", "kind": "cooperative"}
    assert books.post("acc", "/api/v1/orgs", org).status_code == 403
    made = books.post("admin", "/api/v1/orgs", org)
    assert made.status_code == 201 and made.json["chart"] == "cooperative-2021"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"username": "x", "password": "long enough pw", "role": "reviewer", "orgs": ["coop"]},
            "username",
        ),
        (
            {"username": "shorty", "password": "short", "role": "reviewer", "orgs": ["coop"]},
            "password",
        ),
        (
            {"username": "someone", "password": "long enough pw", "role": "king", "orgs": ["coop"]},
            "role",
        ),
        (
            {
                "username": "someone",
                "password": "long enough pw",
                "role": "reviewer",
                "orgs": ["nowhere"],
            },
            "orgs",
        ),
        (
            {
                "username": "someone",
                "password": "long enough pw",
                "role": "household",
                "member": "coop/99",
            },
            "member",
        ),
    ],
)
def test_bad_users_are_refused_naming_the_field(
    books: Books, payload: dict[str, Any], field: str
) -> None:
    response = books.post("admin", "/api/v1/users", payload)
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_the_users_orgs_list_only_what_they_see(books: Books) -> None:
    codes = [o["code"] for o in books.get("acc", "/api/v1/orgs").json["items"]]
    assert codes == ["coop", "village"]
    assert [o["code"] for o in books.get("admin", "/api/v1/orgs").json["items"]] == [
        "coop",
        "other",
        "village",
    ]


def test_every_route_needs_a_token_except_the_public_ones(app: Any) -> None:
    client = app.test_client()
    public = {"/api/v1/auth/tokens", "/api/v1/openapi.json", "/", "/static/<path:filename>"}
    for rule in app.url_map.iter_rules():
        if rule.rule in public or not rule.rule.startswith("/api/"):
            continue
        path = (
            rule.rule.replace("<org>", "coop")
            .replace("<int:voucher_id>", "1")
            .replace("<int:year>", "2026")
        )
        path = (
            path.replace("<period>", "2026-01").replace("<member_no>", "1").replace("<code>", "x")
        )
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method)
            assert response.status_code == 401, (method, path)
