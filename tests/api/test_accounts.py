"""Accounts an administrator can revoke, a login throttle nobody can turn against the owner,
usernames unique in any case, strong enough passwords, idempotency keys per user, and refused
requests that cannot flood the audit chain."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from coopledger.services import ratelimit
from tests.conftest import PASSWORD, Books

TOKENS = "/api/v1/auth/tokens"
USERS = "/api/v1/users"


def login(client: Any, user: str, password: str, addr: str = "10.0.0.1") -> Any:
    return client.post(
        TOKENS, json={"username": user, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- the lockout nobody can abuse ---------------------------------------------------------------


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(
    books: Books,
) -> None:
    for _ in range(12):
        assert login(books.client, "acc2", "guessing away 1").status_code in (401, 429)
    assert login(books.client, "acc2", PASSWORD, addr="10.0.0.1").status_code == 429
    owner = login(books.client, "acc2", PASSWORD, addr="192.0.2.50")
    assert owner.status_code == 201, owner.json


def test_a_locked_known_and_an_unknown_user_get_the_same_answer(books: Books) -> None:
    for name in ("acc2", "nobody-here"):
        for _ in range(10):
            assert login(books.client, name, "guessing away 1").status_code == 401
    known = login(books.client, "acc2", "guessing away 1")
    unknown = login(books.client, "nobody-here", "guessing away 1")
    assert known.status_code == unknown.status_code == 429
    assert known.json == unknown.json
    assert known.headers["Retry-After"] and unknown.headers["Retry-After"]
    # from another address neither is locked: the lockout tells nobody which names exist
    known = login(books.client, "acc2", "guessing away 1", addr="10.0.0.2")
    unknown = login(books.client, "nobody-here", "guessing away 1", addr="10.0.0.2")
    assert known.status_code == unknown.status_code == 401 and known.json == unknown.json


def test_one_address_guessing_many_names_is_throttled(books: Books) -> None:
    statuses = [login(books.client, f"name-{i}", "guessing away 1").status_code for i in range(31)]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429
    # the per-address counter stops this address only
    assert login(books.client, "acc2", PASSWORD, addr="10.0.0.2").status_code == 201


def test_failures_spread_over_many_addresses_spare_a_device_the_owner_used_before(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "ACCOUNT_LIMIT", 12)
    owner = books.client.application.test_client()  # the owner's own cookie jar
    assert login(owner, "acc2", PASSWORD, addr="192.0.2.9").status_code == 201
    assert owner.get_cookie("coopledger_device") is not None  # the signed device cookie
    for i in range(12):
        assert login(books.client, "acc2", "guessing away 1", addr=f"198.51.100.{i}").status_code
    # a device the account has never signed in from is refused for now ...
    stranger = books.client.application.test_client()
    assert login(stranger, "acc2", PASSWORD, addr="203.0.113.1").status_code == 429
    # ... the owner's own device is not, wherever it is
    assert login(owner, "acc2", PASSWORD, addr="203.0.113.2").status_code == 201


def test_a_forged_device_cookie_does_not_help(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "ACCOUNT_LIMIT", 3)
    for i in range(3):
        login(books.client, "acc2", "guessing away 1", addr=f"198.51.100.{i}")
    forger = books.client.application.test_client()
    forger.set_cookie("coopledger_device", '["acc2"]')
    assert login(forger, "acc2", PASSWORD, addr="203.0.113.3").status_code == 429


def test_an_unknown_user_costs_a_password_verification(books: Books) -> None:
    hasher = books.client.application.extensions["coopledger"].hasher
    calls: list[str] = []
    original = hasher.verify

    def counting(stored: str, password: str) -> bool:
        calls.append(stored)
        return bool(original(stored, password))

    hasher.verify = counting
    try:
        login(books.client, "nobody-at-all", "guessing away 1")
        login(books.client, "acc2", "guessing away 1")
    finally:
        del hasher.verify
    assert len(calls) == 2


# -- revoking tokens, disabling users -----------------------------------------------------------


def test_a_client_revokes_its_own_token(books: Books) -> None:
    token = login(books.client, "acc2", PASSWORD).json["token"]
    assert books.client.get("/api/v1/orgs", headers=bearer(token)).status_code == 200
    gone = books.client.delete(f"{TOKENS}/current", headers=bearer(token))
    assert gone.status_code == 204
    again = books.client.get("/api/v1/orgs", headers=bearer(token))
    assert again.status_code == 401
    assert books.get("acc2", "/api/v1/orgs").status_code == 200  # its other token still works


def test_signing_out_everywhere_ends_every_token_of_the_caller(books: Books) -> None:
    first = login(books.client, "acc2", PASSWORD).json["token"]
    second = login(books.client, "acc2", PASSWORD).json["token"]
    assert books.client.delete(TOKENS, headers=bearer(first)).status_code == 204
    for token in (first, second, books.tokens["acc2"]):
        assert books.client.get("/api/v1/orgs", headers=bearer(token)).status_code == 401
    assert books.get("acc", "/api/v1/orgs").status_code == 200  # nobody else's
    assert books.client.delete(TOKENS).status_code == 401  # signing out needs a token


def test_an_admin_lists_a_users_tokens_without_secrets_and_revokes_one(books: Books) -> None:
    token = login(books.client, "acc2", PASSWORD).json["token"]
    books.client.get("/api/v1/orgs", headers=bearer(token))
    listed = books.get("admin", f"{USERS}/acc2/tokens")
    assert listed.status_code == 200
    items = listed.json["items"]
    assert len(items) == 2 and set(items[0]) == {"id", "created_at", "expires_at", "last_used_at"}
    assert token not in listed.get_data(as_text=True)
    assert items[-1]["last_used_at"] is not None
    assert books.get("acc", f"{USERS}/acc2/tokens").status_code == 403
    assert books.delete("acc", f"{TOKENS}/{items[-1]['id']}").status_code == 403
    assert books.delete("admin", f"{TOKENS}/{items[-1]['id']}").status_code == 204
    assert books.client.get("/api/v1/orgs", headers=bearer(token)).status_code == 401
    assert books.delete("admin", f"{TOKENS}/{items[-1]['id']}").status_code == 404
    assert books.get("admin", f"{USERS}/nobody/tokens").status_code == 404


def test_disabling_a_user_kills_its_tokens_and_its_logins(books: Books) -> None:
    spare = login(books.client, "acc2", PASSWORD).json["token"]
    changed = books.client.patch(
        f"{USERS}/acc2", json={"active": False}, headers=books.headers("admin")
    )
    assert changed.status_code == 200 and changed.json["active"] is False
    for token in (spare, books.tokens["acc2"]):
        assert books.client.get("/api/v1/orgs", headers=bearer(token)).status_code == 401
    refused = login(books.client, "acc2", PASSWORD)
    wrong = login(books.client, "acc2", "not the password 1")
    assert refused.status_code == wrong.status_code == 401 and refused.json == wrong.json
    listed = {u["username"]: u for u in books.get("admin", USERS).json["items"]}
    assert listed["acc2"]["active"] is False
    back = books.client.patch(
        f"{USERS}/acc2", json={"active": True}, headers=books.headers("admin")
    )
    assert back.status_code == 200 and "active" not in back.json
    assert login(books.client, "acc2", PASSWORD).status_code == 201


def test_only_an_admin_changes_users_and_not_itself_out_of_office(books: Books) -> None:
    patch = {"active": False}
    assert (
        books.client.patch(f"{USERS}/acc2", json=patch, headers=books.headers("acc")).status_code
        == 403
    )
    self_off = books.client.patch(f"{USERS}/admin", json=patch, headers=books.headers("admin"))
    assert self_off.status_code == 409
    missing = books.client.patch(f"{USERS}/nobody", json=patch, headers=books.headers("admin"))
    assert missing.status_code == 404


def test_an_admin_changes_role_and_organizations(books: Books) -> None:
    changed = books.client.patch(
        f"{USERS}/acc2",
        json={"role": "reviewer", "orgs": ["coop", "village"]},
        headers=books.headers("admin"),
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["role"] == "reviewer" and changed.json["orgs"] == ["coop", "village"]
    # at once: a reviewer prepares no voucher, and now sees the village
    body = {"date": "2026-03-10", "memo": "x", "attachments": 0, "lines": []}
    assert books.post("acc2", "/api/v1/orgs/coop/vouchers", body).status_code == 403
    assert books.get("acc2", "/api/v1/orgs/village").status_code == 200
    bad = books.client.patch(
        f"{USERS}/acc2", json={"orgs": ["nowhere"]}, headers=books.headers("admin")
    )
    assert bad.status_code == 422 and "orgs" in bad.json["errors"]


def test_a_new_password_ends_the_users_other_sessions(books: Books) -> None:
    new = "a fresh passphrase 2"
    changed = books.client.patch(
        f"{USERS}/acc2", json={"password": new}, headers=books.headers("admin")
    )
    assert changed.status_code == 200
    assert books.get("acc2", "/api/v1/orgs").status_code == 401
    assert login(books.client, "acc2", PASSWORD).status_code == 401
    assert login(books.client, "acc2", new).status_code == 201
    # an admin changing its own password keeps the token it asked with, and only that one
    other = login(books.client, "admin", PASSWORD).json["token"]
    mine = books.client.patch(
        f"{USERS}/admin", json={"password": new}, headers=books.headers("admin")
    )
    assert mine.status_code == 200
    assert books.get("admin", "/api/v1/orgs").status_code == 200
    assert books.client.get("/api/v1/orgs", headers=bearer(other)).status_code == 401


# -- usernames and passwords --------------------------------------------------------------------


def new_user(books: Books, username: str, password: str = "a long passphrase 9") -> Any:
    body = {"username": username, "password": password, "role": "auditor", "orgs": ["coop"]}
    return books.post("admin", USERS, body)


def test_usernames_are_unique_in_any_letter_case(books: Books) -> None:
    assert new_user(books, "Admin").status_code == 409
    assert new_user(books, "ACC2").status_code == 409
    assert new_user(books, "Zhang.Wei").status_code == 201
    assert new_user(books, "zhang.wei").status_code == 409
    assert login(books.client, "ZHANG.WEI", "a long passphrase 9").status_code == 201


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short 1", "at least 10 characters"),
        ("abcdefghijkl", "mix letters with digits or other characters"),
        ("123456789012", "mix letters with digits or other characters"),
        ("newclerk-2026", "must not contain the username"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field(
    books: Books, password: str, reason: str
) -> None:
    refused = new_user(books, "newclerk", password)
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert reason in refused.json["errors"]["password"]
    patched = books.client.patch(
        f"{USERS}/acc2",
        json={"password": password.replace("newclerk", "ACC2")},
        headers=books.headers("admin"),
    )
    assert patched.status_code == 422 and "password" in patched.json["errors"]


# -- idempotency keys per user ------------------------------------------------------------------


def test_two_users_with_the_same_idempotency_key_get_their_own_vouchers(books: Books) -> None:
    url = "/api/v1/orgs/coop/vouchers"

    def body(memo: str) -> dict[str, Any]:
        return {
            "date": "2026-03-10",
            "memo": memo,
            "attachments": 1,
            "lines": [
                {"account": "102", "debit": "10.00"},
                {"account": "301", "member": "1", "credit": "10.00"},
            ],
        }

    key = {"Idempotency-Key": "batch-2026-03-10"}
    first = books.post("acc", url, body("acc's"), headers=key)
    second = books.post("acc2", url, body("acc2's"), headers=key)
    assert first.status_code == second.status_code == 201, second.json
    assert first.json["id"] != second.json["id"]
    assert second.json["memo"] == "acc2's" and "Idempotent-Replayed" not in second.headers
    again = books.post("acc2", url, body("acc2's"), headers=key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == second.json


# -- refusals do not flood the audit chain ------------------------------------------------------


def test_hammering_refused_requests_grows_the_chain_by_one_event_a_minute(
    books: Books, connection: Connection
) -> None:
    def denied_events() -> int:
        return int(
            connection.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'authz.denied'")
            ).scalar_one()
        )

    before = denied_events()
    for i in range(40):
        assert books.get("other-acc", f"/api/v1/orgs/coop/vouchers/{i + 1}").status_code == 404
        assert books.post("cash", "/api/v1/orgs/coop/periods/2026-03/close").status_code == 403
    added = denied_events() - before
    assert 2 <= added <= 4  # one per user and refusal; the minute may turn once meanwhile
    tallied = connection.execute(text("SELECT sum(count) FROM denial_tally")).scalar_one()
    assert tallied >= 80
