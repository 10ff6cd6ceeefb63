"""What the pipeline hands to everything after it: the portfolio with its graph and verdicts.

The check stage makes a ``CheckedPortfolio`` once; render, export and compare only read it, so a
verdict (is this FAIL gate mitigated? what rests on this decision? can this file be published
as it is?) is decided in one place and shown the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from plan_portal.diagnostics import Diagnostic, Severity
from plan_portal.link import PortfolioGraph
from plan_portal.model.records import Edge, Portfolio, Source


@dataclass(frozen=True, slots=True)
class Dependent:
    """A record or feature that rests on a decision directly, and the link that says so."""

    #: A record id (``002-payments/ADR-004``) or a feature id.
    id: str
    #: decision | gate | risk | feature
    kind: str
    #: depends-on (a decision or feature), mitigated-by (a risk), evidenced-by (a gate).
    link: str


@dataclass(frozen=True, slots=True)
class Affected:
    """One record or feature that rests on a decision, directly (``distance`` 1) or through others."""

    dependent: Dependent
    #: Links between it and the decision: 1 when it rests on the decision itself.
    distance: int
    #: The decision it rests on, nearer to the decision (the decision itself at distance 1).
    via: str


@dataclass(frozen=True, slots=True)
class Impact:
    """What a decision rests on and what rests on it: the direct links listed, the transitive ones counted.

    A chain of n decisions has n²/2 transitive dependents, so no transitive list is kept per
    decision; ``CheckedPortfolio.affected`` walks one decision's on demand.
    """

    #: The decisions it depends on directly, in feature order.
    rests_on: tuple[str, ...] = ()
    #: What rests on it directly, in feature order: decisions and features that depend on it,
    #: risks it mitigates, gates it is evidence for.
    dependents: tuple[Dependent, ...] = ()
    #: How many decisions it rests on, directly or through others.
    upstream_count: int = 0
    #: How many decisions depend on it, directly or through others.
    downstream_count: int = 0
    #: How many records and features rest on it, directly or through others (its impact page lists them).
    affected_count: int = 0
    #: How many features those belong to.
    affected_features: int = 0
    #: How many decisions depend on it directly.
    direct_dependents: int = 0

    @property
    def beyond_direct(self) -> bool:
        """Whether more rests on it than its direct dependents: it has an impact page."""
        return self.affected_count > len(self.dependents)


NO_IMPACT = Impact()

#: Readiness states, the most urgent first, each with its label (see docs/formats.md, "Readiness").
READINESS_STATES: tuple[tuple[str, str], ...] = (
    ("blocked", "blocked"),
    ("attention", "needs attention"),
    ("ready", "ready for tasks"),
    ("in-progress", "in progress"),
    ("no-plan", "no plan yet"),
    ("done", "done"),
    ("closed", "closed"),
)
READINESS_LABELS: Mapping[str, str] = dict(READINESS_STATES)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a feature's readiness state, pointing at the record or line it comes from."""

    #: What it is: ``unmitigated-fail``, ``pending-gate``, ``clarification``, ``tasks`` … (docs/formats.md).
    kind: str
    #: ``blocks`` (makes the feature blocked), ``attention`` (needs attention) or ``state`` (says why
    #: the feature is ready, in progress, done …).
    level: str
    text: str
    #: The record it is about (``004-checkout/G2``), or "" for a file (tasks.md, plan.md).
    record: str
    source: Source
    #: The other feature's record it points at, when there is one (a rejected decision depended on).
    other: str = ""


@dataclass(frozen=True, slots=True)
class Readiness:
    """A feature's readiness: one state of ``READINESS_STATES`` and every reason for it, blockers first."""

    state: str
    reasons: tuple[Reason, ...] = ()
    #: The status the feature states, normalised (``model.status.PLAN_STATES``), "" when none is.
    stated: str = ""
    #: The words it is written in, and where: the plan's status, else spec.md's.
    stated_raw: str = ""
    stated_source: Source | None = None

    @property
    def label(self) -> str:
        return READINESS_LABELS.get(self.state, self.state)

    def of_level(self, level: str) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.level == level)


@dataclass(frozen=True, slots=True)
class Owner:
    """An owner as the plans name it (names compared by ``model.owners.owner_key``), with what they own."""

    key: str
    #: The spelling most records use.
    name: str
    #: Every spelling seen, sorted.
    spellings: tuple[str, ...]
    #: Record ids in feature order, then by id.
    gates: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    #: Decisions whose open follow-up is theirs: on a decision they own, or naming them.
    follow_ups: tuple[str, ...] = ()
    #: Feature ids their records are in, in feature order.
    features: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.gates) + len(self.risks) + len(self.decisions) + len(self.follow_ups)


@dataclass(frozen=True, slots=True)
class CheckedPortfolio:
    portfolio: Portfolio
    graph: PortfolioGraph
    #: The links between records, in the order they were found (the export lists them).
    edges: tuple[Edge, ...]
    #: Every problem, from reading to checking, severities applied, sorted by path and line.
    diagnostics: tuple[Diagnostic, ...]
    #: Every FAIL gate's id → where the plan mitigates it (empty: unmitigated).
    mitigations: Mapping[str, tuple[Source, ...]]
    #: Ids of the FAIL gates nothing mitigates.
    unmitigated: frozenset[str]
    #: Every decision's id → its impact (what it rests on, what rests on it), records in ``feature_order``.
    impacts: Mapping[str, Impact]
    #: Feature ids, each after the features it depends on (ties by id).
    feature_order: tuple[str, ...]
    #: A research.md decision that a plan's decision also records → that plan decision's id: the
    #: dashboards show the two once, as the plan's, with both sources.
    twins: Mapping[str, str] = field(default_factory=dict)
    #: Every feature's id → its readiness state and the reasons for it.
    readiness: Mapping[str, Readiness] = field(default_factory=dict)
    #: Every owner named by a gate, risk or decision, by key (sorted).
    owners: Mapping[str, Owner] = field(default_factory=dict)
    #: Record id → the keys of its owners (records that name one).
    record_owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Ids of records flagged "no owner": risks without one, gates and decisions without one where
    #: their plan gives others of their kind an owner.
    unowned: frozenset[str] = frozenset()

    def impact(self, decision_id: str) -> Impact:
        return self.impacts.get(self.twins.get(decision_id, decision_id), NO_IMPACT)

    def affected(self, decision_id: str) -> list[Affected]:
        """Everything that rests on a decision, directly or through other decisions, each once at its
        shortest distance: nearest first, then in feature order. Linear in what it returns."""
        start = self.twins.get(decision_id, decision_id)
        rank = {feature: index for index, feature in enumerate(self.feature_order)}
        seen = {start}
        found: list[Affected] = []
        level = [start]
        distance = 0
        while level:
            distance += 1
            found_here: list[Affected] = []
            for via in level:
                for dependent in self.impact(via).dependents:
                    if dependent.id not in seen:
                        seen.add(dependent.id)
                        found_here.append(Affected(dependent, distance, via))
            found_here.sort(key=lambda a: (rank.get(a.dependent.id.split("/", 1)[0], len(rank)), a.dependent.id))
            found += found_here
            level = [a.dependent.id for a in found_here if a.dependent.kind == "decision"]
        return found

    def readiness_of(self, feature_id: str) -> Readiness:
        return self.readiness.get(feature_id, Readiness("no-plan"))

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)
