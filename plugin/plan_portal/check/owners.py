"""Who owns what: every owner the gates, risks and decisions name, and the records flagged "no owner".

A risk without an owner is flagged always; a gate or a live decision only where its plan gives
owners (a gate when another gate of the plan names one, a decision when it has an owner column):
plans that never name owners for gates are not flagged gate by gate. A decision's open follow-up
belongs to the decision's owners and to every owner its text names (a whole-word match of a name
some record spells, without case for names of several words).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from plan_portal.check.readiness import DEAD
from plan_portal.checked import Owner
from plan_portal.model.owners import (
    DECISION_OWNER_COLUMNS,
    decision_owner,
    display_name,
    owner_key,
    owner_names,
    stated,
)
from plan_portal.model.records import Feature

KINDS = ("gates", "risks", "decisions", "follow_ups")


@dataclass(slots=True)
class _Collected:
    """One owner's spellings, and records and features in first-seen order (dicts as ordered sets:
    an owner of thousands of records would make list lookups quadratic)."""

    spellings: list[str] = field(default_factory=list)
    records: dict[str, dict[str, None]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    features: dict[str, None] = field(default_factory=dict)

    def add(self, kind: str, record: str, feature: str, spelling: str = "") -> None:
        if spelling:
            self.spellings.append(spelling)
        self.records[kind][record] = None
        self.features[feature] = None


@dataclass(frozen=True, slots=True)
class Owners:
    owners: dict[str, Owner]
    record_owners: dict[str, tuple[str, ...]]
    unowned: frozenset[str]


def _has_owner_column(extra: dict[str, str]) -> bool:
    return any(" ".join(key.casefold().split()) in DECISION_OWNER_COLUMNS for key in extra)


def _name_pattern(names: Sequence[str], flags: int) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)


@dataclass(frozen=True, slots=True)
class FeatureOwners:
    """The owners one feature's gates, risks and decisions name, in the order ``collect_owners`` takes them."""

    #: (kind, record id, name as written, its key) for each name.
    named: tuple[tuple[str, str, str, str], ...]
    #: Record id → the keys of its owners (records that name one).
    record_owners: dict[str, tuple[str, ...]]
    #: Records flagged "no owner".
    unowned: tuple[str, ...]


def feature_owners(f: Feature, names_of: Callable[[str], list[str]] = owner_names) -> FeatureOwners:
    named: list[tuple[str, str, str, str]] = []
    record_owners: dict[str, tuple[str, ...]] = {}
    unowned: list[str] = []

    def own(kind: str, record: str, text: str) -> bool:
        names = names_of(text)
        named.extend((kind, record, name, owner_key(name)) for name in names)
        if names:
            record_owners[record] = tuple(dict.fromkeys(owner_key(n) for n in names))
        return bool(names)

    gates_named = any(names_of(g.owner) for g in f.gates)
    for g in f.gates:
        if not own("gates", g.id, g.owner) and gates_named:
            unowned.append(g.id)
    for r in f.risks:
        if not own("risks", r.id, r.owner):
            unowned.append(r.id)
    for d in f.decisions:
        if not own("decisions", d.id, decision_owner(d)) and d.status not in DEAD and _has_owner_column(d.extra):
            unowned.append(d.id)
    return FeatureOwners(tuple(named), record_owners, tuple(unowned))


#: The patterns of every owner's spellings: phrases (without case), then single words.
NamePatterns = tuple[re.Pattern[str] | None, re.Pattern[str] | None]
#: (decision id, keys of the owners its open follow-up belongs to) for a feature's live decisions.
FollowUps = list[tuple[str, tuple[str, ...]]]


def follow_up_owners(f: Feature, record_owners: Mapping[str, tuple[str, ...]], patterns: NamePatterns) -> FollowUps:
    """Whose each open follow-up of the feature's live decisions is: the decision's owners', and
    every owner its text names."""
    found: FollowUps = []
    for d in f.decisions:
        if d.status in DEAD or not stated(d.follow_up):
            continue
        keys = list(record_owners.get(d.id, ()))
        for pattern in patterns:
            if pattern is not None:
                keys += [owner_key(m.group(0)) for m in pattern.finditer(d.follow_up)]
        found.append((d.id, tuple(dict.fromkeys(keys))))
    return found


def collect_owners(
    features: Sequence[Feature],
    owned: Sequence[FeatureOwners] | None = None,
    followed: Callable[[Feature, Mapping[str, tuple[str, ...]], NamePatterns, frozenset[str]], FollowUps] | None = None,
) -> Owners:
    """``features`` in the order owner pages list them (the portfolio's feature order). ``owned``:
    each feature's ``feature_owners``; ``followed``: ``follow_up_owners`` given also the spellings the
    patterns are made of (a serve session hands back the ones it kept)."""
    if owned is None:
        names_in: dict[str, list[str]] = {}  # owner cells repeat a few texts ("Platform Lead"): read each once

        def names_of(text: str) -> list[str]:
            names = names_in.get(text)
            if names is None:
                names = names_in[text] = owner_names(text)
            return names

        owned = [feature_owners(f, names_of) for f in features]
    collected: dict[str, _Collected] = defaultdict(_Collected)
    record_owners: dict[str, tuple[str, ...]] = {}
    unowned: set[str] = set()
    for f, part in zip(features, owned, strict=True):
        for kind, record, name, key in part.named:
            collected[key].add(kind, record, f.id, name)
        record_owners.update(part.record_owners)
        unowned.update(part.unowned)

    spellings = frozenset(spelling for c in collected.values() for spelling in c.spellings if len(spelling) >= 2)
    patterns = (_name_pattern([s for s in spellings if " " in s], re.IGNORECASE),
                _name_pattern([s for s in spellings if " " not in s], 0))
    for f in features:
        found = (followed(f, record_owners, patterns, spellings) if followed is not None
                 else follow_up_owners(f, record_owners, patterns))
        for decision, keys in found:
            for key in keys:
                if key in collected:
                    collected[key].add("follow_ups", decision, f.id)

    rank = {f.id: index for index, f in enumerate(features)}
    owners = {
        key: Owner(key, display_name(c.spellings), tuple(sorted(set(c.spellings))),
                   gates=tuple(c.records["gates"]), risks=tuple(c.records["risks"]),
                   decisions=tuple(c.records["decisions"]), follow_ups=tuple(c.records["follow_ups"]),
                   features=tuple(sorted(c.features, key=rank.__getitem__)))
        for key, c in sorted(collected.items())
    }
    return Owners(owners, record_owners, frozenset(unowned))
