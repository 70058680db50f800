"""Donations in kind (受赠物资): goods received from a donor, their stock, and the hand-out lists.

Receiving goods records the donation and prepares its voucher (Dr 库存物资 / Cr 专项基金 or
公积公益金); handing goods to households records each household's part with the value it takes
out of stock and prepares the hand-out voucher (Dr public-welfare spending / Cr 库存物资). Both
vouchers are reviewed and posted like any other; deleting the draft deletes what it carried.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from coopledger.domain import donations as rules
from coopledger.domain.accounts import load_chart
from coopledger.domain.assets import AssetKind, FixedAsset, validate_asset
from coopledger.domain.donations import Basis, Item, Request, Stock
from coopledger.domain.errors import Duplicate, NotFound, ValidationFailed, field_error
from coopledger.domain.ledger import Voucher
from coopledger.domain.roles import Action, Actor
from coopledger.services import audit_log
from coopledger.services.access import org_for
from coopledger.services.clock import utcnow
from coopledger.services.ports import (
    AssetRecord,
    Clock,
    DonationRecord,
    HandoutRecord,
    ItemRecord,
    NewHandout,
    Org,
    UnitOfWork,
)
from coopledger.services.ports.donations import ScanRecord
from coopledger.services.vouchers import prepare


@dataclass(frozen=True, slots=True)
class HandoutLine:
    """One household's part in a hand-out: the item, the member, the quantity (thousandths),
    who took the goods and whether the list was signed or thumb-printed."""

    item_id: int
    member_no: str
    quantity_milli: int
    received_by: str = ""
    signed: bool = False


@dataclass(frozen=True, slots=True)
class StockRow:
    """An item's stock: received, handed out and left, in quantity and value."""

    record: ItemRecord
    donor: str
    received_on: date

    @property
    def left(self) -> Stock:
        item = self.record.item
        return Stock(
            item.name,
            item.unit,
            item.quantity_milli - self.record.handed_out_milli,
            item.value_fen - self.record.handed_out_fen,
        )


def stock_rows(donations: Sequence[DonationRecord]) -> list[StockRow]:
    """Every item of ``donations`` with what is left of it."""
    return [StockRow(i, d.donor, d.received_on) for d in donations for i in d.items]


def list_donations(uow: UnitOfWork, actor: Actor, org_code: str) -> list[DonationRecord]:
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        return uow.donations.donations(org.id)


def stock(uow: UnitOfWork, actor: Actor, org_code: str) -> list[StockRow]:
    """Every item received with what is left of it (received − handed out)."""
    return stock_rows(list_donations(uow, actor, org_code))


def handouts(
    uow: UnitOfWork, actor: Actor, org_code: str, *, voucher_id: int | None = None
) -> tuple[Org, list[HandoutRecord]]:
    """The organization and its hand-outs (of one hand-out voucher, when given).

    :raise NotFound: a voucher given that carries no hand-out."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        rows = uow.donations.handouts(org.id, voucher_id=voucher_id)
    if voucher_id is not None and not rows:
        raise NotFound(f"no hand-out list for voucher {voucher_id}")
    return org, rows


def receive(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    *,
    donor: str,
    received_on: date,
    basis: Basis,
    evidence: str,
    items: Sequence[Item],
    clock: Clock = utcnow,
) -> tuple[DonationRecord, Voucher]:
    """Record goods received from ``donor`` and prepare the voucher that books them.

    :raise ValidationFailed: no donor, no item, an item without name, unit, quantity or value,
        goods at the nominal amount not at 1 yuan an item.
    :raise PeriodClosed: ``received_on`` lies in a closed month.
    """
    rules.validate_donation(donor, basis, items)
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        draft = rules.receipt(load_chart(org.chart), received_on, donor.strip(), items)
        voucher = prepare(uow.store, org, actor, draft, now)
        donation_id = uow.donations.add_donation(
            org.id,
            donor.strip(),
            received_on,
            basis.value,
            evidence,
            items,
            voucher.id,
            actor.user_id,
            now,
        )
        record = next(d for d in uow.donations.donations(org.id) if d.id == donation_id)
        audit_log.record(
            uow.store,
            org,
            actor,
            "donation.receive",
            "donation",
            str(donation_id),
            new={
                "donor": donor.strip(),
                "value_fen": sum(i.value_fen for i in items),
                "voucher": voucher.id,
            },
        )
        uow.commit()
    return record, voucher


def receive_equipment(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    *,
    donor: str,
    basis: Basis,
    evidence: str,
    asset: FixedAsset,
    fund: str | None = None,
    clock: Clock = utcnow,
) -> tuple[AssetRecord, Voucher, str]:
    """Record equipment received from ``donor`` as a fixed asset (acquired on the day received)
    and prepare the voucher that books it (Dr 固定资产 / Cr 专项基金 or 公积公益金), in one
    transaction. The gift opens a fund of source ``donation`` (``fund`` names one already
    registered instead); the asset's value is that fund's part. Returns the card, the voucher
    and the fund's code.

    :raise ValidationFailed: no donor; the card invalid (keyed by its field); a valuation at the
        nominal amount not at 1 yuan; ``fund`` not a donation fund of this organization.
    :raise Duplicate: the asset number is taken. :raise PeriodClosed: the day lies in a closed
        month.
    """
    errors: dict[str, list[str]] = {}
    if not donor.strip():
        errors["donor"] = ["must not be blank"]
    if asset.kind is not AssetKind.FIXED:
        errors["kind"] = ["equipment received as a gift is a fixed asset"]
    if errors:
        raise ValidationFailed("the donation is not complete", errors=errors)
    donor = donor.strip()
    now = clock()
    with uow:
        store, registers = uow.store, uow.registers
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        chart = load_chart(org.chart)
        if registers.asset(org.id, asset.asset_no) is not None:
            raise Duplicate(f"asset {asset.asset_no} exists")
        if fund is not None:
            found = store.fund(org.id, fund)
            if found is None or found.source != "donation":
                raise field_error("fund", f"no donation fund {fund!r} in this organization")
            code = found.code
        else:
            code = rules.donation_fund_code(asset.asset_no, {f.code for f in store.funds(org.id)})
            fields = {
                "code": code,
                "name": f"{donor}捐赠{asset.name}"[:200],
                "source": "donation",
                "grantor": donor[:200],
                "purpose": (evidence.strip() or asset.name)[:400],
                "granted_fen": asset.cost_fen,
            }
            store.add_fund(org.id, fields)
            audit_log.record(store, org, actor, "fund.create", "fund", code, new=fields)
        card = replace(
            asset,
            nominal=basis is Basis.NOMINAL,
            funding={code: asset.cost_fen},
            kind=AssetKind.FIXED,
        )
        validate_asset(card)
        draft = rules.equipment_receipt(chart, card, donor, code)
        voucher = prepare(store, org, actor, draft, now)
        registers.add_asset(org.id, card, store.funds_by_code(org.id, {code}), voucher.id, now)
        record = registers.asset(org.id, card.asset_no)
        assert record is not None
        audit_log.record(
            store,
            org,
            actor,
            "donation.receive_equipment",
            "asset",
            card.asset_no,
            new={
                "donor": donor,
                "basis": basis.value,
                "evidence": evidence,
                "value_fen": card.cost_fen,
                "fund": code,
                "voucher": voucher.id,
            },
        )
        uow.commit()
    return record, voucher, code


def hand_out(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    *,
    handed_on: date,
    lines: Sequence[HandoutLine],
    clock: Clock = utcnow,
) -> tuple[list[HandoutRecord], Voucher]:
    """Hand goods to households: record each household's part with the value it takes out of
    stock and prepare the hand-out voucher. Nothing is written when anything is refused.

    :raise ValidationFailed: no line; a quantity not above zero; an unknown item
        (``lines.<i>.item``); a household that is not a member of the organization, had not
        joined by ``handed_on`` or left before it (``not_a_member``, the member named).
    :raise InvalidState: ``out_of_stock`` — more of an item than is left (item and quantity
        left named); goods received after ``handed_on``.
    :raise PeriodClosed: ``handed_on`` lies in a closed month.
    """
    if not lines:
        raise ValidationFailed("name at least one household", errors={"lines": ["is empty"]})
    bad = {
        f"lines.{i}.quantity": ["must be more than zero"]
        for i, line in enumerate(lines)
        if line.quantity_milli <= 0
    }
    if bad:
        raise ValidationFailed("a quantity must be more than zero", errors=bad)
    now = clock()
    with uow:
        store = uow.store
        org = org_for(store, actor, org_code, Action.MANAGE_REGISTERS)
        rows = {r.record.id: r for r in stock_rows(uow.donations.donations(org.id, lock=True))}
        unknown = {
            f"lines.{i}.item": ["no such item in this organization's donations"]
            for i, line in enumerate(lines)
            if line.item_id not in rows
        }
        if unknown:
            raise ValidationFailed("an item is not in stock here", errors=unknown)
        member_ids = _members(uow, org, lines, handed_on)
        early = [rows[line.item_id] for line in lines if rows[line.item_id].received_on > handed_on]
        if early:
            raise ValidationFailed(
                f"{early[0].record.item.name} was received on {early[0].received_on}, "
                f"after {handed_on}",
                errors={"date": [f"must not be before {early[0].received_on}"]},
            )
        stocks = {item_id: row.left for item_id, row in rows.items()}
        requests = [Request(ln.item_id, ln.member_no, ln.quantity_milli) for ln in lines]
        values = rules.allot(stocks, requests)
        draft = rules.handout(load_chart(org.chart), handed_on, _parts(stocks, lines, values))
        voucher = prepare(store, org, actor, draft, now)
        uow.donations.add_handouts(
            org.id,
            handed_on,
            [
                NewHandout(
                    ln.item_id,
                    member_ids[ln.member_no],
                    ln.quantity_milli,
                    fen,
                    ln.received_by.strip(),
                    ln.signed,
                )
                for ln, fen in zip(lines, values, strict=True)
            ],
            voucher.id,
        )
        recorded = uow.donations.handouts(org.id, voucher_id=voucher.id)
        audit_log.record(
            store,
            org,
            actor,
            "donation.hand_out",
            "voucher",
            str(voucher.id),
            new={"households": len(member_ids), "value_fen": sum(values)},
        )
        uow.commit()
    return recorded, voucher


def _members(uow: UnitOfWork, org: Org, lines: Sequence[HandoutLine], on: date) -> dict[str, int]:
    """Each line's member id. :raise ValidationFailed: ``not_a_member`` for the first line whose
    household is not a member of ``org`` on ``on``."""
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        member = uow.store.member(org.id, line.member_no)
        reason = None
        if member is None:
            reason = "is not a member of this organization"
        elif member.joined_on is not None and member.joined_on > on:
            reason = f"joined on {member.joined_on}, after {on}"
        elif member.left_on is not None and member.left_on < on:
            reason = f"left on {member.left_on}, before {on}"
        if reason is not None:
            raise ValidationFailed(
                f"member {line.member_no} {reason}",
                code="not_a_member",
                params={"member": line.member_no},
                errors={f"lines.{i}.member": [reason]},
            )
        assert member is not None
        found[line.member_no] = member.id
    return found


def _parts(
    stocks: dict[int, Stock], lines: Sequence[HandoutLine], values: Sequence[int]
) -> list[tuple[Stock, int, int, int]]:
    """Per item, in the order first named: its stock, quantity and value handed out and the
    number of households."""
    quantity: dict[int, int] = defaultdict(int)
    value: dict[int, int] = defaultdict(int)
    households: dict[int, set[str]] = defaultdict(set)
    for line, fen in zip(lines, values, strict=True):
        quantity[line.item_id] += line.quantity_milli
        value[line.item_id] += fen
        households[line.item_id].add(line.member_no)
    return [(stocks[i], quantity[i], value[i], len(households[i])) for i in quantity]


def attach_scan(
    uow: UnitOfWork,
    actor: Actor,
    org_code: str,
    voucher_id: int,
    filename: str,
    content: bytes,
    *,
    clock: Clock = utcnow,
) -> ScanRecord:
    """Attach the signed (or thumb-printed) hand-out list, scanned or photographed, to the
    hand-out of ``voucher_id``: the file kept as it came, its SHA-256 recorded. A list scanned
    again is attached beside the first; nothing is replaced.

    :raise ValidationFailed: (``file``) empty, too large, not a PDF, JPEG or PNG file.
    :raise NotFound: the voucher carries no hand-out of this organization.
    """
    media_type = rules.scan_media_type(content)
    digest = hashlib.sha256(content).hexdigest()
    now = clock()
    with uow:
        org = org_for(uow.store, actor, org_code, Action.MANAGE_REGISTERS)
        if not uow.donations.handouts(org.id, voucher_id=voucher_id):
            raise NotFound(f"no hand-out list for voucher {voucher_id}")
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "scan"
        record = uow.donations.add_scan(
            org.id, voucher_id, name, media_type, content, digest, actor.user_id, now
        )
        audit_log.record(
            uow.store,
            org,
            actor,
            "donation.attach_scan",
            "voucher",
            str(voucher_id),
            new={"sha256": digest, "size": len(content), "media_type": media_type},
        )
        uow.commit()
    return record


def scans(
    uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int | None = None
) -> list[ScanRecord]:
    """The scans of the signed hand-out lists (of one hand-out voucher when given).

    :raise NotFound: a voucher given that carries no hand-out of this organization."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        if voucher_id is not None and not uow.donations.handouts(org.id, voucher_id=voucher_id):
            raise NotFound(f"no hand-out list for voucher {voucher_id}")
        return uow.donations.scans(org.id, voucher_id)


def scan_file(
    uow: UnitOfWork, actor: Actor, org_code: str, voucher_id: int, scan_id: int
) -> tuple[ScanRecord, bytes]:
    """One scan and its bytes, as uploaded. :raise NotFound: no such scan of that hand-out."""
    with uow:
        org = org_for(uow.store, actor, org_code, Action.READ_BOOKS)
        record = next((r for r in uow.donations.scans(org.id, voucher_id) if r.id == scan_id), None)
        content = uow.donations.scan_content(org.id, voucher_id, scan_id)
    if record is None or content is None:
        raise NotFound(f"no scan {scan_id} of the hand-out list of voucher {voucher_id}")
    return record, content


def received_in_kind(
    uow: UnitOfWork, org_id: int, member_id: int, through: date | None = None
) -> list[HandoutRecord]:
    """What one household received in kind, inside the caller's unit of work (the portal and
    the household statement read it beside the cash)."""
    return uow.donations.handouts(org_id, member_id=member_id, through=through)
