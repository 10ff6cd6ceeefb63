"""Decisions recorded twice in one feature: in research.md and again in the plan.

spec-kit's research.md records each decision (``## 1. Primary PSP`` / ``**Decision**: Stripe …``) and
the plan often records the same one again, in its Decision Log or a summary list (``ADR-001 | Stripe
PaymentIntents as primary PSP``). Both stay in the model and the export; the dashboards show the
pair once, as the plan's decision, with both sources.

Two decisions of a feature are twins when one's title words are all in the other's title (at least
two words, not counting small words; "Cart storage" and "Carts … storage …"), or when their choices
share at least three words and two thirds of their words. Each research decision pairs with at most
one plan decision, the closest first.
"""

from __future__ import annotations

import re

from plan_portal.model.records import Decision, Portfolio

_WORD = re.compile(r"[a-z0-9]+")
_SMALL = frozenset({
    "a", "an", "the", "of", "for", "to", "and", "or", "with", "in", "on", "at", "by", "as", "is", "are",
    "be", "use", "uses", "using", "via", "from", "into", "per", "vs", "not", "no",
})


def words(text: str) -> frozenset[str]:
    """The words of a title or choice, lowercased, small words left out, a plural ``s`` dropped."""
    found = set()
    for word in _WORD.findall(text.casefold()):
        if word in _SMALL:
            continue
        found.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(found)


def _score(plan: Decision, research: Decision) -> float:
    """How surely the two record one decision: above 2 by their titles, above 1 by their choices, else 0."""
    a, b = words(plan.title), words(research.title)
    overlap = len(a & b) / max(1, len(a | b))
    if min(len(a), len(b)) >= 2 and (a <= b or b <= a):
        return 2 + overlap
    c, d = words(plan.choice or plan.title), words(research.choice or research.title)
    shared = len(c & d)
    if shared >= 3 and shared / max(1, len(c | d)) >= 2 / 3:
        return 1 + shared / len(c | d)
    return 0.0


def find_twins(portfolio: Portfolio) -> dict[str, str]:
    """Research decision id → the id of the plan decision that records it too."""
    twins: dict[str, str] = {}
    for feature in portfolio.features:
        research = [d for d in feature.decisions if d.origin == "research"]
        plan = [d for d in feature.decisions if d.origin != "research"]
        if not research or not plan:
            continue
        pairs = sorted(((_score(p, r), i, j) for i, p in enumerate(plan) for j, r in enumerate(research)),
                       key=lambda s: (-s[0], s[1], s[2]))
        taken: set[int] = set()
        for score, i, j in pairs:
            if score <= 0:
                break
            if i in taken or research[j].id in twins:
                continue
            taken.add(i)
            twins[research[j].id] = plan[i].id
    return twins
