"""Changes since ``compare_to``: shown only when the plugin compares with a baseline."""

from __future__ import annotations

from markupsafe import Markup, escape

from plan_portal.compare import Change, Comparison
from plan_portal.compare.changes import KINDS
from plan_portal.compare.report import direction_summary, summary
from plan_portal.render.changes import describe, page_title
from plan_portal.render.context import Renderer
from plan_portal.render.inline import render_inline


def render(r: Renderer, src: str, comparison: Comparison) -> str:
    def change_url(change: Change) -> str:
        if change.kind == "diagnostic":
            return r.file_urls.get(change.where.rpartition(":")[0], "") if change.present else ""
        if not change.present or change.feature not in r.by_id:
            return ""
        return r.layout.feature_url(change.feature, change.record)

    cell = r.context(r.layout.url(src)).cell

    def change_title(change: Change) -> Markup:
        """A title as its author wrote it (code spans as code, no raw HTML), links to the feature's
        files made portal links; a diagnostic's message as text."""
        if change.kind == "diagnostic":
            return escape(change.title)
        feature = r.by_id.get(change.feature)
        return cell(change.title, feature) if feature is not None else render_inline(change.title)

    return r.render("changes.html", src, comparison=comparison, kinds=KINDS, summary=summary(comparison),
                    directions=direction_summary(comparison), heading=page_title(comparison), describe=describe,
                    change_url=change_url, change_title=change_title)
