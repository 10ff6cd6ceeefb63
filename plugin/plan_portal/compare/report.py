"""A comparison as Markdown for a pull-request comment, or as JSON for other tools."""

from __future__ import annotations

import html
import json
import re

from plan_portal.compare.changes import KINDS, Change, Comparison
from plan_portal.diagnostics import printable

_HEADINGS = {"feature": "Features", "gate": "Gates", "risk": "Risks", "decision": "Decisions",
             "diagnostic": "Diagnostics"}


def _one_line(text: str) -> str:
    """Spaces, tabs and line ends run together as one space; any other control is escaped visibly."""
    return " ".join(printable(text, keep=" \t\n\r").split())


def markdown_cell(text: str) -> str:
    """Plan text made safe for a GitHub Markdown table cell: one line, no HTML, no column breaks."""
    one_line = _one_line(text)
    return html.escape(one_line.replace("\\", "\\\\").replace("|", "\\|"), quote=False)


def markdown_code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    text = _one_line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(comparison: Comparison) -> str:
    """One line of counts, e.g. ``1 feature added · 2 gates changed (1 now FAIL) · 1 risk added``."""
    parts = []
    counts = comparison.counts()  # in report order
    for kind in KINDS:
        actions = [(action, n) for (k, action), n in counts.items() if k == kind]
        if not actions:
            continue
        first, *rest = actions
        text = ", ".join([f"{_plural(first[1], kind)} {first[0]}", *(f"{n} {action}" for action, n in rest)])
        if kind == "gate":
            failing = sum(1 for c in comparison.of("gate") if c.after == "FAIL")
            text += f" ({failing} now FAIL)" if failing else ""
        parts.append(text)
    return " · ".join(parts) if parts else "no changes"


def direction_summary(comparison: Comparison) -> str:
    """``3 worse, 1 better``: how many changes are regressions and improvements ("" when none is either)."""
    found = comparison.directions()
    return ", ".join(f"{n} {direction}" for direction, n in found.items() if n)


def _before_after(change: Change) -> str:
    return f"{markdown_cell(change.before) or '—'} → {markdown_cell(change.after) or '—'}"


def _action(change: Change) -> str:
    return f"{change.action} · {change.direction}" if change.direction else change.action


def _table(kind: str, changes: list[Change]) -> list[str]:
    if kind == "diagnostic":
        lines = ["| Change | Severity | Code | Where | Message |", "|---|---|---|---|---|"]
        lines += [f"| {_action(c)} | {markdown_cell(c.after or c.before)} | {markdown_cell(c.record)} | "
                  f"{markdown_cell(c.where)} | {markdown_cell(c.title)} |" for c in changes]
    elif kind == "feature":
        lines = ["| Change | Feature | Title | Before → after |", "|---|---|---|---|"]
        lines += [f"| {_action(c)} | {markdown_cell(c.feature)} | {markdown_cell(c.title)} | {_before_after(c)} |"
                  for c in changes]
    else:
        lines = ["| Change | Feature | ID | Title | Before → after |", "|---|---|---|---|---|"]
        lines += [f"| {_action(c)} | {markdown_cell(c.feature)} | {markdown_cell(c.record)} | "
                  f"{markdown_cell(c.title)} | {_before_after(c)} |" for c in changes]
    return lines


def markdown_report(comparison: Comparison) -> str:
    """A headline with counts, then a table per kind of change that has any."""
    lines = [f"## Plan changes: {markdown_code(comparison.base)} → {markdown_code(comparison.head)}", ""]
    for side, revision in (("Baseline", comparison.base_revision), ("Head", comparison.head_revision)):
        if revision is not None and revision.kind != "ref":
            lines += [f"{side}: commit {markdown_code(revision.short)} of {revision.when}, "
                      f"\"{markdown_cell(revision.subject)}\": the last commit on the current branch at or before "
                      f"{revision.moment_text}.", ""]
    if comparison.problem:
        return "\n".join([*lines, f"The baseline could not be read: {markdown_cell(comparison.problem)}", ""])
    directions = direction_summary(comparison)
    lines += [f"**{summary(comparison)}**" + (f" ({directions})" if directions else ""), ""]
    for kind in KINDS:
        changes = comparison.of(kind)
        if changes:
            lines += [f"### {_HEADINGS[kind]} ({len(changes)})", "", *_table(kind, changes), ""]
    return "\n".join(lines)


def json_report(comparison: Comparison) -> str:
    return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
