"""hypothesis-jsonschema 0.23 (used by schemathesis 3.39) calls ``many(...).more()``, which
Hypothesis 6.170 replaced by an iterator protocol. This restores the old method for it alone:
the fuzz test patches the ``cu`` that hypothesis-jsonschema sees, nothing else."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from hypothesis.internal.conjecture import utils as cu

ONE_FROM_MANY = cu.calc_label_from_name("one more from many()")


class LegacyMany:
    def __init__(
        self, data: Any, min_size: int, max_size: float, average_size: float, **_: Any
    ) -> None:
        self.data = data
        self.min_size = min_size
        self.max_size = max_size
        self.p_continue = cu._calc_p_continue(average_size - min_size, max_size - min_size)
        self.count = 0
        self.rejections = 0
        self.drawn = False
        self.force_stop = False
        self.rejected = False

    def more(self) -> bool:
        if self.drawn:
            self.data.stop_span(discard=self.rejected)
        self.drawn = True
        self.rejected = False
        self.data.start_span(ONE_FROM_MANY)
        if self.min_size == self.max_size:
            go_on = self.count < self.min_size
        else:
            forced = None
            if self.force_stop:
                forced = False
            elif self.count < self.min_size:
                forced = True
            elif self.count >= self.max_size:
                forced = False
            go_on = self.data.draw_boolean(self.p_continue, forced=forced)
        if go_on:
            self.count += 1
            return True
        self.data.stop_span()
        return False

    def reject(self, why: str | None = None) -> None:
        self.count -= 1
        self.rejections += 1
        self.rejected = True
        if self.rejections > max(3, 2 * self.count):
            if self.count < self.min_size:
                self.data.mark_invalid(why)
            else:
                self.force_stop = True


class _Utils(ModuleType):
    def __getattr__(self, name: str) -> Any:
        return getattr(cu, name)


def install() -> None:
    from hypothesis_jsonschema import _from_schema

    if hasattr(cu.many, "more"):
        return
    shim = _Utils("hypothesis_conjecture_utils_compat")
    shim.many = LegacyMany  # type: ignore[attr-defined]
    _from_schema.cu = shim  # type: ignore[attr-defined]
