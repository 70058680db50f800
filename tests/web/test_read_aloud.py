"""听读: a statement's explanation read aloud in Mandarin, from /me and from the public check,
spoken by espeak-ng on the server, kept with its text, figures said in words."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coopledger.adapters import speech
from coopledger.domain.capitals import to_chinese_words
from coopledger.services import auth, household_statements
from tests.builders import plan_paid_in_part
from tests.conftest import Books

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="Debian's espeak-ng is not installed"
)


def _codes(books: Books) -> dict[str, household_statements.Statement]:
    """The 2025 statement of household 1 (topped up to its guarantee) and of household 2."""
    plan_paid_in_part(books)
    acc = auth.actor_named(books.uow(), "acc")
    return {
        no: household_statements.household_statement(books.uow(), acc, "coop", no, 2025)
        for no in ("1", "2")
    }


def _seconds(data: bytes, tmp: Path) -> float:
    path = tmp / "heard.wav"
    path.write_bytes(data)
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@needs_espeak
def test_a_longer_explanation_is_spoken_for_longer(
    books: Books, app: Flask, tmp_path: Path
) -> None:
    statements = _codes(books)
    texts = {no: household_statements.spoken_explanation(s) for no, s in statements.items()}
    assert len(texts["1"]) > len(texts["2"])  # household 1's top-up takes one sentence more
    heard = {}
    for no, s in statements.items():
        response = books.client.get(f"/verify/{s.issued.code}/listen.wav")
        assert response.status_code == 200 and response.mimetype == "audio/wav"
        heard[no] = _seconds(response.data, tmp_path)
    assert heard["1"] > heard["2"] > 3


@needs_espeak
def test_the_text_kept_beside_the_audio_says_the_amount_in_words(books: Books, app: Flask) -> None:
    s = _codes(books)["1"]
    assert books.client.get(f"/verify/{s.issued.code}/listen.wav").status_code == 200
    folder = app.extensions["coopledger"].settings.instance_path / "speech"
    (wav,) = folder.glob(f"{s.issued.code}-*.wav")
    text = wav.with_suffix(".txt").read_text(encoding="utf-8")
    assert f"应得{to_chinese_words(s.line.total_fen)}" in text
    assert "已付五千元" in text and "二零二五年" in text and "百分之二十五" in text
    assert "王秀英" not in text  # the public check names no household
    # spoken once: asking again gives the same file
    again = books.client.get(f"/verify/{s.issued.code}/listen.wav")
    assert again.status_code == 200 and len(list(folder.glob("*.wav"))) == 1


@needs_espeak
def test_the_portal_and_the_check_offer_the_button(books: Books, signed_in: Any) -> None:
    s = _codes(books)["1"]
    me = signed_in("hh1").get("/me").get_data(as_text=True)
    assert 'data-listen="audio-coop"' in me and "听读" in me
    assert f'src="/verify/{s.issued.code}/listen.wav"' in me
    checked = books.client.get(f"/verify/{s.issued.code}").get_data(as_text=True)
    assert f'src="/verify/{s.issued.code}/listen.wav"' in checked
    english = signed_in("hh1").get("/me?lang=en").get_data(as_text=True)
    assert "Read aloud" in english


def test_an_unknown_code_is_not_found(books: Books) -> None:
    assert books.client.get("/verify/0000000000000000/listen.wav").status_code == 404


def test_without_espeak_the_button_is_not_offered(
    books: Books, signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _codes(books)["1"]
    monkeypatch.setattr(speech, "ESPEAK", "espeak-ng-not-installed")
    assert "data-listen" not in signed_in("hh1").get("/me").get_data(as_text=True)
    refused = books.client.get(f"/verify/{s.issued.code}/listen.wav")
    assert refused.status_code == 503 and refused.json["code"] == "speech_unavailable"
