"""The portfolio as one JSON document: sorted and stable, the same input gives the same bytes."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from plan_portal.checked import CheckedPortfolio, Readiness
from plan_portal.diagnostics import Diagnostic
from plan_portal.model.records import Amendment, Constitution, Feature

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

SCHEMA = "plan-portal/1"
_TOP_LEVEL = ("gates", "risks", "decisions", "research", "clarifications")
#: Traceability records: top-level key → the Feature field that holds them.
TRACE_TABLES = {"requirements": "requirements", "tasks": "task_items", "checklist_items": "checklist_items"}


#: Values the model's records hold that are immutable: ``plain`` shares them instead of copying.
_SCALARS = frozenset({str, int, float, bool, type(None)})
#: Each record class's field names, looked up once.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(record: DataclassInstance) -> dict[str, Any]:
    """``dataclasses.asdict(record)``, in less than half its time: the same dicts, lists, tuples
    and values, but strings and numbers are shared rather than passed through ``copy.deepcopy``
    one by one (the downloads convert every gate, risk and decision)."""
    names = _FIELD_NAMES.get(type(record))
    if names is None:
        names = _FIELD_NAMES[type(record)] = tuple(field.name for field in dataclasses.fields(record))
    return {name: _plain_value(getattr(record, name)) for name in names}


def _plain_value(value: object) -> object:
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(value)
    if isinstance(value, list):
        return [_plain_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain_value(item) for item in value)
    if isinstance(value, dict):
        return {_plain_value(key): _plain_value(item) for key, item in value.items()}
    return copy.deepcopy(value)


def record_key(record: dict[str, Any]) -> tuple[str, str, int, str]:
    """Where a record is listed in its table: by feature, file, line and id."""
    source = record.get("source") or {}
    return (record.get("feature", ""), source.get("path", ""), source.get("line", 0), record.get("id", ""))


_LISTED_APART = (*_TOP_LEVEL, *TRACE_TABLES.values(), "diagnostics", "published")


def _feature(feature: Feature) -> dict[str, Any]:
    """The feature's own fields; its records are listed apart (converting them here only to drop
    them was half the export's time)."""
    return {field.name: _plain_value(getattr(feature, field.name)) for field in dataclasses.fields(feature)
            if field.name not in _LISTED_APART}


def _amendment(amendment: Amendment) -> dict[str, Any]:
    return plain(amendment)


def _constitution(constitution: Constitution | None) -> dict[str, Any] | None:
    """The constitution without its principles' text (the page publishes it): ids, names, where."""
    if constitution is None:
        return None
    return {
        "path": constitution.path, "title": constitution.title, "version": constitution.version,
        "ratified": constitution.ratified, "amended": constitution.amended, "unfilled": constitution.unfilled,
        "principles": [{"id": p.id, "name": p.name, "non_negotiable": p.non_negotiable,
                        "source": plain(p.source)} for p in constitution.principles],
        "amendment": _amendment(constitution.amendments[0]) if constitution.amendments else None,
        "amendments": [_amendment(a) for a in constitution.amendments],
    }


#: Every table of records: top-level key → the Feature field that holds them.
_RECORD_TABLES = {**{key: key for key in _TOP_LEVEL}, **TRACE_TABLES}
#: The records the downloads' tables (``TABLES``) are drawn from, see ``tables_document``.
TABLE_RECORDS = ("gates", "risks", "decisions", "research", "clarifications")


def feature_export(feature: Feature, readiness: Readiness, keys: Iterable[str] = _RECORD_TABLES) -> dict[str, Any]:
    """One feature's part of an export document: ``feature``, its own fields with its readiness, and
    its records under each of ``keys``. It depends on nothing else, so ``mkdocs serve`` keeps it
    for a feature that did not change (see render.reuse)."""
    data = _feature(feature)
    data["readiness"] = _readiness(readiness)
    return {"feature": data, **{key: [plain(r) for r in getattr(feature, _RECORD_TABLES[key])]
                                for key in keys}}


def feature_parts(checked: CheckedPortfolio,
                  part: Callable[[Feature, Readiness], dict[str, Any]]) -> list[dict[str, Any]]:
    """Each feature's part of an export document, made by ``part``, in the document's feature order."""
    features = sorted(checked.portfolio.features, key=lambda f: (f.id, f.path))
    return [part(f, checked.readiness_of(f.id)) for f in features]


def _assemble(checked: CheckedPortfolio, keys: Iterable[str],
              part: Callable[[Feature, Readiness], dict[str, Any]]) -> dict[str, Any]:
    """The features and their records of ``keys``, each feature's part made by ``part``."""
    keys = tuple(keys)
    parts = feature_parts(checked, part)
    document: dict[str, Any] = {"features": [p["feature"] for p in parts]}
    for key in keys:
        document[key] = sorted((record for p in parts for record in p[key]), key=record_key)
    return document


def export_document(checked: CheckedPortfolio) -> dict[str, Any]:
    document = _assemble(checked, _RECORD_TABLES, feature_export)
    document.update({
        "schema": SCHEMA,
        "edges": sorted(
            (plain(e) for e in checked.edges),
            key=lambda e: (e["source"], e["target"], e["type"], e["citation"]["path"], e["citation"]["line"]),
        ),
        "diagnostics": [d.to_dict() for d in sorted(checked.diagnostics, key=Diagnostic.sort_key)],
        "constitution": _constitution(checked.portfolio.constitution),
        "owners": [plain(owner) for _, owner in sorted(checked.owners.items())],
        "unowned": sorted(checked.unowned),
    })
    return document


def tables_document(checked: CheckedPortfolio,
                    part: Callable[[Feature, Readiness], dict[str, Any]] | None = None) -> dict[str, Any]:
    """What ``table`` needs of ``export_document`` to draw each of ``TABLES``, and only that: the
    features and their records of ``TABLE_RECORDS``, the same as the whole document's. ``part``
    makes a feature's part (``feature_export`` with ``TABLE_RECORDS``, or a kept one)."""
    return _assemble(checked, TABLE_RECORDS, part or (lambda f, r: feature_export(f, r, TABLE_RECORDS)))


def _readiness(readiness: Readiness) -> dict[str, Any]:
    data = plain(readiness)
    data["label"] = readiness.label
    return data


def export_json(checked: CheckedPortfolio) -> str:
    return document_json(export_document(checked))


def document_json(document: dict[str, Any], compact: bool = False) -> str:
    """An export document as JSON text: sorted keys, two-space indents (or, ``compact``, none: the
    site's downloads, which json writes in C at a third of the memory), a final newline."""
    if compact:
        return compact_json(document) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def compact_json(value: object) -> str:
    """A value as the downloads write it: sorted keys, no spaces. A list so written is ``[`` its
    items so written, joined by ``,``, then ``]``: what ``table_json_of`` joins."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


#: The tables the portal publishes as downloads (CSV and JSON) and ``export --format csv --table`` writes.
TABLES = ("features", "gates", "risks", "decisions", "technology", "owners")
#: Tables ``export --format csv`` writes: the dashboards' and the traceability records.
CSV_TABLES = (*TABLES, *TRACE_TABLES)
#: Extra columns of a decision table that name its owner.
DECISION_OWNER_COLUMNS = frozenset({"owner", "owners", "decider", "deciders", "decided by", "decision owner"})
_HIGH_LEVELS = frozenset({"high", "critical"})


def owner_key(name: str) -> str:
    """How owners are grouped: ``Platform lead`` and `` platform  Lead`` are one owner."""
    return " ".join(name.split()).casefold()


def _owners_of(kind: str, record: dict[str, Any]) -> list[str]:
    if kind == "decisions":
        names = [value for key, value in record["extra"].items() if owner_key(key) in DECISION_OWNER_COLUMNS]
    else:
        names = [record["owner"]]
    return [" ".join(name.split()) for name in names if any(character.isalnum() for character in name)]


#: A record's owner as ``owner_rows`` counts it: (spelling, feature, table, record id, whether it is a
#: failing gate or a high risk).
OwnerMention = tuple[str, str, str, str, bool]


def owner_mentions(document: dict[str, Any]) -> list[OwnerMention]:
    """Every owner that the gates, risks and decisions of ``document`` (or a feature's part of it) name."""
    return [(name, record["feature"], kind, record["id"],
             (kind == "gates" and record["status"] == "fail") or (kind == "risks" and record["level"] in _HIGH_LEVELS))
            for kind in ("gates", "risks", "decisions") for record in document[kind]
            for name in _owners_of(kind, record)]


def owner_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per owner named by a gate, a risk or a decision (an Owner column): what they own.

    Owners are grouped by ``owner_key`` and shown in their most common spelling (ties: the first
    in sorted order); ``spellings`` lists every spelling. Sorted by owner.
    """
    return owner_rows_of(owner_mentions(document))


def owner_rows_of(mentions: Iterable[OwnerMention]) -> list[dict[str, Any]]:
    """``owner_rows`` from the owners the records name, in any order."""
    groups: dict[str, dict[str, Any]] = {}
    for name, feature, kind, record, flagged in mentions:
        group = groups.setdefault(owner_key(name), {
            "spellings": Counter(), "features": set(), "gates": [], "risks": [], "decisions": [],
            "failing_gates": [], "high_risks": []})
        group["spellings"][name] += 1
        group["features"].add(feature)
        group[kind].append(record)
        if flagged:
            group["failing_gates" if kind == "gates" else "high_risks"].append(record)
    rows = []
    for group in groups.values():
        spellings: Counter[str] = group.pop("spellings")
        owner = min(spellings, key=lambda s: (-spellings[s], s))
        rows.append({"owner": owner, "spellings": sorted(spellings), "features": sorted(group.pop("features")),
                     **{key: sorted(ids) for key, ids in group.items()}})
    return sorted(rows, key=lambda row: (owner_key(row["owner"]), row["owner"]))


def technology_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every feature's Technical Context entries, one row each, in feature order."""
    return [{"feature": feature["id"], **entry} for feature in document["features"]
            for entry in feature["technical_context"]]


def table(name: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    """One of ``TABLES`` from an export document: the document's own list for features, gates,
    risks and decisions; technology and owners drawn from it."""
    if name == "technology":
        return technology_rows(document)
    if name == "owners":
        return owner_rows(document)
    if name not in CSV_TABLES:
        raise ValueError(f"unknown table {name!r}: use one of {', '.join(CSV_TABLES)}")
    rows: list[dict[str, Any]] = document[name]
    return rows


def table_json(name: str, document: dict[str, Any]) -> str:
    """A table as a compact JSON document, ``{"schema": …, "<name>": [rows]}``, sorted and stable."""
    return document_json({"schema": SCHEMA, name: table(name, document)}, compact=True)


def table_json_of(name: str, rows: Iterable[str]) -> str:
    """``table_json`` from its rows, each written by ``compact_json``, in order."""
    members = sorted([("schema", compact_json(SCHEMA)), (name, "[" + ",".join(rows) + "]")])
    return "{" + ",".join(f"{compact_json(key)}:{value}" for key, value in members) + "}\n"


def part_document(part: dict[str, Any]) -> dict[str, Any]:
    """A feature's part (``feature_export``) as a document of that feature alone, for ``table``."""
    return {**part, "features": [part["feature"]]}
