"""A dashboard's pages planned before they are rendered, so that ``mkdocs serve`` renders again only
the pages whose content changed (see reuse.page_fingerprints), not the whole dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from plan_portal.model.records import Feature
from plan_portal.render.context import Renderer


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """One page of a dashboard: where it goes, how to render it, and what it shows."""

    src: str
    #: The page's Markdown.
    render: Callable[[], str]
    #: What the page shows beyond what every dashboard page shows (the site-wide values, links,
    #: diagnostics and owners, see reuse): the features whose content it shows (its rows', and those
    #: of the records it names), and every other value it shows that is drawn from the whole
    #: dashboard (its rows' ids in order, counts, the pager, filters' options, readiness …).
    #: Only asked for by ``mkdocs serve``; a value missing here leaves the page stale after an edit.
    shows: Callable[[], tuple[Iterable[Feature], object]]
    #: The record lists of those features it shows nothing of (but through values in ``shows``, such
    #: as counts): an edit to one of their records leaves the page as it was (see reuse.UNSHOWN).
    unshown: tuple[str, ...] = ()


def render_all(pages: list[PlannedPage]) -> list[tuple[str, str]]:
    """(source path, Markdown) of every page, as ``Dashboard.render`` returns them."""
    return [(page.src, page.render()) for page in pages]


def shown_ref(r: Renderer, node_id: str) -> tuple[object, ...] | None:
    """What a page shows of a record it names (the templates' ``ref``): not its feature's content, which
    a page that names the records of many features would otherwise be rendered again for."""
    ref = r.record(node_id)
    if ref is None:
        return None
    return (ref.id, ref.kind, ref.feature.id, ref.feature.title, ref.label, ref.title, ref.badge_kind, ref.status,
            ref.raw_status)
