"""Read one feature directory: plan.md and its siblings into one Feature record."""

from __future__ import annotations

from plan_portal.diagnostics import diagnostic
from plan_portal.discover import FeatureDir
from plan_portal.model.artifacts import read_spec, read_tasks
from plan_portal.model.context import FileContext
from plan_portal.model.decisions import read_marked_decisions
from plan_portal.model.markers import clarifications
from plan_portal.model.outline import outline
from plan_portal.model.plan import read_plan
from plan_portal.model.records import Clarification, Feature
from plan_portal.model.text import IdSpace
from plan_portal.read import MAX_BYTES, Document, SourceFile, conversion_hazard, parse_document, read_source


def _check_conversion(feature: Feature, source: SourceFile) -> None:
    """A file MkDocs converts as it is must not hold Markdown Python-Markdown cannot convert safely
    (the portal then publishes it as plain text)."""
    hazard = conversion_hazard(source.text) if source.text is not None else None
    if hazard is not None:
        feature.diagnostics.append(diagnostic("unsafe-markdown", source.path, hazard.line, hazard.reason))


def _parse(feature: Feature, fd: FeatureDir, artifact: str, max_bytes: int) -> tuple[SourceFile, Document | None]:
    source = read_source(fd.artifacts[artifact], fd.display_path(artifact), max_bytes)
    feature.diagnostics.extend(source.diagnostics)
    if artifact != "plan":  # plan.md is not published as it is: its page is generated
        _check_conversion(feature, source)
    if source.text is None:
        return source, None
    doc = parse_document(source.path, source.body, source.body_offset)
    feature.diagnostics.extend(doc.diagnostics)
    return source, doc


def _clarifications(feature: Feature, context: FileContext, doc: Document) -> int:
    found = clarifications(doc.texts)
    for marker in found:
        global_id, _ = context.claim("", "clarification", marker.text, marker.line)
        feature.clarifications.append(Clarification(global_id, feature.id, marker.text, context.source(marker.line)))
    return len(found)


def _check_published_only(feature: Feature, fd: FeatureDir, max_bytes: int) -> None:
    """Files the model reads no records from but MkDocs publishes: data-model.md, quickstart.md
    and the Markdown under contracts/ and checklists/ (whose other read problems the render stage
    handles)."""
    for artifact in ("data-model", "quickstart"):
        if artifact in fd.artifacts:
            source = read_source(fd.artifacts[artifact], fd.display_path(artifact), max_bytes)
            feature.diagnostics.extend(source.diagnostics)
            _check_conversion(feature, source)
    for relative in fd.extra_files:
        if relative.endswith(".md"):
            _check_conversion(feature, read_source(fd.path / relative, f"{fd.display}/{relative}", max_bytes,
                                                   frontmatter=False))


def read_feature(fd: FeatureDir, max_bytes: int = MAX_BYTES) -> Feature:
    """Every problem becomes a diagnostic on the feature; nothing here raises on bad input."""
    feature = Feature(
        fd.feature_id, fd.display, "", {key: fd.display_path(key) for key in fd.artifacts}, list(fd.extra_files)
    )
    ids = IdSpace(fd.feature_id)
    if "plan" in fd.artifacts:
        source, doc = _parse(feature, fd, "plan", max_bytes)
        feature.has_plan = doc is not None
        feature.metadata = source.metadata
        if doc is not None:
            context = FileContext(fd.feature_id, source.path, ids)
            if not (source.text or "").strip():
                feature.diagnostics.append(diagnostic("empty-plan", source.path, 1, "plan.md is empty"))
            frontmatter_text = (source.text or "").split("\n")[: source.body_offset]
            read_plan(feature, context, doc, source.metadata, "\n".join(frontmatter_text))
            _clarifications(feature, context, doc)
            feature.diagnostics.extend(context.diagnostics)
    else:
        first = next(iter(fd.artifacts))
        feature.diagnostics.append(
            diagnostic("spec-only-feature", fd.display_path(first), 1, f"feature {fd.feature_id} has no plan.md")
        )
    if "research" in fd.artifacts:
        _, doc = _parse(feature, fd, "research", max_bytes)
        if doc is not None:
            context = FileContext(fd.feature_id, doc.path, ids)
            feature.decisions.extend(read_marked_decisions(context, outline(doc)))
            _clarifications(feature, context, doc)
            feature.diagnostics.extend(context.diagnostics)
    if "spec" in fd.artifacts:
        source, doc = _parse(feature, fd, "spec", max_bytes)
        if doc is not None:
            context = FileContext(fd.feature_id, doc.path, ids)
            feature.spec = read_spec(doc, source.metadata, _clarifications(feature, context, doc))
    if "tasks" in fd.artifacts:
        _, doc = _parse(feature, fd, "tasks", max_bytes)
        if doc is not None:
            feature.tasks = read_tasks(doc)
    _check_published_only(feature, fd, max_bytes)
    feature.diagnostics.extend(ids.diagnostics)
    if not feature.title:
        feature.title = (feature.spec.title if feature.spec and feature.spec.title else "") or fd.feature_id
    if not feature.created and feature.spec is not None:
        feature.created = feature.spec.created
    return feature
