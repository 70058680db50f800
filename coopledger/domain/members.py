"""Members (成员): households, collectives and entities, with their ID numbers and poverty status.

Poverty status follows the policy since 2021: every household once registered poor (建档立卡)
is a 脱贫户 (``exited``) and keeps its support (四个不摘); a 监测户 (``monitored``) is watched for
falling (back) into poverty, of one kind — 脱贫不稳定户, 边缘易致贫户 or 突发严重困难户; every
other household is a 一般户 (``none``). ``poor`` (建档立卡贫困户) is the older name of
``exited``: accepted from the clients that send it and recorded as ``exited``; a status history
written before keeps it, and it counts as ``exited`` wherever statuses are matched.

ID numbers (居民身份证号码) are validated with the GB 11643-1999 check digit and always shown
masked — first six and last four characters — because the register ties a person to a poverty
category, which is sensitive personal information.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection


class MemberKind(enum.StrEnum):
    HOUSEHOLD = "household"
    COLLECTIVE = "collective"  # a village collective that holds shares in a cooperative
    ENTITY = "entity"


class PovertyStatus(enum.StrEnum):
    NONE = "none"  # 一般户
    EXITED = "exited"  # 脱贫户
    MONITORED = "monitored"  # 监测户 (防止返贫监测对象)
    LOW_INCOME = "low_income"  # 低保
    EXTREME_POVERTY = "extreme_poverty"  # 特困 / 五保
    POOR = "poor"  # the older name of EXITED: 建档立卡贫困户


class MonitorKind(enum.StrEnum):
    """The kind of a 监测户."""

    UNSTABLE = "unstable"  # 脱贫不稳定户
    MARGINAL = "marginal"  # 边缘易致贫户
    SUDDEN_HARDSHIP = "sudden_hardship"  # 突发严重困难户


#: the older names a client may still send, and the status each stands for now
OLDER_NAMES = {PovertyStatus.POOR.value: PovertyStatus.EXITED.value}
#: whom a quantification by status and a minimum guarantee cover unless told otherwise
SUPPORTED = (PovertyStatus.EXITED.value, PovertyStatus.MONITORED.value)


def current_status(status: str) -> str:
    """The status as the policy names it now (``poor`` → ``exited``; any other unchanged)."""
    return OLDER_NAMES.get(status, status)


def covers(statuses: Collection[str], status: str) -> bool:
    """Whether ``status`` is among ``statuses``, an older name counting as its current one."""
    return current_status(status) in {current_status(s) for s in statuses}


def monitor_kind_problem(status: str, kind: str | None) -> str | None:
    """Why ``kind`` does not go with ``status``, or None: only a 监测户 has a kind."""
    if kind is None:
        return None
    if kind not in set(MonitorKind):
        return f"must be one of {', '.join(MonitorKind)}"
    if current_status(status) != PovertyStatus.MONITORED:
        return "only a monitored household (监测户) has a kind"
    return None


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
