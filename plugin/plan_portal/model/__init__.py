"""Stage 3: interpret parsed files as features with gates, risks, decisions and the rest."""

from plan_portal.model.portfolio import build_portfolio
from plan_portal.model.records import (
    Clarification,
    Decision,
    Edge,
    Feature,
    Gate,
    Portfolio,
    ResearchItem,
    Risk,
    Source,
)

__all__ = [
    "Clarification",
    "Decision",
    "Edge",
    "Feature",
    "Gate",
    "Portfolio",
    "ResearchItem",
    "Risk",
    "Source",
    "build_portfolio",
]
