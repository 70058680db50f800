"""``coopledger bench soak``: mixed traffic against a served instance for N minutes, then every
response reconciled against the books.

Clients are threads, each a simulated user. An accountant, with its own token and its own
signed-in browser session: 60 % reads through the API (voucher list, trial balance, one
voucher), 10 % pages (dashboard, voucher list, trial balance), 25 % postings (prepare → review
→ post, each prepare with an Idempotency-Key), 5 % documents (voucher PDF). Given a household
login, four users in ten are households opening their page and last year's statement PDF;
given a county officer, one more user opens the county's report once a minute. With a think
time, each user waits a random time of that mean between actions, as people do.

Afterwards: every 201 has its voucher, every posted voucher of the run was answered 201 to
someone, the chain verifies, and no answer was a 5xx. The latencies are printed by kind (page,
API, PDF) against the month-end targets, with the serving processes' memory.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
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
#: the month-end rush's targets: p95 per kind of request, in ms
TARGETS_MS = {"page": 100.0, "api": 100.0, "pdf": 1000.0}
COUNTY_EVERY_S = 60.0
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
ID_RE = re.compile(r"(?<=/)[0-9]+(?=[/.?]|$)")
SLOWEST_SHOWN = 6


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
    #: milliseconds per kind of request (page, api, pdf), and per address (ids as {n})
    latency: dict[str, list[float]] = field(default_factory=dict)
    by_address: dict[str, list[float]] = field(default_factory=dict)
    #: the serving processes' largest resident memory seen, MiB, by pid
    memory_mib: dict[int, float] = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500 and s != 503)

    def p95(self, kind: str | None = None) -> float:
        """The 95th percentile of the postings (prepare to posted), or of one kind's requests."""
        return percentile(self.post_ms if kind is None else self.latency.get(kind, []), 0.95)

    def failures(self) -> int:
        """Answers that were not a success: 4xx and 5xx (503, busy, included)."""
        return sum(n for s, n in self.statuses.items() if s >= 400)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q + 0.5) - 1)]


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

    def status(self, method: str, path: str) -> int:
        """Only the answer's status (the body read and dropped)."""
        return self.call(method, path)[0]


class Browser:
    """A signed-in browser session: the login form with its CSRF token, then cookies."""

    def __init__(self, base: str, username: str, password: str) -> None:
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with self.opener.open(self.base + "/login", timeout=30) as response:
            token = TOKEN_RE.search(response.read().decode())
        if token is None:
            raise SoakRefused("the login page has no CSRF token")
        form = urllib.parse.urlencode(
            {"csrf_token": token.group(1), "username": username, "password": password}
        ).encode()
        with self.opener.open(self.base + "/login", data=form, timeout=30) as response:
            if response.url.rstrip("/").endswith("/login"):
                raise SoakRefused(f"{username} could not sign in to the pages")

    def get(self, path: str) -> int:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            exc.read()
            return int(exc.code)


def serving_memory(exclude: int, port: int | None = None) -> dict[int, float]:
    """Resident memory (MiB) of each process serving coopledger on this machine (its command
    line names coopledger and serve or gunicorn, and ``port`` where given), this one left
    out."""
    out: dict[int, float] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit() or int(entry) == exclude:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            if "coopledger" not in cmdline or not ("serve" in cmdline or "gunicorn" in cmdline):
                continue
            if port is not None and f"--port {port}" not in cmdline:
                continue
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        out[int(entry)] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return out


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
    household: tuple[str, str] | None = None,
    county: tuple[str, str] | None = None,
    think: float = 0.0,
    statement_year: int | None = None,
    echo: Callable[[str], None] = lambda _: None,
) -> SoakResult:
    """Run the traffic and reconcile. ``preparer``, ``reviewer``, ``household``, ``county``:
    (username, password); ``think``: the users' mean pause between actions, in seconds."""
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
    year = statement_year or int(date[:4]) - 1
    port = urllib.parse.urlsplit(base).port
    households = (clients * 4 // 10) if household else 0
    stop = time.monotonic() + seconds
    started = time.monotonic()

    def record(status: int, kind: str | None = None, ms: float | None = None) -> None:
        with lock:
            result.requests += 1
            result.statuses[status] += 1
            if kind is not None and ms is not None:
                result.latency.setdefault(kind, []).append(ms)

    def timed(kind: str, call: Callable[..., int], *args: str) -> int:
        t0 = time.monotonic()
        status = call(*args)
        ms = (time.monotonic() - t0) * 1000
        record(status, kind, ms)
        address = f"{args[0]} " * (len(args) > 1) + ID_RE.sub("{n}", args[-1])
        with lock:
            result.by_address.setdefault(address, []).append(ms)
        return status

    def pause(rng: random.Random) -> None:
        if think > 0:
            time.sleep(min(rng.expovariate(1 / think), max(0.0, stop - time.monotonic())))

    def signed_in(user: tuple[str, str], rng: random.Random) -> Browser | None:
        """A browser signed in as ``user``. A sign-in whose answer (the page it leads to) is an
        error counts as a failed page and is tried again after a pause, as a person would;
        None once the time is up."""
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                return Browser(base, *user)
            except urllib.error.HTTPError as error:
                error.read()
                record(error.code, "page", (time.monotonic() - t0) * 1000)
            pause(rng)
        return None

    def accountant(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        acc, chk = Client(base, prep), Client(base, rev)
        browser = signed_in(preparer, rng) if think > 0 else None
        mine: list[int] = []
        while time.monotonic() < stop:
            roll = rng.random()
            if roll < 0.60 or (roll < 0.70 and browser is None):
                target = rng.choice(
                    [f"{path}/vouchers?limit=20", f"{path}/reports/trial-balance"]
                    + ([f"{path}/vouchers/{rng.choice(mine)}"] if mine else [])
                )
                timed("api", acc.status, "GET", target)
            elif roll < 0.70 and browser is not None:
                page = rng.choice(
                    [f"/orgs/{org}", f"/orgs/{org}/vouchers", f"/orgs/{org}/reports/trial-balance"]
                )
                timed("page", browser.get, page)
            elif roll < 0.95:
                t0 = time.monotonic()
                body = {"date": date, "memo": f"soak {n}", "lines": body_lines}
                status, created = acc.call(
                    "POST", f"{path}/vouchers", body, {"Idempotency-Key": uuid.uuid4().hex}
                )
                record(status, "api", (time.monotonic() - t0) * 1000)
                if status != 201:
                    continue
                vid = int(created["id"])
                with lock:
                    result.created.add(vid)
                timed("api", chk.status, "POST", f"{path}/vouchers/{vid}/review")
                status = timed("api", acc.status, "POST", f"{path}/vouchers/{vid}/post")
                with lock:
                    result.post_ms.append((time.monotonic() - t0) * 1000)
                    if status == 200:
                        result.posted.add(vid)
                mine.append(vid)
            elif mine:
                pdf = f"{path}/vouchers/{rng.choice(mine)}.pdf"
                timed("pdf", acc.status, "GET", pdf)
            pause(rng)

    def household_user(n: int) -> None:
        assert household is not None
        rng = random.Random(seed * 1000 + n)
        browser = signed_in(household, rng)
        while browser is not None and time.monotonic() < stop:
            if rng.random() < 0.5:
                timed("page", browser.get, "/me")
            else:
                timed("pdf", browser.get, f"/me/{org}/statements/{year}.pdf")
            pause(rng)

    def county_user() -> None:
        assert county is not None
        browser = signed_in(county, random.Random(seed))
        while browser is not None and time.monotonic() < stop:
            timed("page", browser.get, f"/regions?year={year}")
            time.sleep(min(COUNTY_EVERY_S, max(0.0, stop - time.monotonic())))

    def watch_memory() -> None:
        while time.monotonic() < stop:
            for pid, mib in serving_memory(os.getpid(), port).items():
                with lock:
                    result.memory_mib[pid] = max(mib, result.memory_mib.get(pid, 0.0))
            time.sleep(min(5.0, max(0.0, stop - time.monotonic())))

    threads = [
        threading.Thread(target=household_user if i < households else accountant, args=(i,))
        for i in range(clients)
    ]
    if county is not None:
        threads.append(threading.Thread(target=county_user))
    threads.append(threading.Thread(target=watch_memory, daemon=True))
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
    users = clients + (1 if county is not None else 0)
    echo(
        f"soak: {result.requests} requests in {result.seconds:.1f}s by {users} users "
        f"({households} households{', 1 county officer' if county else ''}, think {think:g} s); "
        f"statuses {dict(sorted(result.statuses.items()))}; posted {len(result.posted)}; "
        f"post p95 {result.p95():.0f} ms; 5xx {result.server_errors}; "
        f"problems {len(result.problems)}"
    )
    for kind, target in TARGETS_MS.items():
        times = result.latency.get(kind, [])
        if times:
            p95 = result.p95(kind)
            echo(
                f"  {kind}: {len(times)} requests, p50 {statistics.median(times):.0f} ms, "
                f"p95 {p95:.0f} ms, max {max(times):.0f} ms (target p95 < {target:.0f} ms: "
                f"{'met' if p95 < target else 'NOT met'})"
            )
    if result.memory_mib:
        echo(
            "  serving processes' resident memory, largest seen: "
            + ", ".join(f"{mib:.0f} MiB" for _, mib in sorted(result.memory_mib.items()))
        )
    slowest = sorted(result.by_address.items(), key=lambda kv: -percentile(kv[1], 0.95))
    for address, times in slowest[:SLOWEST_SHOWN]:
        echo(
            f"  slowest by p95: {address}: {len(times)} requests, p95 "
            f"{percentile(times, 0.95):.0f} ms, max {max(times):.0f} ms"
        )
    echo(f"  failures (4xx and 5xx, 503 included): {result.failures()}")
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
