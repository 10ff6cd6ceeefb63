"""The one way in for every adapter: settings in, a checked portfolio and its pages out.

The plugin, ``generate`` and the command line all call ``build``, so that they read, check,
compare and render the same way from the same ``Settings``.

Reading and rendering run on worker processes (see parallel.map_jobs); the records and graph are
garbage once this returns, and the MkDocs plugin hands their memory back to the system on a
one-off build, before MkDocs converts every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from plan_portal.checked import CheckedPortfolio
from plan_portal.compare import Comparison, compare
from plan_portal.compare.revision import BaselineCache, RevisionError
from plan_portal.export import export_document
from plan_portal.model.cache import ReadCache
from plan_portal.pipeline import run
from plan_portal.render import Layout, PortalPage, portal_pages
from plan_portal.render.reuse import Reuse
from plan_portal.settings import Settings


@dataclass(slots=True)
class Portal:
    checked: CheckedPortfolio
    #: Problems of the build itself (a missing root, an unreadable ``compare_to``), to report as warnings.
    warnings: list[str]
    #: Every page in nav order, as the caller's ``keep`` returned them (none without a layout).
    pages: list[PortalPage] = field(default_factory=list)
    comparison: Comparison | None = None
    #: Features read from disk, not reused from the cache.
    reads: int = 0


def build(
    settings: Settings,
    layout: Layout | None = None,
    *,
    cache: ReadCache | None = None,
    baselines: BaselineCache | None = None,
    keep: Callable[[Iterable[PortalPage]], list[PortalPage]] = list,
    reuse: Reuse | None = None,
    packed: bool = False,
) -> Portal:
    """Run the pipeline and, given a ``layout``, render the pages (with ``compare_to``'s changes).

    Pages reach ``keep`` one at a time, as they are rendered: the plugin holds each compressed,
    ``generate`` writes each to disk, so no caller needs every finished page in memory at once.
    ``reuse`` (``mkdocs serve``) hands back the pages of the last render that nothing changed;
    ``packed`` has each page's blocks packed where it was rendered (``PortalPage.packed``).
    """
    warnings = [f"spec root {missing} does not exist" for missing in settings.roots if not missing.is_dir()]
    reads_before = cache.reads if cache is not None else 0
    checked = run(settings, cache)
    reads = cache.reads - reads_before if cache is not None else len(checked.portfolio.features)
    portal = Portal(checked, warnings, reads=reads)
    if layout is None:
        return portal
    if settings.compare_to is not None:
        portal.comparison, problem = _comparison(settings, settings.compare_to, checked, baselines or BaselineCache())
        warnings += [problem] if problem else []
    portal.pages = keep(portal_pages(checked, layout, settings.base, settings.options, settings.templates,
                                     portal.comparison, reuse, packed))
    return portal


def _comparison(settings: Settings, ref: str, checked: CheckedPortfolio,
                baselines: BaselineCache) -> tuple[Comparison, str]:
    """This build against ``ref``; a baseline that cannot be read is a warning, not a failed build."""
    try:
        revision, baseline = baselines.read(ref, settings)
    except RevisionError as error:
        return Comparison(ref, "this build", problem=str(error)), f"compare_to: {error} [{error.code}]"
    comparison = compare(baseline, export_document(checked), ref, "this build")
    comparison.base_revision = revision
    return comparison, ""
