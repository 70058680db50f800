"""Exports: formula triggers stay text, amounts are numbers, Beancount agrees with the books."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from coopledger.adapters.exporting import export
from coopledger.adapters.spreadsheets import read_table
from coopledger.services import auth, orgs, reports
from coopledger.services import imports as svc

EVIL = "=CMD|' /C calc'!A0"
HISTORY = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "H1,2026-01-05,收到股金,102,,,3000.00,,,\n"
    "H1,2026-01-05,收到股金,301,1,,,2000.00,,\n"
    "H1,2026-01-05,收到股金,301,2,,,1000.00,,\n"
    "H2,2026-02-01,收到市级扶贫资金,102,,,400000.00,,,\n"
    "H2,2026-02-01,收到市级扶贫资金,235,,muni-2026,,400000.00,,\n"
    "H3,2026-03-11,收购大蒜,128,,,500.50,,250.5,kg\n"
    "H3,2026-03-11,收购大蒜,114,2,,,500.50,,\n"
    "H4,2026-04-01,管理费用,523,,,99.99,,,\n"
    "H4,2026-04-01,管理费用,101,,,,99.99,,\n"
)


def post_history(uow: Any) -> None:
    admin = auth.actor_named(uow(), "admin")
    table = read_table(HISTORY.encode(), "h.csv")
    report = svc.import_table(uow(), admin, "coop", "vouchers", table, svc.Options(post=True))
    assert report.created == 4


def test_formula_triggers_stay_text_and_amounts_are_numbers(world: Any, uow: Any) -> None:
    acc = auth.actor_named(uow(), "acc")
    orgs.create_member(uow(), acc, "coop", {"member_no": "66", "name": EVIL})
    post_history(uow)
    data, _ = export(uow, acc, "coop", "members", "csv", None)
    assert data.startswith(b"\xef\xbb\xbf")
    by_no = {r[0]: r for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))}
    assert by_no["66"][1] == "'" + EVIL
    assert by_no["1"][4] == "110105********002X"  # ID numbers leave masked
    data, _ = export(uow, acc, "coop", "members", "xlsx", None)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    names = [row[1] for row in ws.iter_rows(values_only=True)]
    assert "'" + EVIL in names and EVIL not in names
    data, _ = export(uow, acc, "coop", "vouchers", "xlsx", 2026)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][:8] == (
        "voucher_key",
        "date",
        "memo",
        "account",
        "member",
        "fund",
        "debit",
        "credit",
    )
    assert values[1][0] == "记-2026-01-0001" and values[1][6] == 3000
    assert isinstance(values[6][6], float) and Decimal(str(values[6][6])) == Decimal("500.5")
    data, _ = export(uow, acc, "coop", "trial-balance", "csv", 2026)
    text = data.decode("utf-8-sig")
    assert "合计" in text and "400000.00" in text
    for what in ("assets", "shares", "distributions"):
        export(uow, acc, "coop", what, "csv", 2026)


def test_beancount_ledger_loads_and_agrees_with_the_trial_balance(
    world: Any, uow: Any, tmp_path: Path
) -> None:
    from beancount import loader
    from beancount.core import data as bdata

    post_history(uow)
    acc = auth.actor_named(uow(), "acc")
    text, count = export(uow, acc, "coop", "vouchers", "beancount", None)
    assert count == 4
    path = tmp_path / "coop.beancount"
    path.write_bytes(text)
    entries, errors, _options = loader.load_file(str(path))
    assert errors == []
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, bdata.Transaction):
            for posting in entry.postings:
                code = posting.account.split(":")[1][1:]
                assert posting.units is not None and posting.units.number is not None
                balances[code] += posting.units.number
    tb = reports.trial_balance_report(uow(), acc, "coop", date(2000, 1, 1), date(2026, 12, 31))
    leaves = {a.code for a in orgs.list_accounts(uow(), acc, "coop") if a.postable}
    books = {
        r.account: Decimal(r.closing_debit - r.closing_credit) / 100
        for r in tb.rows
        if r.account in leaves and (r.closing_debit or r.closing_credit)
    }
    assert books == {k: v for k, v in balances.items() if v}
    assert 'fund: "muni-2026"' in text.decode() and 'quantity: "250.5"' in text.decode()
    assert "Assets:C114:M2" in text.decode()
