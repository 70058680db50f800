"""Donations in kind (受赠物资): goods received, their stock, and the hand-outs to households."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView

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


class DonationIn(ma.Schema):
    donor = Text(required=True, max_length=200, min_length=1)
    date = Day(required=True)
    basis = ma.fields.Enum(Basis, by_value=True, required=True)
    evidence = Text(load_default="", max_length=2000)
    items = ma.fields.List(
        ma.fields.Nested(ItemIn), required=True, validate=ma.validate.Length(1, 200)
    )


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
        (产品物资) / Cr 专项基金 (公积公益金). Goods at the nominal amount are 1.00 yuan an item."""
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
