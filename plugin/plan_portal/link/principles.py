"""Which constitution principle each gate checks.

Plans name a principle many ways: ``II. Async-First Architecture``, ``Principle 2``, ``Async-First``,
``Riverpod state/DI`` for "Riverpod for State Management & Dependency Injection", a checklist
sentence ("Visible feedback requirements respected"), or a rule row under the principle's heading.
A number is trusted only when the name beside it agrees (a plan written against an older
constitution keeps old numbers, and numbered lists number anything); otherwise the name decides,
by its words, and a gate that matches no principle closely keeps its own name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

from plan_portal.model.constitution import roman_number
from plan_portal.model.records import Constitution, Gate, Principle

#: ``II.``, ``Principle 2:``, ``Principle XI (…)``, ``§VI``, ``P3 -``.
_NUMBER = re.compile(
    r"^\W*(?:(?i:principle)\s*|§\s*)?(?P<number>[IVXLC]{1,6}|\d{1,2})(?=[\s.:)(\u2014\u2013-]|$)[\s.:)(\u2014\u2013-]*(?P<rest>.*)$")
_PRINCIPLE_WORD = re.compile(r"^\W*principle\b", re.I)
#: A principle cited by number anywhere in a name: ``(Principle V)``, ``per Principle 3``.
_CITED = re.compile(r"\bprinciple\s+([IVXLC]{1,6}|\d{1,2})\b", re.I)
#: Words that say nothing about which principle is meant.
FILLER = frozenset({
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "by", "be", "is", "are", "as", "at", "or",
    "via", "all", "any", "per", "its", "it", "this", "that", "our", "principle", "principles", "development",
    "driven", "based", "oriented", "design", "approach", "standards", "standard", "non", "negotiable",
    "nonnegotiable", "must", "should", "gate", "check", "compliance", "compliant", "pass", "passed", "passes",
})
_WORD = re.compile(r"[^\W_]+")
_WIDE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: How much of the shorter name's words the other must share, at least, to count as the same
#: principle (one word of two is not enough: "Configuration-editor completeness" is not
#: "Externalised Configuration").
MATCH = 0.5
#: Ratio of the two normalised names above which a near-spelling counts too.
CLOSE = 0.8


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> frozenset[str]:
    """The telling words of a name, lower-cased and stemmed; wide characters count one by one."""
    text = unicodedata.normalize("NFKC", text).lower()
    found: set[str] = set()
    for word in _WORD.findall(text):
        if _WIDE.search(word):
            found.update(ch for ch in word if not ch.isspace())
        elif word not in FILLER and not word.isdigit():
            found.add(_stem(word))
    return frozenset(found)


def name_key(name: str) -> str:
    """One spelling for every way of writing a gate's name: numbering, case, punctuation and
    filler words left out (``Principle I: Test-First Development`` → ``test first``)."""
    numbered = _NUMBER.match(name)
    rest = numbered.group("rest") if numbered and (numbered.group("rest") or _PRINCIPLE_WORD.match(name)) else name
    tokens = [w for w in _WORD.findall(unicodedata.normalize("NFKC", rest).lower()) if w not in FILLER]
    return " ".join(tokens) or re.sub(r"\s+", " ", name.strip().lower())


def _similarity(a: frozenset[str], b: frozenset[str], a_text: str, b_text: str) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b) / min(len(a), len(b))
    close = SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()
    if close < CLOSE:
        close = SequenceMatcher(None, name_key(a_text), name_key(b_text)).ratio()
    return max(shared, close if close >= CLOSE else 0.0)


class PrincipleIndex:
    """The constitution's principles, ready to be matched by number and by name."""

    def __init__(self, principles: Iterable[Principle]) -> None:
        self.principles = list(principles)
        self.by_number = {p.number: p for p in self.principles if p.number}
        self.words = {p.id: words(p.name) for p in self.principles}
        self.text_words = {p.id: words(p.text) | self.words[p.id] for p in self.principles}

    def by_name(self, text: str) -> tuple[Principle | None, float]:
        """The principle whose name best matches, if it matches well and better than any other."""
        mine = words(text)
        scored = sorted(((_similarity(mine, self.words[p.id], text, p.name), p) for p in self.principles),
                        key=lambda pair: -pair[0])
        if not scored or scored[0][0] <= MATCH:
            return None, 0.0
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None, 0.0  # as close to two principles: say neither
        return scored[0][1], scored[0][0]

    def numbered(self, name: str) -> Principle | None:
        """The principle a name gives by number, when the words beside the number agree with it
        (its name, or a rule its text states: ``XI. One document, one state``) or there are none."""
        cited = _CITED.search(name)
        if cited:  # "… elevation-gating (Principle V)"
            return self.by_number.get(roman_number(cited.group(1).upper()))
        numbered = _NUMBER.match(name)
        if not numbered:
            return None
        principle = self.by_number.get(roman_number(numbered.group("number").upper()))
        rest = numbered.group("rest")
        if principle is None:
            return None
        mine = words(rest)
        if not mine or _similarity(mine, self.words[principle.id], rest, principle.name) > 0:
            return principle
        return principle if mine <= self.text_words[principle.id] else None

    def match(self, name: str) -> Principle | None:
        by_number = self.numbered(name)
        if by_number is not None:
            return by_number
        numbered = _NUMBER.match(name)
        named, _ = self.by_name(numbered.group("rest") if numbered else name)
        return named


def map_gates(gates: Iterable[Gate], constitution: Constitution | None) -> None:
    """Set each gate's ``principle``: the one its name numbers, else the one the heading above it
    numbers (rule rows under ``### I. Layered Architecture``), else the one its name matches."""
    index = PrincipleIndex(constitution.principles) if constitution is not None else None
    for gate in gates:
        if index is None or not index.principles:
            gate.principle = None
            continue
        found = index.numbered(gate.name) or (index.numbered(gate.group) if gate.group else None)
        if found is None:
            found = index.match(gate.name)
        if found is None and gate.group:
            found = index.match(gate.group)
        gate.principle = found.id if found is not None else None
