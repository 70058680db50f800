"""The organization's dashboard: the year's months at a glance, drawn as a chart."""

from __future__ import annotations

from typing import Any

from flask import render_template

from coopledger.services import dashboard as dash_svc
from coopledger.services.clock import utcnow
from coopledger.web.api.common import uow
from coopledger.web.pages.common import bp, login_required, signed_in

CHART_W, CHART_H = 640, 220


def chart(months: tuple[dash_svc.Month, ...]) -> dict[str, Any]:
    """Bars of income and expenditure per month, scaled into the SVG's box (drawn server-side)."""
    top = max([1, *(max(m.income_fen, m.expense_fen, 0) for m in months)])
    slot = CHART_W / 12
    bar = slot * 0.35
    usable = CHART_H - 30
    bars = []
    for m in months:
        x = (m.month - 1) * slot + slot * 0.12
        for kind, value, dx in (("income", m.income_fen, 0.0), ("expense", m.expense_fen, bar)):
            height = max(value, 0) / top * usable
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + dx, 1),
                    "y": round(usable - height + 5, 1),
                    "w": round(bar, 1),
                    "h": round(height, 1),
                    "value": value,
                    "month": m.month,
                }
            )
    labels = [{"x": round((m - 1) * slot + slot / 2, 1), "text": str(m)} for m in range(1, 13)]
    return {"w": CHART_W, "h": CHART_H, "bars": bars, "labels": labels, "base": usable + 5}


@bp.route("/orgs/<org>")
@login_required
def dashboard(org: str) -> Any:
    d = dash_svc.dashboard(uow(), signed_in(), org, utcnow().date())
    return render_template("pages/dashboard.html", org=d.org, d=d, chart=chart(d.months))
