"""``/api/v1/orgs/{org}/imports`` and ``…/exports/{what}``: spreadsheets in, data out.

An import is a ``multipart/form-data`` upload (field ``file``, at most 50 MB): a dry run answers
200 with every problem; a real run answers 201 with what it created, or 422 naming each problem
(``rows.<n>.<column>``) and writes nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

import marshmallow as ma
from flask import Response, request

from coopledger.adapters.exporting import MEDIA_TYPES, export, filename
from coopledger.adapters.spreadsheets import read_table, write_template
from coopledger.domain.exports import EXPORTS, FORMATS
from coopledger.domain.imports import KINDS, MAX_FILE_BYTES, template
from coopledger.services import imports as svc
from coopledger.web.api.common import FILE_UPLOAD, Blueprint, actor, uow
from coopledger.web.api.fields import Day
from coopledger.web.errors import problem

blp = Blueprint(
    "transfer",
    __name__,
    url_prefix="/api/v1",
    description="Import spreadsheets; export the books as CSV, XLSX or Beancount.",
)
#: the multipart envelope around a file of the largest size
MAX_UPLOAD = MAX_FILE_BYTES + 64 * 1024


class ImportArgs(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    dry_run = ma.fields.Boolean(load_default=False)
    post = ma.fields.Boolean(load_default=False)
    date = Day(load_default=None, metadata={"description": "opening balances: their date"})
    from_chart = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf(["cooperative-2007", "village-2004"])
    )


class ProblemOut(ma.Schema):
    row = ma.fields.Integer()
    column = ma.fields.String()
    key = ma.fields.String()
    message = ma.fields.String()


class CreatedOut(ma.Schema):
    key = ma.fields.String()
    id = ma.fields.Integer()
    status = ma.fields.String()
    number = ma.fields.String(allow_none=True)


class MappedOut(ma.Schema):
    old_code = ma.fields.String()
    old_name = ma.fields.String()
    new_code = ma.fields.String()
    new_name = ma.fields.String()
    note = ma.fields.String()


class ReportOut(ma.Schema):
    org = ma.fields.String()
    kind = ma.fields.String()
    dry_run = ma.fields.Boolean()
    ok = ma.fields.Boolean()
    rows = ma.fields.Integer()
    created = ma.fields.Integer()
    skipped = ma.fields.Integer()
    vouchers = ma.fields.List(ma.fields.Nested(CreatedOut))
    mapping = ma.fields.List(ma.fields.Nested(MappedOut))
    problems = ma.fields.List(ma.fields.Nested(ProblemOut))


class ExportArgs(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(FORMATS))
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=2000, max=2100))


class TemplateArgs(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(["csv", "xlsx"]))


@blp.post("/orgs/<org>/imports")
@blp.arguments(ImportArgs, location="query")
@blp.response(201, ReportOut)
@blp.doc(**FILE_UPLOAD)
def import_file(args: dict[str, Any], org: str) -> Any:
    """Import a CSV or XLSX file of members, accounts, opening balances, vouchers,
    transactions or assets (all rows or none; a dry run writes nothing)."""
    if (request.content_length or 0) > MAX_UPLOAD:
        return problem(
            413,
            "too_large",
            f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB; split it into several files",
        )
    upload = request.files.get("file")
    if upload is None:
        return problem(
            422,
            "validation_failed",
            "file: send the spreadsheet as multipart field 'file'",
            {"file": ["missing"]},
        )
    data = upload.read()
    name = upload.filename or ""
    table = read_table(data, name)
    options = svc.Options(
        dry_run=args["dry_run"],
        post=args["post"],
        on=args["date"],
        legacy_chart=args["from_chart"],
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    report = svc.import_table(uow(), actor(), org, args["kind"], table, options)
    body = {
        "org": report.org,
        "kind": report.kind,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "rows": report.rows,
        "created": report.created,
        "skipped": report.skipped,
        "vouchers": report.vouchers,
        "mapping": report.mapping,
        "problems": report.problems,
    }
    return body, 200 if report.dry_run else 201


@blp.get("/orgs/<org>/exports/<what>")
@blp.arguments(ExportArgs, location="query")
@blp.response(200)
def export_data(args: dict[str, Any], org: str, what: str) -> Response:
    """The organization's vouchers, members, trial balance, assets, shares or distributions as
    CSV or XLSX; ``format=beancount`` gives the whole posted ledger as a Beancount file."""
    if what not in EXPORTS:
        return problem(404, "not_found", f"no export {what!r}; one of {', '.join(EXPORTS)}")
    data, _rows = export(uow, actor(), org, what, args["format"], args["year"])
    name = filename(org, what, args["format"], args["year"])
    return Response(
        data,
        mimetype=MEDIA_TYPES[args["format"]].split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.get("/imports/templates/<kind>")
@blp.arguments(TemplateArgs, location="query")
@blp.response(200)
def import_template(args: dict[str, Any], kind: str) -> Response:
    """An empty file with the header row of an import kind."""
    if kind not in KINDS:
        return problem(404, "not_found", f"no import kind {kind!r}; one of {', '.join(KINDS)}")
    xlsx = args["format"] == "xlsx"
    return Response(
        write_template(template(kind), xlsx),
        mimetype=MEDIA_TYPES[args["format"]].split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="{kind}.{args["format"]}"'},
    )
