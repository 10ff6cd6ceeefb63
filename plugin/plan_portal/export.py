"""The portfolio as one JSON document: sorted and stable, the same input gives the same bytes."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any

from plan_portal.checked import CheckedPortfolio, Readiness
from plan_portal.diagnostics import Diagnostic
from plan_portal.model.records import Amendment, Constitution, Feature

SCHEMA = "plan-portal/1"
_TOP_LEVEL = ("gates", "risks", "decisions", "research", "clarifications")
#: Traceability records: top-level key → the Feature field that holds them.
TRACE_TABLES = {"requirements": "requirements", "tasks": "task_items", "checklist_items": "checklist_items"}


def _record_key(record: dict[str, Any]) -> tuple[str, str, int, str]:
    source = record.get("source") or {}
    return (record.get("feature", ""), source.get("path", ""), source.get("line", 0), record.get("id", ""))


_LISTED_APART = (*_TOP_LEVEL, *TRACE_TABLES.values(), "diagnostics", "published")


def _feature(feature: Feature) -> dict[str, Any]:
    """The feature's own fields; its records are listed apart (converting them here only to drop
    them was half the export's time)."""
    emptied: dict[str, Any] = {key: [] for key in _LISTED_APART}
    data = dataclasses.asdict(dataclasses.replace(feature, **emptied))
    for key in _LISTED_APART:
        data.pop(key)
    return data


def _amendment(amendment: Amendment) -> dict[str, Any]:
    return dataclasses.asdict(amendment)


def _constitution(constitution: Constitution | None) -> dict[str, Any] | None:
    """The constitution without its principles' text (the page publishes it): ids, names, where."""
    if constitution is None:
        return None
    return {
        "path": constitution.path, "title": constitution.title, "version": constitution.version,
        "ratified": constitution.ratified, "amended": constitution.amended, "unfilled": constitution.unfilled,
        "principles": [{"id": p.id, "name": p.name, "non_negotiable": p.non_negotiable,
                        "source": dataclasses.asdict(p.source)} for p in constitution.principles],
        "amendment": _amendment(constitution.amendments[0]) if constitution.amendments else None,
        "amendments": [_amendment(a) for a in constitution.amendments],
    }


def export_document(checked: CheckedPortfolio) -> dict[str, Any]:
    features = sorted(checked.portfolio.features, key=lambda f: (f.id, f.path))
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "features": [_feature(f) for f in features],
        "edges": sorted(
            (dataclasses.asdict(e) for e in checked.edges),
            key=lambda e: (e["source"], e["target"], e["type"], e["citation"]["path"], e["citation"]["line"]),
        ),
        "diagnostics": [d.to_dict() for d in sorted(checked.diagnostics, key=Diagnostic.sort_key)],
        "constitution": _constitution(checked.portfolio.constitution),
    }
    for key, attribute in (*((k, k) for k in _TOP_LEVEL), *TRACE_TABLES.items()):
        records = [dataclasses.asdict(r) for f in features for r in getattr(f, attribute)]
        document[key] = sorted(records, key=_record_key)
    _add_readiness_and_owners(document, checked)
    return document


def _readiness(readiness: Readiness) -> dict[str, Any]:
    data = dataclasses.asdict(readiness)
    data["label"] = readiness.label
    return data


def _add_readiness_and_owners(document: dict[str, Any], checked: CheckedPortfolio) -> None:
    """Each feature's ``readiness`` (state, label, reasons, the status it states); ``owners`` (by key,
    with the ids of what they own) and ``unowned`` (ids of records flagged "no owner")."""
    for feature in document["features"]:
        feature["readiness"] = _readiness(checked.readiness_of(feature["id"]))
    document["owners"] = [dataclasses.asdict(owner) for _, owner in sorted(checked.owners.items())]
    document["unowned"] = sorted(checked.unowned)


def export_json(checked: CheckedPortfolio) -> str:
    return document_json(export_document(checked))


def document_json(document: dict[str, Any], compact: bool = False) -> str:
    """An export document as JSON text: sorted keys, two-space indents (or, ``compact``, none: the
    site's downloads, which json writes in C at a third of the memory), a final newline."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


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


def owner_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per owner named by a gate, a risk or a decision (an Owner column): what they own.

    Owners are grouped by ``owner_key`` and shown in their most common spelling (ties: the first
    in sorted order); ``spellings`` lists every spelling. Sorted by owner.
    """
    groups: dict[str, dict[str, Any]] = {}
    for kind in ("gates", "risks", "decisions"):
        for record in document[kind]:
            for name in _owners_of(kind, record):
                group = groups.setdefault(owner_key(name), {
                    "spellings": Counter(), "features": set(), "gates": [], "risks": [], "decisions": [],
                    "failing_gates": [], "high_risks": []})
                group["spellings"][name] += 1
                group["features"].add(record["feature"])
                group[kind].append(record["id"])
                if kind == "gates" and record["status"] == "fail":
                    group["failing_gates"].append(record["id"])
                if kind == "risks" and record["level"] in _HIGH_LEVELS:
                    group["high_risks"].append(record["id"])
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
