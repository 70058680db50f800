"""What the benchmarks share: a seeded voucher generator, a fresh database, books to post into.

Data come from a seeded generator, so two runs post the same books.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db.engine import recreate_database
from coopledger.adapters.db.uow import SqlUnitOfWork, UnitsOfWork
from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.domain.roles import Actor
from coopledger.services import auth, orgs, vouchers
from coopledger.services.ports import PasswordHasher

Echo = Callable[[str], None]
MEMBERS = 200
BATCH = 2_000
PASSWORD = "bench-password-1"


def drafts(seed: int, count: int, year: int) -> Iterator[VoucherDraft]:
    """Vouchers of two to four lines (2.8 on average), dated across ``year``, in date order."""
    rnd = random.Random(seed)
    start = date(year, 1, 1)
    for i in range(count):
        day = start + timedelta(days=i * 365 // count)
        amount = rnd.randint(100, 5_000_000)
        member = str(rnd.randint(1, MEMBERS))
        kind = rnd.random()
        lines: tuple[Line, ...]
        if kind < 0.3:  # sale for cash and bank
            cash = rnd.randint(1, amount - 1) if amount > 1 else 0
            lines = (
                Line("101", Dr.DEBIT, cash),
                Line("102", Dr.DEBIT, amount - cash),
                Line("501", Dr.CREDIT, amount, quantity_milli=rnd.randint(1, 10**6), unit="kg"),
            )
            lines = tuple(ln for ln in lines if ln.amount_fen)
        elif kind < 0.6:  # produce bought from a member and paid
            lines = (
                Line("128", Dr.DEBIT, amount),
                Line("114", Dr.CREDIT, amount, member=member),
                Line("114", Dr.DEBIT, amount, member=member),
                Line("102", Dr.CREDIT, amount),
            )
        elif kind < 0.8:  # expenses
            half = amount // 2
            lines = (
                Line("521", Dr.DEBIT, half),
                Line("523", Dr.DEBIT, amount - half),
                Line("102", Dr.CREDIT, amount),
            )
            lines = tuple(ln for ln in lines if ln.amount_fen)
        else:  # a member's capital
            lines = (Line("102", Dr.DEBIT, amount), Line("301", Dr.CREDIT, amount, member=member))
        yield VoucherDraft(day, f"bench {i}", lines, attachments=1)


def fresh_url(database_url: str | None, tmp: Path, name: str = "bench.db") -> str:
    """``database_url`` emptied (a PostgreSQL database is dropped and created again), or a new
    SQLite file ``name`` in ``tmp``."""
    if not database_url:
        return f"sqlite:///{tmp / name}"
    if make_url(database_url).get_backend_name() == "postgresql":
        recreate_database(database_url)
    return database_url


def bench_books(
    engine: Engine, codes: Sequence[str], hasher: PasswordHasher
) -> tuple[Callable[[], SqlUnitOfWork], Actor]:
    """A benchmark's books on a migrated database: cooperatives ``codes`` (one accountant may
    prepare, review and post), the admin ``bench-admin``, and ``MEMBERS`` members in each."""
    uow = UnitsOfWork(sessionmaker(bind=engine, expire_on_commit=False))

    auth.create_user(uow(), None, hasher, "bench-admin", PASSWORD, "admin", [])
    admin = auth.actor_named(uow(), "bench-admin")
    for code in codes:
        orgs.create_org(
            uow(), None, code, f"基准测试合作社 {code}", "cooperative", allow_single_accountant=True
        )
        for n in range(1, MEMBERS + 1):
            orgs.create_member(uow(), admin, code, {"member_no": str(n), "name": f"成员{n}"})
    return uow, admin


def vouchers_post(
    uow: Callable[[], SqlUnitOfWork], admin: Actor, batch: list[VoucherDraft]
) -> None:
    vouchers.post_batch(uow(), admin, "bench", batch)
