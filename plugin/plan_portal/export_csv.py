"""One table of the JSON export (gates, risks, decisions, requirements, tasks or checklist items) as
CSV, for review in a spreadsheet.

Rows and values come from :func:`plan_portal.export.export_document`, so CSV and JSON always agree.
Columns: the leading columns of each table, ``source_path`` and ``source_line``, the record's other
fields in model order, then one ``extra: <header>`` column per extra plan-table column found, sorted.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (some after
dropping a leading tab or carriage return), so a cell that starts with any of these six gets a
leading apostrophe, as OWASP's CSV injection advice says: ``=HYPERLINK(…)`` is written
``'=HYPERLINK(…)`` and shows as text. Lists are joined with ``"; "``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable
from typing import Any

from plan_portal.model.records import ChecklistItem, Decision, Gate, Requirement, Risk, Task

#: The record kind of each table.
RECORDS: dict[str, type[Gate] | type[Risk] | type[Decision] | type[Requirement] | type[Task] | type[ChecklistItem]] = {
    "gates": Gate,
    "risks": Risk,
    "decisions": Decision,
    "requirements": Requirement,
    "tasks": Task,
    "checklist_items": ChecklistItem,
}
#: What a reviewer reads first in each table, after feature and id.
_LEADING: dict[str, tuple[str, ...]] = {
    "gates": ("name", "status", "raw_status"),
    "risks": ("description", "level", "probability", "raw_probability", "impact", "raw_impact"),
    "decisions": ("title", "choice", "status", "raw_status"),
    "requirements": ("kind", "title", "text", "priority"),
    "tasks": ("text", "done", "parallel", "story", "phase", "requirements"),
    "checklist_items": ("checklist", "text", "checked", "requirements"),
}
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


def base_columns(table: str) -> list[str]:
    """The columns a table always has, in order: those before the extra columns."""
    leading = ("feature", "id", *_LEADING[table])
    rest = [f.name for f in dataclasses.fields(RECORDS[table]) if f.name not in {*leading, "source", "extra"}]
    return [*leading, *_SOURCE, *rest]


def _extra_keys(records: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({key for record in records for key in record.get("extra", {})})


def rows(table: str, document: dict[str, Any]) -> tuple[list[str], list[list[str | int]]]:
    """The header and the rows of one table of an exported document, in the document's order."""
    if table not in RECORDS:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(RECORDS)}")
    records: list[dict[str, Any]] = document[table]
    base = base_columns(table)
    extra = _extra_keys(records)
    body: list[list[str | int]] = []
    for record in records:
        flat = {**record, "source_path": record["source"]["path"], "source_line": record["source"]["line"]}
        body.append([_cell(flat[name]) for name in base] + [_cell(record.get("extra", {}).get(key, ""))
                                                              for key in extra])
    return [*base, *(EXTRA_PREFIX + key for key in extra)], body


def export_csv(table: str, document: dict[str, Any]) -> str:
    """RFC 4180 CSV of one table: a header row, one row per record, CRLF line ends.

    Write the result with ``newline=""`` (or as bytes) so line ends are not translated again.
    """
    header, body = rows(table, document)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()
