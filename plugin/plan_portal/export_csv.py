"""One table of the JSON export as CSV, for review in a spreadsheet.

Rows and values come from :func:`plan_portal.export.export_document` (and its ``table``), so CSV
and JSON always agree. Record tables (gates, risks, decisions, technology): the leading columns of
each table, ``source_path`` and ``source_line``, the record's other fields in model order, then one
``extra: <header>`` column per extra plan-table column found, sorted. The features table has a
row per feature with its facts and counts; the owners table a row per owner with what they own.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (some after
dropping a leading tab or carriage return), so a cell that starts with any of these six gets a
leading apostrophe, as OWASP's CSV injection advice says: ``=HYPERLINK(…)`` is written
``'=HYPERLINK(…)`` and shows as text. Lists are joined with ``"; "``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from plan_portal.export import CSV_TABLES, table
from plan_portal.model.records import ChecklistItem, Decision, Gate, Requirement, Risk, Task, TechEntry

#: The record kind of each table of records.
RECORDS: dict[str, type[Gate | Risk | Decision | TechEntry | Requirement | Task | ChecklistItem]] = {
    "gates": Gate,
    "risks": Risk,
    "decisions": Decision,
    "technology": TechEntry,
    "requirements": Requirement,
    "tasks": Task,
    "checklist_items": ChecklistItem,
}
#: What a reviewer reads first in each table, after feature and id.
_LEADING: dict[str, tuple[str, ...]] = {
    "gates": ("feature", "id", "name", "status", "raw_status"),
    "risks": ("feature", "id", "description", "level", "probability", "raw_probability", "impact", "raw_impact"),
    "decisions": ("feature", "id", "title", "choice", "status", "raw_status"),
    "technology": ("feature", "category", "key", "value"),
    "requirements": ("feature", "id", "kind", "title", "text", "priority"),
    "tasks": ("feature", "id", "text", "done", "parallel", "story", "phase", "requirements"),
    "checklist_items": ("feature", "id", "checklist", "text", "checked", "requirements"),
}
#: The features table: facts of each feature, then counts of its records.
FEATURE_COLUMNS = ("id", "title", "path", "planning_status", "planning_state", "branch", "created",
                   "constitution_version", "generator_version", "has_plan", "depends_on", "spec_status",
                   "tasks_done", "tasks_total", "gates", "failing_gates", "risks", "high_risks", "decisions",
                   "open_research", "clarifications", "summary")
#: The owners table: each owner, what they own, and how much of it needs attention.
OWNER_COLUMNS = ("owner", "features", "gate_count", "failing_gate_count", "risk_count", "high_risk_count",
                 "decision_count", "gates", "failing_gates", "risks", "high_risks", "decisions", "spellings")
_SOURCE = ("source_path", "source_line")
EXTRA_PREFIX = "extra: "
#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def defuse(text: str) -> str:
    """The text with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: object) -> str | int:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return defuse(LIST_SEPARATOR.join(str(item) for item in value))
    if isinstance(value, str):
        return defuse(value)
    raise TypeError(f"no CSV cell for {type(value).__name__}")


def base_columns(name: str) -> list[str]:
    """The columns a table always has, in order: those before the extra columns."""
    if name == "features":
        return list(FEATURE_COLUMNS)
    if name == "owners":
        return list(OWNER_COLUMNS)
    leading = _LEADING[name]
    rest = [f.name for f in dataclasses.fields(RECORDS[name]) if f.name not in {*leading, "source", "extra"}]
    return [*leading, *_SOURCE, *rest]


def _feature_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    counts: dict[str, Counter[str]] = {f["id"]: Counter() for f in document["features"]}
    for gate in document["gates"]:
        counts[gate["feature"]].update(["gates"] + (["failing_gates"] if gate["status"] == "fail" else []))
    for risk in document["risks"]:
        counts[risk["feature"]].update(["risks"] + (["high_risks"] if risk["level"] in ("high", "critical") else []))
    for decision in document["decisions"]:
        counts[decision["feature"]]["decisions"] += 1
    for item in document["research"]:
        counts[item["feature"]]["open_research"] += 0 if item["done"] else 1
    for item in document["clarifications"]:
        counts[item["feature"]]["clarifications"] += 1
    rows = []
    for feature in document["features"]:
        tasks = feature["tasks"] or {}
        spec = feature["spec"] or {}
        rows.append({**{key: feature[key] for key in FEATURE_COLUMNS if key in feature},
                     "spec_status": spec.get("status", ""), "tasks_done": tasks.get("done", ""),
                     "tasks_total": tasks.get("total", ""),
                     **{key: counts[feature["id"]][key] for key in ("gates", "failing_gates", "risks", "high_risks",
                                                                    "decisions", "open_research", "clarifications")}})
    return rows


def _owner_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**row, **{f"{key[:-1]}_count": len(row[key]) for key in
                       ("gates", "failing_gates", "risks", "high_risks", "decisions")}}
            for row in table("owners", document)]


def _extra_keys(records: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({key for record in records for key in record.get("extra", {})})


def rows(name: str, document: dict[str, Any]) -> tuple[list[str], list[list[str | int]]]:
    """The header and the rows of one table of an exported document, in the document's order."""
    if name not in CSV_TABLES:
        raise ValueError(f"unknown table {name!r}: use one of {', '.join(CSV_TABLES)}")
    base = base_columns(name)
    if name in ("features", "owners"):
        computed = _feature_rows(document) if name == "features" else _owner_rows(document)
        return base, [[_cell(row[column]) for column in base] for row in computed]
    records = table(name, document)
    extra = _extra_keys(records)
    body: list[list[str | int]] = []
    for record in records:
        flat = {**record, "source_path": record["source"]["path"], "source_line": record["source"]["line"]}
        body.append([_cell(flat[column]) for column in base]
                    + [_cell(record.get("extra", {}).get(key, "")) for key in extra])
    return [*base, *(EXTRA_PREFIX + key for key in extra)], body


def export_csv(name: str, document: dict[str, Any]) -> str:
    """RFC 4180 CSV of one table: a header row, one row per record, CRLF line ends.

    Write the result with ``newline=""`` (or as bytes) so line ends are not translated again.
    """
    header, body = rows(name, document)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()
