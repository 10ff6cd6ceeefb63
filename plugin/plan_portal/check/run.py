"""Run every check, apply the user's severity overrides, and record the verdicts."""

from __future__ import annotations

from collections.abc import Mapping

from plan_portal.check.gates import check_gates, fail_gate_mitigations
from plan_portal.check.graph import check_graph, impacts
from plan_portal.check.owners import collect_owners
from plan_portal.check.readiness import readiness
from plan_portal.check.trace import check_trace
from plan_portal.check.twins import find_twins
from plan_portal.checked import CheckedPortfolio
from plan_portal.diagnostics import Diagnostic, Severity, apply_severity
from plan_portal.link import Linked, dependency_order, depends_on_graph
from plan_portal.model.records import Portfolio


def check(portfolio: Portfolio, linked: Linked, overrides: Mapping[str, Severity | None]) -> CheckedPortfolio:
    """The portfolio with every diagnostic (reading, linking and checking alike, sorted by path and
    line) and the verdicts the pages show."""
    mitigations = fail_gate_mitigations(portfolio.features)
    unmitigated = frozenset(gate for gate, sources in mitigations.items() if not sources)
    depends = depends_on_graph(linked.graph)
    order = dependency_order(linked.graph, sorted({f.id for f in portfolio.features}))
    found = (portfolio.all_diagnostics + linked.diagnostics + check_gates(portfolio.features, unmitigated)
             + check_graph(portfolio, linked.graph, depends)
             + check_trace(portfolio.features, linked.graph, linked.plan_citations))
    diagnostics = sorted(apply_severity(found, overrides), key=Diagnostic.sort_key)
    by_id = {f.id: f for f in reversed(portfolio.features)}  # a duplicated id: the first feature
    owners = collect_owners([by_id[feature] for feature in order])
    twins = find_twins(portfolio)
    return CheckedPortfolio(
        portfolio, linked.graph, tuple(linked.edges), tuple(diagnostics), mitigations, unmitigated,
        impacts(linked.graph, order, twins), tuple(order), twins,
        readiness=readiness(portfolio, linked.graph, unmitigated), owners=owners.owners,
        record_owners=owners.record_owners, unowned=owners.unowned)
