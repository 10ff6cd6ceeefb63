"""Text scanners: NEEDS CLARIFICATION markers and template placeholders left in a file."""

from __future__ import annotations

import re

from plan_portal.read.blocks import Marker

_CLARIFY = re.compile(r"NEEDS CLARIFICATION(?:\s*[:—–-]\s*(?P<text>[^\]\n]*))?")
# Mentions that talk about markers rather than being one: "no NEEDS CLARIFICATION remain".
_TALK_BEFORE = re.compile(r"(?:\b(?:no|all|any|zero|none|resolve[sd]?|without|remaining|or|every|each|unresolved|"
                          r"outstanding|open|pending|for|if|the)\b|\b0)[\s`*\"'“”\[]*$", re.I)
_TALK_AFTER = re.compile(r"^[\s`*\"'“”\]]*(?:markers?|items?|remain|resolved|tags?|count|entries|questions?)\b",
                         re.I)
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,120})\]")
# "[US1, US2]", "[FR-001]", "[ADR-001]", "[P]": references and tags, not template text.
_ID_LIST = re.compile(r"[A-Z]+-?\d+[A-Za-z.]*(?:\s*[,;/+&]\s*[A-Z]+-?\d+[A-Za-z.]*)*|P\d*")
_CAPS = re.compile(r"^[A-Z#][A-Z0-9 _/#.,-]*$")
#: Sentence-case placeholder texts of the seed and upstream templates (compared lowercased).
TEMPLATE_PHRASES = frozenset({
    "add more", "context", "databases or persistence layers", "decision title", "gate name",
    "high/med/low", "link to section/evidence", "mitigation plan", "next action",
    "performance, compliance, availability", "platforms/environments", "primary frameworks/libraries",
    "research task or question", "role", "signal to act", "status", "unit/integration/contract tools",
    "what problem this solves", "why chosen", "why necessary", "why simpler option insufficient",
    "link to spec.md", "link", "current need", "specific problem", "same as backend above",
    "gates determined based on constitution file", "why 3 projects insufficient",
    "why direct db access insufficient", "confirm tasks baseline, agent context updated, blockers cleared.",
    "document required artifacts (data-model, contracts, decisions).",
    "document the selected structure and reference concrete directories.",
    "extract key intent from spec and outline the proposed technical direction.",
    "list measurable checkpoints that must be true to proceed.",
    "extract from feature spec: primary requirement + technical approach from research",
    "src/ structure as defined by this plan. replace with actual layout.",
    "platform-specific structure: feature modules, ui flows, platform tests",
})


def clarifications(texts: list[Marker]) -> list[Marker]:
    """Every NEEDS CLARIFICATION marker, with the question when the author wrote one."""
    found: list[Marker] = []
    for run in texts:
        if "NEEDS CLARIFICATION" not in run.text:
            continue
        for match in _CLARIFY.finditer(run.text):
            before = run.text[max(0, match.start() - 60): match.start()]
            after = run.text[match.end():]
            if _TALK_BEFORE.search(before) or (not match.group("text") and _TALK_AFTER.match(after)):
                continue
            question = (match.group("text") or "").strip().rstrip("]").strip()
            if not question:
                question = before.rstrip(" [:—–-").strip() or "NEEDS CLARIFICATION"
            found.append(Marker(question, run.line))
    return found


def is_placeholder(inner: str) -> bool:
    text = inner.strip()
    if text in ("", "x", "X") or text.startswith("NEEDS CLARIFICATION"):
        return False
    if text.startswith("###") or text.lower().startswith("e.g.") or text.lower() in TEMPLATE_PHRASES:
        return True
    letters = sum(ch.isalpha() for ch in text)
    return bool(_CAPS.match(text)) and letters >= 3 and not _ID_LIST.fullmatch(text)


def placeholders(texts: list[Marker]) -> list[Marker]:
    return [
        Marker(f"[{match.group(1)}]", run.line)
        for run in texts
        if "[" in run.text
        for match in _BRACKETED.finditer(run.text)
        if is_placeholder(match.group(1))
    ]
