"""The README's table of what each role may do is the role table itself."""

from __future__ import annotations

import re
from pathlib import Path

from coopledger.domain.roles import Action, Actor, Role

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table() -> dict[Action, set[Role]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(
        "| may | `admin` | `accountant` | `cashier` | `reviewer` | `auditor` | `household` |"
    )
    roles = [Role(r) for r in re.findall(r"`(\w+)`", lines[start])]
    table: dict[Action, set[Role]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        found = re.match(r"`(\w+)`", cells[0])
        assert found, line
        table[Action(found[1])] = {r for r, c in zip(roles, cells[1:], strict=True) if c == "✓"}
    return table


def test_the_readme_says_what_each_role_may_do() -> None:
    granted = {
        action: {r for r in Role if Actor(1, "x", r, frozenset()).may(action)} for action in Action
    }
    assert _readme_table() == granted
