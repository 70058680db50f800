"""Donations in kind (受赠物资): goods a donor gives, kept in stock, handed out to households.

Receiving goods books them at their value: Dr 库存物资 (产品物资 in a cooperative's chart, 121 in
every chart) / Cr 专项基金 (公积公益金 in a village's) — assets received in kind from donors go
straight to that account, valued by the donor's invoice, else at market price, else at a nominal
1 yuan. Handing them out takes them out of stock at their carrying value as public-welfare
spending: Dr 其他支出 in a cooperative's chart and a 2004 village's (which names donations among
other expenses), 公益支出 (514) in a 2023 village's / Cr 121. How the 2023 system books goods a
collective hands to its households is not settled in its published text (公益支出 is the reading
kept here; a county may ask for another); the chart's ``public_welfare_expenses`` role names the
account, so a chart can change it without code.

Quantities are thousandths of the item's unit, values fen. An item's value leaves stock pro rata
by quantity: each hand-out carries (value left × its quantity / quantity left), rounded half up,
and the hand-out that empties the stock carries all the value left, so the households' parts tie
to the donor's value to the fen.

Equipment given to be used for years (computers, water purifiers, air conditioners for the
village school) is not stock to hand out: it is a fixed asset on the register, depreciated by the
monthly run, received as Dr 固定资产 / Cr 专项基金 (公积公益金) — the same account every chart
credits a gift with (专项基金 "接受他人捐赠形成" in the cooperative charts of 2021 and 2007,
公积公益金 in the village charts of 2004 and 2023, whose notes put donations there). The gift opens
a fund of source ``donation`` (the donor its grantor) that the asset's value is tagged with, so
the asset traces to its donor and its 专项基金 can be quantified to members as a donation.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coopledger.domain.accounts import Chart
from coopledger.domain.assets import FixedAsset
from coopledger.domain.errors import InvalidState, ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.money import format_amount, format_quantity, round_half_up

#: the value of goods booked at the nominal amount, per item
NOMINAL_FEN = 100
#: the longest memo a voucher carries
MEMO_CHARS = 200


class Basis(enum.StrEnum):
    """How the goods were valued."""

    DONOR_INVOICE = "donor_invoice"
    MARKET_PRICE = "market_price"
    NOMINAL = "nominal"


@dataclass(frozen=True, slots=True)
class Item:
    """One kind of goods: its quantity in thousandths of ``unit`` and its value in fen."""

    name: str
    unit: str
    quantity_milli: int
    value_fen: int


@dataclass(frozen=True, slots=True)
class Stock:
    """What is left of an item: received less handed out, in quantity and in value."""

    name: str
    unit: str
    quantity_milli: int
    value_fen: int


@dataclass(frozen=True, slots=True)
class Request:
    """A household's part of an item to hand out."""

    item_id: int
    member_no: str
    quantity_milli: int


def validate_donation(donor: str, basis: Basis, items: Sequence[Item]) -> None:
    """A donation names its donor and at least one item, each with a name, a unit, a quantity
    and a value above zero; goods at the nominal amount are worth 1 yuan an item.

    :raise ValidationFailed: every problem at once, keyed ``items.<i>.<field>``.
    """
    errors: dict[str, list[str]] = {}
    if not donor.strip():
        errors["donor"] = ["must not be blank"]
    if not items:
        errors["items"] = ["name at least one item"]
    for i, item in enumerate(items):
        if not item.name.strip():
            errors[f"items.{i}.name"] = ["must not be blank"]
        if not item.unit.strip():
            errors[f"items.{i}.unit"] = ["must not be blank"]
        if item.quantity_milli <= 0:
            errors[f"items.{i}.quantity"] = ["must be more than zero"]
        if basis is Basis.NOMINAL and item.value_fen != NOMINAL_FEN:
            errors[f"items.{i}.value"] = ["goods at the nominal amount are worth 1.00 yuan"]
        elif item.value_fen <= 0:
            errors[f"items.{i}.value"] = ["must be more than zero"]
    if errors:
        raise ValidationFailed("the donation is not complete", errors=errors)


def receipt(chart: Chart, on: date, donor: str, items: Sequence[Item]) -> VoucherDraft:
    """The voucher of goods received, one attachment (the donor's list or invoice): Dr 库存物资
    item by item with its quantity, Cr 专项基金 / 公积公益金 their value (接受捐赠形成)."""
    memo = f"接受{donor}捐赠物资"[:MEMO_CHARS]
    lines = [
        Line(
            chart.role("inventory"),
            Dr.DEBIT,
            item.value_fen,
            quantity_milli=item.quantity_milli,
            unit=item.unit,
            memo=f"受赠{item.name}（{donor}）"[:MEMO_CHARS],
        )
        for item in items
    ]
    total = sum(item.value_fen for item in items)
    lines.append(Line(chart.role("special_fund"), Dr.CREDIT, total, memo="接受他人捐赠形成"))
    return VoucherDraft(on, memo, tuple(lines), attachments=1)


def equipment_receipt(chart: Chart, asset: FixedAsset, donor: str, fund: str) -> VoucherDraft:
    """The voucher of equipment received as a gift (computers, water purifiers…), one attachment
    (the donor's list or invoice): Dr 固定资产 at its value, tagged with the donation's fund (a
    fund of source ``donation``, which the members' equity statement shows as 接受他人捐赠形成) /
    Cr 专项基金 (公积公益金 in a village's chart). The asset is then depreciated by the monthly run
    like any other; the 专项基金 it formed is never released to income."""
    memo = f"接受{donor}捐赠固定资产 {asset.asset_no} {asset.name}"[:MEMO_CHARS]
    lines = (
        Line(chart.role("fixed_assets"), Dr.DEBIT, asset.cost_fen, fund=fund, memo=memo),
        Line(chart.role("special_fund"), Dr.CREDIT, asset.cost_fen, memo="接受他人捐赠形成"),
    )
    return VoucherDraft(asset.acquired_on, memo, lines, attachments=1)


def donation_fund_code(asset_no: str, taken: Collection[str]) -> str:
    """The code of the fund a gift of equipment opens: ``donation-<asset number>`` in lower case
    (a number after it when that is taken)."""
    base = "donation-" + re.sub(r"[^a-z0-9-]", "-", asset_no.lower())[:30]
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)


def value_share(stock: Stock, quantity_milli: int) -> int:
    """The value ``quantity_milli`` of the item takes out of stock: all that is left when it
    empties the stock, else its share by quantity rounded half up to the fen."""
    if quantity_milli == stock.quantity_milli:
        return stock.value_fen
    return round_half_up(Decimal(stock.value_fen * quantity_milli) / stock.quantity_milli)


def allot(stocks: Mapping[int, Stock], requests: Sequence[Request]) -> list[int]:
    """The value each request carries, in order, the stock left shrinking as it goes.

    :raise InvalidState: ``out_of_stock`` — an item is asked for more than is left (its name,
        unit and the quantity left in the message and ``params``).
    """
    left = dict(stocks)
    values: list[int] = []
    for request in requests:
        stock = left[request.item_id]
        if request.quantity_milli > stock.quantity_milli:
            asked = sum(r.quantity_milli for r in requests if r.item_id == request.item_id)
            raise InvalidState(
                f"{stocks[request.item_id].name}: {format_quantity(asked)} {stock.unit} asked, "
                f"{format_quantity(stocks[request.item_id].quantity_milli)} {stock.unit} in stock",
                code="out_of_stock",
                params={
                    "item": stock.name,
                    "unit": stock.unit,
                    "asked": format_quantity(asked),
                    "left": format_quantity(stocks[request.item_id].quantity_milli),
                },
            )
        fen = value_share(stock, request.quantity_milli)
        values.append(fen)
        left[request.item_id] = Stock(
            stock.name,
            stock.unit,
            stock.quantity_milli - request.quantity_milli,
            stock.value_fen - fen,
        )
    return values


def handout(chart: Chart, on: date, parts: Sequence[tuple[Stock, int, int, int]]) -> VoucherDraft:
    """The voucher of goods handed out, one attachment (the signed hand-out list): for each
    item (its stock, quantity and value handed out, households), Dr the chart's public-welfare
    spending / Cr 库存物资 with the quantity. Items whose value rounds to nothing carry no line.

    :raise ValidationFailed: ``nothing_to_book`` — every item's value rounds to nothing.
    """
    welfare, inventory = chart.role("public_welfare_expenses"), chart.role("inventory")
    memo = "发放受赠物资"
    lines: list[Line] = []
    for stock, quantity, fen, households in parts:
        if fen == 0:
            continue
        what = f"{stock.name} {format_quantity(quantity)}{stock.unit}"
        lines.append(Line(welfare, Dr.DEBIT, fen, memo=f"{memo} {what}（{households}户）"))
        lines.append(
            Line(
                inventory,
                Dr.CREDIT,
                fen,
                quantity_milli=quantity,
                unit=stock.unit,
                memo=f"{memo} {what}"[:MEMO_CHARS],
            )
        )
    if not lines:
        raise ValidationFailed(
            "the goods handed out carry no value to book (0.00 yuan)",
            code="nothing_to_book",
            errors={"lines": ["carry 0.00 yuan of value; hand out more at once"]},
        )
    total = sum(ln.amount_fen for ln in lines if ln.side is Dr.DEBIT)
    return VoucherDraft(on, f"{memo}（{format_amount(total)}元）", tuple(lines), attachments=1)


#: the largest signed hand-out list accepted as a scan or photograph
MAX_SCAN_BYTES = 8 * 1024 * 1024
#: what a scan may be, told by its first bytes (never by its name or the type the client sent)
SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def scan_media_type(content: bytes) -> str:
    """The media type of the signed hand-out list's scan, told by its first bytes.

    :raise ValidationFailed: (key ``file``) empty, larger than :data:`MAX_SCAN_BYTES`, or not a
        PDF, JPEG or PNG file.
    """
    if not content:
        raise ValidationFailed("the scan is empty", errors={"file": ["is empty"]})
    if len(content) > MAX_SCAN_BYTES:
        limit = MAX_SCAN_BYTES // 1024 // 1024
        raise ValidationFailed(
            f"the scan is larger than {limit} MB",
            errors={"file": [f"must be at most {limit} MB; scan at a lower resolution"]},
        )
    for signature, media_type in SCAN_SIGNATURES:
        if content.startswith(signature):
            return media_type
    raise ValidationFailed(
        "the scan is not a PDF, JPEG or PNG file",
        errors={"file": ["must be a PDF, JPEG or PNG file"]},
    )
