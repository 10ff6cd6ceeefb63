"""Marks for what changed since the baseline (``compare_to``), shown on dashboard rows and cells."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from plan_portal.compare import Change, Comparison

_LABELS = {"added": "new", "changed": "changed", "re-rated": "re-rated", "closed": "closed"}
#: A feature's mark lists at most this many of its records' changes in its tooltip.
_NOTE_LIMIT = 5


@dataclass(frozen=True, slots=True)
class Mark:
    #: new | changed | re-rated | closed
    label: str
    #: The tooltip: since when, and what it was before.
    note: str


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
            marks[change.key] = Mark(label, f"{label} {since}: {detail}" if detail else f"{label} {since}")
    for feature, changes in by_feature.items():
        notes = [f"{c.kind} {c.record} {describe(c)}" for c in changes[:_NOTE_LIMIT]]
        if len(changes) > _NOTE_LIMIT:
            notes.append(f"{len(changes) - _NOTE_LIMIT} more")
        marks.setdefault(feature, Mark("changed", f"changed {since}: " + "; ".join(notes)))
    return marks
