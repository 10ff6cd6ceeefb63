"""The whole pipeline for adapters: discover → read → model → link → check, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plan_portal.check import run_checks
from plan_portal.diagnostics import Diagnostic, Severity
from plan_portal.link import PortfolioGraph, link
from plan_portal.model import Portfolio, build_portfolio
from plan_portal.model.cache import ReadCache
from plan_portal.read import MAX_BYTES


@dataclass(slots=True)
class Result:
    portfolio: Portfolio
    diagnostics: list[Diagnostic]
    graph: PortfolioGraph

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)


def run(
    roots: list[Path],
    base: Path,
    overrides: dict[str, Severity | None] | None = None,
    max_bytes: int = MAX_BYTES,
    cache: ReadCache | None = None,
    allowed_roots: Sequence[Path] = (),
) -> Result:
    portfolio = build_portfolio(roots, base, max_bytes, cache, allowed_roots)
    linked = link(portfolio)
    portfolio.edges = linked.edges
    portfolio.diagnostics.extend(linked.diagnostics)
    return Result(portfolio, run_checks(portfolio, linked.graph, overrides), linked.graph)
