"""A county's findings, read for all its organizations at once, are each organization's own
findings: the same findings, the same parameters, in the same order — with several findings in
several organizations, from the verified points too, and with a chain edited at the point."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text

from coopledger.domain.audit_log import VerifiedPoint, checkpoint_key
from coopledger.services import chain_check, findings, regions
from coopledger.services.auth import actor_named
from tests.audit.helpers import ORG, guards_off
from tests.builders import cold_store
from tests.conftest import Books

KEY = checkpoint_key("test-county")


def lines(*spec: tuple[str, str, str, dict[str, str]]) -> list[dict[str, Any]]:
    return [{"account": a, side: amount, **extra} for a, side, amount, extra in spec]


def troubled_books(books: Books) -> None:
    """Findings of many kinds in the cooperative, and others in the village."""
    books.posted(
        date="2026-03-01",
        lines=lines(("102", "debit", "80.00", {}), ("221", "credit", "80.00", {"member": "1"})),
    )
    books.posted(
        date="2026-05-06",
        lines=lines(("523", "debit", "50.00", {}), ("101", "credit", "50.00", {})),
    )
    books.posted(
        date="2026-05-01",
        lines=lines(("102", "debit", "300.00", {}), ("33201", "credit", "300.00", {})),
    )
    books.posted(
        date="2026-06-01",
        lines=lines(
            ("235", "debit", "300.00", {"fund": "muni-2026"}),
            ("102", "credit", "300.00", {}),
        ),
    )
    books.posted(
        date="2026-11-20",
        lines=lines(("102", "debit", "30.00", {}), ("222", "credit", "30.00", {"member": "2"})),
    )
    made = books.post("acc", f"{ORG}/assets", cold_store(acquired_on="2026-01-10", funding=[]))
    assert made.status_code == 201, made.json
    books.posted(org="village", date="2026-02-01")
    books.posted(
        org="village",
        date="2026-04-01",
        lines=lines(("102", "debit", "20.00", {}), ("101", "credit", "20.00", {})),
    )
    books.voucher(org="village", date="2026-04-02")  # a draft


def both(uow: Any, year: int, resume: chain_check.Resume | None = None) -> tuple[Any, Any]:
    """(the county's findings, each organization's own), with the points each path would
    store, in one transaction each."""
    county_points: list[VerifiedPoint] = []
    own_points: list[VerifiedPoint] = []
    with uow() as u:
        orgs = list(u.store.orgs(None))
        county = findings.county_findings(u, orgs, year, resume=resume, points=county_points)
    with uow() as u:
        own = {
            o.id: findings.org_findings(u, o.id, year, resume=resume, points=own_points)
            for o in orgs
        }
    return (county, _points(county_points)), (own, _points(own_points))


def _points(points: list[VerifiedPoint]) -> list[tuple[Any, ...]]:
    return sorted(
        (p.org_id, p.voucher_seq, p.voucher_hash, p.audit_seq, p.audit_hash, p.snapshots)
        for p in points
    )


def _full(found: dict[int, list[findings.Finding]]) -> dict[int, list[tuple[Any, ...]]]:
    return {
        org: [(f.code, f.severity, f.objects, f.message, dict(f.params)) for f in items]
        for org, items in found.items()
    }


def test_the_county_path_gives_each_organizations_own_findings(
    books: Books, uow: Any, connection: Any
) -> None:
    troubled_books(books)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(connection.engine, "before_cursor_execute", count)
    try:
        with uow() as u:
            orgs = list(u.store.orgs(None))
            read = len(statements)
            county = findings.county_findings(u, orgs, 2026)
            together = len(statements) - read
            own = {o.id: findings.org_findings(u, o.id, 2026) for o in orgs}
            alone = len(statements) - read - together
    finally:
        event.remove(connection.engine, "before_cursor_execute", count)
    assert _full(county) == _full(own)
    # the facts are read for all the organizations at once, not once per organization
    assert together < alone, (together, alone)
    codes = {f.code for items in county.values() for f in items}
    assert {
        "cash_negative",
        "household_payable_unpaid",
        "member_account_unbalanced",
        "fund_overspent",
        "statements_do_not_tie",
        "asset_not_depreciated",
    } <= codes
    assert sum(1 for items in county.values() if items) >= 2  # several organizations
    (county_2025, _), (own_2025, _) = both(uow, 2025)
    assert _full(county_2025) == _full(own_2025)


def test_from_the_verified_points_and_with_a_chain_edited_at_the_point(
    books: Books, uow: Any, connection: Any
) -> None:
    troubled_books(books)
    resume = chain_check.Resume(KEY, uow)
    (county, county_points), (own, own_points) = both(uow, 2026, resume)
    assert _full(county) == _full(own) and county_points == own_points and county_points
    with uow() as u:
        orgs = list(u.store.orgs(None))
        points: list[VerifiedPoint] = []
        findings.county_findings(u, orgs, 2026, resume=resume, points=points)
    chain_check.save_points(resume, points)
    books.posted(date="2026-12-01")  # after the point
    (county, county_points), (own, own_points) = both(uow, 2026, resume)
    assert _full(county) == _full(own) and county_points == own_points
    # the voucher at the cooperative's point edited, its hash rewritten to match the edit
    with uow() as u:
        coop = u.store.org_by_code("coop")
        assert coop is not None
        point = u.audit.verified_point(coop.id)
        assert point is not None
        at = u.store.posted_in_chain_order(coop.id, point.voucher_seq - 1)
        voucher = next(iter(at))
    guards_off(connection)
    connection.execute(
        text(f"UPDATE voucher_line SET amount_fen = amount_fen + 1 WHERE voucher_id = {voucher.id}")
    )
    (county, _), (own, _) = both(uow, 2026, resume)
    assert _full(county) == _full(own)
    broken = [f for f in county[coop.id] if f.code == "chain_broken"]
    assert broken and broken[0].objects == (f"voucher:{voucher.id}",)


def test_the_county_report_counts_the_organizations_findings(books: Books, uow: Any) -> None:
    troubled_books(books)
    admin = actor_named(uow(), "admin")
    report = regions.region_report(uow(), admin, "济南市", 2026)
    with uow() as u:
        orgs = [o for o in u.store.orgs(None) if o.code in {f.org.code for f in report.orgs}]
        own = [f for o in orgs for f in findings.org_findings(u, o.id, 2026)]
    assert report.findings_by_severity == findings.severity_counts(own)
    assert sum(g.count for g in report.finding_groups) == len(own)
