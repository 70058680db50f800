"""Reading a register form as the API reads its JSON: what was typed is kept for the page, each
problem is kept under its field's name, and the values come out as the services take them
(amounts in fen parsed as the voucher form parses them, dates, whole numbers, choices)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from coopledger.domain.bounds import DATE_RANGE_MESSAGE, date_in_range
from coopledger.domain.errors import DomainError
from coopledger.domain.money import AmountError, parse_amount, parse_quantity
from coopledger.web.pages.common import error_text, field_text, known_text

#: the services' words for a register's fields, in the page's language (the voucher form's own
#: are in pages.common and are tried after these)
REGISTER_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^required$"), _l("必填")),
    (re.compile(r"must not be empty"), _l("必填")),
    (re.compile(r"1 to 20 letters, digits or hyphens"), _l("1 至 20 个字母、数字或连字符")),
    (
        re.compile(r"2 to 40 lower-case letters, digits or hyphens"),
        _l("2 至 40 个小写字母、数字或连字符"),
    ),
    (
        re.compile(r"1 to 40 letters, digits or hyphens"),
        _l("1 至 40 个字母、数字或连字符，以字母或数字开头"),
    ),
    (
        re.compile(r"must be 18 characters"),
        _l("身份证号须为 18 位：17 位数字加 1 位校验码（0-9 或 X）"),
    ),
    (re.compile(r"the check digit does not match"), _l("身份证号校验码不符（GB 11643）")),
    (
        re.compile(r"a whole number from (?P<a>\d+) to (?P<b>\d+)"),
        _l("请填写 %(a)s 至 %(b)s 的整数"),
    ),
    (re.compile(r"member (?P<x>\S+) exists"), _l("成员编号 %(x)s 已被使用")),
    (re.compile(r"asset (?P<x>\S+) exists"), _l("资产编号 %(x)s 已被使用")),
    (re.compile(r"fund (?P<x>\S+) exists"), _l("资金代码 %(x)s 已被使用")),
    (re.compile(r"unknown organization"), _l("没有这个单位，或您看不到它")),
    (re.compile(r"a household stands for no organization"), _l("农户不代表任何单位，请选择“集体”")),
    (re.compile(r"must be more than zero"), _l("须大于零")),
    (re.compile(r"must lie between zero and the cost"), _l("须在零与原值之间")),
    (re.compile(r"cost minus salvage"), _l("须在零与（原值 − 残值）之间")),
    (re.compile(r"must be fewer than the useful life"), _l("须少于使用年限（月）")),
    (re.compile(r"nominal amount is recorded at 1.00"), _l("名义金额资产按 1.00 元登记")),
    (re.compile(r"units of production needs"), _l("工作量法须填写预计总工作量")),
    (
        re.compile(r"the (?P<chart>\S+) chart has no account for (?P<kind>\S+) \("),
        _l("本单位的科目表（%(chart)s）没有“%(kind)s”科目，不能登记这一类资产"),
    ),
    (
        re.compile(r"(?P<kind>\S+) is amortized by straight line only"),
        _l("%(kind)s只能按年限平均法（直线法）计提"),
    ),
    (
        re.compile(r"only an asset depreciated by units of production has units"),
        _l("只有按工作量法折旧的资产才有工作量"),
    ),
    (re.compile(r"must be fewer than the units the asset yields"), _l("须少于预计总工作量")),
    (re.compile(r"each fund's part must be more than zero"), _l("每项资金的金额须大于零")),
    (re.compile(r"add up to more than the cost"), _l("各项资金合计超过原值（其余为自筹）")),
    (re.compile(r"unknown fund\(s\): (?P<x>.*)"), _l("没有资金项目 %(x)s")),
    (re.compile(r"name each fund once"), _l("每项资金只填一次")),
    (
        re.compile(r"more than the fund's unspent balance of (?P<x>\S+) yuan"),
        _l("超过该资金尚未使用的结余 %(x)s 元"),
    ),
    (
        re.compile(r"more than the fund's unquantified 专项基金 of (?P<x>\S+) yuan"),
        _l("超过该资金尚未量化的专项基金 %(x)s 元"),
    ),
    (
        re.compile(
            r"a village quantifies the income rights of operating assets only; fund (?P<fund>\S+)'s "
            r"专项基金 formed (?P<excluded>\S+) yuan of public-welfare or household assets "
            r"\((?P<assets>[^)]*)\), its operating assets leave (?P<left>\S+) yuan to quantify"
        ),
        _l(
            "农村集体经济组织法第四十条：村集体只将经营性资产的收益权量化到成员。资金项目 %(fund)s "
            "形成的公益性或到户类资产 %(excluded)s 元（%(assets)s）不能量化，经营性资产尚可量化 "
            "%(left)s 元"
        ),
    ),
    (re.compile(r"name the fund whose"), _l("请选择要量化的资金项目")),
    (re.compile(r"must be all_members, statuses or explicit"), _l("请选择量化方式")),
    (re.compile(r"unknown poverty status"), _l("没有这种帮扶状态")),
    (re.compile(r"only a monitored household"), _l("只有监测户才有监测类型")),
    (re.compile(r"every event says why"), _l("请写明原因")),
    (re.compile(r"name the member"), _l("请填写成员")),
    (
        re.compile(r"member (?P<x>\S+) is not a member on that date"),
        _l("成员 %(x)s 在该日不是成员"),
    ),
    (
        re.compile(r"more than member (?P<x>\S+)'s capital of (?P<y>\S+) yuan"),
        _l("超过成员 %(x)s 的股金 %(y)s 元"),
    ),
    (
        re.compile(r"more than member (?P<x>\S+)'s \S+ share of (?P<y>\S+) yuan"),
        _l("超过成员 %(x)s 的量化份额 %(y)s 元"),
    ),
    (re.compile(r"member (?P<x>\S+) holds no"), _l("成员 %(x)s 没有可调整的量化份额")),
    (
        re.compile(r"only a quantified fiscal or donation share is reassigned"),
        _l("只有财政补助或捐赠量化份额可以调整"),
    ),
    (re.compile(r"only capital is transferable"), _l("量化份额不能转让，只有股金可以转让")),
    (re.compile(r"no member qualifies"), _l("没有符合条件的成员")),
    (re.compile(r"unknown or departed member\(s\): (?P<x>.*)"), _l("没有成员或已退出：%(x)s")),
    (re.compile(r"each amount must be more than zero"), _l("每户金额须大于零")),
    (re.compile(r"the amounts must add up"), _l("各户金额合计须等于量化金额")),
    (re.compile(r"member (?P<x>\S+) left on (?P<y>\S+)"), _l("成员 %(x)s 已于 %(y)s 退出")),
    (re.compile(r"must not be before the member joined"), _l("不能早于入社日期")),
    (re.compile(r"must not be before the acquisition"), _l("不能早于取得日期")),
    (re.compile(r"the asset was disposed of on (?P<x>\S+)"), _l("该资产已于 %(x)s 处置")),
    (
        re.compile(r"has been charged already"),
        _l("该资产已计提了处置月份之后的折旧，请先删除那张折旧凭证草稿"),
    ),
    (
        re.compile(r"post \(or delete\) the depreciation"),
        _l("请先将该资产已生成的折旧凭证记账（或删除）"),
    ),
    (re.compile(r"post the acquisition voucher"), _l("请先将该资产的购置凭证记账")),
    (
        re.compile(r"more than the fund has left: (?P<x>\S+) yuan"),
        _l("超过该资金尚可使用的余额（%(x)s 元）"),
    ),
    (
        re.compile(r"post \(or delete\) the spending vouchers"),
        _l("请先将该工程已生成的支出凭证记账（或删除）"),
    ),
    (re.compile(r"must not be before the project started"), _l("不能早于开工日期")),
    (re.compile(r"nothing has been spent on the project"), _l("该工程还没有支出，不能完工")),
    (re.compile(r"name the product"), _l("请填写产品")),
    (re.compile(r"needs its unit"), _l("数量须有计量单位（公斤、头、吨……）")),
    (
        re.compile(r"at most three decimals|must be a plain decimal quantity"),
        _l("请填写数量，例如 1300.5"),
    ),
    (re.compile(r"tick to confirm"), _l("请勾选确认")),
]


FIX_MARKED = _l("没有保存：请改正下面标出的内容。")


def known_say(message: str) -> str | None:
    """A service's message about a register's field in the page's language, or None."""
    for pattern, text in REGISTER_MESSAGES:
        found = pattern.search(message)
        if found:
            return str(text) % found.groupdict() if found.groupdict() else str(text)
    return known_text(message)


def say(message: str) -> str:
    """A service's message about a field in the page's language ("not accepted" when unknown)."""
    found = known_say(message)
    return found if found is not None else field_text(message)


class Form:
    """The typed values of one form (kept as typed, trimmed) and the problems found, by field."""

    def __init__(self, data: Mapping[str, str], names: Iterable[str]) -> None:
        self.values: dict[str, str] = {n: str(data.get(n, "")).strip()[:400] for n in names}
        self.errors: dict[str, list[str]] = {}
        self.message: str | None = None

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(say(message))

    @property
    def ok(self) -> bool:
        return not self.errors

    def refused(self, error: DomainError, field: str | None = None) -> None:
        """A service's refusal: its field errors in place (one without a field under ``field``,
        when given), and a line above the form."""
        for key, messages in error.errors.items():
            for m in messages:
                self.fail(key, m)
        if not error.errors and field is not None:
            words = error_text(error, known_say)
            self.errors.setdefault(field, []).append(words)
        if self.errors:
            self.message = str(FIX_MARKED)
        else:
            self.message = error_text(error, known_say)

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.values[name]
        if required and not value:
            self.fail(name, "required")
        elif len(value) > max_length:
            self.fail(name, f"at most {max_length} characters")
        return value

    def optional_text(self, name: str, *, max_length: int = 200) -> str | None:
        return self.text(name, max_length=max_length) or None

    def amount(self, name: str, *, required: bool = False) -> int | None:
        value = self.values[name]
        if not value:
            if required:
                self.fail(name, "required")
            return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            self.fail(name, str(exc))
            return None

    def quantity(self, name: str) -> int | None:
        value = self.values[name]
        if not value:
            self.fail(name, "required")
            return None
        try:
            return parse_quantity(value)
        except AmountError:
            self.fail(name, "must be a plain decimal quantity")
            return None

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.values[name]
        if not value:
            if required:
                self.fail(name, "not a valid date")
            return None
        try:
            found = date.fromisoformat(value)
        except ValueError:
            self.fail(name, "not a valid date")
            return None
        if not date_in_range(found):
            self.fail(name, DATE_RANGE_MESSAGE)
            return None
        return found

    def whole(self, name: str, low: int, high: int, *, required: bool = False) -> int | None:
        value = self.values[name]
        if not value:
            if required:
                self.fail(name, "required")
            return None
        if not (value.isascii() and value.isdigit() and len(value) <= 9) or not (
            low <= int(value) <= high
        ):
            self.fail(name, f"must be a whole number from {low} to {high}")
            return None
        return int(value)

    def choice(self, name: str, options: Iterable[str], default: str) -> str:
        value = self.values[name] or default
        if value not in set(options):
            self.fail(name, "choose one of the listed rules")
        self.values[name] = value
        return value

    def tick(self, name: str) -> bool:
        return self.values[name] in ("1", "on", "true", "yes")
