"""The overview: a row per feature with its gates, risks, decisions and open questions."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from functools import partial

from plan_portal.checked import READINESS_STATES
from plan_portal.model.records import Feature
from plan_portal.render.changes import page_title
from plan_portal.render.context import Renderer
from plan_portal.render.dashboards.planned import PlannedPage, render_all
from plan_portal.render.views import FeatureRow, Pager

#: Reasons the overview shows inline per feature; the feature page lists them all.
INLINE_REASONS = 4
_RANK = {state: index for index, (state, _) in enumerate(READINESS_STATES)}
#: The dashboards the overview links in one line, so that each is one click away whatever the theme's
#: navigation (the built-in theme folds it into a menu; a generated site may have none).
DASHBOARD_LINKS = (("gates", "Gates"), ("risks", "Risks"), ("decisions", "Decisions"), ("owners", "Owners"),
                   ("progress", "Progress"), ("research", "Research"), ("technology", "Technology"),
                   ("constitution", "Constitution"), ("graph", "Decision graph"))


def dashboard_links(r: Renderer) -> list[tuple[str, str]]:
    """(label, URL) of every other dashboard, then the changes page when ``compare_to`` is set."""
    links = [(label, r.urls[name]) for name, label in DASHBOARD_LINKS if name in r.urls]
    if r.comparison is not None:
        links.append((page_title(r.comparison), r.layout.url(r.layout.src("changes.md"))))
    return links


#: The records whose content the overview shows nothing of: it counts them (a feature's row of counts,
#: its readiness and the reasons for it are in each page's ``shows``).
UNSHOWN = ("gates", "risks", "decisions", "research", "clarifications", "technical_context")


def plan(r: Renderer, src: str) -> list[PlannedPage]:
    rows = [r.rows[f.id] for f in r.features]
    totals = {
        "features": len(rows),
        "gates": sum(len(f.gates) for f in r.features),
        "unmitigated": len(r.checked.unmitigated),
        "high_risks": sum(1 for f in r.features for risk in f.risks if risk.level in ("high", "critical")),
        # The rows count a research.md decision the plan records too once, as the decisions dashboard shows it.
        "decisions": sum(row.decisions.total() for row in rows),
        "open_decisions": sum(row.decisions["proposed"] + row.decisions["in-review"] for row in rows),
        "open_questions": sum(row.open_research + row.clarifications for row in rows),
    }
    readiness = {f.id: r.checked.readiness_of(f.id) for f in r.features}
    states = Counter(state.state for state in readiness.values())
    # Blocked features first, then those that need attention, each in feature order.
    flagged = sorted((f for f in r.features if readiness[f.id].state in ("blocked", "attention")),
                     key=lambda f: _RANK[readiness[f.id].state])
    links = dashboard_links(r)

    def render(page_src: str, pager: Pager) -> str:
        return r.render("overview.html", page_src, rows=pager.rows(rows), totals=totals, pager=pager, states=states,
                        flagged=flagged[:r.options.page_size] if pager.number == 1 else [],
                        flagged_total=len(flagged), readiness_rank=_RANK, inline_reasons=INLINE_REASONS,
                        dashboards=links)

    def shows(pager: Pager) -> tuple[list[Feature], object]:
        features = [*(row.feature for row in pager.rows(rows)),
                    *(flagged[:r.options.page_size] if pager.number == 1 else [])]
        # a row shows its feature and counts (its decisions' statuses …): the counts are the row's fields
        return features, ([(f.id, readiness[f.id], _counts(r.rows[f.id])) for f in features], totals,
                          sorted(states.items()), len(flagged), links, pager)

    return [PlannedPage(page_src, partial(render, page_src, pager), partial(shows, pager), UNSHOWN)
            for page_src, pager in r.pages(src, len(rows))]


def _counts(row: FeatureRow) -> tuple[object, ...]:
    """A feature's row of counts without the feature (whose content the page's fingerprint holds)."""
    return tuple(getattr(row, field.name) for field in fields(row) if field.name != "feature")


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    return render_all(plan(r, src))
