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
from collections.abc import Iterable, Sequence
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


#: The counts of each feature's records that the features table has.
COUNT_COLUMNS = ("gates", "failing_gates", "risks", "high_risks", "decisions", "open_research", "clarifications")


def record_counts(document: dict[str, Any]) -> dict[str, Counter[str]]:
    """Feature id → the counts of ``COUNT_COLUMNS`` of the records of ``document`` (or a feature's part of it)."""
    counts: dict[str, Counter[str]] = {}
    for gate in document["gates"]:
        counts.setdefault(gate["feature"], Counter()).update(
            ["gates"] + (["failing_gates"] if gate["status"] == "fail" else []))
    for risk in document["risks"]:
        counts.setdefault(risk["feature"], Counter()).update(
            ["risks"] + (["high_risks"] if risk["level"] in ("high", "critical") else []))
    for decision in document["decisions"]:
        counts.setdefault(decision["feature"], Counter())["decisions"] += 1
    for item in document["research"]:
        counts.setdefault(item["feature"], Counter())["open_research"] += 0 if item["done"] else 1
    for item in document["clarifications"]:
        counts.setdefault(item["feature"], Counter())["clarifications"] += 1
    return counts


def feature_row(feature: dict[str, Any], counts: Counter[str]) -> list[str | int]:
    """A feature's row of the features table: its facts and ``counts`` of its records."""
    tasks = feature["tasks"] or {}
    spec = feature["spec"] or {}
    row = {**{key: feature[key] for key in FEATURE_COLUMNS if key in feature},
           "spec_status": spec.get("status", ""), "tasks_done": tasks.get("done", ""),
           "tasks_total": tasks.get("total", ""), **{key: counts[key] for key in COUNT_COLUMNS}}
    return [_cell(row[column]) for column in FEATURE_COLUMNS]


def owner_row(row: dict[str, Any]) -> list[str | int]:
    """An owner's row of the owners table, from ``export.owner_rows``."""
    counted = {**row, **{f"{key[:-1]}_count": len(row[key]) for key in
                         ("gates", "failing_gates", "risks", "high_risks", "decisions")}}
    return [_cell(counted[column]) for column in OWNER_COLUMNS]


def extra_keys(records: Iterable[dict[str, Any]]) -> list[str]:
    """The keys of the records' extra columns, sorted: each is a column of their table."""
    return sorted({key for record in records for key in record.get("extra", {})})


def record_row(base: list[str], extra: Iterable[str], record: dict[str, Any]) -> list[str | int]:
    """A record's row of its table: its ``base`` columns, then its value of each ``extra`` column."""
    flat = {**record, "source_path": record["source"]["path"], "source_line": record["source"]["line"]}
    return [_cell(flat[column]) for column in base] + [_cell(record.get("extra", {}).get(key, "")) for key in extra]


def header(name: str, extra: Iterable[str] = ()) -> list[str]:
    """The table's header row: its base columns, then ``extra: <key>`` for each extra column."""
    return [*base_columns(name), *(EXTRA_PREFIX + key for key in extra)]


def rows(name: str, document: dict[str, Any]) -> tuple[list[str], list[list[str | int]]]:
    """The header and the rows of one table of an exported document, in the document's order."""
    if name not in CSV_TABLES:
        raise ValueError(f"unknown table {name!r}: use one of {', '.join(CSV_TABLES)}")
    if name == "features":
        counts = record_counts(document)
        return header(name), [feature_row(feature, counts.get(feature["id"], Counter()))
                              for feature in document["features"]]
    if name == "owners":
        return header(name), [owner_row(row) for row in table("owners", document)]
    records = table(name, document)
    base, extra = base_columns(name), extra_keys(records)
    return header(name, extra), [record_row(base, extra, record) for record in records]


def csv_lines(rows: Iterable[Sequence[str | int]]) -> list[str]:
    """Each row as ``export_csv`` writes it: a line of RFC 4180 CSV, ending in CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    lines = []
    for row in rows:
        writer.writerow(row)
        lines.append(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    return lines


def export_csv(name: str, document: dict[str, Any]) -> str:
    """RFC 4180 CSV of one table: a header row, one row per record, CRLF line ends.

    Write the result with ``newline=""`` (or as bytes) so line ends are not translated again.
    """
    head, body = rows(name, document)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows(body)
    return buffer.getvalue()
