"""What the dashboards show, computed from the model: counts, matrices, the heat map, drift."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from plan_portal.link import LINK_TYPES, PortfolioGraph
from plan_portal.link.principles import name_key
from plan_portal.model.constitution import changes_since
from plan_portal.model.records import (
    Amendment,
    ChecklistItem,
    Constitution,
    Decision,
    Edge,
    Feature,
    Gate,
    Principle,
    Requirement,
    Risk,
    Source,
    Task,
)
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


def feature_rows(features: list[Feature], unmitigated: frozenset[str],
                 twins: Collection[str] = frozenset()) -> list[FeatureRow]:
    """One row per feature; ``unmitigated`` holds the ids of FAIL gates nothing mitigates, ``twins``
    the research.md decisions a plan decision records too: counted once, as the plan's, as the
    decisions page shows them."""
    rows = []
    for f in features:
        rows.append(FeatureRow(
            f,
            Counter(g.status for g in f.gates),
            Counter(r.level for r in f.risks),
            Counter(d.status for d in f.decisions if d.id not in twins),
            sum(1 for r in f.research if not r.done),
            len(f.clarifications),
            sum(1 for g in f.gates if g.id in unmitigated),
        ))
    return rows


#: Columns the matrix gives gates that check no principle, by name, before the rest share one
#: "Other" column: a few beside the constitution's principles, more when there is none.
NAMED_COLUMNS_BESIDE_PRINCIPLES = 2
NAMED_COLUMNS_WITHOUT_CONSTITUTION = 12
#: A status order for sorting a matrix column: what needs action first.
_SEVERITY = {"fail": 0, "pending": 1, "unknown": 2, "waived": 3, "not-applicable": 4, "pass": 5}


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    #: A principle's id, ``name:<spelling key>`` for gates grouped by name, or ``other``.
    key: str
    #: The header: a principle's numeral, a name, or "Other".
    label: str
    #: In full, for the legend and the header's tooltip.
    title: str
    principle: Principle | None = None


@dataclass(slots=True)
class MatrixCell:
    #: Pre-research gates first, then post-design ones.
    gates: list[Gate]

    @property
    def sort_value(self) -> str:
        """Cells whose gates need action sort first; an empty cell last."""
        if not self.gates:
            return "9"
        return str(min(_SEVERITY.get(g.status, 2) for g in self.gates))


@dataclass(slots=True)
class GateMatrix:
    columns: list[MatrixColumn]
    rows: list[tuple[Feature, list[MatrixCell]]]

    @property
    def principle_columns(self) -> list[MatrixColumn]:
        return [c for c in self.columns if c.principle is not None]

    @property
    def named_columns(self) -> list[MatrixColumn]:
        return [c for c in self.columns if c.principle is None]


def _name_column(gate: Gate) -> str:
    return gate.principle if gate.principle else f"name:{name_key(gate.name)}"


def matrix_columns(features: Sequence[Feature], constitution: Constitution | None) -> list[MatrixColumn]:
    """One column per principle of the constitution, then the gate names that no principle covers
    and that most features check, then "Other" for the rest (only when some gate falls there).

    Computed over every feature, so that each page of a long matrix has the same columns.
    """
    principles = constitution.principles if constitution is not None else []
    columns = [MatrixColumn(p.id, p.id, f"{p.id}. {p.name}" if p.number else p.name, p) for p in principles]
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    features_per_key: Counter[str] = Counter()
    for f in features:
        keys = set()
        for g in f.gates:
            if g.principle is None:
                key = _name_column(g)
                spellings[key][g.name] += 1
                keys.add(key)
        features_per_key.update(keys)
    room = NAMED_COLUMNS_BESIDE_PRINCIPLES if principles else NAMED_COLUMNS_WITHOUT_CONSTITUTION
    # Ties go by key: Counter.most_common keeps insertion order, here a set's (the hash seed's).
    ranked = sorted(features_per_key.items(), key=lambda item: (-item[1], item[0]))
    named = [key for key, count in ranked if count >= 2 or not principles][:room]
    for key in named:
        spelling = spellings[key].most_common(1)[0][0]
        columns.append(MatrixColumn(key, spelling, spelling))
    if any(key not in named for key in features_per_key):
        columns.append(MatrixColumn("other", "Other", "Other checks: gates no principle or column above names"))
    return columns


def gate_matrix(features: list[Feature], columns: list[MatrixColumn], unmitigated: frozenset[str]) -> GateMatrix:
    """A row per feature with gates, a cell per column; pre-research gates before post-design ones.

    Features with an unmitigated FAIL come first, then features with any FAIL, then the rest.
    """
    position = {c.key: i for i, c in enumerate(columns)}
    other = position.get("other")
    phase_order = {phase: i for i, (phase, _) in enumerate(PHASES)}
    rows = []
    for f in features:
        if not f.gates:
            continue
        cells = [MatrixCell([]) for _ in columns]
        for g in sorted(f.gates, key=lambda g: phase_order.get(g.phase, 0)):
            index = position.get(_name_column(g), other)
            if index is not None:
                cells[index].gates.append(g)
        rows.append((f, cells))
    rows.sort(key=lambda row: (
        -sum(1 for g in row[0].gates if g.id in unmitigated),
        -sum(1 for g in row[0].gates if g.status == "fail"),
    ))
    return GateMatrix(columns, rows)


@dataclass(slots=True)
class PrincipleReport:
    """What the portfolio's gates say about one principle: counts by status, the gates to act on."""

    principle: Principle
    counts: Counter[str]
    features: int
    #: FAIL, pending, unknown and waived gates, with their features.
    attention: list[tuple[Feature, Gate]]
    #: Every feature that checks it, with its gates on it (pre-research first), in feature order.
    checks: list[tuple[Feature, list[Gate]]] = field(default_factory=list)


def principle_reports(features: list[Feature], constitution: Constitution) -> list[PrincipleReport]:
    by_principle: dict[str, list[tuple[Feature, Gate]]] = defaultdict(list)
    for f in features:
        for g in f.gates:
            if g.principle is not None:
                by_principle[g.principle].append((f, g))
    reports = []
    for p in constitution.principles:
        checked = by_principle.get(p.id, [])
        attention = [(f, g) for f, g in checked if g.status in ("fail", "pending", "unknown", "waived")]
        attention.sort(key=lambda pair: _SEVERITY.get(pair[1].status, 2))
        per_feature: dict[str, tuple[Feature, list[Gate]]] = {}
        for f, g in checked:
            per_feature.setdefault(f.id, (f, []))[1].append(g)
        reports.append(PrincipleReport(p, Counter(g.status for _, g in checked), len(per_feature), attention,
                                       list(per_feature.values())))
    return reports


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
    #: What the constitution changed after this version, newest first (from its amendment reports).
    since: list[Amendment] = field(default_factory=list)
    #: Named by plans but newer than the constitution's own version (a template's footer).
    ahead: bool = False


def constitution_drift(features: list[Feature], constitution: Constitution | None = None) -> list[DriftGroup]:
    """Features grouped by the constitution version they were checked against, newest first.

    The current version is the constitution's own when it states one, else the newest a plan names.
    """
    groups: dict[str, list[Feature]] = defaultdict(list)
    for f in features:
        if f.has_plan:
            groups[f.constitution_version or "unknown"].append(f)
    current = constitution.version if constitution is not None and constitution.version else ""
    if current:
        groups.setdefault(current, [])
    versions = sorted(groups, key=_version_key, reverse=True)
    known = [v for v in versions if v != "unknown"]
    latest = current or (known[0] if known else None)
    result = []
    for v in versions:
        since = changes_since(constitution, v) if constitution is not None and v not in ("unknown", latest) else []
        ahead = bool(current) and v != "unknown" and _version_key(v) > _version_key(current)
        result.append(DriftGroup(v, groups[v], v == latest, since, ahead))
    return result


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
             size: int, weights: Sequence[int] = (), budget: int = 0) -> list[tuple[str, Pager]]:
    """Split ``total`` rows into pages of at most ``size``: (source path, pager) per page.

    ``srcs(count)`` names the pages; a list of any length gets at least one page. With ``weights``
    (one per row) a page also ends before its rows' weights pass ``budget`` (but holds one row at
    least): a row that stands for many records (a feature's gates in the gate matrix) counts as many.
    """
    spans: list[tuple[int, int]] = []  # (first, last), 1-based
    first, weight = 1, 0
    for row in range(1, total + 1):
        extra = weights[row - 1] if weights else 0
        if row > first and (row - first >= size or (budget and weight + extra > budget)):
            spans.append((first, row - 1))
            first, weight = row, 0
        weight += extra
    if total:
        spans.append((first, total))
    names = srcs(max(1, len(spans)))
    page_urls = tuple(urls(name) for name in names)
    spans = spans or [(0, 0)]
    return [(name, Pager(number, page_urls, span[0], span[1], total))
            for number, (name, span) in enumerate(zip(names, spans, strict=True), 1)]


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


#: Requirement kinds the traceability matrix lists; scenarios, entities, assumptions and edge
#: cases stay on spec.md's own page.
TRACED_KINDS = ("functional", "non-functional", "success-criterion", "user-story")
#: Kinds a task is expected to implement: only these count as covered or as a gap.
BUILT_KINDS = ("functional", "non-functional")
#: The lifecycle a feature goes through, as its files and task check-boxes show it.
STAGES = ("specified", "clarified", "planned", "tasks", "in-progress", "done")


@dataclass(slots=True)
class TraceRow:
    """One requirement and every record that rests on it (from the graph's typed links)."""

    requirement: Requirement
    tasks: list[Task] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    checks: list[ChecklistItem] = field(default_factory=list)
    #: A requirement to build that no task cites, in a feature whose tasks cite requirements.
    gap: bool = False

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.done)

    @property
    def reviewed(self) -> int:
        return sum(1 for c in self.checks if c.checked)


def trace_rows(feature: Feature, graph: PortfolioGraph) -> list[TraceRow]:
    """The feature's requirements in spec order, each with the tasks that implement it, the
    decisions that address it, the gates and risks that cite it and the checklist items that
    review it."""
    cited: list[Task | Decision | Gate | Risk | ChecklistItem] = [
        *feature.task_items, *feature.decisions, *feature.gates, *feature.risks, *feature.checklist_items]
    records = {r.id: r for r in cited}
    rows = [TraceRow(r) for r in feature.requirements if r.kind in TRACED_KINDS]
    for row in rows:
        if row.requirement.id not in graph:
            continue
        # The adjacency (citing record → link types) read directly, in in_edges order, without an edge view.
        for source, kinds in graph.pred[row.requirement.id].items():
            record = records.get(source)
            for kind in kinds:
                _add_cited(row, record, kind)
        for found in (row.tasks, row.decisions, row.gates, row.risks, row.checks):
            found.sort(key=lambda r: (r.source.path, r.source.line))
    traced = any(t.requirements for t in feature.task_items)
    for row in rows:
        row.gap = traced and row.requirement.kind in BUILT_KINDS and not row.tasks
    return rows


def _add_cited(row: TraceRow, record: Task | Decision | Gate | Risk | ChecklistItem | None, kind: str) -> None:
    """``record``, which cites the row's requirement by a link of type ``kind``, in its column."""
    if isinstance(record, Task) and kind == "implements":
        row.tasks.append(record)
    elif isinstance(record, Decision):
        row.decisions.append(record)
    elif isinstance(record, Gate):
        row.gates.append(record)
    elif isinstance(record, Risk):
        row.risks.append(record)
    elif isinstance(record, ChecklistItem):
        row.checks.append(record)


@dataclass(slots=True)
class StoryProgress:
    story: Requirement
    done: int
    total: int


@dataclass(slots=True)
class ProgressRow:
    feature: Feature
    stage: str
    tasks_done: int
    tasks_total: int
    #: Requirements to build that some task cites, of all requirements to build.
    covered: int
    requirements: int
    open_clarifications: int
    stories: list[StoryProgress]
    #: Checklist items ticked (reviewed), of all.
    reviewed: int
    checks: int
    #: Whether any task cites a requirement id: without it coverage cannot be told.
    traced: bool = False

    @property
    def percent_done(self) -> int:
        return round(100 * self.tasks_done / self.tasks_total) if self.tasks_total else 0


def lifecycle_stage(feature: Feature) -> str:
    """specified → clarified → planned → tasks → in-progress → done, from which files exist and
    how many tasks are ticked; "" for a folder with none of spec, plan or tasks."""
    total = len(feature.task_items)
    done = sum(1 for t in feature.task_items if t.done)
    if total:
        return "done" if done == total else "in-progress" if done else "tasks"
    if feature.has_plan:
        return "planned"
    if feature.spec is not None:
        sessions = bool(feature.spec.sessions)
        return "clarified" if sessions and not feature.clarifications else "specified"
    return ""


def progress_rows(features: Sequence[Feature], graph: PortfolioGraph) -> list[ProgressRow]:
    return [progress_row(f, trace_rows(f, graph)) for f in features]


def progress_row(f: Feature, trace: list[TraceRow]) -> ProgressRow:
    """The feature's progress, from its ``trace_rows`` (which its traceability page lists too)."""
    built = [row for row in trace if row.requirement.kind in BUILT_KINDS]
    stories = []
    for story in (r for r in f.requirements if r.kind == "user-story"):
        tasks = [t for t in f.task_items if t.story == story.local_id]
        stories.append(StoryProgress(story, sum(1 for t in tasks if t.done), len(tasks)))
    return ProgressRow(
        f, lifecycle_stage(f), sum(1 for t in f.task_items if t.done), len(f.task_items),
        sum(1 for row in built if row.tasks), len(built), len(f.clarifications), stories,
        sum(1 for c in f.checklist_items if c.checked), len(f.checklist_items),
        any(t.requirements for t in f.task_items))
