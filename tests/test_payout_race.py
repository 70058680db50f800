"""Two payouts race for what one household is still owed.

A household is owed R; two clerks pay it more than R/2 at the same moment. Exactly one payment is
prepared (201), the other is refused as more than owed (422), and what the household is owed never
goes below zero. The application runs against a database that commits for real; each racer is a
thread with its own client.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.web.app import create_app
from tests.builders import PLANS, approved_and_posted, closed_year
from tests.conftest import Books, FastHasher, build_world, fresh_database

TRIALS = 6


def test_two_payouts_racing_for_one_households_money(tmp_path: Path) -> None:
    url = fresh_database("payout_race", tmp_path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    tokens = build_world(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    settings = Settings(url, tmp_path, "secret", testing=True)
    app = create_app(settings, hasher=FastHasher())
    books = Books(app.test_client(), lambda: SqlUnitOfWork(sessions), tokens)
    closed_year(books)
    plan = approved_and_posted(books)
    payments = f"{PLANS}/{plan['id']}/payments"

    def unpaid(member: str) -> Decimal:
        lines = books.get("aud", f"{PLANS}/{plan['id']}").json["lines"]
        return Decimal(next(ln["unpaid"] for ln in lines if ln["member"] == member))

    for trial in range(TRIALS):
        member = "12"[trial % 2]
        owed = unpaid(member)
        amount = (owed / 2 + Decimal("0.01")).quantize(Decimal("0.01"))
        start = threading.Barrier(2)
        answers: list[Any] = []

        def race(
            day: str,
            amount: Decimal = amount,
            member: str = member,
            start: threading.Barrier = start,
            answers: list[Any] = answers,
        ) -> None:
            racer = Books(app.test_client(), books.uow, tokens)
            body = {"member": member, "amount": str(amount), "date": day, "method": "bank"}
            start.wait()
            answers.append(racer.post("acc", payments, body))

        threads = [threading.Thread(target=race, args=(f"2026-02-0{n}",)) for n in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [201, 422], [a.json for a in answers]
        refused = next(a for a in answers if a.status_code == 422)
        assert refused.json["code"] == "more_than_owed"
        assert unpaid(member) == owed - amount >= 0
    app.extensions["coopledger"].engine.dispose()
    engine.dispose()
