"""PDF rendering: CJK text, amounts in capitals, and a fetcher that
loads only the shipped assets — hostile text stays text, nothing else is ever fetched."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from coopledger.adapters import pdf
from coopledger.adapters.pdf import (
    ASSETS,
    TEMPLATES,
    AssetFetcher,
    NoCJKFontError,
    PdfError,
    format_money,
    render_html,
    render_pdf,
)
from coopledger.adapters.pdf_cache import DEFAULT_LIMIT, RENDERED, RenderCache
from coopledger.config import Settings
from coopledger.web.app import create_app
from tests.builders import text_of

#: markup that would load files or URLs, typed into every text field that reaches the voucher print
PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<link rel=stylesheet href="http://169.254.169.254/latest/meta-data/">',
    "<style>@import url(http://127.0.0.1:5432/);</style>",
    '<img src="http://attacker.invalid/redirect-to-file">',
    '<img src="file:///dev/urandom">',
]


def context(memo: str = "收到股金", name: str = "绿源大蒜种植专业合作社") -> dict[str, Any]:
    return {
        "org": {"code": "coop", "name": name},
        "voucher": {
            "number": "记-2026-03-0001",
            "date": "2026-03-10",
            "attachments": 2,
            "memo": memo,
            "status": "posted",
            "prepared_by": "acc",
            "reviewed_by": "rev",
            "posted_by": "acc",
            "chain_seq": 1,
            "prev_hash": "0" * 64,
            "hash": "ab" * 32,
        },
        "lines": [
            {
                "memo": memo,
                "account_code": "102",
                "account_name": "银行存款",
                "member": None,
                "fund": None,
                "debit_fen": 1_234_567,
                "credit_fen": None,
            },
            {
                "memo": "王秀英入股",
                "account_code": "301",
                "account_name": "股金",
                "member": "1",
                "fund": None,
                "debit_fen": None,
                "credit_fen": 1_234_567,
            },
        ],
        "total_debit_fen": 1_234_567,
        "total_credit_fen": 1_234_567,
    }


def attachments_of(document: bytes) -> dict[str, Any]:
    reader = PdfReader(io.BytesIO(document))
    names = reader.trailer["/Root"].get("/Names")
    embedded = names.get_object().get("/EmbeddedFiles") if names is not None else None
    return {"names": embedded, **reader.attachments}


def test_voucher_print_has_the_chinese_text_and_the_capitals() -> None:
    fetcher = AssetFetcher()
    document = render_pdf("pdf/voucher.html", context(), fetcher=fetcher)
    assert document.startswith(b"%PDF-")
    text = text_of(document)
    for expected in (
        "记账凭证",
        "绿源大蒜种植专业合作社",
        "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
        "¥12,345.67",
        "记-2026-03-0001",
        "附单据数：2",
        "102银行存款",
        "王秀英入股",
        "ab" * 32,
    ):
        assert expected in text, expected
    assert fetcher.requested == [(ASSETS / "print.css").as_uri()] and fetcher.refused == []


def test_hostile_text_renders_literally_and_fetches_nothing() -> None:
    hostile = " ".join(PAYLOADS)
    fetcher = AssetFetcher()
    document = render_pdf(
        "pdf/voucher.html", context(memo=hostile, name=f"合作社{PAYLOADS[1]}"), fetcher=fetcher
    )
    text = text_of(document)
    for payload in PAYLOADS:
        assert "".join(payload.split()) in text, payload
    assert fetcher.refused == []
    assert all(url.startswith(ASSETS.as_uri() + "/") for url in fetcher.requested)
    assert attachments_of(document) == {"names": None}
    assert b"/EmbeddedFiles" not in document
    assert Path("/etc/passwd").read_bytes()[:20] not in document


def test_the_html_is_autoescaped() -> None:
    html = render_html("pdf/voucher.html", context(memo=PAYLOADS[0]))
    assert PAYLOADS[0] not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html


def test_undefined_names_are_errors() -> None:
    data = context()
    del data["total_credit_fen"]
    with pytest.raises(Exception, match="total_credit_fen"):
        render_html("pdf/voucher.html", data)


def test_only_html_templates() -> None:
    with pytest.raises(PdfError):
        render_pdf("pdf/print.css", context())


def test_a_render_that_asks_for_forbidden_urls_gets_none_of_them(tmp_path: Path) -> None:
    """Markup that did reach WeasyPrint (not through our templates) still loads nothing."""
    fetcher = AssetFetcher()
    secret = tmp_path / "config.py"
    secret.write_text("SECRET_KEY = 'marker-5f2c9e0b-never-in-a-pdf'\n", encoding="utf-8")
    forbidden = [
        "file:///etc/passwd",
        secret.as_uri(),
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:5432/",
        (ASSETS / ".." / "index.html").as_uri(),
    ]
    html = (
        f'<link rel="attachment" href="{forbidden[1]}">'
        f'<link rel="stylesheet" href="{forbidden[2]}">'
        f"<style>@import url({forbidden[3]});</style>"
        f'<img src="{forbidden[0]}"><img src="{forbidden[4]}">'
        "<p style=\"font-family: 'Noto Serif CJK SC'\">正文</p>"
    )
    document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted(fetcher.requested)
    assert set(fetcher.refused) >= {forbidden[0], forbidden[1], forbidden[2], forbidden[3]}
    assert attachments_of(document) == {"names": None}
    assert b"marker-5f2c9e0b" not in document


def test_the_attachment_check_is_not_vacuous() -> None:
    """data: URLs are allowed, so a data: attachment is embedded — and the check sees it."""
    html = '<link rel="attachment" href="data:text/plain,hello" title="x.txt"><p>x</p>'
    document = HTML(string=html, url_fetcher=AssetFetcher()).write_pdf()
    assert attachments_of(document)["names"] is not None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        (ASSETS / ".." / "index.html").as_uri(),
        (ASSETS / "missing.css").as_uri(),
        (ASSETS / "print.css").as_uri().replace("file://", "file://evil.example"),
        (ASSETS / "print.css").as_uri() + "?x=1",
        "http://127.0.0.1:9/",
        "https://example.invalid/font.woff2",
        "ftp://example.invalid/x",
        "FILE:///etc/passwd",
    ],
)
def test_the_fetcher_refuses_and_records(url: str) -> None:
    fetcher = AssetFetcher()
    with pytest.raises((URLFetchingError, ValueError)):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.requested == [url]


def test_the_fetcher_serves_the_shipped_assets_and_data_urls() -> None:
    fetcher = AssetFetcher()
    css = fetcher.fetch((ASSETS / "print.css").as_uri())
    assert b"@page" in css.read() and css.content_type == "text/css"
    data = fetcher.fetch("data:text/plain;base64,5Lit5paH")
    assert data.read().decode() == "中文"
    assert fetcher.refused == []


def test_no_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "cjk_font_families", lambda: ())
    with pytest.raises(NoCJKFontError, match="fonts-noto-cjk"):
        render_pdf("pdf/voucher.html", context())


def test_a_cjk_font_is_installed() -> None:
    assert pdf.cjk_font_families(), "install fonts-noto-cjk (see .ci/run)"


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (5, "0.05"), (123_456_789, "1,234,567.89"), (-150, "-1.50"), (None, "")],
)
def test_format_money(fen: int | None, text: str) -> None:
    assert format_money(fen) == text


def test_format_money_with_the_symbol() -> None:
    assert format_money(100_000, symbol=True) == "¥1,000.00"


def test_templates_never_turn_escaping_off() -> None:
    """R3: no ``|safe``, ``Markup(`` or ``autoescape false`` in any template."""
    pattern = re.compile(r"\|\s*safe\b|Markup\(|autoescape\s+false", re.IGNORECASE)
    offenders = [
        str(path)
        for path in TEMPLATES.rglob("*")
        if path.is_file() and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def hostile_voucher(lines: int = 3_000) -> dict[str, Any]:
    """A hostile document: thousands of lines, a 100 KB memo, deeply nested markup as text."""
    big = context(memo="<b>" * 2_000 + "长" * 100_000)
    big["lines"] = big["lines"] * (lines // 2)
    return big


def test_the_isolated_render_gives_the_same_document() -> None:
    direct = text_of(render_pdf("pdf/voucher.html", context()))
    isolated = text_of(pdf.render_pdf_isolated("pdf/voucher.html", context()))
    assert isolated == direct and "壹万贰仟叁佰肆拾伍元陆角柒分" in isolated


def test_a_render_past_its_time_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    # room enough in memory that the clock, not the memory limit, is what stops this render
    # (on a fast machine the hostile voucher reaches +512 MB within half a second)
    monkeypatch.setattr(pdf, "RENDER_EXTRA_MEMORY", 16 * 1024 * 1024 * 1024)
    with pytest.raises(pdf.RenderLimitError, match=r"longer than 0\.5 s"):
        pdf.render_pdf_isolated("pdf/voucher.html", hostile_voucher(), seconds=0.5)
    # and the next render in this process is unaffected
    assert "记账凭证" in text_of(pdf.render_pdf_isolated("pdf/voucher.html", context()))


def test_a_render_past_its_memory_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "RENDER_EXTRA_MEMORY", 8 * 1024 * 1024)
    with pytest.raises(pdf.RenderLimitError):
        pdf.render_pdf_isolated("pdf/voucher.html", hostile_voucher(400))


def test_errors_in_the_child_come_back_as_pdf_errors() -> None:
    with pytest.raises(PdfError, match="UndefinedError"):
        pdf.render_pdf_isolated("pdf/voucher.html", {"org": {}})


# -- languages -----------------------------------------------------------------------------------


def test_a_document_in_english_translates_its_labels_not_its_data() -> None:
    fetcher = AssetFetcher()
    data = context(memo=PAYLOADS[0])
    document = render_pdf("pdf/voucher.html", data, fetcher=fetcher, locale="en")
    text = text_of(document)
    for expected in (
        "Voucher",
        "Date:2026-03-10",
        "Attachments:2",
        "Totalinwords(Chinesecapitals):人民币壹万贰仟叁佰肆拾伍元陆角柒分",
        "Preparedby:acc",
        "Reviewedby:rev",
        "Page1of1",
        "绿源大蒜种植专业合作社",  # data stays as it is
        "102银行存款",
        "王秀英入股",
    ):
        assert expected in text, expected
    for chinese in ("记账凭证", "附单据数", "合计（大写）", "制单", "第1页"):
        assert chinese not in text, chinese
    assert fetcher.requested == [(ASSETS / name).as_uri() for name in ("print.css", "en.css")]
    html = render_html("pdf/voucher.html", data, "en")
    assert '<html lang="en">' in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    chinese = render_html("pdf/voucher.html", data)
    assert '<html lang="zh-CN">' in chinese and "en.css" not in chinese


def test_a_document_in_an_unknown_language_is_refused() -> None:
    with pytest.raises(PdfError, match="not 'fr'"):
        render_html("pdf/voucher.html", context(), "fr")


def test_each_render_keeps_its_own_language_across_threads() -> None:
    """The gettext goes with the render's context, not the shared environment."""
    from concurrent.futures import ThreadPoolExecutor

    def render(i: int) -> tuple[str, str]:
        locale = ("zh", "en")[i % 2]
        return locale, render_html("pdf/voucher.html", context(), locale)

    with ThreadPoolExecutor(max_workers=8) as pool:
        for locale, html in pool.map(render, range(64)):
            assert ("制单：acc" in html) is (locale == "zh")
            assert ("Prepared by: acc" in html) is (locale == "en")


# -- the render cache ----------------------------------------------------------------------------


def test_a_document_rendered_again_is_the_same_file_without_a_second_layout() -> None:
    first = render_pdf("pdf/voucher.html", context())
    assert RENDERED.hits == 0
    again = pdf.render_pdf_isolated("pdf/voucher.html", context())  # no fork: from the cache
    assert again == first and RENDERED.hits == 1
    other = render_pdf("pdf/voucher.html", context(memo="收到股金（补）"))
    assert other != first and RENDERED.hits == 1
    RENDERED.clear()
    assert text_of(render_pdf("pdf/voucher.html", context())) == text_of(first)


def test_an_archival_document_is_kept_only_with_its_creation_time() -> None:
    figures = {"total_fen": 1_234_567}
    created = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    archived = render_pdf("pdf/voucher.html", context(), figures=figures, created=created)
    assert render_pdf("pdf/voucher.html", context(), figures=figures, created=created) == archived
    assert RENDERED.hits == 1
    later = datetime(2026, 3, 11, 9, 30, tzinfo=UTC)
    assert render_pdf("pdf/voucher.html", context(), figures=figures, created=later) != archived
    # without a creation time the embedded file would carry each render's own time: not kept
    render_pdf("pdf/voucher.html", context(), figures=figures)
    render_pdf("pdf/voucher.html", context(), figures=figures)
    assert RENDERED.hits == 1


def test_an_application_configured_without_a_cache_renders_each_time(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"COOPLEDGER_PDF_CACHE_MB": "0", "COOPLEDGER_INSTANCE_PATH": str(tmp_path)}
    )
    try:
        create_app(replace(settings, secret_key="s", testing=True))
        assert RENDERED.limit == 0
        render_pdf("pdf/voucher.html", context())
        render_pdf("pdf/voucher.html", context())
        assert RENDERED.hits == 0 and RENDERED.size == 0
    finally:
        RENDERED.resize(DEFAULT_LIMIT)


def test_the_cache_drops_the_least_recently_used_past_its_limit() -> None:
    cache = RenderCache(limit=25)
    renders: list[str] = []

    def render(html: str) -> bytes:
        renders.append(html)
        return html.encode() * 10

    for html in ("a", "b", "a", "c", "a", "b"):
        cache.get_or_render(html, None, None, functools.partial(render, html))
    # "a" stayed in use; "b" was dropped when "c" came in, so it was laid out again
    assert renders == ["a", "b", "c", "b"] and cache.hits == 2
    assert cache.size <= 25
    too_big = cache.get_or_render("d" * 30, None, None, lambda: b"x" * 30)
    assert too_big == b"x" * 30 and cache.size <= 25
