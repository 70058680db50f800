"""Donations in kind (受赠物资): goods received, their stock, and the hand-outs to households;
equipment received as a gift, registered as a fixed asset."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView

from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset
from coopledger.domain.bounds import MAX_LIFE_MONTHS
from coopledger.domain.donations import MAX_SCAN_BYTES, Basis, Item
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.money import format_amount, format_quantity
from coopledger.services import donations as svc
from coopledger.services.ports import DonationRecord, HandoutRecord
from coopledger.services.ports.donations import ScanRecord
from coopledger.web.api.common import FILE_UPLOAD, Blueprint, actor, uow
from coopledger.web.api.fields import MONEY, Count, Day, Money, Quantity, Text
from coopledger.web.api.pdf import FormatArgs, pdf_doc, pdf_response

blp = Blueprint(
    "donations",
    __name__,
    url_prefix="/api/v1/orgs/<org>",
    description="Donations in kind: goods received from donors, stock, hand-outs to households.",
)

QUANTITY = {"type": "string", "example": "2.5"}
#: the multipart envelope around a scan of the largest size
MAX_SCAN_UPLOAD = MAX_SCAN_BYTES + 64 * 1024
#: the file extension a scan is downloaded with, by its sniffed media type
SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class ItemIn(ma.Schema):
    name = Text(required=True, max_length=100, min_length=1)
    unit = Text(required=True, max_length=20, min_length=1)
    quantity = Quantity(required=True, metadata=QUANTITY)
    value = Money(required=True, metadata=MONEY)


class EquipmentIn(ma.Schema):
    """The fixed asset a gift of equipment becomes (its cost is the gift's value)."""

    asset_no = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
    )
    name = Text(required=True, max_length=200, min_length=1)
    category = Text(load_default="", max_length=100)
    class_ = ma.fields.String(
        data_key="class", required=True, validate=ma.validate.OneOf(list(AssetClass))
    )
    use = ma.fields.String(required=True, validate=ma.validate.OneOf(list(AssetUse)))
    value = Money(required=True, metadata=MONEY)
    salvage = Money(load_default=0, metadata=MONEY)
    useful_life_months = Count(required=True, low=1, high=MAX_LIFE_MONTHS)
    poverty_project = ma.fields.Boolean(load_default=False)


class DonationIn(ma.Schema):
    kind = ma.fields.String(
        load_default="goods",
        validate=ma.validate.OneOf(["goods", "equipment"]),
        metadata={
            "description": "goods (受赠物资, kept in stock and handed out: ``items``) or equipment "
            "(a fixed asset on the register, depreciated monthly: ``asset``)"
        },
    )
    donor = Text(required=True, max_length=200, min_length=1)
    date = Day(required=True)
    basis = ma.fields.Enum(Basis, by_value=True, required=True)
    evidence = Text(load_default="", max_length=2000)
    items = ma.fields.List(
        ma.fields.Nested(ItemIn), load_default=None, validate=ma.validate.Length(1, 200)
    )
    asset = ma.fields.Nested(EquipmentIn, load_default=None)
    fund = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(2, 40),
        metadata={"description": "equipment: a donation fund already registered (else one opens)"},
    )

    @ma.validates_schema
    def what_was_given(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("kind") == "equipment":
            if data.get("asset") is None:
                raise ma.ValidationError("equipment names the asset it becomes", "asset")
            if data.get("items"):
                raise ma.ValidationError("equipment is an asset, not items of stock", "items")
        elif not data.get("items"):
            raise ma.ValidationError("name at least one item", "items")


class HandoutLineIn(ma.Schema):
    item = Count(required=True, low=1, high=2**62)
    member = Text(required=True, max_length=20, min_length=1)
    quantity = Quantity(required=True, metadata=QUANTITY)
    received_by = Text(load_default="", max_length=100)
    signed = ma.fields.Boolean(load_default=False)


class HandoutIn(ma.Schema):
    date = Day(required=True)
    lines = ma.fields.List(
        ma.fields.Nested(HandoutLineIn), required=True, validate=ma.validate.Length(1, 2_000)
    )


class HandoutArgs(FormatArgs):
    voucher = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(1, 2**62),
        metadata={"description": "The hand-out list of one hand-out voucher."},
    )


def present_item(row: svc.StockRow) -> dict[str, Any]:
    item, left = row.record.item, row.left
    return {
        "id": row.record.id,
        "name": item.name,
        "unit": item.unit,
        "donor": row.donor,
        "received_on": row.received_on.isoformat(),
        "quantity": format_quantity(item.quantity_milli),
        "value": format_amount(item.value_fen),
        "handed_out_quantity": format_quantity(row.record.handed_out_milli),
        "handed_out_value": format_amount(row.record.handed_out_fen),
        "left_quantity": format_quantity(left.quantity_milli),
        "left_value": format_amount(left.value_fen),
    }


def present_donation(d: DonationRecord) -> dict[str, Any]:
    return {
        "id": d.id,
        "donor": d.donor,
        "date": d.received_on.isoformat(),
        "basis": d.basis,
        "evidence": d.evidence,
        "voucher": d.voucher_id,
        "value": format_amount(sum(i.item.value_fen for i in d.items)),
        "items": [present_item(r) for r in svc.stock_rows([d])],
    }


def present_handout(h: HandoutRecord) -> dict[str, Any]:
    return {
        "item": h.item_id,
        "name": h.item_name,
        "unit": h.unit,
        "donor": h.donor,
        "member": h.member_no,
        "member_name": h.member_name,
        "date": h.handed_on.isoformat(),
        "quantity": format_quantity(h.quantity_milli),
        "value": format_amount(h.value_fen),
        "received_by": h.received_by,
        "signed": h.signed,
        "voucher": h.voucher_id,
    }


def handout_print_context(
    org: Any, rows: list[HandoutRecord], voucher: int | None
) -> dict[str, Any]:
    """What the printed hand-out list shows: one line a household and item, and an empty column
    for the signature or thumbprint."""
    return {
        "org": {"name": org.name, "code": org.code},
        "voucher": voucher,
        "rows": [
            {
                "no": n,
                "member_no": h.member_no,
                "member_name": h.member_name,
                "item": h.item_name,
                "quantity": f"{format_quantity(h.quantity_milli)} {h.unit}",
                "value_fen": h.value_fen,
                "date": h.handed_on.isoformat(),
                "received_by": h.received_by,
            }
            for n, h in enumerate(rows, start=1)
        ],
    }


@blp.route("/donations")
class Donations(MethodView):
    def get(self, org: str) -> dict[str, Any]:
        """Donations received, newest first, each item with what is left of it."""
        return {
            "items": [present_donation(d) for d in svc.list_donations(uow(), actor(), org)],
            "next_cursor": None,
        }

    @blp.arguments(DonationIn)
    def post(self, data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
        """Receive goods from a donor (受赠物资) and prepare the voucher that books them: Dr 库存物资
        (产品物资) / Cr 专项基金 (公积公益金). Goods at the nominal amount are 1.00 yuan an item.

        ``kind=equipment``: the gift is a fixed asset (``asset``), registered in the same
        transaction and depreciated by the monthly run; its voucher is Dr 固定资产 (tagged with a
        donation fund, opened unless ``fund`` names one) / Cr 专项基金 (公积公益金)."""
        if data["kind"] == "equipment":
            return equipment_received(data, org), 201
        record, voucher = svc.receive(
            uow(),
            actor(),
            org,
            donor=data["donor"],
            received_on=data["date"],
            basis=data["basis"],
            evidence=data["evidence"],
            items=[Item(i["name"], i["unit"], i["quantity"], i["value"]) for i in data["items"]],
        )
        return {**present_donation(record), "voucher": voucher.id}, 201


def equipment_received(data: dict[str, Any], org: str) -> dict[str, Any]:
    given = data["asset"]
    asset = FixedAsset(
        asset_no=given["asset_no"],
        name=given["name"],
        category=given["category"],
        asset_class=AssetClass(given["class_"]),
        use=AssetUse(given["use"]),
        acquired_on=data["date"],
        cost_fen=given["value"],
        salvage_fen=given["salvage"],
        useful_life_months=given["useful_life_months"],
        poverty_project=given["poverty_project"],
    )
    try:
        record, voucher, fund = svc.receive_equipment(
            uow(),
            actor(),
            org,
            donor=data["donor"],
            basis=data["basis"],
            evidence=data["evidence"],
            asset=asset,
            fund=data["fund"],
        )
    except ValidationFailed as exc:
        card = {"cost": "value", "salvage": "salvage", "useful_life_months": "useful_life_months"}
        if not any(key in card for key in exc.errors):
            raise
        raise ValidationFailed(
            str(exc),
            code=exc.code,
            errors={f"asset.{card[k]}" if k in card else k: v for k, v in exc.errors.items()},
        ) from exc
    card_out = record.asset
    return {
        "kind": "equipment",
        "donor": data["donor"].strip(),
        "date": card_out.acquired_on.isoformat(),
        "basis": data["basis"].value,
        "evidence": data["evidence"],
        "value": format_amount(card_out.cost_fen),
        "fund": fund,
        "voucher": voucher.id,
        "asset": {
            "asset_no": card_out.asset_no,
            "name": card_out.name,
            "category": card_out.category,
            "class": card_out.asset_class.value,
            "use": card_out.use.value,
            "cost": format_amount(card_out.cost_fen),
            "salvage": format_amount(card_out.salvage_fen),
            "useful_life_months": card_out.useful_life_months,
        },
    }


@blp.route("/donations/stock")
def stock(org: str) -> dict[str, Any]:
    """Stock by item: received, handed out and left, in quantity and value."""
    return {"items": [present_item(r) for r in svc.stock(uow(), actor(), org)]}


@blp.route("/donations/handouts")
class Handouts(MethodView):
    @blp.arguments(HandoutArgs, location="query")
    @blp.doc(responses=pdf_doc("The hand-out list to sign (format=pdf)."))
    def get(self, args: dict[str, Any], org: str) -> dict[str, Any] | Response:
        """Goods handed to households, in date order (of one hand-out voucher with ``voucher``).
        ``format=pdf`` prints the list for the households' signatures or thumbprints."""
        organization, rows = svc.handouts(uow(), actor(), org, voucher_id=args["voucher"])
        if args["format"] == "pdf":
            return pdf_response(
                "donation_handouts.html",
                handout_print_context(organization, rows, args["voucher"]),
                ["handouts", org, str(args["voucher"] or "all")],
                locale=args["lang"],
            )
        return {"items": [present_handout(h) for h in rows]}

    @blp.arguments(HandoutIn)
    def post(self, data: dict[str, Any], org: str) -> tuple[dict[str, Any], int]:
        """Hand goods to households and prepare the voucher: Dr public-welfare spending / Cr
        库存物资 at the value each part takes out of stock. More than is left → 409
        ``out_of_stock``; a household not a member on the day → 422 ``not_a_member``."""
        rows, voucher = svc.hand_out(
            uow(),
            actor(),
            org,
            handed_on=data["date"],
            lines=[
                svc.HandoutLine(
                    ln["item"], ln["member"], ln["quantity"], ln["received_by"], ln["signed"]
                )
                for ln in data["lines"]
            ],
        )
        return {"voucher": voucher.id, "items": [present_handout(h) for h in rows]}, 201


def present_scan(org: str, s: ScanRecord) -> dict[str, Any]:
    return {
        "id": s.id,
        "voucher": s.voucher_id,
        "filename": s.filename,
        "media_type": s.media_type,
        "size": s.size,
        "sha256": s.sha256,
        "uploaded_by": s.uploaded_by,
        "uploaded_at": s.uploaded_at.isoformat(timespec="seconds"),
        "download": f"/api/v1/orgs/{org}/donations/handouts/{s.voucher_id}/scans/{s.id}",
    }


def uploaded_scan() -> tuple[str, bytes]:
    """The file of a ``multipart/form-data`` upload (field ``file``), read no further than the
    largest scan accepted.

    :raise ValidationFailed: (``file``) missing, or larger than the largest scan."""
    limit = MAX_SCAN_BYTES // 1024 // 1024
    too_large = ValidationFailed(
        f"the scan is larger than {limit} MB",
        errors={"file": [f"must be at most {limit} MB; scan at a lower resolution"]},
    )
    if (request.content_length or 0) > MAX_SCAN_UPLOAD:
        raise too_large
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(
            "send the signed list as multipart field 'file'", errors={"file": ["missing"]}
        )
    try:
        data = upload.read(MAX_SCAN_BYTES + 1)
    finally:  # a large upload is spooled to a temporary file: closed once read
        upload.close()
    if len(data) > MAX_SCAN_BYTES:
        raise too_large
    return upload.filename or "", data


def scan_response(record: ScanRecord, content: bytes) -> Response:
    """The scan as uploaded, to download, under a name that says what it is."""
    ext = SCAN_EXTENSIONS.get(record.media_type, "bin")
    return Response(
        content,
        mimetype=record.media_type,
        headers={
            "Content-Disposition": (
                f'attachment; filename="handout-{record.voucher_id}-scan-{record.id}.{ext}"'
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@blp.route("/donations/handouts/<int:voucher>/scans")
class Scans(MethodView):
    def get(self, org: str, voucher: int) -> dict[str, Any]:
        """The scans of the signed hand-out list of one hand-out voucher, in the order uploaded,
        each with its SHA-256."""
        return {"items": [present_scan(org, s) for s in svc.scans(uow(), actor(), org, voucher)]}

    @blp.doc(**FILE_UPLOAD)
    def post(self, org: str, voucher: int) -> tuple[dict[str, Any], int]:
        """Attach the signed (or thumb-printed) hand-out list as scanned or photographed: field
        ``file``, a PDF, JPEG or PNG file of at most 8 MB, its type told by its content. Its
        SHA-256 is recorded; a list scanned again is kept beside the first. Too large, empty or
        of another type → 422 naming ``file``; a voucher with no hand-out here → 404."""
        filename, content = uploaded_scan()
        record = svc.attach_scan(uow(), actor(), org, voucher, filename, content)
        return present_scan(org, record), 201


@blp.route("/donations/handouts/<int:voucher>/scans/<int:scan>")
@blp.doc(
    responses={
        "200": {
            "description": "The scan as uploaded (PDF, JPEG or PNG).",
            "content": {t: {} for t in SCAN_EXTENSIONS},
        }
    }
)
def scan_download(org: str, voucher: int, scan: int) -> Response:
    """The scan as uploaded."""
    record, content = svc.scan_file(uow(), actor(), org, voucher, scan)
    return scan_response(record, content)
