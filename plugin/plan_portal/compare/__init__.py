"""Compare two revisions of the portfolio: after check, before render (which marks what changed).

``revision`` reads a baseline (a git ref or an export file), ``changes`` lists what differs,
``report`` writes the list as Markdown or JSON. Only the changes are imported here, so that the
render stage can show them without importing the pipeline that ``revision`` runs.
"""

from plan_portal.compare.changes import Change, Comparison, Revision, compare

__all__ = ["Change", "Comparison", "Revision", "compare"]
