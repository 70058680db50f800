"""``coopledger bench pages`` runs end to end on a tiny organization (the figures are not asserted)."""

from __future__ import annotations

from pathlib import Path

from coopledger.bench.pages import run_pages_bench
from tests.conftest import fresh_database, is_pg


def test_the_pages_benchmark_prints_its_figures(tmp_path: Path) -> None:
    lines: list[str] = []
    url = fresh_database("benchpages", tmp_path) if is_pg() else None
    figures = run_pages_bench(
        vouchers=30, tb_lines=120, runs=1, database_url=url, echo=lines.append
    )
    assert any(name.startswith("dashboard") for name in figures)
    assert any(name.startswith("trial balance") for name in figures)
    assert all(ms > 0 for ms in figures.values())
    assert any("median" in line for line in lines)
