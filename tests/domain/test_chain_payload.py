"""The hash chain covers every field of a posted voucher and of each of its lines that carries
meaning: change any one of them and the voucher's hash changes."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from typing import Any

import pytest

from coopledger.domain.ledger import (
    GENESIS_HASH,
    Dr,
    Line,
    Status,
    Voucher,
    VoucherKind,
    canonical_payload,
    chain_hash,
)

NUMBER = "记-2026-03-0003"

LINES = (
    Line(
        "113",
        Dr.DEBIT,
        125_000,
        member="1",
        fund="muni-2026",
        quantity_milli=1_250_500,
        unit="kg",
        memo="大蒜款",
    ),
    Line("501", Dr.CREDIT, 125_000, memo="销售大蒜"),
)

VOUCHER = Voucher(
    id=7,
    org_code="coop",
    status=Status.POSTED,
    booked_on=date(2026, 3, 10),
    memo="销售大蒜",
    attachments=2,
    kind=VoucherKind.NORMAL,
    lines=LINES,
    prepared_by="acc",
    reviewed_by="rev",
    posted_by="acc2",
    number=3,
    reverses=None,
    chain_seq=12,
    prev_hash="a" * 64,
)

#: every field of a voucher the chain covers, each with another value it might be forged to
VOUCHER_CHANGES: dict[str, Any] = {
    "org_code": "village",
    "chain_seq": 13,
    "booked_on": date(2026, 3, 11),
    "memo": "销售大蒜 ",
    "attachments": 3,
    "kind": VoucherKind.REVERSAL,
    "reverses": 6,
    "prepared_by": "acc2",
    "reviewed_by": "admin",
    "posted_by": "admin",
}
#: what the chain leaves out, and why: the row id and the status are the database's; the printed
#: number goes in as text; a later reversal links back without touching the original; the
#: previous hash and the hash are the chain itself; ``extra`` is presentation only
VOUCHER_NOT_HASHED = {"id", "status", "number", "reversed_by", "prev_hash", "hash", "extra"}

LINE_CHANGES: dict[str, Any] = {
    "account": "114",
    "member": "2",
    "fund": "county-2026",
    "side": Dr.CREDIT,
    "amount_fen": 125_001,
    "quantity_milli": 1_250_501,
    "unit": "斤",
    "memo": "大蒜款。",
}


def digest(voucher: Voucher, number: str = NUMBER) -> str:
    return chain_hash(GENESIS_HASH, canonical_payload(voucher, number))


def test_every_field_is_either_hashed_or_left_out_on_purpose() -> None:
    assert {f.name for f in fields(Voucher)} == set(VOUCHER_CHANGES) | VOUCHER_NOT_HASHED | {
        "lines"
    }
    assert {f.name for f in fields(Line)} == set(LINE_CHANGES)


@pytest.mark.parametrize("name", sorted(VOUCHER_CHANGES))
def test_changing_a_voucher_field_changes_the_hash(name: str) -> None:
    changed = replace(VOUCHER, **{name: VOUCHER_CHANGES[name]})
    assert getattr(changed, name) != getattr(VOUCHER, name)
    assert digest(changed) != digest(VOUCHER)


@pytest.mark.parametrize("name", sorted(LINE_CHANGES))
@pytest.mark.parametrize("index", [0, 1])
def test_changing_a_field_of_any_line_changes_the_hash(name: str, index: int) -> None:
    lines = list(LINES)
    value = LINE_CHANGES[name]
    if name == "side":  # the other side, whichever the line is on
        value = Dr.DEBIT if lines[index].side is Dr.CREDIT else Dr.CREDIT
    lines[index] = replace(lines[index], **{name: value})
    assert lines[index] != LINES[index]
    assert digest(replace(VOUCHER, lines=tuple(lines))) != digest(VOUCHER)


def test_dropping_a_member_or_fund_or_quantity_changes_the_hash() -> None:
    """A line moved off its member (or fund, or quantity) is not the line that was posted."""
    for name in ("member", "fund", "quantity_milli", "unit"):
        lines = (replace(LINES[0], **{name: None}), LINES[1])
        assert digest(replace(VOUCHER, lines=lines)) != digest(VOUCHER), name


def test_the_printed_number_the_line_order_and_the_previous_hash_are_covered() -> None:
    assert digest(VOUCHER, "记-2026-03-0004") != digest(VOUCHER)
    assert digest(replace(VOUCHER, lines=LINES[::-1])) != digest(VOUCHER)
    payload = canonical_payload(VOUCHER, NUMBER)
    assert chain_hash("b" * 64, payload) != chain_hash(GENESIS_HASH, payload)


@pytest.mark.parametrize("name", sorted(VOUCHER_NOT_HASHED - {"extra"}))
def test_what_the_chain_leaves_out_does_not_move_the_hash(name: str) -> None:
    other: dict[str, Any] = {
        "id": 8,
        "status": Status.REVIEWED,
        "number": 4,
        "reversed_by": 99,
        "prev_hash": "c" * 64,
        "hash": "d" * 64,
    }
    assert digest(replace(VOUCHER, **{name: other[name]})) == digest(VOUCHER)
