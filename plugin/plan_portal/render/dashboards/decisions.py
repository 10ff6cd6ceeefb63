"""Decisions: the most depended-on first, then every decision grouped by status, then by feature.

A research.md decision that a plan decision records too (``CheckedPortfolio.twins``) is shown once,
as the plan's, with both sources.
"""

from __future__ import annotations

from functools import partial
from itertools import groupby
from operator import itemgetter

from plan_portal.checked import Impact
from plan_portal.model.records import Feature
from plan_portal.render import views
from plan_portal.render.context import Renderer
from plan_portal.render.dashboards.planned import PlannedPage, render_all, shown_ref
from plan_portal.render.views import Pager

#: How many decisions the "most depended on" ranking lists.
RANKED = 15


def most_depended_on(r: Renderer, limit: int) -> list[tuple[str, Impact]]:
    """The decisions on which most rests (directly or through others), ties by direct dependents, then order."""
    order = r.graphs.order
    twins = r.checked.twins
    ranked = [(d, impact) for d, impact in r.checked.impacts.items() if impact.dependents and d not in twins]
    ranked.sort(key=lambda item: (-item[1].affected_count, -len(item[1].dependents), order.get(item[0], 0),
                                  item[0]))
    return ranked[:limit]


def plan(r: Renderer, src: str) -> list[PlannedPage]:
    twins = r.checked.twins
    listed = [(status, f, d) for status, items in views.decisions_by_status(r.features) for f, d in items
              if d.id not in twins]
    pages = r.pages(src, len(listed))
    status_pages = r.first_page_of(pages, [status for status, _, _ in listed])
    totals = [(status, sum(1 for _ in items)) for status, items in groupby(listed, key=itemgetter(0))]
    ranking = most_depended_on(r, RANKED)
    decision_of = {d.id: (f, d) for f in r.features for d in f.decisions}

    def render(page_src: str, pager: Pager) -> str:
        shown = pager.rows(listed)
        groups = [(status, [(f, [d for _, _, d in rows]) for f, rows in groupby(items, key=itemgetter(1))])
                  for status, items in ((s, list(i)) for s, i in groupby(shown, key=itemgetter(0)))]
        impacts = {d.id: r.checked.impact(d.id) for _, _, d in shown}
        return r.render("decisions.html", page_src, groups=groups, totals=totals, status_pages=status_pages,
                        impacts=impacts, ranking=ranking if pager.number == 1 else [], decision_of=decision_of,
                        pager=pager, twin_count=len(twins))

    def shows(pager: Pager) -> tuple[list[Feature], object]:
        shown = pager.rows(listed)
        ranked = ranking if pager.number == 1 else []
        # a row names the decisions that supersede it or that it supersedes, and its research.md twins
        named = [(other, shown_ref(r, other)) for _, _, d in shown
                 for other in (*r.superseded_by.get(d.id, ()), *r.supersedes.get(d.id, ()))]
        impacts = [(d.id, _shown_impact(r, d.id)) for _, _, d in shown]
        return [f for _, f, _ in shown], (
            [(status, f.id, d.id) for status, f, d in shown], named, impacts, totals, status_pages,
            [(shown_ref(r, d), decision_of[d][1].status, _shown_impact(r, d), impact.affected_features)
             for d, impact in ranked], pager, len(twins))

    return [PlannedPage(page_src, partial(render, page_src, pager), partial(shows, pager))
            for page_src, pager in pages]


def _shown_impact(r: Renderer, decision_id: str) -> tuple[int, int, int, str]:
    """What a decision's row shows of its impact: how much rests on it, directly, what it rests on, its page."""
    impact = r.checked.impact(decision_id)
    return impact.affected_count, len(impact.dependents), len(impact.rests_on), r.impact_url(decision_id)


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    return render_all(plan(r, src))
