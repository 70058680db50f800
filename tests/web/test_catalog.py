"""Every text the pages and the PDF documents show has an English translation in the committed,
compiled catalog (the sources are those of the extract command in babel.cfg)."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "coopledger" / "translations" / "en" / "LC_MESSAGES"
SOURCES = [
    (
        ROOT / "templates",
        [
            ("*.html", "jinja2"),  # the public pages: landing, verification, disclosure
            ("pages/**.html", "jinja2"),
            ("pdf/**.html", "jinja2"),
        ],
    ),
    (ROOT / "coopledger" / "web" / "pages", [("**.py", "python")]),
    (ROOT / "coopledger" / "web" / "api", [("**.py", "python")]),  # N_-marked names
    (
        ROOT / "coopledger" / "services",
        [("household_statements.py", "python"), ("print_contexts.py", "python")],
    ),
]


def _msgids() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found: set[str] = set()
    for folder, method_map in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_msgid_has_an_english_translation() -> None:
    ids = _msgids()
    assert len(ids) > 150  # the extraction found the pages' texts
    # ... and the documents' (voucher print, statement, notice board, an N_-marked name)
    assert {"记账凭证", "合计（大写）：%(capitals)s", "一、收入项目", "经营性资产小计"} <= ids
    with (CATALOG / "messages.mo").open("rb") as fh:
        english = gettext.GNUTranslations(fh)
    missing = sorted(i for i in ids if english.gettext(i) == i)
    assert not missing, f"untranslated (run python -m coopledger.translations.english): {missing}"


def test_the_compiled_catalog_matches_its_source() -> None:
    with (CATALOG / "messages.po").open("rb") as fh:
        po = read_po(fh)
    with (CATALOG / "messages.mo").open("rb") as fh:
        english = gettext.GNUTranslations(fh)
    for message in po:
        if message.id:
            assert english.gettext(message.id) == message.string, message.id
