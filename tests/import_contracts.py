"""An import-linter contract the built-in ones cannot state: no module imports another module's
private name (`from coopledger.x import _helper`). A name that starts with one underscore belongs to
its module; a second module that needs it wants a public name in the right place.

`lint-imports` loads it through `contract_types` in `.importlinter`.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The module an `from … import` statement names, its relative dots resolved."""
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def private_imports(module: str) -> list[tuple[int, str, str]]:
    """(line, imported module, name) for every private name `module` takes from another module."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return []
    path = Path(spec.origin)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(module, node, is_package)
            if source == module:
                continue
            found.extend(
                (node.lineno, source, alias.name) for alias in node.names if _is_private(alias.name)
            )
    return found


class PrivateNamesContract(Contract):
    """No module of `containers` imports a private name from another module.

    Configuration options:
        - containers: the packages whose modules are checked.
    """

    type_name = "private_names"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        containers: list[str] = self.containers  # type: ignore[assignment]
        modules = sorted(
            module
            for container in containers
            for module in {container, *graph.find_descendants(container)}
        )
        violations = [
            (module, line, source, name)
            for module in modules
            for line, source, name in private_imports(module)
        ]
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names imported from another module:", bold=False)
        output.new_line()
        for module, line, source, name in check.metadata["violations"]:
            output.print_error(f"- {module} (l.{line}) imports {name} from {source}", bold=False)
        output.new_line()
