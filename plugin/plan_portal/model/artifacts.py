"""spec.md and tasks.md: the few facts the dashboards need from them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from plan_portal.model.records import ClarificationSession, Requirement, SpecSummary, Task, TaskSummary, UserStory
from plan_portal.model.text import keyed, strip_markup
from plan_portal.read.blocks import Document, Paragraph

_SPEC_PREFIX = re.compile(r"^(?:feature\s+specification|specification|spec)\s*[:—–-]\s*", re.I)


def read_spec(doc: Document, metadata: dict[str, object], clarification_count: int,
              requirements: Sequence[Requirement] = (), sessions: Sequence[ClarificationSession] = ()) -> SpecSummary:
    """The spec's facts; its frontmatter (``title``, ``status``) fills what the body does not say.
    Stories and the counts of requirements and success criteria come from the spec's records."""
    spec = SpecSummary(doc.path, "", "", clarifications=clarification_count, sessions=list(sessions))
    for section in doc.sections:
        if section.level == 1 and not spec.title:
            spec.title = _SPEC_PREFIX.sub("", section.title).strip()
        for block in section.blocks:
            if isinstance(block, Paragraph) and section.level <= 1:
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
    spec.stories = [UserStory(r.title, r.priority, r.source, "" if r.local_id.startswith("story-") else r.local_id)
                    for r in requirements if r.kind == "user-story"]
    spec.requirements = sum(1 for r in requirements if r.kind == "functional" and r.local_id.startswith("FR-"))
    spec.success_criteria = sum(1 for r in requirements if r.kind == "success-criterion")
    return spec


def read_tasks(path: str, tasks: list[Task]) -> TaskSummary:
    """How many tasks, and how many done (see model.trace: when tasks carry ids only those count)."""
    return TaskSummary(path, len(tasks), sum(1 for t in tasks if t.done))
