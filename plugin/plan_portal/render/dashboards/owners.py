"""Owners: who owns what across features, a page per owner, and the records nobody owns.

The index counts each owner's gates, risks, decisions and open follow-ups; each owner's page (kept
out of the navigation, reached from the index and from owner links on the dashboards) lists them,
what needs action first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from plan_portal.checked import Owner
from plan_portal.model.records import Decision, Feature, Gate, Risk
from plan_portal.model.status import DECISION_STATUSES
from plan_portal.render import views
from plan_portal.render.context import Renderer

#: The page of records flagged "no owner" (no owner's slug can be this: "no owner" names nobody).
NO_OWNER = "no-owner"
#: Sections of an owner's page, in order, with their headings.
SECTIONS = (("gates", "Gates"), ("risks", "Risks"), ("decisions", "Decisions"), ("follow_ups", "Open follow-ups"))
_GATE_ORDER = {status: index for index, status in enumerate(("fail", "pending", "unknown", "waived",
                                                               "not-applicable", "pass"))}
#: The features an owner's page names, of each readiness state.
LISTED_FEATURES = 20
_DECISION_ORDER = {status: index for index, status in enumerate(DECISION_STATUSES)}

Record = Gate | Risk | Decision


@dataclass(slots=True)
class OwnerRow:
    owner: Owner
    gates: Counter[str]
    risks: Counter[str]
    decisions: Counter[str]
    #: Gates not passing or not applicable, high and critical risks, decisions not yet accepted.
    to_act: int


def _records(r: Renderer) -> dict[str, tuple[Feature, Record]]:
    found: dict[str, tuple[Feature, Record]] = {}
    for f in r.features:
        records: list[Record] = [*f.gates, *f.risks, *f.decisions]
        for record in records:
            found.setdefault(record.id, (f, record))
    return found


def _to_act(record: Record) -> bool:
    if isinstance(record, Gate):
        return record.status in ("fail", "pending", "unknown")
    if isinstance(record, Risk):
        return record.level in ("high", "critical") or not record.mitigation.strip()
    return record.status in ("proposed", "in-review", "unknown")


def owner_rows(r: Renderer, records: dict[str, tuple[Feature, Record]]) -> list[OwnerRow]:
    rows = []
    for owner in r.checked.owners.values():
        gates = [records[i][1] for i in owner.gates if i in records]
        risks = [records[i][1] for i in owner.risks if i in records]
        decisions = [records[i][1] for i in owner.decisions if i in records]
        rows.append(OwnerRow(owner, Counter(g.status for g in gates if isinstance(g, Gate)),
                             Counter(x.level for x in risks if isinstance(x, Risk)),
                             Counter(d.status for d in decisions if isinstance(d, Decision)),
                             sum(1 for x in (*gates, *risks, *decisions) if _to_act(x))))
    rows.sort(key=lambda row: (row.owner.name.casefold(), row.owner.key))
    return rows


def _ordered(kind: str, ids: tuple[str, ...] | list[str], records: dict[str, tuple[Feature, Record]]
             ) -> list[tuple[str, Feature, Record]]:
    """An owner's records of one kind, what needs action first, then in feature order."""
    found = [(kind, *records[i]) for i in ids if i in records]
    if kind == "gates":
        found.sort(key=lambda e: _GATE_ORDER.get(getattr(e[2], "status", ""), 2))
    elif kind == "risks":
        found.sort(key=lambda e: views.risk_sort_key(e[2]) if isinstance(e[2], Risk) else (0, 0, 0, ""))
    elif kind in ("decisions", "follow_ups"):
        found.sort(key=lambda e: _DECISION_ORDER.get(getattr(e[2], "status", ""), 0))
    return found


def render(r: Renderer, src: str) -> list[tuple[str, str]]:
    records = _records(r)
    rows = owner_rows(r, records)
    unowned = Counter(kind for kind in ("gates", "risks", "decisions") for record_id in r.checked.unowned
                      if record_id in records and _kind(records[record_id][1]) == kind)
    features = len({f for owner in r.checked.owners.values() for f in owner.features})
    unowned_features = len({records[i][0].id for i in r.checked.unowned if i in records})
    return [(page_src, r.render("owners.html", page_src, rows=pager.rows(rows), unowned_counts=unowned,
                                no_owner_url=r.layout.url(r.layout.src(f"owners/{NO_OWNER}.md")),
                                owned_features=features, unowned_features=unowned_features, pager=pager))
            for page_src, pager in r.pages(src, len(rows))]


def _kind(record: Record) -> str:
    return "gates" if isinstance(record, Gate) else "risks" if isinstance(record, Risk) else "decisions"


def _pages(r: Renderer, src: str, entries: list[tuple[str, Feature, Record]], title: str, owner: Owner | None
           ) -> list[tuple[str, str, str]]:
    stem = src.removesuffix(".md")
    pages = views.paginate(lambda count: [src] + [f"{stem}/{n}.md" for n in range(2, count + 1)], r.layout.url,
                           len(entries), r.options.page_size)
    totals = Counter(kind for kind, _, _ in entries)
    feature_states: dict[str, list[str]] = {}
    for feature in owner.features if owner is not None else ():
        feature_states.setdefault(r.checked.readiness_of(feature).state, []).append(feature)
    rendered = []
    for page_src, pager in pages:
        groups = [(kind, [(f, record) for _, f, record in items])
                  for kind, items in groupby(pager.rows(entries), key=itemgetter(0))]
        page_title = title if pager.number == 1 else f"{title} (page {pager.number})"
        rendered.append((page_src, page_title, r.render(
            "owner.html", page_src, owner=owner, page_title=page_title, groups=groups, totals=totals,
            sections=dict(SECTIONS), by_id=r.by_id, feature_states=feature_states, listed=LISTED_FEATURES,
            pager=pager)))
    return rendered


def owner_pages(r: Renderer) -> list[tuple[str, str, str]]:
    """A page per owner, then the page of records with no owner: (source path, title, Markdown)."""
    records = _records(r)
    pages: list[tuple[str, str, str]] = []
    for key, owner in r.checked.owners.items():
        entries = [e for kind, _ in SECTIONS for e in _ordered(kind, getattr(owner, kind), records)]
        pages += _pages(r, r.owner_srcs[key], entries, f"Owner: {owner.name}", owner)
    unowned = [record_id for f in r.features for record_id in (*(g.id for g in f.gates), *(x.id for x in f.risks),
                                                               *(d.id for d in f.decisions))
               if record_id in r.checked.unowned]
    entries = [e for kind in ("risks", "gates", "decisions")
               for e in _ordered(kind, [i for i in unowned if i in records and _kind(records[i][1]) == kind], records)]
    pages += _pages(r, r.layout.src(f"owners/{NO_OWNER}.md"), entries, "No owner", None)
    return pages
