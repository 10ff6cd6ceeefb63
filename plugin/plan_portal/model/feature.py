"""Read one feature directory: plan.md and its siblings into one Feature record."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from plan_portal.diagnostics import diagnostic
from plan_portal.discover import FeatureDir
from plan_portal.model.artifacts import read_spec, read_tasks
from plan_portal.model.context import FileContext
from plan_portal.model.dates import header_date, iso_date, written_date
from plan_portal.model.decisions import read_marked_decisions
from plan_portal.model.markers import clarifications
from plan_portal.model.mentions import scan_mentions
from plan_portal.model.outline import outline
from plan_portal.model.plan import read_plan
from plan_portal.model.records import Clarification, Feature, PublishedFile
from plan_portal.model.risks import read_risks
from plan_portal.model.status import plan_state
from plan_portal.model.text import IdSpace
from plan_portal.model.trace import citable, read_checklist, read_requirements, read_task_items
from plan_portal.parallel import map_jobs
from plan_portal.read import MAX_BYTES, Document, SourceFile, conversion_hazard, parse_document, probe_file, read_source

#: The artifacts published as pages of their own, in the order a feature page lists them.
PUBLISHED_ARTIFACTS = ("spec", "research", "data-model", "quickstart", "tasks")
#: Published artifacts the model reads no records from, read for their mentions of other features.
MENTIONS_ONLY = ("data-model", "quickstart")


def _parse(feature: Feature, fd: FeatureDir, artifact: str, max_bytes: int,
           read: dict[str, SourceFile]) -> tuple[SourceFile, Document | None]:
    source = read_source(fd.artifacts[artifact], fd.display_path(artifact), max_bytes, allowed_roots=fd.allowed_roots)
    read[artifact] = source
    feature.diagnostics.extend(source.diagnostics)
    if source.text is None:
        return source, None
    doc = parse_document(source.path, source.body, source.body_offset)
    feature.diagnostics.extend(doc.diagnostics)
    feature.mentions.extend(scan_mentions(doc, feature.path))
    return source, doc


def _clarifications(feature: Feature, context: FileContext, doc: Document) -> int:
    found = clarifications(doc.texts)
    for marker in found:
        global_id, _ = context.claim("", "clarification", marker.text, marker.line)
        feature.clarifications.append(Clarification(global_id, feature.id, marker.text, context.source(marker.line)))
    return len(found)


def _date_from_file(feature: Feature, path: str, date: str) -> None:
    """Decisions read from ``path`` that carry no date of their own take the date the file gives itself."""
    if not date:
        return
    for decision in feature.decisions:
        if not decision.date and decision.source.path == path:
            decision.date, decision.date_from = date, "file"


def _published(feature: Feature, name: str, source: SourceFile) -> PublishedFile:
    """A Markdown file as the portal may publish it: as it is when it read cleanly and MkDocs can
    convert it safely (see read.hazards); otherwise its text, to be shown as plain text."""
    problems = [d.message for d in source.diagnostics if d.code == "unreadable-file"]
    hazard = conversion_hazard(source.text) if source.text is not None else None
    if hazard is not None:
        feature.diagnostics.append(diagnostic("unsafe-markdown", source.path, hazard.line, hazard.reason))
        problems.append(f"line {hazard.line}: {hazard.reason}")
    if not problems:
        # MkDocs would refuse the bytes on disk: a file read with replacements is published as read.
        replaced = any(d.code == "invalid-utf8" for d in source.diagnostics)
        return PublishedFile(name, source.path, text=source.text if replaced else None)
    return PublishedFile(name, source.path, "; ".join(problems), source.text)


def _read_unparsed(feature: Feature, fd: FeatureDir, path: Path, display: str, max_bytes: int) -> SourceFile:
    """A published file the model reads no records from, its read problems on the feature."""
    source = read_source(path, display, max_bytes, frontmatter=False, allowed_roots=fd.allowed_roots)
    feature.diagnostics.extend(source.diagnostics)
    return source


def _published_files(feature: Feature, fd: FeatureDir, max_bytes: int, read: dict[str, SourceFile]) -> None:
    """Record every file the portal publishes, reading those the model did not read already."""
    for key in PUBLISHED_ARTIFACTS:
        if key not in fd.artifacts:
            continue
        source = read.get(key) or _read_unparsed(feature, fd, fd.artifacts[key], fd.display_path(key), max_bytes)
        if key in MENTIONS_ONLY and source.text is not None:
            feature.mentions.extend(scan_mentions(parse_document(source.path, source.text), feature.path))
        feature.published.append(_published(feature, fd.artifacts[key].name, source))
    for relative in fd.extra_files:
        display = f"{fd.display}/{relative}"
        if relative.endswith(".md"):
            source = read.get(relative) or _read_unparsed(feature, fd, fd.path / relative, display, max_bytes)
            feature.published.append(_published(feature, relative, source))
        else:
            problems = probe_file(fd.path / relative, display, max_bytes, fd.allowed_roots)
            feature.diagnostics.extend(problems)
            feature.published.append(PublishedFile(relative, display, "; ".join(d.message for d in problems)))


def _read_checklists(feature: Feature, fd: FeatureDir, max_bytes: int, read: dict[str, SourceFile],
                     ids: IdSpace, defined: set[str] | None, prefixes: set[str]) -> None:
    """The checkbox items of checklists/*.md (read once: the published files reuse the read)."""
    for relative in fd.extra_files:
        if not (relative.startswith("checklists/") and relative.endswith(".md")):
            continue
        source = _read_unparsed(feature, fd, fd.path / relative, f"{fd.display}/{relative}", max_bytes)
        read[relative] = source
        if source.text is not None:
            context = FileContext(fd.feature_id, source.path, ids)
            doc = parse_document(source.path, source.text)
            feature.checklist_items.extend(read_checklist(doc, context, relative, defined, prefixes))


def read_feature(fd: FeatureDir, max_bytes: int = MAX_BYTES) -> Feature:
    """Every problem becomes a diagnostic on the feature; nothing here raises on bad input."""
    feature = Feature(
        fd.feature_id, fd.display, "", {key: fd.display_path(key) for key in fd.artifacts}, list(fd.extra_files)
    )
    ids = IdSpace(fd.feature_id)
    read: dict[str, SourceFile] = {}
    if "plan" in fd.artifacts:
        source, doc = _parse(feature, fd, "plan", max_bytes, read)
        feature.has_plan = doc is not None
        feature.metadata = source.metadata
        if doc is not None:
            context = FileContext(fd.feature_id, source.path, ids)
            if not (source.text or "").strip():
                feature.diagnostics.append(diagnostic("empty-plan", source.path, 1, "plan.md is empty"))
            read_plan(feature, context, doc, source.metadata, (source.text or "").split("\n"), source.body_offset)
            _date_from_file(feature, source.path, header_date(doc, source.metadata))
            _clarifications(feature, context, doc)
            feature.diagnostics.extend(context.diagnostics)
    else:
        first = next(iter(fd.artifacts))
        feature.diagnostics.append(
            diagnostic("spec-only-feature", fd.display_path(first), 1, f"feature {fd.feature_id} has no plan.md")
        )
    if "research" in fd.artifacts:
        source, doc = _parse(feature, fd, "research", max_bytes, read)
        if doc is not None:
            context = FileContext(fd.feature_id, doc.path, ids)
            research = outline(doc)
            feature.decisions.extend(read_marked_decisions(context, research))
            _date_from_file(feature, doc.path, header_date(doc, source.metadata))
            feature.risks.extend(read_risks(context, research))
            _clarifications(feature, context, doc)
            feature.diagnostics.extend(context.diagnostics)
    if "spec" in fd.artifacts:
        source, doc = _parse(feature, fd, "spec", max_bytes, read)
        if doc is not None:
            context = FileContext(fd.feature_id, doc.path, ids)
            clarification_count = _clarifications(feature, context, doc)
            feature.requirements, sessions = read_requirements(doc, context)
            feature.spec = read_spec(doc, source.metadata, clarification_count, feature.requirements, sessions)
    defined, prefixes = citable(feature.requirements)
    known = defined if feature.spec is not None else None
    if "tasks" in fd.artifacts:
        _, doc = _parse(feature, fd, "tasks", max_bytes, read)
        if doc is not None:
            feature.task_items = read_task_items(doc, FileContext(fd.feature_id, doc.path, ids), known, prefixes)
            feature.tasks = read_tasks(doc.path, feature.task_items)
    _read_checklists(feature, fd, max_bytes, read, ids, known, prefixes)
    _published_files(feature, fd, max_bytes, read)
    feature.diagnostics.extend(ids.diagnostics)
    if not feature.title:
        feature.title = (feature.spec.title if feature.spec and feature.spec.title else "") or fd.feature_id
    feature.planning_state = plan_state(feature.planning_status)
    if not feature.created and feature.spec is not None:
        feature.created = feature.spec.created
    if not written_date(feature.created):  # template text ("[DATE]"), "TBD", "—": no date
        feature.created = ""
    feature.created_date = iso_date(feature.created)
    return feature


def read_features(feature_dirs: list[FeatureDir], max_bytes: int, workers: int | None = None) -> list[Feature]:
    """The features of ``feature_dirs``, in order, read by up to ``workers`` processes: reading is pure
    and per feature, and a feature directory pickles small, so spawned workers are worth it too."""
    read = partial(_read_nth, feature_dirs, max_bytes)
    return list(map_jobs(read, len(feature_dirs), workers))


def _read_nth(feature_dirs: list[FeatureDir], max_bytes: int, index: int) -> Feature:
    return read_feature(feature_dirs[index], max_bytes)
