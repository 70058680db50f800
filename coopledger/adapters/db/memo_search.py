"""The trigram indexes that find a text inside the vouchers' and lines' memos without reading
every memo (migration 0032).

PostgreSQL: ``pg_trgm`` GIN indexes on ``voucher.memo`` and ``voucher_line.memo``, which the
plain ``LIKE '%…%'`` uses by itself. SQLite: FTS5 tables with the trigram tokenizer over the same
columns (external content: they hold the index only), kept by triggers on every insert, delete and
change of a memo; the store asks them for the candidate rows of a text of three characters or
more and still tests each candidate with the same ``LIKE``, so the result is the same as without
them. They are not models; the schema check leaves out exactly these names.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, column, select, table, text
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.expression import TableClause, TextClause

#: SQLite's FTS5 tables, each over the ``memo`` of the table it is named after
SQLITE_FTS = {"voucher": "voucher_memo_fts", "voucher_line": "voucher_line_memo_fts"}
#: the shadow tables FTS5 keeps for each (external content: no ``_content``)
_SHADOWS = ("_data", "_idx", "_docsize", "_config")
#: PostgreSQL's trigram indexes
PG_INDEXES = {"voucher": "ix_voucher_memo_trgm", "voucher_line": "ix_voucher_line_memo_trgm"}

#: every name the migration adds outside the models
NAMES = frozenset(
    {*SQLITE_FTS.values(), *(f + s for f in SQLITE_FTS.values() for s in _SHADOWS)}
    | set(PG_INDEXES.values())
)

#: FTS5's trigram tokenizer finds texts of at least this many characters
SHORTEST = 3


def fts_candidates(
    id_column: QueryableAttribute[int], of: str, needle: str
) -> ColumnElement[bool] | None:
    """SQLite: ``id_column`` is among the rows of table ``of`` whose memo may hold ``needle``,
    as its FTS5 table finds them (a superset of the ``LIKE``: FTS5 folds case beyond ASCII), or
    None when ``needle`` is too short for the index."""
    if len(needle) < SHORTEST:
        return None
    fts = SQLITE_FTS[of]
    phrase = '"' + needle.replace('"', '""') + '"'  # one phrase: the text as it is typed
    found = (
        select(column("rowid", Integer))
        .select_from(table(fts))
        .where(text(f"{fts} MATCH :{fts}").bindparams(**{fts: phrase}))
    )
    return id_column.in_(found)


def fts_match(of: str, needle: str) -> tuple[TableClause, TextClause] | None:
    """SQLite: the FTS5 table of table ``of`` and its condition for the rows whose memo may hold
    ``needle``, for a query that reads that table first, in its rowid order (FTS5 then stops
    with the query's ``LIMIT``), or None when ``needle`` is too short for the index."""
    if len(needle) < SHORTEST:
        return None
    fts = SQLITE_FTS[of]
    phrase = '"' + needle.replace('"', '""') + '"'
    return table(fts, column("rowid", Integer)), text(f"{fts} MATCH :{fts}").bindparams(
        **{fts: phrase}
    )
