"""The portal of some spec roots, ready for a site generator adapter: its pipeline run, its pages
rendered and held (see render.held), and what to report.

Reading and rendering run on worker processes (see parallel.map_jobs); the records and graph are
garbage once this returns, and the MkDocs plugin hands their memory back to the system on a
one-off build, before MkDocs converts every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plan_portal.compare import BaselineCache, Comparison, RevisionError, compare
from plan_portal.diagnostics import Diagnostic, Severity
from plan_portal.export import export_document
from plan_portal.model.cache import ReadCache
from plan_portal.pipeline import Result, run
from plan_portal.read import MAX_BYTES
from plan_portal.render import Layout, PortalPage, RenderOptions, environment, portal_pages
from plan_portal.render.held import HeldPages


@dataclass(frozen=True, slots=True)
class PortalRequest:
    roots: list[Path]
    base: Path
    layout: Layout
    options: RenderOptions
    overrides: dict[str, Severity | None] = field(default_factory=dict)
    max_bytes: int = MAX_BYTES
    templates: Path | None = None
    #: A git ref to compare the plans with (the plugin's ``compare_to``), or None.
    compare_to: str | None = None


@dataclass(slots=True)
class Portal:
    diagnostics: list[Diagnostic]
    #: Problems of the build itself (a missing root, an unreadable ``compare_to``), to log as warnings.
    warnings: list[str]
    #: Every page, in nav order, without its HTML blocks and graphs: ``held`` has those.
    pages: list[PortalPage]
    held: HeldPages
    features: int
    reads: int


def build_portal(request: PortalRequest, cache: ReadCache, baselines: BaselineCache) -> Portal:
    roots = [r for r in request.roots if r.is_dir()]
    warnings = [f"spec root {missing} does not exist" for missing in request.roots if not missing.is_dir()]
    reads_before = cache.reads
    result = run(roots, request.base, request.overrides, request.max_bytes, cache)
    comparison = None
    if request.compare_to is not None:
        comparison, problem = _comparison(request, request.compare_to, result, baselines)
        warnings += [problem] if problem else []
    held = HeldPages()
    pages = held.hold(portal_pages(result.portfolio, result.diagnostics, result.graph, request.layout, request.base,
                                   environment(request.templates), request.options, comparison))
    return Portal(result.diagnostics, warnings, pages, held, len(result.portfolio.features),
                  cache.reads - reads_before)


def _comparison(request: PortalRequest, ref: str, result: Result,
                baselines: BaselineCache) -> tuple[Comparison, str]:
    """This build against ``ref``; a baseline that cannot be read is a warning, not a failed build."""
    try:
        baseline = baselines.document(ref, request.roots, request.base, request.overrides, request.max_bytes)
    except RevisionError as error:
        return Comparison(ref, "this build", problem=str(error)), f"compare_to: {error} [{error.code}]"
    return compare(baseline, export_document(result.portfolio, result.diagnostics), ref, "this build"), ""
