"""The peers (Beancount, hledger, ledger-cli) read the generator's journal in their own formats
and produce the same balances as coopledger."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopledger.bench import peers


@pytest.mark.skipif(
    shutil.which("hledger") is None or shutil.which("ledger") is None,
    reason="hledger and ledger are Debian packages (CI installs them)",
)
def test_every_peer_agrees_with_coopledger(tmp_path: Path) -> None:
    said: list[str] = []
    assert peers.run_peers(
        scale=0.002, runs=1, out_dir=tmp_path, echo=said.append, lines_per_org=300
    ), said
    assert [line.split(":")[0] for line in said[-3:]] == ["beancount", "hledger", "ledger"]
    assert all("agree with coopledger" in line for line in said[-3:])
    assert (tmp_path / "books.beancount").read_text("utf-8").startswith("option")
