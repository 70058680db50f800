"""``coopledger bench soak``: mixed traffic against a served instance for N minutes, then every
response reconciled against the books.

Clients are threads, each with its own token: 70 % reads (voucher list, trial balance, one
voucher), 25 % postings (prepare → review → post, each prepare with an Idempotency-Key), 5 %
documents (voucher PDF). Afterwards: every 201 has its voucher, every posted voucher of the run
was answered 201 to someone, the chain verifies, and no answer was a 5xx.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: the accounts a soak voucher debits and credits, the first postable leaf of each prefix that
#: keeps no sub-ledger (cash on hand, else any asset; operating income, else any income)
DEBIT_PREFIXES = ("101", "1")
CREDIT_PREFIXES = ("501", "5")


class SoakRefused(Exception):
    """The soak could not do its work (no account to post to, nothing posted): one line why."""


def leaf_accounts(accounts: list[dict[str, Any]]) -> tuple[str, str]:
    """The debit and credit accounts of the soak's vouchers among the chart's ``accounts``.

    :raise SoakRefused: the chart has no postable leaf for one side.
    """
    leaves = sorted(
        a["code"] for a in accounts if a.get("postable") and a.get("subledger") == "none"
    )
    chosen = []
    for prefixes in (DEBIT_PREFIXES, CREDIT_PREFIXES):
        code = next((c for p in prefixes for c in leaves if c.startswith(p)), None)
        if code is None:
            raise SoakRefused(f"no postable account under {' or '.join(prefixes)} to post to")
        chosen.append(code)
    return chosen[0], chosen[1]


@dataclass
class SoakResult:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    created: set[int] = field(default_factory=set)
    posted: set[int] = field(default_factory=set)
    post_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500 and s != 503)

    def p95(self) -> float:
        if not self.post_ms:
            return 0.0
        ordered = sorted(self.post_ms)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)]


class Client:
    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.token = token

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                status = response.status
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raw, status, kind = exc.read(), exc.code, exc.headers.get("Content-Type", "")
        payload = json.loads(raw) if "json" in kind and raw else raw
        return status, payload


def login(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        base.rstrip("/") + "/api/v1/auth/tokens",
        data=json.dumps({"username": username, "password": password}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["token"])


def run_soak(
    base: str,
    org: str,
    preparer: tuple[str, str],
    reviewer: tuple[str, str],
    *,
    seconds: float,
    clients: int = 4,
    date: str = "2026-05-15",
    seed: int = 1,
    echo: Callable[[str], None] = lambda _: None,
) -> SoakResult:
    """Run the traffic and reconcile. ``preparer`` and ``reviewer``: (username, password)."""
    prep = login(base, *preparer)
    rev = login(base, *reviewer)
    result = SoakResult()
    lock = threading.Lock()
    path = f"/api/v1/orgs/{org}"
    status, chart = Client(base, prep).call("GET", f"{path}/accounts")
    if status != 200:
        raise SoakRefused(f"the chart of accounts of {org} answered {status}")
    debit, credit = leaf_accounts(chart["items"])
    body_lines = [{"account": debit, "debit": "1.00"}, {"account": credit, "credit": "1.00"}]
    stop = time.monotonic() + seconds
    started = time.monotonic()

    def record(status: int) -> None:
        with lock:
            result.requests += 1
            result.statuses[status] += 1

    def traffic(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        acc, chk = Client(base, prep), Client(base, rev)
        mine: list[int] = []
        while time.monotonic() < stop:
            roll = rng.random()
            if roll < 0.70:
                target = rng.choice(
                    [f"{path}/vouchers?limit=20", f"{path}/reports/trial-balance"]
                    + ([f"{path}/vouchers/{rng.choice(mine)}"] if mine else [])
                )
                status, _ = acc.call("GET", target)
                record(status)
            elif roll < 0.95:
                t0 = time.monotonic()
                body = {"date": date, "memo": f"soak {n}", "lines": body_lines}
                status, created = acc.call(
                    "POST", f"{path}/vouchers", body, {"Idempotency-Key": uuid.uuid4().hex}
                )
                record(status)
                if status != 201:
                    continue
                vid = int(created["id"])
                with lock:
                    result.created.add(vid)
                status, _ = chk.call("POST", f"{path}/vouchers/{vid}/review")
                record(status)
                status, _ = acc.call("POST", f"{path}/vouchers/{vid}/post")
                record(status)
                with lock:
                    result.post_ms.append((time.monotonic() - t0) * 1000)
                    if status == 200:
                        result.posted.add(vid)
                mine.append(vid)
            else:
                if mine:
                    status, _ = acc.call("GET", f"{path}/vouchers/{rng.choice(mine)}.pdf")
                    record(status)

    threads = [threading.Thread(target=traffic, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - started
    _reconcile(Client(base, prep), path, result)
    if not result.posted:
        refused = sum(n for s, n in result.statuses.items() if 400 <= s < 500)
        raise SoakRefused(
            f"posted nothing in {result.seconds:.0f} s ({result.requests} requests, {refused} "
            f"refused with 4xx: {dict(sorted(result.statuses.items()))}); no figures printed"
        )
    echo(
        f"soak: {result.requests} requests in {result.seconds:.1f}s by {clients} clients; "
        f"statuses {dict(sorted(result.statuses.items()))}; posted {len(result.posted)}; "
        f"post p95 {result.p95():.0f} ms; 5xx {result.server_errors}; "
        f"problems {len(result.problems)}"
    )
    return result


def _reconcile(client: Client, path: str, result: SoakResult) -> None:
    """Every 201 has its voucher; every voucher of the run posted once; the chain verifies."""
    seen: dict[int, str] = {}
    cursor: str | None = None
    while True:
        query = "?limit=500" + (f"&cursor={cursor}" if cursor else "")
        status, page = client.call("GET", f"{path}/vouchers{query}")
        if status != 200:
            result.problems.append(f"listing vouchers answered {status}")
            return
        for v in page["items"]:
            seen[int(v["id"])] = v["status"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    for vid in sorted(result.created):
        if vid not in seen:
            result.problems.append(f"voucher {vid} was answered 201 but is not in the books")
    for vid in sorted(result.posted):
        if seen.get(vid) != "posted":
            result.problems.append(f"voucher {vid} was answered as posted but is {seen.get(vid)}")
    status, chain = client.call("GET", f"{path}/audit/chain")
    if status != 200 or not chain.get("ok"):
        result.problems.append(f"the chain does not verify: {chain}")
