"""The region tree, disclosure periods and the dates disclosures fall due. Pure.

A region is named by its path from the city down, ``济南市/商河县/白桥镇/官王庙村``: four levels at
most (city, county, town, village). An organization sits at the node its ``region`` names; a
user scoped to a node sees every organization at or below it.

Village finances are published at least quarterly (monthly when busy); a distribution plan is
announced before the assembly: 15 days for a cooperative (农民专业合作社法 art. 40), 10 days for a
village collective (农村集体经济组织法 art. 46).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from coopledger.domain.errors import field_error
from coopledger.domain.periods import Period

LEVELS = ("city", "county", "town", "village")
MAX_NAME = 100
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f%_\\]")


class Level(enum.StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


def parse_path(text: str, *, field: str = "region") -> tuple[str, ...]:
    """``" 济南市 / 商河县 "`` → ``("济南市", "商河县")``.

    :raise ValidationFailed: empty, more than four levels, an empty or over-long segment, or a
        segment with control characters or ``%``, ``_``, ``\\`` (kept out of prefix matches).
    """
    parts = tuple(p.strip() for p in text.strip().strip("/").split("/"))
    if not text.strip() or any(not p for p in parts):
        raise field_error(field, "a path such as 济南市/商河县, no empty segment")
    if len(parts) > len(LEVELS):
        raise field_error(field, "at most four levels: city/county/town/village")
    for p in parts:
        if len(p) > MAX_NAME or _BAD_NAME.search(p):
            raise field_error(field, f"{p[:20]!r} is not a region name")
    return parts


def normalize(text: str, *, field: str = "region") -> str:
    """The canonical path of ``text`` (empty stays empty: an organization outside the tree)."""
    return "/".join(parse_path(text, field=field)) if text.strip() else ""


def level_of(path: str) -> Level:
    return Level(LEVELS[path.count("/")])


def prefixes(path: str) -> list[str]:
    """``a/b/c`` → ``["a", "a/b", "a/b/c"]``: the node and its ancestors, top first."""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))] if path else []


def within(path: str, region: str) -> bool:
    """Whether ``path`` is ``region`` or lies below it."""
    return path == region or path.startswith(region + "/")


def covered(path: str, regions: Iterable[str]) -> bool:
    return any(within(path, r) for r in regions)


# -- disclosure periods -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DisclosurePeriod:
    """A quarter (``2026-Q3``) or a month (``2026-07``) whose finances are published."""

    label: str
    months: tuple[Period, ...]

    @property
    def first_day(self) -> date:
        return self.months[0].first_day

    @property
    def last_day(self) -> date:
        return self.months[-1].last_day

    @property
    def year(self) -> int:
        return self.months[0].year


_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_disclosure_period(text: str) -> DisclosurePeriod:
    """``2026-Q3`` → July to September 2026; ``2026-07`` → July 2026.

    :raise ValidationFailed: neither form, or a year out of range.
    """
    q = _QUARTER.fullmatch(text.strip())
    if q:
        year, quarter = int(q.group(1)), int(q.group(2))
        if 2000 <= year <= 2999:
            months = tuple(Period(year, 3 * quarter - 2 + i) for i in range(3))
            return DisclosurePeriod(f"{year}-Q{quarter}", months)
    m = _MONTH.fullmatch(text.strip())
    if m and 2000 <= int(m.group(1)) <= 2999 and 1 <= int(m.group(2)) <= 12:
        return DisclosurePeriod(text.strip(), (Period(int(m.group(1)), int(m.group(2))),))
    raise field_error("period", "a quarter such as 2026-Q3 or a month such as 2026-07")


def quarter_of(day: date) -> DisclosurePeriod:
    return parse_disclosure_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


# -- due dates ----------------------------------------------------------------------------------

#: days before the member assembly the distribution plan must be available
PLAN_NOTICE_DAYS = {"cooperative": 15, "village_collective": 10}
#: a quarter's disclosure is due this many days after the quarter ends (practice: in the month
#: after the quarter; 财务公开规定 asks for "at least quarterly")
DISCLOSURE_GRACE_DAYS = 10
#: warn this many days ahead
WARN_AHEAD_DAYS = 7


@dataclass(frozen=True, slots=True)
class Due:
    kind: str  # disclosure | distribution_plan
    subject: str  # the quarter, or the plan's year
    due_on: date
    state: str  # due_soon | overdue
    message: str


def disclosure_due(
    today: date, published_through: date | None, books_begin: date | None
) -> list[Due]:
    """The quarters whose disclosure is due soon or overdue: every quarter ended since the books
    began (or the last published one) that is not published yet, oldest first."""
    start = published_through + timedelta(days=1) if published_through else books_begin
    if start is None:
        return []
    out = []
    q = quarter_of(start)
    while True:
        due_on = q.last_day + timedelta(days=DISCLOSURE_GRACE_DAYS)
        if q.last_day + timedelta(days=1) - timedelta(days=WARN_AHEAD_DAYS) > today:
            break
        state = "overdue" if today > due_on else "due_soon"
        out.append(
            Due(
                "disclosure",
                q.label,
                due_on,
                state,
                f"财务公开 {q.label}: publish by {due_on.isoformat()}",
            )
        )
        q = quarter_of(q.last_day + timedelta(days=1))
    return out


def plan_due(kind: str, assembly_on: date, year: int, today: date, announced: bool) -> Due | None:
    """A distribution plan to announce ahead of the assembly, or None when it is announced or
    the warning is not near yet."""
    if announced:
        return None
    due_on = assembly_on - timedelta(days=PLAN_NOTICE_DAYS.get(kind, 15))
    if today < due_on - timedelta(days=WARN_AHEAD_DAYS) or today > assembly_on:
        return None
    state = "overdue" if today > due_on else "due_soon"
    days = PLAN_NOTICE_DAYS.get(kind, 15)
    return Due(
        "distribution_plan",
        str(year),
        due_on,
        state,
        f"{year} distribution plan: announce by {due_on.isoformat()}, {days} days before the "
        f"assembly on {assembly_on.isoformat()}",
    )
