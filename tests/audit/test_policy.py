"""Authorization: every route in the policy table, the role × action ×
{own, other household, other organization} matrix as generated tests, and 404 for what the
caller may not see, identical to "does not exist"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from coopledger.web.policy import POLICY, rule_for
from tests.conftest import Books, count_rows

A, B, C = "/api/v1/orgs/coop", "/api/v1/orgs/village", "/api/v1/orgs/other"
VOUCHER = {
    "date": "2026-03-10",
    "memo": "m",
    "lines": [
        {"account": "102", "debit": "1.00"},
        {"account": "301", "member": "1", "credit": "1.00"},
    ],
}
VILLAGE_VOUCHER = {
    "date": "2026-03-10",
    "memo": "m",
    "lines": [{"account": "102", "debit": "5.00"}, {"account": "501", "credit": "5.00"}],
}

# -- E2: the route inventory ------------------------------------------------------------------


def test_every_route_is_declared_in_the_policy(app: Flask) -> None:
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if rule_for(rule.endpoint, method) is None
    ]
    assert missing == [], "add these to coopledger/web/policy.py: " + "; ".join(missing)


def test_the_policy_names_no_route_that_does_not_exist(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    stale = [key for key in POLICY if key.split(" ")[0] not in endpoints]
    assert stale == []


def test_an_undeclared_route_is_refused(app: Flask, books: Books) -> None:
    app.add_url_rule("/api/v1/orgs/<org>/surprise", "surprise", lambda org: {"ok": True})
    response = books.get("admin", f"{A}/surprise")
    assert response.status_code == 403 and response.json["code"] == "undeclared_route"


# -- E1: the matrix ---------------------------------------------------------------------------
# ACC = acc2 (accountant of coop = org A only); HH = hh1 (member 1 of coop); AUD = aud (coop and
# village = A and B); ANON = no token; plus the reviewer, the cashier and the admin. C = other.

ROLES = ["acc2", "hh1", "aud", "rev", "cash", "admin", "anon"]


def call(books: Books, who: str, method: str, path: str, body: Any = None) -> Any:
    headers = {} if who == "anon" else books.headers(who)
    return books.client.open(path, method=method, json=body, headers=headers)


def posted_a(books: Books) -> int:
    return int(books.posted()["id"])


def reviewed_a(books: Books) -> int:
    """A voucher of A prepared by ``acc`` and reviewed by ``rev``: only posting is left."""
    voucher_id = int(books.voucher()["id"])
    assert books.post("rev", f"{A}/vouchers/{voucher_id}/review").status_code == 200
    return voucher_id


PLAN = {"year": 2026, "reserve_rate": "0.10", "patronage_ratio": "0.60"}
TRANSACTION = {
    "date": "2026-03-10",
    "product": "大蒜",
    "quantity": "10",
    "unit": "kg",
    "amount": "1",
}


def posted_b(books: Books) -> int:
    return int(books.posted(org="village", lines=VILLAGE_VOUCHER["lines"])["id"])


def posted_c(books: Books) -> int:
    v = books.post("other-acc", f"{C}/vouchers", VOUCHER).json
    base = f"{C}/vouchers/{v['id']}"
    return int(v["id"]) if base else 0


Action = Callable[[Books, str], Any]

ACTIONS: dict[str, tuple[Action, dict[str, int]]] = {
    "create voucher in A": (
        lambda b, w: call(b, w, "POST", f"{A}/vouchers", VOUCHER),
        {"acc2": 201, "hh1": 403, "aud": 403, "rev": 403, "cash": 201, "admin": 201, "anon": 401},
    ),
    "create voucher in C": (
        lambda b, w: call(b, w, "POST", f"{C}/vouchers", VOUCHER),
        {"acc2": 404, "hh1": 404, "aud": 404, "rev": 404, "cash": 404, "admin": 201, "anon": 401},
    ),
    "reverse voucher in A": (
        lambda b, w: call(
            b, w, "POST", f"{A}/vouchers/{posted_a(b)}/reverse", {"date": "2026-03-11"}
        ),
        {"acc2": 201, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 201, "anon": 401},
    ),
    "edit a posted voucher (PUT)": (
        lambda b, w: call(b, w, "PUT", f"{A}/vouchers/{posted_a(b)}", VOUCHER),
        {"acc2": 409, "hh1": 403, "aud": 403, "rev": 403, "cash": 409, "admin": 409, "anon": 401},
    ),
    "delete a posted voucher": (
        lambda b, w: call(b, w, "DELETE", f"{A}/vouchers/{posted_a(b)}"),
        {"acc2": 409, "hh1": 403, "aud": 403, "rev": 403, "cash": 409, "admin": 409, "anon": 401},
    ),
    "patch a posted voucher (no route)": (
        lambda b, w: call(b, w, "PATCH", f"{A}/vouchers/{posted_a(b)}", VOUCHER),
        {"acc2": 405, "hh1": 405, "aud": 405, "rev": 405, "cash": 405, "admin": 405, "anon": 401},
    ),
    "close a period in A": (
        lambda b, w: call(b, w, "POST", f"{A}/periods/2026-01/close"),
        {"acc2": 200, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 200, "anon": 401},
    ),
    "reopen a period in A": (
        lambda b, w: (
            b.post("acc", f"{A}/periods/2026-01/close"),
            call(b, w, "POST", f"{A}/periods/2026-01/reopen"),
        )[1],
        {"acc2": 403, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 200, "anon": 401},
    ),
    "list vouchers of A": (
        lambda b, w: call(b, w, "GET", f"{A}/vouchers"),
        {"acc2": 200, "hh1": 403, "aud": 200, "rev": 200, "cash": 200, "admin": 200, "anon": 401},
    ),
    "general ledger of A": (
        lambda b, w: call(b, w, "GET", f"{A}/ledger?account=102"),
        {"acc2": 200, "hh1": 403, "aud": 200, "rev": 200, "cash": 200, "admin": 200, "anon": 401},
    ),
    "read a voucher of C by id": (
        lambda b, w: call(b, w, "GET", f"{C}/vouchers/{posted_c(b)}"),
        {"acc2": 404, "hh1": 404, "aud": 404, "rev": 404, "cash": 404, "admin": 200, "anon": 401},
    ),
    "read a voucher of B by id": (
        lambda b, w: call(b, w, "GET", f"{B}/vouchers/{posted_b(b)}"),
        {"acc2": 404, "hh1": 404, "aud": 200, "rev": 200, "cash": 404, "admin": 200, "anon": 401},
    ),
    "a voucher of B asked through A": (
        lambda b, w: call(b, w, "GET", f"{A}/vouchers/{posted_b(b)}"),
        {"acc2": 404, "hh1": 403, "aud": 404, "rev": 404, "cash": 404, "admin": 404, "anon": 401},
    ),
    "H1's own member account": (
        lambda b, w: call(b, w, "GET", f"{A}/members/1/account?year=2026"),
        {"acc2": 200, "hh1": 200, "aud": 200, "rev": 200, "cash": 200, "admin": 200, "anon": 401},
    ),
    "H2's member account (other household)": (
        lambda b, w: call(b, w, "GET", f"{A}/members/2/account?year=2026"),
        {"acc2": 200, "hh1": 404, "aud": 200, "rev": 200, "cash": 200, "admin": 200, "anon": 401},
    ),
    "H2's member record (other household)": (
        lambda b, w: call(b, w, "GET", f"{A}/members/2"),
        {"acc2": 200, "hh1": 404, "aud": 200, "rev": 200, "cash": 200, "admin": 200, "anon": 401},
    ),
    "a member of C": (
        lambda b, w: call(b, w, "GET", f"{C}/members/1"),
        {"acc2": 404, "hh1": 404, "aud": 404, "rev": 404, "cash": 404, "admin": 200, "anon": 401},
    ),
    "record a share event in A": (
        lambda b, w: call(
            b,
            w,
            "POST",
            f"{A}/shares/events",
            {
                "kind": "contribute",
                "date": "2026-03-10",
                "to_member": "1",
                "amount": "1.00",
                "reason": "x",
            },
        ),
        {"acc2": 201, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 201, "anon": 401},
    ),
    "run depreciation in A": (
        lambda b, w: call(b, w, "POST", f"{A}/depreciation", {"through": "2026-03"}),
        {"acc2": 201, "hh1": 403, "aud": 403, "rev": 403, "cash": 201, "admin": 201, "anon": 401},
    ),
    "read the audit log of A": (
        lambda b, w: call(b, w, "GET", f"{A}/audit/log"),
        {"acc2": 200, "hh1": 403, "aud": 200, "rev": 403, "cash": 403, "admin": 200, "anon": 401},
    ),
    "verify the chain of A": (
        lambda b, w: call(b, w, "GET", f"{A}/audit/chain"),
        {"acc2": 200, "hh1": 403, "aud": 200, "rev": 200, "cash": 200, "admin": 200, "anon": 401},
    ),
    "audit findings of C": (
        lambda b, w: call(b, w, "GET", f"{C}/audit/findings?year=2026"),
        {"acc2": 404, "hh1": 404, "aud": 404, "rev": 404, "cash": 404, "admin": 200, "anon": 401},
    ),
    "review a voucher one prepared": (
        lambda b, w: call(
            b,
            w,
            "POST",
            f"{A}/vouchers/{call(b, w, 'POST', f'{A}/vouchers', VOUCHER).json.get('id', 0)}/review",
        ),
        {"acc2": 403, "hh1": 403, "aud": 403, "rev": 404, "cash": 403, "admin": 403, "anon": 401},
    ),
    "post a reviewed voucher in A": (
        lambda b, w: call(b, w, "POST", f"{A}/vouchers/{reviewed_a(b)}/post"),
        {"acc2": 200, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 200, "anon": 401},
    ),
    "create a distribution plan in A": (
        lambda b, w: call(b, w, "POST", f"{A}/distributions", PLAN),
        {"acc2": 409, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 409, "anon": 401},
    ),
    "record a member transaction in A": (
        lambda b, w: call(b, w, "POST", f"{A}/members/1/transactions", TRANSACTION),
        {"acc2": 201, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 201, "anon": 401},
    ),
    "issue the statement batch of A": (
        lambda b, w: call(b, w, "POST", f"{A}/statements/batches", {"year": 2026}),
        {"acc2": 404, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 404, "anon": 401},
    ),
    "manage users": (
        lambda b, w: call(b, w, "GET", "/api/v1/users"),
        {"acc2": 403, "hh1": 403, "aud": 403, "rev": 403, "cash": 403, "admin": 200, "anon": 401},
    ),
}

CELLS = [(action, role) for action in ACTIONS for role in ROLES]


def _status(response: Any) -> int:
    return int(response.status_code)


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}|{r}" for a, r in CELLS])
def test_matrix(books: Books, connection: Any, action: str, role: str) -> None:
    do, expected = ACTIONS[action]
    want = expected[role]
    if want >= 400:
        # a refusal writes nothing but its own audit event
        response = None
        before = None
        if action not in (
            "post a reviewed voucher in A",
            "reverse voucher in A",
            "edit a posted voucher (PUT)",
            "delete a posted voucher",
        ):
            before = count_rows(connection)
        response = do(books, role)
        if before is not None and action not in (
            "read a voucher of C by id",
            "read a voucher of B by id",
            "a voucher of B asked through A",
            "reopen a period in A",
            "review a voucher one prepared",
            "patch a posted voucher (no route)",
        ):
            assert count_rows(connection) == before
    else:
        response = do(books, role)
    assert _status(response) == want, (action, role, response.json)
    if want == 403 and action == "review a voucher one prepared" and role == "acc2":
        assert response.json["code"] == "segregation_of_duties"


def test_matrix_size() -> None:
    assert len(CELLS) == len(ACTIONS) * len(ROLES) >= 150


# -- E3: 404 looks exactly like "does not exist" ------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"{C}/vouchers/{{vid}}",
        f"{C}/vouchers/{{vid}}.pdf",
        f"{C}/members/1",
        f"{C}/members/1/account?year=2026",
        f"{C}/funds/muni-2026",
        f"{C}/assets/GB-01",
        f"{C}/distributions/1",
        f"{C}/audit/log",
        f"{C}/reports/trial-balance",
    ],
)
def test_another_tenants_object_is_a_plain_404(books: Books, path: str) -> None:
    vid = posted_c(books)
    seen = books.get("acc2", path.format(vid=vid))
    assert seen.status_code == 404
    for elsewhere in (path.format(vid=vid).replace("/other", "/nowhere"),):
        absent = books.get("acc2", elsewhere)
        assert absent.status_code == 404
        assert {**seen.json, "detail": ""} == {**absent.json, "detail": ""}
        assert seen.json["detail"].replace("other", "nowhere") == absent.json["detail"]


@pytest.mark.parametrize("delta", [-1, 0, 1, 1000])
def test_guessed_voucher_ids_of_another_org_are_404(books: Books, delta: int) -> None:
    theirs = posted_b(books)
    response = books.get("acc2", f"{A}/vouchers/{theirs + delta}")
    assert response.status_code == 404 and response.json["code"] == "not_found"
