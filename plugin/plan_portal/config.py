"""The plugin's options in mkdocs.yml, validated by MkDocs' typed config classes."""

from __future__ import annotations

import datetime

from mkdocs.config import base
from mkdocs.config import config_options as c


class Baseline(base.BaseConfigOption[str]):
    """A git ref, a date or an age, as text: YAML reads ``2026-11-01`` as a date and
    ``2026-11-01 09:30:00`` as a date and time, which are written back in ISO 8601."""

    def run_validation(self, value: object) -> str:
        if isinstance(value, datetime.datetime):
            return value.isoformat(sep="T", timespec="seconds")
        if isinstance(value, (datetime.date, str, int)) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, datetime.date) else str(value)
        raise base.ValidationError(f"Expected a git ref, a date or an age, but a {type(value).__name__} was given.")


class PlanPortalConfig(base.Config):
    roots = c.ListOfItems(c.Type(str), default=["specs"])
    """Spec roots, relative to mkdocs.yml: every ``<root>/<feature>/`` holding spec artifacts is a feature."""

    allowed_roots = c.ListOfItems(c.Dir(exists=True), default=[])
    """Folders outside the spec roots, relative to mkdocs.yml, that symlinks under the roots may lead
    into (a monorepo's shared contracts). Anything else a symlink leads to is an ``outside-root``
    error and is neither read nor published."""

    constitution = c.Optional(c.File(exists=False))
    """The constitution the plans are checked against, relative to mkdocs.yml, when it is not
    ``.specify/memory/constitution.md`` in or above a spec root (where spec-kit keeps it). None
    found is fine: gates are then grouped by their names."""

    prefix = c.Type(str, default="plans/")
    """Where the portal lives in the site: ``plans/`` publishes ``/plans/``, ``/plans/gates/`` …"""

    nav_title = c.Type(str, default="Plans")
    """Title of the portal's section in the navigation (an explicit ``nav:`` entry's title wins)."""

    nav_features = c.Type(int, default=12)
    """List features in the navigation only up to this many; past it they are reached from the
    dashboards, search and breadcrumbs (MkDocs renders the whole nav into every page)."""

    title = c.Type(str, default="Plan portfolio")
    """Heading of the overview page."""

    severity = c.DictOfItems(c.Choice(("error", "warning", "info", "off")), default={})
    """Per-check severity, e.g. ``{gate-fail-unmitigated: warning, spec-only-feature: off}``."""

    custom_templates = c.Optional(c.Dir(exists=True))
    """A folder of templates that replace the portal's own by file name (``feature.html`` …)."""

    graph_depth = c.Type(int, default=2)
    """How many links the graph on each feature page follows from the feature and its decisions."""

    graph_nodes = c.Type(int, default=40)
    """Most nodes in a local graph; the nearest are kept and the view links to the full graph."""

    full_graph_nodes = c.Type(int, default=100)
    """Most nodes on the portfolio graph page; past it the page says so and points to local views."""

    page_size = c.Type(int, default=500)
    """Most rows on one page of a dashboard list (features, risks, decisions …); longer lists continue
    on numbered pages, so that no page grows without bound as the portfolio grows."""

    max_file_bytes = c.Type(int, default=5 * 1024 * 1024)
    """Files larger than this are skipped with an ``unreadable-file`` diagnostic."""

    sanitize_artifacts = c.Type(bool, default=True)
    """Pass the HTML of published spec.md, research.md … pages through an allowlist sanitizer,
    so that a script or event handler written in a plan's prose never runs in a reader's browser."""

    compare_to = c.Optional(Baseline())
    """A git ref (``main``, ``v1.4``, ``HEAD~10``), a date (``2026-11-01``) or an age (``7 days``) to
    compare the plans with: the portal gains a "Changes since" page and the dashboards mark what is
    new or changed since it. A date or an age means the last commit of the current branch at or
    before it (a ref of the same name wins). A baseline that cannot be read is a warning, and the
    page says why."""
