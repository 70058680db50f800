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

BODY_LINES = [{"account": "101", "debit": "1.00"}, {"account": "501", "credit": "1.00"}]


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
    stop = time.monotonic() + seconds
    started = time.monotonic()
    path = f"/api/v1/orgs/{org}"

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
                body = {"date": date, "memo": f"soak {n}", "lines": BODY_LINES}
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
