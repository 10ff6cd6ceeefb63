"""Interpret a parsed plan.md into the feature's records."""

from __future__ import annotations

import re

from plan_portal.diagnostics import diagnostic
from plan_portal.model.context import FileContext
from plan_portal.model.decisions import read_marked_decisions, read_plan_decisions
from plan_portal.model.free import free_sections, section_ends, section_markdown
from plan_portal.model.gates import read_gates
from plan_portal.model.markers import is_placeholder, placeholders
from plan_portal.model.outline import Outline, outline
from plan_portal.model.records import Feature, Note, ResearchItem, Source, TableEntry, TechEntry
from plan_portal.model.risks import read_risks
from plan_portal.model.tables import row_dict
from plan_portal.model.text import header_fields, keyed, slug, strip_markup
from plan_portal.read.blocks import Block, Code, Document, Item, Marker, Paragraph, Table, block_lines

_TITLE_PREFIX = re.compile(r"^(?:implementation\s+plan|plan|feature)\s*[:—–-]\s*", re.I)
_HEADER_KEYS = {
    "branch": "branch", "feature branch": "branch", "date": "created", "created": "created",
    "created at": "created", "spec": "spec_reference", "spec reference": "spec_reference",
    "specification": "spec_reference", "planning status": "planning_status", "status": "planning_status",
}
_TECH_CATEGORIES = (
    ("language", re.compile(r"language|runtime")),
    ("frameworks", re.compile(r"dependenc|framework|librar")),
    ("storage", re.compile(r"storage|database|persistence|data store")),
    ("testing", re.compile(r"test")),
    ("target", re.compile(r"target|platform|deploy")),
    ("project-type", re.compile(r"project type")),
    ("performance", re.compile(r"performance")),
    ("constraints", re.compile(r"constraint")),
    ("scale", re.compile(r"scale|scope")),
)
_FRONTMATTER_FIELDS = {
    "branch": "branch", "created_at": "created", "created": "created", "date": "created",
    "generator_version": "generator_version", "constitution_version": "constitution_version",
    "status": "planning_status", "planning_status": "planning_status", "spec": "spec_reference",
}


def tech_category(key: str) -> str:
    lowered = key.lower()
    return next((name for name, pattern in _TECH_CATEGORIES if pattern.search(lowered)), "other")


def _scalar(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _apply_frontmatter(feature: Feature, metadata: dict[str, object]) -> None:
    feature.metadata = metadata
    for key, attribute in _FRONTMATTER_FIELDS.items():
        if key in metadata and not getattr(feature, attribute):
            setattr(feature, attribute, _scalar(metadata[key]))
    depends = metadata.get("depends_on")
    if isinstance(depends, str):
        depends = [depends]
    if isinstance(depends, list):
        feature.depends_on = [str(d) for d in depends]
    if "title" in metadata and isinstance(metadata["title"], str):
        feature.title = metadata["title"]


def _header(feature: Feature, context: FileContext, plan: Outline) -> None:
    """Title and ``**Key**: value`` header fields before the first level-2 heading.

    A field left as template text (``**Branch**: `[###-feature-name]```) is reported: code spans
    are not scanned for placeholders elsewhere.
    """
    for section in plan.doc.sections:
        if section.level > 1:
            break
        if section.level == 1 and not feature.title:
            title = _TITLE_PREFIX.sub("", section.title).strip()
            # "Implementation Plan: [FEATURE]" is the unfilled template: spec.md's title is used instead.
            bracketed = re.fullmatch(r"\[(.+)\]", title)
            feature.title = "" if bracketed and is_placeholder(bracketed.group(1)) else title
    for line, key, value in header_fields(plan.doc):
        bracketed = re.fullmatch(r"\[(.+)\]", strip_markup(value))
        if bracketed and is_placeholder(bracketed.group(1)):
            context.diagnostics.append(diagnostic(
                "unfilled-placeholder", context.path, line, f"template text {bracketed.group(0)} left in"))
        attribute = _HEADER_KEYS.get(key.lower())
        if attribute and not getattr(feature, attribute):
            setattr(feature, attribute, value if attribute == "spec_reference" else strip_markup(value))


#: ``Based on Constitution v2.1.1``, ``constitution **v3.12.0**``, ``Constitution: 1.4.0``; not a
#: file name (``constitution.md``) and not a version further on in the sentence.
#: Words that say a plan was checked against a version wherever they stand (the template's footer).
_CHECKED_AGAINST = re.compile(r"\b(?:based on|(?:checked|evaluated|judged|validated) against)\s+(?:the\s+)?"
                              r"constitution\s*[:,]?\s*v?(\d+\.\d+(?:\.\d+)?)\b", re.I)
_CONSTITUTION_VERSION = re.compile(r"\bconstitution\b(?!\.md)[^.\n|]{0,24}?(?<![\w.])v?(\d+\.\d+(?:\.\d+)?)\b", re.I)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def _constitution_version(feature: Feature, context: FileContext, plan: Outline, frontmatter: list[Marker]) -> None:
    """The constitution version the plan was checked against, and where it says so: frontmatter,
    else the newest version its Constitution Check cites (a re-check names the newer one), else
    one its header cites or that it says it was "based on" or "checked against". Other versions
    cited elsewhere name where a rule came from, not the check."""
    if feature.constitution_version:
        line = next((m.line for m in frontmatter if m.text.startswith("constitution_version")), 1)
        feature.constitution_version_source = context.source(line)
        return
    in_gates: list[tuple[tuple[int, ...], int, str]] = []
    in_header: list[tuple[tuple[int, ...], int, str]] = []
    for index, section in enumerate(plan.doc.sections):
        gates = any("gates" in plan.kinds[i] for i in plan.ancestry(index))
        lines = [(section.line, section.title)] if section.level else []
        for block in section.blocks:
            if isinstance(block, Table):
                lines.extend((row.line, " ".join(row.plain)) for row in block.rows)
            else:
                lines.extend(block_lines(block))
        for line, text in lines:
            if "onstitution" not in text and "ONSTITUTION" not in text:
                continue
            pattern = _CONSTITUTION_VERSION if gates or section.level < 2 else _CHECKED_AGAINST
            for match in pattern.finditer(strip_markup(text)):
                (in_gates if gates else in_header).append((_version_key(match.group(1)), line, match.group(1)))
    chosen = max(in_gates) if in_gates else (in_header[0] if in_header else None)
    if chosen is not None:
        feature.constitution_version = chosen[2]
        feature.constitution_version_source = context.source(chosen[1])


def _summary(feature: Feature, plan: Outline, lines: list[str]) -> int | None:
    """Fill the summary from the first summary section with prose, as written (lists included);
    its heading line, if any."""
    sections = plan.doc.sections
    for index in plan.of_kind("summary"):
        if any(isinstance(b, Paragraph) for b in sections[index].blocks):
            end = section_ends(sections, len(lines))[index]
            feature.summary = section_markdown(lines, sections[index].line, end)
            return sections[index].line
    return None


def _lines_read(feature: Feature, path: str) -> set[int]:
    """The plan.md lines the feature's records were read from."""
    sources: list[Source] = [r.source for r in feature.technical_context]
    sources += [r.source for r in feature.exit_criteria + feature.complexity]
    sources += [r.source for r in feature.notes]
    sources += [r.source for r in feature.gates] + [r.source for r in feature.risks]
    sources += [r.source for r in feature.decisions] + [r.source for r in feature.research]
    return {source.line for source in sources if source.path == path}


def _tech_lines(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(line, text, role) of a Technical Context section, source line by source line.

    role is ``first`` for a paragraph's first line, ``wrap`` for its later lines, ``bullet`` for a
    list item. Lines are taken one by one because CommonMark folds a ``**Key**:`` line written
    right after a bullet into that bullet (lazy continuation): here it still starts a new key.
    """
    lines: list[tuple[int, str, str]] = []
    for block in blocks:
        for offset, (line, text) in enumerate(block_lines(block)):
            if isinstance(block, Item):
                lines.append((line, text, "bullet" if offset == 0 else "wrap"))
            else:
                lines.append((line, text, "first" if offset == 0 else "wrap"))
    return lines


def _technical_context(context: FileContext, plan: Outline) -> list[TechEntry]:
    entries: list[TechEntry] = []
    for index in plan.of_kind("tech"):
        blocks = plan.doc.sections[index].blocks
        for block in blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    if not any(row.plain):
                        continue
                    key = row.plain[0] if row.plain else ""
                    value = row.cells[1] if len(row.cells) > 1 else ""
                    extra = {k: v for k, v in row_dict(block, row).items() if k not in block.header[:2]}
                    entries.append(TechEntry(key, tech_category(key), value, context.source(row.line), extra))
        continuing = False  # whether the next unkeyed line still belongs to the last value
        for line, text, role in _tech_lines(blocks):
            pair = keyed(text)
            if pair:
                entries.append(TechEntry(pair[0], tech_category(pair[0]), pair[1], context.source(line)))
                continuing = True
            elif entries and continuing and role == "bullet":  # a value that continues as a bullet list
                last = entries[-1]
                last.value = f"{last.value}\n- {text}" if last.value else f"- {text}"
            elif entries and continuing and role == "wrap" and text.strip():  # a hard-wrapped value
                entries[-1].value = f"{entries[-1].value} {text.strip()}".strip()
            else:
                continuing = False  # a paragraph of its own is not part of any value
    return entries


_EMPTY_CELL = re.compile(r"^(?:|[-—–]+|n/?a|none|\(none\)|tbd)$", re.I)


def _is_empty_row(cells: list[str]) -> bool:
    """Rows such as ``| — | — | — |`` or ``| None | N/A | N/A |`` that say the table is empty."""
    return all(_EMPTY_CELL.match(c.strip()) for c in cells)


def _tables(context: FileContext, plan: Outline, kind: str, header_words: tuple[str, ...]) -> list[TableEntry]:
    rows: list[TableEntry] = []
    for index, section in enumerate(plan.doc.sections):
        for block in section.blocks:
            if not isinstance(block, Table):
                continue
            header = " ".join(block.header).lower()
            if kind in plan.kinds[index] or all(word in header for word in header_words):
                rows.extend(TableEntry(row_dict(block, row), context.source(row.line))
                            for row in block.rows if not _is_empty_row(row.plain))
    return rows


def _notes(context: FileContext, plan: Outline) -> list[Note]:
    notes: list[Note] = []
    for kind in ("architecture", "readiness", "progress"):
        for index in plan.of_kind(kind):
            label = plan.doc.sections[index].title
            group = ""
            for block in plan.doc.sections[index].blocks:
                if isinstance(block, Paragraph):
                    pair = keyed(block.lines[-1][1])
                    group = pair[0] if pair and not pair[1] else group
                elif isinstance(block, Item):
                    pair = keyed(block.text)
                    key, text = pair if pair else (group, block.text)
                    notes.append(Note(label, key, text, block.checked, context.source(block.line)))
    return notes


def _structure(feature: Feature, plan: Outline) -> None:
    for index in plan.of_kind("structure"):
        for block in plan.doc.sections[index].blocks:
            if isinstance(block, Code):
                feature.structure.append(block.text)
            elif isinstance(block, Paragraph):
                collecting = False  # a hard-wrapped decision goes on until the paragraph or the next key
                for _, text in block.lines:
                    pair = keyed(text)
                    if pair and pair[0].lower() == "structure decision":
                        feature.structure_decision, collecting = pair[1], True
                    elif collecting and pair is None:
                        feature.structure_decision = f"{feature.structure_decision}\n{text}"
                    else:
                        collecting = False


def _research(context: FileContext, plan: Outline) -> list[ResearchItem]:
    items: list[ResearchItem] = []
    for index in plan.of_kind("research"):
        if {"gates", "decisions"} & plan.kinds[index]:
            continue
        for block in plan.doc.sections[index].blocks:
            if isinstance(block, Item) and block.checked is not None:
                local = context.ids.claim(f"research-{slug(block.plain)}", context.path, block.line, explicit=False)
                items.append(ResearchItem(f"{context.feature}/{local}", context.feature, block.text, block.checked,
                                          context.source(block.line)))
    return items


def read_plan(feature: Feature, context: FileContext, doc: Document, metadata: dict[str, object],
              lines: list[str], body_offset: int) -> None:
    """Fill the feature from its plan.md (``lines``: the whole file, the body from ``body_offset``);
    every record keeps plan.md's path and its line."""
    _apply_frontmatter(feature, metadata)
    plan = outline(doc)
    _header(feature, context, plan)
    summary_line = _summary(feature, plan, lines)
    feature.technical_context = _technical_context(context, plan)
    feature.exit_criteria = _tables(context, plan, "exit", ("exit criteria",))
    feature.complexity = _tables(context, plan, "complexity", ("violation", "justification"))
    feature.notes = _notes(context, plan)
    _structure(feature, plan)
    feature.gates = read_gates(context, plan, feature.notes)
    feature.risks = read_risks(context, plan)
    feature.decisions = read_plan_decisions(context, plan)
    research_sections = [i for i in plan.of_kind("research") if "decisions" not in plan.kinds[i]]
    feature.decisions.extend(read_marked_decisions(context, plan, research_sections))
    feature.research = _research(context, plan)
    taken = _lines_read(feature, context.path) | ({summary_line} if summary_line is not None else set())
    feature.free_sections = free_sections(plan, lines, taken)
    frontmatter_lines = [Marker(text, number + 1) for number, text in enumerate(lines[:body_offset])]
    _constitution_version(feature, context, plan, frontmatter_lines)
    if feature.depends_on:
        line = next((m.line for m in frontmatter_lines if m.text.startswith("depends_on")), 1)
        feature.depends_on_source = context.source(line)
    for found in placeholders(frontmatter_lines + doc.texts):
        context.diagnostics.append(
            diagnostic("unfilled-placeholder", context.path, found.line, f"template text {found.text} left in")
        )
