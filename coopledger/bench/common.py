"""What the benchmarks share: a seeded voucher generator, a fresh database, books to post into.

Data come from a seeded generator, so two runs post the same books.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
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


MemberFields = Callable[[int], dict[str, object]]


def garlic_households(
    uow: Callable[[], SqlUnitOfWork],
    admin: Actor,
    org_code: str,
    members: int,
    year: int,
    rnd: random.Random,
    member_fields: MemberFields,
    *,
    per_voucher: int = 400,
) -> list[VoucherDraft]:
    """Households 1…members of a garlic cooperative, each with a poverty status and the year's
    sale of garlic (one transaction), set up through the store in one transaction; returns the
    year's capital vouchers (成员入股, ``per_voucher`` households a voucher) for the caller to post.

    ``member_fields(n)`` gives household n's name and any other fields; it may draw from ``rnd``,
    which is drawn in the same order on every run (seeded books stay the same)."""
    statuses = ["poor", "monitored", "none", "none", "exited"]
    with uow() as w:  # bulk set-up through the store: one transaction, not thousands
        org = w.store.org_by_code(org_code)
        assert org is not None
        for n in range(1, members + 1):
            fields = {"member_no": str(n), "kind": "household", **member_fields(n)}
            w.store.add_member(org.id, {**fields, "poverty_status": statuses[n % 5]})
        ids = w.store.members_by_no(org.id, {str(n) for n in range(1, members + 1)})
        for n in range(1, members + 1):
            w.store.add_member_status(ids[str(n)], statuses[n % 5], date(2000, 1, 1))
            w.registers.add_member_transaction(
                org.id,
                ids[str(n)],
                {
                    "occurred_on": date(year, 6, 1),
                    "product": "大蒜",
                    "quantity_milli": rnd.randint(1, 10**7),
                    "unit": "kg",
                    "amount_fen": rnd.randint(100, 10**7),
                    "created_by": admin.user_id,
                    "created_at": datetime.now(UTC),
                },
            )
        w.commit()
    capital = []
    for start in range(1, members + 1, per_voucher):
        chunk = [
            (str(n), rnd.randint(10_000, 1_000_000))
            for n in range(start, min(start + per_voucher, members + 1))
        ]
        lines = [Line("301", Dr.CREDIT, fen, member=no) for no, fen in chunk]
        capital.append(
            VoucherDraft(
                date(year, 1, 15),
                "成员入股",
                (Line("102", Dr.DEBIT, sum(f for _, f in chunk)), *lines),
            )
        )
    return capital
