"""spec.md and tasks.md: the few facts the dashboards need from them."""

from __future__ import annotations

import re

from plan_portal.model.records import Source, SpecSummary, TaskSummary, UserStory
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Document, Item, Paragraph

_SPEC_PREFIX = re.compile(r"^(?:feature\s+specification|specification|spec)\s*[:—–-]\s*", re.I)
_STORY = re.compile(r"^user\s+story\s*(?P<n>\d+(?:\.\d+)*)?\s*(?:--|[-—–:.])?\s*(?P<title>.*?)\s*"
                    r"(?:\(\s*priority\s*:\s*(?P<priority>[^)]+)\))?\s*$", re.I)
_REQUIREMENT = re.compile(r"^(FR-\d+[a-z]?)\b", re.I)
_CRITERION = re.compile(r"^(SC-\d+[a-z]?)\b", re.I)
_TASK_ID = re.compile(r"^T\d+[A-Za-z]*\b")


def read_spec(doc: Document, metadata: dict[str, object], clarification_count: int) -> SpecSummary:
    """The spec's facts; its frontmatter (``title``, ``status``) fills what the body does not say."""
    spec = SpecSummary(doc.path, "", "", clarifications=clarification_count)
    requirements: set[str] = set()
    criteria: set[str] = set()
    for section in doc.sections:
        if section.level == 1 and not spec.title:
            spec.title = _SPEC_PREFIX.sub("", section.title).strip()
        story = _STORY.match(section.title) if section.level > 1 else None
        if story:
            title = story.group("title") or section.title
            priority = (story.group("priority") or "").strip()
            spec.stories.append(UserStory(title, priority, Source(doc.path, section.line)))
        for block in section.blocks:
            if isinstance(block, Item):
                plain = block.plain.lstrip("*")
                for pattern, found in ((_REQUIREMENT, requirements), (_CRITERION, criteria)):
                    match = pattern.match(plain)
                    if match:
                        found.add(match.group(1).upper())
            elif isinstance(block, Paragraph) and section.level <= 1:
                for _, text in block.lines:
                    for part in re.split(r"\s+\|\s+", text):
                        pair = keyed(part)
                        if pair and pair[0].lower() == "status" and not spec.status:
                            spec.status = strip_markup(pair[1])
                        elif pair and pair[0].lower() in ("created", "date") and not spec.created:
                            spec.created = strip_markup(pair[1])
    for attribute in ("title", "status", "created"):
        if not getattr(spec, attribute) and isinstance(metadata.get(attribute), (str, int, float)):
            setattr(spec, attribute, str(metadata[attribute]))
    spec.requirements = len(requirements)
    spec.success_criteria = len(criteria)
    return spec


def read_tasks(doc: Document) -> TaskSummary:
    """Checkbox tasks; when tasks carry ids (T001) only those count, so checklists of other things do not."""
    boxes = [b for s in doc.sections for b in s.blocks if isinstance(b, Item) and b.checked is not None]
    with_ids = [b for b in boxes if _TASK_ID.match(b.plain)]
    counted = with_ids or boxes
    return TaskSummary(doc.path, len(counted), sum(1 for b in counted if b.checked))
