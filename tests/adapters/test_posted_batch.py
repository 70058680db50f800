"""Batches written with their guards set aside — posted history copied as a restore copies it on
PostgreSQL, the per-row insert guards dropped for a batch on SQLite: the set query that replaces
the triggers refuses what they would refuse, nothing of a refused batch is written, and the
guards are back afterwards."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.bulk import (
    SQLITE_INSERT_GUARDS,
    GuardedBatchError,
    copy_into,
    load_posted_batch,
    may_set_guards_aside,
    sqlite_timestamp,
)
from coopledger.adapters.db.engine import make_engine
from coopledger.bench import scale as bench_scale
from tests.conftest import fresh_database, is_pg

Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
COLUMNS = (*bench_scale.VOUCHER_COLUMNS, "posted_by", "posted_at")


def loader_books(name: str, tmp: Path) -> tuple[Engine, list[Any], int]:
    """A fresh migrated database ``name`` with three of the bench's organizations and the user
    who loads: (engine, organization ids, user id)."""
    engine = make_engine(fresh_database(name, tmp))
    migrate.upgrade(engine)
    org_ids = bench_scale.create_orgs(engine, sessionmaker(bind=engine), 3)
    with engine.begin() as conn:
        user = conn.execute(
            text(
                "INSERT INTO app_user"
                " (username, username_key, password_hash, role, locale, failed_logins)"
                " VALUES ('loader', 'loader', 'x', 'admin', 'zh_CN', 0) RETURNING id"
            )
        ).scalar_one()
    return engine, org_ids, int(user)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, list[Any], int]]:
    books = loader_books("posted_batch", tmp_path_factory.mktemp("posted"))
    yield books
    books[0].dispose()


def batch(books: tuple[Engine, list[Any], int], org: int) -> Rows:
    """Twenty posted vouchers of an organization, as a restore copies them: numbered in their
    month, chained (the hashes are placeholders: the set query does not recompute them), ids
    after every voucher there."""
    engine, org_ids, user = books
    with engine.connect() as conn:
        first = int(conn.execute(text("SELECT coalesce(max(id), 0) + 1 FROM voucher")).scalar_one())
    target = org_ids[org]
    at = datetime(2026, 11, 29, tzinfo=UTC)
    stamp: object = at if is_pg() else sqlite_timestamp(at)
    numbers: Counter[tuple[int, int]] = Counter()
    vouchers: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    for seq, draft in enumerate(bench_scale.journal(7, 60)[:20], start=1):
        day = draft.booked_on
        numbers[(day.year, day.month)] += 1
        voucher_id = first + seq - 1
        vouchers.append(
            (
                *(voucher_id, target.id, "posted", "normal"),
                *(day if is_pg() else day.isoformat(), day.year, day.month),
                *(numbers[(day.year, day.month)], draft.memo, draft.attachments, user, user),
                *(stamp, stamp, seq, f"{seq - 1:064x}", f"{seq:064x}", user, stamp),
            )
        )
        for n, ln in enumerate(draft.lines, start=1):
            member = target.members[ln.member] if ln.member else None
            lines.append(
                (
                    *(voucher_id, target.id, n, target.accounts[ln.account], member, None),
                    *(ln.side.value, ln.amount_fen, ln.quantity_milli, ln.unit, ln.memo),
                )
            )
    return vouchers, lines


def load(engine: Engine, rows: Rows) -> None:
    vouchers, lines = rows
    with engine.begin() as conn:
        assert may_set_guards_aside(conn)
        load_posted_batch(conn, COLUMNS, vouchers, bench_scale.LINE_COLUMNS, lines)


def voucher_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM voucher")).scalar_one())


def test_a_good_batch_is_posted_and_the_guards_are_back(
    books: tuple[Engine, list[Any], int],
) -> None:
    engine = books[0]
    vouchers, lines = batch(books, org=0)
    before = voucher_count(engine)
    load(engine, (vouchers, lines))
    assert voucher_count(engine) == before + len(vouchers)
    with engine.connect() as conn:
        statuses = conn.execute(
            text("SELECT DISTINCT status FROM voucher WHERE id BETWEEN :a AND :b"),
            {"a": vouchers[0][0], "b": vouchers[-1][0]},
        ).scalars()
    assert list(statuses) == ["posted"]
    # a new transaction: the posted vouchers are permanent again, no line joins them, and no
    # voucher goes in posted
    with pytest.raises(DBAPIError, match="permanent"), engine.begin() as conn:
        conn.execute(text("DELETE FROM voucher_line WHERE voucher_id = :v"), {"v": vouchers[0][0]})
    refused = (DBAPIError, psycopg.Error)  # copy_into talks to the driver itself on PostgreSQL
    with pytest.raises(refused, match="permanent"), engine.begin() as conn:
        copy_into(
            conn, "voucher_line", bench_scale.LINE_COLUMNS, [(*lines[0][:2], 9, *lines[0][3:])]
        )
    fresh = dict(zip(COLUMNS, vouchers[0], strict=True))
    fresh.update(id=vouchers[-1][0] + 1, number=9_999, chain_seq=9_999)
    again = [tuple(fresh.values())]
    with pytest.raises(refused, match="draft"), engine.begin() as conn:
        copy_into(conn, "voucher", COLUMNS, again)


def _unbalanced(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    line = lines[0]
    return vouchers, [(*line[:7], line[7] + 1, *line[8:]), *lines[1:]]


def _another_orgs_account(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    other = books[1][2].accounts["102"]
    line = lines[0]
    return vouchers, [(*line[:3], other, *line[4:]), *lines[1:]]


def _unknown_member(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    line = lines[0]
    return vouchers, [(*line[:4], 10**9, *line[5:]), *lines[1:]]


def _one_line(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    first = vouchers[0][0]
    return vouchers, [ln for ln in lines if ln[0] != first or ln[2] == 1]


def _unnumbered(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    v = vouchers[3]
    at = COLUMNS.index("number")
    return [*vouchers[:3], (*v[:at], None, *v[at + 1 :]), *vouchers[4:]], lines


def _a_line_outside(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    line = lines[0]
    return vouchers, [(vouchers[-1][0] + 5, *line[1:]), *lines[1:]]


def _a_gap_in_the_ids(rows: Rows, books: Any) -> Rows:
    vouchers, lines = rows
    dropped = vouchers[5][0]
    return (
        [v for v in vouchers if v[0] != dropped],
        [ln for ln in lines if ln[0] != dropped],
    )


@pytest.mark.parametrize(
    ("breaks", "reason"),
    [
        (_unbalanced, "posting"),
        (_another_orgs_account, "line"),
        (_unknown_member, "line" if is_pg() else "FOREIGN KEY"),
        (_one_line, "posting"),
        (_unnumbered, "posting"),
        (_a_line_outside, "outside the batch"),
        (_a_gap_in_the_ids, "consecutive"),
    ],
)
def test_a_broken_batch_is_refused_and_nothing_is_written(
    books: tuple[Engine, list[Any], int],
    breaks: Callable[[Rows, Any], Rows],
    reason: str,
) -> None:
    engine = books[0]
    before = voucher_count(engine)
    with pytest.raises((GuardedBatchError, IntegrityError), match=reason):
        load(engine, breaks(batch(books, org=1), books))
    assert voucher_count(engine) == before
    if not is_pg():  # the guards dropped for the batch came back with its rollback
        with engine.connect() as conn:
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert set(SQLITE_INSERT_GUARDS) <= set(names.scalars())


def test_a_voucher_in_a_closed_month_is_refused(books: tuple[Engine, list[Any], int]) -> None:
    engine, org_ids = books[0], books[1]
    vouchers, lines = batch(books, org=2)
    year, month = vouchers[0][COLUMNS.index("year")], vouchers[0][COLUMNS.index("month")]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO period (org_id, year, month, status, last_number)"
                " VALUES (:o, :y, :m, 'closed', 0)"
            ),
            {"o": org_ids[2].id, "y": year, "m": month},
        )
    before = voucher_count(engine)
    with pytest.raises(GuardedBatchError, match="posting"):
        load(engine, (vouchers, lines))
    assert voucher_count(engine) == before
