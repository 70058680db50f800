"""An export reads back through the import of the same kind: each export's first columns are the
import's, so a cooperative's vouchers, members and asset cards exported to CSV and imported into
another organization come out of its own export the same."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from coopledger.adapters.exporting import export
from coopledger.adapters.spreadsheets import read_table
from coopledger.domain.exports import COLUMNS, REIMPORTED
from coopledger.domain.imports import SPECS, ImportRejected
from coopledger.services import auth, orgs
from coopledger.services import imports as svc

MEMBERS = (
    "member_no,name,kind,persons,id_number,poverty_status,joined_on\n"
    "3,张桂兰,household,5,,monitored,2025-11-02\n"
    "C1,官王庙村股份经济合作社,collective,,,none,2024-01-01\n"
)
VOUCHERS = (
    "voucher_key,date,memo,account,member,fund,debit,credit,quantity,unit\n"
    "H1,2026-01-05,收到股金,102,,,3000.00,,,\n"
    "H1,2026-01-05,收到股金,301,1,,,2000.00,,\n"
    "H1,2026-01-05,收到股金,301,2,,,1000.00,,\n"
    "H2,2026-02-01,收到市级扶贫资金,102,,,400000.00,,,\n"
    "H2,2026-02-01,收到市级扶贫资金,235,,muni-2026,,400000.00,,\n"
    "H3,2026-03-11,收购大蒜,128,,,500.50,,250.5,kg\n"
    "H3,2026-03-11,收购大蒜,114,2,,,500.50,,\n"
)
ASSETS = (
    "asset_no,name,category,class,poverty_project,use,acquired_on,cost,salvage,"
    "useful_life_months,method,total_units,funding,opening_accumulated,opening_months,nominal\n"
    "FA-1,冷库,房屋,经营性,是,生产,2026-03-01,120000.00,6000.00,240,,,muni-2026:50000.00,,,\n"
    "FA-2,收割机,机械,operating,no,production,2026-04-01,80000.00,0,60,"
    "units_of_production,10000,,,,\n"
    "FA-3,旧仓库,,public_welfare,no,public_welfare,2019-01-10,30000.00,0,240,,,,9000.00,72,\n"
    "FA-4,捐赠农具,,household,no,management,2026-05-01,1.00,0,12,,,,,,yes\n"
)


def test_every_reimported_export_starts_with_its_imports_columns() -> None:
    for kind in REIMPORTED:
        columns = SPECS[kind].columns
        assert COLUMNS[kind][: len(columns)] == columns


def rows_of(data: bytes, kind: str) -> list[tuple[str, ...]]:
    """The exported rows cut to the import's columns, as a person would keep them."""
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    keep = [header.index(c) for c in SPECS[kind].columns]
    return [tuple(row[i] for i in keep) for row in rows]


def as_csv(kind: str, rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SPECS[kind].columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_vouchers_members_and_assets_exported_import_into_another_organization(
    world: Any, uow: Any
) -> None:
    admin = auth.actor_named(uow(), "admin")

    def load(org: str, kind: str, data: bytes, **options: Any) -> svc.ImportReport:
        table = read_table(data, f"{kind}.csv")
        return svc.import_table(uow(), admin, org, kind, table, svc.Options(**options))

    def exported(org: str, kind: str) -> list[tuple[str, ...]]:
        data, _rows = export(uow, admin, org, kind, "csv", 2026 if kind == "vouchers" else None)
        return rows_of(data, kind)

    load("coop", "members", MEMBERS.encode())
    load("coop", "vouchers", VOUCHERS.encode(), post=True)
    load("coop", "assets", ASSETS.encode())
    orgs.create_org(uow(), None, "copy", "复制合作社", "cooperative", "济南市/商河县/白桥镇")
    orgs.create_fund(
        uow(),
        admin,
        "copy",
        {"code": "muni-2026", "name": "市级扶贫资金", "source": "municipal_pro_poor"},
    )

    members = exported("coop", "members")
    masked = [row for row in members if row[4]]
    assert [row[4] for row in masked] == ["110105********002X"]
    with pytest.raises(ImportRejected) as refused:  # an ID number leaves masked: it stays out
        load("copy", "members", as_csv("members", members))
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "id_number")]
    unmasked = [(*row[:4], "", *row[5:]) for row in members]
    assert load("copy", "members", as_csv("members", unmasked)).created == len(members)
    assert exported("copy", "members") == unmasked

    assets = exported("coop", "assets")
    assert [row[SPECS["assets"].columns.index("total_units")] for row in assets] == [
        "",
        "10000",
        "",
        "",
    ]
    assert load("copy", "assets", as_csv("assets", assets)).created == 4
    assert exported("copy", "assets") == assets

    vouchers = exported("coop", "vouchers")  # three posted, three acquisitions still drafts
    assert load("copy", "vouchers", as_csv("vouchers", vouchers)).created == 6
    # the copy holds those six and its own three acquisitions; the keys are each book's own
    acquisitions = [row[1:] for row in vouchers if row[0].startswith("draft-")]
    assert len({row[0] for row in vouchers if row[0].startswith("draft-")}) == 3
    assert sorted(row[1:] for row in exported("copy", "vouchers")) == sorted(
        [row[1:] for row in vouchers] + acquisitions
    )
