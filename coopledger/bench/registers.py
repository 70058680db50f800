"""``coopledger bench registers``: figures for the registers, printed, never asserted.

1. A depreciation run over an organization holding ``assets`` straight-line assets (production,
   management and public-welfare use; about a third part-financed by a fiscal fund that received
   its money through a posted Dr 102 / Cr 235 voucher), all acquired in December of the year
   before: ``run_depreciation`` through month ``months`` prepares one voucher per month covering
   ``assets × months`` charges, timed once (it cannot be repeated on the same books); then the
   second run, which prepares nothing, as the median of three.
2. The share register of an organization of ``members`` members, each holding capital posted
   with ``post_batch`` (Dr 102 / Cr 301, up to 500 lines a voucher) and a share of a fund's
   专项基金 quantified over all members: ``share_register``, median of three, and whether it ties
   to the ledger's 301.

Setup (registering assets one by one through the service, admitting members) is not timed.
The issue's target for each figure is printed beside it. Data come from a seeded generator, so
two runs keep the same books.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.common import fresh_url
from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset, charges_due
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.members import PovertyStatus
from coopledger.domain.periods import Period
from coopledger.domain.roles import Actor
from coopledger.services import auth, orgs, registers, shares, vouchers

Echo = Callable[[str], None]
T = TypeVar("T")

YEAR = 2025  # assets are acquired in December of YEAR - 1 and depreciated from January YEAR
TARGET_S = 2.0
RUNS = 3
LINES_PER_VOUCHER = 500
PASSWORD = "bench-password-1"
ASSET_ORG = "bench-assets"
SHARE_ORG = "bench-shares"
ASSET_FUND = "asset-fund"
SHARE_FUND = "share-fund"
LIVES = (36, 60, 96, 120, 180, 240)  # useful lives in months
USES = (AssetUse.PRODUCTION, AssetUse.MANAGEMENT, AssetUse.PUBLIC_WELFARE)
STATUSES = (
    [PovertyStatus.NONE] * 12
    + [PovertyStatus.POOR] * 3
    + [PovertyStatus.EXITED, PovertyStatus.MONITORED, PovertyStatus.LOW_INCOME]
)


def asset_cards(seed: int, count: int, months: int) -> Iterator[FixedAsset]:
    """Straight-line assets acquired in December of YEAR - 1, each charged in every one of the
    ``months`` months that follow; about a third part-financed by ``ASSET_FUND``."""
    rnd = random.Random(seed)
    for i in range(1, count + 1):
        use = rnd.choice(USES)
        cost = rnd.randint(500, 500_000) * 100
        funding = {ASSET_FUND: cost * rnd.randint(30, 100) // 100} if rnd.random() < 1 / 3 else {}
        yield FixedAsset(
            asset_no=f"GZ{i:05d}",
            name=f"基准资产{i}",
            asset_class=(
                AssetClass.PUBLIC_WELFARE
                if use is AssetUse.PUBLIC_WELFARE
                else AssetClass.OPERATING
            ),
            use=use,
            acquired_on=date(YEAR - 1, 12, rnd.randint(1, 31)),
            cost_fen=cost,
            salvage_fen=cost * rnd.randint(0, 5) // 100,
            useful_life_months=max(rnd.choice(LIVES), months),
            category=rnd.choice(("房屋", "机械设备", "运输工具", "大棚", "冷库")),
            poverty_project=bool(funding),
            funding=funding,
        )


def _median_s(fn: Callable[[], T], runs: int = RUNS) -> tuple[float, T]:
    """The median wall time of ``runs`` calls in seconds, and the last call's result."""
    times = []
    result: T | None = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    assert result is not None
    return statistics.median(times), result


def _verdict(seconds: float) -> str:
    return f"(target < {TARGET_S:.0f} s: {'met' if seconds < TARGET_S else 'MISSED'})"


def _through(months: int) -> Period:
    period = Period(YEAR, 1)
    for _ in range(months - 1):
        period = period.next()
    return period


def run_registers_bench(
    *, assets: int, months: int, members: int, database_url: str | None, echo: Echo
) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        url = fresh_url(database_url, Path(tmpdir))
        engine = make_engine(url)
        backend = engine.dialect.name
        echo(
            f"backend: {backend} ({url if backend == 'sqlite' else make_url(url).render_as_string()})"
        )
        migrate.upgrade(engine)
        uow = UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False))

        for code, name in ((ASSET_ORG, "基准资产合作社"), (SHARE_ORG, "基准股金合作社")):
            orgs.create_org(uow(), None, code, name, "cooperative", allow_single_accountant=True)
        auth.create_user(
            uow(), None, Argon2Hasher(), "bench-acc", PASSWORD, "accountant", [ASSET_ORG, SHARE_ORG]
        )
        acc = auth.actor_named(uow(), "bench-acc")
        _depreciation(uow, acc, assets, months, echo)
        _share_register(uow, acc, members, echo)
        engine.dispose()


def _receive(
    uow: Callable[[], SqlUnitOfWork], actor: Actor, org: str, fund: str, fen: int, on: date
) -> None:
    """A grant received into 专项应付款 for ``fund``, posted."""
    memo = f"收到{fund}拨款"
    lines = (
        Line("102", Dr.DEBIT, fen, memo=memo),
        Line("235", Dr.CREDIT, fen, fund=fund, memo=memo),
    )
    vouchers.post_batch(uow(), actor, org, [VoucherDraft(on, memo, lines, attachments=1)])


def _depreciation(
    uow: Callable[[], SqlUnitOfWork], acc: Actor, count: int, months: int, echo: Echo
) -> None:
    cards = list(asset_cards(2025, count, months))
    through = _through(months)
    funded = sum(a.funding.get(ASSET_FUND, 0) for a in cards)
    orgs.create_fund(
        uow(),
        acc,
        ASSET_ORG,
        {
            "code": ASSET_FUND,
            "name": "县级财政扶持资金（设施农业）",
            "source": "county_fiscal",
            "granted_fen": funded,
        },
    )
    _receive(uow, acc, ASSET_ORG, ASSET_FUND, funded, date(YEAR - 1, 11, 20))
    echo(
        f"registering {count:,} assets ({sum(1 for a in cards if a.funding):,} part-financed by "
        f"{ASSET_FUND}); each prepares its acquisition voucher (setup, not timed)"
    )
    started = time.perf_counter()
    for i, card in enumerate(cards, 1):
        registers.register_asset(uow(), acc, ASSET_ORG, card)
        if i % 250 == 0 or i == count:
            echo(f"  {i:,} assets registered ({time.perf_counter() - started:.0f} s)")
    expected = sum(len(charges_due(a, through, set())) for a in cards)

    started = time.perf_counter()
    prepared = registers.run_depreciation(uow(), acc, ASSET_ORG, through)
    first_s = time.perf_counter() - started
    echo(
        f"depreciation run through {through}: {count:,} assets, {len(prepared)} vouchers "
        f"prepared covering {expected:,} charges in {first_s:.2f} s {_verdict(first_s)}"
    )
    again_s, again = _median_s(lambda: registers.run_depreciation(uow(), acc, ASSET_ORG, through))
    echo(
        f"second run (prepares {len(again)}): {again_s:.2f} s, median of {RUNS} {_verdict(again_s)}"
    )


def _share_register(uow: Callable[[], SqlUnitOfWork], acc: Actor, count: int, echo: Echo) -> None:
    rnd = random.Random(5000)
    echo(f"admitting {count:,} members (setup, not timed)")
    started = time.perf_counter()
    for n in range(1, count + 1):
        orgs.create_member(
            uow(),
            acc,
            SHARE_ORG,
            {
                "member_no": str(n),
                "name": f"成员{n}",
                "household_size": rnd.randint(1, 8),
                "poverty_status": rnd.choice(STATUSES).value,
            },
        )
        if n % 1000 == 0 or n == count:
            echo(f"  {n:,} members ({time.perf_counter() - started:.0f} s)")

    capital = [(str(n), rnd.randint(100, 50_000) * 100) for n in range(1, count + 1)]
    per_voucher = LINES_PER_VOUCHER - 1  # one bank line, the rest members' capital
    drafts = []
    for start in range(0, count, per_voucher):
        chunk = capital[start : start + per_voucher]
        memo = f"收到成员{chunk[0][0]}至{chunk[-1][0]}出资"
        lines = (
            Line("102", Dr.DEBIT, sum(fen for _, fen in chunk), memo=memo),
            *(Line("301", Dr.CREDIT, fen, member=no, memo=memo) for no, fen in chunk),
        )
        drafts.append(VoucherDraft(date(YEAR, 1, 10), memo, lines, attachments=1))
    vouchers.post_batch(uow(), acc, SHARE_ORG, drafts)
    echo(f"  capital of {count:,} members posted in {len(drafts)} vouchers")

    grant = 120_000_000  # 1,200,000 yuan
    orgs.create_fund(
        uow(),
        acc,
        SHARE_ORG,
        {
            "code": SHARE_FUND,
            "name": "市级扶贫资金（冷链仓储）",
            "source": "municipal_pro_poor",
            "granted_fen": grant,
        },
    )
    _receive(uow, acc, SHARE_ORG, SHARE_FUND, grant, date(YEAR, 2, 15))
    registers.register_asset(
        uow(),
        acc,
        SHARE_ORG,
        FixedAsset(
            asset_no="LK001",
            name="冷库",
            asset_class=AssetClass.OPERATING,
            use=AssetUse.PRODUCTION,
            acquired_on=date(YEAR, 3, 20),
            cost_fen=grant,
            salvage_fen=grant // 20,
            useful_life_months=240,
            poverty_project=True,
            funding={SHARE_FUND: grant},
        ),
    )
    shares.record_event(
        uow(),
        acc,
        SHARE_ORG,
        shares.EventInput(
            kind="quantify_fiscal",
            occurred_on=date(YEAR, 6, 30),
            reason="冷库形成的专项基金量化到全体成员",
            fund=SHARE_FUND,
            amount_fen=grant,
            basis="all_members",
        ),
    )
    echo(f"  {SHARE_FUND}'s 专项基金 quantified over all {count:,} members")

    seconds, register = _median_s(lambda: shares.share_register(uow(), acc, SHARE_ORG))
    echo(
        f"share register: {len(register.holdings):,} holdings in {seconds:.2f} s, median of "
        f"{RUNS} {_verdict(seconds)}; ties to 301: {register.ties}"
    )
