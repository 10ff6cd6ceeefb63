"""Marks for what changed since the baseline (``compare_to``), shown on dashboard rows and cells."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from plan_portal.compare import Change, Comparison
from plan_portal.compare.moments import is_age

_LABELS = {"added": "new", "changed": "changed", "re-rated": "re-rated", "closed": "closed"}
#: A feature's mark lists at most this many of its records' changes in its tooltip.
_NOTE_LIMIT = 5
_DIRECTION_ORDER = {"worse": 0, "better": 1}


@dataclass(frozen=True, slots=True)
class Mark:
    #: new | changed | re-rated | closed
    label: str
    #: The tooltip: since when, and what it was before.
    note: str
    #: worse | better | "" (see Change.direction); a feature's is worse when any of its records got
    #: worse, else better when any got better.
    direction: str = ""


def page_title(comparison: Comparison) -> str:
    """``Changes since main``, ``Changes since 2026-11-01``, ``Changes since 7 days ago``."""
    since = comparison.base
    revision = comparison.base_revision
    age = revision.kind == "age" if revision is not None else is_age(since)
    if age and not since.lower().rstrip().endswith("ago"):
        since += " ago"
    return f"Changes since {since}"


def describe(change: Change) -> str:
    """``PASS → FAIL``, ``new: low×high (medium)``, ``removed`` … for a tooltip or a table cell."""
    if change.before and change.after:
        return f"{change.before} → {change.after}"
    if change.present:
        return f"new: {change.after}" if change.after else "new"
    return f"removed (was {change.before})" if change.before else "removed"


def change_marks(comparison: Comparison) -> dict[str, Mark]:
    """Marks by feature id and record id, for what exists in this build.

    A record has its own change; a feature is ``new``, or ``changed`` when any of its records
    changed (its tooltip lists what).
    """
    since = f"since {comparison.base}"
    marks: dict[str, Mark] = {}
    by_feature: dict[str, list[Change]] = defaultdict(list)
    for change in comparison.changes:
        if change.kind == "diagnostic":
            continue
        if change.kind != "feature":
            by_feature[change.feature].append(change)
        if change.present:
            detail = f"{change.before} → {change.after}" if change.before and change.after else change.after
            label = _LABELS[change.action]
            heading = f"{label} {since}" + (f" ({change.direction})" if change.direction else "")
            marks[change.key] = Mark(label, f"{heading}: {detail}" if detail else heading, change.direction)
    for feature, changes in by_feature.items():
        changes.sort(key=lambda c: _DIRECTION_ORDER.get(c.direction, 2))  # stable: worse first, then better
        notes = [f"{c.kind} {c.record} {describe(c)}" + (f" ({c.direction})" if c.direction else "")
                 for c in changes[:_NOTE_LIMIT]]
        if len(changes) > _NOTE_LIMIT:
            notes.append(f"{len(changes) - _NOTE_LIMIT} more")
        directions = {c.direction for c in changes}
        direction = "worse" if "worse" in directions else "better" if "better" in directions else ""
        marks.setdefault(feature, Mark("changed", f"changed {since}: " + "; ".join(notes), direction))
    return marks
