"""Decisions: Decision Log tables, ``### D1: …`` headings, and research.md's Decision entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plan_portal.model.context import FileContext
from plan_portal.model.outline import Outline
from plan_portal.model.records import Decision
from plan_portal.model.status import decision_status
from plan_portal.model.tables import cell, column_roles, extra_cells
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Block, Item, Table, block_lines

_ROLES = {
    "id": ("id", "#", "adr", "ref", "decision id", "adr id", "no."),
    "status": ("status", "state"),
    "context": ("context", "problem", "why", "driver"),
    "rationale": ("rationale", "reason", "justification", "because"),
    "alternatives": ("alternative", "rejected", "options", "considered"),
    "follow_up": ("follow-up", "follow up", "followup", "next", "action"),
    "title": ("decision", "title", "choice", "topic", "name", "question", "summary", "area"),
}
#: Decision ids as real plans write them: ADR-003, D1, D-1, DD-001, DEC-2, R1 (research), AD-4.
DECISION_ID = re.compile(r"^(?P<id>(?:ADR|DEC|DD|AD|RD|RQ|D|R)-?\d+[a-z]?)\s*[:.)—–-]\s*(?P<rest>.*)$", re.I)
_NUMBERING = re.compile(r"^(?:decision\s*)?\d+(?:\.\d+)*[.):]?\s+|^decision\s*\d*\s*[:.—–-]\s*", re.I)
_FIELD_KEYS = {
    "decision": "decision", "design decision": "decision", "chosen": "decision", "choice": "decision",
    "chosen approach": "decision", "selected": "decision",
    "rationale": "rationale", "why": "rationale", "reason": "rationale", "reasoning": "rationale",
    "alternatives considered": "alternatives", "alternatives": "alternatives", "alternative rejected": "alternatives",
    "alternatives rejected": "alternatives", "rejected alternatives": "alternatives", "alternative": "alternatives",
    "status": "status", "context": "context", "problem": "context", "follow-up": "follow_up",
}
_PLAIN_DECISION = re.compile(r"^\s*(?:[-*]\s+)?(?P<key>decision|rationale|alternatives?(?: considered| rejected)?"
                             r"|status)\s*:\s*(?P<value>.*)$", re.I)
_DECISION_HEADING = re.compile(r"^decision\s*(?::\s*(?P<value>.+))?$", re.I)
_BOLD_TITLE = re.compile(r"^\s*(?:\*\*|__)(?P<title>[^*]+?)(?:\*\*|__)\s*$")


def split_title(text: str) -> tuple[str, str]:
    """(explicit id or "", title) from a heading such as ``D1: Use Postgres`` or ``3. Caching``."""
    plain = strip_markup(text)
    match = DECISION_ID.match(plain)
    if match and match.group("rest"):
        return match.group("id").upper(), match.group("rest").strip()
    return "", _NUMBERING.sub("", plain).strip() or plain


def _field(line: str) -> tuple[str, str] | None:
    pair = keyed(line)
    if pair is None:
        match = _PLAIN_DECISION.match(line)
        pair = (match.group("key"), match.group("value")) if match else None
    if pair is None:
        return None
    name = _FIELD_KEYS.get(pair[0].lower().strip())
    return (name, pair[1]) if name else None


@dataclass(slots=True)
class _Draft:
    title: str
    explicit_id: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


def _make(context: FileContext, draft: _Draft, origin: str) -> Decision:
    title = draft.title or strip_markup(draft.fields.get("decision", ""))[:120]
    # research.md topics reuse short ids (R1, D-1) that may collide with risks: no duplicate report.
    global_id, local = context.claim(draft.explicit_id, "decision", title, draft.line, report=origin != "research")
    raw = strip_markup(draft.fields.get("status", ""))
    # A decision recorded without any status field is one the plan took: accepted.
    status = decision_status(raw) if raw else "accepted"
    if raw and status == "unknown":
        context.unknown_status("decision", raw, draft.line)
    extra = {"decision": draft.fields["decision"]} if draft.fields.get("decision") and draft.title else {}
    return Decision(global_id, context.feature, local, title, status, raw, draft.fields.get("context", ""),
                    draft.fields.get("rationale", ""), draft.fields.get("alternatives", ""),
                    draft.fields.get("follow_up", ""), origin, context.source(draft.line), extra)


def _table_decisions(context: FileContext, table: Table) -> list[Decision]:
    roles = column_roles(table.header, _ROLES)
    if "title" not in roles:
        return []
    decisions = []
    for row in table.rows:
        if not any(row.plain):
            continue
        title = cell(row, roles["title"], plain=True)
        explicit = cell(row, roles.get("id"), plain=True)
        global_id, local = context.claim(explicit, "decision", title, row.line)
        raw = cell(row, roles.get("status"), plain=True)
        status = decision_status(raw)
        if raw and status == "unknown":
            context.unknown_status("decision", raw, row.line)
        decisions.append(Decision(
            global_id, context.feature, local, title, status, raw, cell(row, roles.get("context")),
            cell(row, roles.get("rationale")), cell(row, roles.get("alternatives")),
            cell(row, roles.get("follow_up")), "plan-table", context.source(row.line),
            extra_cells(table, row, roles),
        ))
    return decisions


class _Fields:
    """Feeds ``Rationale:`` / ``Alternatives …:`` lines into a draft; a field left empty on its own
    line takes the bullet list that follows it. Lines that are no field are returned as prose."""

    def __init__(self, draft: _Draft) -> None:
        self.draft = draft
        self.listing: str | None = None

    def feed(self, block: Block, text: str) -> str | None:
        found = _field(text)
        if found:
            name, value = found
            fresh = name not in self.draft.fields
            self.draft.fields.setdefault(name, value)
            self.listing = name if fresh and not value else None
            return None
        if self.listing is not None and isinstance(block, Item):
            current = self.draft.fields[self.listing]
            self.draft.fields[self.listing] = f"{current}\n- {text}" if current else f"- {text}"
            return None
        self.listing = None
        return text


def _fill(draft: _Draft, blocks: list[Block]) -> list[str]:
    fields = _Fields(draft)
    prose: list[str] = []
    for block in blocks:
        for _, text in block_lines(block):
            rest = fields.feed(block, text)
            if rest is not None and (not isinstance(block, Item) or block.depth == 1):
                prose.append(rest)
    return prose


def read_plan_decisions(context: FileContext, outline: Outline) -> list[Decision]:
    """Decision Log tables and decision headings under any heading that names decisions."""
    doc = outline.doc
    decisions: list[Decision] = []
    for index in outline.of_kind("decisions"):
        kinds = outline.kinds[index]
        if "tech" in kinds:
            continue
        section = doc.sections[index]
        for block in section.blocks:
            if isinstance(block, Table):
                decisions.extend(_table_decisions(context, block))
        own = "decisions" in (outline.kinds[outline.parents[index]] if outline.parents[index] >= 0 else ())
        has_children = index + 1 < len(doc.sections) and doc.sections[index + 1].level > section.level
        explicit, title = split_title(section.title)
        if not own or (has_children and not explicit):
            continue  # the decisions section itself, or a group of decisions
        if not explicit and not section.blocks:
            continue
        draft = _Draft(title, explicit, section.line)
        prose = _fill(draft, section.blocks)
        if "context" not in draft.fields and prose:
            draft.fields["context"] = "\n".join(prose)
        decisions.append(_make(context, draft, "plan-heading"))
    return decisions


def read_marked_decisions(context: FileContext, outline: Outline, sections: list[int] | None = None) -> list[
        Decision]:
    """research.md style: a ``Decision:`` line (bold, bullet or heading) under a topic heading or bold title.

    The topic (heading or bold line before it) is the title; Rationale / Alternatives / Status lines
    that follow fill the record until the next topic.
    """
    doc = outline.doc
    decisions: list[Decision] = []
    draft: _Draft | None = None
    fields: _Fields | None = None
    topic: tuple[str, int] = ("", 0)
    wanted = set(range(len(doc.sections))) if sections is None else set(sections)

    def close() -> None:
        nonlocal draft
        if draft is not None:
            decisions.append(_make(context, draft, "research"))
            draft = None

    for index, section in enumerate(doc.sections):
        if index not in wanted:
            continue
        heading = strip_markup(section.title)
        valued = _DECISION_HEADING.match(heading)
        if valued and (valued.group("value") or section.blocks):
            # "## Decision: <title>" with fields below, or a bare "### Decision" whose topic is its parent.
            close()
            parent = outline.parents[index]
            explicit, title = split_title(doc.sections[parent].title if parent >= 0 else "")
            if valued.group("value"):
                explicit, title = split_title(valued.group("value"))
            draft = _Draft(title, explicit, section.line)
            _fill(draft, section.blocks)
            if "decision" not in draft.fields and not valued.group("value"):
                draft.fields["decision"] = "\n".join(t for _, t in block_lines(section.blocks[0]))
            continue
        if not re.fullmatch(r"rationale|alternatives?(?: considered)?|status", heading, re.I):
            close()
            topic = (section.title, section.line)
        else:
            name = _FIELD_KEYS.get(heading.lower(), "")
            if draft is not None and name and section.blocks:
                draft.fields.setdefault(name, "\n".join(t for _, t in block_lines(section.blocks[0])))
            continue
        for block in section.blocks:
            for line, text in block_lines(block):
                bold = _BOLD_TITLE.match(text)
                if bold and not _field(text):
                    close()
                    topic = (bold.group("title"), line)
                    continue
                found = _field(text)
                if found is not None and found[0] == "decision":
                    close()
                    explicit, title = split_title(topic[0])
                    draft = _Draft(title, explicit, line, {"decision": found[1]})
                    fields = _Fields(draft)
                elif draft is not None and fields is not None and fields.draft is draft:
                    fields.feed(block, text)
    close()
    return decisions
