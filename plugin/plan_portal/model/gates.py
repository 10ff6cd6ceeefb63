"""Gates from a Constitution Check, in every form real plans use.

Tables in any column order, ``### I. Principle — PASS`` headings (or a ``**Status**:`` line
below the heading), checkbox lists, and ``**Principle**: ✅ …`` lines. Only the status column or
the status part of a heading is read as the status: "tests must FAIL first" in notes is not one.
"""

from __future__ import annotations

import re

from plan_portal.model.context import FileContext
from plan_portal.model.outline import Outline, phase_of
from plan_portal.model.records import Gate
from plan_portal.model.status import gate_status, leading_gate_status
from plan_portal.model.tables import cell, column_roles, extra_cells
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Item, Paragraph, Section, Table, block_lines

_ROLES = {
    "status": ("status", "result", "pass/fail", "compliant", "compliance", "verdict", "outcome", "state", "✓"),
    "name": ("gate", "principle", "check", "article", "rule", "requirement", "criterion", "criteria",
             "standard", "item", "area", "constraint", "name"),
    "owner": ("owner", "responsible"),
    "evidence": ("evidence", "justification", "notes", "note", "rationale", "how", "details", "detail",
                 "comment", "explanation", "assessment", "reason", "alignment", "approach"),
}
# "I. Name — PASS", "Name -- PASS (confirmed)", "Name: PASS": the last separator splits.
_HEADING_SPLIT = re.compile(r"^(?P<name>.+)(?:\s+(?:—|–|--|-|\|)\s+|\s*:\s+)(?P<status>.+)$")
_SYMBOLS = ("✅", "❌", "⚠️", "⚠")
# Keys of lines that sum gates up ("**Gate Result**: ALL PASS") rather than being one.
_SUMMARY_KEY = re.compile(r"result|verdict|evaluation|re-?check|status|overall|summary|violations|conclusion|outcome",
                          re.I)
_BODY_STATUS_KEYS = ("status", "result", "verdict", "gate status", "compliance")
_OTHER_TABLES = re.compile(r"violation|likelihood|probability|mitigation")


def _phase(outline: Outline, index: int, own_heading: bool = False) -> tuple[str, str]:
    """The gate phase from the nearest heading that names one, and that heading's text.

    A Constitution Check that names no phase is the one spec-kit runs before Phase 0 research;
    the re-check after design is always labelled as such.
    """
    label = outline.doc.sections[index].title
    chain = outline.ancestry(index)
    for ancestor in chain[1:] if own_heading else chain:
        if "gates" not in outline.kinds[ancestor]:
            break
        title = outline.doc.sections[ancestor].title
        phase = phase_of(title)
        if phase:
            return phase, title
        label = title
    return "pre-research", label


def _status_of_heading(title: str) -> tuple[str, str] | None:
    """(name, raw status) when a heading carries a recognised status."""
    stripped = title.strip()
    for symbol in _SYMBOLS:
        if stripped.startswith(symbol) or stripped.endswith(symbol):
            return stripped.replace(symbol, "").strip(" -—:"), symbol
    match = _HEADING_SPLIT.match(stripped)
    if match and leading_gate_status(match.group("status")) != "unknown":
        return match.group("name").strip(), match.group("status").strip()
    return None


def _status_in_body(section: Section) -> str | None:
    """The raw status of a ``**Status**: PASS`` line opening the body under a principle heading."""
    for _, text in block_lines(section.blocks[0] if section.blocks else None):
        pair = keyed(text)
        if pair and pair[0].lower() in _BODY_STATUS_KEYS and gate_status(pair[1]) != "unknown":
            return strip_markup(pair[1])
    return None


def _evidence(section: Section) -> str:
    """The first prose under a principle heading, past a ``**Status**:`` line."""
    for block in section.blocks:
        lines = [text for _, text in block_lines(block)
                 if not ((pair := keyed(text)) and pair[0].lower() in _BODY_STATUS_KEYS)]
        if lines:
            return "\n".join(lines)
    return ""


class _GateReader:
    def __init__(self, context: FileContext, outline: Outline) -> None:
        self.context = context
        self.outline = outline
        self.gates: list[Gate] = []

    def add(self, name: str, raw: str, status: str, evidence: str, owner: str, index: int, line: int,
            extra: dict[str, str] | None = None, explicit_id: str = "", phase: str | None = None,
            own_heading: bool = False) -> None:
        found, label = _phase(self.outline, index, own_heading)
        phase = phase or found
        prefix = {"pre-research": "gate-pre", "post-design": "gate-post"}.get(phase, "gate")
        global_id, local = self.context.claim(explicit_id, prefix, name, line)
        if raw and status == "unknown":
            self.context.unknown_status("gate", raw, line)
        self.gates.append(Gate(global_id, self.context.feature, local, name, phase, label, status, raw, evidence,
                               owner, self.context.source(line), extra or {}))

    def table(self, table: Table, index: int) -> None:
        header = " ".join(table.header).lower()
        if _OTHER_TABLES.search(header) and "status" not in header:
            return
        roles = column_roles(table.header, _ROLES)
        if "status" not in roles:
            inferred = self._infer_status_column(table, roles)
            if inferred is None:
                return
            roles["status"] = inferred
        if "name" not in roles:
            roles["name"] = next((i for i in range(len(table.header)) if i not in roles.values()), 0)
        id_column = next((i for i, h in enumerate(table.header) if h.strip().lower() in ("id", "#")), None)
        if id_column is not None and id_column not in roles.values():
            roles["id"] = id_column
        for row in table.rows:
            name = cell(row, roles["name"], plain=True)
            raw = cell(row, roles["status"], plain=True)
            if not name and not raw:
                continue
            self.add(name or raw, raw, gate_status(raw), cell(row, roles.get("evidence")),
                     cell(row, roles.get("owner"), plain=True), index, row.line, extra_cells(table, row, roles),
                     cell(row, roles.get("id"), plain=True))

    @staticmethod
    def _infer_status_column(table: Table, roles: dict[str, int]) -> int | None:
        """A column most of whose cells are status words, for tables without a Status header."""
        for column in range(len(table.header)):
            if column in roles.values():
                continue
            values = [r.plain[column] for r in table.rows if column < len(r.plain) and r.plain[column]]
            known = [v for v in values if gate_status(v) != "unknown" and len(v) < 40]
            if values and len(known) * 2 > len(values):
                return column
        return None

    def keyed_line(self, text: str, line: int, index: int, checked: bool | None, phase: str | None) -> bool:
        """A checkbox item, a ``**Name**: PASS …`` line or a ``✅ Name`` line as a gate.

        Only a status the line opens with counts (after the name), so "No external services" in
        a checkbox's description is not a FAIL.
        """
        pair = keyed(text)
        plain = strip_markup(text)
        if pair and _SUMMARY_KEY.search(pair[0]):
            return False
        if checked is not None:
            name, rest = (pair[0], pair[1]) if pair else (plain, "")
            explicit = leading_gate_status(rest)
            raw = "[x]" if checked else "[ ]"
            status = explicit if explicit != "unknown" else ("pass" if checked else "pending")
            self.add(strip_markup(name), raw, status, rest, "", index, line, phase=phase)
            return True
        if pair:
            name, rest = pair
            status = leading_gate_status(strip_markup(rest))
            if status == "unknown":
                return False
            raw = re.split(r"\s[—–-]+\s|[.;(]", strip_markup(rest))[0].strip()
            self.add(strip_markup(name), raw, status, rest, "", index, line, phase=phase)
            return True
        for symbol in _SYMBOLS:
            if plain.startswith(symbol):
                rest = plain[len(symbol):].strip()
                parts = re.split(r"\s[—–-]+\s|:\s", rest, maxsplit=1)
                name, detail = parts[0].strip(), parts[1] if len(parts) > 1 else ""
                more = leading_gate_status(detail)
                self.add(name or rest, symbol, more if more != "unknown" else gate_status(symbol), detail, "",
                         index, line, phase=phase)
                return True
        return False

    def section(self, index: int) -> None:
        section = self.outline.doc.sections[index]
        head = _status_of_heading(section.title) if section.level > 1 else None
        if head is None and phase_of(section.title) is None and section.level > 1:
            in_body = _status_in_body(section)
            if in_body is not None:
                head = (section.title, in_body)
        if head is not None and not any(isinstance(b, Table) for b in section.blocks):
            name, raw = head
            self.add(strip_markup(name), raw, gate_status(raw), _evidence(section), "", index, section.line,
                     own_heading=True)
            return
        phase: str | None = None  # a bold label such as "**Post-Design Re-check**:" sets the phase below it
        for block in section.blocks:
            if isinstance(block, Table):
                self.table(block, index)
            elif isinstance(block, Item):
                if block.depth == 1 or block.checked is not None:
                    self.keyed_line(block.text.split("\n")[0], block.line, index, block.checked, phase)
            elif isinstance(block, Paragraph):
                for line, text in block.lines:
                    pair = keyed(text)
                    if pair and not pair[1] and phase_of(pair[0]):
                        phase = phase_of(pair[0])
                        continue
                    self.keyed_line(text, line, index, None, phase)


def read_gates(context: FileContext, outline: Outline) -> list[Gate]:
    reader = _GateReader(context, outline)
    for index in outline.of_kind("gates"):
        kinds = outline.kinds[index]
        if "complexity" in kinds or "risks" in kinds:
            continue
        reader.section(index)
    return reader.gates
