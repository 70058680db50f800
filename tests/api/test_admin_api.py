"""The administrator's API beyond creating: lifting a login lock, and an organization's settings
(name, 会计主管, single accountant) — each for an admin only."""

from __future__ import annotations

from coopledger.services import ratelimit
from coopledger.services.clock import utcnow
from tests.conftest import Books


def _lock(books: Books, username: str) -> None:
    now = utcnow()
    with books.uow() as unit:
        for _ in range(ratelimit.ACCOUNT_LIMIT):
            unit.audit.add_failure(ratelimit.account_subject(username), now)
        unit.commit()


def test_an_admin_unlocks_a_locked_account(books: Books) -> None:
    _lock(books, "acc2")
    listed = books.get("admin", "/api/v1/users").json["items"]
    assert next(u for u in listed if u["username"] == "acc2").get("locked") is True
    assert books.post("acc", "/api/v1/users/acc2/unlock").status_code == 403
    unlocked = books.post("admin", "/api/v1/users/acc2/unlock")
    assert unlocked.status_code == 200 and "locked" not in unlocked.json
    assert books.post("admin", "/api/v1/users/nobody/unlock").status_code == 404
    signed = books.client.post(
        "/api/v1/auth/tokens", json={"username": "acc2", "password": "correct horse battery"}
    )
    assert signed.status_code == 201  # from a device it never used, at once


def test_an_admin_renames_an_organization_and_allows_a_single_accountant(books: Books) -> None:
    patch = books.client.patch
    assert (
        patch(
            "/api/v1/orgs/coop", json={"chief_accountant": "王主管"}, headers=books.headers("admin")
        ).status_code
        == 200
    )
    changed = patch(
        "/api/v1/orgs/coop",
        json={"name": "绿源合作社", "allow_single_accountant": True},
        headers=books.headers("admin"),
    )
    assert changed.status_code == 200
    assert changed.json["name"] == "绿源合作社" and changed.json["allow_single_accountant"] is True
    assert changed.json["chief_accountant"] == "王主管"  # left out: unchanged
    assert (
        patch("/api/v1/orgs/coop", json={"name": ""}, headers=books.headers("admin")).status_code
        == 422
    )
    assert (
        patch("/api/v1/orgs/coop", json={"name": "x"}, headers=books.headers("acc")).status_code
        == 403
    )
    assert (
        patch("/api/v1/orgs/nope", json={"name": "x"}, headers=books.headers("admin")).status_code
        == 404
    )
    # the preparer may now review its own voucher in coop
    voucher = books.voucher()
    reviewed = books.post("acc", f"/api/v1/orgs/coop/vouchers/{voucher['id']}/review")
    assert reviewed.status_code == 200, reviewed.json
