"""``/api/v1/orgs/{org}/statements/batches``: a year's household statements as a background job.

``POST {year, combined?}`` answers 202 with the batch's id; ``GET …/batches/{id}`` its progress
``{total, done, failed, state}`` and, once done, links to the PDFs (``…/files/{name}``). With a
queue configured (``COOPLEDGER_REDIS_URL``, read into the settings when the app starts) the batch
goes on the RQ queue (``coopledger worker`` renders it); without, a local process of this machine
renders it. Either way its state is its folder under
the instance folder (``statement-batches/{org}/{id}``), which every web process and worker reads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import marshmallow as ma
from flask import current_app, send_file, url_for
from flask.views import MethodView

from coopledger.adapters import household_statement_batch as sb
from coopledger.domain.errors import NotFound
from coopledger.web.api.common import Blueprint, actor, uow
from coopledger.web.api.fields import Year

blp = Blueprint(
    "batches",
    __name__,
    url_prefix="/api/v1/orgs/<org>/statements/batches",
    description="A year's household statements rendered in the background, with progress.",
)


class BatchIn(ma.Schema):
    year = Year(required=True, min_year=1990)
    combined = ma.fields.Boolean(
        load_default=False, metadata={"description": "one PDF with a page per household"}
    )


class FileOut(ma.Schema):
    name = ma.fields.String()
    url = ma.fields.String()
    bytes = ma.fields.Integer()


class BatchOut(ma.Schema):
    id = ma.fields.String()
    org = ma.fields.String()
    year = ma.fields.Integer()
    combined = ma.fields.Boolean()
    mode = ma.fields.String(metadata={"description": "queue (RQ workers) or local (processes)"})
    total = ma.fields.Integer()
    done = ma.fields.Integer()
    failed = ma.fields.Integer()
    state = ma.fields.String(metadata={"description": "queued, running, done or failed"})
    error = ma.fields.String(allow_none=True)
    files = ma.fields.List(ma.fields.Nested(FileOut))


def _folder(org: str, batch_id: str | None = None) -> Path:
    base = Path(current_app.extensions["coopledger"].settings.instance_path) / "statement-batches"
    return base / org if batch_id is None else base / org / batch_id


def _spec(org: str, batch_id: str) -> sb.BatchSpec:
    try:
        spec = sb.load_spec(_folder(org, batch_id), batch_id)
    except (FileNotFoundError, ValueError) as exc:
        raise NotFound(f"statement batch {batch_id!r} not found") from exc
    if spec.org != org:
        raise NotFound(f"statement batch {batch_id!r} not found")
    return spec


def _present(spec: sb.BatchSpec) -> dict[str, Any]:
    if spec.queue is not None:
        from coopledger.adapters import jobs

        redis_url = current_app.extensions["coopledger"].settings.queue_redis_url
        if not redis_url:
            raise NotFound("the job queue of this batch is not configured here")
        st = jobs.status(jobs.connect(redis_url), spec, spec.queue)
        total, done, failed, state, error = st.total, st.done, st.failed, st.state, None
    else:
        p = sb.progress(spec)
        total, done, error = p.total, p.done, p.error
        failed = total - done if error else 0
        state = "done" if p.finished else "failed" if error else "running" if done else "queued"
    files = []
    if state == "done":
        for path in sb.batch_files(spec):
            files.append(
                {
                    "name": path.name,
                    "url": url_for(
                        "batches.batch_file", org=spec.org, batch_id=spec.id, name=path.name
                    ),
                    "bytes": path.stat().st_size,
                }
            )
    return {
        "id": spec.id,
        "org": spec.org,
        "year": spec.year,
        "combined": spec.combined,
        "mode": "queue" if spec.queue else "local",
        "total": total,
        "done": done,
        "failed": failed,
        "state": state,
        "error": error,
        "files": files,
    }


@blp.route("")
class Batches(MethodView):
    @blp.arguments(BatchIn)
    @blp.response(202, BatchOut)
    @blp.doc(
        description="Start rendering every household's statement of a year (the posted plan). "
        "404 when the year has no posted distribution."
    )
    def post(self, data: dict[str, Any], org: str) -> Any:
        from coopledger.adapters import jobs

        batch_id = sb.new_batch_id()
        out_dir = _folder(org, batch_id)
        settings = current_app.extensions["coopledger"].settings
        redis_url = settings.queue_redis_url
        queue = settings.queue_name if redis_url else None
        who = actor()
        spec = sb.plan_batch(
            uow(),
            who,
            org=org,
            year=data["year"],
            out_dir=out_dir,
            base_url=settings.public_url,
            username=who.username,
            combined=data["combined"],
            batch_id=batch_id,
            queue=queue,
        )
        if redis_url and queue:
            jobs.enqueue_batch(jobs.connect(redis_url), spec, queue)
        else:
            sb.run_in_background(
                out_dir, spec.id, settings.database_url, min(2, os.cpu_count() or 1)
            )
        location = url_for("batches.batch", org=org, batch_id=spec.id)
        return _present(spec), 202, {"Location": location}


@blp.route("/<batch_id>", methods=["GET"])
@blp.response(200, BatchOut)
@blp.doc(description="Progress of a batch; when done, links to its PDFs.")
def batch(org: str, batch_id: str) -> Any:
    _check_org(org)
    return _present(_spec(org, batch_id))


@blp.route("/<batch_id>/files/<name>", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "One PDF of a finished batch.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
def batch_file(org: str, batch_id: str, name: str) -> Any:
    _check_org(org)
    spec = _spec(org, batch_id)
    if name not in spec.file_names():
        raise NotFound(f"{name!r} is not a file of batch {batch_id}")
    path = Path(spec.out_dir) / name
    if not path.is_file():
        raise NotFound(f"{name!r} is not written yet")
    return send_file(path, mimetype="application/pdf", download_name=name, max_age=0)


def _check_org(org: str) -> None:
    """404 for an organization the caller does not read (the policy table checked the role)."""
    from coopledger.domain.roles import Action
    from coopledger.services.access import org_for

    with uow() as w:
        org_for(w.store, actor(), org, Action.READ_BOOKS)
