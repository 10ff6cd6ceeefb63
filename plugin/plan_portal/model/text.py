"""Small text helpers shared by the interpreters: keyed lines, slugs and per-feature ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.read.blocks import Document, Paragraph

# `**Key**: value`, `**Key:** value`, `- **Key**: value`, `__Key__: value`.
_KEYED = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<key>[^*_][^*]*?)(?P<inner>:)?(?:\*\*|__)\s*(?P<outer>:)?\s*(?P<value>.*)$"
)
_SLUG = re.compile(r"[^\w]+")
_MARKUP = re.compile(r"\*\*|__|`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def keyed(line: str) -> tuple[str, str] | None:
    """A bold-keyed line as (key, value), e.g. ``**Language/Version**: Python 3.11``."""
    match = _KEYED.match(line)
    if not match or not (match.group("inner") or match.group("outer")):
        return None
    key = match.group("key").strip().rstrip(":").strip()
    if not key:
        return None
    return key, match.group("value").strip()


#: Header fields share a line: ``**Branch**: `x` | **Date**: 2026-01-12 · **Spec**: …``.
_FIELD_SEPARATOR = re.compile(r"\s+[|·]\s+")


def header_fields(doc: Document) -> Iterator[tuple[int, str, str]]:
    """(line, key, value) of each ``**Key**: value`` field before a file's first level-2 heading."""
    for section in doc.sections:
        if section.level > 1:
            break
        for block in section.blocks:
            if not isinstance(block, Paragraph):
                continue
            for line, text in block.lines:
                for part in _FIELD_SEPARATOR.split(text):
                    pair = keyed(part)
                    if pair:
                        yield line, pair[0], pair[1]


def strip_markup(text: str) -> str:
    """Plain text of a short Markdown value (bold, code spans, links)."""
    return _MARKUP.sub("", _LINK.sub(r"\1", text)).strip()


_ANCHOR_UNSAFE = re.compile(r"[^\w.~-]+")


def anchor(local_id: str) -> str:
    """A stable HTML id for a record: its local id with characters unsafe in a fragment replaced."""
    return _ANCHOR_UNSAFE.sub("-", local_id).strip("-") or "record"


def slug(text: str, limit: int = 48) -> str:
    value = _SLUG.sub("-", text.lower()).strip("-_")
    return value[:limit].rstrip("-_") or "item"


@dataclass(slots=True)
class IdSpace:
    """Local ids of one feature: explicit ids that repeat are reported, generated ones are made unique."""

    feature: str
    used: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Next suffix to try per repeated id, so that claiming stays linear in repeats.
    suffixes: dict[str, int] = field(default_factory=dict)

    def claim(self, local: str, path: str, line: int, explicit: bool) -> str:
        if local not in self.used:
            self.used.add(local)
            return local
        if explicit:
            self.diagnostics.append(
                diagnostic("duplicate-id", path, line, f"id {local!r} is used more than once in {self.feature}")
            )
        number = self.suffixes.get(local, 2)
        while f"{local}~{number}" in self.used:
            number += 1
        self.suffixes[local] = number + 1
        unique = f"{local}~{number}"
        self.used.add(unique)
        return unique


_GENERATED_ID = re.compile(r"^(?:gate(?:-pre|-post)?|risk|decision|research|clarification)-")


def is_generated_id(local_id: str) -> bool:
    """Whether a record's id was made by the portal from its text (``risk-slow-imports``) rather
    than written by the author (``R1``, ``ADR-003``): pages show only the author's."""
    return bool(_GENERATED_ID.match(local_id))
