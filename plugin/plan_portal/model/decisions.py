"""Decisions: what the authors chose, why, and what they rejected, wherever a plan records one.

Forms read (docs/formats.md lists them with examples):

- decision tables: a Decision Log anywhere under a heading that names decisions, and, in any
  section, a table whose header says it holds decisions (``| Decision | Rationale | … |``,
  ``| Topic | Decision | … |``, ``| Decision | Choice |``);
- decision headings under a heading that names decisions (``### D1: …``, ``### DD-001: …``,
  ``### <topic>``), and the bullets of such a section when it lists one decision per bullet;
- research topics: a heading or bold line followed by a ``Decision:`` / ``**Choice**:`` /
  ``What was chosen:`` line, or by a ``### Decision`` heading, or a ``## Decision: <choice>`` heading.

Fields are read whole: a hard-wrapped paragraph, a label left empty (or ending in a colon) and
the list or paragraphs below it, and ``### Rationale`` / ``## Alternatives Considered`` headings
with everything under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from plan_portal.model.context import FileContext
from plan_portal.model.dates import DATE_LABELS, date_in, iso_date, written_date
from plan_portal.model.markers import TEMPLATE_PHRASES, is_placeholder
from plan_portal.model.outline import Outline
from plan_portal.model.records import Decision
from plan_portal.model.status import decision_status
from plan_portal.model.tables import cell, column_roles, extra_cells, normalise_header
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Block, Code, Item, Paragraph, Section, Table, block_lines

#: Table columns by role; roles are matched in this order, so the specific ones come first.
_ROLES = {
    "id": ("id", "#", "adr", "ref", "decision id", "adr id", "no."),
    "status": ("status", "state"),
    "alternatives": ("alternative", "rejected", "options considered", "considered", "options"),
    "rationale": ("rationale", "reason", "justification", "because", "why", "basis"),
    "context": ("context", "problem", "driver"),
    "follow_up": ("follow-up", "follow up", "followup", "next", "action"),
    "topic": ("topic", "area", "question", "aspect", "concern", "subject", "title", "name", "category", "item"),
    "decision": ("decision", "decided"),
    "choice": ("choice", "chosen", "selected", "selection"),
}
#: Columns that hold the choice only in a table already known to hold decisions.
_WEAK_CHOICE = {"choice": ("detail", "approach", "value", "outcome", "answer", "resolution")}
#: Decision ids as real plans write them: ADR-003, D1, D-1, DD-001, DEC-2, R1 (research), AD-4.
DECISION_ID = re.compile(r"^(?P<id>(?:ADR|DEC|DD|AD|RD|RQ|D|R)-?\d+[a-z]?)\s*[:.)—–-]\s*(?P<rest>.*)$", re.I)
_NUMBERING = re.compile(r"^(?:decision\s*)?\d+(?:\.\d+)*[.):]?\s+|^decision\s*\d*\s*[:.—–-]\s*"
                        r"|^§\s*\d+[.:]?\s*(?:[—–-]\s*)?", re.I)
#: Field labels (lowercased, markup and colon removed) and the field each one fills.
_FIELD_LABELS = {
    **dict.fromkeys(("decision", "design decision", "architectural decision", "architecture decision",
                     "technical decision", "final decision", "revised decision", "choice", "chosen",
                     "chosen approach", "chosen option", "chosen solution", "selected", "selected approach",
                     "selected option", "what was chosen", "decision made"), "decision"),
    "answer": "answer",
    **dict.fromkeys(("rationale", "why", "why chosen", "why this choice", "why this approach", "reason",
                     "reasons", "reasoning", "justification", "decision rationale"), "rationale"),
    **dict.fromkeys(("alternatives considered", "alternatives", "alternative", "alternative considered",
                     "alternatives rejected", "alternative rejected", "rejected alternatives",
                     "rejected alternative", "alternatives evaluated", "options considered", "rejected options",
                     "what else was evaluated", "considered alternatives", "rejected"), "alternatives"),
    "status": "status", "decision status": "status",
    "context": "context", "problem": "context",
    "follow-up": "follow_up", "follow-ups": "follow_up", "follow up": "follow_up",
    **dict.fromkeys(DATE_LABELS - {"when"}, "date"),
}
#: Labels that may start a plain (not bold) ``Label: value`` line.
_PLAIN_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?(?P<key>[A-Za-z][A-Za-z -]{1,30}?)\s*:\s*(?P<value>.*)$")
_BOLD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<title>[^*_][^*]*?)(?:\*\*|__)\s*$")
#: ``Decision``, ``Decision: <choice>``, ``Decision 3 — <choice>``: a decision whose topic is the parent heading.
_DECISION_HEADING = re.compile(r"^decision(?:\s*\d+[a-z]?)?\s*(?:[:—–-]\s*(?P<value>.+))?$", re.I)
#: Headings whose body is one field of the decision above them.
_FIELD_HEADING = re.compile(r"^(?:decision\s+)?(?P<label>rationale|reasoning|why(?: this| chosen)?.*|"
                            r"alternatives?(?: considered| rejected| evaluated)?|rejected alternatives|"
                            r"options considered|status|consequences|trade-?offs)$", re.I)
#: Spec-kit's research template, and its words copied without brackets: not a decision.
_TEMPLATE_VALUES = frozenset({"what was chosen", "why chosen", "what else was evaluated", "what else evaluated",
                              "topic", "decision", "choice"})
#: Headings that are never a decision, even under a heading that names decisions.
_NOT_DECISIONS = re.compile(r"^(?:research tasks?|outputs?|summary|overview|open questions|next steps|notes?|"
                            r"references?|background|context|introduction|purpose|scope|"
                            r"(?:decision|design decisions?|key decisions?) (?:summary|overview|index|table))$"
                            r"|summary", re.I)
#: Headings that gather decisions ("Design Decisions", "Decision Log", "ADRs"); "Decision Point" does not.
_GROUP = re.compile(r"decisions\b|decision (?:log|record|register)|\badrs?\b|^decision$|"
                    r"resolved questions|questions \(?resolved\)?", re.I)
#: Headings naming decisions whose bullets are not one decision each.
_NOT_A_LIST = re.compile(r"summary|concern|question|open|pending|issue|risk|criteria|overview|outstanding", re.I)
#: A lead-in that introduces decisions still to be made, or points elsewhere.
_UNDECIDED = re.compile(r"requir|\bneed|^see\b|\bto (?:make|research|decide)|\bon:$", re.I)
#: Words a title opens with when it states the choice itself ("Use SQLite for the cache").
_CHOICE_VERBS = frozenset("""use uses adopt keep add remove drop replace move split merge reuse extend introduce
    create prefer
    choose select switch migrate defer skip make treat put read write emit send derive compute persist
    inline expose wrap route require allow support avoid ship embed let validate rely leave accept apply
    enforce rename retain preserve retire deprecate delegate generate no not never do don't always
    separate centralise centralize consolidate reject go proceed stay standardise standardize implement
    enable disable publish""".split())  # noqa: SIM905
#: Last words of a title that only names the topic ("Caching Strategy", "Storage approach").
_TOPIC_ENDINGS = frozenset("""strategy approach approaches design pattern patterns model handling management
    choice choices
    selection options option format structure architecture mechanism method methods policy scope
    location placement considerations question questions research analysis investigation evaluation""".split())  # noqa: SIM905


def split_title(text: str) -> tuple[str, str]:
    """(explicit id or "", title) from a heading such as ``D1: Use Postgres`` or ``3. Caching``."""
    plain = strip_markup(text)
    match = DECISION_ID.match(plain)
    if match and match.group("rest"):
        return match.group("id").upper(), match.group("rest").strip()
    return "", _NUMBERING.sub("", plain).strip() or plain


def states_choice(title: str) -> bool:
    """Whether a decision's title says what was chosen ("Use SQLite for the cache", "DO-per-task (not
    shared DO)") rather than only naming a topic ("Storage", "Caching Strategy", "Which queue?")."""
    words = re.findall(r"[\w'’-]+", title.lower())
    if not words or title.rstrip().endswith("?"):
        return False
    lowered = f" {title.lower()} "
    if re.search(r"\(not\b|\bnot\s|\bover\b|\binstead of\b|\brather than\b|\bvia\b|→|\bwith\b|\+", lowered):
        return not re.search(r"\bvs\.?\s", lowered)
    if words[0] in _CHOICE_VERBS:
        return True
    if words[-1] in _TOPIC_ENDINGS or re.search(r"\bvs\.?\s|\bversus\b|\bor\b", lowered):
        return False
    return len(words) >= 4


#: A title that opens with its date: ``2026-03-01 — Use Postgres``, ``2026-03-01: Use Postgres``.
_DATED_TITLE = re.compile(r"^\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})\s*(?:[:—–|]|-\s|,)\s*(?P<rest>\S.*)$")


def _dated_title(title: str) -> tuple[str, str]:
    """(title without the date it opens with, that date) or (title, "")."""
    match = _DATED_TITLE.match(title)
    found = iso_date(match.group("date")) if match else ""
    return (match.group("rest").strip(), found) if match and found else (title, "")


def _label(key: str) -> str | None:
    return _FIELD_LABELS.get(re.sub(r"\s+", " ", strip_markup(key).lower().strip().rstrip(":").strip()))


#: Labels a plain ``Label: value`` line may use: the unambiguous ones, capitalised, so that a wrapped
#: line such as "selected: …" inside a sentence is not taken for a field.
_PLAIN_LABELS = frozenset(("decision", "rationale", "alternatives considered", "alternatives", "alternative rejected",
                           "alternatives rejected", "alternative considered", "what was chosen", "why chosen",
                           "choice", "chosen approach", "status", "date", "decided", "decision date"))
#: ``**Decision.** text``: a bold label closed by a full stop.
_BOLD_PERIOD = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<key>[^*_.][^*.]*?)\.(?:\*\*|__)\s*(?P<value>.*)$")


def _field(line: str) -> tuple[str, str] | None:
    """(field, value) of a ``**Rationale**: …``, ``**Rationale.** …``, ``Rationale: …`` or bare
    ``**Rationale**`` line."""
    pair = keyed(line)
    if pair is None:
        period = _BOLD_PERIOD.match(line)
        plain = _PLAIN_FIELD.match(line)
        bold = _BOLD_LINE.match(line)
        if period:
            pair = (period.group("key"), period.group("value"))
        elif plain and plain.group("key")[0].isupper() and plain.group("key").strip().lower() in _PLAIN_LABELS:
            pair = (plain.group("key"), plain.group("value"))
        elif bold:
            pair = (bold.group("title"), "")
    if pair is None:
        return None
    name = _label(pair[0])
    return (name, pair[1].strip()) if name else None


def _is_template(value: str) -> bool:
    """``[what was chosen]``, ``[Topic]`` or the template's words without brackets."""
    plain = strip_markup(value).strip().rstrip(".")
    bracketed = re.fullmatch(r"\[(.+)\]", plain)
    if bracketed:
        return is_placeholder(bracketed.group(1)) or bracketed.group(1).lower() in _TEMPLATE_VALUES or \
            bracketed.group(1).lower() in TEMPLATE_PHRASES
    return re.sub(r"\s*\(.*\)$", "", plain).lower() in _TEMPLATE_VALUES


def _joined(lines: Iterable[str]) -> str:
    """A hard-wrapped paragraph as one line: the wrapping carries no meaning."""
    return " ".join(text.strip() for text in lines if text.strip())


def _markdown(blocks: Iterable[Block | Section]) -> str:
    """Blocks (and sub-headings) back as compact Markdown: paragraphs, lists with their nesting,
    tables and code, so that a field read from a heading keeps everything under it."""
    chunks: list[tuple[bool, str]] = []  # (is a list item, text)
    for block in blocks:
        if isinstance(block, Section):
            chunks.append((False, f"**{block.title}**"))
        elif isinstance(block, Item):
            text = _joined(t for _, t in block_lines(block))
            mark = f"- [{'x' if block.checked else ' '}] " if block.checked is not None else "- "
            chunks.append((True, "  " * (block.depth - 1) + mark + text))
        elif isinstance(block, Paragraph):
            chunks.append((False, _joined(t for _, t in block.lines)))
        elif isinstance(block, Table):
            rows = [block.header, ["---"] * len(block.header), *(row.cells for row in block.rows)]
            chunks.append((False, "\n".join("| " + " | ".join(cells) + " |" for cells in rows)))
        elif isinstance(block, Code):
            chunks.append((False, f"```{block.info}\n{block.text.rstrip()}\n```"))
    text = ""
    for index, (is_item, chunk) in enumerate(chunks):
        if index:
            text += "\n" if is_item else "\n\n"  # a list may follow the paragraph it completes
        text += chunk
    return text


@dataclass(slots=True)
class _Draft:
    title: str
    explicit_id: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    #: What was chosen when no Decision field says it (a title that states the choice).
    choice: str = ""
    #: Depth of the lines fields are written at: 0 paragraphs, n list items; None until a field is seen.
    depth: int | None = None


class _Fields:
    """Feeds a record's blocks into its fields, whole.

    A field runs on over its hard-wrapped lines and over list items nested below it; a field left
    empty, or whose text ends in a colon, also takes the blocks that follow until the next field.
    Lines that belong to no field are returned as prose.
    """

    def __init__(self, draft: _Draft) -> None:
        self.draft = draft
        self.current: str | None = None
        self.open = False
        self.item_depth = 0

    def _append(self, text: str, separator: str) -> None:
        assert self.current is not None
        value = self.draft.fields.get(self.current, "")
        self.draft.fields[self.current] = f"{value}{separator}{text}" if value else text.lstrip()

    def start(self, name: str, value: str, depth: int) -> None:
        if self.draft.fields.get(name):
            self.draft.fields[name] += f"\n\n{value}" if value else ""
        else:
            self.draft.fields[name] = value
        self.current = name
        self.open = not value or value.rstrip().endswith(":")
        self.item_depth = depth
        if self.draft.depth is None:
            self.draft.depth = depth

    def feed(self, block: Block, start: int = 0, stop: int | None = None) -> list[str]:
        """Feed a block's lines ``start`` to ``stop`` (all by default); returns those no field took."""
        if isinstance(block, (Table, Code)):
            if self.current is not None and self.open:
                self._append(_markdown([block]), "\n\n")
                return []
            self.current = None
            return []
        depth = block.depth if isinstance(block, Item) else 0
        lines = block_lines(block)
        prose: list[str] = []
        for offset, (_, text) in enumerate(lines):
            if offset < start or (stop is not None and offset >= stop):
                continue
            found = _field(text)
            usable = found is not None and ((self.draft.depth is None and depth <= 1) or
                                            (self.draft.depth is not None and depth <= self.draft.depth))
            if found is not None and usable:
                self.start(found[0], found[1], depth)
                continue
            if self.current is None:
                prose.append(text)
                continue
            if offset > 0:  # the field's own paragraph or item, hard-wrapped
                self._append(text.strip(), " ")
            elif isinstance(block, Item) and (self.open or depth > self.item_depth):
                mark = f"[{'x' if block.checked else ' '}] " if block.checked is not None else ""
                indent = "  " * max(depth - max(self.item_depth, 1), 0)
                self._append(f"{indent}- {mark}{text.strip()}", "\n")
            elif isinstance(block, Paragraph) and self.open:
                self._append(text.strip(), "\n\n")
            else:
                self.current = None
                prose.append(text)
        return prose


def _status(context: FileContext, raw: str, line: int) -> str:
    """The status written, normalised; a decision recorded with no status at all is accepted."""
    if not raw:
        return "accepted"
    status = decision_status(raw)
    if status == "unknown":
        context.unknown_status("decision", raw, line)
    return status


def _table_roles(table: Table, in_decisions: bool) -> dict[str, int] | None:
    """Column roles when the table holds decisions, else None.

    The header says so: a topic column beside a Decision/Choice column (``| Topic | Decision |``),
    a Decision column beside a Choice column (``| Decision | Choice |``), or a first column named
    Decision (``| Decision | Rationale | Alternatives |``: the decision cell is the choice). Under a
    heading that names decisions, a table with a topic column does too. Once a table is known to
    hold decisions, a Detail/Approach/Value column beside the decision column is the choice.
    """
    if not table.header:
        return None
    roles = column_roles(table.header, _ROLES)
    leading = 1 if roles.get("id") == 0 and len(table.header) > 1 else 0  # the first column after an id
    first = re.sub(r"[*_`]", "", normalise_header(table.header[leading]))
    decision_first = roles.get("decision") == leading or first.startswith(("decision", "choice"))
    if (decision_first or in_decisions) and "choice" not in roles and ("decision" in roles or "topic" in roles):
        weak = column_roles([h if i not in roles.values() else "" for i, h in enumerate(table.header)], _WEAK_CHOICE)
        roles.update(weak)
    if "topic" in roles and ("decision" in roles or "choice" in roles):
        roles["title"] = roles.pop("topic")
        if "decision" in roles:
            roles["choice"] = roles.pop("decision")
        return roles
    if "decision" in roles and "choice" in roles:
        roles["title"] = roles.pop("decision")
        return roles
    if "decision" in roles and decision_first:
        roles["title"] = roles["title_is_choice"] = roles.pop("decision")
        return roles
    if "decision" in roles and (in_decisions or {"rationale", "alternatives"} & roles.keys()) \
            and leading not in roles.values():
        roles["title"], roles["choice"] = leading, roles.pop("decision")  # | Technology | Decision | Rationale |
        return roles
    if "choice" in roles and first.startswith(("choice", "chosen")):
        roles["title"] = roles["title_is_choice"] = roles.pop("choice")
        return roles
    if in_decisions and "topic" in roles:
        roles["title"] = roles.pop("topic")
        return roles
    if in_decisions and len(table.header) > leading + 1 and not {leading, leading + 1} & set(roles.values()):
        roles["title"], roles["choice"] = leading, leading + 1  # | Layer | Technology | … | under "Decisions"
        return roles
    return None


_EMPTY_CELL = re.compile(r"^(?:|[-—–]+|n/?a|none|\(none\)|tbd)$", re.I)


class _Reader:
    """One file's decisions, read in one walk over its sections."""

    def __init__(self, context: FileContext, outline: Outline, research: bool) -> None:
        self.context = context
        self.outline = outline
        self.research = research
        self.decisions: list[Decision] = []
        self.draft: _Draft | None = None
        self.fields: _Fields | None = None
        self.origin = ""
        #: The section whose heading is the open record's topic, and the last record with its topic:
        #: a "## Decision Rationale" further down the same topic still belongs to that record.
        self.topic_index = -1
        self.draft_topic = -1
        #: The section being read, and the one whose heading opened the current record.
        self.section_index = -1
        self.draft_section = -1
        #: Whether the open record is a heading ("## Decision 1: …", "### D1: …"): its sub-headings are its body.
        self.by_heading = False
        self.last: tuple[Decision, int] | None = None

    # -- records ---------------------------------------------------------------------------------

    def close(self) -> None:
        draft, self.draft, self.fields = self.draft, None, None
        if draft is None:
            return
        choice = draft.fields.get("decision", "") or draft.fields.get("answer", "") or draft.choice
        if _is_template(choice) or _is_template(draft.title):
            return
        title, dated = _dated_title(draft.title or _joined([strip_markup(choice)])[:120])
        # research.md topics reuse short ids (R1, D-1) that may collide with risks: no duplicate report.
        global_id, local = self.context.claim(draft.explicit_id, "decision", title, draft.line,
                                              report=self.origin != "research")
        raw = strip_markup(draft.fields.get("status", ""))
        self.decisions.append(decision := Decision(
            global_id, self.context.feature, local, title, _status(self.context, raw, draft.line), raw,
            draft.fields.get("context", ""), draft.fields.get("rationale", ""), draft.fields.get("alternatives", ""),
            draft.fields.get("follow_up", ""), self.origin, self.context.source(draft.line), choice=choice,
        ))
        self.date(decision, written_date(draft.fields.get("date", "")), dated or date_in(title), self.draft_section)
        self.last = (decision, self.draft_topic)

    def date(self, decision: Decision, own: str, titled: str, section: int) -> None:
        """The decision's own date (a Date field or column), else a date in its title or in a
        heading above it."""
        if own:
            decision.date, decision.date_from = own, "record"
            return
        headings = (self.outline.doc.sections[i].title for i in self.outline.ancestry(section)) if section >= 0 else ()
        found = titled or next((d for d in map(date_in, headings) if d), "")
        if found:
            decision.date, decision.date_from = found, "heading"

    def open(self, title: str, explicit: str, line: int, origin: str, fields: dict[str, str] | None = None) -> None:
        self.close()
        self.draft_topic = self.topic_index
        self.draft_section = self.section_index
        self.by_heading = False
        self.draft = _Draft(title, explicit, line, dict(fields or {}))
        self.fields = _Fields(self.draft)
        self.origin = origin

    def table(self, table: Table, in_decisions: bool) -> None:
        roles = _table_roles(table, in_decisions)
        if roles is None:
            return
        title_is_choice = roles.pop("title_is_choice", None) is not None
        origin = "research" if self.research else "plan-table"
        for row in table.rows:
            if all(_EMPTY_CELL.match(c.strip()) for c in row.plain):
                continue
            title, dated = _dated_title(cell(row, roles["title"], plain=True))
            choice = title if title_is_choice and not dated else cell(row, roles.get("choice"))
            explicit = cell(row, roles.get("id"), plain=True)
            global_id, local = self.context.claim(explicit, "decision", title, row.line, report=not self.research)
            raw = cell(row, roles.get("status"), plain=True)
            status = _status(self.context, raw, row.line) if raw or "status" not in roles else "unknown"
            extra = extra_cells(table, row, {k: v for k, v in roles.items()})
            self.decisions.append(decision := Decision(
                global_id, self.context.feature, local, title, status, raw, cell(row, roles.get("context")),
                cell(row, roles.get("rationale")), cell(row, roles.get("alternatives")),
                cell(row, roles.get("follow_up")), origin, self.context.source(row.line), extra, choice=choice,
            ))
            own = next((written_date(v) for k, v in extra.items()
                        if strip_markup(normalise_header(k)) in DATE_LABELS), "")
            self.date(decision, own, dated, self.section_index)

    def bullets(self, blocks: list[Block]) -> None:
        """A section listing one decision per top-level bullet; its text is the choice."""
        items = [b for b in blocks if isinstance(b, Item) and b.depth == 1]
        if not items or any(_field(t) for b in blocks for _, t in block_lines(b)):
            return
        origin = "research" if self.research else "plan-list"
        for item in items:
            text = _joined(t for _, t in block_lines(item))
            if not text or _is_template(text):
                continue
            pair = keyed(text)
            explicit, title = split_title(pair[0] if pair else text)
            self.open(title[:120], explicit, item.line, origin)
            assert self.draft is not None
            self.draft.choice = text
            nested = blocks[blocks.index(item) + 1:]
            for block in nested:
                if not isinstance(block, Item) or block.depth <= 1:
                    break
                self.draft.choice += "\n" + "  " * (block.depth - 1) + "- " + _joined(t for _, t in block_lines(block))
            self.close()

    def lead_in_lists(self, blocks: list[Block]) -> None:
        """``**Key Decisions**:`` / ``Planning decisions that shape the work:`` and the list below it."""
        for index, block in enumerate(blocks):
            if not isinstance(block, Paragraph):
                continue
            last = strip_markup(block.lines[-1][1]).rstrip()
            if not (last.endswith(":") or re.search(r"\(.*\):?$", last)) or not _GROUP.search(last) \
                    or _NOT_A_LIST.search(last) or _UNDECIDED.search(last):
                continue
            items: list[Block] = []
            for following in blocks[index + 1:]:
                if not isinstance(following, Item):
                    break
                items.append(following)
            if items:
                self.bullets(items)

    # -- the walk -----------------------------------------------------------------------------

    def subtree_end(self, index: int) -> int:
        sections = self.outline.doc.sections
        end = index + 1
        while end < len(sections) and sections[end].level > sections[index].level:
            end += 1
        return end

    def body(self, index: int) -> str:
        sections = self.outline.doc.sections
        parts: list[Block | Section] = list(sections[index].blocks)
        for section in sections[index + 1 : self.subtree_end(index)]:
            parts.append(section)
            parts.extend(section.blocks)
        return _markdown(parts)

    def marked(self, section: Section, topic: tuple[str, int]) -> tuple[str, int]:
        """research.md style: a Decision line under the latest topic (heading or bold line).

        The record starts at its topic; a second Decision line under the same topic starts its own.
        Returns the topic, with line 0 once a record has started at it.
        """
        for block in section.blocks:
            if isinstance(block, (Table, Code)):
                if self.fields is not None:
                    self.fields.feed(block)
                continue
            lines = block_lines(block)
            if not lines:
                continue
            found = _field(lines[0][1])
            bold = _BOLD_LINE.match(lines[0][1])
            if bold and found is None and len(lines) == 1 and not bold.group("title").rstrip().endswith(":") \
                    and (not isinstance(block, Item) or self.draft is None or block.depth <= (self.draft.depth or 1)):
                self.close()
                topic = (bold.group("title"), lines[0][0])
                continue
            depth = block.depth if isinstance(block, Item) else 0
            # A paragraph may hold several labelled lines: a record starts at each Decision line.
            # An **Answer** to the topic's question starts a record too, and a Decision line under the
            # same topic completes that record rather than starting another.
            same_topic = self.draft is not None and topic[1] == 0
            starts = [k for k, (_, text) in enumerate(lines) if (f := _field(text)) is not None
                      and (k == 0 or isinstance(block, Paragraph))
                      and ((f[0] == "decision" and not (same_topic and self.draft is not None
                                                        and "decision" not in self.draft.fields))
                           or (f[0] == "answer" and not same_topic))]
            if self.draft is not None and self.draft.depth is not None and depth > self.draft.depth:
                starts = []  # a Decision bullet nested inside a field belongs to that field
            bounds = [0, *starts, len(lines)] if starts and starts[0] else [*starts, len(lines)] if starts else []
            if not starts:
                if self.fields is not None:
                    self.fields.feed(block)
                continue
            for segment, begin in enumerate(bounds[:-1]):
                end = bounds[segment + 1]
                if begin in starts:
                    explicit, title = split_title(topic[0])
                    self.open(title, explicit, topic[1] or lines[begin][0], "research")
                    topic = (topic[0], 0)
                    assert self.draft is not None
                    self.draft.depth = depth
                if self.fields is not None:
                    self.fields.feed(block, begin, end)
        return topic

    def groups(self) -> list[bool]:
        """Which sections hold decisions below them: a heading that names decisions ("Design
        Decisions", "Key Decisions") and, under it, headings that group records without being one."""
        doc, outline = self.outline.doc, self.outline
        found: list[bool] = []
        for index, section in enumerate(doc.sections):
            heading = strip_markup(section.title)
            parent = outline.parents[index]
            record_like = bool(split_title(section.title)[0] or _DECISION_HEADING.match(heading) or
                               _FIELD_HEADING.match(heading))
            names = bool(_GROUP.search(heading)) and "tech" not in outline.kinds[index]
            nested = parent >= 0 and found[parent] and self.subtree_end(index) > index + 1
            found.append(section.level > 1 and not record_like and (names or nested))
        return found

    def run(self, wanted: set[int], headings: bool, marked: bool, tables: bool) -> list[Decision]:
        doc, outline = self.outline.doc, self.outline
        groups = self.groups()
        topic: tuple[str, int] = ("", 0)
        skip_to = 0
        origin = "research" if self.research else "plan-heading"
        for index, section in enumerate(doc.sections):
            if index < skip_to or index not in wanted:
                continue
            heading = strip_markup(section.title)
            self.section_index = index
            parent = outline.parents[index]
            in_group = parent >= 0 and groups[parent]
            field_heading = _FIELD_HEADING.match(heading) if section.level > 1 else None
            valued = _DECISION_HEADING.match(heading)
            if field_heading:
                name = _label(field_heading.group("label")) or ("context" if re.search(
                    r"consequence|trade", heading, re.I) else "")
                if self.draft is not None and name and (name != "status" or section.blocks):
                    body = self.body(index)
                    current = self.draft.fields.get(name)
                    self.draft.fields[name] = f"{current}\n\n{body}" if current else body
                elif self.last is not None and name in ("rationale", "alternatives", "context") \
                        and self.last[1] in outline.ancestry(index)[1:]:
                    earlier = self.last[0]
                    current = getattr(earlier, name)
                    body = self.body(index)
                    setattr(earlier, name, f"{current}\n\n{body}" if current else body)
                skip_to = self.subtree_end(index)  # the field's body, sub-headings included
                continue
            if valued and not valued.group("value") and section.blocks and self.draft is not None \
                    and self.draft_section in outline.ancestry(index)[1:]:
                # a bare "### Decision" under "## Decision 1: <topic>": the choice of that record
                self.draft.fields.setdefault("decision", self.body_choice(section))
                assert self.fields is not None
                for block in section.blocks[1:]:
                    self.fields.feed(block)
                continue
            if valued and (marked or in_group or groups[index]) and (valued.group("value") or section.blocks):
                # "### Decision: <choice>" or a bare "### Decision" whose body is the choice; the topic is the parent.
                parent_title = doc.sections[parent].title if parent >= 0 and doc.sections[parent].level > 1 else ""
                explicit, title = split_title(parent_title) if not (parent >= 0 and groups[parent]) else ("", "")
                value = valued.group("value") or ""
                if value and not title:
                    explicit, title = split_title(value)
                self.open(title, explicit, section.line, origin)
                self.by_heading = True
                assert self.draft is not None and self.fields is not None
                for block in section.blocks:
                    self.fields.feed(block)
                written = self.draft.fields.get("decision", "")
                if value and written and title != split_title(value)[1]:
                    # "### Decision: <choice>" under its topic; a Chosen approach below it adds to it.
                    self.draft.fields["decision"] = f"{value}\n\n{written}"
                elif value and not written:
                    self.draft.choice = value  # a "### Decision" or "**Decision**" below may still say more
                elif not written:
                    self.draft.fields["decision"] = self.body_choice(section)
                continue
            if self.draft is not None and self.by_heading and self.draft_section in outline.ancestry(index)[1:]:
                continue  # "### Typer patterns" under "## Decision 1: CLI framework": detail of that record
            self.close()
            topic = (section.title, section.line)
            self.topic_index = index
            explicit, title = split_title(section.title)
            if tables and "tech" not in outline.kinds[index]:
                for block in section.blocks:
                    if isinstance(block, Table):
                        self.table(block, groups[index])
            if headings and in_group and not groups[index] and (explicit or section.blocks) \
                    and not _NOT_DECISIONS.search(heading):
                self.open(title, explicit, section.line, origin)
                self.by_heading = True
                assert self.draft is not None and self.fields is not None
                prose: list[str] = []
                for block in section.blocks:
                    prose.extend(self.fields.feed(block))
                if "context" not in self.draft.fields and prose:
                    self.draft.fields["context"] = "\n".join(prose)
                if "decision" not in self.draft.fields:
                    # The title when it states the choice, else the body's opening: under a heading
                    # that names decisions, what a topic heading's text says is what was decided.
                    self.draft.choice = title if states_choice(title) else self.body_choice(section)
                continue
            if headings and groups[index] and self.subtree_end(index) == index + 1 \
                    and not _NOT_A_LIST.search(heading):
                self.bullets(section.blocks)
            elif headings:
                self.lead_in_lists(section.blocks)
            if marked:
                topic = self.marked(section, topic)
        self.close()
        return self.decisions

    @staticmethod
    def body_choice(section: Section) -> str:
        """The opening paragraph of a section, with the list it introduces when it ends in a colon."""
        blocks = [b for b in section.blocks if isinstance(b, (Paragraph, Item))]
        if not blocks:
            return ""
        taken: list[Block] = [blocks[0]]
        if isinstance(blocks[0], Paragraph) and blocks[0].lines[-1][1].rstrip().endswith(":"):
            following = section.blocks[section.blocks.index(blocks[0]) + 1:]
            for block in following:
                if not isinstance(block, Item):
                    break
                taken.append(block)
        elif isinstance(blocks[0], Item):
            taken = [b for b in blocks if isinstance(b, Item)]
        return _markdown(taken)


def read_plan_decisions(context: FileContext, outline: Outline) -> list[Decision]:
    """plan.md: decision tables, decision headings and Key Decisions bullets."""
    everything = set(range(len(outline.doc.sections)))
    return _Reader(context, outline, research=False).run(everything, headings=True, marked=False, tables=True)


def read_marked_decisions(context: FileContext, outline: Outline, sections: list[int] | None = None) -> list[
        Decision]:
    """research.md (``sections`` None): every form; a plan's research sections: topics with a Decision line."""
    if sections is None:
        everything = set(range(len(outline.doc.sections)))
        return _Reader(context, outline, research=True).run(everything, headings=True, marked=True, tables=True)
    reader = _Reader(context, outline, research=False)
    groups = reader.groups()
    # sections under a heading that gathers decisions are read_plan_decisions' records already
    wanted = {i for i in sections if not groups[i] and not (outline.parents[i] >= 0 and groups[outline.parents[i]])}
    return reader.run(wanted, headings=False, marked=True, tables=False)
