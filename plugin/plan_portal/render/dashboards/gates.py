"""Gates: the FAIL and WAIVED gates to act on, the matrix of features by constitution principle, then
the open gates of those features (failing, pending, unread or waived) with status and owner, to
filter by either."""

from __future__ import annotations

from plan_portal.render import views
from plan_portal.render.context import Renderer

#: The statuses the register lists: gates someone has to act on or answer for (a passing or not
#: applicable gate is on its feature's page and its owner's).
OPEN = ("fail", "pending", "unknown", "waived")
#: A matrix page holds ``page_size`` features and at most this many times ``page_size`` gates: a
#: matrix cell lists its gates, so a portfolio of plans with 60 gates each made a 500-feature page of
#: 7 MB; at most 5,000 gates (the default) keep a page near 1 MB, and six gates a plan never reach it.
GATES_PER_FEATURE_ROW = 10


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    unmitigated, mitigated, waived = views.gate_issues(r.features, r.checked.mitigations)
    with_gates = [f for f in r.features if f.gates]
    columns = views.matrix_columns(with_gates, r.constitution)
    return [(page_src, r.render(
        "gates.html", page_src, matrix=views.gate_matrix(list(pager.rows(with_gates)), columns, r.checked.unmitigated),
        unmitigated=unmitigated, mitigated=mitigated, waived=waived, pager=pager,
        register=[(f, g) for f in pager.rows(with_gates) for g in f.gates if g.status in OPEN]))
        for page_src, pager in r.pages(src, len(with_gates), [len(f.gates) for f in with_gates],
                                       GATES_PER_FEATURE_ROW * r.options.page_size)]
