"""The overview: a row per feature with its gates, risks, decisions and open questions."""

from __future__ import annotations

from plan_portal.render.context import Renderer


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
    return [(page_src, r.render("overview.html", page_src, rows=pager.rows(rows), totals=totals, pager=pager))
            for page_src, pager in r.pages(src, len(rows))]
