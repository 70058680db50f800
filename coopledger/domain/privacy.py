"""Personal numbers out of public text: what a public notice (财务公开) shows of free text typed by
people — fund names, grantors, purposes, memos, household and asset names.

An accountant types whatever the receipt says, so an ID number (居民身份证号码, 18 characters with
an ``X`` check digit, or the old 15 digits), a bank card number (12 to 19 digits) or a mobile
phone number (11 digits, ``+86`` or ``0086`` in front) can reach the notice board, often written
in groups: ``6222-0212-3456-7890-123``, ``138 0013 8000``, ``110105 19491231 002X``. Any run of
digit groups joined by single spaces or hyphens that holds eleven digits or more is masked but
for its last four characters. Dates (``2026-03-10``), amounts (``1,234.50``) and short codes stay:
a group inside a run needs three digits or more, so a date's two-digit month breaks the run.
"""

from __future__ import annotations

import re

#: what joins the groups of a number written by hand: space, no-break space, ideographic space,
#: hyphen, full-width hyphen, dashes
_SEP = "[ \u00a0\u3000\\-\uff0d\u2010-\u2013]"
_RUN = re.compile(
    rf"(?<!\d)(?:(?:\+|00)86{_SEP}?)?\d{{3,}}(?:{_SEP}\d{{3,}})*(?:{_SEP}\d{{1,2}})?[Xx]?(?!\d)"
)
#: a run with fewer digits is a date, an amount, a count or a code, not a personal number
MIN_DIGITS = 11
KEEP = 4


def _mask(match: re.Match[str]) -> str:
    run = match.group()
    kept = [c for c in run if c.isdigit() or c in "Xx"]
    digits = sum(c.isdigit() for c in kept)
    if digits < MIN_DIGITS:
        return run
    return "*" * (len(kept) - KEEP) + "".join(kept[-KEEP:])


def scrub(text: str) -> str:
    """``text`` with every ID, bank card and phone number masked but for its last four
    characters: ``支付 6222-0212-3456-7890-123`` → ``支付 ***************0123``."""
    return _RUN.sub(_mask, text)


def scrub_optional(text: str | None) -> str | None:
    """:func:`scrub`, None kept."""
    return None if text is None else scrub(text)
