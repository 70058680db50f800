"""The wheel ships every package of the source tree.

pyproject.toml lists the packages by name (the top-level templates/, reports/ and migrations/
are mapped into the package under other names), so a new subpackage that is not listed works
in a checkout and is missing from an installed coopledger.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_under_coopledger_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "coopledger").rglob("__init__.py")
    }

    assert on_disk - listed == set()
