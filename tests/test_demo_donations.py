"""The demonstration's winter goods: three donor companies give the village coal, padded quilts
and coats, edible oil, rice and noodles in late November; before Christmas they are handed to its
脱贫户, 监测户, 低保户 and 特困户 on one signed list, the demo's household among them, whose portal
lists what it received beside its cash, and the village's published Q4 notice lists them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.cli import main
from coopledger.domain.money import format_quantity
from coopledger.services import auth, disclosure, donations, household_portal
from coopledger.services.ports import UnitOfWork


@pytest.fixture(scope="module")
def uow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], UnitOfWork]]:
    folder = tmp_path_factory.mktemp("demo-goods")
    db = folder / "demo.db"
    result = CliRunner().invoke(
        main, ["demo", "--db", str(db), "--no-serve"], env={"COOPLEDGER_INSTANCE_PATH": str(folder)}
    )
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{db}")
    yield lambda: SqlUnitOfWork(sessionmaker(bind=engine, expire_on_commit=False))
    engine.dispose()


def test_the_demo_household_sees_its_winter_goods_on_its_portal(
    uow: Callable[[], UnitOfWork],
) -> None:
    household = auth.actor_named(uow(), "household")
    homes = {h.org.code: h for h in household_portal.memberships_of(uow(), household, 2026)}
    assert set(homes) == {"garlic-coop", "guanwangmiao"}
    goods = {
        (g.item_name, format_quantity(g.quantity_milli), g.unit)
        for g in homes["guanwangmiao"].in_kind
    }
    assert goods == {
        ("冬季取暖用煤", "0.6", "吨"),
        ("棉被", "1", "床"),
        ("棉大衣", "1", "件"),
        ("食用油", "5", "千克"),
        ("大米", "25", "千克"),
        ("挂面", "10", "千克"),
    }
    assert all(g.value_fen > 0 and g.signed for g in homes["guanwangmiao"].in_kind)
    # the garlic cooperative's statement is still there beside it
    assert homes["garlic-coop"].latest is not None


def test_the_village_handed_out_all_it_received_and_disclosed_it(
    uow: Callable[[], UnitOfWork],
) -> None:
    auditor = auth.actor_named(uow(), "auditor")
    stock = donations.stock(uow(), auditor, "guanwangmiao")
    assert len(stock) == 6 and all(r.left.quantity_milli == 0 for r in stock)
    assert all(r.left.value_fen == 0 for r in stock)
    _org, rows = donations.handouts(uow(), auditor, "guanwangmiao")
    assert len({r.member_no for r in rows}) == 9 and "003" in {r.member_no for r in rows}
    year = rows[0].handed_on.year
    assert rows[0].handed_on == date(year, 12, 20)
    notice, _periods = disclosure.public_notice(uow(), "guanwangmiao", f"{year}-Q4")
    content = json.loads(notice.body)
    assert {g["donor"] for g in content["donations_received"]} == {
        "济南暖泉热力燃料有限公司",
        "鲁北福绒纺织服装有限公司",
        "黄河湾粮油食品有限公司",
    }
    assert {g["households"] for g in content["donations_handed_out"]} == {9}
    assert content["donations_received_total"] == content["donations_handed_out_total"]


def test_the_tinsmiths_shop_reconciles_every_month_and_the_school_has_its_gifts(
    uow: Callable[[], UnitOfWork],
) -> None:
    """张铁匠村's Taobao shop: a year of settlement files, each month booked and reconciled with
    the platform's closing balance to the fen; March's last order refunded in April reduces
    April's income; the school's computers, water purifiers and air conditioners are on the
    register, depreciated from October."""
    from coopledger.domain.periods import Period
    from coopledger.services import registers, shop
    from coopledger.services.clock import utcnow

    auditor = auth.actor_named(uow(), "auditor")
    year = utcnow().date().year - 1
    months = shop.shop_view(uow(), auditor, "zhangtiejiang").months["10202"]
    assert [m.period for m in months] == [Period(year, n) for n in range(1, 13)]
    assert all(m.reconciled and m.drafts == 0 for m in months)
    assert sum(m.orders_fen for m in months) == 12_034_000  # about 120,000 yuan of tin pots
    assert [m.period.month for m in months if m.refunds_fen] == [4]
    assert months[-1].platform_closing_fen > 0  # the last order of December waits for January
    gifts = registers.list_assets(uow(), auditor, "zhangtiejiang")
    assert {g.asset.asset_no for g in gifts} == {"JZ-01", "JZ-02", "JZ-03"}
    assert sum(g.asset.cost_fen for g in gifts) == 15_000_000
    assert all(registers.accumulated(g) > 0 for g in gifts)
