"""The portfolio as one JSON document: sorted and stable, the same input gives the same bytes."""

from __future__ import annotations

import dataclasses
import json
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


def _feature(feature: Feature) -> dict[str, Any]:
    data = dataclasses.asdict(feature)
    for key in (*_TOP_LEVEL, *TRACE_TABLES.values(), "diagnostics", "published"):
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
    document = export_document(checked)
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
