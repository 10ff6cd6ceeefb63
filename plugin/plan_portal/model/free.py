"""The parts of a plan the model reads no records from, kept as the author wrote them.

Real plans carry sections no template names ("Implementation Order", "Execution Notes",
"Phase 2: Rollout"): the feature page shows them in plan order, so no text of a plan is lost.
A section counts as read when a record came from it or from a section below it, or when the
feature page shows its kind whole (technical context, structure, exit criteria, complexity).
"""

from __future__ import annotations

import re

from plan_portal.model.outline import Outline
from plan_portal.model.records import FreeSection
from plan_portal.read.blocks import Section

#: Section kinds the feature page shows in full from their own records.
_SHOWN_WHOLE = frozenset({"tech", "structure", "exit", "complexity"})
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")


def section_markdown(lines: list[str], heading_line: int, end_line: int) -> str:
    """The Markdown between a heading (1-based line) and the next, HTML comments left out."""
    body = lines[heading_line:end_line - 1]
    if body and _SETEXT_UNDERLINE.match(body[0]):
        body = body[1:]
    return _COMMENT.sub("", "\n".join(body)).strip("\n")


def section_ends(sections: list[Section], line_count: int) -> list[int]:
    """The line after each section: the next heading's line, or past the file's end."""
    return [s.line for s in sections[1:]] + [line_count + 1]


def free_sections(plan: Outline, lines: list[str], taken: set[int]) -> list[FreeSection]:
    """Sections below the title with text of their own that no record came from, in plan order.

    ``lines`` is the whole file; ``taken`` holds the lines records were read from.
    """
    sections = plan.doc.sections
    ends = section_ends(sections, len(lines))
    read = [False] * len(sections)
    for index in range(len(sections) - 1, -1, -1):
        own = range(sections[index].line, ends[index])
        if read[index] or plan.kinds[index] & _SHOWN_WHOLE or any(line in taken for line in own):
            read[index] = True
            parent = plan.parents[index]
            if parent >= 0:
                read[parent] = True
    free_below = [False] * len(sections)
    for index in range(len(sections) - 1, 0, -1):
        parent = plan.parents[index]
        if parent >= 0 and (not read[index] or free_below[index]):
            free_below[parent] = True
    found: list[FreeSection] = []
    depth: dict[int, int] = {}  # of the sections shown, by index
    for index, section in enumerate(sections):
        if section.level < 2 or read[index]:
            continue
        body = section_markdown(lines, section.line, ends[index])
        if not body.strip() and not free_below[index]:
            continue
        parent = plan.parents[index]
        shown_in = depth.get(parent)
        depth[index] = 0 if shown_in is None else shown_in + 1
        context = "" if shown_in is not None or parent < 0 or sections[parent].level < 2 else sections[parent].title
        found.append(FreeSection(section.title, context, depth[index], body, section.line))
    return found
