"""Regions on the demonstration books: the county officer, the county's report tying to each
organization's own statements, and the garlic base's fund followed to the households."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.demo.build import build_demo
from coopledger.services import auth, financial_statements, orgs, regions
from coopledger.services.ports import UnitOfWork
from tests.conftest import FastHasher

TODAY = date(2026, 3, 15)
YEAR = TODAY.year - 1


@pytest.fixture(scope="module")
def uow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], UnitOfWork]]:
    from coopledger.adapters.db import migrate

    db: Path = tmp_path_factory.mktemp("demo-regions") / "demo.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    factory: Callable[[], UnitOfWork] = lambda: SqlUnitOfWork(sessions)  # noqa: E731
    build_demo(factory, FastHasher(), today=TODAY)
    yield factory
    engine.dispose()


def test_the_county_officer_sees_the_county(uow: Callable[[], UnitOfWork]) -> None:
    officer = auth.actor_named(uow(), "shanghe")
    assert officer.regions == ("济南市/商河县",)
    codes = {o.code for o in orgs.list_orgs(uow(), officer)}
    assert codes == {"garlic-coop", "cattle-coop", "guanwangmiao"}  # not 章丘's tourism-coop
    tree = regions.region_tree(uow(), officer)
    assert [n.path for n in tree] == ["济南市"]
    assert [c.path for c in tree[0].children] == ["济南市/商河县"]


def test_the_county_report_ties_to_the_organizations_books(uow: Callable[[], UnitOfWork]) -> None:
    officer = auth.actor_named(uow(), "shanghe")
    report = regions.region_report(uow(), officer, "济南市/商河县", YEAR)
    assert {o.org.code for o in report.orgs} == {"garlic-coop", "cattle-coop", "guanwangmiao"}
    for figures in report.orgs:
        st = financial_statements.surplus_statement(uow(), officer, figures.org.code, YEAR)
        lines = {ln.key: ln.current or 0 for ln in st.statement.lines}
        assert figures.operating_income == lines["operating_income"] + lines["investment_income"]
    assert report.funds_granted > 0 and report.funds_spent > 0
    assert report.assets_by_class
    # dividends of the year's plans (distributed the next January) reach poor households
    assert report.dividends_by_status["exited"].households > 0
    assert report.dividends_by_status["exited"].allocated > 0
    assert report.owed_to_households >= 0


def test_the_garlic_fund_is_followed_into_the_village(uow: Callable[[], UnitOfWork]) -> None:
    officer = auth.actor_named(uow(), "shanghe")
    t = regions.cross_fund_trace(uow(), officer, "garlic-coop", "gwm-garlic-base")
    assert t.trace.ties
    assert t.plans and t.plans[0].from_fund > 0
    # quantified to poor and monitored households: each household's part of its dividend
    households = t.plans[0].households
    assert {h.poverty_status for h in households} <= {"exited", "monitored", "none"}
    assert all(0 < h.from_fund <= h.dividend for h in households)
    assert sum(h.quantified for h in households) == t.trace.view.figures.quantified
    assert t.onward == []  # the village's shares (JT01) were not bought with this fund


def test_the_village_notice_of_a_closed_quarter(uow: Callable[[], UnitOfWork]) -> None:
    import io
    import json
    import re

    from pypdf import PdfReader

    from coopledger.adapters.pdf import render_pdf
    from coopledger.services import disclosure

    notice, _periods = disclosure.public_notice(uow(), "guanwangmiao", f"{YEAR}-Q3")  # published
    data = notice.content
    assert data["one_matter_one_discussion"], "the street lights' 一事一议 fund"
    assert data["income"] and data["expenditure"]
    pdf = render_pdf("pdf/disclosure.html", {"n": data})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s", "", text)
    for content in (json.dumps(data, ensure_ascii=False), text, flat):
        assert not re.search(r"\d{17}[\dXx]", content)
        assert not re.search(r"\d{12,}", content.replace(",", ""))
    assert "一事一议" in flat
