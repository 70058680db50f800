"""Every refusal and audit finding a page shows is in the page's language: each error code and
finding code raised anywhere in the code base has its words in Chinese and English
(coopledger/web/pages/messages.py and the compiled catalog), each raise names the values its
words need, and real refusals and findings read in Chinese with no English, and the reverse."""

from __future__ import annotations

import ast
import gettext
import html as html_lib
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import coopledger
from coopledger.domain.errors import DomainError
from coopledger.web.pages.messages import ERROR_CODES, FINDINGS, SEVERITY, WORDS
from tests.builders import post_ok, voucher
from tests.conftest import Books
from tests.web.conftest import THREE_LINES

ROOT = Path(coopledger.__file__).resolve().parent
MO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PLAN = {"reserve_rate": "0.10", "patronage_ratio": "0.60"}


def _msgid(text: Any) -> str:
    """The Chinese text (the msgid) of a lazily translated message."""
    return str(text._args[0])


def _english() -> gettext.GNUTranslations:
    with MO.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def _error_classes() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages([str(ROOT)], "coopledger."):
        if module.name.startswith(("coopledger.domain", "coopledger.services")):
            importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    todo = [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def _calls() -> Iterator[tuple[Path, ast.Call, str]]:
    """Every call in the package, with the name it calls."""
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                yield path, node, name


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _raised_codes() -> dict[str, list[tuple[str, ast.Call]]]:
    """Each code given to a domain error where it is raised, with the places it is given."""
    errors = {cls.__name__: cls.code for cls in _error_classes()}
    errors["field_error"] = "validation_failed"
    found: dict[str, list[tuple[str, ast.Call]]] = {}
    for path, call, name in _calls():
        if name not in errors:
            continue
        code = _keyword(call, "code")
        if code is None:
            found.setdefault(errors[name], []).append((f"{path.name}:{call.lineno}", call))
        elif isinstance(code, ast.Constant) and isinstance(code.value, str):
            found.setdefault(code.value, []).append((f"{path.name}:{call.lineno}", call))
    return found


def _finding_calls() -> Iterator[tuple[str, str, str, ast.Call]]:
    """Each finding made anywhere: its code, severity, place and call."""
    for path, call, name in _calls():
        if name == "Finding" and len(call.args) >= 2:
            code, severity = call.args[0], call.args[1]
            if isinstance(code, ast.Constant) and isinstance(severity, ast.Constant):
                yield str(code.value), str(severity.value), f"{path.name}:{call.lineno}", call


def _keys(node: ast.expr | None) -> set[str] | None:
    """The keys of a dict written out, or None when it is not written out."""
    if not isinstance(node, ast.Dict):
        return None
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def test_every_error_code_has_words_in_chinese_and_english() -> None:
    codes = {cls.code for cls in _error_classes()} | set(_raised_codes())
    assert {"period_closed", "vouchers_pending", "plan_exists", "too_many_attempts"} <= codes
    missing = sorted(codes - set(ERROR_CODES))
    assert not missing, f"codes without words in coopledger/web/pages/messages.py: {missing}"
    english = _english()
    untranslated = sorted(
        c for c in codes if english.gettext(_msgid(ERROR_CODES[c])) == _msgid(ERROR_CODES[c])
    )
    assert not untranslated, f"no English (coopledger/translations/english.py): {untranslated}"


def test_every_raise_names_the_values_its_words_need() -> None:
    short = []
    for code, places in _raised_codes().items():
        needed = (
            set(PLACEHOLDER.findall(_msgid(ERROR_CODES[code]))) if code in ERROR_CODES else set()
        )
        for where, call in places:
            given = _keys(_keyword(call, "params")) or set()
            if needed - given:
                short.append(f"{where} {code}: {sorted(needed - given)}")
    assert not short, short


def test_every_finding_has_a_title_an_explanation_and_a_severity_in_both_languages() -> None:
    english = _english()
    made = list(_finding_calls())
    assert {c for c, *_ in made} >= {"voucher_unposted", "cash_negative", "chain_broken"}
    problems = []
    for code, severity, where, call in made:
        if severity not in SEVERITY:
            problems.append(f"{where}: severity {severity!r}")
        if code not in FINDINGS:
            problems.append(f"{where}: {code} has no words in coopledger/web/pages/messages.py")
            continue
        for text in FINDINGS[code]:
            if english.gettext(_msgid(text)) == _msgid(text):
                problems.append(f"{where}: {_msgid(text)!r} has no English")
        params = call.args[4] if len(call.args) > 4 else _keyword(call, "params")
        needed = set(PLACEHOLDER.findall(_msgid(FINDINGS[code][1])))
        given = _keys(params) or set()
        if needed - given:
            problems.append(f"{where}: {code} does not give {sorted(needed - given)}")
    for word in [*SEVERITY.values(), *WORDS.values()]:
        if english.gettext(_msgid(word)) == _msgid(word):
            problems.append(f"{_msgid(word)!r} has no English")
    assert not problems, problems


# -- real refusals and findings, read as a person reads them ---------------------------------------


def _main(response: Any) -> str:
    """The text of the page's main part (the menus and the language switch left out)."""
    html = html_lib.unescape(response.get_data(as_text=True))
    found = re.search(r"<main.*?</main>", html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0) if found else html))


def _sale(books: Books, day: str) -> None:
    post_ok(books, voucher(day, ("102", "debit", "10.00", None), ("501", "credit", "10.00", None)))


def test_refusals_read_in_chinese_with_no_english(books: Books, signed_in: Any) -> None:
    _sale(books, "2026-02-10")
    _sale(books, "2026-03-10")
    acc = signed_in("acc")
    later = _main(acc.post("/orgs/coop/periods/2026-03/close"))
    assert "月份须按顺序结账：请先结账 2026-02。" in later and "first" not in later
    assert acc.post("/orgs/coop/periods/2026-02/close").status_code == 302
    books.voucher(date="2026-03-20")
    pending = _main(acc.post("/orgs/coop/periods/2026-03/close"))
    assert "2026-03还有 1 张凭证没有记账" in pending and "not posted" not in pending

    late = _main(acc.post("/orgs/coop/vouchers/new", {**THREE_LINES, "date": "2026-02-15"}))
    assert "2026-02 已结账" in late and "closed" not in late

    plan = acc.post("/orgs/coop/distributions", {**PLAN, "year": "2026"})
    assert "该年度尚未年终结账，不能制定分配方案。" in _main(plan)
    assert "not closed" not in _main(plan) and "close the year" not in _main(plan)


def test_refusals_read_in_english_with_no_chinese_words_of_their_own(
    books: Books, signed_in: Any
) -> None:
    _sale(books, "2026-02-10")
    _sale(books, "2026-03-10")
    acc = signed_in("acc")
    acc.get("/orgs/coop?lang=en")
    later = _main(acc.post("/orgs/coop/periods/2026-03/close"))
    assert "close 2026-02 first" in later.lower() and "请先结账" not in later
    plan = _main(acc.post("/orgs/coop/distributions", {**PLAN, "year": "2026"}))
    assert "年终结账" not in plan and "不能制定" not in plan


def test_a_finding_reads_in_the_page_language(books: Books, signed_in: Any) -> None:
    post_ok(
        books,
        voucher("2026-03-10", ("522", "debit", "80.00", None), ("101", "credit", "80.00", None)),
    )
    auditor = signed_in("aud")
    zh = _main(auditor.get("/orgs/coop/audit?year=2026"))
    findings = zh[zh.index("自动检查发现的问题") :]
    assert "库存现金为负数" in findings and "2026-03-10 日终库存现金为 -80.00 元" in findings
    assert " 高 " in findings
    assert not re.search(r"\b(high|cash|yuan|below)\b", findings, re.IGNORECASE), findings

    en = _main(auditor.get("/orgs/coop/audit?year=2026&lang=en"))
    findings = en[en.index("2026") :]
    assert "Cash on hand below zero" in findings and " High " in findings
    assert "Cash on hand was -80.00 yuan at the end of 2026-03-10" in findings
    assert "库存现金" not in findings and "日终" not in findings and " 高 " not in findings
