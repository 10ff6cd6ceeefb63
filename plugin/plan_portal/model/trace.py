"""Traceability records: spec.md's requirements and stories, tasks.md's tasks, checklists' items.

Read from the blocks of the read stage (each list item or paragraph line with its line); a regex
only ever reads one item's or line's own text.

spec.md:

- a requirement is a list item, a paragraph line or a heading that opens with its id and a
  separator: ``- **FR-001**: …``, ``- **FR-001a** (P2): …``, ``**SC-004**: …``, ``#### FR-1: …``. The
  first definition of an id counts; later items that open with it (a status list, a summary) do not.
- a user story is a heading ``User Story 1 - Title (Priority: P1)`` (also ``US1: Title (P1)``,
  ``User Story AUTH-1``, ``AUTH-US1: …``) or a ``- **US-1**: …`` item; its acceptance scenarios are
  its Given/When/Then list items, numbered in order (``US1-AS2``).
- key entities, assumptions and edge cases are the top-level items of sections so named.
- the Clarifications section: sessions (``### Session 2026-03-01``) of ``- Q: … → A: …`` items.

tasks.md: checkbox items that open with a task id (``T012``, ``T012a``, ``T1001``, ``T-HF01``,
``T007.1``, ``**T004**``, ``[SETUP-001]``); when no item carries an id, every checkbox is a task.
After the id come bracketed tags: ``[P]`` (parallel), a story (``[US1]``), others kept as tags.
``[~]`` and ``[-]`` boxes are tasks that are not done.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from plan_portal.model.citations import STRICT_PREFIX, cited_ids, id_at_start, split_id, story_id
from plan_portal.model.context import FileContext
from plan_portal.model.records import (
    ChecklistItem,
    ClarificationQuestion,
    ClarificationSession,
    Requirement,
    Task,
)
from plan_portal.model.text import slug, strip_markup
from plan_portal.read.blocks import Document, Item, Paragraph, Section

_KIND_OF_PREFIX = {"FR": "functional", "NFR": "non-functional", "SC": "success-criterion"}
#: Words of a section's heading that say what its items are.
_SECTION_KINDS = (
    ("key-entity", re.compile(r"\bentit", re.I)),
    ("assumption", re.compile(r"\bassumption", re.I)),
    ("edge-case", re.compile(r"\bedge[ -]?cases?\b", re.I)),
)
_OTHER_KINDS = (
    ("success-criterion", re.compile(r"success|outcome|criteri", re.I)),
    ("non-functional", re.compile(r"non[- ]?functional|quality attribute", re.I)),
    ("assumption", re.compile(r"\bassumption", re.I)),
    ("functional", re.compile(r"requirement", re.I)),
)
#: Sections where an id with a prefix other than FR, NFR and SC defines something (``A-001``).
_REQUIREMENT_SECTION = re.compile(r"requirement|criteri|success|outcome|assumption|dependenc|constraint|"
                                  r"non[- ]?functional", re.I)
_CLARIFICATIONS = re.compile(r"^clarifications?\b", re.I)
_SESSION = re.compile(r"^session\b\s*(?P<date>\d{4}-\d{2}-\d{2}\w*)?", re.I)
_QUESTION = re.compile(r"^Q\d*\s*[:：]\s*(?P<q>.*?)(?:\s*(?:→|->|=>)?\s*\bA\d*\s*[:：]\s*(?P<a>.*))?$", re.S)
#: What follows an id that opens a definition: a colon, a dash, a parenthesis, or nothing.
_DEFINITION_REST = re.compile(r"^\s*(?:$|[:.—–]|-\s|[(\[])")
#: A qualifier between an id and its text: ``(P1)``, ``(added 2026-07-12)``, ``[vNext — superseded]``.
_QUALIFIER = re.compile(r"^\s*(?:\((?P<inner>[^)]*)\)|\[(?P<bracket>[^\]]*)\])")
_PRIORITY = re.compile(r"\bP\d+\b")
_STORY_HEADING = re.compile(
    r"^(?:user\s+story\s*(?:(?-i:(?P<ns>[A-Z][A-Z0-9]*))-(?:US-?)?(?=\d))?(?P<n>\d+(?:\.\d+)*)?"
    r"|(?-i:(?:(?P<ns2>[A-Z][A-Z0-9]*)-)?US)-?(?P<n2>\d+(?:\.\d+)*)\b)"
    r"\s*(?:--|[-—–:.])?\s*(?P<title>.*?)\s*$",
    re.I,
)
_STORY_PRIORITY = re.compile(r"\(\s*(?:priority\s*:\s*(?P<p>[^)]+)|(?P<bare>P\d+\b[^)]*))\)", re.I)
#: A heading that names a story: "User Story 3" anywhere, or a story id first (after "Phase 3:").
_NAMES_STORY = re.compile(r"\buser\s+story\s+(?P<n>\d+(?:\.\d+)*)\b", re.I)
_STORY_FIRST = re.compile(r"^(?:phase\s+\d+[a-z]?\s*[:.—–-]\s*)?(?:(?P<ns>[A-Z][A-Z0-9]*)-)?US-?(?P<n>\d+)\b", re.I)
_GIVEN = re.compile(r"\bgiven\b", re.I)
_THEN = re.compile(r"\bthen\b", re.I)
_GWT = re.compile(r"\b(given|when|then)\b", re.I)
_PHASE = re.compile(r"\bphase\b", re.I)
#: A task's own id at the start of its text: T012, T012a, T1001, T-HF01, T007.1, T068K.
_TASK_ID = re.compile(r"^(?:~~|\*\*|__|`)*(?P<id>T(?:-[A-Z]+)?\d+(?:\.\d+)*[A-Za-z]?)(?:~~|\*\*|__|`)*(?![\w.])")
_BRACKET_ID = re.compile(r"^\[(?P<id>[A-Z][A-Z0-9]*-\d+[a-z]?)\](?!\()")
_TAG = re.compile(r"^\s*\[(?P<tag>[^\]\[]{1,24})\](?!\()")
_STORY_TAG = re.compile(r"^(?:(?P<ns>[A-Z][A-Z0-9]*)-)?US-?(?P<n>\d+(?:\.\d+)?)$")
_STORY_TAGS = re.compile(r"^(?:(?:[A-Z][A-Z0-9]*-)?US-?\d+(?:\s*[/,+&]\s*|\s+and\s+|$))+$")
_STORY_IN_ID = re.compile(r"^(?:(?P<ns>[A-Z][A-Z0-9]*)-)?US(?P<n>\d+)-\d+")
#: Checkbox marks markdown-it does not read as a checkbox: deferred, dropped, in progress.
_OTHER_BOX = re.compile(r"^\[[~\-/]\]\s+")
_CONVERGENCE = re.compile(r"\((?P<state>missing|partial)\)\s*\.?\s*$", re.I)
_CHECK_ID = re.compile(r"^(?:\*\*)?(?P<id>CHK-?\d+[a-z]?)(?:\*\*)?\s*[:.—–-]?\s*")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _parents(doc: Document) -> list[int]:
    parents: list[int] = []
    stack: list[int] = []
    for index, section in enumerate(doc.sections):
        while stack and doc.sections[stack[-1]].level >= section.level:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(index)
    return parents


def _ancestry(parents: list[int], index: int) -> Iterator[int]:
    while index >= 0:
        yield index
        index = parents[index]


def _item_lines(block: Item | Paragraph) -> Iterator[tuple[int, str, str]]:
    """(line, plain text, Markdown source) of each definition a block may hold: an item whole, a
    paragraph per line that opens with an id (with the lines below it)."""
    if isinstance(block, Item):
        yield block.line, block.plain, block.text
        return
    current: tuple[int, list[str], str] | None = None
    for line, text in block.lines:
        plain = strip_markup(text)
        if id_at_start(plain.lstrip("*_ ")) is not None:
            if current is not None:
                yield current[0], " ".join(current[1]), current[2]
            current = (line, [plain], text)
        elif current is not None:
            current[1].append(plain)
    if current is not None:
        yield current[0], " ".join(current[1]), current[2]


def _story_priority(title: str) -> tuple[str, str]:
    """(title without its priority, priority): ``P1`` when the priority names one."""
    match = _STORY_PRIORITY.search(title)
    if not match:
        return title.strip(), ""
    raw = (match.group("p") or match.group("bare") or "").strip()
    named = _PRIORITY.search(raw)
    stripped = (title[: match.start()] + title[match.end():]).strip()
    return re.sub(r"\s{2,}", " ", stripped), named.group() if named else raw


def _story_heading(title: str) -> tuple[str, str, str] | None:
    """(id or "", title, priority) of a heading that opens a user story."""
    match = _STORY_HEADING.match(title)
    if not match:
        return None
    number, namespace = match.group("n") or match.group("n2"), match.group("ns") or match.group("ns2") or ""
    name, priority = _story_priority(match.group("title") or "")
    return (story_id(namespace, number) if number else ""), name or title, priority


def _kind(prefix: str, section_titles: list[str]) -> str:
    if prefix in _KIND_OF_PREFIX:
        return _KIND_OF_PREFIX[prefix]
    if STRICT_PREFIX.match(prefix):
        return _KIND_OF_PREFIX[prefix.split("-")[0]]
    for title in section_titles:
        for kind, pattern in _OTHER_KINDS:
            if pattern.search(title):
                return kind
    return "other"


def _definition(plain: str) -> tuple[str, str, str, str] | None:
    """(id, prefix, text, priority) of text that opens with an id and a separator."""
    found = id_at_start(plain.lstrip("*_` "))
    if found is None:
        return None
    local, prefix, rest = found
    rest = rest.lstrip("*_`")
    if not _DEFINITION_REST.match(rest):
        return None
    priority = ""
    qualifier = _QUALIFIER.match(rest)
    if qualifier:
        named = _PRIORITY.search(qualifier.group("inner") or qualifier.group("bracket") or "")
        priority = named.group() if named else ""
        rest = rest[qualifier.end():]
    text = _flat(rest.lstrip("*_` ").lstrip(":.)—–-").strip(" *_"))
    return local, prefix, text, priority


@dataclass(slots=True)
class _Candidate:
    """A requirement as found, before repeated ids are settled."""

    local: str
    kind: str
    text: str
    line: int
    priority: str = ""
    title: str = ""
    story: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    #: 2: a heading; 1: an id written in bold at the start of an item or line; 0: a plain one.
    strength: int = 1
    explicit: bool = True


class _SpecReader:
    def __init__(self, doc: Document, context: FileContext) -> None:
        self.doc = doc
        self.context = context
        self.candidates: list[_Candidate] = []
        self.counts: dict[str, int] = {}
        self.sessions: list[ClarificationSession] = []

    def numbered(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"{kind}-{self.counts[kind]}"

    def read(self) -> list[Requirement]:
        doc = self.doc
        parents = _parents(doc)
        story: tuple[str, int] | None = None  # (local id, heading level)
        scenarios = 0
        for index, section in enumerate(doc.sections):
            if story is not None and section.level <= story[1]:
                story = None
            titles = [doc.sections[i].title for i in _ancestry(parents, index) if doc.sections[i].level > 1]
            if any(_CLARIFICATIONS.search(t) for t in titles):
                self.clarifications(section)
                continue
            heading = _story_heading(section.title) if section.level > 1 else None
            if heading is not None:
                local, title, priority = heading
                explicit = bool(local)
                local = local or self.numbered("story")
                self.candidates.append(_Candidate(local, "user-story", title, section.line, priority, title,
                                                  strength=2, explicit=explicit))
                story, scenarios = (local, section.level), 0
            elif section.level > 1:
                defined = _definition(strip_markup(section.title))
                if defined is not None and STRICT_PREFIX.match(defined[1]):
                    local, prefix, text, priority = defined
                    self.candidates.append(_Candidate(local, _kind(prefix, titles), text, section.line, priority,
                                                      strength=2))
            section_kind = next((kind for title in titles[:1] for kind, pattern in _SECTION_KINDS
                                 if pattern.search(title)), "")
            top = min((b.depth for b in section.blocks if isinstance(b, Item)), default=0)
            for block in section.blocks:
                if not isinstance(block, (Item, Paragraph)):
                    continue
                if self.definitions(block, titles) or not isinstance(block, Item):
                    continue
                plain = _flat(block.plain)
                if story is not None and _GIVEN.search(plain) and _THEN.search(plain):
                    scenarios += 1
                    self.candidates.append(_Candidate(
                        f"{story[0]}-AS{scenarios}", "acceptance-scenario", plain, block.line, story=story[0],
                        extra=_given_when_then(plain), explicit=False))
                elif section_kind and block.depth == top and plain:
                    self.entry(section_kind, block, plain)
        return self.settle()

    def definitions(self, block: Item | Paragraph, titles: list[str]) -> bool:
        """Read the definitions a block opens with; whether it held any."""
        found = False
        for line, plain, source in _item_lines(block):
            definition = _definition(plain)
            if definition is None:
                continue
            local, prefix, text, priority = definition
            bold = source.lstrip().startswith(("**", "__"))
            if not bold and isinstance(block, Paragraph):
                continue  # a wrapped line that happens to open with an id ("FR-011a). The …")
            if prefix == "US":
                if not bold or not text:
                    continue  # "US13 (#152) was descoped": prose about a story, not the story
                self.candidates.append(_Candidate(local, "user-story", text, line, priority, text))
            elif STRICT_PREFIX.match(prefix) or (bold and any(_REQUIREMENT_SECTION.search(t) for t in titles)):
                self.candidates.append(_Candidate(local, _kind(prefix, titles), text, line, priority,
                                                  strength=1 if bold else 0))
            else:
                continue
            found = True
        return found

    def entry(self, kind: str, block: Item, plain: str) -> None:
        title = ""
        if kind == "key-entity":
            bold = re.match(r"^\s*(?:\*\*|__)(?P<name>[^*_]+?)(?:\*\*|__)", block.text)
            title = strip_markup(bold.group("name")).rstrip(":").strip() if bold else plain.split(":")[0][:60]
            local = f"entity-{slug(title)}"
        else:
            local = self.numbered(kind)
        self.candidates.append(_Candidate(local, kind, plain, block.line, title=title, explicit=False))

    def settle(self) -> list[Requirement]:
        """Each author id once, where it is written strongest (a heading, then a bold id), first
        there; the rest in file order. Ids are claimed in file order."""
        # A prefix other than FR, NFR, SC and a story's is an id scheme when the spec numbers at
        # least two items with it: a lone "**UTF-8**:" or "**SHA-256**:" is not.
        schemes: dict[str, int] = {}
        for candidate in self.candidates:
            parts = split_id(candidate.local) if candidate.explicit else None
            if parts is not None and not STRICT_PREFIX.match(parts[0]):
                schemes[parts[0]] = schemes.get(parts[0], 0) + 1
        self.candidates = [c for c in self.candidates if not c.explicit or (parts := split_id(c.local)) is None
                           or STRICT_PREFIX.match(parts[0]) or schemes.get(parts[0], 0) >= 2]
        best: dict[str, _Candidate] = {}
        for candidate in self.candidates:
            if candidate.explicit:
                held = best.get(candidate.local)
                if held is None or candidate.strength > held.strength:
                    best[candidate.local] = candidate
        kept = [c for c in self.candidates if not c.explicit or best[c.local] is c]
        found = []
        for c in sorted(kept, key=lambda c: c.line):
            global_id, claimed = self.context.claim(c.local, "", "", c.line, report=False)
            found.append(Requirement(global_id, self.context.feature, claimed, c.kind, c.text, c.priority,
                                     self.context.source(c.line), c.title, c.story, c.extra))
        return found

    def clarifications(self, section: Section) -> None:
        session_heading = _SESSION.match(section.title)
        for block in section.blocks:
            if not isinstance(block, Item):
                continue
            match = _QUESTION.match(_flat(block.plain))
            if not match:
                continue
            if session_heading is not None and (not self.sessions or self.sessions[-1].source.line != section.line):
                self.sessions.append(ClarificationSession(section.title, session_heading.group("date") or "",
                                                          self.context.source(section.line)))
            elif not self.sessions:
                self.sessions.append(ClarificationSession(section.title, "", self.context.source(section.line)))
            question = ClarificationQuestion(match.group("q").strip(), (match.group("a") or "").strip(),
                                             self.context.source(block.line))
            self.sessions[-1].questions.append(question)


def _given_when_then(plain: str) -> dict[str, str]:
    parts = _GWT.split(plain)
    fields: dict[str, str] = {}
    for keyword, text in zip(parts[1::2], parts[2::2], strict=False):
        key = keyword.lower()
        value = text.strip(" ,;*")
        if key not in fields and value:
            fields[key] = value
    return fields


def read_requirements(doc: Document, context: FileContext) -> tuple[list[Requirement], list[ClarificationSession]]:
    """spec.md's requirements, stories, scenarios, key entities, assumptions, edge cases, and its
    clarification sessions."""
    reader = _SpecReader(doc, context)
    return reader.read(), reader.sessions


def citable(requirements: Collection[Requirement]) -> tuple[set[str], set[str]]:
    """(ids others may cite, prefixes of those other than FR, NFR, SC and stories)."""
    ids: set[str] = set()
    prefixes: set[str] = set()
    for requirement in requirements:
        found = id_at_start(requirement.local_id)
        if found is None or found[2] or requirement.kind == "acceptance-scenario":
            continue
        ids.add(requirement.local_id)
        if found[1] != "US" and not STRICT_PREFIX.match(found[1]):
            prefixes.add(found[1])
    return ids, prefixes


def _story_tag(tag: str) -> list[str]:
    """The stories of a tag: ``[US1]``, ``[US-1]``, ``[AUTH-US1]``, ``[US4/US5]``, ``[US1, US2]``."""
    match = _STORY_TAG.match(tag.strip())
    if match:
        return [story_id(match.group("ns") or "", match.group("n"))]
    if _STORY_TAGS.match(tag.strip()):
        return cited_ids(tag)
    return []


def stories_named(title: str) -> list[str]:
    """The stories a tasks.md heading is about: ``Phase 3: User Story 1 …``, ``US2 — …``; a heading
    that mentions stories in passing ("blocks US2/US3") names none."""
    named = [story_id("", m.group("n")) for m in _NAMES_STORY.finditer(title)]
    first = _STORY_FIRST.match(title)
    if first and not named:
        named.append(story_id((first.group("ns") or "").upper(), first.group("n")))
    return list(dict.fromkeys(named))


def stories_mentioned(title: str) -> list[str]:
    """Every story a heading mentions, in passing too ("covers US9", "US13+US14")."""
    named = [story_id("", m.group("n")) for m in _NAMES_STORY.finditer(title)]
    named += [i for i in cited_ids(title) if split_id(i) is None]
    return list(dict.fromkeys(named))


def _phase(doc: Document, parents: list[int], index: int) -> tuple[str, str]:
    """(phase title, story it names) of a task in section ``index``."""
    chain = [i for i in _ancestry(parents, index) if doc.sections[i].level > 1]
    phase = next((doc.sections[i].title for i in chain if _PHASE.search(doc.sections[i].title)), "")
    if not phase and chain:
        phase = doc.sections[chain[-1]].title
    # The nearest heading that names stories decides; one that names two ("User Story 1 + User
    # Story 4") gives a task no story of its own.
    named = next((found for found in (stories_named(doc.sections[i].title) for i in chain) if found), [])
    return phase, named[0] if len(named) == 1 else ""


def _task_boxes(doc: Document) -> Iterator[tuple[int, Item, bool, str]]:
    """(section index, item, done, plain text after the box) of every checkbox item."""
    for index, section in enumerate(doc.sections):
        for block in section.blocks:
            if not isinstance(block, Item):
                continue
            if block.checked is not None:
                yield index, block, block.checked, block.plain
            else:
                other = _OTHER_BOX.match(block.plain)
                if other:
                    yield index, block, False, block.plain[other.end():]


def _task_id(plain: str) -> tuple[str, str] | None:
    """(id, the rest) when the text opens with a task id."""
    match = _TASK_ID.match(plain) or _BRACKET_ID.match(plain)
    if not match:
        return None
    return match.group("id"), plain[match.end():]


def read_task_items(doc: Document, context: FileContext, defined: Collection[str] | None,
                    prefixes: Collection[str] = ()) -> list[Task]:
    """tasks.md's tasks; ``defined`` is the spec's citable ids (None without a spec)."""
    parents = _parents(doc)
    boxes = list(_task_boxes(doc))
    with_ids = [(index, item, done, plain, _task_id(plain)) for index, item, done, plain in boxes]
    counted = [row for row in with_ids if row[4] is not None] or with_ids
    tasks: list[Task] = []
    phases: dict[int, tuple[str, str]] = {}
    for number, (index, item, done, plain, found) in enumerate(counted, 1):
        local, rest = found if found is not None else (f"task-{number}", plain)
        parallel = False
        story = ""
        tags: list[str] = []
        also: list[str] = []
        while True:
            tag = _TAG.match(rest)
            if tag is None:
                break
            value = tag.group("tag").strip()
            if value.upper() == "P":
                parallel = True
            elif not story and _story_tag(value):
                story, *also = _story_tag(value)
            else:
                tags.append(value)
            rest = rest[tag.end():]
        in_id = _STORY_IN_ID.match(local)
        if not story and in_id:
            story = story_id(in_id.group("ns") or "", in_id.group("n"))
        if index not in phases:
            phases[index] = _phase(doc, parents, index)
        phase, phase_story = phases[index]
        text = _flat(rest.strip(" -—–:"))
        convergence = _CONVERGENCE.search(text)
        global_id, claimed = context.claim(local, "", "", item.line, report=False)
        tasks.append(Task(
            global_id, context.feature, claimed, text, done, parallel, story or phase_story, phase,
            list(dict.fromkeys([*also, *cited_ids(text, defined, prefixes)])), context.source(item.line),
            story_tagged=bool(story),
            convergence=convergence.group("state").lower() if convergence else "", tags=tags,
            section=doc.sections[index].title if doc.sections[index].title != phase else ""))
    return tasks


def read_checklist(doc: Document, context: FileContext, checklist: str, defined: Collection[str] | None,
                   prefixes: Collection[str] = ()) -> list[ChecklistItem]:
    """The checkbox items of one checklist file (``checklists/ux.md``)."""
    name = checklist.rsplit("/", 1)[-1].removesuffix(".md")
    items: list[ChecklistItem] = []
    number = 0
    for section in doc.sections:
        for block in section.blocks:
            if not isinstance(block, Item) or block.checked is None:
                continue
            number += 1
            plain = _flat(block.plain)
            match = _CHECK_ID.match(plain)
            local = f"{name}/{match.group('id')}" if match else f"{name}/item-{number}"
            text = plain[match.end():] if match else plain
            global_id, claimed = context.claim(local, "", "", block.line, report=False)
            items.append(ChecklistItem(global_id, context.feature, claimed, checklist, text, block.checked,
                                       cited_ids(text, defined, prefixes), context.source(block.line)))
    return items
