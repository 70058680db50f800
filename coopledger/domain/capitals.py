"""Amounts in Chinese capitals (大写金额), as written on vouchers and statements.

Rules (《会计基础工作规范》 art. 52, PBOC 《正确填写票据和结算凭证的基本规定》):

- only 零壹贰叁肆伍陆柒捌玖 拾佰仟万亿 元角分 整 — never 〇一二…十, 两, 毛 or 另;
- "人民币" directly before the amount;
- ends at 元 → "元整"; ends at 角 → "角整" (satisfies both rules); ends at 分 → no 整;
- one 零 for a run of zeros between digits (壹佰万零壹元整); 零 after 元 when 角 is 0 and 分 is not
  (壹万陆仟肆佰零玖元零贰分, mandatory); where it is optional — the 元 digit is 0 but 角 is not —
  it is written too (壹仟陆佰捌拾元零叁角贰分);
- a leading ten is 壹拾 (壹拾元整, 壹拾万元整);
- under one yuan there is no 元 (伍分, 伍角整); zero is 零元整;
- a negative amount (a red reversal) is written with 负 before the figures: 人民币负伍佰元整.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("仟", "佰", "拾", "")


def to_capitals(fen: int) -> str:
    """12345 67 fen → ``"人民币壹万贰仟叁佰肆拾伍元陆角柒分"``."""
    sign = "负" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    jiao, fen_digit = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "人民币零元整"
    text = ""
    if yuan:
        text = _integer(yuan) + "元"
    if jiao:
        if yuan and yuan % 10 == 0:
            text += "零"
        text += DIGITS[jiao] + "角"
    elif fen_digit and yuan:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return f"人民币{sign}{text}"


def _integer(n: int) -> str:
    """A positive whole number of yuan in capitals, without the unit."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _integer(high) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _integer(low)
            return text
    return _below_ten_thousand(n)


def _below_ten_thousand(n: int) -> str:
    text = ""
    pending_zero = False
    for digit, unit in zip(f"{n:04d}", _SMALL_UNITS, strict=True):
        value = int(digit)
        if value == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += DIGITS[value] + unit
    return text


# -- spoken amounts ------------------------------------------------------------------------------

#: the ordinary numerals, as an amount is read aloud (not the anti-fraud capitals above)
SPOKEN = "零一二三四五六七八九"
_SPOKEN_UNITS = ("千", "百", "十", "")


def to_chinese_words(fen: int) -> str:
    """An amount as it is said in Mandarin: 214890 fen → ``"两千一百四十八元九角"``.

    Spoken, not written on a voucher: the ordinary numerals; 两 for a two that counts thousands,
    ten thousands or hundred millions (两千, 两万, 两亿) and 二 elsewhere (二百, 十二, 二十); a
    leading ten is 十 (十元, 十万); one 零 for a run of zeros between digits (一千零五元); 零 after
    元 when 角 is 0 and 分 is not (五元零三分); no 整; under one yuan no 元 (九角, 五分); zero is
    零元; negative amounts begin 负.
    """
    sign = "负" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    jiao, fen_digit = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零元"
    text = _spoken_integer(yuan) + "元" if yuan else ""
    if jiao:
        text += SPOKEN[jiao] + "角"
    elif fen_digit and yuan:
        text += "零"
    if fen_digit:
        text += SPOKEN[fen_digit] + "分"
    return sign + text


def spoken_number(n: int) -> str:
    """A whole number as said in Mandarin (``25`` → ``"二十五"``, ``2000`` → ``"两千"``)."""
    if n < 0:
        return "负" + spoken_number(-n)
    return _spoken_integer(n) if n else "零"


def _spoken_integer(n: int) -> str:
    text = _spoken_group(n)
    return text[1:] if text.startswith("一十") else text  # 十二, 十万: a leading ten is 十


def _spoken_group(n: int) -> str:
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            head = _spoken_group(high)
            text = ("两" if head == "二" else head) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _spoken_group(low)
            return text
    text = ""
    pending_zero = False
    for digit, unit in zip(f"{n:04d}", _SPOKEN_UNITS, strict=True):
        d = int(digit)
        if d == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        word = "两" if d == 2 and unit == "千" else SPOKEN[d]
        text += word + unit
    return text
