"""The household portal: a household's own records (one per organization it belongs to), the
last distributed year's amounts and their reasons, its statements and its member accounts."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, current_app, render_template, send_file

from coopledger.adapters import speech
from coopledger.services import household_statements
from coopledger.services import shares as share_svc
from coopledger.services.clock import utcnow
from coopledger.services.household_portal import (
    household_statement_in,
    membership_in,
    memberships_of,
)
from coopledger.services.print_contexts import member_account_print_context
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, lang, login_required, signed_in
from coopledger.web.responses import inline_pdf
from coopledger.web.units import unit_of_work


@bp.route("/me")
@login_required
def me() -> Any:
    """A household sees its own records, its shares and its statements — nothing of anyone
    else; the last distributed year's amounts first, in large figures, and how they were
    reckoned."""
    who = signed_in()
    # reading the last statement issues its verification code the first time: a write
    year = utcnow().date().year
    homes = memberships_of(unit_of_work(), who, year)
    return render_template(
        "pages/me.html",
        homes=homes,
        year=year,
        explain_locale="en" if lang() == "en" else "zh",
        can_speak=speech.available(),
    )


@bp.route("/me/statements/<int:year>.pdf", defaults={"org_code": None})
@bp.route("/me/<org_code>/statements/<int:year>.pdf")
@login_required
def my_statement(year: int, org_code: str | None) -> Response:
    from coopledger.adapters.household_statement_pdf import issue_statement

    who = signed_in()
    base = household_statements.verification_base(
        current_app.extensions["coopledger"].settings.public_url
    )
    # issuing a statement records its verification code and its file: writes, even on GET
    s = household_statement_in(unit_of_work(), who, org_code, year)
    return inline_pdf(
        issue_statement(unit_of_work(), s, base, isolated=True, locale=lang()),
        f"statement-{s.org_code}-{s.member_no}-{year}",
    )


@bp.route("/me/account/<int:year>.pdf", defaults={"org_code": None})
@bp.route("/me/<org_code>/account/<int:year>.pdf")
@login_required
def my_account(year: int, org_code: str | None) -> Response:
    from coopledger.adapters.pdf import render_pdf_isolated

    who = signed_in()
    org, member = membership_in(uow(), who, org_code)
    acc = share_svc.member_account(uow(), who, org.code, member.member_no, year)
    context = member_account_print_context(acc, org.name, member.id_number)
    return inline_pdf(
        render_pdf_isolated("pdf/member_account.html", context, locale=lang()),
        f"member-account-{org.code}-{member.member_no}-{year}",
    )


@bp.route("/verify/<code>/listen.wav")
def verify_listen(code: str) -> Response:
    """The statement with ``code`` read aloud in Mandarin (public, like its check: whoever holds
    the paper holds the code): its plain-words explanation with every figure in words, spoken by
    espeak-ng once per statement and kept in the instance folder with its text beside it.

    :raise NotFound: no statement has the code. 503 ``speech_unavailable`` without espeak-ng.
    """
    from coopledger.web.errors import problem

    statement = household_statements.statement_by_code(uow(), code)
    text = household_statements.spoken_explanation(statement)
    folder = current_app.extensions["coopledger"].settings.instance_path / "speech"
    try:
        wav = speech.spoken(text, folder, statement.issued.code)
    except speech.SpeechUnavailable as error:
        return problem(503, "speech_unavailable", str(error))
    # from memory (a few hundred KB), so no file stays open past the response; ranges served
    return send_file(
        io.BytesIO(wav.read_bytes()), mimetype="audio/wav", conditional=True, max_age=3600
    )
