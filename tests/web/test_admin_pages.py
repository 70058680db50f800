"""The administrator's pages: users (/admin/users), organizations (/admin/orgs) and the audit log
(/admin/audit) — every action, its refusal for other roles, and bad input shown at its field."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from coopledger.services import orgs, ratelimit
from coopledger.services.auth import actor_named
from coopledger.services.clock import utcnow
from tests.conftest import PASSWORD
from tests.web.conftest import Browser

NEW_USER = {
    "action": "create",
    "username": "wang-kj",
    "full_name": "王会计",
    "role": "accountant",
    "orgs": ["coop", "village"],
    "password": "wang pass 123",
}


def _row(page: Any, username: str) -> str:
    html: str = page.get_data(as_text=True)
    start = html.index(f'id="user-{username}"')
    return html[start : html.index("</tr>", start)]


def test_the_admin_creates_a_user_with_role_orgs_and_full_name_who_then_signs_in(
    signed_in: Any, app: Flask
) -> None:
    admin = signed_in("admin")
    made = admin.post("/admin/users", NEW_USER)
    assert made.status_code == 200
    assert "已创建用户 wang-kj" in made.get_data(as_text=True)
    row = _row(made, "wang-kj")
    assert "王会计" in row and "coop, village" in row and 'class="user-role">会计<' in row
    clerk = Browser(app.test_client())
    assert clerk.login("wang-kj", "wang pass 123").headers["Location"].endswith("/orgs")


def test_a_county_officer_is_created_with_a_region_and_lands_on_its_report(
    signed_in: Any, app: Flask
) -> None:
    admin = signed_in("admin")
    made = admin.post(
        "/admin/users",
        {
            "action": "create",
            "username": "shanghe",
            "role": "auditor",
            "regions": "济南市/商河县",
            "password": "county pass 1",
        },
    )
    assert made.status_code == 200
    assert "济南市/商河县" in _row(made, "shanghe")
    officer = Browser(app.test_client())
    assert officer.login("shanghe", "county pass 1").headers["Location"].endswith("/regions")


def test_the_admin_moves_a_county_officer_to_another_county(signed_in: Any) -> None:
    admin = signed_in("admin")
    body = {"username": "shanghe", "role": "auditor", "password": "county pass 1"}
    admin.post("/admin/users", {"action": "create", "regions": "济南市/商河县", **body})
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "济南市/商河县</textarea>" in page  # the row's form shows the regions it has
    moved = admin.post(
        "/admin/users",
        {
            "action": "role",
            "username": "shanghe",
            "role": "auditor",
            "orgs": "",
            "regions": "济南市/平阴县",
            "confirmed": "yes",
        },
    )
    assert moved.status_code == 200
    row = _row(moved, "shanghe")
    assert "辖区：济南市/平阴县</small>" in row and "辖区：济南市/商河县" not in row
    bad = admin.post(
        "/admin/users",
        {
            "action": "role",
            "username": "shanghe",
            "role": "auditor",
            "orgs": "",
            "regions": "济南市/无此县",
            "confirmed": "yes",
        },
    )
    assert bad.status_code == 422 and "济南市/无此县" in _row(bad, "shanghe")
    assert "辖区：济南市/平阴县</small>" in _row(bad, "shanghe")  # nothing changed


def test_bad_input_is_shown_at_its_field_and_the_form_keeps_what_was_typed(
    signed_in: Any,
) -> None:
    admin = signed_in("admin")
    bad = admin.post(
        "/admin/users",
        {**NEW_USER, "username": "x", "regions": "济南市/没有县", "password": "short"},
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="error-username"' in html and "3 至 80 个字母" in html
    assert 'id="error-password"' in html and "密码至少 10 个字符" in html
    assert 'value="王会计"' in html and 'value="x"' in html  # what was typed stays
    assert 'value="village" checked' in html
    unknown = admin.post("/admin/users", {**NEW_USER, "regions": "济南市/没有县"})
    assert unknown.status_code == 422
    assert 'id="error-regions"' in unknown.get_data(as_text=True)
    assert "没有辖区 济南市/没有县" in unknown.get_data(as_text=True)
    nowhere = admin.post("/admin/users", {**NEW_USER, "orgs": []})
    assert nowhere.status_code == 422 and "请至少选择一个单位" in nowhere.get_data(as_text=True)
    assert 'id="user-wang-kj"' not in nowhere.get_data(as_text=True)


def test_disabling_asks_first_and_only_the_confirmation_disables(
    signed_in: Any, app: Flask
) -> None:
    admin = signed_in("admin")
    asked = admin.post("/admin/users", {"action": "disable", "username": "acc2"})
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert 'id="confirm-box"' in html and "停用用户 acc2？" in html
    assert "已停用" not in _row(asked, "acc2")
    assert Browser(app.test_client()).login("acc2").status_code == 302  # still signs in
    done = admin.post("/admin/users", {"action": "disable", "username": "acc2", "confirmed": "yes"})
    assert "已停用" in _row(done, "acc2")
    assert Browser(app.test_client()).login("acc2").status_code == 401
    enabled = admin.post("/admin/users", {"action": "enable", "username": "acc2"})
    assert "已启用用户 acc2" in enabled.get_data(as_text=True)
    assert Browser(app.test_client()).login("acc2").status_code == 302


def test_changing_a_role_asks_first_then_changes_role_and_orgs(signed_in: Any, app: Flask) -> None:
    admin = signed_in("admin")
    change = {"action": "role", "username": "acc2", "role": "reviewer", "orgs": "village"}
    asked = admin.post("/admin/users", change)
    assert 'id="confirm-box"' in asked.get_data(as_text=True)
    assert 'name="orgs" value="village"' in asked.get_data(as_text=True)  # carried to the yes
    assert 'class="user-role">会计<' in _row(asked, "acc2")
    done = admin.post("/admin/users", {**change, "confirmed": "yes"})
    assert done.status_code == 200
    row = _row(done, "acc2")
    assert 'class="user-role">审核<' in row and "village" in row
    reviewer = Browser(app.test_client())
    reviewer.login("acc2")
    assert reviewer.get("/orgs/coop").status_code == 404  # coop is no longer its
    assert reviewer.get("/orgs/village").status_code == 200


def test_a_bad_role_change_is_shown_in_the_users_row(signed_in: Any) -> None:
    admin = signed_in("admin")
    bad = admin.post(
        "/admin/users",
        {
            "action": "role",
            "username": "acc2",
            "role": "reviewer",
            "orgs": "nope",
            "confirmed": "yes",
        },
    )
    assert bad.status_code == 422
    row = _row(bad, "acc2")
    assert 'id="row-errors"' in row and "没有单位 nope" in row
    assert 'value="nope"' in row and "<details open>" in row
    self_demoted = admin.post(
        "/admin/users",
        {
            "action": "role",
            "username": "admin",
            "role": "auditor",
            "orgs": "coop",
            "confirmed": "yes",
        },
    )
    assert self_demoted.status_code == 409
    assert "管理员不能停用自己" in _row(self_demoted, "admin")


def test_resetting_a_password_asks_first_and_the_new_one_signs_in(
    signed_in: Any, app: Flask
) -> None:
    admin = signed_in("admin")
    reset = {"action": "password", "username": "acc2", "password": "new secret 42"}
    asked = admin.post("/admin/users", reset)
    assert "重设用户 acc2 的密码？" in asked.get_data(as_text=True)
    assert Browser(app.test_client()).login("acc2", "new secret 42").status_code == 401
    weak = admin.post("/admin/users", {**reset, "password": "abc", "confirmed": "yes"})
    assert weak.status_code == 422 and "密码至少 10 个字符" in _row(weak, "acc2")
    done = admin.post("/admin/users", {**reset, "confirmed": "yes"})
    assert "已重设用户 acc2 的密码" in done.get_data(as_text=True)
    assert Browser(app.test_client()).login("acc2", "new secret 42").status_code == 302
    assert Browser(app.test_client()).login("acc2", PASSWORD).status_code == 401


def test_the_admin_unlocks_an_account_locked_by_failed_logins(signed_in: Any, uow: Any) -> None:
    now = utcnow()
    with uow() as unit:
        for _ in range(ratelimit.ACCOUNT_LIMIT):
            unit.audit.add_failure(ratelimit.account_subject("acc2"), now)
        unit.commit()
    admin = signed_in("admin")
    row = _row(admin.get("/admin/users"), "acc2")
    assert "已锁定" in row and 'id="unlock-acc2"' in row
    done = admin.post("/admin/users", {"action": "unlock", "username": "acc2"})
    assert "已解除用户 acc2 的锁定" in done.get_data(as_text=True)
    assert "已锁定" not in _row(done, "acc2")
    users_log = admin.get("/admin/audit?org=-&action=user.*").get_data(as_text=True)
    assert "user.unlock" in users_log and "acc2" in users_log
    assert "user.unlock" not in admin.get("/admin/audit?org=coop").get_data(as_text=True)


@pytest.mark.parametrize("user", ["acc", "aud", "rev", "hh1"])
@pytest.mark.parametrize("path", ["/admin/users", "/admin/orgs", "/admin/audit?org=coop"])
def test_only_an_admin_opens_the_admin_pages(signed_in: Any, user: str, path: str) -> None:
    browser = signed_in(user)
    assert browser.get(path).status_code == 403
    refused = browser.post(path.split("?")[0], {"action": "create", "username": "sneak"})
    assert refused.status_code in (403, 405)


def test_other_roles_change_nothing_by_posting(signed_in: Any) -> None:
    clerk = signed_in("acc")
    for form in (
        {"action": "disable", "username": "acc2", "confirmed": "yes"},
        {"action": "unlock", "username": "acc2"},
        {**NEW_USER, "username": "sneaky"},
    ):
        assert clerk.post("/admin/users", form).status_code == 403
    assert clerk.post("/admin/orgs", {"action": "create", "code": "x-1"}).status_code == 403
    users = signed_in("admin").get("/admin/users").get_data(as_text=True)
    assert 'id="user-sneaky"' not in users and "已停用" not in users


def test_the_menu_shows_the_admin_pages_to_admins_only(signed_in: Any) -> None:
    html = signed_in("admin").get("/orgs").get_data(as_text=True)
    for nav in ("nav-users", "nav-orgs", "nav-audit-log", "nav-regions"):
        assert f'id="{nav}"' in html
    clerk = signed_in("acc").get("/orgs").get_data(as_text=True)
    assert 'id="nav-orgs"' not in clerk and 'id="nav-regions"' not in clerk


# -- organizations --------------------------------------------------------------------------------


def test_the_admin_lists_and_creates_organizations(signed_in: Any) -> None:
    admin = signed_in("admin")
    page = admin.get("/admin/orgs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for code in ("coop", "village", "other"):
        assert f'id="org-{code}"' in html
    made = admin.post(
        "/admin/orgs",
        {
            "action": "create",
            "code": "nancun",
            "name": "南村股份经济合作社",
            "kind": "village_collective",
            "chart": "village-2004",
            "region": "济南市/商河县/韩庙镇/南村",
        },
    )
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    assert 'id="org-nancun"' in html and "已创建单位 nancun" in html
    row = html[html.index('id="org-nancun"') :]
    assert "村集体经济组织会计制度（2004）" in row[: row.index("</tr>")]
    assert "济南市/商河县/韩庙镇/南村" in admin.get("/regions").get_data(as_text=True)


def test_a_bad_organization_is_shown_at_its_field(signed_in: Any) -> None:
    admin = signed_in("admin")
    new = {"action": "create", "code": "Bad Code", "name": "新合作社", "kind": "cooperative"}
    bad = admin.post("/admin/orgs", new)
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="error-code"' in html and "代码须为 2 至 40 个小写字母" in html
    assert 'value="Bad Code"' in html and 'value="新合作社"' in html
    wrong_chart = admin.post("/admin/orgs", {**new, "code": "new-coop", "chart": "village-2023"})
    assert wrong_chart.status_code == 422
    assert "该会计制度与单位类型不符" in wrong_chart.get_data(as_text=True)
    taken = admin.post("/admin/orgs", {**new, "code": "coop"})
    assert taken.status_code == 409
    assert "该代码已被其他单位使用" in taken.get_data(as_text=True)


def test_the_admin_edits_an_organizations_settings(signed_in: Any, app: Flask) -> None:
    admin = signed_in("admin")
    saved = admin.post(
        "/admin/orgs",
        {
            "action": "update",
            "code": "coop",
            "name": "绿源大蒜合作社",
            "chief_accountant": "王主管",
            "allow_single_accountant": "yes",
        },
    )
    assert saved.status_code == 200
    html = saved.get_data(as_text=True)
    row = html[html.index('id="org-coop"') :]
    row = row[: row.index("</tr>")]
    assert "绿源大蒜合作社" in row and "王主管" in row and "允许一人记账" in row
    empty = admin.post("/admin/orgs", {"action": "update", "code": "coop", "name": " "})
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    row = html[html.index('id="org-coop"') :]
    assert 'id="row-errors"' in row[: row.index("</tr>")] and "不能为空" in row
    cleared = admin.post("/admin/orgs", {"action": "update", "code": "coop", "name": "绿源"})
    row = cleared.get_data(as_text=True)
    row = row[row.index('id="org-coop"') :]
    assert "王主管" not in row[: row.index("</tr>")]  # a blank 会计主管 names nobody
    log = admin.get("/admin/audit?org=coop&action=org.update").get_data(as_text=True)
    assert "绿源大蒜合作社" in log and "allow_single_accountant" in log


# -- the audit log --------------------------------------------------------------------------------


def test_the_audit_log_pages_by_fifty_and_filters(signed_in: Any, uow: Any) -> None:
    admin_actor = actor_named(uow(), "admin")
    for i in range(55):
        orgs.update_org(uow(), admin_actor, "coop", name=f"绿源 {i}")
    admin = signed_in("admin")
    first = admin.get("/admin/audit?org=coop&action=org.update")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and html.count('<tr><td class="num">') == 50
    assert "绿源 0" in html and 'id="audit-next"' in html
    start = html.index('id="audit-next" href="') + len('id="audit-next" href="')
    following = admin.get(html[start : html.index('"', start)].replace("&amp;", "&"))
    more = following.get_data(as_text=True)
    assert more.count('<tr><td class="num">') == 5 and "绿源 54" in more
    assert 'id="audit-next"' not in more and 'id="audit-first"' in more
    bad = admin.get("/admin/audit?org=coop&from=yesterday")
    assert bad.status_code == 422 and 'id="error-from"' in bad.get_data(as_text=True)
    assert admin.get("/admin/audit?org=nope").status_code == 404


def test_the_admin_pages_speak_english_when_asked(signed_in: Any) -> None:
    admin = signed_in("admin")
    users = admin.get("/admin/users?lang=en").get_data(as_text=True)
    assert "Reset password, change role" in users and "Regions (county" in users
    asked = admin.post("/admin/users", {"action": "disable", "username": "acc2"})
    assert "Disable user acc2? Every sign-in it has" in asked.get_data(as_text=True)
    orgs_page = admin.get("/admin/orgs").get_data(as_text=True)
    assert "Farmers' cooperatives (Cai Kuai [2021] No. 37)" in orgs_page
    assert "Users and sign-ins (no organization)" in admin.get("/admin/audit").get_data(
        as_text=True
    )
    region = admin.get("/regions?region=济南市&year=2026").get_data(as_text=True)
    assert "Operating income by organization" in region and "Villages' financial" in region
