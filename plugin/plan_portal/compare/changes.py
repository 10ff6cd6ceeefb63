"""What changed between two export documents: features, gates, risks, decisions and diagnostics.

Records are matched by (feature, record id). Records of a feature that was added or removed are
not listed one by one: the feature's own change says how many it brings or takes away.
Diagnostics are matched by (path, code, message), so that lines shifting is no change.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Kinds of change, and actions, in report order.
KINDS = ("feature", "gate", "risk", "decision", "diagnostic")
ACTIONS = ("added", "removed", "changed", "closed", "re-rated", "appeared", "resolved")
#: Risk status words (in a Status column of a register) that mean the risk no longer applies.
CLOSED_RISK_WORDS = ("closed", "resolved", "retired")
#: How far a gate status is from passing; unknown statuses are not ranked (no direction).
GATE_RANK = {"pass": 0, "not-applicable": 0, "waived": 1, "pending": 2, "fail": 3}
#: Risk levels (and probabilities, impacts) from least to most severe.
LEVEL_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
#: Decision statuses that are open (still to be settled) and settled. accepted → superseded or
#: deprecated is how decisions evolve: neither better nor worse.
OPEN_DECISIONS = ("proposed", "in-review")

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``record`` is the record's id in its feature (empty for a feature, the code
    for a diagnostic); ``before`` and ``after`` are short labels, empty where there is no side."""

    kind: str
    #: feature: added | removed; gate, decision: added | removed | changed;
    #: risk: added | closed | re-rated; diagnostic: appeared | resolved.
    action: str
    feature: str
    record: str
    title: str
    before: str = ""
    after: str = ""
    #: ``path:line`` of a diagnostic.
    where: str = ""
    #: Whether the feature, record or diagnostic exists in ``head`` (not removed, closed by removal, resolved).
    present: bool = True
    #: worse (a regression: a gate now failing, a risk rated up, a decision reopened, a new error or
    #: warning) | better (the reverse, a risk closed) | "" (neither, or not comparable).
    direction: str = ""

    @property
    def key(self) -> str:
        """The feature id, or the record's portfolio-wide id (``feature/record``)."""
        return f"{self.feature}/{self.record}" if self.record and self.kind != "diagnostic" else self.feature


@dataclass(frozen=True, slots=True)
class Revision:
    """What one side of a comparison was asked to be, and the commit it was read at."""

    #: As written: ``main``, ``HEAD~3``, ``7 days``, ``2026-11-01``.
    asked: str
    #: ref (a branch, tag, commit …) | date (a day or a moment) | age (``7 days``).
    kind: str
    #: The full hash of the commit read.
    commit: str
    #: The commit's committer date, ISO 8601 with its offset (``2026-11-24T16:02:11+01:00``).
    committed: str = ""
    #: The first line of its message.
    subject: str = ""
    #: For a date or an age: the moment it named (ISO 8601); the commit is the last one of the
    #: current branch's first-parent history committed at or before it.
    moment: str = ""

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def day(self) -> str:
        """The commit's date as ``YYYY-MM-DD``."""
        return self.committed[:10]

    @property
    def when(self) -> str:
        """The commit's date and time as ``2026-11-24 16:02 +01:00``."""
        return readable_moment(self.committed)

    @property
    def moment_text(self) -> str:
        return readable_moment(self.moment)


def readable_moment(stamp: str) -> str:
    """``2026-11-24T16:02:11+01:00`` → ``2026-11-24 16:02 +01:00`` (an offset of zero is ``UTC``)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    offset = moment.strftime("%z")
    zone = "" if not offset else "UTC" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}"
    return f"{moment:%Y-%m-%d %H:%M} {zone}".rstrip()


@dataclass(slots=True)
class Comparison:
    """The changes from ``base`` to ``head`` (labels such as a ref, a file, "working tree")."""

    base: str
    head: str
    changes: list[Change] = field(default_factory=list)
    #: Why the baseline could not be read; the comparison is then empty.
    problem: str = ""
    #: The commit ``base`` was read at (None for an export file or the working tree).
    base_revision: Revision | None = None
    head_revision: Revision | None = None

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[tuple[str, str], int]:
        """How many changes of each (kind, action), in report order."""
        found = Counter((c.kind, c.action) for c in self.changes)
        return {(k, a): found[(k, a)] for k in KINDS for a in ACTIONS if found[(k, a)]}

    def directions(self) -> dict[str, int]:
        """How many changes are worse and how many better."""
        found = Counter(c.direction for c in self.changes)
        return {"worse": found["worse"], "better": found["better"]}

    def marks(self) -> dict[str, Change]:
        """Changes of what still exists in ``head``, by feature id or record id: what a dashboard can mark."""
        return {c.key: c for c in self.changes if c.kind != "diagnostic" and c.present}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "plan-portal-diff/1",
            "base": self.base,
            "head": self.head,
            "problem": self.problem,
            "base_revision": dataclasses.asdict(self.base_revision) if self.base_revision else None,
            "head_revision": dataclasses.asdict(self.head_revision) if self.head_revision else None,
            "counts": {kind: {action: n for (k, action), n in self.counts().items() if k == kind} for kind in KINDS},
            "changes": [dataclasses.asdict(c) for c in self.changes],
        }


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _index(records: Iterable[Record]) -> dict[tuple[str, str], Record]:
    return {(_text(r.get("feature")), _text(r.get("local_id") or r.get("id"))): r for r in records}


def _status(record: Record, upper: bool = False) -> str:
    """The normalised status, or the author's words when the portal did not recognise them."""
    status = _text(record.get("status"))
    if status in ("", "unknown"):
        return _text(record.get("raw_status")) or "unknown"
    return status.upper() if upper else status


def _risk_rating(risk: Record) -> str:
    probability = _text(risk.get("probability")) or "unknown"
    impact = _text(risk.get("impact")) or "unknown"
    return f"{probability}×{impact} ({_text(risk.get('level')) or 'unknown'})"


def _risk_status(risk: Record) -> str:
    extra = risk.get("extra")
    if not isinstance(extra, dict):
        return ""
    return next((_text(v) for k, v in extra.items() if _text(k).strip().lower() in ("status", "state")), "")


def _is_closed(risk: Record) -> bool:
    status = _risk_status(risk).lower()
    return any(word in status for word in CLOSED_RISK_WORDS)


def _feature_contents(document: Record, feature: str) -> str:
    gates = [g for g in document.get("gates", []) if g.get("feature") == feature]
    risks = sum(1 for r in document.get("risks", []) if r.get("feature") == feature)
    decisions = sum(1 for d in document.get("decisions", []) if d.get("feature") == feature)
    failing = sum(1 for g in gates if g.get("status") == "fail")
    parts = [_plural(len(gates), "gate") + (f" ({failing} FAIL)" if failing else ""),
             _plural(risks, "risk"), _plural(decisions, "decision")]
    return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _sign(before: int | None, after: int | None) -> str:
    if before is None or after is None or before == after:
        return ""
    return "worse" if after > before else "better"


def _gate_direction(old: Record | None, new: Record | None) -> str:
    if old is None:
        return "worse" if new is not None and new.get("status") == "fail" else ""
    if new is None:
        return ""
    return _sign(GATE_RANK.get(_text(old.get("status"))), GATE_RANK.get(_text(new.get("status"))))


def _decision_direction(old: Record | None, new: Record | None) -> str:
    if old is None or new is None:
        return ""
    before, after = _text(old.get("status")), _text(new.get("status"))
    if before == "accepted" and (after in OPEN_DECISIONS or after == "rejected"):
        return "worse"  # reopened or reverted
    return "better" if before in OPEN_DECISIONS and after == "accepted" else ""


def _risk_direction(old: Record, new: Record) -> str:
    """Rated up or down: by level, or by probability × impact when the level stays."""
    level = _sign(LEVEL_RANK.get(_text(old.get("level"))), LEVEL_RANK.get(_text(new.get("level"))))
    if level or old.get("level") != new.get("level"):
        return level

    def score(risk: Record) -> int | None:
        ranks = [LEVEL_RANK.get(_text(risk.get(key))) for key in ("probability", "impact")]
        return ranks[0] * ranks[1] if ranks[0] is not None and ranks[1] is not None else None

    return _sign(score(old), score(new))


def _features(base: Record, head: Record) -> tuple[list[Change], set[str]]:
    before = {_text(f.get("id")): f for f in base.get("features", [])}
    after = {_text(f.get("id")): f for f in head.get("features", [])}
    changes = [Change("feature", "added", i, "", _text(after[i].get("title")), after=_feature_contents(head, i))
               for i in sorted(after.keys() - before.keys())]
    changes += [Change("feature", "removed", i, "", _text(before[i].get("title")), before=_feature_contents(base, i),
                       present=False) for i in sorted(before.keys() - after.keys())]
    return changes, before.keys() ^ after.keys()


def _pairs(base: list[Record], head: list[Record],
           skip: set[str]) -> Iterator[tuple[str, str, Record | None, Record | None]]:
    """(feature, record id, before, after) for every record on either side, outside ``skip``."""
    before, after = _index(base), _index(head)
    for key in sorted(before.keys() | after.keys()):
        if key[0] not in skip:
            yield key[0], key[1], before.get(key), after.get(key)


def _gate_or_decision(kind: str, title_key: str, base: list[Record], head: list[Record],
                      skip: set[str]) -> list[Change]:
    upper = kind == "gate"
    direction = _gate_direction if upper else _decision_direction
    changes = []
    for feature, record, old, new in _pairs(base, head, skip):
        if old is None and new is not None:
            changes.append(Change(kind, "added", feature, record, _text(new.get(title_key)), after=_status(new, upper),
                                  direction=direction(old, new)))
        elif new is None and old is not None:
            changes.append(Change(kind, "removed", feature, record, _text(old.get(title_key)),
                                  before=_status(old, upper), present=False))
        elif old is not None and new is not None and _status(old, upper) != _status(new, upper):
            changes.append(Change(kind, "changed", feature, record, _text(new.get(title_key)),
                                  _status(old, upper), _status(new, upper), direction=direction(old, new)))
    return changes


def _risks(base: list[Record], head: list[Record], skip: set[str]) -> list[Change]:
    changes = []
    for feature, record, old, new in _pairs(base, head, skip):
        if new is None and old is not None:
            if not _is_closed(old):
                changes.append(Change("risk", "closed", feature, record, _text(old.get("description")),
                                      _risk_rating(old), "removed", present=False, direction="better"))
        elif old is None and new is not None:
            if not _is_closed(new):  # naming a new risk is neither better nor worse
                changes.append(Change("risk", "added", feature, record, _text(new.get("description")),
                                      after=_risk_rating(new)))
        elif old is not None and new is not None:
            title = _text(new.get("description"))
            if _is_closed(new) and not _is_closed(old):
                changes.append(Change("risk", "closed", feature, record, title, _risk_rating(old), _risk_status(new),
                                      direction="better"))
            elif _risk_rating(old) != _risk_rating(new) and not _is_closed(new):
                changes.append(Change("risk", "re-rated", feature, record, title, _risk_rating(old),
                                      _risk_rating(new), direction=_risk_direction(old, new)))
    return changes


def _diagnostic_key(d: Record) -> tuple[str, str, str]:
    return (_text(d.get("path")), _text(d.get("code")), _text(d.get("message")))


def _diagnostic_change(action: str, d: Record) -> Change:
    severity = _text(d.get("severity"))
    direction = "" if severity not in ("error", "warning") else "worse" if action == "appeared" else "better"
    return Change("diagnostic", action, "", _text(d.get("code")), _text(d.get("message")),
                  before=severity if action == "resolved" else "", after=severity if action == "appeared" else "",
                  where=f"{_text(d.get('path'))}:{_text(d.get('line'))}", present=action == "appeared",
                  direction=direction)


def _diagnostics(base: list[Record], head: list[Record]) -> list[Change]:
    """Diagnostics that appeared or went away; two equal diagnostics count twice."""
    before = Counter(_diagnostic_key(d) for d in base)
    after = Counter(_diagnostic_key(d) for d in head)
    appeared, resolved = after - before, before - after
    changes = []
    for action, side, extra in (("appeared", head, appeared), ("resolved", base, resolved)):
        for d in side:  # equal keys differ at most in line: which of them is reported does not matter
            key = _diagnostic_key(d)
            if extra[key] > 0:
                extra[key] -= 1
                changes.append(_diagnostic_change(action, d))
    return changes


def compare(base: Record, head: Record, base_label: str, head_label: str) -> Comparison:
    """The changes from the export document ``base`` to ``head``."""
    features, skip = _features(base, head)
    changes = [
        *features,
        *_gate_or_decision("gate", "name", base.get("gates", []), head.get("gates", []), skip),
        *_risks(base.get("risks", []), head.get("risks", []), skip),
        *_gate_or_decision("decision", "title", base.get("decisions", []), head.get("decisions", []), skip),
        *_diagnostics(base.get("diagnostics", []), head.get("diagnostics", [])),
    ]
    return Comparison(base_label, head_label, changes)
