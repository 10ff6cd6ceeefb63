"""Compare two revisions of the portfolio: after check, before render (which marks what changed).

``revision`` reads a baseline (a git ref or an export file), ``changes`` lists what differs,
``report`` writes the list as Markdown or JSON.
"""

from plan_portal.compare.changes import Change, Comparison, compare
from plan_portal.compare.revision import BaselineCache, RevisionError, export_at_commit, load_export, resolve_commit

__all__ = ["BaselineCache", "Change", "Comparison", "RevisionError", "compare", "export_at_commit", "load_export",
           "resolve_commit"]
