"""Normalise the status words real authors write; the raw text is always kept beside the result."""

from __future__ import annotations

import re

GATE_STATUSES = ("pass", "fail", "waived", "not-applicable", "pending", "unknown")
DECISION_STATUSES = ("proposed", "in-review", "accepted", "superseded", "deprecated", "rejected", "unknown")
#: Risk levels from lowest to highest, then unknown; ``critical`` is a level above high.
LEVELS = ("low", "medium", "high", "critical", "unknown")

_GATE_SYMBOLS = {
    "✅": "pass", "✔": "pass", "☑": "pass", "🟢": "pass",
    "❌": "fail", "✗": "fail", "✘": "fail", "🔴": "fail", "⛔": "fail",
    "⚠": "pending", "⏳": "pending", "🟡": "pending", "🚧": "pending",
    "➖": "not-applicable",
}
_GATE_WORDS = {
    "pass": "pass", "passed": "pass", "passes": "pass", "passing": "pass", "compliant": "pass",
    "complies": "pass", "met": "pass", "satisfied": "pass", "ok": "pass", "yes": "pass",
    "aligned": "pass", "confirmed": "pass", "green": "pass",
    "fail": "fail", "failed": "fail", "fails": "fail", "failing": "fail", "violation": "fail",
    "violated": "fail", "violates": "fail", "non-compliant": "fail", "noncompliant": "fail",
    "not met": "fail", "no": "fail", "blocked": "fail", "red": "fail",
    "waived": "waived", "waiver": "waived", "exception": "waived", "exempt": "waived",
    "n/a": "not-applicable", "na": "not-applicable", "not applicable": "not-applicable",
    "deferred": "waived", "planned": "pending", "in_progress": "pending", "in progress": "pending",
    "in-progress": "pending", "pending": "pending", "tbd": "pending", "todo": "pending",
    "partial": "pending", "partially": "pending", "conditional": "pending", "review": "pending",
    "not compliant": "fail", "not pass": "fail", "not passed": "fail", "not passing": "fail",
    "not satisfied": "fail", "not aligned": "fail", "no violations": "pass", "no violation": "pass",
    "justified": "waived", "watch": "pending", "consideration": "pending", "justify": "waived",
    "reinforced": "pass", "upheld": "pass", "honoured": "pass", "honored": "pass", "satisfies": "pass",
    "waive": "waived", "deviation": "waived", "action required": "pending",
    "pass with exception": "waived", "pass with noted exception": "waived",
}
_DECISION_WORDS = {
    "proposed": "proposed", "proposal": "proposed", "draft": "proposed", "open": "proposed",
    "pending": "proposed", "tbd": "proposed", "blocked": "proposed", "on hold": "proposed", "deferred": "proposed",
    "postponed": "proposed",
    "in review": "in-review", "in_review": "in-review", "in-review": "in-review",
    "under review": "in-review", "review": "in-review", "reviewing": "in-review",
    "accepted": "accepted", "approved": "accepted", "decided": "accepted", "adopted": "accepted",
    "chosen": "accepted", "final": "accepted", "resolved": "accepted", "done": "accepted",
    "implemented": "accepted", "agreed": "accepted", "confirmed": "accepted",
    "superseded": "superseded", "replaced": "superseded",
    "deprecated": "deprecated", "obsolete": "deprecated", "retired": "deprecated",
    "rejected": "rejected", "declined": "rejected", "dropped": "rejected", "withdrawn": "rejected",
}
_DECISION_SYMBOLS = {"✅": "accepted", "❌": "rejected", "⏳": "proposed", "🔄": "in-review"}
_LEVEL_WORDS = {
    "low": "low", "l": "low", "minor": "low", "very low": "low", "negligible": "low", "unlikely": "low",
    "rare": "low",
    "medium": "medium", "med": "medium", "m": "medium", "moderate": "medium", "mid": "medium",
    "possible": "medium", "likely": "high",
    "high": "high", "h": "high", "very high": "high", "severe": "high",
    "major": "high", "certain": "high", "almost certain": "high",
    "critical": "critical", "crit": "critical", "catastrophic": "critical", "blocker": "critical",
    "showstopper": "critical", "show-stopper": "critical", "extreme": "critical",
}
#: The level words authors use as a rating on their own ("High", "Medium-High"): the words a
#: sentence of prose is read for; everyday words such as "likely" or "major" are not ratings there.
_RATING_WORDS = {k: v for k, v in _LEVEL_WORDS.items()
                 if k in ("low", "very low", "medium", "moderate", "high", "very high", "critical")}


def _pattern(words: dict[str, str], before: str = r"\w/-", after: str = r"\w/") -> re.Pattern[str]:
    alternatives = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]+") for w in alternatives)
    return re.compile(rf"(?<![{before}])(?:{body})(?![{after}])", re.IGNORECASE)


_GATE_RE = _pattern(_GATE_WORDS)
_DECISION_RE = _pattern(_DECISION_WORDS)
_LEVEL_RE = _pattern(_LEVEL_WORDS, before="A-Za-z", after="A-Za-z")
_RATING_RE = _pattern(_RATING_WORDS, before="A-Za-z", after="A-Za-z")


def _key(word: str) -> str:
    """Spaces, underscores and hyphens are one separator: "IN_PROGRESS" = "in progress"."""
    return re.sub(r"[\s_-]+", " ", word.lower())


_GATE_KEYS = {_key(k): v for k, v in _GATE_WORDS.items()}
_DECISION_KEYS = {_key(k): v for k, v in _DECISION_WORDS.items()}
_LEVEL_KEYS = {_key(k): v for k, v in _LEVEL_WORDS.items()}


def _first(text: str, symbols: dict[str, str], pattern: re.Pattern[str], words: dict[str, str]) -> str | None:
    """The status of the earliest recognised symbol or word in text."""
    best: tuple[int, str] | None = None
    for symbol, status in symbols.items():
        at = text.find(symbol)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, status)
    match = pattern.search(text)
    if match and (best is None or match.start() < best[0]):
        best = (match.start(), words[_key(match.group(0))])
    return best[1] if best else None


GATE_SYMBOLS = tuple(_GATE_SYMBOLS)
# What may follow a capitalised status word for it to be a verdict ("Pass.", "Compliant —", "Yes,")
# rather than the first word of prose ("No new service", "Met with the team").
_VERDICT_END = re.compile(r"\s*(?:$|[.,;:!)\]—–(])|\s+-\s")


def leading_gate_status(text: str, capitalised: bool = False) -> str:
    """The status a text opens with ("✅ PASS - …", "PASS. …"); unknown when it opens with anything else.

    Words count only in capitals here: "No external services" opens prose, not a FAIL. With
    ``capitalised``, a capitalised word that ends its clause counts too ("Pass.", "Reinforced —").
    """
    stripped = text.lstrip(" *_`[(")
    for symbol, status in _GATE_SYMBOLS.items():
        if stripped.startswith(symbol):
            return status
    match = _GATE_RE.match(stripped)
    if not match:
        return "unknown"
    word = match.group(0)
    if word.isupper():
        return gate_status(word)
    rest = stripped[match.end():].lstrip("*_`")
    if capitalised and word[:1].isupper() and word[1:] == word[1:].lower() and _VERDICT_END.match(rest):
        return gate_status(word)
    return "unknown"


def gate_status(raw: str) -> str:
    """pass | fail | waived | not-applicable | pending | unknown (also for empty text).

    A mark followed by a status word is read by the word: "⚠️ N/A" is not applicable,
    "⚠️ Justified" waived, "✅ PASS (deferred)" a pass.
    """
    stripped = raw.lstrip(" *_`[(")
    mark = next((symbol for symbol in _GATE_SYMBOLS if stripped.startswith(symbol)), None)
    if mark is not None:
        word = leading_gate_status(stripped[len(mark):].lstrip(" \ufe0f"), capitalised=True)
        if word != "unknown":
            return word
    return _first(raw, _GATE_SYMBOLS, _GATE_RE, _GATE_KEYS) or "unknown"


def decision_status(raw: str) -> str:
    return _first(raw, _DECISION_SYMBOLS, _DECISION_RE, _DECISION_KEYS) or "unknown"


def _levels_in(pattern: re.Pattern[str], raw: str) -> list[str]:
    """The levels of the level words pattern finds; casefolded, as the pattern matches "ſ" for "s"."""
    found = (_LEVEL_KEYS.get(_key(m.group(0)).casefold()) for m in pattern.finditer(raw))
    return [value for value in found if value]


def level(raw: str) -> str:
    """low | medium | high | critical | unknown; for "Low-Medium" style ranges the higher bound counts."""
    found = _levels_in(_LEVEL_RE, raw)
    if not found:
        digits = re.fullmatch(r"\s*([1-5])\s*(?:/\s*5)?\s*", raw)
        if digits:
            return ("low", "low", "medium", "high", "high")[int(digits.group(1)) - 1]
        return "unknown"
    return max(found, key=LEVELS.index)


#: A rating stated as the text's first word(s): "High", "**Medium** (blocks start)", "Low — cosmetic".
_LEADING_RATING = re.compile(r"^[\s*_`(\[]*([A-Za-z][A-Za-z /-]*?)(?=$|[^A-Za-z /-]|\s[-–—(:,])")


def rating(raw: str) -> str:
    """The level a rating cell or line gives: a short rating ("Medium-High", "4/5") as level() reads
    it; prose ("Users see stale data") only by a rating word it opens with or states ("impact is
    high"), never by everyday words such as "likely" or "major"; unknown otherwise."""
    text = raw.strip()
    if not text:
        return "unknown"
    words = re.findall(r"[A-Za-z]+", text)
    if len(words) <= 3:
        return level(text)
    lead = _LEADING_RATING.match(text)
    if lead and len(lead.group(1).split()) <= 3:
        found = level(lead.group(1))
        if found != "unknown":
            return found
    stated = _levels_in(_RATING_RE, text)
    return max(stated, key=LEVELS.index) if stated else "unknown"


def _rank(value: str) -> int:
    """low 1, medium 2, high 3; critical counts as 3 in the product."""
    return min(LEVELS.index(value) + 1, 3)


def risk_level(probability: str, impact: str) -> str:
    """Probability × impact on a 3×3 grid: 6 and 9 are high, 3 and 4 medium, 1 and 2 low.

    Critical counts as high (3) in the product; the level is critical when either is critical and
    the other is high or critical.
    """
    if probability == "unknown" or impact == "unknown":
        return "unknown"
    if "critical" in (probability, impact) and {probability, impact} <= {"high", "critical"}:
        return "critical"
    score = _rank(probability) * _rank(impact)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


PLAN_STATES = ("draft", "in-review", "approved", "in-progress", "complete", "on-hold", "abandoned", "other")
_PLAN_WORDS = {
    "draft": "draft", "proposed": "draft", "planning": "draft", "not started": "draft", "todo": "draft",
    "in review": "in-review", "review": "in-review", "under review": "in-review",
    "approved": "approved", "accepted": "approved", "ready": "approved", "planned": "approved",
    "in progress": "in-progress", "wip": "in-progress", "active": "in-progress", "implementing": "in-progress",
    "ongoing": "in-progress", "started": "in-progress", "underway": "in-progress",
    "complete": "complete", "completed": "complete", "done": "complete", "finished": "complete",
    "implemented": "complete", "shipped": "complete", "merged": "complete", "delivered": "complete",
    "released": "complete",
    "on hold": "on-hold", "paused": "on-hold", "blocked": "on-hold", "deferred": "on-hold",
    "abandoned": "abandoned", "cancelled": "abandoned", "canceled": "abandoned", "withdrawn": "abandoned",
    "rejected": "abandoned", "superseded": "abandoned", "obsolete": "abandoned",
}
_PLAN_RE = _pattern(_PLAN_WORDS)
_PLAN_KEYS = {_key(k): v for k, v in _PLAN_WORDS.items()}
_PLAN_SYMBOLS = {"✅": "complete", "🚧": "in-progress", "⏸": "on-hold", "❌": "abandoned"}


def plan_state(raw: str) -> str:
    """A plan's status in one vocabulary ("Complete", "completed", "✅ Done" are all complete);
    "other" when no known word is in it, "" when no status is written."""
    if not raw.strip():
        return ""
    return _first(raw, _PLAN_SYMBOLS, _PLAN_RE, _PLAN_KEYS) or "other"
