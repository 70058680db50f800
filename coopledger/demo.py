"""The demonstration books that ``coopledger demo`` builds: four organizations of Jinan's poorest
villages with a year of posted vouchers, made only through the services, as a user would.

The story follows the seed article: in 官王庙村 (白桥镇, 商河县) a city hospital paid 400
thousand yuan for a cement road and a drainage ditch, and 400 thousand yuan of municipal
pro-poor funds set up a garlic demonstration base whose seed went free to poor households; in the
Hui village 南村 (韩庙镇) a beef-cattle cooperative sells its members' cattle; in 垛庄镇 (章丘)
a rural-tourism cooperative lives on guest-houses, meals and fruit picking. Organizations,
villages and grantors come from the article; every household is invented.

This module owns the data of those books (households, funds, vouchers, asset cards, share events
and member transactions per organization) and the order in which they are booked: organizations,
users, registers, then the previous calendar year (vouchers prepared by the accountant or
cashier, reviewed by the reviewer, posted by the accountant). The assets the funds built — the
garlic base's sprinklers and cold store, the cattle shed, the visitor centre, the village's road,
ditch and street lights — are registered as asset cards whose acquisition vouchers move the
fund's 专项应付款 into 专项基金; depreciation is run at every month end (never by hand); the
专项基金 is quantified to poor and monitored households (to every member in the village), and a
household that exits poverty hands its share to a monitored one. Every month is closed and the
year closed into 本年盈余 / 本年收益. Then the current year: a few vouchers, depreciation run
through the current month, its months open, and one draft left waiting for review.

In January the garlic and cattle cooperatives distribute the previous year's surplus (盈余分配):
a plan (10 % reserve, 60 % returned by patronage, a guaranteed minimum for poor and monitored
households) is approved by the reviewer under the member assembly's resolution, its statutory
vouchers are posted, and the households are paid — most by bank, one partly in cash, one after
deducting what it owes on 成员往来, one's part turned into share capital, some left owed. The
garlic cooperative's collective member JT01 stands for 官王庙村, which records the dividend it
received in its own books as 投资收益. (南村, the cattle cooperative's JT01, keeps no books here.)

Everything is deterministic: the same ``today`` gives the same books; every date of the current
year is ``today`` at the latest. Amounts are integer fen throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset, schedule
from coopledger.domain.distribution import Guarantee
from coopledger.domain.ledger import Dr, Line, Voucher, VoucherDraft
from coopledger.domain.members import check_digit
from coopledger.domain.money import allocate, format_amount, parse_amount
from coopledger.domain.periods import Period
from coopledger.domain.roles import Actor
from coopledger.services import (
    auth,
    disclosure,
    distribution,
    orgs,
    periods,
    registers,
    shares,
    vouchers,
)
from coopledger.services.clock import utcnow
from coopledger.services.ports import PasswordHasher, UnitOfWork

PASSWORD = "demo-password-1"
UowFactory = Callable[[], UnitOfWork]
Amount = int | str  # fen, or yuan written as text ("1234.50")


@dataclass(frozen=True)
class DemoSummary:
    orgs: list[str]  # human lines: one per organization, then its distribution or dividend
    logins: list[tuple[str, str, str]]  # (username, password, role description)


# -- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Household:
    no: str
    name: str
    size: int
    status: str
    born: date
    female: bool
    capital: str  # share capital (股金) paid in January, yuan


@dataclass(frozen=True, slots=True)
class _FundSpec:
    code: str
    name: str
    source: str
    grantor: str
    purpose: str
    granted: str  # yuan


@dataclass(frozen=True, slots=True)
class _Entry:
    day: date
    memo: str
    lines: tuple[Line, ...]
    attachments: int = 1
    by: str | None = None  # the preparer; None: the organization's accountant
    draft: bool = False  # left as a draft, waiting for review


@dataclass(frozen=True, slots=True)
class _Asset:
    """An asset card registered on the day it is put in use; its acquisition voucher is posted."""

    day: date
    card: FixedAsset
    pay_account: str | None = None  # None: the bank; 在建工程 for work paid as it progressed


@dataclass(frozen=True, slots=True)
class _Depreciate:
    """A depreciation run through the month of ``day``; every voucher it prepares is posted."""

    day: date


@dataclass(frozen=True, slots=True)
class _Share:
    """A share event: a fund's 专项基金 quantified to members, or a quantified share reassigned."""

    day: date
    kind: str
    reason: str
    fund: str | None = None
    amount: int | None = None  # fen; None: a reassignment hands over the whole share
    basis: str | None = None
    from_member: str | None = None
    to_member: str | None = None


@dataclass(frozen=True, slots=True)
class _Status:
    """A household's poverty status changes (dated history), e.g. it exits poverty."""

    day: date
    member_no: str
    status: str


@dataclass(frozen=True, slots=True)
class _Trade:
    """A member's business with the cooperative (交易量, 交易额): what it delivered or hosted."""

    day: date
    member_no: str
    product: str
    qty: int  # whole units
    unit: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class _Distribution:
    """The previous year's surplus distribution (盈余分配), done in January of the current year.

    The accountant prepares the plan on ``day``; the reviewer approves it on ``approved_on`` under
    the member assembly's ``resolution``; its statutory vouchers, dated that day, are reviewed and
    posted. On ``paid_on``: ``cash`` (member, yuan) is paid that much in cash and is owed the
    rest; ``offset`` is paid by bank after what it owes on 成员往来 is deducted; ``converted``
    (member, yuan or None for all of it) turns its part into share capital by the same resolution
    and is paid any rest by bank; ``unpaid`` have not collected theirs yet; every other member is
    paid in full by bank transfer, one voucher each (the collective too).
    """

    day: date
    approved_on: date
    paid_on: date
    resolution: str
    guarantee: Guarantee
    cash: tuple[str, str]
    offset: str
    converted: tuple[str, str | None]
    unpaid: tuple[str, ...] = ()
    reserve_rate: Decimal = Decimal("0.10")
    patronage_ratio: Decimal = Decimal("0.60")


@dataclass(frozen=True, slots=True)
class _Dividends:
    """A village records, in its own books, every cooperative dividend paid to it (Dr 银行存款 /
    Cr 投资收益); the cooperatives' steps are booked before the village's."""

    day: date


_Step = _Entry | _Asset | _Depreciate | _Share | _Status | _Trade | _Distribution | _Dividends


@dataclass(frozen=True, slots=True)
class _Plan:
    code: str
    name: str
    kind: str
    region: str
    area: str  # administrative division code that opens the households' ID numbers
    accountant: str
    households: tuple[_Household, ...]
    # the village collective as a member: no, name, capital, and the code of the organization it
    # stands for when the village keeps its books in coopledger
    collective: tuple[str, str, str, str | None] | None
    funds: tuple[_FundSpec, ...]
    sub_accounts: tuple[tuple[str, str, str, str], ...]  # parent, code, name_zh, name_en
    books: Callable[[_Plan, int], list[_Step]]  # (plan, year y) → y's steps and early y + 1's


def _households(table: str) -> tuple[_Household, ...]:
    """Rows of ``no name size status born sex capital``, one household a line."""
    rows = []
    for text in table.strip().splitlines():
        no, name, size, status, born, sex, capital = text.split()
        rows.append(
            _Household(no, name, int(size), status, date.fromisoformat(born), sex == "F", capital)
        )
    return tuple(rows)


# 官王庙村, 白桥镇, 商河县: the garlic growers are villagers too, so the village register repeats
# them (same people, same ID numbers) and adds three households outside the cooperative.
_GUANWANGMIAO = _households("""
001 郭玉田 4 poor            1958-03-12 M 2000
002 孙桂芝 2 poor            1963-07-25 F 2000
003 宋德民 5 poor            1966-11-02 M 2000
004 马春霞 3 monitored       1971-05-19 F 3000
005 周长河 6 exited          1969-09-08 M 3000
006 贾明山 4 none            1975-01-30 M 5000
007 高秀英 1 extreme_poverty 1951-12-14 F 1000
008 杨立国 4 none            1980-04-21 M 5000
009 韩玉兰 3 low_income      1968-08-03 F 1000
010 吕建华 5 exited          1973-02-17 M 3000
011 蔡永福 2 monitored       1961-06-26 M 2000
012 许金凤 4 none            1977-10-09 F 4000
""")
_GUANWANGMIAO_VILLAGE = _GUANWANGMIAO + _households("""
013 邢守田 2 low_income      1950-02-05 M 0
014 陈卫东 5 none            1982-12-01 M 0
015 鲁彩云 3 poor            1960-04-16 F 0
""")
# 南村, 韩庙镇, 商河县: a Hui village where nearly every family keeps cattle or sheep.
_NANCUN = _households("""
001 马文清 6 poor            1965-03-03 M 5000
002 白玉珍 3 poor            1970-06-11 F 3000
003 沙国栋 5 monitored       1972-09-27 M 6000
004 穆长林 4 exited          1960-01-15 M 8000
005 丁秀梅 4 none            1974-12-22 F 10000
006 金福来 5 poor            1968-05-07 M 3000
007 哈建军 4 none            1979-08-18 M 10000
008 海桂兰 2 low_income      1957-11-29 F 2000
009 米德胜 6 exited          1976-02-24 M 6000
010 马振海 3 none            1983-07-13 M 8000
""")
# 北峪村, 垛庄镇, 章丘: guest-houses in the southern mountains.
_BEIYU = _households("""
001 娄成山 4 poor            1966-04-04 M 3000
002 公维芹 3 exited          1972-10-20 F 5000
003 焦德旺 2 poor            1960-03-28 M 2000
004 亓秀花 4 monitored       1969-07-01 F 3000
005 吴广胜 5 none            1975-11-11 M 10000
006 翟玉芬 3 low_income      1964-05-23 F 2000
007 袁庆春 4 exited          1971-09-16 M 5000
008 毕海燕 4 none            1981-01-08 F 8000
009 崔兆田 2 poor            1958-08-30 M 2000
""")


# -- small builders ------------------------------------------------------------------------------


def _fen(amount: Amount) -> int:
    return parse_amount(amount) if isinstance(amount, str) else amount


def _line(
    side: Dr,
    account: str,
    amount: Amount,
    member: str | None,
    fund: str | None,
    qty: int | None,
    unit: str | None,
    memo: str,
) -> Line:
    return Line(
        account=account,
        side=side,
        amount_fen=_fen(amount),
        member=member,
        fund=fund,
        quantity_milli=None if qty is None else qty * 1000,
        unit=unit,
        memo=memo,
    )


def dr(
    account: str,
    amount: Amount,
    *,
    member: str | None = None,
    fund: str | None = None,
    qty: int | None = None,
    unit: str | None = None,
    memo: str = "",
) -> Line:
    """A debit line; ``qty`` is in whole ``unit`` (kg, 头, 吨…)."""
    return _line(Dr.DEBIT, account, amount, member, fund, qty, unit, memo)


def cr(
    account: str,
    amount: Amount,
    *,
    member: str | None = None,
    fund: str | None = None,
    qty: int | None = None,
    unit: str | None = None,
    memo: str = "",
) -> Line:
    """A credit line; ``qty`` is in whole ``unit``."""
    return _line(Dr.CREDIT, account, amount, member, fund, qty, unit, memo)


def _entry(
    day: date,
    memo: str,
    *lines: Line,
    attachments: int = 1,
    by: str | None = None,
    draft: bool = False,
) -> _Entry:
    return _Entry(day, memo, lines, attachments, by, draft)


def _simple(
    day: date,
    memo: str,
    debit: str,
    credit: str,
    amount: Amount,
    *,
    attachments: int = 1,
    by: str | None = None,
    draft: bool = False,
) -> _Entry:
    """One debit, one credit: most of a small organization's vouchers."""
    return _entry(
        day,
        memo,
        dr(debit, amount),
        cr(credit, amount),
        attachments=attachments,
        by=by,
        draft=draft,
    )


def _card(
    asset_no: str,
    name: str,
    day: date,
    cost: Amount,
    salvage_percent: int,
    months: int,
    *,
    funding: Mapping[str, Amount],
    category: str,
    public_welfare: bool = False,
    poverty_project: bool = True,
) -> FixedAsset:
    """An asset card, straight line; operating and used in production unless ``public_welfare``."""
    return FixedAsset(
        asset_no=asset_no,
        name=name,
        asset_class=AssetClass.PUBLIC_WELFARE if public_welfare else AssetClass.OPERATING,
        use=AssetUse.PUBLIC_WELFARE if public_welfare else AssetUse.PRODUCTION,
        acquired_on=day,
        cost_fen=_fen(cost),
        salvage_fen=_fen(cost) * salvage_percent // 100,
        useful_life_months=months,
        category=category,
        poverty_project=poverty_project,
        funding={code: _fen(amount) for code, amount in funding.items()},
    )


def _production_cost(cards: Iterable[FixedAsset], year: int) -> int:
    """What the year's depreciation of production assets put on 生产成本 (401), to be carried to
    经营支出 at year end: the cooperative makes no product that would carry it away."""
    return sum(
        fen
        for card in cards
        if card.use is AssetUse.PRODUCTION
        for period, fen in schedule(card)
        if period.year == year
    )


def _month_ends(year: int) -> list[_Step]:
    """The accountant runs depreciation at every month end; a run with nothing due prepares
    nothing. (A cooperative then carries the year's production cost to 经营支出 on 31 December,
    after December's run.)"""
    return [_Depreciate(Period(year, month).last_day) for month in range(1, 13)]


def _trades(
    day: date, product: str, unit: str, quantities: Mapping[str, int], owed: Mapping[str, int]
) -> list[_Step]:
    """Each member's delivery (or hosting) recorded as its transaction with the cooperative."""
    return [_Trade(day, no, product, qty, unit, owed[no]) for no, qty in quantities.items()]


def _capital(plan: _Plan, day: date) -> _Entry:
    """成员入股: the bank receives every member's share capital (股金, per member)."""
    paid = [(h.no, _fen(h.capital)) for h in plan.households]
    if plan.collective is not None:
        paid.append((plan.collective[0], _fen(plan.collective[2])))
    total = sum(fen for _no, fen in paid)
    return _entry(
        day,
        "成员缴纳股金",
        dr("102", total),
        *(cr("301", fen, member=no) for no, fen in paid),
        attachments=len(paid),
    )


def _consigned(
    day: date, product: str, deliveries: Mapping[str, int], price: str, unit: str
) -> tuple[_Entry, dict[str, int]]:
    """Members deliver produce for the cooperative to sell (受托代销商品 / 成员往来 per member).

    Returns the voucher and what is owed to each member, in fen.
    """
    owed = {no: qty * _fen(price) for no, qty in deliveries.items()}
    total_qty = sum(deliveries.values())
    lines = [dr("128", sum(owed.values()), qty=total_qty, unit=unit, memo=f"受托代销成员{product}")]
    lines += [
        cr("114", owed[no], member=no, qty=qty, unit=unit, memo=f"{product}{qty}{unit}×{price}")
        for no, qty in deliveries.items()
    ]
    return _entry(day, f"收到成员交售{product}（受托代销）", *lines, attachments=len(owed)), owed


def _sale(
    day: date,
    memo: str,
    account: str,
    qty: int,
    unit: str,
    price: str,
    cost: int = 0,
    cash: str = "102",
) -> _Entry:
    """A sale at ``price`` per unit; with ``cost``, the consigned goods' cost goes to 经营支出."""
    amount = qty * _fen(price)
    lines = [dr(cash, amount), cr(account, amount, qty=qty, unit=unit, memo=f"{qty}{unit}×{price}")]
    if cost:
        lines += [dr("521", cost, memo="结转受托代销商品成本"), cr("128", cost)]
    return _entry(day, memo, *lines, attachments=2)


def _pay_members(day: date, memo: str, owed: Mapping[str, int]) -> _Entry:
    """Pay what members are owed (成员往来, per member), by bank transfer to their accounts."""
    return _entry(
        day,
        memo,
        *(dr("114", fen, member=no) for no, fen in owed.items()),
        cr("102", sum(owed.values())),
        attachments=len(owed),
    )


# -- the four organizations' books --------------------------------------------------------------


def _garlic_books(plan: _Plan, y: int) -> list[_Step]:
    base = "gwm-garlic-base"
    facilities, seed = parse_amount("260000.00"), parse_amount("140000.00")
    cold_store = _card(
        "JD-01",
        "示范基地喷灌及冷库设施（扶贫项目资产）",
        date(y, 3, 18),
        facilities,
        5,
        120,  # 10 years, 5 % salvage
        funding={base: facilities},
        category="房屋及建筑物",
    )
    scape_kg = {"001": 1800, "003": 2200, "005": 1500, "008": 2600, "010": 1900}
    bulb_kg = {
        "001": 6200,
        "002": 3500,
        "003": 7400,
        "004": 5100,
        "006": 9800,
        "008": 8600,
        "009": 2900,
        "012": 6600,
    }
    scapes, owed_scapes = _consigned(date(y, 5, 16), "蒜薹", scape_kg, "2.40", "kg")
    bulbs, owed_bulbs = _consigned(date(y, 6, 10), "大蒜", bulb_kg, "3.20", "kg")
    return [
        _capital(plan, date(y, 1, 15)),
        _simple(date(y, 1, 16), "提取备用金", "101", "102", "5000.00"),
        _entry(
            date(y, 2, 20),
            "收到市级财政专项扶贫资金（优质大蒜示范基地）",
            dr("102", "400000.00"),
            cr("235", "400000.00", fund=base),
            attachments=2,
        ),
        # paid on completion: Dr 151 / Cr 102, and Dr 235 (fund) / Cr 311 for the funded part
        _Asset(cold_store.acquired_on, cold_store),
        _Share(
            date(y, 4, 1),
            "quantify_fiscal",
            "示范基地财政补助形成资产折股量化到贫困户、监测户",
            fund=base,
            amount=facilities,
            basis="statuses",
        ),
        _simple(
            date(y, 4, 10),
            "示范田追施有机肥（购自南村肉牛养殖专业合作社）",
            "521",
            "102",
            "18600.00",
            attachments=2,
        ),
        scapes,
        *_trades(scapes.day, "蒜薹", "kg", scape_kg, owed_scapes),
        _sale(
            date(y, 5, 24),
            "销售蒜薹",
            "50102",
            sum(scape_kg.values()),
            "kg",
            "2.75",
            cost=sum(owed_scapes.values()),
        ),
        _pay_members(date(y, 5, 30), "支付成员蒜薹款", owed_scapes),
        bulbs,
        *_trades(bulbs.day, "大蒜", "kg", bulb_kg, owed_bulbs),
        _sale(
            date(y, 6, 26),
            "销售大蒜（金乡客商）",
            "50101",
            sum(bulb_kg.values()),
            "kg",
            "3.65",
            cost=sum(owed_bulbs.values()),
        ),
        _pay_members(date(y, 6, 30), "支付成员大蒜款", owed_bulbs),
        _simple(date(y, 6, 30), "支付管理人员上半年报酬", "523", "102", "12000.00"),
        _sale(date(y, 7, 15), "示范田大蒜经电商平台销售", "50101", 8000, "kg", "4.50"),
        _simple(date(y, 8, 20), "慰问村内五保老人", "529", "101", "1200.00"),
        _entry(
            date(y, 9, 22),
            "采购苍山、金乡蒜种免费发放贫困户",
            dr("235", seed, fund=base, qty=50000, unit="kg", memo="蒜种50000kg（到户类）"),
            cr("102", seed),
            attachments=3,
        ),
        _simple(date(y, 10, 30), "冷库出租收入（外地客商储存大蒜）", "102", "502", "15000.00"),
        # 郭玉田's household passes the annual review and exits poverty; its quantified share
        # goes to a monitored household
        _Status(date(y, 11, 30), "001", "exited"),
        _Share(
            date(y, 12, 10),
            "reassign",
            "郭玉田户脱贫，量化份额调整给监测户蔡永福",
            from_member="001",
            to_member="011",
        ),
        _simple(date(y, 12, 26), "支付管理人员下半年报酬", "523", "102", "12000.00"),
        *_month_ends(y),
        _simple(
            date(y, 12, 31), "结转本年生产成本", "521", "401", _production_cost([cold_store], y)
        ),
        # the current year: months open, depreciation through this month, one draft for review
        _simple(date(y + 1, 1, 8), "支付冷库电费", "521", "102", "2360.50"),
        # 韩玉兰 takes two bags of compound fertilizer on credit, to be deducted from her dividend
        _entry(
            date(y + 1, 1, 12),
            "为成员赊购春季追肥（分配盈余时扣回）",
            dr("114", "300.00", member="009", qty=100, unit="kg", memo="复合肥2袋"),
            cr("102", "300.00"),
            attachments=2,
        ),
        _Distribution(
            date(y + 1, 1, 14),
            approved_on=date(y + 1, 1, 18),
            paid_on=date(y + 1, 1, 25),
            resolution=f"成员大会决议〔{y + 1}〕1号",
            # poor and monitored households are guaranteed 900 yuan of the residual part
            guarantee=Guarantee(("poor", "monitored"), fixed_fen=parse_amount("900.00")),
            cash=("012", "500.00"),  # 许金凤 takes 500 yuan in cash now, the rest later
            offset="009",  # 韩玉兰's fertilizer is deducted
            converted=("008", None),  # 杨立国 turns all of his into share capital
            unpaid=("005",),  # 周长河 works away and has not collected his
        ),
        _simple(
            date(y + 1, 1, 20),
            "采购示范田春季追肥",
            "521",
            "102",
            "9800.00",
            attachments=2,
            draft=True,
        ),
        _Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


def _cattle_books(plan: _Plan, y: int) -> list[_Step]:
    fund = "nancun-cattle-shed"
    shed = _card(
        "NP-01",
        "标准化肉牛棚（扶贫项目资产）",
        date(y, 5, 20),
        "300000.00",
        5,
        240,  # 20 years, 5 % salvage
        funding={fund: "300000.00"},
        category="房屋及建筑物",
    )
    # three rounds a year: members bring fattened cattle, the cooperative sells them, pays members
    rounds: list[_Step] = []
    for month, herd, cost, price in (
        (3, {"001": 3, "002": 2, "004": 4, "006": 2, "009": 3}, "15200.00", "16300.00"),
        (9, {"001": 2, "003": 4, "005": 3, "007": 4, "010": 3}, "15000.00", "16100.00"),
        (12, {"002": 3, "004": 4, "006": 3, "008": 2, "009": 3, "010": 3}, "15600.00", "16700.00"),
    ):
        received, owed = _consigned(date(y, month, 6), "育肥肉牛", herd, cost, "头")
        rounds += [
            received,
            *_trades(received.day, "育肥肉牛", "头", herd, owed),
            _sale(
                date(y, month, 18),
                "销售肉牛（清真肉食品公司）",
                "50101",
                sum(herd.values()),
                "头",
                price,
                cost=sum(owed.values()),
            ),
            _pay_members(date(y, month, 24), "支付成员肉牛款", owed),
        ]
    return [
        _capital(plan, date(y, 1, 6)),
        _simple(date(y, 1, 10), "提取备用金", "101", "102", "3000.00"),
        _entry(
            date(y, 2, 25),
            "收到县级财政衔接资金（标准化肉牛棚）",
            dr("102", "300000.00"),
            cr("235", "300000.00", fund=fund),
            attachments=2,
        ),
        _entry(
            date(y, 4, 12),
            "支付肉牛棚建设进度款",
            dr("153", "180000.00", memo="标准化肉牛棚"),
            cr("102", "180000.00"),
            attachments=3,
        ),
        _sale(
            date(y, 4, 10),
            "销售牛粪有机肥（官王庙大蒜种植专业合作社）",
            "50102",
            62,
            "吨",
            "300.00",
        ),
        _simple(date(y, 4, 28), "春季口蹄疫防疫及兽药", "521", "102", "4860.00", attachments=2),
        _entry(
            date(y, 5, 20),
            "肉牛棚竣工结算付款",
            dr("153", "120000.00", memo="标准化肉牛棚"),
            cr("102", "120000.00"),
            attachments=4,
        ),
        # put in use: Dr 151 / Cr 153, and Dr 235 (fund) / Cr 311 (专项基金)
        _Asset(shed.acquired_on, shed, pay_account="153"),
        _Share(
            date(y, 6, 1),
            "quantify_fiscal",
            "标准化肉牛棚财政资金形成资产折股量化到贫困户、监测户",
            fund=fund,
            amount=shed.cost_fen,
            basis="statuses",
        ),
        _simple(date(y, 6, 30), "支付管理人员上半年报酬", "523", "102", "9000.00"),
        _simple(
            date(y, 7, 15), "采购青贮饲草（成员免费使用）", "521", "102", "26400.00", attachments=2
        ),
        _simple(date(y, 8, 31), "养殖区水电费（成员免费使用）", "521", "102", "3150.80"),
        _sale(date(y, 10, 20), "销售牛粪有机肥", "50102", 30, "吨", "300.00", cash="101"),
        _simple(date(y, 11, 5), "秋季防疫", "521", "101", "3200.00"),
        *rounds,
        _simple(date(y, 12, 28), "支付管理人员下半年报酬", "523", "102", "9000.00"),
        *_month_ends(y),
        _simple(date(y, 12, 31), "结转本年生产成本", "521", "401", _production_cost([shed], y)),
        _simple(date(y + 1, 1, 12), "冬季饲草料补充", "521", "102", "8750.00", attachments=2),
        # 海桂兰 takes silage on credit, to be deducted from her dividend
        _entry(
            date(y + 1, 1, 13),
            "为成员赊购青贮饲草（分配盈余时扣回）",
            dr("114", "260.00", member="008", qty=650, unit="kg", memo="青贮饲草"),
            cr("102", "260.00"),
            attachments=2,
        ),
        _Distribution(
            date(y + 1, 1, 15),
            approved_on=date(y + 1, 1, 19),
            paid_on=date(y + 1, 1, 26),
            resolution=f"成员大会决议〔{y + 1}〕1号",
            # poor and monitored households are guaranteed 1.6 % of their quantified fiscal share
            guarantee=Guarantee(("poor", "monitored"), rate=Decimal("0.016")),
            cash=("004", "1000.00"),  # 穆长林 takes 1,000 yuan in cash now, the rest later
            offset="008",  # 海桂兰's silage is deducted
            converted=("010", "1000.00"),  # 马振海 turns 1,000 yuan into share capital
        ),
        _Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


def _tourism_books(plan: _Plan, y: int) -> list[_Step]:
    centre, kitchens = "dz-visitor-centre", "dz-toilet-kitchen"
    upgraded = ("001", "002", "003", "004", "006", "007", "009")  # 16,000 yuan each
    kitchen_total = len(upgraded) * parse_amount("16000.00")
    visitor_centre = _card(
        "YK-01",
        "游客服务中心（扶贫项目资产）",
        date(y, 3, 20),
        "150000.00",
        5,
        240,  # 20 years, 5 % salvage
        funding={centre: "150000.00"},
        category="房屋及建筑物",
    )
    hosts = ("001", "002", "004", "007", "008")  # the households whose guest-houses take guests

    def takings(month: int, nights: int, rate: str, meals: str, picking: int = 0) -> _Entry:
        """The cashier books a month's guest-house and meal takings (bank) and picking (cash)."""
        lodging = nights * _fen(rate)
        lines = [
            dr("102", lodging + _fen(meals)),
            cr("50101", lodging, qty=nights, unit="间夜", memo=f"{nights}间夜×{rate}"),
            cr("50102", meals),
        ]
        if picking:
            lines += [
                dr("101", picking * 4000),
                cr("50103", picking * 4000, qty=picking, unit="人次", memo="每人次40元"),
            ]
        return _entry(
            Period(y, month).last_day,
            f"{month}月住宿、餐饮、采摘收入",
            *lines,
            attachments=3,
            by="cashier",
        )

    def hosting(month: int, nights: int, fees: tuple[str, ...]) -> list[_Step]:
        """The households' share of the lodging takings (服务费), accrued then paid; each
        household's guest-nights are the period's ``nights`` spread in proportion to its fee."""
        owed = {no: _fen(fee) for no, fee in zip(hosts, fees, strict=True)}
        hosted = dict(zip(hosts, allocate(nights, list(owed.values())), strict=True))
        day = Period(y, month).last_day
        return [
            *_trades(day, "农家乐接待", "间夜", hosted, owed),
            _entry(
                day,
                "结算成员农家乐接待服务费",
                dr("521", sum(owed.values())),
                *(cr("114", fen, member=no) for no, fen in owed.items()),
                attachments=2,
            ),
            _pay_members(date(y, month + 1, 5), "支付成员农家乐接待服务费", owed),
        ]

    return [
        _capital(plan, date(y, 1, 9)),
        _entry(
            date(y, 2, 26),
            "收到乡村旅游合作社发展补助（游客服务中心）",
            dr("102", "150000.00"),
            cr("235", "150000.00", fund=centre),
            attachments=2,
        ),
        _entry(
            date(y, 3, 5),
            "收到改厕改厨补助资金（7户×16000元）",
            dr("102", kitchen_total),
            cr("235", kitchen_total, fund=kitchens),
            attachments=2,
        ),
        _Asset(visitor_centre.acquired_on, visitor_centre),  # 游客服务中心竣工付款
        _entry(
            date(y, 3, 28),
            "核定成员户改厕改厨补助",
            dr("235", kitchen_total, fund=kitchens),
            *(cr("114", "16000.00", member=no) for no in upgraded),
            attachments=len(upgraded),
        ),
        _pay_members(
            date(y, 4, 2),
            "拨付成员户改厕改厨补助",
            dict.fromkeys(upgraded, parse_amount("16000.00")),
        ),
        _simple(date(y, 4, 8), "网络平台宣传推广费", "523", "102", "6800.00", attachments=2),
        takings(4, 86, "180.00", "9320.00"),
        takings(5, 210, "220.00", "21650.00", picking=420),
        takings(6, 150, "200.00", "15480.00", picking=260),
        _simple(date(y, 6, 30), "库存现金存入银行", "102", "101", "27200.00", by="cashier"),
        _simple(date(y, 6, 30), "采购二季度餐饮食材", "521", "102", "25500.00", attachments=6),
        takings(7, 168, "200.00", "17360.00"),
        # April to July: 86 + 210 + 150 + 168 guest-nights
        *hosting(7, 614, ("21600.00", "15800.00", "17400.00", "14500.00", "18400.00")),
        _simple(date(y, 7, 31), "支付管理人员上半年报酬", "523", "102", "10000.00"),
        takings(8, 190, "200.00", "19840.00"),
        takings(9, 120, "180.00", "14650.00"),
        _entry(
            date(y, 9, 28),
            "帮扶单位职工疗休养团队住宿餐饮",
            dr("102", "23800.00"),
            cr("50101", "14400.00", qty=80, unit="间夜"),
            cr("50102", "9400.00"),
            attachments=2,
        ),
        _simple(date(y, 9, 30), "采购三季度餐饮食材", "521", "102", "28500.00", attachments=6),
        takings(10, 236, "240.00", "26530.00"),
        _simple(date(y, 10, 31), "采购10月餐饮食材", "521", "102", "19800.00", attachments=4),
        # August to October: 190 + 120 + 236 guest-nights, and the help unit's 80
        *hosting(10, 626, ("22500.00", "16300.00", "18200.00", "15050.00", "19400.00")),
        _simple(date(y, 11, 18), "民宿冬季检修", "521", "102", "3400.00", attachments=2),
        _simple(date(y, 12, 26), "支付管理人员下半年报酬", "523", "102", "10000.00"),
        *_month_ends(y),
        _simple(
            date(y, 12, 31),
            "结转本年生产成本",
            "521",
            "401",
            _production_cost([visitor_centre], y),
        ),
        _simple(date(y + 1, 1, 15), "元旦假期住宿收入", "102", "50101", "6120.00", by="cashier"),
        _Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


def _village_books(plan: _Plan, y: int) -> list[_Step]:
    road, lights = "gwm-road-help", "gwm-streetlights"
    contracts = {"005": 18, "006": 22, "008": 26, "012": 10, "014": 8}  # 机动地, mu at 650 yuan
    fees = {no: mu * parse_amount("650.00") for no, mu in contracts.items()}
    levy = {
        h.no: h.size * parse_amount("20.00") for h in plan.households
    }  # 一事一议 20 yuan a person
    grant = parse_amount("60000.00")
    lamps = grant + sum(levy.values())
    finished = date(y, 6, 28)
    cement_road = _card(
        "DL-01",
        "村内水泥路10300米（公益性）",
        finished,
        "300000.00",
        0,
        240,
        funding={road: "300000.00"},
        category="道路",
        public_welfare=True,
    )
    ditch = _card(
        "PS-01",
        "排水沟5650米（公益性）",
        finished,
        "100000.00",
        0,
        240,
        funding={road: "100000.00"},
        category="水利设施",
        public_welfare=True,
    )
    street_lights = _card(
        "LD-01",
        "村内路灯86盏（公益性）",
        date(y, 10, 20),
        lamps,
        0,
        120,
        funding={lights: lamps},
        category="电力设施",
        public_welfare=True,
        poverty_project=False,
    )
    return [
        _entry(
            date(y, 1, 5),
            "应收集体机动地发包费",
            *(dr("113", fen, member=no) for no, fen in fees.items()),
            cr("50101", sum(fees.values()), qty=sum(contracts.values()), unit="亩"),
        ),
        _entry(
            date(y, 1, 12),
            "收到农户机动地发包费",
            dr("102", sum(fees.values())),
            *(cr("113", fen, member=no) for no, fen in fees.items()),
            attachments=len(fees),
        ),
        _simple(
            date(y, 1, 15),
            "村集体入股官王庙大蒜种植专业合作社",
            "141",
            "102",
            "50000.00",
            attachments=2,
        ),
        _simple(date(y, 2, 3), "提取备用金", "101", "102", "4000.00"),
        _simple(date(y, 2, 8), "春节走访慰问困难户", "514", "101", "3000.00", attachments=2),
        _entry(
            date(y, 3, 3),
            "收到济南市中心医院帮扶资金（村内道路及排水沟）",
            dr("102", "400000.00"),
            cr("241", "400000.00", fund=road),
            attachments=2,
        ),
        _simple(date(y, 4, 10), "收到村级组织运转经费补助", "102", "503", "45000.00"),
        _entry(
            date(y, 5, 15),
            "支付村内道路及排水沟工程进度款",
            dr("153", "240000.00", memo="村内道路及排水沟"),
            cr("102", "240000.00"),
            attachments=3,
        ),
        _entry(
            finished,
            "道路及排水沟工程竣工结算付款",
            dr("153", "160000.00", memo="村内道路及排水沟"),
            cr("102", "160000.00"),
            attachments=5,
        ),
        # put in use: Dr 151 / Cr 153 each, and Dr 241 (fund) / Cr 311 for what the fund paid
        _Asset(finished, cement_road, pay_account="153"),
        _Asset(finished, ditch, pay_account="153"),
        _Share(
            date(y, 7, 10),
            "quantify_fiscal",
            "帮扶资金形成的道路及排水沟资产折股量化到全体成员",
            fund=road,
            amount=cement_road.cost_fen + ditch.cost_fen,
            basis="all_members",
        ),
        _simple(date(y, 6, 30), "支付村干部上半年误工补贴", "513", "102", "18000.00"),
        _simple(date(y, 6, 30), "支付上半年村庄保洁费", "514", "102", "9600.00"),
        _simple(
            date(y, 7, 1),
            "出租集体闲置房屋（大蒜加工作坊）",
            "102",
            "50102",
            "24000.00",
            attachments=2,
        ),
        _entry(
            date(y, 8, 8),
            "收到一事一议财政奖补资金（村内路灯）",
            dr("102", grant),
            cr("231", grant, fund=lights),
            attachments=2,
        ),
        _entry(
            date(y, 8, 12),
            "村民一事一议筹资（每人20元）",
            *(dr("113", fen, member=no) for no, fen in levy.items()),
            cr("231", sum(levy.values()), fund=lights),
            attachments=1,
        ),
        _entry(
            date(y, 8, 25),
            "收到村民一事一议筹资款",
            dr("101", sum(levy.values())),
            *(cr("113", fen, member=no) for no, fen in levy.items()),
            attachments=len(levy),
        ),
        _simple(date(y, 8, 26), "库存现金存入银行", "102", "101", sum(levy.values())),
        _Asset(street_lights.acquired_on, street_lights),  # 村内路灯安装完工付款
        _Status(date(y, 11, 30), "001", "exited"),  # 郭玉田户脱贫 (the garlic grower too)
        _simple(date(y, 11, 12), "出租房屋屋顶维修", "511", "102", "2850.00", attachments=2),
        _simple(date(y, 12, 28), "支付村干部下半年误工补贴", "513", "102", "18000.00"),
        _simple(date(y, 12, 28), "支付下半年村庄保洁费", "514", "102", "9600.00"),
        *_month_ends(y),
        _simple(date(y + 1, 1, 10), "支付村委会办公用品", "513", "101", "386.00"),
        _Dividends(date(y + 1, 1, 28)),  # the garlic cooperative's dividend on the village's shares
        _Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


_PLANS = (
    _Plan(
        "garlic-coop",
        "官王庙大蒜种植专业合作社",
        "cooperative",
        "济南市/商河县/白桥镇/官王庙村",
        "371426",
        "zhang-kj",
        _GUANWANGMIAO,
        ("JT01", "官王庙村股份经济合作社", "50000.00", "guanwangmiao"),
        (
            _FundSpec(
                "gwm-garlic-base",
                "优质大蒜示范基地",
                "municipal_pro_poor",
                "济南市扶贫开发领导小组办公室",
                "示范田200亩喷灌、冷库设施；苍山、金乡蒜种50000kg免费发放贫困户",
                "400000.00",
            ),
        ),
        (
            ("501", "50101", "大蒜销售", "Garlic sales"),
            ("501", "50102", "蒜薹销售", "Garlic scape sales"),
        ),
        _garlic_books,
    ),
    _Plan(
        "cattle-coop",
        "南村肉牛养殖专业合作社",
        "cooperative",
        "济南市/商河县/韩庙镇/南村",
        "371426",
        "zhao-kj",
        _NANCUN,
        ("JT01", "南村股份经济合作社", "30000.00", None),  # 南村 keeps its books elsewhere
        (
            _FundSpec(
                "nancun-cattle-shed",
                "标准化肉牛棚",
                "county_fiscal",
                "商河县财政局",
                "建设标准化肉牛棚，收益权量化到贫困户",
                "300000.00",
            ),
        ),
        (
            ("501", "50101", "肉牛销售", "Beef cattle sales"),
            ("501", "50102", "有机肥销售", "Organic fertilizer sales"),
        ),
        _cattle_books,
    ),
    _Plan(
        "tourism-coop",
        "垛庄北峪乡村旅游专业合作社",
        "cooperative",
        "济南市/章丘区/垛庄镇/北峪村",
        "370181",
        "sun-kj",
        _BEIYU,
        ("JT01", "北峪村股份经济合作社", "20000.00", None),
        (
            _FundSpec(
                "dz-visitor-centre",
                "乡村旅游合作社发展补助",
                "municipal_pro_poor",
                "济南市扶贫开发领导小组办公室",
                "建设游客服务中心",
                "150000.00",
            ),
            _FundSpec(
                "dz-toilet-kitchen",
                "乡村旅游改厕改厨补助",
                "municipal_pro_poor",
                "济南市扶贫开发领导小组办公室",
                "7户经营户改厕改厨，每户16000元",
                "112000.00",
            ),
        ),
        (
            ("501", "50101", "住宿收入", "Lodging"),
            ("501", "50102", "餐饮收入", "Meals"),
            ("501", "50103", "采摘体验收入", "Fruit picking"),
        ),
        _tourism_books,
    ),
    _Plan(
        "guanwangmiao",
        "官王庙村股份经济合作社",
        "village_collective",
        "济南市/商河县/白桥镇/官王庙村",
        "371426",
        "zhang-kj",
        _GUANWANGMIAO_VILLAGE,
        None,
        (
            _FundSpec(
                "gwm-road-help",
                "村内道路及排水沟帮扶资金",
                "help_unit",
                "济南市中心医院",
                "新修水泥路10300米、排水沟5650米",
                "400000.00",
            ),
            _FundSpec(
                "gwm-streetlights",
                "村内路灯一事一议",
                "one_matter_one_discussion",
                "商河县财政局（一事一议财政奖补）及村民筹资",
                "安装村内路灯86盏",
                "61060.00",
            ),
        ),
        (
            ("501", "50101", "集体土地发包收入", "Land contracting"),
            ("501", "50102", "集体资产出租收入", "Asset rentals"),
        ),
        _village_books,
    ),
)

_USERS: tuple[tuple[str, str, tuple[str, ...], str | None, str], ...] = (
    ("admin", "admin", (), None, "administrator, every organization"),
    (
        "zhang-kj",
        "accountant",
        ("garlic-coop", "guanwangmiao"),
        None,
        "township accountant (村账乡代管): garlic-coop, guanwangmiao",
    ),
    ("zhao-kj", "accountant", ("cattle-coop",), None, "accountant: cattle-coop"),
    ("sun-kj", "accountant", ("tourism-coop",), None, "accountant: tourism-coop"),
    (
        "cashier",
        "cashier",
        ("tourism-coop",),
        None,
        "cashier: tourism-coop (cash and bank vouchers)",
    ),
    (
        "reviewer",
        "reviewer",
        tuple(p.code for p in _PLANS),
        None,
        "reviewer: all four organizations",
    ),
    ("auditor", "auditor", tuple(p.code for p in _PLANS), None, "auditor (read only): all four"),
    (
        "household",
        "household",
        (),
        "garlic-coop/003",
        "household 宋德民 (poor), garlic-coop member 003",
    ),
)


# -- booking -------------------------------------------------------------------------------------


def _id_number(area: str, born: date, seq: int) -> str:
    """An ID number with its GB 11643 check digit; ``seq`` odd for a man, even for a woman."""
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def _registers(uow_factory: UowFactory, accountant: Actor, plan: _Plan, year: int) -> None:
    """Members, the village collective's shareholding, funds and sub-accounts."""
    joined = date(year - 1, 11, 20)
    for i, h in enumerate(plan.households):
        seq = 10 * (i + 1) + (2 if h.female else 1)
        orgs.create_member(
            uow_factory(),
            accountant,
            plan.code,
            {
                "member_no": h.no,
                "name": h.name,
                "kind": "household",
                "household_size": h.size,
                "id_number": _id_number(plan.area, h.born, seq),
                "bank_account": f"623058{plan.area}{seq:03d}{h.born:%m%d}",
                "poverty_status": h.status,
                "joined_on": joined,
            },
        )
    if plan.collective is not None:
        no, name, _capital_paid, organization = plan.collective
        orgs.create_member(
            uow_factory(),
            accountant,
            plan.code,
            {
                "member_no": no,
                "name": name,
                "kind": "collective",
                "joined_on": joined,
                **({"organization": organization} if organization else {}),
            },
        )
    for fund in plan.funds:
        orgs.create_fund(
            uow_factory(),
            accountant,
            plan.code,
            {
                "code": fund.code,
                "name": fund.name,
                "source": fund.source,
                "grantor": fund.grantor,
                "purpose": fund.purpose,
                "granted_fen": parse_amount(fund.granted),
            },
        )
    for parent, code, name_zh, name_en in plan.sub_accounts:
        orgs.add_account(uow_factory(), accountant, plan.code, code, name_zh, parent, name_en)


def _at(day: date, hour: int, now: datetime) -> Callable[[], datetime]:
    """A clock stopped at ``hour`` UTC on ``day`` (never later than now): the demonstration's
    vouchers are prepared, reviewed and posted on the day they are dated."""
    moment = min(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), now)
    return lambda: moment


@dataclass(slots=True)
class _Tally:
    """What one organization's steps did, for the progress lines and the summary."""

    posted: int = 0
    drafts: int = 0
    assets: int = 0
    through: Period | None = None  # depreciation charged through this month
    quantified: int = 0  # fen
    households: set[str] = field(default_factory=set)  # who received quantified shares
    trades: int = 0
    progress: list[str] = field(default_factory=list)  # what a distribution or receipt did
    summary: list[str] = field(default_factory=list)


def _review_and_post(
    uow_factory: UowFactory,
    actors: Mapping[str, Actor],
    plan: _Plan,
    voucher: Voucher,
    day: date,
    now: datetime,
) -> None:
    vouchers.review_voucher(
        uow_factory(), actors["reviewer"], plan.code, voucher.id, clock=_at(day, 6, now)
    )
    vouchers.post_voucher(
        uow_factory(), actors[plan.accountant], plan.code, voucher.id, clock=_at(day, 8, now)
    )


def _book(
    uow_factory: UowFactory,
    actors: Mapping[str, Actor],
    plan: _Plan,
    step: _Step,
    now: datetime,
    tally: _Tally,
) -> None:
    """Do one step as the organization's accountant (a voucher: as its preparer). Every voucher
    prepared, by hand or by a register, is reviewed and posted unless it stays a draft."""
    accountant = actors[plan.accountant]
    made: list[Voucher] = []
    match step:
        case _Entry():
            draft = VoucherDraft(
                booked_on=step.day, memo=step.memo, lines=step.lines, attachments=step.attachments
            )
            voucher, _replayed = vouchers.create_voucher(
                uow_factory(),
                actors[step.by or plan.accountant],
                plan.code,
                draft,
                clock=_at(step.day, 1, now),
            )
            if step.draft:
                tally.drafts += 1
            else:
                made.append(voucher)
        case _Asset():
            _record, acquisition = registers.register_asset(
                uow_factory(),
                accountant,
                plan.code,
                replace(step.card, acquired_on=step.day),
                pay_account=step.pay_account,
                clock=_at(step.day, 1, now),
            )
            assert acquisition is not None  # a new asset, not one migrated from older books
            made.append(acquisition)
            tally.assets += 1
        case _Depreciate():
            through = Period.of(step.day)
            if not through.ended_by(step.day):  # the current month: charged once it has ended
                through = through.previous()
            made += registers.run_depreciation(
                uow_factory(), accountant, plan.code, through, clock=_at(step.day, 1, now)
            )
            tally.through = through
        case _Share():
            event, _voucher = shares.record_event(
                uow_factory(),
                accountant,
                plan.code,
                shares.EventInput(
                    kind=step.kind,
                    occurred_on=step.day,
                    reason=step.reason,
                    fund=step.fund,
                    amount_fen=step.amount,
                    basis=step.basis,
                    from_member=step.from_member,
                    to_member=step.to_member,
                ),
                clock=_at(step.day, 9, now),
            )
            if step.kind.startswith("quantify"):
                tally.quantified += event.amount_fen or 0
                tally.households.update(no for no, _cls, fen in event.allocations if fen > 0)
        case _Status():
            orgs.update_member(
                uow_factory(),
                accountant,
                plan.code,
                step.member_no,
                {"poverty_status": step.status, "status_effective_on": step.day},
                clock=_at(step.day, 9, now),
            )
        case _Distribution():
            _distribute(uow_factory, actors, plan, step, now, tally)
        case _Dividends():
            for due in distribution.dividends_due(uow_factory(), accountant, plan.code):
                if due.receipt_voucher is not None:
                    continue
                made.append(
                    distribution.record_dividend_receipt(
                        uow_factory(),
                        accountant,
                        plan.code,
                        due.cooperative,
                        due.plan_id,
                        step.day,
                        clock=_at(step.day, 2, now),
                    )
                )
                text = (
                    f"{format_amount(due.paid_fen)} yuan {due.year} dividend from "
                    f"{due.cooperative} (member {due.member_no}) received into 投资收益"
                )
                tally.progress.append(f"{plan.code}: {text}")
                tally.summary.append(text)
        case _Trade():
            shares.record_transaction(
                uow_factory(),
                accountant,
                plan.code,
                step.member_no,
                step.day,
                step.product,
                step.qty * 1000,
                step.unit,
                step.amount_fen,
                clock=_at(step.day, 9, now),
            )
            tally.trades += 1
    for voucher in made:
        _review_and_post(uow_factory, actors, plan, voucher, step.day, now)
    tally.posted += len(made)


def _distribute(
    uow_factory: UowFactory,
    actors: Mapping[str, Actor],
    plan: _Plan,
    step: _Distribution,
    now: datetime,
    tally: _Tally,
) -> None:
    """Plan, approve, post and pay the previous year's distribution (see :class:`_Distribution`);
    every voucher it prepares is reviewed and posted before the next step needs it."""
    accountant, code = actors[plan.accountant], plan.code
    year = step.day.year - 1
    record = distribution.create_plan(
        uow_factory(),
        accountant,
        code,
        distribution.PlanRequest(
            year, step.reserve_rate, step.patronage_ratio, guarantee=step.guarantee
        ),
        clock=_at(step.day, 2, now),
    )
    distribution.approve_plan(
        uow_factory(), actors["reviewer"], code, record.id, step.resolution, step.approved_on
    )
    _posted, statutory = distribution.post_plan(
        uow_factory(), accountant, code, record.id, clock=_at(step.approved_on, 3, now)
    )
    made = [(voucher, step.approved_on) for voucher in statutory]
    for voucher, day in made:
        _review_and_post(uow_factory, actors, plan, voucher, day, now)
    paid_on = step.paid_on

    def paid(request: distribution.PaymentRequest) -> None:
        _record, prepared = distribution.pay(
            uow_factory(), accountant, code, record.id, request, clock=_at(paid_on, 2, now)
        )
        for voucher in prepared:
            _review_and_post(uow_factory, actors, plan, voucher, paid_on, now)
            made.append((voucher, paid_on))

    cash_member, cash = step.cash
    paid(distribution.PaymentRequest(paid_on, "cash", cash_member, _fen(cash)))
    paid(distribution.PaymentRequest(paid_on, "bank", step.offset, offset=True))
    converted_member, converted = step.converted
    owed = {ln.member_no: ln.total_fen for ln in record.lines}
    _record, conversion = distribution.convert_to_capital(
        uow_factory(),
        accountant,
        code,
        record.id,
        [(converted_member, owed[converted_member] if converted is None else _fen(converted))],
        paid_on,
        step.resolution,
        clock=_at(paid_on, 2, now),
    )
    _review_and_post(uow_factory, actors, plan, conversion, paid_on, now)
    made.append((conversion, paid_on))
    waiting = {cash_member, *step.unpaid}
    for ln in distribution.get_plan(uow_factory(), accountant, code, record.id).lines:
        if ln.member_no not in waiting and ln.total_fen > ln.paid.settled_fen:
            paid(distribution.PaymentRequest(paid_on, "bank", ln.member_no))
    tally.posted += len(made)

    final = distribution.get_plan(uow_factory(), accountant, code, record.id)
    households = sum(ln.kind == "household" for ln in final.lines)
    who = f"{_count(households, 'household')}" + (
        f" and {len(final.lines) - households} collective" if len(final.lines) > households else ""
    )
    topups = _count(sum(ln.topup_fen > 0 for ln in final.lines), "guarantee top-up")
    owing = [ln.total_fen - ln.paid.settled_fen for ln in final.lines]
    owing = [fen for fen in owing if fen > 0]
    offset = sum(ln.paid.offset_fen for ln in final.lines)
    capital = sum(ln.paid.converted_fen for ln in final.lines)
    bank = sum(ln.paid.settled_fen for ln in final.lines) - offset - capital - _fen(cash)
    tally.progress += [
        f"{code}: {year} plan approved ({final.resolution}) on {final.approved_on}: {who}, "
        f"{format_amount(final.D)} yuan distributed (patronage refunds {format_amount(final.P)}, "
        f"residual {format_amount(final.Q)}), {topups} ({format_amount(final.T)} yuan)",
        f"{code}: paid {format_amount(bank)} yuan by bank and {format_amount(_fen(cash))} in "
        f"cash, {format_amount(offset)} offset against 成员往来, {format_amount(capital)} "
        f"converted into capital; {len(owing)} still owed {format_amount(sum(owing))} yuan",
    ]
    tally.summary.append(
        f"{year} plan approved ({final.resolution}), {who}, {format_amount(final.D)} yuan "
        f"distributed, {topups}, {len(owing)} still owed"
    )


def _close_year(
    uow_factory: UowFactory, accountant: Actor, code: str, year: int, now: datetime
) -> periods.YearClose:
    """Close January to November month by month, then the year: the year-end close posts its
    closing voucher on 31 December, so December must still be open; it closes December itself."""
    for month in range(1, 12):
        closing_day = Period(year, month).next().first_day.replace(day=3)
        periods.close_period(
            uow_factory(), accountant, code, Period(year, month), clock=_at(closing_day, 7, now)
        )
    return periods.close_year(
        uow_factory(), accountant, code, year, clock=_at(date(year + 1, 1, 6), 7, now)
    )


def _publish_quarters(
    uow_factory: UowFactory, accountant: Actor, code: str, year: int, now: datetime
) -> None:
    """The village puts up the notice of each quarter of the closed year (财务公开), on the tenth
    day after the quarter; from then on its public link serves the notice as issued."""
    for quarter in range(1, 5):
        day = date(year, 3 * quarter + 1, 10) if quarter < 4 else date(year + 1, 1, 10)
        disclosure.publish(
            uow_factory(), accountant, code, f"{year}-Q{quarter}", clock=_at(day, 9, now)
        )


def _by(step: _Step, today: date) -> _Step:
    """``step`` dated ``today`` at the latest (early in January, the current year's steps)."""
    if isinstance(step, _Distribution):
        return replace(
            step,
            day=min(step.day, today),
            approved_on=min(step.approved_on, today),
            paid_on=min(step.paid_on, today),
        )
    return replace(step, day=min(step.day, today))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quantified(tally: _Tally) -> str:
    """``"260000.00 yuan quantified to 5 households"``."""
    return (
        f"{format_amount(tally.quantified)} yuan quantified to "
        f"{_count(len(tally.households), 'household')}"
    )


#: users scoped to a region of the tree the organizations' regions form (济南市/商河县/…, 章丘区/…)
_REGION_USERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "shanghe",
        "auditor",
        ("济南市/商河县",),
        "county officer (read only): every organization under 济南市/商河县",
    ),
)


def build_demo(
    uow_factory: Callable[[], UnitOfWork],
    hasher: PasswordHasher,
    progress: Callable[[str], None] = lambda _text: None,
    today: date | None = None,
) -> DemoSummary:
    """Build the demonstration books in an empty, migrated database.

    ``today`` (default: today in UTC) decides the year: the previous calendar year is booked in
    full and closed; the current year gets a few vouchers in January, months left open.

    :raise DomainError: the database is not empty (an organization or user exists already).
    """
    now = utcnow()
    today = today or now.date()
    year = today.year - 1
    for plan in _PLANS:
        orgs.create_org(uow_factory(), None, plan.code, plan.name, plan.kind, plan.region)
    progress(f"{len(_PLANS)} organizations created")

    logins = []
    for username, role, org_codes, member, description in _USERS:
        if member is not None:
            continue  # a household user needs its member: created after the registers
        auth.create_user(uow_factory(), None, hasher, username, PASSWORD, role, list(org_codes))
        logins.append((username, PASSWORD, description))
    for username, role, regions, description in _REGION_USERS:  # scoped to a region
        auth.create_user(
            uow_factory(), None, hasher, username, PASSWORD, role, [], regions=list(regions)
        )
        logins.append((username, PASSWORD, description))
    actors = {username: auth.actor_named(uow_factory(), username) for username, *_rest in logins}
    progress(f"{len(logins)} users created")

    summaries = []
    for plan in _PLANS:
        accountant = actors[plan.accountant]
        _registers(uow_factory, accountant, plan, year)
        members = len(plan.households) + (plan.collective is not None)
        progress(
            f"{plan.code}: {members} members, {_count(len(plan.funds), 'fund')}, "
            f"{_count(len(plan.sub_accounts), 'sub-account')}"
        )
        # early in January, the current year's steps are dated today rather than ahead of it;
        # the current year's depreciation run, dated at its end, is dated today
        steps = sorted((_by(e, today) for e in plan.books(plan, year)), key=lambda e: e.day)
        tally = _Tally()
        for step in steps:
            if step.day.year == year:
                _book(uow_factory, actors, plan, step, now, tally)
        closed = _close_year(uow_factory, accountant, plan.code, year, now)
        if plan.kind == "village_collective":
            _publish_quarters(uow_factory, accountant, plan.code, year, now)
            progress(f"{plan.code}: the four quarterly disclosure notices of {year} published")
        posted = tally.posted + (closed.closing_voucher_id is not None)
        progress(
            f"{plan.code}: {_count(tally.assets, 'asset')} registered, depreciation through "
            f"{tally.through}"
            + (f", {_quantified(tally)}" if tally.quantified else "")
            + (f", {_count(tally.trades, 'member transaction')}" if tally.trades else "")
        )
        progress(
            f"{plan.code}: {posted} vouchers posted in {year}, year closed, "
            f"surplus {format_amount(closed.surplus_fen)} carried into "
            f"{'本年收益' if plan.kind == 'village_collective' else '本年盈余'}"
        )
        now_tally = _Tally(through=tally.through)
        for step in steps:
            if step.day.year == today.year:
                _book(uow_factory, actors, plan, step, now, now_tally)
        drafts = now_tally.drafts
        for text in now_tally.progress:
            progress(text)
        progress(
            f"{plan.code}: {now_tally.posted} vouchers posted in {today.year}, depreciation "
            f"through {now_tally.through}"
            + (f", {drafts} draft waiting for review" if drafts else "")
        )
        summaries.append(
            f"{plan.code:<13} {plan.name}  ({plan.kind}, {members} members, "
            f"{posted + now_tally.posted} posted vouchers{f', {drafts} draft' if drafts else ''}; "
            f"{_count(tally.assets + now_tally.assets, 'asset')}, depreciation through "
            f"{now_tally.through}" + (f", {_quantified(tally)}" if tally.quantified else "") + ")"
        )
        summaries += [f"{'':<13} {text}" for text in now_tally.summary]

    for username, role, _codes, member, description in _USERS:
        if member is not None:
            auth.create_user(uow_factory(), None, hasher, username, PASSWORD, role, [], member)
            logins.append((username, PASSWORD, description))
            progress(f"household user {username} created for {member}")
    return DemoSummary(orgs=summaries, logins=logins)
