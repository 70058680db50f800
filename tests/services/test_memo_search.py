"""The text search of the voucher list finds exactly what a plain ``LIKE '%…%'`` over the
vouchers' and their lines' memos finds, through the memos' trigram indexes; and those indexes
follow every draft added, edited and deleted, and every batch posted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from coopledger.domain.ledger import Dr, Line, VoucherDraft
from coopledger.services import auth
from coopledger.services import vouchers as svc
from coopledger.services.ports import VoucherFilter
from tests.adapters.test_posted_batch import COLUMNS
from tests.conftest import Books

URL = "/api/v1/orgs/coop/vouchers"


def _voucher(books: Books, memo: str, line_memo: str = "", day: str = "2026-03-10") -> Any:
    return books.voucher(
        date=day,
        memo=memo,
        lines=[
            {"account": "102", "debit": "5.00", "memo": line_memo},
            {"account": "501", "credit": "5.00"},
        ],
    )


def _liked(connection: Connection, needle: str) -> list[int]:
    """The vouchers of ``coop`` a plain ``LIKE`` finds, read without any index."""
    like = "%" + needle.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    rows = connection.execute(
        text(
            "SELECT v.id FROM voucher v JOIN organization o ON o.id = v.org_id"
            " WHERE o.code = 'coop' AND (v.memo LIKE :p ESCAPE '/' OR EXISTS ("
            " SELECT 1 FROM voucher_line l WHERE l.voucher_id = v.id"
            " AND l.memo LIKE :p ESCAPE '/')) ORDER BY v.id"
        ),
        {"p": like},
    )
    return [int(i) for i in rows.scalars()]


def _found(books: Books, needle: str, **flt: Any) -> list[int]:
    actor = auth.actor_named(books.uow(), "acc")
    page = svc.voucher_page(books.uow(), actor, "coop", VoucherFilter(text=needle, **flt), 1, 500)
    by_list = [v.id for v in page.vouchers]
    assert page.count == len(by_list)
    return by_list


def _index_is_whole(connection: Connection) -> None:
    """SQLite: each FTS5 table holds exactly the memos of its table (FTS5's own check, which
    compares the index with the content table)."""
    if connection.dialect.name != "sqlite":
        return
    for fts in ("voucher_memo_fts", "voucher_line_memo_fts"):
        connection.execute(text(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"))


NEEDLES = [
    "大蒜货款",  # in a line's memo
    "化肥",  # two characters: no trigram, the plain LIKE
    "收购化肥",  # in a voucher's memo
    "Garlic",  # ASCII, as typed (SQLite's LIKE ignores ASCII case, PostgreSQL's does not)
    "garlic sale",
    "没有这个词",  # nothing
    "zz",
    "50%_",  # the user's % and _ match themselves
    '"引号"',
    "售",
]


@pytest.fixture
def memos(books: Books) -> None:
    _voucher(books, "收购化肥一批", "化肥款")
    _voucher(books, "销售", "大蒜货款 Garlic sale")
    _voucher(books, "GARLIC SALE 二批", "")
    _voucher(books, "折扣50%_以上", "")
    _voucher(books, '标题"引号"里', "")
    _voucher(books, "别的", "别的")
    books.voucher(org="village", memo="收购化肥一批")  # another organization's


@pytest.mark.parametrize("needle", NEEDLES)
def test_the_search_finds_what_a_plain_like_finds(
    memos: None, books: Books, connection: Connection, needle: str
) -> None:
    assert _found(books, needle) == _liked(connection, needle)
    _index_is_whole(connection)


def test_the_expected_ones_are_found(memos: None, books: Books) -> None:
    assert len(_found(books, "大蒜货款")) == 1
    assert len(_found(books, "收购化肥")) == 1  # not the village's
    assert len(_found(books, "化肥")) == 1
    assert _found(books, "没有这个词") == []
    assert len(_found(books, "50%_")) == 1
    assert len(_found(books, "别的", status="draft")) == 1


def test_the_index_follows_drafts_edited_and_deleted(books: Books, connection: Connection) -> None:
    first = _voucher(books, "旧的摘要", "旧的分录")
    second = _voucher(books, "要删除的凭证", "要删除的分录")
    assert _found(books, "旧的摘要") == [first["id"]]
    edited = {
        "date": "2026-03-11",
        "memo": "新的摘要",
        "attachments": 1,
        "lines": [
            {"account": "102", "debit": "6.00", "memo": "新的分录"},
            {"account": "501", "credit": "6.00"},
        ],
    }
    assert books.put("acc", f"{URL}/{first['id']}", edited).status_code == 200
    assert _found(books, "旧的摘要") == [] and _found(books, "旧的分录") == []
    assert _found(books, "新的摘要") == [first["id"]] == _found(books, "新的分录")
    assert books.delete("acc", f"{URL}/{second['id']}").status_code in (200, 204)
    assert _found(books, "要删除的") == []
    _index_is_whole(connection)
    posted = books.posted(memo="过账的摘要")
    assert _found(books, "过账的摘要") == [posted["id"]]
    _index_is_whole(connection)


def test_a_batch_posted_with_the_guards_aside_is_indexed(
    books: Books, uow: Any, connection: Connection
) -> None:
    admin = auth.actor_named(uow(), "admin")
    lines = (Line("102", Dr.DEBIT, 100, memo="批量分录"), Line("501", Dr.CREDIT, 100))
    drafts = [VoucherDraft(date(2026, 3, d), f"批量摘要{d}", lines, attachments=1) for d in (2, 3)]
    ids = svc.post_batch(uow(), admin, "coop", drafts)
    assert _found(books, "批量摘要3") == [ids[1]]
    assert _found(books, "批量分录") == ids
    _index_is_whole(connection)


def test_a_restored_batch_is_indexed(tmp_path: Path) -> None:
    """A batch of posted vouchers copied in as a restore writes them (the guards and the
    memo indexers set aside, the memos indexed at once) is found by its memos."""
    from tests.adapters.test_posted_batch import batch, load, loader_books

    books = loader_books("memo_restore", tmp_path)
    engine = books[0]
    try:
        vouchers, lines = batch(books, org=0)
        load(engine, (vouchers, lines))
        memo = str(vouchers[3][COLUMNS.index("memo")])
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT id FROM voucher WHERE memo = :m ORDER BY id"), {"m": memo}
            ).scalars()
            wanted = [int(i) for i in found]
            if conn.dialect.name == "sqlite":
                hits = conn.execute(
                    text(
                        "SELECT rowid FROM voucher_memo_fts WHERE voucher_memo_fts MATCH :q"
                        " AND memo = :m ORDER BY rowid"
                    ),
                    {"q": '"' + memo.replace('"', '""') + '"', "m": memo},
                ).scalars()
                assert [int(i) for i in hits] == wanted
            _index_is_whole(conn)
    finally:
        engine.dispose()


def test_a_capped_search_through_the_index_keeps_the_id_order(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text the index finds in more vouchers than the cap lists the first ones by id, and a
    voucher before them found by a line's memo alone comes first."""
    monkeypatch.setattr(svc, "SEARCH_CAP", 2)
    early = _voucher(books, "早一张", "复合肥料款")
    later = [_voucher(books, f"复合肥料第{n}批") for n in range(3)]
    actor = auth.actor_named(books.uow(), "acc")
    page = svc.voucher_page(books.uow(), actor, "coop", VoucherFilter(text="复合肥料"), 1, 50)
    assert page.capped and [v.id for v in page.vouchers] == [early["id"], later[0]["id"]]
