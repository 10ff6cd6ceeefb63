"""What rests on a decision, as readers name it: records with titles, statuses and features.

Beside each decision its feature page lists what rests on it: everything, when that is at most
``DIRECT_SHOWN`` records; else what rests on it directly (up to ``DIRECT_SHOWN``), each decision
among them with how much rests on it in turn, and how much rests on the decision in all. A decision
that more than ``DIRECT_SHOWN`` decisions and records rest on directly, or that rests on more than
``RESTS_ON_SHOWN`` decisions directly, has an impact page (``<prefix>/impact/<feature>/<id>/``, out
of the nav and of the search index) that lists them all, ``page_size`` a page, each with its own
count and a link onward.

Nothing lists a decision's transitive dependents: a chain of n decisions has n²/2 of them, so every
page would grow with the chain and all of them together with its square. Listing only direct links
keeps the whole output proportional to the links the plans write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plan_portal.checked import Affected, CheckedPortfolio, Impact
from plan_portal.link import edges_of_type
from plan_portal.model.records import Feature
from plan_portal.model.text import is_generated_id

#: Most records listed beside a decision on its feature page, of those it rests on and of those
#: resting on it; a decision with more of either directly has an impact page that lists them all.
DIRECT_SHOWN = 12
#: Most decisions listed beside a decision as what it rests on; a decision resting on more directly
#: than ``DIRECT_SHOWN`` has an impact page that lists them all, else its feature page says how many
#: more there are. Fewer than ``DIRECT_SHOWN``: in a plan whose decisions each rest on dozens of
#: others, the two lists beside every decision would otherwise make its page megabytes long.
RESTS_ON_SHOWN = 6
#: How long a risk's description may be in a list of what rests on a decision.
TITLE_LIMIT = 140


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record or a feature as a list names it: the id the author wrote, its title, its status."""

    id: str
    #: decision | gate | risk | feature
    kind: str
    feature: Feature
    #: The author's id (``ADR-002``, ``R1``), empty when the portal made it up from the text.
    label: str
    title: str
    #: The badge: ``decision``/``gate``/``level`` and its status (empty for a feature).
    badge_kind: str
    status: str
    raw_status: str


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_LIMIT else text[:TITLE_LIMIT - 1].rstrip() + "…"


def record_refs(features: Iterable[Feature]) -> dict[str, RecordRef]:
    """Every feature and record of the portfolio by id."""
    refs: dict[str, RecordRef] = {}
    for f in features:
        refs[f.id] = RecordRef(f.id, "feature", f, "", f.title, "plan", f.planning_state if f.planning_status else "",
                               f.planning_status)

        def label(local_id: str) -> str:
            return "" if is_generated_id(local_id) else local_id

        for d in f.decisions:
            refs[d.id] = RecordRef(d.id, "decision", f, label(d.local_id), _short(d.title), "decision", d.status,
                                   d.raw_status)
        for g in f.gates:
            refs[g.id] = RecordRef(g.id, "gate", f, "", _short(g.name), "gate", g.status, g.raw_status)
        for r in f.risks:
            refs[r.id] = RecordRef(r.id, "risk", f, label(r.local_id), _short(r.description), "level", r.level,
                                   r.raw_level)
    return refs


def supersession(checked: CheckedPortfolio) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(decision → the decisions that supersede it, decision → the decisions it supersedes)."""
    superseded_by: dict[str, list[str]] = {}
    supersedes: dict[str, list[str]] = {}
    for newer, older in edges_of_type(checked.graph, "supersedes"):
        superseded_by.setdefault(older, []).append(newer)
        supersedes.setdefault(newer, []).append(older)
    return superseded_by, supersedes


def has_page(impact: Impact) -> bool:
    """Whether a decision rests on, or under, more decisions and records directly than its feature
    page lists beside it."""
    return len(impact.dependents) > DIRECT_SHOWN or len(impact.rests_on) > RESTS_ON_SHOWN


def shown_beside(checked: CheckedPortfolio, decision_id: str) -> list[Affected]:
    """What the feature page lists under a decision: everything that rests on it when it has no
    impact page, else what rests on it directly, at most ``DIRECT_SHOWN``."""
    impact = checked.impact(decision_id)
    if impact.affected_count <= DIRECT_SHOWN:
        return checked.affected(decision_id) if impact.dependents else []
    return [Affected(d, 1, decision_id) for d in impact.dependents[:DIRECT_SHOWN]]
