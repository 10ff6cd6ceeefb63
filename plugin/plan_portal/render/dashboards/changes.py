"""Changes since ``compare_to``: shown only when the plugin compares with a baseline."""

from __future__ import annotations

from plan_portal.compare import Change, Comparison
from plan_portal.compare.changes import KINDS
from plan_portal.compare.report import summary
from plan_portal.render.changes import describe
from plan_portal.render.context import Renderer


def render(r: Renderer, src: str, comparison: Comparison) -> str:
    def change_url(change: Change) -> str:
        if change.kind == "diagnostic":
            return r.file_urls.get(change.where.rpartition(":")[0], "") if change.present else ""
        if not change.present or change.feature not in r.by_id:
            return ""
        return r.layout.feature_url(change.feature, change.record)

    return r.render("changes.html", src, comparison=comparison, kinds=KINDS, summary=summary(comparison),
                    describe=describe, change_url=change_url)
