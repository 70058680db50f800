"""受赠物资: goods received from donors (and equipment given, registered as a fixed asset), the stock by item, the hand-out form and the hand-out
lists (each printable for the households' signatures) — forms over the service the API calls.

The receive form takes up to :data:`ITEM_ROWS` items; the hand-out form one item for many
households, one household a line (``户号 数量 [领取人]``). A refused form shows each problem
beside its field and keeps what was typed."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset
from coopledger.domain.bounds import MAX_LIFE_MONTHS
from coopledger.domain.donations import MAX_SCAN_BYTES, Basis, Item
from coopledger.domain.errors import DomainError, Forbidden, ValidationFailed
from coopledger.domain.money import AmountError, format_amount, format_quantity, parse_quantity
from coopledger.domain.roles import Action, Actor
from coopledger.services import donations as svc
from coopledger.services import orgs as org_svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.api.donations import handout_print_context, scan_response, uploaded_scan
from coopledger.web.pages.common import bp, lang, login_required, signed_in
from coopledger.web.pages.forms import Form
from coopledger.web.pages.registers import ASSET_CLASS, ASSET_NO_RE, ASSET_USE
from coopledger.web.responses import inline_pdf

#: item rows on the receive form
ITEM_ROWS = 4
BASIS = {
    "donor_invoice": _l("捐赠方发票"),
    "market_price": _l("市场价格"),
    "nominal": _l("名义金额（1 元）"),
}
ITEM_FIELDS = ("name", "unit", "quantity", "value")
RECEIVE_FIELDS = (
    "donor",
    "date",
    "basis",
    "evidence",
    *(f"{part}{n}" for n in range(ITEM_ROWS) for part in ITEM_FIELDS),
)
HANDOUT_FIELDS = ("item", "handed_on", "households")
EQUIPMENT_FIELDS = (
    "donor",
    "date",
    "basis",
    "evidence",
    "asset_no",
    "name",
    "category",
    "class",
    "use",
    "value",
    "salvage",
    "useful_life_months",
)


def _(text: str, **values: Any) -> str:
    return str(gettext(text, **values))


@bp.app_template_filter("quantity")
def quantity(milli: int) -> str:
    """Thousandths of a unit as a person writes the quantity (``2.5``)."""
    return format_quantity(milli)


def _may_manage(who: Actor) -> None:
    if not who.may(Action.MANAGE_REGISTERS):
        raise Forbidden("the role may not manage the registers")


@bp.route("/orgs/<org>/donations", methods=["GET", "POST"])
@login_required
def donations(org: str) -> Any:
    """Stock by item, the forms to receive goods and to hand them out, the hand-out lists."""
    who = signed_in()
    the_org = org_svc.get_org(uow(), who, org)
    today = utcnow().date().isoformat()
    receive = Form({"date": today, "basis": "donor_invoice"}, RECEIVE_FIELDS)
    handout = Form({"handed_on": today}, HANDOUT_FIELDS)
    equipment = Form(
        {
            "date": today,
            "basis": "donor_invoice",
            "class": "public_welfare",
            "use": "public_welfare",
        },
        EQUIPMENT_FIELDS,
    )
    status = 200
    scan_errors: dict[int, str] = {}
    if request.method == "POST":
        _may_manage(who)
        if request.args.get("form") == "scan":
            done = _attach_scan(org, who, scan_errors)
        elif request.form.get("form") == "handout":
            handout = Form(request.form, HANDOUT_FIELDS)
            done = _hand_out(org, who, handout)
        elif request.form.get("form") == "equipment":
            equipment = Form(request.form, EQUIPMENT_FIELDS)
            done = _receive_equipment(org, who, equipment)
        else:
            receive = Form(request.form, RECEIVE_FIELDS)
            done = _receive(org, who, receive)
        if done:
            return redirect(url_for("pages.donations", org=org))
        status = 422
    stock = svc.stock(uow(), who, org)
    _org, rows = svc.handouts(uow(), who, org)
    lists = [(vid, list(group)) for vid, group in groupby(rows, key=lambda h: h.voucher_id)]
    scans: dict[int, list[Any]] = {}
    for scan in svc.scans(uow(), who, org):
        scans.setdefault(scan.voucher_id, []).append(scan)
    return render_template(
        "pages/donations.html",
        org=the_org,
        stock=stock,
        lists=lists,
        receive=receive,
        handout=handout,
        equipment=equipment,
        ASSET_CLASS=ASSET_CLASS,
        ASSET_USE=ASSET_USE,
        scans=scans,
        scan_errors=scan_errors,
        BASIS=BASIS,
        ITEM_ROWS=ITEM_ROWS,
    ), status


def _receive(org: str, who: Actor, form: Form) -> bool:
    donor = form.text("donor", required=True, max_length=200)
    on = form.day("date", required=True)
    basis = form.choice("basis", BASIS, "donor_invoice")
    evidence = form.text("evidence", max_length=400)
    items = []
    for n in range(ITEM_ROWS):
        if not any(form.values[f"{p}{n}"] for p in ITEM_FIELDS):
            continue
        name = form.text(f"name{n}", required=True, max_length=100)
        unit = form.text(f"unit{n}", required=True, max_length=20)
        quantity = form.quantity(f"quantity{n}")
        value = form.amount(f"value{n}", required=True)
        items.append(Item(name, unit, quantity or 0, value or 0))
    if not items:
        form.fail("name0", "required")
    if not form.ok or on is None:
        return False
    try:
        record, voucher = svc.receive(
            uow(), who, org, donor=donor, received_on=on, basis=Basis(basis),
            evidence=evidence, items=items,
        )  # fmt: skip
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden") and not exc.errors:
            raise
        _refused_items(form, exc)
        return False
    total = sum(i.item.value_fen for i in record.items)
    flash(
        _(
            "已登记 %(donor)s 捐赠的物资 %(n)s 项，价值 %(x)s 元；入账凭证草稿 %(id)s 待审核记账。",
            donor=record.donor,
            n=len(record.items),
            x=format_amount(total, grouped=True),
            id=voucher.id,
        ),
        "ok",
    )
    return True


def _receive_equipment(org: str, who: Actor, form: Form) -> bool:
    """Equipment given as a gift: a fixed asset registered and its voucher prepared."""
    donor = form.text("donor", required=True, max_length=200)
    on = form.day("date", required=True)
    basis = form.choice("basis", BASIS, "donor_invoice")
    evidence = form.text("evidence", max_length=400)
    asset_no = form.text("asset_no", required=True, max_length=40)
    if asset_no and not ASSET_NO_RE.fullmatch(asset_no):
        form.fail("asset_no", "letters, digits and hyphens, at most 40")
    name = form.text("name", required=True, max_length=200)
    category = form.text("category", max_length=100)
    asset_class = form.choice("class", ASSET_CLASS, "public_welfare")
    use = form.choice("use", ASSET_USE, "public_welfare")
    value = form.amount("value", required=True)
    salvage = form.amount("salvage")
    life = form.whole("useful_life_months", 1, MAX_LIFE_MONTHS, required=True)
    if not form.ok or on is None or value is None or life is None:
        return False
    card = FixedAsset(
        asset_no=asset_no,
        name=name,
        category=category,
        asset_class=AssetClass(asset_class),
        use=AssetUse(use),
        acquired_on=on,
        cost_fen=value,
        salvage_fen=salvage or 0,
        useful_life_months=life,
    )
    try:
        record, voucher, _fund = svc.receive_equipment(
            uow(), who, org, donor=donor, basis=Basis(basis), evidence=evidence, asset=card
        )
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden") and not exc.errors:
            raise
        renamed = {("value" if k == "cost" else k): v for k, v in exc.errors.items()}
        field = "asset_no" if exc.kind == "conflict" else None
        form.refused(type(exc)(str(exc), code=exc.code, params=exc.params, errors=renamed), field)
        return False
    flash(
        _(
            "已将 %(donor)s 捐赠的 %(name)s 登记为固定资产 %(no)s，价值 %(x)s 元；"
            "入账凭证草稿 %(id)s 待审核记账，按月计提折旧。",
            donor=donor,
            name=record.asset.name,
            no=record.asset.asset_no,
            x=format_amount(record.asset.cost_fen, grouped=True),
            id=voucher.id,
        ),
        "ok",
    )
    return True


def _attach_scan(org: str, who: Actor, errors: dict[int, str]) -> bool:
    """Attach the uploaded scan to the hand-out list named in the form; a refusal is kept in
    ``errors`` under the list's voucher, to show beside its upload field."""
    voucher_id = request.args.get("voucher", type=int) or 0
    try:
        filename, content = uploaded_scan()
        record = svc.attach_scan(uow(), who, org, voucher_id, filename, content)
    except ValidationFailed as exc:
        problem = " ".join(exc.errors.get("file", []))
        if problem.startswith("must be at most"):
            text = _(
                "文件不能超过 %(n)s MB，请降低分辨率重新扫描。", n=MAX_SCAN_BYTES // 1024 // 1024
            )
        elif problem.startswith("must be a"):
            text = _("只接受 PDF、JPEG 或 PNG 文件。")
        else:
            text = _("请选择签收表的扫描件或照片。")
        errors[voucher_id] = text
        return False
    flash(
        _(
            "已附上发放凭证 %(id)s 的签收表扫描件，SHA-256 %(sha)s。",
            id=record.voucher_id,
            sha=record.sha256,
        ),
        "ok",
    )
    return True


def _refused_items(form: Form, exc: DomainError) -> None:
    """The service's ``items.<i>.<field>`` keys put beside the form's row fields."""
    renamed = {}
    for key, messages in exc.errors.items():
        parts = key.split(".")
        renamed[f"{parts[2]}{parts[1]}" if len(parts) == 3 else key] = messages
    form.refused(type(exc)(str(exc), code=exc.code, params=exc.params, errors=renamed))


def _hand_out(org: str, who: Actor, form: Form) -> bool:
    item = form.whole("item", 1, 999_999_999, required=True)
    on = form.day("handed_on", required=True)
    text = form.values["households"] = request.form.get("households", "").strip()[:20_000]
    lines = []
    for n, row in enumerate(text.splitlines(), start=1):
        parts = row.split(maxsplit=2)
        if not parts:
            continue
        try:
            quantity = parse_quantity(parts[1]) if len(parts) > 1 else None
        except AmountError:
            quantity = None
        if quantity is None:
            form.fail("households", f"line {n}: household number then quantity")
            continue
        received_by = parts[2] if len(parts) > 2 else ""
        lines.append(svc.HandoutLine(item or 0, parts[0], quantity, received_by[:100]))
    if not lines and form.ok:
        form.fail("households", "required")
    if not form.ok or on is None:
        return False
    try:
        rows, voucher = svc.hand_out(uow(), who, org, handed_on=on, lines=lines)
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden") and not exc.errors:
            raise
        form.refused(type(exc)(str(exc), code=exc.code, params=exc.params), "households")
        return False
    flash(
        _(
            "已向 %(n)s 户发放物资，价值 %(x)s 元；发放凭证草稿 %(id)s 待审核记账。",
            n=len({r.member_no for r in rows}),
            x=format_amount(sum(r.value_fen for r in rows), grouped=True),
            id=voucher.id,
        ),
        "ok",
    )
    return True


@bp.route("/orgs/<org>/donations/handouts/<int:voucher_id>.pdf")
@login_required
def donation_handouts_pdf(org: str, voucher_id: int) -> Response:
    """The hand-out list of one hand-out voucher, printed for signatures or thumbprints."""
    from coopledger.adapters.pdf import render_pdf_isolated

    organization, rows = svc.handouts(uow(), signed_in(), org, voucher_id=voucher_id)
    context = handout_print_context(organization, rows, voucher_id)
    return inline_pdf(
        render_pdf_isolated("pdf/donation_handouts.html", context, locale=lang()),
        f"handouts-{org}-{voucher_id}",
    )


@bp.route("/orgs/<org>/donations/handouts/<int:voucher_id>/scans/<int:scan_id>")
@login_required
def donation_handout_scan(org: str, voucher_id: int, scan_id: int) -> Response:
    """The signed hand-out list's scan, as uploaded."""
    record, content = svc.scan_file(uow(), signed_in(), org, voucher_id, scan_id)
    return scan_response(record, content)
