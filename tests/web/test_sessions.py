"""Web sessions live on the server: the cookie carries a session id, never a bearer token, and
signing out everywhere, disabling the user or changing its password ends them at once."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from coopledger.services import ratelimit
from tests.conftest import PASSWORD
from tests.web.conftest import Browser


def session_of(app: Flask, browser: Browser) -> dict[str, Any]:
    cookie = browser.client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def test_the_cookie_holds_a_session_id_not_a_token(app: Flask, signed_in: Any) -> None:
    b = signed_in("acc")
    data = session_of(app, b)
    assert "token" not in data and len(data["sid"]) >= 40
    as_bearer = app.test_client().get(
        "/api/v1/orgs", headers={"Authorization": f"Bearer {data['sid']}"}
    )
    assert as_bearer.status_code == 401


def test_a_replayed_cookie_opens_nothing_after_sign_out(app: Flask, signed_in: Any) -> None:
    b = signed_in("acc")
    cookie = b.client.get_cookie("session")
    assert cookie is not None and b.client.get("/orgs/coop").status_code == 200
    b.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/orgs/coop").status_code == 302


def test_signing_out_everywhere_ends_the_other_browsers_and_tokens(
    app: Flask, signed_in: Any, world: dict[str, str]
) -> None:
    desk, phone = signed_in("acc"), signed_in("acc")
    page = desk.get("/orgs/coop")
    assert 'id="logout-everywhere"' in page.get_data(as_text=True)
    done = desk.post("/logout/everywhere")
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert phone.client.get("/orgs/coop").status_code == 302
    assert desk.client.get("/orgs/coop").status_code == 302
    api = app.test_client().get("/api/v1/orgs", headers={"Authorization": f"Bearer {world['acc']}"})
    assert api.status_code == 401
    other = app.test_client().get(
        "/api/v1/orgs", headers={"Authorization": f"Bearer {world['rev']}"}
    )
    assert other.status_code == 200


def test_disabling_a_user_ends_its_web_session_at_once(
    app: Flask, signed_in: Any, world: dict[str, str]
) -> None:
    b = signed_in("acc2")
    assert b.client.get("/orgs/coop").status_code == 200
    changed = app.test_client().patch(
        "/api/v1/users/acc2",
        json={"active": False},
        headers={"Authorization": f"Bearer {world['admin']}"},
    )
    assert changed.status_code == 200
    assert b.client.get("/orgs/coop").status_code == 302
    again = Browser(app.test_client()).login("acc2")
    assert again.status_code == 401


def test_a_weak_password_set_by_an_admin_is_refused_and_a_strong_one_signs_others_out(
    app: Flask, signed_in: Any, world: dict[str, str]
) -> None:
    b = signed_in("cash")
    admin = {"Authorization": f"Bearer {world['admin']}"}
    client = app.test_client()
    weak = client.patch("/api/v1/users/cash", json={"password": "cash123456"}, headers=admin)
    assert weak.status_code == 422 and "password" in weak.json["errors"]
    assert b.client.get("/orgs/coop").status_code == 200
    strong = client.patch("/api/v1/users/cash", json={"password": "new till key 7"}, headers=admin)
    assert strong.status_code == 200
    assert b.client.get("/orgs/coop").status_code == 302


def test_the_browser_the_owner_used_before_is_not_locked_out(
    app: Flask, signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "ACCOUNT_LIMIT", 5)
    own = signed_in("rev")
    own.post("/logout")
    for i in range(5):
        stranger = Browser(app.test_client())
        stranger.get("/login")
        response = stranger.client.post(
            "/login",
            data={"csrf_token": stranger.token, "username": "rev", "password": "guess guess 1"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"},
        )
        assert response.status_code == 401
    assert Browser(app.test_client()).login("rev").status_code == 429
    assert own.login("rev", PASSWORD).status_code == 302


def test_the_admin_users_page_refuses_weak_passwords_and_names_taken_in_any_case(
    signed_in: Any,
) -> None:
    admin = signed_in("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and 'id="user-acc2"' in page.get_data(as_text=True)
    new = {"action": "create", "role": "auditor", "orgs": "coop", "username": "zhao-aud"}
    weak = admin.post("/admin/users", {**new, "password": "abcdefghijkl"})
    assert weak.status_code == 422
    assert "密码须混合字母与数字或其他字符" in weak.get_data(as_text=True)
    taken = admin.post("/admin/users", {**new, "username": "ACC2", "password": "audit pass 12"})
    assert taken.status_code == 409 and "用户名已被使用" in taken.get_data(as_text=True)
    made = admin.post("/admin/users", {**new, "password": "audit pass 12"})
    assert made.status_code == 200 and 'id="user-zhao-aud"' in made.get_data(as_text=True)
    reset = admin.post(
        "/admin/users",
        {
            "action": "password",
            "username": "zhao-aud",
            "password": "zhao-aud-1",
            "confirmed": "yes",
        },
    )
    assert reset.status_code == 422 and "密码不能包含用户名" in reset.get_data(as_text=True)
    assert signed_in("acc").get("/admin/users").status_code == 403


def test_disabling_on_the_admin_page_signs_the_user_out(signed_in: Any) -> None:
    admin, clerk = signed_in("admin"), signed_in("acc2")
    assert 'id="nav-users"' in admin.get("/orgs").get_data(as_text=True)
    done = admin.post("/admin/users", {"action": "disable", "username": "acc2", "confirmed": "yes"})
    assert done.status_code == 200 and "已停用" in done.get_data(as_text=True)
    assert clerk.client.get("/orgs/coop").status_code == 302
    self_off = admin.post(
        "/admin/users", {"action": "disable", "username": "admin", "confirmed": "yes"}
    )
    assert self_off.status_code == 409
    assert admin.post("/admin/users", {"action": "enable", "username": "acc2"}).status_code == 200
