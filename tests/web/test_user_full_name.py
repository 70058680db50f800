"""The administrator sets a user's full name on the users page: the name vouchers print."""

from __future__ import annotations

from typing import Any


def test_the_admin_sets_and_clears_a_users_full_name(signed_in: Any) -> None:
    admin = signed_in("admin")
    named = admin.post(
        "/admin/users", {"action": "name", "username": "acc2", "full_name": "赵会计"}
    )
    assert named.status_code == 200
    assert 'value="赵会计"' in named.get_data(as_text=True)
    cleared = admin.post("/admin/users", {"action": "name", "username": "acc2", "full_name": ""})
    assert cleared.status_code == 200 and "赵会计" not in cleared.get_data(as_text=True)
    too_long = admin.post(
        "/admin/users", {"action": "name", "username": "acc2", "full_name": "赵" * 101}
    )
    assert too_long.status_code == 422
    assert (
        signed_in("acc")
        .post("/admin/users", {"action": "name", "username": "acc2", "full_name": "x"})
        .status_code
        == 403
    )
