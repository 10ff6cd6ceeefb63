"""One model for every problem a plan can have: severity, stable code, path, line, message."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Characters that could end a line, move the cursor or recolour a terminal, or reorder what a
#: reader sees: C0 and C1 controls, DEL, Unicode line and paragraph separators, bidi overrides.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control character written as an escape (a newline as ``\\n``), so that a
    folder or heading named with one cannot forge a line of output; other Unicode is kept. Characters
    in ``keep`` stay as they are, for outputs that deal with them in their own way."""
    if keep:
        return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else _escaped(m), text)
    return _CONTROLS.sub(_escaped, text)


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class CheckCode:
    """A stable diagnostic code, its default severity and what it means."""

    code: str
    severity: Severity
    summary: str


CODES: dict[str, CheckCode] = {
    c.code: c
    for c in (
        CheckCode("invalid-frontmatter", Severity.ERROR,
                  "The YAML frontmatter does not parse or is not a mapping; the body is still read."),
        CheckCode("unreadable-file", Severity.ERROR,
                  "A file could not be read: binary, a directory, too large or not permitted."),
        CheckCode("invalid-utf8", Severity.WARNING,
                  "A file is not valid UTF-8: it is read and published with each undecodable byte as U+FFFD."),
        CheckCode("unreadable-folder", Severity.ERROR,
                  "A spec root, feature folder or folder below it could not be listed; nothing in it is read."),
        CheckCode("outside-root", Severity.ERROR,
                  "A file or folder resolves (through a symlink) outside the spec roots; it is neither read "
                  "nor published."),
        CheckCode("unsafe-markdown", Severity.ERROR,
                  "A published Markdown file nests or leaves brackets open so that MkDocs could not convert "
                  "it safely; it is published as plain text."),
        CheckCode("unfilled-placeholder", Severity.WARNING,
                  "Template text such as [DATE] or [FEATURE] was left in the plan."),
        CheckCode("unknown-status", Severity.WARNING,
                  "A gate, decision or risk status that the portal does not recognise; raw text is kept."),
        CheckCode("duplicate-id", Severity.ERROR,
                  "Two records of one feature share an id; the later one gets a suffixed id."),
        CheckCode("malformed-table", Severity.WARNING,
                  "A table row has more or fewer cells than its header; every cell is kept."),
        CheckCode("gate-fail-unmitigated", Severity.ERROR,
                  "A gate is FAIL and neither a Complexity Tracking row nor a risk mitigates it."),
        CheckCode("dangling-reference", Severity.ERROR,
                  "A plan cites a decision or feature that does not exist."),
        CheckCode("decision-cycle", Severity.ERROR, "Decisions depend on each other in a cycle."),
        CheckCode("accepted-depends-on-unaccepted", Severity.WARNING,
                  "An accepted decision rests on one that is still proposed or in review."),
        CheckCode("superseded-still-referenced", Severity.WARNING,
                  "A superseded decision is still depended on."),
        CheckCode("empty-plan", Severity.WARNING, "plan.md holds no content."),
        CheckCode("missing-constitution", Severity.WARNING,
                  "The 'constitution' option names a file that does not exist; gates are grouped by name."),
        CheckCode("spec-only-feature", Severity.INFO, "A feature directory has spec artifacts but no plan.md."),
        CheckCode("uncovered-requirement", Severity.WARNING,
                  "A functional or non-functional requirement that no task of the feature's tasks.md cites."),
        CheckCode("untraced-tasks", Severity.INFO,
                  "A feature's tasks cite no requirement id at all, so which requirements they cover is not known."),
        CheckCode("dangling-requirement-ref", Severity.WARNING,
                  "A task, checklist item, decision, gate or risk cites a requirement or story id the spec "
                  "does not define."),
        CheckCode("story-without-tasks", Severity.WARNING,
                  "A user story no task is tagged with or cites, in a feature whose tasks carry story tags."),
        CheckCode("task-without-story", Severity.INFO,
                  "A task without a story tag in a user story's phase, in a feature whose tasks carry story tags."),
    )
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    code: str
    path: str
    line: int
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: {self.severity.value} {self.code}: {printable(self.message)}"


def diagnostic(code: str, path: str, line: int, message: str) -> Diagnostic:
    """Make a diagnostic with the code's default severity."""
    return Diagnostic(CODES[code].severity, code, path, line, message)


def apply_severity(
    diagnostics: list[Diagnostic], overrides: Mapping[str, Severity | None]
) -> list[Diagnostic]:
    """Re-rate diagnostics by code; an override of None silences the code."""
    result: list[Diagnostic] = []
    for d in diagnostics:
        if d.code in overrides:
            severity = overrides[d.code]
            if severity is None:
                continue
            d = Diagnostic(severity, d.code, d.path, d.line, d.message)
        result.append(d)
    return result
