"""Members (成员): households, collectives and entities, with their ID numbers and poverty status.

ID numbers (居民身份证号码) are validated with the GB 11643-1999 check digit and always shown
masked — first six and last four characters — because the register ties a person to a poverty
category, which is sensitive personal information.
"""

from __future__ import annotations

import enum
import re


class MemberKind(enum.StrEnum):
    HOUSEHOLD = "household"
    COLLECTIVE = "collective"  # a village collective that holds shares in a cooperative
    ENTITY = "entity"


class PovertyStatus(enum.StrEnum):
    NONE = "none"
    POOR = "poor"  # 建档立卡贫困户
    EXITED = "exited"  # 脱贫户
    MONITORED = "monitored"  # 监测对象
    LOW_INCOME = "low_income"  # 低保
    EXTREME_POVERTY = "extreme_poverty"  # 特困 / 五保


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
MEMBER_NO_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}", re.ASCII)


def check_digit(body: str) -> str:
    """The GB 11643 check digit (0-9 or X) of an ID number's first 17 digits."""
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-character ID number, or None when it is."""
    if not _ID_RE.fullmatch(value):
        return "must be 18 characters: 17 digits and a check digit (0-9 or X)"
    if check_digit(value[:17]) != value[17]:
        return "the check digit does not match (GB 11643)"
    return None


def mask(value: str | None, *, head: int = 6, tail: int = 4) -> str | None:
    """``370102199001011234`` → ``370102********1234``; short values are masked entirely."""
    if value is None:
        return None
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def member_sort_key(member_no: str) -> tuple[int, str]:
    """Member numbers order as people read them: ``9`` before ``10``."""
    return (len(member_no), member_no)
