"""What the pipeline hands to everything after it: the portfolio with its graph and verdicts.

The check stage makes a ``CheckedPortfolio`` once; render, export and compare only read it, so a
verdict (is this FAIL gate mitigated? what rests on this decision? can this file be published
as it is?) is decided in one place and shown the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from plan_portal.diagnostics import Diagnostic, Severity
from plan_portal.link import PortfolioGraph
from plan_portal.model.records import Edge, Portfolio, Source


@dataclass(frozen=True, slots=True)
class Impact:
    """What a decision rests on and what depends on it, directly and transitively."""

    upstream: tuple[str, ...] = ()
    downstream: tuple[str, ...] = ()
    direct_dependents: int = 0


NO_IMPACT = Impact()


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
    #: Every decision's id → its impact in the depends-on graph, records listed in ``feature_order``.
    impacts: Mapping[str, Impact]
    #: Feature ids, each after the features it depends on (ties by id).
    feature_order: tuple[str, ...]

    def impact(self, decision_id: str) -> Impact:
        return self.impacts.get(decision_id, NO_IMPACT)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)
