"""trigram indexes on the memos of vouchers and their lines, so a text search finds its rows
without reading every memo: PostgreSQL ``pg_trgm`` GIN indexes (the ``LIKE '%…%'`` uses them);
SQLite FTS5 tables with the trigram tokenizer, external content, kept by triggers

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-08 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the names coopledger.adapters.db.memo_search gives them, spelled out: a migration stays as it is
_PG = {"voucher": "ix_voucher_memo_trgm", "voucher_line": "ix_voucher_line_memo_trgm"}
_FTS = {"voucher": "voucher_memo_fts", "voucher_line": "voucher_line_memo_fts"}


def _sqlite_statements(source: str, fts: str) -> list[str]:
    """The FTS5 table over ``source.memo`` and its triggers, which add and remove every row
    with the memo the index was given (FTS5's external content needs exactly that). The triggers
    run after the row's own guards: a posted voucher, whose rows the guards keep from changing,
    never reaches them with a change."""
    add = f"INSERT INTO {fts}(rowid, memo) VALUES (NEW.id, NEW.memo);"
    drop = f"INSERT INTO {fts}({fts}, rowid, memo) VALUES ('delete', OLD.id, OLD.memo);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(memo, content='{source}', content_rowid='id', "
        "tokenize='trigram')",
        f"INSERT INTO {fts}(rowid, memo) SELECT id, memo FROM {source}",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {source} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {source} BEGIN {drop} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, memo ON {source} "
        f"WHEN OLD.memo IS NOT NEW.memo OR OLD.id IS NOT NEW.id BEGIN {drop} {add} END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for source, name in _PG.items():
            op.execute(f"CREATE INDEX {name} ON {source} USING gin (memo gin_trgm_ops)")
        return
    for source, fts in _FTS.items():
        for statement in _sqlite_statements(source, fts):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _PG.values():
            op.execute(f"DROP INDEX IF EXISTS {name}")
        return  # pg_trgm stays: other databases' objects may use it
    for fts in _FTS.values():
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
