"""The overview: a row per feature with its gates, risks, decisions and open questions."""

from __future__ import annotations

from collections import Counter

from plan_portal.checked import READINESS_STATES
from plan_portal.render.context import Renderer

#: Reasons the overview shows inline per feature; the feature page lists them all.
INLINE_REASONS = 4
_RANK = {state: index for index, (state, _) in enumerate(READINESS_STATES)}


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    rows = [r.rows[f.id] for f in r.features]
    totals = {
        "features": len(rows),
        "gates": sum(len(f.gates) for f in r.features),
        "unmitigated": len(r.checked.unmitigated),
        "high_risks": sum(1 for f in r.features for risk in f.risks if risk.level in ("high", "critical")),
        "decisions": sum(len(f.decisions) for f in r.features),
        "open_decisions": sum(1 for f in r.features for d in f.decisions if d.status in ("proposed", "in-review")),
        "open_questions": sum(row.open_research + row.clarifications for row in rows),
    }
    readiness = {f.id: r.checked.readiness_of(f.id) for f in r.features}
    states = Counter(state.state for state in readiness.values())
    # Blocked features first, then those that need attention, each in feature order.
    flagged = sorted((f for f in r.features if readiness[f.id].state in ("blocked", "attention")),
                     key=lambda f: _RANK[readiness[f.id].state])
    return [(page_src, r.render("overview.html", page_src, rows=pager.rows(rows), totals=totals, pager=pager,
                                states=states, flagged=flagged[:r.options.page_size] if pager.number == 1 else [],
                                flagged_total=len(flagged), readiness_rank=_RANK, inline_reasons=INLINE_REASONS))
            for page_src, pager in r.pages(src, len(rows))]
