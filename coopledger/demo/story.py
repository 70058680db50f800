"""The story the demonstration books tell, as data: four organizations of Jinan's poorest villages,
their households, funds, sub-accounts and users, and each organization's year of vouchers, asset
cards, share events, member transactions and distributions, as steps that
:mod:`coopledger.demo.build` books.

The story follows the seed article: in 官王庙村 (白桥镇, 商河县) a city hospital paid 400
thousand yuan for a cement road and a drainage ditch, and 400 thousand yuan of municipal
pro-poor funds set up a garlic demonstration base whose seed went free to 脱贫户; in the
Hui village 南村 (韩庙镇) a beef-cattle cooperative sells its members' cattle; in 垛庄镇 (章丘)
a rural-tourism cooperative lives on guest-houses, meals and fruit picking. Organizations,
villages and grantors come from the article; every household is invented.

The assets the funds built — the garlic base's sprinklers and cold store, the cattle shed, the
visitor centre, the village's road, ditch, street lights and its own cold store — are asset cards
whose acquisition vouchers move the fund's 专项应付款 into 专项基金 (the cattle shed is built as
在建工程: each payment moves its part into 专项基金, and completion makes the card); the 专项基金 is
quantified to
脱贫户 (households once registered poor, whose support continues) and 监测户 (households watched
for falling into poverty), and a 监测户 found out of risk hands its share to another one. The village quantifies to every member only what formed its operating property (the cold
store it lets out, built with county 衔接资金); its road, ditch and street lights are
public-welfare facilities and stay unquantified.
The cattle cooperative's breeding herd (能繁母牛), bought on a bank loan, is a productive
biological asset (生产性生物资产): the same month-end run depreciates it into its own account
(生产性生物资产累计折旧) beside the shed's 累计折旧.

In January the garlic and cattle cooperatives distribute the previous year's surplus (盈余分配):
a plan (10 % reserve, 60 % returned by patronage, a guaranteed minimum for 脱贫户 and 监测户) is approved by the reviewer under the member assembly's resolution, its statutory
vouchers are posted, and the households are paid — most by bank, one partly in cash, one after
deducting what it owes on 成员往来, one's part turned into share capital, some left owed. The
garlic cooperative's collective member JT01 stands for 官王庙村, which records the dividend it
received in its own books as 投资收益. (南村, the cattle cooperative's JT01, keeps no books here.)

Steps are dated by the year they are given, so the same year gives the same story. Amounts are
integer fen, or yuan written as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coopledger.domain.assets import AssetClass, AssetKind, AssetUse, FixedAsset, schedule
from coopledger.domain.distribution import Guarantee
from coopledger.domain.ledger import Dr, Line
from coopledger.domain.members import SUPPORTED
from coopledger.domain.money import allocate, parse_amount
from coopledger.domain.periods import Period

PASSWORD = "demo-password-1"
Amount = int | str  # fen, or yuan written as text ("1234.50")


# -- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Household:
    no: str
    name: str
    size: int
    status: str
    born: date
    female: bool
    capital: str  # share capital (股金) paid in January, yuan
    monitor_kind: str | None = None  # a 监测户's kind


@dataclass(frozen=True, slots=True)
class FundSpec:
    code: str
    name: str
    source: str
    grantor: str
    purpose: str
    granted: str  # yuan


@dataclass(frozen=True, slots=True)
class Entry:
    day: date
    memo: str
    lines: tuple[Line, ...]
    attachments: int = 1
    by: str | None = None  # the preparer; None: the organization's accountant
    draft: bool = False  # left as a draft, waiting for review


@dataclass(frozen=True, slots=True)
class Asset:
    """An asset card registered on the day it is put in use; its acquisition voucher is posted."""

    day: date
    card: FixedAsset
    pay_account: str | None = None  # None: the bank; 在建工程 for work paid as it progressed


@dataclass(frozen=True, slots=True)
class Spend:
    """Money paid on a project of 在建工程 that becomes ``card`` (the project, numbered as the
    card, is opened with its first payment): Dr 在建工程 / Cr 银行存款 and, for the card's fund,
    Dr 专项应付款 / Cr 专项基金 in the same voucher — the grant becomes 专项基金 as it is spent.
    The voucher is posted."""

    day: date
    card: FixedAsset
    memo: str
    amount: int  # fen


@dataclass(frozen=True, slots=True)
class Complete:
    """The project of ``card`` completed and put in use on ``day``: Dr 固定资产 / Cr 在建工程 for
    what it cost, the card made, 专项应付款 not moved again. The voucher is posted."""

    day: date
    card: FixedAsset


@dataclass(frozen=True, slots=True)
class Depreciate:
    """A depreciation run through the month of ``day``; every voucher it prepares is posted."""

    day: date


@dataclass(frozen=True, slots=True)
class Share:
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
class Status:
    """A household's poverty status changes (dated history), e.g. it exits poverty."""

    day: date
    member_no: str
    status: str


@dataclass(frozen=True, slots=True)
class Trade:
    """A member's business with the cooperative (交易量, 交易额): what it delivered or hosted."""

    day: date
    member_no: str
    product: str
    qty: int  # whole units
    unit: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Distribution:
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
class Dividends:
    """A village records, in its own books, every cooperative dividend paid to it (Dr 银行存款 /
    Cr 投资收益); the cooperatives' steps are booked before the village's."""

    day: date


@dataclass(frozen=True, slots=True)
class Land:
    """The village's resources register (资源台账) and contracts (承包合同), entered on ``day``:
    ``resources`` (kind, name, location, area, unit) and ``contracts`` (number, the resource's
    name, the party's member number or None, the party's name, area, term to, yearly fee, due
    MM-DD); the term starts on ``day``."""

    day: date
    resources: tuple[tuple[str, str, str, str, str], ...]
    contracts: tuple[tuple[str, str, str | None, str, str, date, str, str], ...]


@dataclass(frozen=True, slots=True)
class ChargeFees:
    """The contract fees due by ``day`` charged (Dr 内部往来 / 应收款 / Cr 发包收入)."""

    day: date


@dataclass(frozen=True, slots=True)
class FeeReceived:
    """A contract's fee received (Dr 库存现金 or 银行存款 / Cr the party's receivable)."""

    day: date
    contract_no: str
    amount: str
    via: str


@dataclass(frozen=True, slots=True)
class GoodsReceived:
    """Goods a donor gives (受赠物资), valued by ``basis``: ``items`` (name, unit, quantity,
    value in yuan)."""

    day: date
    donor: str
    basis: str
    evidence: str
    items: tuple[tuple[str, str, str, str], ...]


@dataclass(frozen=True, slots=True)
class GoodsHandedOut:
    """Goods handed to households on one signed list: ``lines`` (item name, member number,
    quantity, who took them)."""

    day: date
    lines: tuple[tuple[str, str, str, str], ...]


@dataclass(frozen=True, slots=True)
class ShopSettlement:
    """A month's settlement file of the village's online shop, as the platform exports it, imported
    on the month's last day: ``rows`` (date, type, order, amount, memo, balance). Each month's
    voucher it prepares is posted."""

    day: date
    filename: str
    rows: tuple[tuple[str, str, str, str, str, str], ...]


@dataclass(frozen=True, slots=True)
class EquipmentReceived:
    """Equipment a donor gives (受赠设备), registered as the fixed asset ``card`` on its day; the
    voucher (Dr 固定资产 / Cr 公积公益金 or 专项基金) is posted."""

    day: date
    donor: str
    evidence: str
    card: FixedAsset


@dataclass(frozen=True, slots=True)
class SubsidyClaim:
    """A subsidy claim (补贴申报表) under ``policy`` for ``year``, computed from the closed books on
    ``day`` and submitted; its money received on ``received_on`` and paid to the households on
    ``paid_on``."""

    day: date
    policy: str
    year: int
    received_on: date
    paid_on: date


Step = (
    Entry
    | Asset
    | Spend
    | Complete
    | Depreciate
    | Share
    | Status
    | Trade
    | Distribution
    | Dividends
    | Land
    | ChargeFees
    | FeeReceived
    | GoodsReceived
    | GoodsHandedOut
    | SubsidyClaim
    | ShopSettlement
    | EquipmentReceived
)


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    name: str
    kind: str
    region: str
    area: str  # administrative division code that opens the households' ID numbers
    accountant: str
    households: tuple[Household, ...]
    # the village collective as a member: no, name, capital, and the code of the organization it
    # stands for when the village keeps its books in coopledger
    collective: tuple[str, str, str, str | None] | None
    funds: tuple[FundSpec, ...]
    sub_accounts: tuple[tuple[str, str, str, str], ...]  # parent, code, name_zh, name_en
    books: Callable[[Plan, int], list[Step]]  # (plan, year y) → y's steps and early y + 1's


def _households(table: str) -> tuple[Household, ...]:
    """Rows of ``no name size status born sex capital``, one household a line; a 监测户's
    status is written ``monitored/kind``."""
    rows = []
    for text in table.strip().splitlines():
        no, name, size, written, born, sex, capital = text.split()
        status, _slash, kind = written.partition("/")
        rows.append(
            Household(
                no,
                name,
                int(size),
                status,
                date.fromisoformat(born),
                sex == "F",
                capital,
                kind or None,
            )
        )
    return tuple(rows)


# 官王庙村, 白桥镇, 商河县: the garlic growers are villagers too, so the village register repeats
# them (same people, same ID numbers) and adds three households outside the cooperative.
_GUANWANGMIAO = _households("""
001 郭玉田 4 monitored/sudden_hardship 1958-03-12 M 2000
002 孙桂芝 2 exited          1963-07-25 F 2000
003 宋德民 5 exited          1966-11-02 M 2000
004 马春霞 3 monitored/marginal 1971-05-19 F 3000
005 周长河 6 none            1969-09-08 M 3000
006 贾明山 4 none            1975-01-30 M 5000
007 高秀英 1 extreme_poverty 1951-12-14 F 1000
008 杨立国 4 none            1980-04-21 M 5000
009 韩玉兰 3 low_income      1968-08-03 F 1000
010 吕建华 5 none            1973-02-17 M 3000
011 蔡永福 2 monitored/unstable 1961-06-26 M 2000
012 许金凤 4 none            1977-10-09 F 4000
""")
_GUANWANGMIAO_VILLAGE = _GUANWANGMIAO + _households("""
013 邢守田 2 low_income      1950-02-05 M 0
014 陈卫东 5 none            1982-12-01 M 0
015 鲁彩云 3 exited          1960-04-16 F 0
""")
# 南村, 韩庙镇, 商河县: a Hui village where nearly every family keeps cattle or sheep.
_NANCUN = _households("""
001 马文清 6 exited          1965-03-03 M 5000
002 白玉珍 3 exited          1970-06-11 F 3000
003 沙国栋 5 monitored/marginal 1972-09-27 M 6000
004 穆长林 4 none            1960-01-15 M 8000
005 丁秀梅 4 none            1974-12-22 F 10000
006 金福来 5 exited          1968-05-07 M 3000
007 哈建军 4 none            1979-08-18 M 10000
008 海桂兰 2 low_income      1957-11-29 F 2000
009 米德胜 6 none            1976-02-24 M 6000
010 马振海 3 none            1983-07-13 M 8000
""")
# 北峪村, 垛庄镇, 章丘: guest-houses in the southern mountains.
_BEIYU = _households("""
001 娄成山 4 exited          1966-04-04 M 3000
002 公维芹 3 none            1972-10-20 F 5000
003 焦德旺 2 exited          1960-03-28 M 2000
004 亓秀花 4 monitored/sudden_hardship 1969-07-01 F 3000
005 吴广胜 5 none            1975-11-11 M 10000
006 翟玉芬 3 low_income      1964-05-23 F 2000
007 袁庆春 4 none            1971-09-16 M 5000
008 毕海燕 4 none            1981-01-08 F 8000
009 崔兆田 2 exited          1958-08-30 M 2000
""")


# -- small builders ------------------------------------------------------------------------------


def as_fen(amount: Amount) -> int:
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
        amount_fen=as_fen(amount),
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
) -> Entry:
    return Entry(day, memo, lines, attachments, by, draft)


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
) -> Entry:
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
    kind: AssetKind = AssetKind.FIXED,
) -> FixedAsset:
    """An asset card, straight line; operating and used in production unless ``public_welfare``;
    a fixed asset unless another ``kind`` (a breeding herd: 生产性生物资产)."""
    return FixedAsset(
        asset_no=asset_no,
        name=name,
        asset_class=AssetClass.PUBLIC_WELFARE if public_welfare else AssetClass.OPERATING,
        use=AssetUse.PUBLIC_WELFARE if public_welfare else AssetUse.PRODUCTION,
        acquired_on=day,
        cost_fen=as_fen(cost),
        salvage_fen=as_fen(cost) * salvage_percent // 100,
        useful_life_months=months,
        category=category,
        poverty_project=poverty_project,
        funding={code: as_fen(amount) for code, amount in funding.items()},
        kind=kind,
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


def _month_ends(year: int) -> list[Step]:
    """The accountant runs depreciation at every month end; a run with nothing due prepares
    nothing. (A cooperative then carries the year's production cost to 经营支出 on 31 December,
    after December's run.)"""
    return [Depreciate(Period(year, month).last_day) for month in range(1, 13)]


def _trades(
    day: date, product: str, unit: str, quantities: Mapping[str, int], owed: Mapping[str, int]
) -> list[Step]:
    """Each member's delivery (or hosting) recorded as its transaction with the cooperative."""
    return [Trade(day, no, product, qty, unit, owed[no]) for no, qty in quantities.items()]


def _capital(plan: Plan, day: date) -> Entry:
    """成员入股: the bank receives every member's share capital (股金, per member)."""
    paid = [(h.no, as_fen(h.capital)) for h in plan.households]
    if plan.collective is not None:
        paid.append((plan.collective[0], as_fen(plan.collective[2])))
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
) -> tuple[Entry, dict[str, int]]:
    """Members deliver produce for the cooperative to sell (受托代销商品 / 成员往来 per member).

    Returns the voucher and what is owed to each member, in fen.
    """
    owed = {no: qty * as_fen(price) for no, qty in deliveries.items()}
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
) -> Entry:
    """A sale at ``price`` per unit; with ``cost``, the consigned goods' cost goes to 经营支出."""
    amount = qty * as_fen(price)
    lines = [dr(cash, amount), cr(account, amount, qty=qty, unit=unit, memo=f"{qty}{unit}×{price}")]
    if cost:
        lines += [dr("521", cost, memo="结转受托代销商品成本"), cr("128", cost)]
    return _entry(day, memo, *lines, attachments=2)


def _pay_members(day: date, memo: str, owed: Mapping[str, int]) -> Entry:
    """Pay what members are owed (成员往来, per member), by bank transfer to their accounts."""
    return _entry(
        day,
        memo,
        *(dr("114", fen, member=no) for no, fen in owed.items()),
        cr("102", sum(owed.values())),
        attachments=len(owed),
    )


# -- the four organizations' books --------------------------------------------------------------


#: processing fees (加工费) the garlic cooperative owed its poor and low-income members, in fen
PROCESSING = {
    "001": parse_amount("4200.00"),
    "002": parse_amount("3650.00"),
    "003": parse_amount("5180.00"),
    "004": parse_amount("2960.00"),
    "007": parse_amount("1340.00"),
    "009": parse_amount("3870.00"),
    "011": parse_amount("2450.00"),
}


def _garlic_books(plan: Plan, y: int) -> list[Step]:
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
        Asset(cold_store.acquired_on, cold_store),
        Share(
            date(y, 4, 1),
            "quantify_fiscal",
            "示范基地财政补助形成资产折股量化到脱贫户、监测户",
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
        # the cooperative pays its poor and low-income members to peel and grade garlic: the
        # processing fees the city's processing-income subsidy (8 %) is computed on
        _entry(
            date(y, 7, 20),
            "应付成员大蒜剥皮分级加工费",
            dr("521", sum(PROCESSING.values()), memo="大蒜剥皮分级加工"),
            *(cr("114", fen, member=no, memo="加工费") for no, fen in PROCESSING.items()),
            attachments=len(PROCESSING),
        ),
        _pay_members(date(y, 7, 31), "支付成员加工费", PROCESSING),
        _sale(date(y, 8, 6), "销售剥皮分级蒜米（济南农贸市场）", "50101", 4300, "kg", "5.50"),
        _simple(date(y, 6, 30), "支付管理人员上半年报酬", "523", "102", "12000.00"),
        _sale(date(y, 7, 15), "示范田大蒜经电商平台销售", "50101", 8000, "kg", "4.50"),
        _simple(date(y, 8, 20), "慰问村内五保老人", "529", "101", "1200.00"),
        _entry(
            date(y, 9, 22),
            "采购苍山、金乡蒜种免费发放脱贫户、监测户",
            dr("235", seed, fund=base, qty=50000, unit="kg", memo="蒜种50000kg（到户类）"),
            cr("102", seed),
            attachments=3,
        ),
        _simple(date(y, 10, 30), "冷库出租收入（外地客商储存大蒜）", "102", "502", "15000.00"),
        # 郭玉田's household, monitored after a sudden hardship, is found out of risk (风险消除)
        # and is an ordinary household again; its quantified share goes to a monitored household
        Status(date(y, 11, 30), "001", "none"),
        Share(
            date(y, 12, 10),
            "reassign",
            "郭玉田户风险消除，量化份额调整给监测户蔡永福",
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
        Distribution(
            date(y + 1, 1, 14),
            approved_on=date(y + 1, 1, 18),
            paid_on=date(y + 1, 1, 25),
            resolution=f"成员大会决议〔{y + 1}〕1号",
            # 脱贫户 and 监测户 are guaranteed 900 yuan of the residual part
            guarantee=Guarantee(SUPPORTED, fixed_fen=parse_amount("900.00")),
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
        # the city's processing-income subsidy for last year: claimed, received, paid to households
        SubsidyClaim(
            date(y + 1, 2, 20),
            "city-processing-income",
            y,
            received_on=date(y + 1, 3, 12),
            paid_on=date(y + 1, 3, 16),
        ),
        Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


def _cattle_books(plan: Plan, y: int) -> list[Step]:
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
    # the breeding herd (能繁母牛), bought on a bank loan: a productive biological asset (142),
    # depreciated monthly over six years to 5 % into 143, charged to production (401)
    breeders = _card(
        "NM-01",
        "能繁母牛（西门塔尔）10头",
        date(y, 3, 20),
        "100000.00",
        5,
        72,
        funding={},
        category="产畜",
        poverty_project=False,
        kind=AssetKind.PRODUCTIVE_BIOLOGICAL,
    )
    # three rounds a year: members bring fattened cattle, the cooperative sells them, pays members
    rounds: list[Step] = []
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
        # the shed is built as 在建工程: each payment moves as much of the grant into 专项基金
        Spend(date(y, 4, 12), shed, "支付肉牛棚建设进度款", as_fen("180000.00")),
        _sale(
            date(y, 4, 10),
            "销售牛粪有机肥（官王庙大蒜种植专业合作社）",
            "50102",
            62,
            "吨",
            "300.00",
        ),
        _simple(
            date(y, 3, 12), "向农商银行借入三年期贷款（购入能繁母牛）", "102", "231", "100000.00"
        ),
        Asset(breeders.acquired_on, breeders),  # Dr 142 生产性生物资产 / Cr 102
        _simple(date(y, 4, 28), "春季口蹄疫防疫及兽药", "521", "102", "4860.00", attachments=2),
        Spend(date(y, 5, 20), shed, "肉牛棚竣工结算付款", as_fen("120000.00")),
        # put in use: Dr 151 / Cr 153; the payments moved 专项应付款 already
        Complete(shed.acquired_on, shed),
        Share(
            date(y, 6, 1),
            "quantify_fiscal",
            "标准化肉牛棚财政资金形成资产折股量化到脱贫户、监测户",
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
        # the herd's first calves, weaned and sold
        _sale(date(y, 11, 16), "销售断奶犊牛（自繁）", "50101", 3, "头", "3960.00"),
        *rounds,
        _simple(date(y, 12, 28), "支付管理人员下半年报酬", "523", "102", "9000.00"),
        *_month_ends(y),
        _simple(
            date(y, 12, 31), "结转本年生产成本", "521", "401", _production_cost([shed, breeders], y)
        ),
        _simple(date(y + 1, 1, 12), "冬季饲草料补充", "521", "102", "8750.00", attachments=2),
        # 海桂兰 takes silage on credit, to be deducted from her dividend
        _entry(
            date(y + 1, 1, 13),
            "为成员赊购青贮饲草（分配盈余时扣回）",
            dr("114", "260.00", member="008", qty=650, unit="kg", memo="青贮饲草"),
            cr("102", "260.00"),
            attachments=2,
        ),
        Distribution(
            date(y + 1, 1, 15),
            approved_on=date(y + 1, 1, 19),
            paid_on=date(y + 1, 1, 26),
            resolution=f"成员大会决议〔{y + 1}〕1号",
            # 脱贫户 and 监测户 are guaranteed 1.6 % of their quantified fiscal share
            guarantee=Guarantee(SUPPORTED, rate=Decimal("0.016")),
            cash=("004", "1000.00"),  # 穆长林 takes 1,000 yuan in cash now, the rest later
            offset="008",  # 海桂兰's silage is deducted
            converted=("010", "1000.00"),  # 马振海 turns 1,000 yuan into share capital
        ),
        Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


def _tourism_books(plan: Plan, y: int) -> list[Step]:
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

    def takings(month: int, nights: int, rate: str, meals: str, picking: int = 0) -> Entry:
        """The cashier books a month's guest-house and meal takings (bank) and picking (cash)."""
        lodging = nights * as_fen(rate)
        lines = [
            dr("102", lodging + as_fen(meals)),
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

    def hosting(month: int, nights: int, fees: tuple[str, ...]) -> list[Step]:
        """The households' share of the lodging takings (服务费), accrued then paid; each
        household's guest-nights are the period's ``nights`` spread in proportion to its fee."""
        owed = {no: as_fen(fee) for no, fee in zip(hosts, fees, strict=True)}
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
        Asset(visitor_centre.acquired_on, visitor_centre),  # 游客服务中心竣工付款
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
        Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


#: what each 脱贫户, 监测户, 低保户 and 特困户 of the village receives for the winter: the share of
#: a winter-aid programme that has handed out some 330 t of coal, 880 padded quilts and coats,
#: 4,365.5 kg of edible oil and 11,745 kg of rice and noodles to many villages since 2015
WINTER_SHARE = (
    ("冬季取暖用煤", "吨", "0.6"),
    ("棉被", "床", "1"),
    ("棉大衣", "件", "1"),
    ("食用油", "千克", "5"),
    ("大米", "千克", "25"),
    ("挂面", "千克", "10"),
)


#: the households the winter goods go to: 脱贫户, 监测户, 低保户 and 特困供养户
WINTER_AID = ("exited", "monitored", "low_income", "extreme_poverty")


def _winter_goods(plan: Plan, y: int) -> list[Step]:
    """Winter goods the village receives from three donor companies (all invented) in late
    November and hands to its supported households before Christmas on one signed list, each
    head of household taking them in person."""
    helped = [h for h in plan.households if h.status in WINTER_AID]
    n = len(helped)

    def qty(name: str) -> Decimal:
        return Decimal(next(q for item, _u, q in WINTER_SHARE if item == name)) * n

    return [
        GoodsReceived(
            date(y, 11, 26),
            "济南暖泉热力燃料有限公司",
            "donor_invoice",
            f"捐赠清单及发票 {y}-NQ-017",
            (("冬季取暖用煤", "吨", str(qty("冬季取暖用煤")), str(qty("冬季取暖用煤") * 1100)),),
        ),
        GoodsReceived(
            date(y, 11, 28),
            "鲁北福绒纺织服装有限公司",
            "market_price",
            "捐赠清单（按同期市场价格计价）",
            (
                ("棉被", "床", str(qty("棉被")), str(qty("棉被") * 150)),
                ("棉大衣", "件", str(qty("棉大衣")), str(qty("棉大衣") * 180)),
            ),
        ),
        GoodsReceived(
            date(y, 12, 2),
            "黄河湾粮油食品有限公司",
            "donor_invoice",
            f"捐赠清单及发票 {y}-HHW-088",
            (
                ("食用油", "千克", str(qty("食用油")), str(qty("食用油") * 15)),
                ("大米", "千克", str(qty("大米")), str(qty("大米") * 5)),
                ("挂面", "千克", str(qty("挂面")), str(qty("挂面") * 7)),
            ),
        ),
        GoodsHandedOut(
            date(y, 12, 20),
            tuple((item, h.no, q, h.name) for h in helped for item, _u, q in WINTER_SHARE),
        ),
    ]


def _village_books(plan: Plan, y: int) -> list[Step]:
    road, lights, store = "gwm-road-help", "gwm-streetlights", "gwm-cold-store"
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
    cold_store = _card(
        "LK-01",
        "村集体大蒜保鲜冷库（经营性，出租）",
        date(y, 5, 20),
        "200000.00",
        5,
        240,  # 20 years, 5 % salvage
        funding={store: "200000.00"},
        category="房屋及建筑物",
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
    pond, orchard = f"GWM-{y}-01", f"GWM-{y}-02"
    return [
        *_winter_goods(plan, y),
        # the resources register and two contracts: the fish pond let to an outside company,
        # the orchard land to a household, each fee due on 1 March; the household paid part of
        # it, and the rest is in arrears (the audit's contract_in_arrears)
        Land(
            date(y, 1, 2),
            (
                ("pond", "东大塘", "村东", "15", "亩"),
                ("orchard", "北坡果园地", "村北坡", "30", "亩"),
                ("forest", "西山林地", "村西山", "80", "亩"),
            ),
            (
                (
                    pond,
                    "东大塘",
                    None,
                    "商河县鲁丰水产养殖有限公司",
                    "15",
                    date(y + 4, 12, 31),
                    "6000.00",
                    "03-01",
                ),
                (
                    orchard,
                    "北坡果园地",
                    "014",
                    "陈卫东",
                    "30",
                    date(y + 9, 12, 31),
                    "4500.00",
                    "03-01",
                ),
            ),
        ),
        ChargeFees(date(y, 3, 1)),
        FeeReceived(date(y, 3, 20), pond, "6000.00", "bank"),
        FeeReceived(date(y, 6, 30), orchard, "2000.00", "bank"),
        ChargeFees(date(y + 1, 3, 1)),
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
            date(y, 4, 16),
            "收到衔接推进乡村振兴补助资金（村集体大蒜保鲜冷库）",
            dr("102", "200000.00"),
            cr("241", "200000.00", fund=store),
            attachments=2,
        ),
        Asset(cold_store.acquired_on, cold_store),  # 冷库竣工验收付款
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
        Asset(finished, cement_road, pay_account="153"),
        Asset(finished, ditch, pay_account="153"),
        # the road and the ditch are public-welfare assets: their income rights are not
        # quantified; the cold store is operating property, let out, and its shares are
        Share(
            date(y, 7, 10),
            "quantify_fiscal",
            "衔接资金形成的经营性资产（大蒜保鲜冷库）折股量化到全体成员",
            fund=store,
            amount=cold_store.cost_fen,
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
        _simple(
            date(y, 7, 1),
            "收到大蒜保鲜冷库下半年租金",
            "102",
            "50102",
            "18000.00",
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
        Asset(street_lights.acquired_on, street_lights),  # 村内路灯安装完工付款
        Status(date(y, 11, 30), "001", "none"),  # 郭玉田户风险消除 (the garlic grower too)
        _simple(date(y, 11, 12), "出租房屋屋顶维修", "511", "102", "2850.00", attachments=2),
        _simple(date(y, 12, 28), "支付村干部下半年误工补贴", "513", "102", "18000.00"),
        _simple(date(y, 12, 28), "支付下半年村庄保洁费", "514", "102", "9600.00"),
        *_month_ends(y),
        _simple(
            date(y, 12, 31),
            "结转出租冷库本年折旧",
            "511",
            "401",
            _production_cost([cold_store], y),
        ),
        _simple(date(y + 1, 1, 10), "支付村委会办公用品", "513", "101", "386.00"),
        Dividends(date(y + 1, 1, 28)),  # the garlic cooperative's dividend on the village's shares
        Depreciate(date(y + 1, 12, 31)),  # dated today at the latest: through the last month ended
    ]


# 张铁匠村, 文祖街道, 章丘区: a village of tinsmiths whose collective sells the households' hand-made
# tin pots in its Taobao shop (the shop's balance on the platform is 10202, a 102 sub-account: the
# 2023 village chart has no 其他货币资金), and whose school was given computers, water purifiers
# and air conditioners.
_ZHANGTIEJIANG = _households("""
001 张德厚 5 none            1962-04-18 M 0
002 张守艺 4 exited          1968-09-02 M 0
003 李秀兰 3 none            1974-01-23 F 0
004 王金锁 6 monitored/marginal 1959-11-30 M 0
005 张春生 4 none            1981-06-14 M 0
006 刘巧云 2 low_income      1955-03-08 F 0
""")
#: the tin pots the shop sells, yuan each, taken in turn
POTS = (
    ("錾花提梁壶", 1280),
    ("素面执壶", 580),
    ("梅花茶叶罐", 880),
    ("小酒壶", 460),
    ("龙凤温酒壶", 1080),
    ("竹节茶叶罐", 680),
    ("手工錾刻大茶壶", 1300),
    ("锡杯一对", 380),
    ("莲花茶叶罐", 780),
    ("福字提梁壶", 980),
)
#: orders a month, January to December (the autumn and the new-year gift season sell most)
ORDERS = (9, 7, 10, 10, 12, 12, 11, 10, 13, 14, 19, 16)
FEE_PERCENT = 2  # the platform's 技术服务费 on each order
SHOP_BANK, SHOP_ACCOUNT = "10201", "10202"


def _fen_text(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _shop_months(y: int) -> list[ShopSettlement]:
    """A year of the shop's monthly settlement files: each order with its 2 % fee, a payout of
    the balance on the 26th, and the last March order (on the 27th) refunded on 2 April — a
    refund in the month after its order, which reduces April's income."""
    balance = 0
    out = []
    n = 0
    refund: tuple[str, int, str] | None = None
    for month, count in enumerate(ORDERS, start=1):
        lines: list[tuple[date, int, str, str, int, str]] = []  # day, order in day, type, no…
        for i in range(count):
            name, price = POTS[n % len(POTS)]
            n += 1
            day = date(y, month, 27 if i == count - 1 else 1 + (i * 25) // count)
            no = f"TB{y}{month:02d}{i + 1:03d}"
            fee = (price * 100 * FEE_PERCENT + 50) // 100
            lines.append((day, 2 * i, "order", no, price * 100, f"手工锡壶 {name}"))
            lines.append((day, 2 * i + 1, "fee", no, -fee, "技术服务费"))
            if month == 3 and i == count - 1:
                refund = (no, price * 100, name)
        if month == 4 and refund is not None:
            no, fen, name = refund
            lines.append((date(y, 4, 2), -1, "refund", no, -fen, f"买家退货退款 {name}"))
        lines.sort(key=lambda ln: (ln[0], ln[1]))
        rows = []
        paid = False
        for day, _k, kind, no, fen, memo in lines:
            if not paid and day.day > 26:
                rows.append(_payout(y, month, balance))
                balance = 0
                paid = True
            balance += fen
            rows.append((day.isoformat(), kind, no, _fen_text(fen), memo, _fen_text(balance)))
        if not paid:
            rows.append(_payout(y, month, balance))
            balance = 0
        out.append(
            ShopSettlement(Period(y, month).last_day, f"taobao-{y}-{month:02d}.csv", tuple(rows))
        )
    return out


def _payout(y: int, month: int, balance: int) -> tuple[str, str, str, str, str, str]:
    return (
        date(y, month, 26).isoformat(),
        "payout",
        "",
        _fen_text(-balance),
        "提现到农商银行",
        "0.00",
    )


def _zhangtiejiang_books(plan: Plan, y: int) -> list[Step]:
    """The shop's year and what its settlements paid out: the tinsmith households paid for their
    pots each month (60 % of the payout), the school's gifts registered as fixed assets and
    depreciated every month."""
    steps: list[Step] = [*_month_ends(y), *_shop_months(y)]
    for settlement in steps[-12:]:
        assert isinstance(settlement, ShopSettlement)
        payout = sum(parse_amount(r[3].lstrip("-")) for r in settlement.rows if r[1] == "payout")
        owed = payout * 60 // 100 // 100 * 100  # whole yuan
        if owed:
            month = settlement.day.month
            steps.append(
                _simple(
                    date(y, month, 28),
                    f"支付{month}月锡壶加工费（张德厚等 5 户）",
                    "511",
                    SHOP_BANK,
                    owed,
                    attachments=2,
                )
            )
    school = "村小学"
    for asset_no, name, category, cost, months, day in (
        ("JZ-01", f"{school}计算机教室电脑 40 台", "电子设备", "96000.00", 48, date(y, 9, 1)),
        ("JZ-02", f"{school}直饮净水器 6 台", "电器设备", "18000.00", 60, date(y, 9, 1)),
        ("JZ-03", f"{school}教室空调 12 台", "电器设备", "36000.00", 96, date(y, 9, 1)),
    ):
        steps.append(
            EquipmentReceived(
                day,
                "济南齐鲁锡艺科技有限公司",
                f"捐赠协议及发票 {y}-JZ-{asset_no[-2:]}",
                FixedAsset(
                    asset_no=asset_no,
                    name=name,
                    asset_class=AssetClass.PUBLIC_WELFARE,
                    use=AssetUse.PUBLIC_WELFARE,
                    acquired_on=day,
                    cost_fen=as_fen(cost),
                    salvage_fen=0,
                    useful_life_months=months,
                    category=category,
                ),
            )
        )
    return steps


PLANS = (
    Plan(
        "garlic-coop",
        "官王庙大蒜种植专业合作社",
        "cooperative",
        "济南市/商河县/白桥镇/官王庙村",
        "371426",
        "zhang-kj",
        _GUANWANGMIAO,
        ("JT01", "官王庙村股份经济合作社", "50000.00", "guanwangmiao"),
        (
            FundSpec(
                "gwm-garlic-base",
                "优质大蒜示范基地",
                "municipal_pro_poor",
                "济南市扶贫开发领导小组办公室",
                "示范田200亩喷灌、冷库设施；苍山、金乡蒜种50000kg免费发放脱贫户、监测户",
                "400000.00",
            ),
        ),
        (
            ("501", "50101", "大蒜销售", "Garlic sales"),
            ("501", "50102", "蒜薹销售", "Garlic scape sales"),
        ),
        _garlic_books,
    ),
    Plan(
        "cattle-coop",
        "南村肉牛养殖专业合作社",
        "cooperative",
        "济南市/商河县/韩庙镇/南村",
        "371426",
        "zhao-kj",
        _NANCUN,
        ("JT01", "南村股份经济合作社", "30000.00", None),  # 南村 keeps its books elsewhere
        (
            FundSpec(
                "nancun-cattle-shed",
                "标准化肉牛棚",
                "county_fiscal",
                "商河县财政局",
                "建设标准化肉牛棚，收益权量化到脱贫户、监测户",
                "300000.00",
            ),
        ),
        (
            ("501", "50101", "肉牛销售", "Beef cattle sales"),
            ("501", "50102", "有机肥销售", "Organic fertilizer sales"),
        ),
        _cattle_books,
    ),
    Plan(
        "tourism-coop",
        "垛庄北峪乡村旅游专业合作社",
        "cooperative",
        "济南市/章丘区/垛庄镇/北峪村",
        "370181",
        "sun-kj",
        _BEIYU,
        ("JT01", "北峪村股份经济合作社", "20000.00", None),
        (
            FundSpec(
                "dz-visitor-centre",
                "乡村旅游合作社发展补助",
                "municipal_pro_poor",
                "济南市扶贫开发领导小组办公室",
                "建设游客服务中心",
                "150000.00",
            ),
            FundSpec(
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
    Plan(
        "guanwangmiao",
        "官王庙村股份经济合作社",
        "village_collective",
        "济南市/商河县/白桥镇/官王庙村",
        "371426",
        "zhang-kj",
        _GUANWANGMIAO_VILLAGE,
        None,
        (
            FundSpec(
                "gwm-road-help",
                "村内道路及排水沟帮扶资金",
                "help_unit",
                "济南市中心医院",
                "新修水泥路10300米、排水沟5650米",
                "400000.00",
            ),
            FundSpec(
                "gwm-cold-store",
                "村集体大蒜保鲜冷库衔接资金",
                "county_fiscal",
                "商河县财政局（衔接推进乡村振兴补助资金）",
                "建设村集体大蒜保鲜冷库，出租经营，收益按成员份额分配",
                "200000.00",
            ),
            FundSpec(
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
    Plan(
        "zhangtiejiang",
        "张铁匠村股份经济合作社",
        "village_collective",
        "济南市/章丘区/文祖街道/张铁匠村",
        "370181",
        "sun-kj",
        _ZHANGTIEJIANG,
        None,
        (),
        (
            ("102", SHOP_BANK, "农商银行", "Rural commercial bank"),
            ("102", SHOP_ACCOUNT, "淘宝网店", "Taobao shop"),
            ("501", "50101", "锡器网店销售收入", "Tinware sold online"),
        ),
        _zhangtiejiang_books,
    ),
)

USERS: tuple[tuple[str, str, tuple[str, ...], str | tuple[str, ...] | None, str], ...] = (
    ("admin", "admin", (), None, "administrator, every organization"),
    (
        "zhang-kj",
        "accountant",
        ("garlic-coop", "guanwangmiao"),
        None,
        "township accountant (村账乡代管): garlic-coop, guanwangmiao",
    ),
    ("zhao-kj", "accountant", ("cattle-coop",), None, "accountant: cattle-coop"),
    (
        "sun-kj",
        "accountant",
        ("tourism-coop", "zhangtiejiang"),
        None,
        "accountant: tourism-coop, zhangtiejiang",
    ),
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
        tuple(p.code for p in PLANS),
        None,
        "reviewer: all five organizations",
    ),
    ("auditor", "auditor", tuple(p.code for p in PLANS), None, "auditor (read only): all five"),
    (
        "household",
        "household",
        (),
        ("garlic-coop/003", "guanwangmiao/003"),
        "household 宋德民 (脱贫户), garlic-coop member 003 and villager 003 of guanwangmiao",
    ),
)


#: users scoped to a region of the tree the organizations' regions form (济南市/商河县/…, 章丘区/…)
REGION_USERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "shanghe",
        "auditor",
        ("济南市/商河县",),
        "county officer (read only): every organization under 济南市/商河县",
    ),
)
