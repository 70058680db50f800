"""Every page, as each role that may see it, in a real browser (Debian's Chromium driven by
Playwright, a live server of its own) at a phone's width (390 px) and an office PC's (1366 px):
nothing runs off the side of the screen, nothing fails in the console or over the network, and
axe-core (the engine the axe-playwright-python package ships) finds no serious or critical
WCAG 2.1 A or AA violation.

The routes are the application's own: every ``pages.*`` GET route of its URL map is walked with
its arguments filled from the books seeded here, or is a download (:data:`DOWNLOADS`, or an
address ending in a file's suffix). One browser, one page per user, signed in once: the
cooperative's pages as every user, the village's as its accountant, the English pages as a second
accountant and a second household. axe-core and a screenshot run once per page, width and
language, as the first user who sees it (the others see the same page with other buttons).
Screenshots go to ``$COOPLEDGER_SCREENSHOTS`` (or the test's tmp folder), named
language-org-endpoint-width-user.png, with walk.txt: the views walked and what axe-core found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy.orm import sessionmaker

from coopledger.adapters.db import migrate
from coopledger.adapters.db.engine import make_engine
from coopledger.adapters.db.uow import SqlUnitOfWork
from coopledger.config import Settings
from coopledger.domain.roles import Action, Actor, Role
from coopledger.services import auth
from coopledger.web.app import create_app
from tests.builders import (
    ORG,
    cold_store,
    plan_paid_in_part,
    quantify,
    receive_grant,
    review_and_post,
    village_road_and_cold_store,
)
from tests.conftest import PASSWORD, Books, FastHasher, build_world, fresh_database
from tests.web.live import needs_chromium, serve

pytestmark = needs_chromium

WIDTHS = {390: {"width": 390, "height": 844}, 1366: {"width": 1366, "height": 768}}


@dataclass(frozen=True)
class User:
    name: str
    role: Role | None  # None: signed out
    lang: str = "zh"
    orgs: tuple[str, ...] = ("coop",)  # whose pages it walks


#: who walks, in this order: the users of tests/conftest's world and a county officer (an
#: auditor of a region), the second accountant and a second household in English, no one
USERS = (
    User("acc", Role.ACCOUNTANT, orgs=("coop", "village")),
    User("admin", Role.ADMIN),
    User("rev", Role.REVIEWER),
    User("cash", Role.CASHIER),
    User("aud", Role.AUDITOR),
    User("county", Role.AUDITOR),
    User("hh1", Role.HOUSEHOLD),
    User("acc2", Role.ACCOUNTANT, "en"),
    User("hh2", Role.HOUSEHOLD, "en"),
    User("anonymous", None, orgs=("village",)),
    User("anonymous-en", None, "en", ("village",)),
)
#: ``pages.*`` GET routes that answer with a file, not a page, besides those whose address ends
#: in a file's suffix (:data:`FILES`)
DOWNLOADS = frozenset(
    {
        "pages.static",
        "pages.audit_export",
        "pages.subsidy_claim_file",  # a claim as .pdf or .xlsx, its format an argument
        "pages.donation_handout_scan",  # the signed list's scan, as uploaded
    }
)
FILES = (".pdf", ".wav")
#: the pages read signed out, besides the sign-in page: the application's public pages
PUBLIC = ("index", "verify_form", "public.disclosure")
#: what a page needs beyond reading the books (the grants of coopledger/domain/roles.py)
NEEDS = {
    "pages.new_voucher": Action.PREPARE,
    "pages.edit_voucher": Action.PREPARE,
    "pages.depreciation": Action.PREPARE,
    "pages.new_member": Action.MANAGE_REGISTERS,
    "pages.new_fund": Action.MANAGE_REGISTERS,
    "pages.new_asset": Action.MANAGE_REGISTERS,
    "pages.period_step": Action.CLOSE_PERIOD,
    "pages.year_carry": Action.CLOSE_PERIOD,
    "pages.year_close": Action.CLOSE_PERIOD,
    "pages.year_reopen": Action.REOPEN_PERIOD,
    "pages.admin_users": Action.MANAGE_USERS,
    "pages.admin_orgs": Action.MANAGE_ORGS,
    "pages.admin_audit": Action.MANAGE_USERS,
}
#: pages for some users only, whatever their role's grants
FOR_USERS = {
    "pages.me": ("hh1", "hh2"),
    "pages.regions": ("admin", "county"),
    "pages.audit_view": ("acc", "acc2", "admin", "aud", "county"),  # the audit log's readers
}
#: a route's arguments by name, for each organization whose pages are walked
ARGS: dict[str, dict[str, Any]] = {
    "coop": {"member_no": "1", "asset_no": "GB-01", "code": "muni-2026", "year": 2025},
    "village": {"member_no": "1", "asset_no": "LK-01", "code": "help", "year": 2026},
}
ENDPOINT_ARGS: dict[str, dict[str, Any]] = {
    "public.disclosure": {"org": "village"},  # the village published its first quarter
    "pages.period_step": {"period": "2026-11", "step": "close"},
    "pages.year_carry": {"year": 2026},
    "pages.year_close": {"year": 2026},
}
#: the query a page is read with, to show its figures rather than an empty form
QUERY = {
    "pages.ledger": {"account": "102", "from": "2025-01-01", "to": "2026-12-31"},
    "pages.trial_balance": {"from": "2025-01-01", "to": "2026-12-31"},
    "public.disclosure": {"period": "2026-Q1"},
}
#: pages not walked in an organization: a village's chart has no 成员权益变动表, and the village
#: has no closed year to reopen
NOT_IN = {("village", "pages.members_equity_page"), ("village", "pages.year_reopen")}
#: axe-core's WCAG 2.1 A and AA rules; what fails the test
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACT = ("serious", "critical")
#: (rule, endpoint) pairs not yet fixed, each with its reason
ALLOWED: dict[tuple[str, str], str] = {}


def _seed(url: str, settings: Settings) -> dict[str, dict[str, Any]]:
    """The world of tests/conftest (coop, village, a user of every role), a county officer and
    a second household; coop's 2025 closed with its distribution paid in part, a fund's grant
    that built a cold store whose income rights are quantified, a draft voucher; the village's
    road and cold store, its first quarter closed and disclosed. The ids the routes need."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    hasher = FastHasher()
    tokens = build_world(engine)
    auth.create_user(
        uow(), None, hasher, "county", PASSWORD, "auditor", [], regions=["济南市/商河县"]
    )
    auth.create_user(uow(), None, hasher, "hh2", PASSWORD, "household", [], "coop/2")
    app = create_app(settings, session_factory=sessions, hasher=hasher)
    books = Books(app.test_client(), uow, tokens)
    plan = plan_paid_in_part(books)
    receive_grant(books)
    made = books.post("acc", f"{ORG}/assets", cold_store())
    assert made.status_code == 201, made.json
    review_and_post(books, made.json["vouchers"]["acquisition"])
    assert quantify(books, "60000.00", "statuses").status_code == 201
    shed = {
        "project_no": "CP-01",
        "name": "肉牛养殖牛舍",
        "fund": "muni-2026",
        "class": "operating",
        "started_on": "2026-04-01",
    }
    assert books.post("acc", f"{ORG}/construction", shed).status_code == 201
    spent = {"date": "2026-04-20", "amount": "50000.00"}
    assert books.post("acc", f"{ORG}/construction/CP-01/spend", spent).status_code == 201
    village_road_and_cold_store(books)
    for month in ("2026-01", "2026-02", "2026-03"):
        closed = books.post("acc", f"/api/v1/orgs/village/periods/{month}/close")
        assert closed.status_code == 200, closed.json
    published = books.post("acc", "/api/v1/orgs/village/disclosures", {"period": "2026-Q1"})
    assert published.status_code == 201, published.json
    memo = "收到大蒜示范基地冷库租金（2026年第一季度，承租人：商河县白桥镇绿源冷链物流有限公司）"
    drafts = {org: books.voucher(org=org, memo=memo, date="2026-11-10") for org in ARGS}
    contract = {
        "contract_no": "CB-2026-01",
        "member": "1",
        "subject": "东大塘鱼塘",
        "area": "12.5",
        "unit": "亩",
        "starts_on": "2026-01-01",
        "ends_on": "2030-12-31",
        "yearly": {"amount": "3000.00", "month": 1, "day": 15},
    }
    let = books.post("acc", "/api/v1/orgs/village/contracts", contract)
    assert let.status_code == 201, let.json
    engine.dispose()
    return {
        "coop": {"plan_id": plan["id"], "voucher_id": drafts["coop"]["id"], "no": "CP-01"},
        "village": {"voucher_id": drafts["village"]["id"], "contract_no": "CB-2026-01"},
    }


@dataclass(frozen=True)
class Route:
    endpoint: str
    org: str  # "" for a page of no organization
    path: str
    must_see: tuple[str, ...]  # the users it must answer; any other may be refused (403, 404)


def must_see(endpoint: str) -> tuple[str, ...]:
    if endpoint in FOR_USERS:
        return FOR_USERS[endpoint]
    if endpoint == "pages.login" or endpoint in PUBLIC:
        return ("anonymous", "anonymous-en")
    action = NEEDS.get(endpoint, Action.READ_BOOKS)
    return tuple(
        u.name for u in USERS if u.role and Actor(0, u.name, u.role, frozenset()).may(action)
    )


def page_rules(app: Flask) -> dict[str, Any]:
    """The GET routes of the pages' blueprint and the public pages, by endpoint."""
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if (rule.endpoint.startswith("pages.") or rule.endpoint in PUBLIC)
        and "GET" in (rule.methods or ())
        and rule.endpoint not in DOWNLOADS
        and not rule.rule.endswith(FILES)
    }


def routes(app: Flask, ids: dict[str, dict[str, Any]]) -> list[Route]:
    """Each page with its arguments filled, once for each organization it is walked in (an
    argument no organization has leaves the page out there, as the village's plan)."""
    out: dict[str, Route] = {}
    with app.test_request_context():
        for endpoint, rule in sorted(page_rules(app).items()):
            for org in ARGS if "org" in rule.arguments else ("",):
                given = {"org": org, **ARGS.get(org, {}), **ids.get(org, {})}
                given.update(ENDPOINT_ARGS.get(endpoint, {}))
                if (org, endpoint) in NOT_IN or any(n not in given for n in rule.arguments):
                    continue
                args = {name: given[name] for name in rule.arguments}
                path = url_for(endpoint, **args, **QUERY.get(endpoint, {}))
                out.setdefault(path, Route(endpoint, given["org"], path, must_see(endpoint)))
    return list(out.values())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask, list[Route]]]:
    tmp = tmp_path_factory.mktemp("browser-walk")
    url = fresh_database("browser_walk", tmp)
    settings = Settings(
        database_url=url,
        instance_path=tmp,
        secret_key="browser-walk-secret",
        public_url="http://127.0.0.1/",
    )
    ids = _seed(url, settings)
    app = create_app(settings, hasher=FastHasher())
    with serve(app) as base:
        yield base, app, routes(app, ids)


# What makes the page wider than the screen: the outermost elements reaching past its right edge
# that are not inside a box of their own that scrolls or clips.
OVERFLOW = """() => {
  const root = document.documentElement, limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const boxed = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
                          if (getComputedStyle(p).overflowX !== 'visible') return true;
                        return false; };
  const wide = [...document.body.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect(); return r.width > 0 && r.right > limit + 1 && !boxed(el); });
  const name = el => { const r = el.getBoundingClientRect();
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].map(c => '.' + c).join('')
      + ` (${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)})`; };
  const outer = wide.filter(el => !wide.includes(el.parentElement));
  return `${root.scrollWidth} px wide on a ${limit} px screen: `
    + outer.slice(0, 4).map(name).join('; ');
}"""

NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => done()))"
AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     targets: v.nodes.map(n => n.target.join(' '))})))"""


def axe_script() -> str:
    """axe-core's axe.min.js as the package ships it (MPL-2.0)."""
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


@dataclass
class Visit:
    """One page as one user at one width: what went wrong on it, what axe-core found."""

    user: User
    route: Route
    width: int
    problems: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] | None = None  # None: axe-core ran as another user

    def where(self) -> str:
        return f"{self.user.name} ({self.user.lang}) {self.route.path} at {self.width} px"


class Walker:
    """One user's page, signed in once, visiting each route at both widths (the page resized,
    not loaded again)."""

    def __init__(self, chromium: Any, base: str, user: User, shots: Path) -> None:
        self.context = chromium.new_context(base_url=base, viewport=WIDTHS[1366])
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.user, self.shots, self.width = user, shots, 1366
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.goto(f"/login?lang={user.lang}")
        if user.role is not None:
            self.page.fill("input[name=username]", user.name)
            self.page.fill("input[name=password]", PASSWORD)
            self.page.click("#login-form button[type=submit]")
            self.page.wait_for_load_state()

    def _failed(self, request: Any) -> None:
        """A request the page's next address cut short is no failure."""
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"{request.url} failed: {request.failure}")

    def _response(self, response: Any) -> None:
        """A page's own refusal is its status; any other resource refused is an error."""
        if response.status >= 400 and not response.request.is_navigation_request():
            self.errors.append(f"{response.url} answered {response.status}")

    def visit(self, route: Route, checked: set[tuple[str, str, int, str]]) -> list[Visit]:
        """Both widths, the current one first; [] when the user is refused as it should be.
        axe-core and a screenshot when the page at that width and language is not ``checked``."""
        self.errors.clear()
        response = self.page.goto(route.path)
        status = response.status if response else 0
        if status in (403, 404) and self.user.name not in route.must_see:
            return []
        visits = []
        for width in sorted(WIDTHS, key=lambda w: w != self.width):
            if width != self.width:
                self.page.set_viewport_size(WIDTHS[width])
                self.page.evaluate(NEXT_FRAME)  # the page has seen its resize
                self.width = width
            visit = Visit(self.user, route, width)
            if status >= 400:
                visit.problems.append(f"answered {status}")
            overflow = self.page.evaluate(OVERFLOW)
            if overflow:
                visit.problems.append(overflow)
            key = (route.endpoint, route.org, width, self.user.lang)
            if key not in checked:
                checked.add(key)
                visit.violations = self._axe()
                self._screenshot(route, width)
            visits.append(visit)
        visits[0].problems.extend(self.errors)
        return visits

    def _axe(self) -> list[dict[str, Any]]:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(axe_script())  # evaluated, as the page's CSP refuses inline scripts
        return list(self.page.evaluate(AXE_RUN, WCAG))

    def _screenshot(self, route: Route, width: int) -> None:
        parts = [self.user.lang, route.org, route.endpoint.removeprefix("pages."), str(width)]
        name = "-".join(p for p in parts if p) + f"-{self.user.name}.png"
        self.page.screenshot(path=str(self.shots / name), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def walked(chromium: Any, live: tuple[str, Flask, list[Route]], shots: Path) -> list[Visit]:
    base, _, all_routes = live
    signed_out = {"pages.login", *PUBLIC}
    visits: list[Visit] = []
    checked: set[tuple[str, str, int, str]] = set()
    for user in USERS:
        walker = Walker(chromium, base, user, shots)
        try:
            for route in all_routes:
                if (route.endpoint in signed_out) != (user.role is None):
                    continue
                if route.org and route.org not in user.orgs:
                    continue
                visits.extend(walker.visit(route, checked))
        finally:
            walker.close()
    found = Counter(a["impact"] for v in visits for a in v.violations or ())
    lines = [f"{len(visits)} page views; axe-core's violations by impact: {dict(found)}"]
    lines += [f"{v.where()}: {a['id']} ({a['impact']})" for v in visits for a in v.violations or ()]
    (shots / "walk.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return visits


def test_every_page_route_is_walked_or_a_download(live: tuple[str, Flask, list[Route]]) -> None:
    """A new page route must be walked: its arguments known here, or named a download."""
    _, app, all_routes = live
    assert set(page_rules(app)) == {r.endpoint for r in all_routes}


def test_every_page_fits_the_screen_with_no_error(
    walked: list[Visit], live: tuple[str, Flask, list[Route]]
) -> None:
    """Each user its pages, at 390 and 1366 px: answered, no wider than the screen, nothing in
    the console, no resource refused; and every route was read by someone."""
    read = {v.route for v in walked}
    unread = [f"no one read {r.path}" for r in live[2] if r not in read]
    problems = [f"{v.where()}: {p}" for v in walked for p in v.problems]
    assert not unread and not problems, "\n".join(unread + problems)


def test_no_page_has_a_serious_wcag_violation(walked: list[Visit]) -> None:
    """axe-core's WCAG 2.1 A and AA rules on each page, width and language: no serious or
    critical violation but the documented :data:`ALLOWED`."""
    found = [
        f"{v.where()}: {a['id']} ({a['impact']}) {a['help']}: " + ", ".join(a["targets"][:6])
        for v in walked
        for a in v.violations or ()
        if a["impact"] in FAILING_IMPACT and (a["id"], v.route.endpoint) not in ALLOWED
    ]
    assert not found, f"{len(found)} violations:\n" + "\n".join(found)
