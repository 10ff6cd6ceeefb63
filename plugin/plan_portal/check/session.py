"""Checking again after an edit (``mkdocs serve``): what ``check`` returns, each part made again only
when what it reads changed.

A check of one feature (its gates' mitigations, its traceability, its twins, its owners, its
readiness) reads the feature and, at most, a few portfolio-wide values: it is kept by the Feature
object's identity (the read cache hands back the same object for a feature whose files did not
change) with those values, and made again when the object or a value is new. The checks over the
whole graph (the decisions' dependency graph, the feature order, the impacts, decision cycles) read
its nodes and edges, not their texts: they are kept while ``Linked.shape`` is the last one's (see
link.session) and what else they read is equal.

Features of one id in two spec roots share their records' ids: then every check is made afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

from plan_portal.check.gates import check_gates, fail_gate_mitigations
from plan_portal.check.graph import check_graph, impacts
from plan_portal.check.owners import FollowUps, NamePatterns, collect_owners, feature_owners, follow_up_owners
from plan_portal.check.readiness import dead_dependencies, feature_readiness
from plan_portal.check.run import check
from plan_portal.check.trace import check_trace
from plan_portal.check.twins import find_twins
from plan_portal.checked import CheckedPortfolio, Impact, Readiness
from plan_portal.diagnostics import Diagnostic, Severity, apply_severity
from plan_portal.link import Linked, dependency_order, depends_on_graph, edges_of_type
from plan_portal.model.records import Feature, Portfolio

T = TypeVar("T")
Inputs = TypeVar("Inputs")


@dataclass(slots=True)
class _Shaped:
    """What the checks read of the graph's nodes and edges alone."""

    depends: nx.DiGraph[str]
    order: list[str]
    supersedes: list[tuple[str, str]]
    depends_on: list[tuple[str, str]]


@dataclass(slots=True)
class CheckSession:
    """The checks' parts, kept between the runs of one ``mkdocs serve``."""

    #: Per check, per Feature object (its id; the object is held): (feature, what else it read, result).
    per_feature: dict[str, dict[int, tuple[Feature, Any, Any]]] = field(default_factory=dict)
    #: ``Linked.shape`` of the last run, and what was read of the graph's nodes and edges.
    shape: object = None
    shaped: _Shaped | None = None
    #: The last inputs of the portfolio-wide checks, and their results.
    graph_checked: tuple[Any, list[Diagnostic]] | None = None
    impacted: tuple[Any, dict[str, Impact]] | None = None

    #: The tables of the run under way: ``per_feature`` when it is over (features gone are dropped).
    current: dict[str, dict[int, tuple[Feature, Any, Any]]] = field(default_factory=dict)

    def _one(self, name: str, feature: Feature, make: Callable[[Feature, Inputs], T], inputs: Inputs) -> T:
        """``make(feature, inputs)``, kept while the feature and the other ``inputs`` it reads are the same."""
        entry = self.per_feature.get(name, {}).get(id(feature))
        if entry is None or entry[0] is not feature or not (entry[1] is inputs or entry[1] == inputs):
            entry = (feature, inputs, make(feature, inputs))
        self.current.setdefault(name, {})[id(feature)] = entry
        result: T = entry[2]
        return result

    def _each(self, name: str, features: list[Feature], make: Callable[[Feature], T]) -> list[T]:
        """``make(feature)`` for each feature: what reads nothing but the feature."""
        return [self._one(name, feature, lambda f, _: make(f), None) for feature in features]

    def check(self, portfolio: Portfolio, linked: Linked, overrides: Mapping[str, Severity | None]) -> CheckedPortfolio:
        """What ``check(portfolio, linked, overrides)`` returns."""
        features = portfolio.features
        self.current = {}
        if len({f.id for f in features}) != len(features):
            self.per_feature, self.shape, self.shaped = {}, None, None
            self.graph_checked = self.impacted = None
            return check(portfolio, linked, overrides)
        graph = linked.graph
        if self.shaped is None or linked.shape is not self.shape:
            self.shaped = _Shaped(depends_on_graph(graph), dependency_order(graph, sorted({f.id for f in features})),
                                  edges_of_type(graph, "supersedes"), edges_of_type(graph, "depends-on"))
            self.shape = linked.shape
        shaped = self.shaped

        mitigated = self._each("mitigations", features, lambda f: fail_gate_mitigations([f]))
        mitigations = {gate: sources for found in mitigated for gate, sources in found.items()}
        unmitigated = frozenset(gate for gate, sources in mitigations.items() if not sources)
        gate_found = self._each("gates", features, lambda f: check_gates([f], unmitigated))
        statuses = self._each("statuses", features, lambda f: tuple((d.id, d.status, d.source) for d in f.decisions))
        graph_inputs = (linked.shape, statuses)
        if self.graph_checked is None or self.graph_checked[0] != graph_inputs:
            self.graph_checked = (graph_inputs, check_graph(portfolio, graph, shaped.depends))
        trace_found = [self._one("trace", f, lambda f, cited: check_trace([f], graph, [cited]),
                                 plan_cited)
                       for f, plan_cited in zip(features, linked.plan_citations, strict=True)]
        found = (portfolio.all_diagnostics + linked.diagnostics + [d for part in gate_found for d in part]
                 + self.graph_checked[1] + [d for part in trace_found for d in part])
        diagnostics = sorted(apply_severity(found, overrides), key=Diagnostic.sort_key)

        order = shaped.order
        by_id = {f.id: f for f in features}
        ordered = [by_id[feature] for feature in order]
        owners = collect_owners(ordered, self._each("owners", ordered, feature_owners), self._follow_ups)
        twins = {research: plan for found_twins in self._each("twins", features, lambda f: find_twins(Portfolio([f])))
                 for research, plan in found_twins.items()}
        impact_inputs = (linked.shape, order, twins)
        if self.impacted is None or self.impacted[0] != impact_inputs:
            self.impacted = (impact_inputs, impacts(graph, order, twins))

        dependencies = dead_dependencies(portfolio, graph, shaped.supersedes, shaped.depends_on)
        readiness: dict[str, Readiness] = {}
        for feature in features:
            reasons = dependencies.get(feature.id, [])
            readiness[feature.id] = self._one(
                "readiness", feature, lambda f, dead: feature_readiness(f, unmitigated, dead), reasons)
        self.per_feature, self.current = self.current, {}
        return CheckedPortfolio(
            portfolio, graph, tuple(linked.edges), tuple(diagnostics), mitigations, unmitigated,
            self.impacted[1], tuple(order), twins, readiness=readiness, owners=owners.owners,
            record_owners=owners.record_owners, unowned=owners.unowned)

    def _follow_ups(self, feature: Feature, record_owners: Mapping[str, tuple[str, ...]], patterns: NamePatterns,
                    spellings: frozenset[str]) -> FollowUps:
        """``follow_up_owners``, kept per feature while the owners' spellings are the same."""
        return self._one("follow-ups", feature, lambda f, _: follow_up_owners(f, record_owners, patterns),
                         spellings)
