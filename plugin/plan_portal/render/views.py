"""What the dashboards show, computed from the model: counts, matrices, the heat map, drift."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from plan_portal.link import LINK_TYPES, PortfolioGraph
from plan_portal.model.records import Decision, Edge, Feature, Gate, Risk, Source
from plan_portal.model.status import DECISION_STATUSES, LEVELS

T = TypeVar("T")

PHASES = (("pre-research", "Pre-research gate"), ("post-design", "Post-design gate"))
TECH_CATEGORIES = ("language", "frameworks", "storage", "testing", "target")
TECH_TITLES = {"language": "Language", "frameworks": "Frameworks", "storage": "Storage", "testing": "Testing",
               "target": "Target"}


@dataclass(slots=True)
class FeatureRow:
    feature: Feature
    gates: Counter[str]
    risks: Counter[str]
    decisions: Counter[str]
    open_research: int
    clarifications: int
    unmitigated: int


def feature_rows(features: list[Feature], unmitigated: frozenset[str]) -> list[FeatureRow]:
    """One row per feature; ``unmitigated`` holds the ids of FAIL gates nothing mitigates."""
    rows = []
    for f in features:
        rows.append(FeatureRow(
            f,
            Counter(g.status for g in f.gates),
            Counter(r.level for r in f.risks),
            Counter(d.status for d in f.decisions),
            sum(1 for r in f.research if not r.done),
            len(f.clarifications),
            sum(1 for g in f.gates if g.id in unmitigated),
        ))
    return rows


def _gate_key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.lower()).strip()


@dataclass(slots=True)
class GateMatrix:
    phase: str
    title: str
    columns: list[str]
    rows: list[tuple[Feature, list[list[Gate]]]]


def gate_matrices(features: list[Feature], unmitigated: frozenset[str]) -> list[GateMatrix]:
    """Per phase: a column per gate name (merged case- and punctuation-insensitively), a row per feature.

    Features with an unmitigated FAIL come first, then features with any FAIL, then the rest.
    """
    matrices = []
    for phase, title in PHASES:
        columns: dict[str, str] = {}
        for f in features:
            for g in f.gates:
                if g.phase == phase:
                    columns.setdefault(_gate_key(g.name), g.name)
        keys = list(columns)
        rows = []
        for f in features:
            gates = [g for g in f.gates if g.phase == phase]
            if not gates:
                continue
            cells: list[list[Gate]] = [[] for _ in keys]
            for g in gates:
                cells[keys.index(_gate_key(g.name))].append(g)
            rows.append((f, cells))
        rows.sort(key=lambda row: (
            -sum(1 for g in row[0].gates if g.id in unmitigated),
            -sum(1 for g in row[0].gates if g.status == "fail"),
        ))
        if rows:
            matrices.append(GateMatrix(phase, title, list(columns.values()), rows))
    return matrices


@dataclass(slots=True)
class GateIssue:
    feature: Feature
    gate: Gate
    mitigations: list[str] = field(default_factory=list)


def gate_issues(features: list[Feature], mitigations: Mapping[str, tuple[Source, ...]]
                ) -> tuple[list[GateIssue], list[GateIssue], list[GateIssue]]:
    """(unmitigated FAIL, mitigated FAIL, WAIVED) gates across features, as the check stage found them."""
    unmitigated: list[GateIssue] = []
    mitigated: list[GateIssue] = []
    waived: list[GateIssue] = []
    for f in features:
        for g in f.gates:
            if g.status == "fail":
                sources = [str(s) for s in mitigations.get(g.id, ())]
                (mitigated if sources else unmitigated).append(GateIssue(f, g, sources))
            elif g.status == "waived":
                waived.append(GateIssue(f, g))
    return unmitigated, mitigated, waived


RATED = ("high", "medium", "low")


def rated_levels(risks: list[Risk]) -> tuple[str, ...]:
    """The heat map's rows and columns, highest first: critical only when a risk is rated critical."""
    critical = any("critical" in (r.probability, r.impact) for r in risks)
    return ("critical", *RATED) if critical else RATED


def heat_map(risks: list[Risk]) -> dict[tuple[str, str], int]:
    """Counts by (probability, impact) for rated risks."""
    levels = rated_levels(risks)
    counts: Counter[tuple[str, str]] = Counter((r.probability, r.impact) for r in risks)
    return {(p, i): counts[(p, i)] for p in levels for i in levels}


def risk_sort_key(risk: Risk) -> tuple[int, int, int, str]:
    """Highest level first; inside a level, by probability then impact (so heat-map cells are contiguous)."""
    return (LEVELS.index(risk.level) * -1 if risk.level != "unknown" else 1,
            -LEVELS.index(risk.probability) if risk.probability != "unknown" else 1,
            -LEVELS.index(risk.impact) if risk.impact != "unknown" else 1, risk.id)


def cell_anchor(probability: str, impact: str) -> str:
    return f"cell-{probability}-{impact}"


def decisions_by_status(features: list[Feature]) -> list[tuple[str, list[tuple[Feature, Decision]]]]:
    groups: dict[str, list[tuple[Feature, Decision]]] = defaultdict(list)
    for f in features:
        for d in f.decisions:
            groups[d.status].append((f, d))
    return [(status, groups[status]) for status in DECISION_STATUSES if groups.get(status)]


def _version_key(version: str) -> tuple[int, tuple[int, ...], str]:
    numbers = tuple(int(n) for n in re.findall(r"\d+", version))
    return (1 if numbers else 0, numbers, version)


@dataclass(slots=True)
class DriftGroup:
    version: str
    features: list[Feature]
    latest: bool


def constitution_drift(features: list[Feature]) -> list[DriftGroup]:
    """Features grouped by the constitution version they were planned against, newest first."""
    groups: dict[str, list[Feature]] = defaultdict(list)
    for f in features:
        if f.has_plan:
            groups[f.constitution_version or "unknown"].append(f)
    versions = sorted(groups, key=_version_key, reverse=True)
    known = [v for v in versions if v != "unknown"]
    latest = known[0] if known else None
    return [DriftGroup(v, groups[v], v == latest) for v in versions]


def primary_choice(text: str) -> str:
    """The leading choice of a Technical Context value: "PostgreSQL 16 (RDS), Redis" → "postgresql 16"."""
    plain = re.sub(r"[`*_]", "", text)
    first = re.split(r"[,;(:\n]| and | with | \+ ", plain, maxsplit=1)[0]
    return re.sub(r"\s+", " ", first).strip(" -").lower()


@dataclass(slots=True)
class TechCell:
    value: str
    common: bool


def tech_inventory(features: list[Feature]) -> tuple[list[tuple[Feature, dict[str, TechCell]]], dict[str, str]]:
    """Each feature's Technical Context by category, and the most common value per category.

    A cell is ``common`` when its leading choice is the category's most common one, so the rest
    stand out.
    """
    values: dict[str, Counter[str]] = {c: Counter() for c in TECH_CATEGORIES}
    table = []
    for f in features:
        by_category: dict[str, str] = {}
        for entry in f.technical_context:
            if entry.category in values and entry.category not in by_category:
                by_category[entry.category] = entry.value
        for category, value in by_category.items():
            values[category][primary_choice(value)] += 1
        table.append((f, by_category))
    majority = {c: counts.most_common(1)[0][0] for c, counts in values.items() if counts}
    rows = []
    for f, by_category in table:
        if not by_category:
            continue
        rows.append((f, {
            c: TechCell(v, sum(values[c].values()) < 2 or primary_choice(v) == majority.get(c))
            for c, v in by_category.items()
        }))
    return rows, majority


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a long dashboard list: which rows it shows and where its sibling pages are."""

    number: int
    #: Site URLs of all the list's pages, first page first.
    urls: tuple[str, ...]
    #: 1-based positions of the first and last row shown here (0, 0 on an empty list).
    first: int
    last: int
    total: int

    def rows(self, items: Sequence[T]) -> Sequence[T]:
        return items[max(self.first - 1, 0):self.last]


def paginate(srcs: Callable[[int], list[str]], urls: Callable[[str], str], total: int,
             size: int) -> list[tuple[str, Pager]]:
    """Split ``total`` rows into pages of at most ``size``: (source path, pager) per page.

    ``srcs(count)`` names the pages; a list of any length gets at least one page.
    """
    count = max(1, -(-total // size))
    names = srcs(count)
    page_urls = tuple(urls(name) for name in names)
    return [(name, Pager(number, page_urls, min((number - 1) * size + 1, total), min(number * size, total), total))
            for number, name in enumerate(names, 1)]


@dataclass(slots=True)
class FeatureReference:
    """The links of one type between a feature and another, with every place they are written."""

    other: str
    #: The link's forward label when this feature cites the other, its reverse label otherwise.
    label: str
    #: (citing node, where written): the citing node is a record or the feature itself.
    citations: list[tuple[str, Source]] = field(default_factory=list)


def feature_references(graph: PortfolioGraph, edges: Sequence[Edge]) -> dict[str, list[FeatureReference]]:
    """Per feature: its links to and from other features (of their records too), one pass over edges."""
    found: dict[str, dict[tuple[str, str], FeatureReference]] = defaultdict(dict)
    nodes = graph.nodes
    for edge in edges:
        source, target = str(nodes[edge.source]["feature"]), str(nodes[edge.target]["feature"])
        if source == target:
            continue
        link_type = LINK_TYPES[edge.type]
        for feature, other, label in ((source, target, link_type.forward), (target, source, link_type.reverse)):
            reference = found[feature].get((other, label))
            if reference is None:
                reference = found[feature][(other, label)] = FeatureReference(other, label)
            reference.citations.append((edge.source, edge.citation))
    return {feature: sorted(by_pair.values(), key=lambda r: (r.other, r.label)) for feature, by_pair in found.items()}
