"""A feature's own files as pages (spec.md, research.md …) and copies (contracts), as the read
stage found them: a file that cannot be published as it is becomes a note saying why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from plan_portal.model.records import Feature, PublishedFile
from plan_portal.render.inline import literal, preformatted
from plan_portal.render.page import PortalPage
from plan_portal.render.urls import Layout


def _note(published: PublishedFile) -> str:
    """The page of a Markdown file that cannot be published as it is: why, then its text as plain
    text that the Markdown converter passes through without converting or scanning any of it."""
    note = f"> **{literal(published.path)} could not be published as it is:** {literal(published.problem)}\n"
    return f"{note}\n{preformatted(published.text)}" if published.text else note


def file_pages(feature: Feature, layout: Layout, base: Path) -> Iterator[PortalPage]:
    """The feature's files in publishing order; a non-Markdown file that cannot be published is
    left out (its diagnostic, on the feature page, says why)."""
    folder = base / feature.path
    for published in feature.published:
        src = layout.feature_src(feature.id, published.name)
        title = f"{feature.id} {published.name}"
        if not published.problem and published.text is not None and published.markdown:
            yield PortalPage(src, title, "artifact", published.text, folder / published.name, feature.id)
        elif not published.problem:
            kind = "artifact" if published.markdown else "file"
            yield PortalPage(src, title, kind, source=folder / published.name, feature=feature.id)
        elif published.markdown:
            yield PortalPage(src, title, "artifact", _note(published), folder / published.name, feature.id)
