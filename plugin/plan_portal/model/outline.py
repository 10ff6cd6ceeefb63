"""What each section of a plan is about, judged from its heading and its parents' headings.

Real authors rename headings ("Risk Assessment", "Risks & Mitigations", "Design Decisions"),
so sections are classified by the words in their titles, never by exact titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plan_portal.read.blocks import Document

_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tech", re.compile(r"technical context|tech(nology)? stack|technical stack")),
    ("gates", re.compile(r"constitution|\bgates?\b|compliance check|principles? check|"
                         r"post-design re-?(check|evaluat|assess)")),
    ("decisions", re.compile(r"decision|\badrs?\b")),
    ("risks", re.compile(r"\brisks?\b|threat")),
    ("research", re.compile(r"research|open questions|unknowns|outstanding")),
    ("complexity", re.compile(r"complexity")),
    ("exit", re.compile(r"exit criteria")),
    ("architecture", re.compile(r"architecture (&|and) contracts")),
    ("readiness", re.compile(r"implementation readiness")),
    ("progress", re.compile(r"progress tracking")),
    ("structure", re.compile(r"project structure|source code|documentation \(this feature\)")),
    ("summary", re.compile(r"^summary$|^overview$")),
)
_POST = re.compile(r"post[- ]?(?:design|phase|research|implementation)|re-?check|re-?evaluat|re-?assess|gate 2|"
                   r"after (?:phase 1|design)")
_PRE = re.compile(r"pre[- ]?(?:design|phase|research)|initial (?:check|gate|constitution)|gate 1|"
                  r"before (?:phase 0|research|design)|phase 0 gate")


def kinds_of(title: str) -> frozenset[str]:
    lowered = title.lower()
    return frozenset(kind for kind, pattern in _KIND_WORDS if pattern.search(lowered))


def phase_of(title: str) -> str | None:
    """pre-research | post-design for a heading that names a gate phase, else None."""
    lowered = title.lower()
    if _POST.search(lowered):
        return "post-design"
    if _PRE.search(lowered):
        return "pre-research"
    return None


@dataclass(slots=True)
class Outline:
    doc: Document
    parents: list[int]
    kinds: list[frozenset[str]]

    def ancestry(self, index: int) -> list[int]:
        """The section and its parents, innermost first."""
        chain = []
        while index >= 0:
            chain.append(index)
            index = self.parents[index]
        return chain

    def of_kind(self, kind: str) -> list[int]:
        return [i for i, kinds in enumerate(self.kinds) if kind in kinds]


def outline(doc: Document) -> Outline:
    """Classify every section below the title; nested sections inherit their parents' kinds."""
    parents: list[int] = []
    kinds: list[frozenset[str]] = []
    stack: list[int] = []
    for index, section in enumerate(doc.sections):
        while stack and doc.sections[stack[-1]].level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else -1
        own = kinds_of(section.title) if section.level > 1 else frozenset()
        inherited = kinds[parent] if parent >= 0 and doc.sections[parent].level > 1 else frozenset()
        parents.append(parent)
        kinds.append(own | inherited)
        stack.append(index)
    return Outline(doc, parents, kinds)
