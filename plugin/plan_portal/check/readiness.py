"""Each feature's readiness: blocked, needs attention, ready for tasks, in progress, done (and no plan
yet, closed), with every reason pointing at its record. The rule is in docs/formats.md, "Readiness".
"""

from __future__ import annotations

import re
from collections import defaultdict

from plan_portal.check.gates import gate_mitigations
from plan_portal.checked import Readiness, Reason
from plan_portal.link import PortfolioGraph, edges_of_type
from plan_portal.model.owners import stated
from plan_portal.model.records import Decision, Feature, Portfolio, Source
from plan_portal.model.status import plan_state
from plan_portal.model.text import is_generated_id, strip_markup

#: Decision statuses that no longer stand: depending on one blocks.
DEAD = ("rejected", "superseded", "deprecated")
OPEN_DECISIONS = ("proposed", "in-review")

# A question or decision is marked blocking when its text opens with the word, puts it in brackets,
# parentheses or bold, or writes it in capitals: "Blocked on Adyen KYC", "[blocking] which region?",
# "Legal opinion (BLOCKER)". "non-blocking", "not blocking" and "unblocked" are not marks.
_WORD = r"(?:blocking|blocker|blocked)\b"
_OPENS = re.compile(rf"^[\W_]*{_WORD}", re.IGNORECASE)
_TAGGED = re.compile(rf"(?:[\[(]|\*\*|__)\s*{_WORD}", re.IGNORECASE)
_CAPITALS = re.compile(r"(?<![\w-])(?<!NOT )(?<!NON )(?:BLOCKING|BLOCKER|BLOCKED)\b")


def marked_blocking(text: str) -> bool:
    return bool(_OPENS.search(text) or _TAGGED.search(text) or _CAPITALS.search(text))


def _quoted(text: str, limit: int = 120) -> str:
    plain = " ".join(strip_markup(text).split())
    return plain if len(plain) <= limit else plain[:limit - 1].rstrip() + "…"


def _decision_name(decision: Decision) -> str:
    if is_generated_id(decision.local_id):
        return f"decision “{_quoted(decision.title, 80)}”"
    return decision.local_id


def _record_name(graph: PortfolioGraph, node: str, feature: str) -> str:
    """A record as a reason names it: its local id (with its feature when another feature's)."""
    attributes = graph.nodes[node]
    if attributes["kind"] == "feature":
        return "the plan" if node == feature else node
    local = str(attributes.get("local", node))
    name = f"“{_quoted(str(attributes.get('label', local)), 60)}”" if is_generated_id(local) else local
    return name if attributes["feature"] == feature else f"{attributes['feature']}/{name}"


def _dead_decisions(portfolio: Portfolio, graph: PortfolioGraph,
                    supersedes: list[tuple[str, str]]) -> dict[str, str]:
    """Decision id → why it no longer stands (rejected, superseded, deprecated)."""
    dead = {d.id: d.status for d in portfolio.decisions if d.status in DEAD}
    for _, replaced in supersedes:
        if graph.nodes[replaced]["kind"] == "decision":
            dead.setdefault(replaced, "superseded")
    return dead


def dead_dependencies(portfolio: Portfolio, graph: PortfolioGraph, supersedes: list[tuple[str, str]],
                      depends_on: list[tuple[str, str]]) -> dict[str, list[Reason]]:
    """Per feature: a reason for each of its records (or its plan) that depends on a dead decision.
    ``supersedes`` and ``depends_on``: the graph's edges of those types, in its order."""
    dead = _dead_decisions(portfolio, graph, supersedes)
    found: dict[str, list[Reason]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for source, target in depends_on:
        if target not in dead or source in dead or (source, target) in seen:
            continue
        seen.add((source, target))
        feature = str(graph.nodes[source]["feature"])
        citation = graph.edges[source, target, "depends-on"]["citation"]
        record = "" if graph.nodes[source]["kind"] == "feature" else source
        found[feature].append(Reason(
            "dead-dependency", "blocks",
            f"{_record_name(graph, source, feature)} depends on {_record_name(graph, target, feature)}, "
            f"which is {dead[target]}", record, citation, target))
    return found


def _plan_source(feature: Feature) -> Source:
    return Source(feature.artifacts.get("plan", f"{feature.path}/plan.md"), 1)


def _stated(feature: Feature) -> tuple[str, str, Source | None]:
    """The status the feature states: the plan's, else spec.md's, normalised."""
    if feature.planning_status.strip():
        return feature.planning_state, feature.planning_status, _plan_source(feature)
    if feature.spec is not None and feature.spec.status.strip():
        return plan_state(feature.spec.status), feature.spec.status, Source(feature.spec.path, 1)
    return "", "", None


def _blocking(feature: Feature, unmitigated: frozenset[str]) -> list[Reason]:
    reasons = [Reason("unmitigated-fail", "blocks", f"FAIL gate “{_quoted(g.name)}” has no mitigation", g.id, g.source)
               for g in feature.gates if g.id in unmitigated]
    if feature.has_plan and feature.planning_state == "on-hold":
        reasons.append(Reason("on-hold", "blocks", f"The plan's status is “{_quoted(feature.planning_status)}”",
                              "", _plan_source(feature)))
    for item in feature.research:
        if not item.done and marked_blocking(item.text):
            reasons.append(Reason("blocking-question", "blocks", f"Open question marked blocking: {_quoted(item.text)}",
                                  item.id, item.source))
    for marker in feature.clarifications:
        if marked_blocking(marker.text):
            reasons.append(Reason("blocking-question", "blocks",
                                  f"NEEDS CLARIFICATION marked blocking: {_quoted(marker.text)}", marker.id,
                                  marker.source))
    for d in feature.decisions:
        if d.status not in OPEN_DECISIONS:
            continue
        words = next((text for text in (d.raw_status, d.follow_up) if marked_blocking(text)), None)
        if words is not None:
            reasons.append(Reason("blocked-decision", "blocks",
                                  f"{_decision_name(d)} is {d.status.replace('-', ' ')} and blocked: {_quoted(words)}",
                                  d.id, d.source))
    return reasons


def _attention(feature: Feature, has_tasks: bool) -> list[Reason]:
    reasons: list[Reason] = []
    for g in feature.gates:
        name = _quoted(g.name)
        if g.status == "pending":
            written = f" ({_quoted(g.raw_status, 40)})" if g.raw_status.strip() else ""
            reasons.append(Reason("pending-gate", "attention", f"Gate “{name}” is pending{written}", g.id, g.source))
        elif g.status == "unknown":
            written = (f"a status the portal cannot read (“{_quoted(g.raw_status, 40)}”)" if g.raw_status.strip()
                       else "no status")
            reasons.append(Reason("unknown-gate", "attention", f"Gate “{name}” has {written}", g.id, g.source))
        elif g.status == "waived" and not stated(g.evidence) and not gate_mitigations(feature, g):
            reasons.append(Reason("unevidenced-waiver", "attention",
                                  f"Gate “{name}” is waived with no evidence or justification", g.id, g.source))
    for marker in feature.clarifications:
        if not marked_blocking(marker.text):
            text = marker.text.strip()
            where = marker.source.path.rsplit("/", 1)[-1]
            words = (f": {_quoted(text)}" if text and text.upper() != "NEEDS CLARIFICATION"
                     else f", line {marker.source.line}")
            reasons.append(Reason("clarification", "attention", f"NEEDS CLARIFICATION in {where}{words}", marker.id,
                                  marker.source))
    if feature.has_plan and not has_tasks:
        if feature.planning_state in ("draft", "in-review"):
            reasons.append(Reason("plan-not-approved", "attention",
                                  f"The plan is still {feature.planning_state.replace('-', ' ')} "
                                  f"(“{_quoted(feature.planning_status, 60)}”)", "", _plan_source(feature)))
        for item in feature.research:
            if not item.done and not marked_blocking(item.text):
                reasons.append(Reason("open-research", "attention", f"Open research item: {_quoted(item.text)}",
                                      item.id, item.source))
    return reasons


def feature_readiness(feature: Feature, unmitigated: frozenset[str], dependencies: list[Reason]) -> Readiness:
    stated_state, stated_raw, stated_source = _stated(feature)
    tasks = feature.tasks
    has_tasks = tasks is not None and tasks.total > 0

    def made(state: str, reasons: list[Reason]) -> Readiness:
        return Readiness(state, tuple(reasons), stated_state, stated_raw, stated_source)

    if feature.has_plan and feature.planning_state == "abandoned":
        return made("closed", [Reason("plan-status", "state",
                                      f"The plan's status is “{_quoted(feature.planning_status)}”", "",
                                      _plan_source(feature))])
    blocking = _blocking(feature, unmitigated) + dependencies
    attention = _attention(feature, has_tasks)
    if blocking or attention:
        return made("blocked" if blocking else "attention", blocking + attention)
    if tasks is not None and has_tasks:
        source = Source(tasks.path, 1)
        if tasks.done >= tasks.total:
            return made("done", [Reason("tasks", "state", f"All {tasks.total} tasks done", "", source)])
        if tasks.done:
            return made("in-progress", [Reason("tasks", "state", f"{tasks.done} of {tasks.total} tasks done", "",
                                               source)])
        return made("ready", [Reason("tasks", "state", f"Nothing blocks it; none of its {tasks.total} tasks done yet",
                                     "", source)])
    if feature.has_plan and feature.planning_state in ("complete", "in-progress"):
        state = "done" if feature.planning_state == "complete" else "in-progress"
        return made(state, [Reason("plan-status", "state",
                                   f"The plan's status is “{_quoted(feature.planning_status)}” (no tasks.md)", "",
                                   _plan_source(feature))])
    if not feature.has_plan:
        return made("no-plan", [Reason("no-plan", "state", "No plan.md yet", "",
                                       Source(feature.spec.path if feature.spec else feature.path, 1))])
    return made("ready", [Reason("ready", "state", "The plan is complete: nothing blocks it or needs attention, "
                                 "and there is no tasks.md yet", "", _plan_source(feature))])


def readiness(portfolio: Portfolio, graph: PortfolioGraph, unmitigated: frozenset[str]) -> dict[str, Readiness]:
    """Every feature's readiness, by feature id (a duplicated id keeps the first feature's)."""
    dependencies = dead_dependencies(portfolio, graph, edges_of_type(graph, "supersedes"),
                                     edges_of_type(graph, "depends-on"))
    found: dict[str, Readiness] = {}
    for feature in portfolio.features:
        if feature.id not in found:
            found[feature.id] = feature_readiness(feature, unmitigated, dependencies.get(feature.id, []))
    return found
