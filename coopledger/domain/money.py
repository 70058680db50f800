"""Money is integer fen (1 yuan = 100 fen); ``Decimal`` appears only for rates.

Amounts cross the boundary as decimal strings with at most two places (``"1234.50"``); anything
else — a float, an exponent, full-width digits, a thousands separator, three decimals — is
rejected, never rounded. Splits are exact: the largest-remainder method pays out every fen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

#: the largest amount one line may carry: 10^13 yuan - 0.01, far below BIGINT, so sums never overflow
MAX_AMOUNT_FEN = 10**15 - 1

_AMOUNT_RE = re.compile(r"(0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?", re.ASCII)
_QUANTITY_RE = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,3})?", re.ASCII)


class AmountError(ValueError):
    """The text is not an amount; the message says why, for a person."""


def parse_amount(text: object) -> int:
    """``"1234.5"`` → 123450 fen. Zero is allowed here; callers decide whether it is.

    :raise AmountError: not a string, not plain ASCII decimal, more than two decimals, too large.
    """
    if not isinstance(text, str):
        raise AmountError('must be a string such as "1234.50", not a JSON number')
    if not _AMOUNT_RE.fullmatch(text):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text, re.ASCII):
            raise AmountError("at most two decimals (fen); amounts are never rounded")
        if re.fullmatch(r"[0-9]{14,}(\.[0-9]*)?", text, re.ASCII):
            raise AmountError("is out of range")
        raise AmountError(
            'must be a plain decimal such as "1234.50" (ASCII digits, no sign, separator or exponent)'
        )
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int(frac.ljust(2, "0") or "0")


def format_amount(fen: int, *, grouped: bool = False, symbol: str = "") -> str:
    """Fen as yuan with two decimals: 123450 → ``"1234.50"``; -500 → ``"-5.00"``.

    ``grouped`` separates thousands with commas (``"1,234.50"``), as printed tables show
    amounts; ``symbol`` goes between the sign and the digits (``"-¥5.00"``). Plain, the text is
    what :func:`parse_amount` reads back.
    """
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    digits = f"{whole:,}" if grouped else str(whole)
    return f"{sign}{symbol}{digits}.{part:02d}"


def format_grouped(fen: int) -> str:
    """12345678 → ``"123,456.78"``: thousands separated, for printed tables and statements."""
    return format_amount(fen, grouped=True)


def parse_quantity(text: object) -> int:
    """``"1250.5"`` (kg, head…) → 1250500 thousandths; at most three decimals.

    :raise AmountError: as for amounts.
    """
    if not isinstance(text, str) or not _QUANTITY_RE.fullmatch(text):
        raise AmountError(
            'must be a plain decimal string with at most three decimals, such as "12.5"'
        )
    whole, _, frac = text.partition(".")
    return int(whole) * 1000 + int(frac.ljust(3, "0") or "0")


def format_quantity(milli: int) -> str:
    """1250500 → ``"1250.5"``: trailing zeros dropped, as a person writes it."""
    sign = "-" if milli < 0 else ""
    whole, part = divmod(abs(milli), 1000)
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:03d}".rstrip("0")


def round_half_up(value: Decimal) -> int:
    """四舍五入 to a whole fen: 0.5 goes up (away from zero for negatives)."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def apply_rate(amount_fen: int, rate: Decimal) -> int:
    """``amount × rate``, rounded half up to the fen (reserve and appropriation rates)."""
    return round_half_up(Decimal(amount_fen) * rate)


def apply_rate_up(amount_fen: int, rate: Decimal) -> int:
    """``amount × rate``, rounded up to the next whole fen whenever it has a fraction of a fen
    (toward positive infinity): for a share the law sets as a floor ("not less than 60 %"), so
    rounding never takes the result below the floor."""
    numerator, denominator = rate.as_integer_ratio()  # exact, however many decimals the rate has
    return -(-amount_fen * numerator // denominator)


def allocate(total_fen: int, weights: Sequence[int]) -> list[int]:
    """Split ``total_fen`` over ``weights`` by the largest-remainder method.

    Each part is floor(total × w / Σw); the fen left over go one each to the largest fractional
    remainders, ties to the lower index (callers order by member number). A weight of 0 gets 0.
    The parts always sum to ``total_fen``.

    :raise ValueError: a negative weight, or every weight 0 (the pool cannot be split).
    """
    if any(w < 0 for w in weights):
        raise ValueError("weights cannot be negative")
    denominator = sum(weights)
    if denominator == 0:
        raise ValueError("every weight is 0: the pool cannot be split")
    sign = -1 if total_fen < 0 else 1
    pool = abs(total_fen)
    parts = [pool * w // denominator for w in weights]
    remainders = [pool * w % denominator for w in weights]
    left = pool - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]
