"""Run every check and apply the user's severity overrides."""

from __future__ import annotations

from plan_portal.check.gates import check_gates
from plan_portal.check.graph import check_graph
from plan_portal.diagnostics import Diagnostic, Severity, apply_severity
from plan_portal.link import PortfolioGraph
from plan_portal.model.records import Portfolio


def run_checks(
    portfolio: Portfolio, graph: PortfolioGraph, overrides: dict[str, Severity | None] | None = None
) -> list[Diagnostic]:
    """All diagnostics of the portfolio, reading, linking and checking alike, sorted by path and line."""
    found = portfolio.all_diagnostics + check_gates(portfolio.features) + check_graph(portfolio, graph)
    found = apply_severity(found, overrides or {})
    return sorted(found, key=Diagnostic.sort_key)
