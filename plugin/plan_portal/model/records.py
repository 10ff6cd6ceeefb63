"""The portfolio's records. Every record keeps its source path and line, and its raw text."""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_portal.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class Gate:
    id: str
    feature: str
    local_id: str
    name: str
    #: pre-research | post-design; ``phase_label`` is the heading it was found under.
    phase: str
    phase_label: str
    status: str
    raw_status: str
    evidence: str
    owner: str
    source: Source
    extra: dict[str, str] = field(default_factory=dict)
    #: The heading the gate sits under when it is not the gate's own (``### I. Layered
    #: Architecture`` over a table of rule rows): the principle such rows check.
    group: str = ""
    #: The id of the constitution principle the gate checks (``IV``), set by the link stage;
    #: None when it checks none of them (or there is no constitution).
    principle: str | None = None


@dataclass(slots=True)
class Risk:
    id: str
    feature: str
    local_id: str
    description: str
    probability: str
    raw_probability: str
    impact: str
    raw_impact: str
    #: low | medium | high | critical | unknown: the author's own rating when the plan gives one
    #: (``raw_level``), else probability × impact, else whichever of the two the plan rates.
    level: str
    owner: str
    mitigation: str
    trigger: str
    source: Source
    extra: dict[str, str] = field(default_factory=dict)
    #: The overall rating as written (a Risk level / Rating column, "High Risk: …" in a heading).
    raw_level: str = ""
    #: Whether the plan wrote this risk where a trigger has its place (a table with a trigger
    #: column): only there is a missing trigger worth flagging.
    trigger_column: bool = False


@dataclass(slots=True)
class Decision:
    id: str
    feature: str
    local_id: str
    title: str
    status: str
    raw_status: str
    context: str
    rationale: str
    alternatives: str
    follow_up: str
    #: Where it was written: plan-table | plan-heading | plan-list | research.
    origin: str
    source: Source
    extra: dict[str, str] = field(default_factory=dict)
    #: What was decided: the Decision/Choice line or cell, or the title when the title states it;
    #: empty when the plan only names the topic.
    choice: str = ""
    #: When it was decided, ISO (``2026-03-01``) when the plan writes it unambiguously, else as
    #: written; "" when the plan dates neither the decision nor the file it is in.
    date: str = ""
    #: Where the date was read: record (a Date column or field), heading (a date in the decision's
    #: heading or a heading above it), file (the date the file gives itself, ``**Date**:`` or
    #: frontmatter: when it was written, not necessarily when this decision was taken).
    date_from: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A place in a feature's files that may name another feature; the link stage resolves it.

    ``kind`` says how ``key`` names the feature: ``id`` (a directory name, ``010-chat-tagging``),
    ``record`` (a directory name with a record id: ``010-chat-tagging/ADR-001``), ``number`` (its
    number as written after a word naming a feature: ``Feature 010``) or ``path`` (a repository
    path a link leads to, ``specs/010-chat-tagging/plan.md``). ``fragment`` is the record id, or
    the anchor of a link into a plan (``#adr-001``, which may also name a heading).
    """

    kind: str
    key: str
    fragment: str
    written: str
    #: The text of its line before it: the link stage reads the link kind from its words.
    before: str
    source: Source


@dataclass(slots=True)
class ResearchItem:
    id: str
    feature: str
    text: str
    done: bool
    source: Source


@dataclass(slots=True)
class Clarification:
    id: str
    feature: str
    text: str
    source: Source


@dataclass(slots=True)
class TechEntry:
    key: str
    #: language | frameworks | storage | testing | target | project-type | performance |
    #: constraints | scale | other: lets the inventory line features up side by side.
    category: str
    value: str
    source: Source
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class TableEntry:
    """A row of a table the portal shows as it is (Phase Exit Criteria, Complexity Tracking)."""

    cells: dict[str, str]
    source: Source


@dataclass(slots=True)
class Note:
    """A keyed or checkbox item (Architecture & Contracts, Readiness, Progress Tracking)."""

    section: str
    key: str
    text: str
    checked: bool | None
    source: Source


@dataclass(slots=True)
class FreeSection:
    """A plan section the model reads no records from, shown on the feature page as written."""

    title: str
    #: The heading above it when that heading is not shown with it ("Constitution Check").
    context: str
    #: 0 for a section shown on its own, 1 for one nested in a shown section, and so on.
    depth: int
    markdown: str
    line: int


@dataclass(slots=True)
class UserStory:
    title: str
    priority: str
    source: Source
    #: ``US1`` (``AUTH-US1`` namespaced) when the spec numbers its stories, else "".
    id: str = ""


@dataclass(slots=True)
class ClarificationQuestion:
    """A ``- Q: … → A: …`` line of a spec's Clarifications section."""

    question: str
    answer: str
    source: Source


@dataclass(slots=True)
class ClarificationSession:
    """A ``### Session 2026-03-01`` under Clarifications, or the section itself when it has none."""

    title: str
    date: str
    source: Source
    questions: list[ClarificationQuestion] = field(default_factory=list)


@dataclass(slots=True)
class Requirement:
    """What a spec asks for, by id: a requirement (``FR-001``), success criterion, user story (``US1``),
    acceptance scenario (``US1-AS2``), key entity, assumption or edge case.

    ``local_id`` is the author's id where there is one; scenarios are numbered per story, and key
    entities, assumptions and edge cases without an id get one made from their name or place.
    """

    id: str
    feature: str
    local_id: str
    #: functional | non-functional | success-criterion | user-story | acceptance-scenario |
    #: key-entity | assumption | edge-case | other (an id with a prefix the portal does not know).
    kind: str
    text: str
    #: The story's or requirement's priority as written (``P1``), "" when none.
    priority: str
    source: Source
    #: A story's title, a key entity's name.
    title: str = ""
    #: The story an acceptance scenario belongs to (its local id).
    story: str = ""
    #: A scenario's ``given``, ``when`` and ``then``.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Task:
    """A checkbox task of tasks.md: ``- [x] T012 [P] [US1] Description (FR-001)``."""

    id: str
    feature: str
    local_id: str
    text: str
    done: bool
    parallel: bool
    #: The story the task is for: its ``[US1]`` tag, else the story its phase heading names.
    story: str
    #: The heading of the phase it is in (``Phase 3: User Story 1 …``), "" outside any.
    phase: str
    #: Requirement and story ids the task's text cites, ranges and abbreviations expanded.
    requirements: list[str]
    source: Source
    #: Whether ``story`` is the task's own tag (not the phase's).
    story_tagged: bool = False
    #: ``missing`` or ``partial`` on a convergence line (``… per FR-003 (missing)``).
    convergence: str = ""
    #: Other bracketed tags after the id (``[H5]``, ``[DEFERRED]``).
    tags: list[str] = field(default_factory=list)
    #: The heading it sits under when that is not the phase's (``Implementation for User Story 1``).
    section: str = ""


@dataclass(slots=True)
class ChecklistItem:
    """A checkbox of ``checklists/*.md``. Checked means the requirement was reviewed, not built."""

    id: str
    feature: str
    #: ``<checklist>/<CHK001>`` (``ux/item-3`` for an item without an id).
    local_id: str
    #: The checklist file, relative to the feature folder: ``checklists/ux.md``.
    checklist: str
    text: str
    checked: bool
    requirements: list[str]
    source: Source


@dataclass(slots=True)
class SpecSummary:
    path: str
    title: str
    status: str
    created: str = ""
    stories: list[UserStory] = field(default_factory=list)
    requirements: int = 0
    success_criteria: int = 0
    clarifications: int = 0
    #: Clarifications sessions with their questions and answers.
    sessions: list[ClarificationSession] = field(default_factory=list)


@dataclass(slots=True)
class TaskSummary:
    path: str
    total: int
    done: int


@dataclass(frozen=True, slots=True)
class PublishedFile:
    """One of a feature's own files that the portal publishes, as the read stage found it.

    The portal publishes the file itself only when ``problem`` is empty (or, with ``text``, the
    file as decoded with replacements for bytes that are not UTF-8); otherwise it publishes a note
    saying why, with ``text`` (what could be decoded, if anything) shown as plain text.
    """

    #: Relative to the feature folder: ``spec.md``, ``contracts/api.yaml``.
    name: str
    #: As diagnostics name it.
    path: str
    problem: str = ""
    text: str | None = None

    @property
    def markdown(self) -> bool:
        return self.name.endswith(".md")


@dataclass(slots=True)
class Feature:
    id: str
    path: str
    title: str
    #: Display paths of the artifacts present, by key (plan, spec, research, tasks, contracts …).
    artifacts: dict[str, str]
    files: list[str] = field(default_factory=list)
    has_plan: bool = False
    metadata: dict[str, object] = field(default_factory=dict)
    branch: str = ""
    created: str = ""
    #: ``created`` as an ISO date (``2026-03-01``) when it is an unambiguous date, else "".
    created_date: str = ""
    planning_status: str = ""
    #: ``planning_status`` in one vocabulary (model.status.PLAN_STATES), "" when none is written.
    planning_state: str = ""
    spec_reference: str = ""
    generator_version: str = ""
    constitution_version: str = ""
    #: Where the plan names that version (frontmatter, or ``Based on Constitution v2.1.1``).
    constitution_version_source: Source | None = None
    depends_on: list[str] = field(default_factory=list)
    #: Where ``depends_on`` is written, for diagnostics about it.
    depends_on_source: Source | None = None
    summary: str = ""
    technical_context: list[TechEntry] = field(default_factory=list)
    exit_criteria: list[TableEntry] = field(default_factory=list)
    complexity: list[TableEntry] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)
    structure_decision: str = ""
    #: The plan's sections no record came from, in plan order.
    free_sections: list[FreeSection] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    research: list[ResearchItem] = field(default_factory=list)
    clarifications: list[Clarification] = field(default_factory=list)
    spec: SpecSummary | None = None
    tasks: TaskSummary | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The feature's files the portal publishes as pages or copies, in publishing order.
    published: list[PublishedFile] = field(default_factory=list)
    #: Places in its Markdown files that may name other features, in file and line order.
    mentions: list[Mention] = field(default_factory=list)
    #: spec.md's requirements, stories, scenarios, key entities, assumptions and edge cases.
    requirements: list[Requirement] = field(default_factory=list)
    #: tasks.md's tasks (``tasks`` is their summary).
    task_items: list[Task] = field(default_factory=list)
    #: The checkboxes of checklists/*.md.
    checklist_items: list[ChecklistItem] = field(default_factory=list)


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    type: str
    citation: Source


@dataclass(slots=True)
class Principle:
    """One principle of the constitution: ``### IV. Deny-by-Default RBAC (NON-NEGOTIABLE)``."""

    #: As the constitution numbers it (``IV``, ``4``), or a slug of the name when unnumbered.
    id: str
    #: Its number as an integer (``IV`` → 4), 0 when unnumbered.
    number: int
    name: str
    non_negotiable: bool
    #: The principle's text as Markdown, as written.
    text: str
    source: Source


@dataclass(slots=True)
class Amendment:
    """One version change the constitution's Sync Impact Report (or its git history) records."""

    from_version: str
    to_version: str
    #: The report's words on the change: the rest of the version line, the bump rationale.
    summary: str
    modified: str = ""
    added: str = ""
    removed: str = ""
    #: The day of the change when the report or the commit gives one (YYYY-MM-DD).
    date: str = ""
    source: Source | None = None
    #: The commit whose version of the file recorded it, when read from git history.
    commit: str = ""


@dataclass(slots=True)
class Constitution:
    """The project's constitution: what every plan's Constitution Check is judged against."""

    path: str
    title: str
    version: str
    ratified: str
    amended: str
    principles: list[Principle] = field(default_factory=list)
    #: Newest first: the reports in the file, then those only earlier versions of it held.
    amendments: list[Amendment] = field(default_factory=list)
    #: The file is still spec-kit's template (``[PRINCIPLE_1_NAME]`` …).
    unfilled: bool = False
    #: Where the version line is (the page links the version to it).
    version_source: Source | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def principle(self, principle_id: str | None) -> Principle | None:
        return next((p for p in self.principles if p.id == principle_id), None)


@dataclass(slots=True)
class Portfolio:
    features: list[Feature]
    #: Problems across features (a feature id under two roots); each feature holds its own.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    constitution: Constitution | None = None

    @property
    def gates(self) -> list[Gate]:
        return [g for f in self.features for g in f.gates]

    @property
    def risks(self) -> list[Risk]:
        return [r for f in self.features for r in f.risks]

    @property
    def decisions(self) -> list[Decision]:
        return [d for f in self.features for d in f.decisions]

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        found = [d for f in self.features for d in f.diagnostics] + self.diagnostics
        if self.constitution is not None:
            found += self.constitution.diagnostics
        return sorted(found, key=Diagnostic.sort_key)
