"""``coopledger bench peers``: the scale generator's journal in coopledger and in the peers.

The journal of ``1,000 × scale`` organizations (``bench.scale.journal``) is written in the
peers' own formats — Beancount (read by ``beancount.loader``), hledger and ledger-cli (their
journal format, read by the ``hledger`` and ``ledger`` programs) — and loaded into a fresh
coopledger SQLite database by the scale loader. Each produces the closing balance of every
account of every organization over 2024–2026; the balances must agree to the fen. Timings are
medians of ``runs``: coopledger's trial balances (and its load, once), Beancount's parse plus
sum, each program's whole run. A peer that is not installed is skipped with a message.

Accounts are named ``<Root>:S0001:A102`` (Assets, Liabilities, Equity, Income, Expenses from the
account's category); amounts are yuan with two decimals.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import UnitsOfWork
from coopledger.adapters.passwords import Argon2Hasher
from coopledger.bench.scale import (
    ADMIN,
    LINES_PER_ORG,
    PASSWORD,
    create_orgs,
    fast_load,
    journal,
)
from coopledger.domain.accounts import DEFAULT_CHART, Category, load_chart
from coopledger.domain.ledger import Dr, VoucherDraft
from coopledger.domain.money import format_amount
from coopledger.services import auth, reports

Echo = Callable[[str], None]
Balances = dict[tuple[str, str], int]  # (org code, account code) → debit-minus-credit fen
START, END = date(2024, 1, 1), date(2026, 12, 31)
ROOTS = {
    Category.ASSET: "Assets",
    Category.LIABILITY: "Liabilities",
    Category.EQUITY: "Equity",
    Category.COST: "Expenses",
    Category.INCOME: "Income",
    Category.EXPENSE: "Expenses",
}


def _roots() -> dict[str, str]:
    chart = load_chart(DEFAULT_CHART["cooperative"])
    return {a.code: ROOTS[a.category] for a in chart.accounts}


def _name(roots: dict[str, str], org: str, code: str) -> str:
    return f"{roots[code]}:{org.upper()}:A{code}"


def write_journals(
    journals: dict[str, list[VoucherDraft]], folder: Path
) -> tuple[Path, Path, Path]:
    """The same vouchers as a Beancount file, an hledger journal and a ledger-cli journal."""
    roots = _roots()
    used = sorted(
        {(org, ln.account) for org, drafts in journals.items() for d in drafts for ln in d.lines}
    )
    bean, plain = ['option "operating_currency" "CNY"\n'], []
    bean += [f"{START.isoformat()} open {_name(roots, o, c)} CNY\n" for o, c in used]
    for org, drafts in journals.items():
        for d in drafts:
            postings = [
                (
                    _name(roots, org, ln.account),
                    format_amount(ln.amount_fen if ln.side is Dr.DEBIT else -ln.amount_fen),
                )
                for ln in d.lines
            ]
            bean.append(f'\n{d.booked_on.isoformat()} * "{org} {d.memo}"\n')
            bean += [f"  {acct}  {amount} CNY\n" for acct, amount in postings]
            plain.append(f"\n{d.booked_on.isoformat()} {org} {d.memo}\n")
            plain += [f"    {acct}  {amount}\n" for acct, amount in postings]
    paths = (folder / "books.beancount", folder / "books.journal", folder / "books.ledger")
    paths[0].write_text("".join(bean), "utf-8")
    paths[1].write_text("".join(plain), "utf-8")
    paths[2].write_text("".join(plain), "utf-8")
    return paths


def _parse_name(name: str) -> tuple[str, str]:
    _root, org, code = name.split(":")
    return org.lower(), code[1:]


def _fen(text: str) -> int:
    return int(Decimal(text.replace(",", "").replace("CNY", "").strip()) * 100)


def beancount_balances(path: Path) -> Balances:
    from beancount import loader
    from beancount.core.data import Transaction

    entries, errors, _options = loader.load_file(str(path))
    if errors:
        raise RuntimeError(f"beancount: {len(errors)} errors, first: {errors[0]}")
    out: Balances = defaultdict(int)
    for entry in entries:
        if isinstance(entry, Transaction):
            for posting in entry.postings:
                assert posting.units is not None
                assert posting.units.number is not None
                out[_parse_name(posting.account)] += int(posting.units.number * 100)
    return out


def hledger_balances(path: Path) -> Balances:
    result = subprocess.run(
        ["hledger", "-f", str(path), "balance", "--flat", "--no-total", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    out: Balances = {}
    for row in result.stdout.splitlines()[1:]:
        account, amount = (cell.strip('"') for cell in row.split('","'))
        out[_parse_name(account)] = _fen(amount)
    return out


def ledger_balances(path: Path) -> Balances:
    report = ["balance", "--flat", "--no-total", "--empty"]
    result = subprocess.run(
        [
            "ledger",
            "-f",
            str(path),
            *report,
            "--format",
            "%(account)\t%(quantity(display_total))\n",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out: Balances = {}
    for row in result.stdout.splitlines():
        account, amount = row.split("\t")
        if account.count(":") == 2:
            out[_parse_name(account)] = _fen(amount)
    return out


def coopledger_balances(sessions: sessionmaker[Session], org_codes: list[str]) -> Balances:
    uow = UnitsOfWork(sessions)
    admin = auth.actor_named(uow(), ADMIN)
    out: Balances = {}
    for org in org_codes:
        tb = reports.trial_balance_report(uow(), admin, org, START, END)
        for row in tb.rows:
            out[(org, row.account)] = row.closing_debit - row.closing_credit
    return out


def _nonzero(balances: Balances, keys: set[tuple[str, str]] | None = None) -> Balances:
    return {k: v for k, v in balances.items() if v and (keys is None or k in keys)}


def run_peers(
    *,
    scale: float,
    runs: int,
    out_dir: Path | None,
    echo: Echo,
    lines_per_org: int = LINES_PER_ORG,
) -> bool:
    """Print each peer's time and whether its balances agree; False when any disagrees."""
    count = max(1, round(1000 * scale))
    with tempfile.TemporaryDirectory() as tmpdir:
        folder = out_dir or Path(tmpdir)
        folder.mkdir(parents=True, exist_ok=True)
        codes = [f"s{i:04d}" for i in range(count)]
        journals = {code: journal(i, lines_per_org) for i, code in enumerate(codes)}
        lines = sum(len(d.lines) for drafts in journals.values() for d in drafts)
        echo(f"{count} organizations, {lines:,} voucher lines; journals in {folder}")
        paths = write_journals(journals, folder)
        leaf = {(org, ln.account) for org, ds in journals.items() for d in ds for ln in d.lines}

        engine = make_engine(f"sqlite:///{Path(tmpdir) / 'peers.db'}")
        try:
            migrate.upgrade(engine)
            sessions = sessionmaker(bind=engine, expire_on_commit=False)
            org_ids = create_orgs(engine, sessions, count)
            uow = UnitsOfWork(sessions)
            auth.create_user(uow(), None, Argon2Hasher(), ADMIN, PASSWORD, "admin", [])
            admin = auth.actor_named(uow(), ADMIN)
            _lines, load_s, _raw = fast_load(
                engine, org_ids, admin.user_id, ADMIN, lines_per_org=lines_per_org
            )
            timings: dict[str, float] = {}
            results: dict[str, Balances] = {}

            def timed(name: str, fn: Callable[[], Balances]) -> None:
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    results[name] = _nonzero(fn(), leaf)
                    times.append(time.perf_counter() - started)
                timings[name] = statistics.median(times)

            timed("coopledger", lambda: coopledger_balances(sessions, codes))
            echo(
                f"coopledger: loaded (SQLite, fast loader) in {load_s:.2f} s; "
                f"trial balances of {count} organizations in {timings['coopledger']:.3f} s"
            )
            timed("beancount", lambda: beancount_balances(paths[0]))
            echo(f"beancount {_version('beancount')}: {timings['beancount']:.3f} s (parse + sum)")
            for name, program, fn in (
                ("hledger", "hledger", lambda: hledger_balances(paths[1])),
                ("ledger", "ledger", lambda: ledger_balances(paths[2])),
            ):
                if shutil.which(program) is None:
                    echo(f"{name}: skipped (`{program}` is not installed)")
                    continue
                timed(name, fn)
                echo(f"{name}: {timings[name]:.3f} s (whole run: parse + balance report)")
        finally:
            engine.dispose()
        reference = results["coopledger"]
        ok = True
        for name, balances in results.items():
            if name == "coopledger":
                continue
            differ = sorted(set(reference) ^ set(balances)) + sorted(
                k for k in set(reference) & set(balances) if reference[k] != balances[k]
            )
            ok = ok and not differ
            echo(
                f"{name}: {len(balances)} account balances "
                + ("agree with coopledger" if not differ else f"DIFFER at {differ[:5]}")
            )
        return ok


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
