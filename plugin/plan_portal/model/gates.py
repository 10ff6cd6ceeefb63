"""Gates from a Constitution Check, in every form real plans use.

A gate is one evaluation of one principle, in one phase, with a status. Real plans write it as
a table row (status in any column, or two status columns, one per phase); a heading that carries
the status (``### II. Test-First ✅ PASS``, ``### ✅ I. Name``) or whose body opens with a
``**Status**:`` line; a bold, bullet or numbered line naming a principle with a status at its
start or end (``**Principle III** ✅``, ``- **I. Name** — PASS. …``, ``3. **Name**: … Pass.``);
a checkbox item. Only the status part is read as the status: "tests must FAIL first" in notes
is not one. Summary lines (``**Gate Result**: PASS``, ``### ✅ All Gates Still Pass``), evidence
bullets under a gate and file lists are not gates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plan_portal.model.context import FileContext
from plan_portal.model.outline import Outline, kinds_of, phase_of
from plan_portal.model.records import Gate, Note
from plan_portal.model.status import GATE_SYMBOLS, gate_status, leading_gate_status
from plan_portal.model.tables import cell, column_roles, extra_cells, normalise_header
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Item, Paragraph, Section, Table, block_lines

_ROLES = {
    "name": ("gate", "principle", "check", "article", "rule", "requirement", "criterion", "criteria",
             "standard", "item", "area", "constraint", "name"),
    "owner": ("owner", "responsible"),
    "evidence": ("evidence", "justification", "notes", "note", "rationale", "how", "details", "detail",
                 "comment", "explanation", "assessment", "reason", "alignment", "approach"),
}
#: Header words of a status column, the most specific first: in ``| Principle | Assessment | Verdict |``
#: the verdict is the status and the assessment its evidence. The weaker words name a status
#: column only when most of its cells open with a status.
_STATUS_HEADERS = ("status", "verdict", "result", "pass/fail", "outcome")
_WEAK_STATUS_HEADERS = ("compliant", "compliance", "state", "✓", "assessment")
_OTHER_TABLES = re.compile(r"violation|likelihood|probability|mitigation")
_BODY_STATUS_KEYS = ("status", "result", "verdict", "gate status", "compliance")
#: Names that sum gates up or label a part rather than naming one principle.
_SUMMARY_NAME = re.compile(
    r"\b(?:results?|verdicts?|evaluation|re-?checks?|re-?evaluat\w*|re-?assess\w*|status|overall|summary|"
    r"violations?|conclusions?|outcome|final|constitution(?:al)?)\b"
    r"|\b(?:all|every)\b.*\b(?:gates?|principles?|checks?)\b|^gates?(?:\s+(?:passed|pass(?:es)?|cleared))?$",
    re.I)
_FILE_NAME = re.compile(r"^[\w./-]+\.(?:md|py|ts|tsx|js|json|ya?ml|sql|txt|go|rs|toml)$|^[\w.-]+/$", re.I)
_BOLD_START = re.compile(r"^\s*(?:\*\*|__)(?P<name>[^*_].*?)(?:\*\*|__)(?P<rest>.*)$")
_SEPARATORS = " \t:—–-|"
#: Where a verdict may start inside a longer text: after a sentence, a dash or an opening parenthesis.
_CLAUSE_BREAK = re.compile(r"(?<=[.;!?])\s+|\s[—–-]+\s")
_CLOSING_PARENTHESES = re.compile(r"\(([^()]*)\)\s*[.!]?\s*$")
_LEADING_CLAUSE = re.compile(r"\s*(?:[.;:,—–]|\s-\s)")
#: A phase named inside a status text: "PASS | POST-DESIGN PASS".
_PHASE_IN_STATUS = re.compile(
    r"post[- ]?(?:design|phase[- ]?1?)|re-?check(?:ed)?|re-?evaluat\w*|after (?:phase 1|design)", re.I)


#: A status mark opening a line before a word ("✅ **Name**"), not "✅; next item" wrapped onto a new line.
_MARK_THEN_WORD = re.compile(r"(?:{})\ufe0f?\s+[\w*_]".format("|".join(map(re.escape, GATE_SYMBOLS))))


#: A name that refers to a principle: "II (Platform-Abstracted Core)", "Principle XI (…)", "§VI …",
#: "… (NON-NEGOTIABLE)". Such a bold line is a gate even when its prose gives no status word.
_PRINCIPLE_NAME = re.compile(r"^(?:[IVXL]+\b(?!-)|§|principle\b|article\b)|\(principle\b|non-negotiable", re.I)
#: Prose that records a justified departure rather than compliance.
_DEPARTURE = re.compile(r"divergen|deviat|complexity tracking|waive", re.I)
#: Table headers of a prose column saying how the plan meets a rule ("How this feature satisfies it").
_ASSESSMENT_HEADER = re.compile(r"\bhow\b|satisf|assessment|complian|justification", re.I)


_NEGATED = re.compile(r"\b(?:no|not(?: an?)?|without|nor)\s+(?:\w+\s+)?$", re.I)


def _prose_status(text: str) -> str:
    """A prose assessment with no status word: a recorded departure is waived ("no deviation",
    "not a waiver" are not one), else the principle is met."""
    departed = any(not _NEGATED.search(text[max(0, m.start() - 24): m.start()]) for m in _DEPARTURE.finditer(text))
    return "waived" if departed else "pass"


@dataclass(slots=True)
class _Found:
    """A gate read from one line: its name, raw and normalised status and the rest of the line."""

    name: str
    raw: str
    status: str
    detail: str
    line: int
    #: False for the weak shapes (a plain item closed by a check mark, prose under a principle
    #: name): they do not make the heading above them a group of gates.
    explicit: bool = True


def is_gate_name(name: str) -> bool:
    """Whether a name names a principle: not a summary ("Gate Result", "All gates") nor a file.

    Only a name's opening words are looked at: a long name that mentions a status later on
    ("Observability — health and status endpoints") still names a principle.
    """
    plain = name.strip()
    opening = " ".join(plain.split()[:6])
    return bool(plain) and not _SUMMARY_NAME.search(opening) and not _FILE_NAME.match(plain)


def _status_symbols(text: str) -> int:
    return sum(text.count(symbol) for symbol in GATE_SYMBOLS)


def _only_symbols(raw: str) -> bool:
    """Whether a status is marks only ("✅", "⚠️"), no word."""
    rest = raw
    for symbol in GATE_SYMBOLS:
        rest = rest.replace(symbol, "")
    return not rest.replace("\ufe0f", "").strip()


def _status_part(text: str) -> str:
    """The status a text opens with, as written.

    "✅ PASS (scoped)" of "✅ PASS (scoped) — …", "✅" of "✅ Jest tests".
    """
    plain = strip_markup(text).strip()
    mark = next((symbol for symbol in GATE_SYMBOLS if plain.startswith(symbol)), None)
    if mark is None:
        return _leading_clause(plain)
    rest = plain[len(mark):].lstrip(" \ufe0f")
    if leading_gate_status(rest, capitalised=True) == "unknown":
        return plain[: len(plain) - len(rest)].strip()
    return f"{plain[: len(plain) - len(rest)].strip()} {_leading_clause(rest)}"


def _leading_clause(text: str) -> str:
    """The clause a text opens with: "PASS" of "PASS. One service.", "PASS (scoped)" of "PASS (scoped) — …"."""
    plain = strip_markup(text).strip()
    match = _LEADING_CLAUSE.search(plain)
    head = plain[: match.start()] if match else plain
    return head.strip(" *_") or plain


def _trailing_verdict(text: str) -> str | None:
    """The verdict a text ends with ("… tests added. Pass.", "… (PASS)", "… unavailable ✅"), as written."""
    plain = strip_markup(text).strip()
    if not plain:
        return None
    for symbol in GATE_SYMBOLS:
        # one check mark closing the line; several ("a ✅; b ✅") tick items of a list, not the line
        if plain.rstrip(" .").endswith(symbol) and _status_symbols(plain) == 1:
            return symbol
    closing = _CLOSING_PARENTHESES.search(plain)
    if closing and leading_gate_status(closing.group(1), capitalised=True) != "unknown" \
            and len(closing.group(1).split()) <= 4:  # "… (Pass)"
        return closing.group(1).strip()
    pieces = _CLAUSE_BREAK.split(plain)
    if len(pieces) < 2:
        return None
    last = pieces[-1].strip()
    if len(last.split()) > 8:
        return None
    if leading_gate_status(last, capitalised=True) == "unknown":
        return None
    return last.strip(" .()")


def _line_gate(text: str, line: int, item: bool = False) -> _Found | None:
    """A gate written as one line or list item, or None.

    ``**Name**: PASS …``, ``**Name** ✅``, ``**Name** — N/A (…). Pass.``, ``**Name**: … (Pass)``,
    ``✅ **Name**: …``, ``Name: PASS``. The status the line opens with (after the name) decides;
    else a verdict closing it.
    """
    plain_all = strip_markup(text).strip()
    lead = next((s for s in GATE_SYMBOLS if plain_all.startswith(s)), None)
    if lead is not None:
        body = text.strip()[text.strip().find(lead) + len(lead):].lstrip(" \ufe0f")
        bold = _BOLD_START.match(body)
        if bold:
            name, detail = bold.group("name"), bold.group("rest")
        else:
            parts = re.split(r"\s[—–-]+\s|:\s", strip_markup(body), maxsplit=1)
            name, detail = parts[0], parts[1] if len(parts) > 1 else ""
        name = strip_markup(name).strip(_SEPARATORS)
        detail = detail.strip().lstrip(":—–- ").strip()
        if not is_gate_name(name) or not name[0].isalnum():
            return None
        more = leading_gate_status(detail)
        raw = f"{lead} {_leading_clause(detail)}" if more != "unknown" else lead
        return _Found(name, raw, gate_status(raw), detail, line)
    bold = _BOLD_START.match(text)
    if bold:
        name = strip_markup(bold.group("name"))
        rest = bold.group("rest")
        if name.endswith(":") and not rest.lstrip().startswith(":"):
            name = name.rstrip(":").strip()
        name = name.strip(_SEPARATORS)
        detail = rest.strip().lstrip(":—–-| ").strip()
        if not rest.strip():  # "**I. Name — PASS**": the whole line is bold
            split = _split_heading(name)
            if split is None:
                return None
            name, detail = split[0], split[1]
        if not is_gate_name(name):
            return None
        if leading_gate_status(detail, capitalised=True) != "unknown":
            raw = _status_part(detail)
            return _Found(name, raw, gate_status(raw), detail, line)
        verdict = _trailing_verdict(detail)
        if verdict is not None:
            return _Found(name, verdict, gate_status(verdict), detail, line)
        if _PRINCIPLE_NAME.search(name) and detail and not detail.rstrip("*_ ").endswith(":"):
            return _Found(name, "", _prose_status(detail), detail, line, explicit=False)
        return None
    if item:  # "- Comprehensive testing ✅": a plain item closed by one check mark
        mark = _trailing_verdict(plain_all)
        if mark in GATE_SYMBOLS and len(plain_all.split()) <= 16:
            name = plain_all.rstrip(" .")[: -len(mark)].strip(" .:—–-")
            if is_gate_name(name):
                return _Found(name, mark, gate_status(mark), "", line, explicit=False)
    match = re.match(r"^(?P<name>[^:—–]{2,60}?)(?::\s+|\s[—–-]+\s)(?P<rest>.+)$", plain_all)
    if match and len(match.group("name").split()) <= 8 and is_gate_name(match.group("name")):
        status = leading_gate_status(match.group("rest"))
        if status != "unknown":
            return _Found(match.group("name").strip(), _leading_clause(match.group("rest")), status,
                          match.group("rest"), line)
    return None


def _split_heading(title: str) -> tuple[str, str] | None:
    """(name, raw status) of a title that carries a status: "II. Test-First ✅ PASS", "✅ I. Name",
    "I. Name — PASS (confirmed)", "Principle III: Raw Data ⚠️ N/A"."""
    plain = strip_markup(title).strip()
    for symbol in GATE_SYMBOLS:
        if plain.startswith(symbol):
            rest = plain[len(symbol):].lstrip(" \ufe0f")
            word = leading_gate_status(rest)
            if word != "unknown":  # "✅ PASS: I. Name"
                clause = _leading_clause(rest)
                return rest[len(clause):].strip(_SEPARATORS), f"{symbol} {clause}"
            return rest.strip(_SEPARATORS), symbol
    start = None
    for symbol in GATE_SYMBOLS:
        at = plain.find(symbol)
        if at > 0 and (start is None or at < start):
            start = at
    for match in re.finditer(r"(?:(?<=\s)|(?<=[:(]))(?=\S)", plain):
        at = match.start()
        if at == 0 or (start is not None and at >= start):
            continue
        before = plain[:at].rstrip()
        after_separator = before.endswith((":", "—", "–", "-", "|", "("))
        if leading_gate_status(plain[at:], capitalised=after_separator) != "unknown" and \
                not plain[at:].startswith("("):
            start = at
            break
    if start is None:
        return None
    name = plain[:start].strip(_SEPARATORS + " (")
    return (name, plain[start:].strip()) if name else None


def _phased(raw: str) -> list[tuple[str | None, str]]:
    """One (phase or None, raw status) per phase a status text gives: "PASS | POST-DESIGN PASS" is two."""
    match = _PHASE_IN_STATUS.search(raw)
    if match and match.start() > 0:
        first, second = raw[: match.start()].strip(" |/;,(—–-"), raw[match.start():].strip(" )")
        if gate_status(first) != "unknown" and gate_status(raw[match.end():]) != "unknown":
            return [(None, first), ("post-design", second)]
    return [(None, raw)]


def _status_of_phase_part(raw: str, phase: str | None) -> str:
    if phase is None:
        return gate_status(raw)
    match = _PHASE_IN_STATUS.search(raw)
    return gate_status(raw[match.end():] if match else raw)


def _body_status(section: Section, opening_only: bool) -> str | None:
    """The raw status of a ``**Status**: PASS`` line in the body under a principle heading."""
    blocks = section.blocks[:1] if opening_only else section.blocks
    for block in blocks:
        for _, text in block_lines(block):
            pair = keyed(text)
            if pair and pair[0].lower() in _BODY_STATUS_KEYS and leading_gate_status(pair[1], True) != "unknown":
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


def _logical_lines(block: Paragraph) -> list[tuple[int, str]]:
    """A paragraph's lines, a line continuing the one before unless it opens with bold or a status mark."""
    merged: list[tuple[int, str]] = []
    for line, text in block.lines:
        stripped = text.lstrip()
        # "**Name**" opening a line starts a gate; "**now realised** ✅" wrapped mid-sentence does not
        bold_name = stripped.startswith(("**", "__")) and not stripped[2:3].islower()
        mark_first = bool(_MARK_THEN_WORD.match(stripped))
        starts = bold_name or mark_first
        if merged and not starts:
            merged[-1] = (merged[-1][0], f"{merged[-1][1]} {stripped}")
        else:
            merged.append((line, text))
    return merged


#: An introduction saying the check below was redone after design ("*GATE: re-checked after design.*"),
#: unlike the template's "Must pass before Phase 0 research. Re-check after Phase 1 design."
_DONE_AFTER_DESIGN = re.compile(r"re-?(?:checked|evaluated|assessed|validated)\s+after", re.I)


def _intro_phase(section: Section) -> str | None:
    """post-design when the paragraphs opening a section say its check was redone after design."""
    for block in section.blocks:
        if not isinstance(block, Paragraph):
            return None
        text = " ".join(t for _, t in block.lines)
        if _DONE_AFTER_DESIGN.search(text) and not re.search(r"\bbefore\b", text, re.I):
            return "post-design"
    return None


def _phase_label(text: str) -> str | None:
    """The phase a label line names ("**Post-Design Re-check**:", "Post-design:"), when the line is only a label."""
    plain = strip_markup(text).strip()
    if not plain.endswith(":") and not (text.strip().startswith(("**", "__")) and text.strip().endswith(("**", "__"))):
        return None
    if len(plain.split()) > 8 or leading_gate_status(plain) != "unknown":
        return None
    return phase_of(plain)


def _mostly_status(table: Table, column: int) -> bool:
    values = [r.plain[column] for r in table.rows if column < len(r.plain) and r.plain[column].strip()]
    known = [v for v in values if _cell_status(v) != "unknown"]
    return bool(values) and len(known) * 2 > len(values)


def _cell_status(text: str) -> str:
    """A status cell: short cells by any status in them, prose cells by the status they open with."""
    plain = text.strip()
    if len(plain) <= 40 or len(plain.split()) <= 4:
        return gate_status(plain)
    return gate_status(_status_part(plain)) if leading_gate_status(plain, capitalised=True) != "unknown" else "unknown"


def _cell_raw(text: str) -> str:
    return _status_part(text) if text.strip() else ""


class _GateReader:
    def __init__(self, context: FileContext, outline: Outline) -> None:
        self.context = context
        self.outline = outline
        self.gates: list[Gate] = []
        #: Rows of a gate table that sum the gates up ("Overall | PASS"): kept as notes, not lost.
        self.notes: list[Note] = []

    def add(self, name: str, raw: str, status: str, evidence: str, owner: str, index: int, line: int,
            extra: dict[str, str] | None = None, explicit_id: str = "", phase: str | None = None,
            own_heading: bool = False, report_repeat: bool = False) -> None:
        found, label = _phase(self.outline, index, own_heading)
        phase = phase or found
        prefix = {"pre-research": "gate-pre", "post-design": "gate-post"}.get(phase, "gate")
        # A principle numeral ("I", "II") repeats in the pre- and post-design tables: the id
        # names the phase, and only a repeat within one table is the author's mistake.
        explicit = f"{prefix}-{explicit_id}" if explicit_id else ""
        global_id, local = self.context.claim(explicit, prefix, name, line, report=report_repeat)
        if raw and status == "unknown":
            self.context.unknown_status("gate", raw, line)
        chain = self.outline.ancestry(index)[1 if own_heading else 0:]
        group = strip_markup(self.outline.doc.sections[chain[0]].title).strip() if chain else ""
        self.gates.append(Gate(global_id, self.context.feature, local, name, phase, label, status, raw, evidence,
                               owner, self.context.source(line), extra or {}, group if group != label else ""))

    def table(self, table: Table, index: int, phase: str | None) -> None:
        header = " ".join(table.header).lower()
        if _OTHER_TABLES.search(header) and "status" not in header:
            return
        headers = [normalise_header(h) for h in table.header]
        status_column = next((i for word in _STATUS_HEADERS + _WEAK_STATUS_HEADERS for i, h in enumerate(headers)
                              if word in h and (word in _STATUS_HEADERS or _mostly_status(table, i))), None)
        phase_columns = [(i, phase_of(h)) for i, h in enumerate(headers) if phase_of(h) and _mostly_status(table, i)]
        columns: list[tuple[int, str | None]] = [(i, p) for i, p in phase_columns]
        if status_column is not None and all(i != status_column for i, _ in columns):
            columns.insert(0, (status_column, None))
        prose_column: int | None = None
        if not columns:
            inferred = self._infer_status_column(table)
            if inferred is None:
                prose_column = self._prose_column(table, headers)
                if prose_column is None:
                    return
            else:
                columns = [(inferred, None)]
        status_columns = {i for i, _ in columns}
        roles = column_roles([h if i not in status_columns else "" for i, h in enumerate(table.header)], _ROLES)
        if "name" not in roles:
            roles["name"] = next((i for i in range(len(table.header))
                                  if i not in roles.values() and i not in status_columns), 0)
        id_column = next((i for i, h in enumerate(headers) if h in ("id", "#")), None)
        if id_column is not None and id_column not in roles.values():
            roles["id"] = id_column
        used = dict(roles, **{f"status {n}": i for n, (i, _) in enumerate(columns)})
        seen: set[str] = set()
        for row in table.rows:
            name = cell(row, roles["name"], plain=True)
            if not name:
                continue
            if not is_gate_name(name):
                rest = [text for i, text in enumerate(row.cells) if i != roles["name"] and text.strip()]
                self.notes.append(Note(self.outline.doc.sections[index].title, name, " · ".join(rest), None,
                                       self.context.source(row.line)))
                continue
            explicit = cell(row, roles.get("id"), plain=True)
            if prose_column is not None:  # "| Rule | How this feature satisfies it |": the prose is the verdict
                text = cell(row, prose_column, plain=True)
                leading = _cell_status(text)
                status = leading if leading != "unknown" else _prose_status(text)
                raw = _cell_raw(text) if leading != "unknown" else ""
                self.add(name, raw, status, cell(row, prose_column), cell(row, roles.get("owner"), plain=True),
                         index, row.line, extra_cells(table, row, used), explicit, phase)
                continue
            for column, column_phase in columns:
                text = cell(row, column, plain=True)
                # an "Assessment" column is prose: its cells are also the evidence, and prose with
                # no status word ("Minor — README reconciled by a task") is read as prose
                assessed = not any(word in headers[column] for word in _STATUS_HEADERS)
                evidence = cell(row, roles.get("evidence")) or (cell(row, column) if assessed else "")
                # a Status/Verdict cell is kept whole as the raw status; an Assessment cell is kept whole as evidence
                for part_phase, part in _phased(_cell_raw(text) if assessed else text) if text else [(None, "")]:
                    row_phase = column_phase or part_phase or phase
                    status = _cell_status(text) if part_phase is None else _status_of_phase_part(part, part_phase)
                    if status == "unknown" and assessed and len(text.split()) > 4:
                        status, part = _prose_status(text), ""
                    self.add(name, part, status, evidence,
                             cell(row, roles.get("owner"), plain=True), index, row.line,
                             extra_cells(table, row, used), explicit, row_phase,
                             report_repeat=f"{row_phase}/{explicit}" in seen)
                    seen.add(f"{row_phase}/{explicit}")

    @staticmethod
    def _prose_column(table: Table, headers: list[str]) -> int | None:
        """The prose column of a rule table without a status column ("| Rule | How this plan satisfies it |")."""
        named = column_roles(table.header, {"name": ("principle", "rule", "gate", "article", "requirement")})
        if "name" not in named:
            return None
        return next((i for i, h in enumerate(headers) if i != named["name"] and _ASSESSMENT_HEADER.search(h)), None)

    @staticmethod
    def _infer_status_column(table: Table) -> int | None:
        """A column most of whose cells are status words, for tables without a Status header."""
        for column in range(1, len(table.header)):
            values = [r.plain[column] for r in table.rows if column < len(r.plain) and r.plain[column]]
            known = [v for v in values if gate_status(v) != "unknown" and len(v) < 40]
            if values and len(known) * 2 > len(values):
                return column
        return None

    def checkbox(self, block: Item, index: int, phase: str | None) -> None:
        """A checkbox item: ticked is pass, unticked pending, unless the item opens with a status."""
        text = block.text.split("\n")[0]
        pair = keyed(text)
        name, rest = (pair[0], pair[1]) if pair else (strip_markup(text), "")
        if not is_gate_name(strip_markup(name)):
            return
        explicit = leading_gate_status(rest)
        raw = "[x]" if block.checked else "[ ]"
        status = explicit if explicit != "unknown" else ("pass" if block.checked else "pending")
        self.add(strip_markup(name), raw, status, rest, "", index, block.line, phase=phase)

    def line_gates(self, section: Section) -> list[tuple[_Found | None, str | None]]:
        """Gates written as lines in a section's body, each with the phase a label above it set."""
        found: list[tuple[_Found | None, str | None]] = []
        # a bold label such as "**Post-Design Re-check**:" sets the phase below it
        phase: str | None = _intro_phase(section)
        under_gate = False  # the items below "**Principle III** ✅" are its evidence, not gates
        for block in section.blocks:
            if isinstance(block, Item) and block.depth == 1 and block.checked is None:
                gate = None if under_gate else _line_gate(block.text.replace("\n", " "), block.line, item=True)
                found.append((gate, phase))
            elif isinstance(block, Paragraph):
                under_gate = False
                for line, text in _logical_lines(block):
                    label = _phase_label(text)
                    if label:
                        phase = label
                        continue
                    gate = _line_gate(text, line)
                    found.append((gate, phase))
                    under_gate = gate is not None
            elif isinstance(block, Table):
                under_gate = False
        return found

    def section(self, index: int) -> None:
        section = self.outline.doc.sections[index]
        lines = self.line_gates(section)
        if section.level > 1 and self._heading(index, section, lines):
            return
        phase: str | None = _intro_phase(section)
        lines_at = iter(lines)
        explained: list[Gate] = []  # the gates of the last gate line: list items below it are their evidence
        for block in section.blocks:
            if isinstance(block, Paragraph):
                explained = []
                for _, text in _logical_lines(block):
                    label = _phase_label(text)
                    if label:
                        phase = label
                        continue
                    explained = self._add_line(next(lines_at), index) or explained
            elif isinstance(block, Item) and block.depth == 1 and block.checked is None:
                added = self._add_line(next(lines_at), index)
                if added:
                    explained = added
                else:
                    _explain(explained, block)
            elif isinstance(block, Item) and block.checked is not None:
                explained = []
                self.checkbox(block, index, phase)
            elif isinstance(block, Item):
                _explain(explained, block)
            elif isinstance(block, Table):
                explained = []
                self.table(block, index, phase)

    def _add_line(self, entry: tuple[_Found | None, str | None], index: int) -> list[Gate]:
        """The gates a gate line adds (two for a line that gives both phases), or none."""
        found, phase = entry
        if found is None:
            return []
        before = len(self.gates)
        self.add(found.name, found.raw, found.status, found.detail, "", index, found.line, phase=phase)
        return self.gates[before:]

    def _heading(self, index: int, section: Section, lines: list[tuple[_Found | None, str | None]]) -> bool:
        """Read a heading that is itself a gate; False when it is not one (or groups gates below it)."""
        head = _split_heading(section.title)
        if head is not None and not is_gate_name(head[0]):
            return False
        if head is None:
            if "gates" in kinds_of(section.title) or phase_of(section.title):
                return False
            in_body = _body_status(section, opening_only=True)
            if in_body is None:
                return False
            head = (strip_markup(section.title), in_body)
        elif _only_symbols(head[1]):  # "### ✅ I. Name": the body may say more
            in_body = _body_status(section, opening_only=False)
            if in_body is not None:
                head = (head[0], in_body)
        grouped = sum(1 for found, _ in lines if found is not None and found.explicit)
        if grouped >= 2 or any(isinstance(b, Table) for b in section.blocks):
            return False  # "### ✅ Aligned with Core Principles" over gate lines groups them
        name, raw = head
        for phase, part in _phased(raw):
            status = gate_status(part) if phase is None else _status_of_phase_part(part, phase)
            self.add(name, part, status, _evidence(section), "", index, section.line, phase=phase, own_heading=True)
        return True


def _explain(gates: list[Gate], item: Item) -> None:
    """A list item below a gate line (``**Principle I** ✅`` then bullets) is that gate's evidence."""
    for gate in gates:
        alone = strip_markup(gate.evidence).strip() in ("", gate.raw_status.strip())
        bullet = f"{'  ' * (item.depth - 1)}- {item.text}"
        gate.evidence = bullet if alone else f"{gate.evidence}\n{bullet}"


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


def read_gates(context: FileContext, outline: Outline, notes: list[Note] | None = None) -> list[Gate]:
    """The plan's gates; rows of gate tables that are no gate (a summary row) go to ``notes``."""
    reader = _GateReader(context, outline)
    for index in outline.of_kind("gates"):
        kinds = outline.kinds[index]
        if "complexity" in kinds or "risks" in kinds:
            continue
        reader.section(index)
    if notes is not None:
        notes.extend(reader.notes)
    return reader.gates
