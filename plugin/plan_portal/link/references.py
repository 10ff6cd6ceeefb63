"""Find the references a piece of plan text makes, and what kind of link each one is.

References are decision ids local to the feature (``ADR-003``, ``D1``, ``DD-001``, research
decisions), cross-feature ids (``002-payments/ADR-001``) and Markdown links to a feature's plan
(``[x](../002-payments/plan.md#ADR-001)``); other features named by directory or number are
mentions (below), each cited at its own line. The link
type comes from the words just before a reference in its clause ("depends on", "builds on",
"requires" → depends-on; "supersedes", "replaces" → supersedes; "superseded by" → the reverse).

Mentions of other features (model.mentions) are resolved here by a dictionary look-up each:
``FeatureIndex`` knows every feature by directory name, by number and by folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from plan_portal.model.records import Feature, Mention

_LINK = re.compile(r'\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
#: Ids the portal generates for records without one (research decisions, unnumbered risks, gates).
_GENERATED = r"(?:decision|risk|gate(?:-pre|-post)?)-[\w-]+(?:~\d+)?"
_QUALIFIED = re.compile(
    rf"(?<![\w/.-])(?P<feature>[\w.-]+)/(?P<id>[A-Za-z]+-?\d+[A-Za-z]?(?:~\d+)?|{_GENERATED})(?![\w-])")
_LOCAL = re.compile(rf"(?<![\w/.-])(?P<id>(?:ADR|DEC|DD|AD|RD|RQ|D|R)-?\d+[a-z]?|{_GENERATED})(?![\w-])")
_CLAUSE_END = re.compile(r"[.;!?\n]\s")
# Word boundaries: "required by" must not read as "requires".
_TYPE_WORDS = re.compile(
    r"(?P<reverse>superseded by|replaced by|obsoleted by)"
    r"|(?P<required>required by|needed by|relied on by|used by|prerequisite (?:of|for))"
    r"|(?P<supersedes>supersedes|superseding|replaces|replacing|obsoletes|deprecates|overrides)"
    r"|(?P<depends>depends on|depending on|dependent on|builds on|building on|built on|requires|required|relies on"
    r"|based on|extends|assumes|blocked by|blocked on|needs|on top of)",
    re.I,
)
_TYPE_WORDS = re.compile(rf"\b(?:{_TYPE_WORDS.pattern})\b", re.I)
#: Ids whose prefix alone says "this is a decision record": an unknown one is a dangling reference.
STRICT_PREFIX = re.compile(r"^ADR-?\d")


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference found in text: ``target`` is a record id, a feature id, or None when dangling."""

    target: str | None
    written: str
    #: depends-on | required-by | supersedes | superseded-by | None (no words said what kind)
    words: str | None


def _kind(found: re.Match[str] | None) -> str | None:
    if found is None:
        return None
    if found.group("reverse"):
        return "superseded-by"
    if found.group("required"):
        return "required-by"
    return "supersedes" if found.group("supersedes") else "depends-on"


def words_before(text: str, position: int) -> str | None:
    """The link kind named by the nearest type words before ``position`` in the same clause."""
    start = 0
    for match in _CLAUSE_END.finditer(text, 0, position):
        start = match.end()
    found = None
    for match in _TYPE_WORDS.finditer(text, start, position):
        found = match
    return _kind(found)


class _ClauseReader:
    """``words_before`` for the references of one text, taken in increasing position: each stretch
    of the text is scanned once, so a cell citing n ids costs its length, not n times its length
    (a 300-decision clique's "depends on ADR-001, …, ADR-299" spent seconds rescanning).

    Between calls the text may change only from the last position on (``Resolver.find`` blanks
    each reference after reading the words before it); no type word or clause end spans the start
    of a reference, so scanning stretch by stretch finds what scanning from the start finds.
    """

    __slots__ = ("_clause_start", "_found", "_scanned")

    def __init__(self) -> None:
        self._clause_start = 0
        self._found: re.Match[str] | None = None
        self._scanned = 0

    def words_before(self, text: str, position: int) -> str | None:
        # A clause end is two characters: one that starts just before the scanned stretch counts.
        for match in _CLAUSE_END.finditer(text, max(self._scanned - 1, 0), position):
            self._clause_start, self._found = match.end(), None
        for match in _TYPE_WORDS.finditer(text, max(self._clause_start, self._scanned), position):
            self._found = match
        self._scanned = max(self._scanned, position)
        return _kind(self._found)


@dataclass(slots=True)
class Resolver:
    """What exists in the portfolio, to resolve references against."""

    records: set[str]
    features: set[str]
    #: Repository path of a feature's directory → feature id, for Markdown links.
    feature_dirs: dict[str, str]
    #: Per feature: lowercased anchor of a local id → global record id.
    anchors: dict[str, dict[str, str]]

    def find(self, text: str, feature: str, feature_dir: str) -> list[Reference]:
        if not text:
            return []
        found: list[tuple[int, Reference]] = []
        masked = text
        if "](" in text:
            reader = _ClauseReader()
            for match in _LINK.finditer(text):
                reference = self._markdown_link(match.group(2), feature_dir)
                if reference is not None:
                    words = reader.words_before(text, match.start())
                    found.append((match.start(), Reference(reference, match.group(0), words)))
                masked = masked[: match.start()] + " " * (match.end() - match.start()) + masked[match.end():]
        if "/" in masked:
            reader = _ClauseReader()
            for match in _QUALIFIED.finditer(masked):
                other, local = match.group("feature"), match.group("id")
                if other in self.features:
                    target = f"{other}/{local}"
                    resolved = target if target in self.records else None
                elif re.match(r"^\d+-", other):
                    resolved = None
                else:
                    continue
                found.append((match.start(), Reference(resolved, match.group(0),
                                                       reader.words_before(masked, match.start()))))
                masked = masked[: match.start()] + " " * (match.end() - match.start()) + masked[match.end():]
        reader = _ClauseReader()
        for match in _LOCAL.finditer(masked):
            target = f"{feature}/{match.group('id')}"
            if target in self.records or STRICT_PREFIX.match(match.group("id")):
                resolved = target if target in self.records else None
                found.append((match.start(), Reference(resolved, match.group(0),
                                                       reader.words_before(masked, match.start()))))
        found.sort(key=lambda item: item[0])
        return [reference for _, reference in found]

    def _markdown_link(self, href: str, feature_dir: str) -> str | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            return None
        path, _, fragment = href.partition("#")
        if not path:
            return None
        resolved = posixpath.normpath(posixpath.join(feature_dir, path))
        directory, _, name = resolved.rpartition("/")
        if name != "plan.md" or directory not in self.feature_dirs:
            return None
        other = self.feature_dirs[directory]
        if fragment:
            return self.anchors.get(other, {}).get(fragment.lower(), other)
        return other


@dataclass(slots=True)
class FeatureIndex:
    """Every feature by the names a plan may give it; a name two features share is ``None``."""

    #: Directory name, lowercased → feature id.
    by_name: dict[str, str | None]
    #: Number as the directory writes it (``010``) → feature id.
    by_number: dict[str, str | None]
    #: Repository path of a feature's folder → feature id.
    by_folder: dict[str, str]
    #: Per feature: lowercased anchor of a local id → global record id.
    anchors: dict[str, dict[str, str]]

    @classmethod
    def of(cls, features: Iterable[Feature], anchors: dict[str, dict[str, str]]) -> FeatureIndex:
        by_name: dict[str, str | None] = {}
        by_number: dict[str, str | None] = {}
        by_folder: dict[str, str] = {}
        for feature in features:
            name = posixpath.basename(feature.path) or feature.id
            for table, key in ((by_name, name.lower()), (by_number, _number_of(name))):
                if key:
                    table[key] = None if key in table and table[key] != feature.id else feature.id
            by_folder.setdefault(feature.path, feature.id)
        return cls(by_name, by_number, by_folder, anchors)

    def resolve(self, mention: Mention) -> str | None:
        """The feature or record a mention names, or None (no such feature, or two share the number)."""
        if mention.kind == "id":
            return self._inside(self._named(mention.key.lower()), mention.fragment)
        if mention.kind == "record":  # an unknown record is a dangling reference, not the feature
            feature = self.by_name.get(mention.key.lower())
            return self.anchors.get(feature, {}).get(mention.fragment.lower()) if feature else None
        if mention.kind == "number":
            return self.by_number.get(mention.key)
        segments = mention.key.split("/")
        for end in range(1, len(segments) + 1):
            feature = self.by_folder.get("/".join(segments[:end]))
            if feature is not None:
                rest = segments[end:]
                into_records = rest in (["plan.md"], ["research.md"])
                return self._inside(feature, mention.fragment if into_records else "")
        return None

    def _named(self, name: str) -> str | None:
        """The feature a directory name names, or one it starts: ``028-sandbox-command-1`` (a note
        named after feature 028) names ``028-sandbox-command``."""
        while True:
            if name in self.by_name:
                return self.by_name[name]
            shorter = name.rpartition("-")[0]
            if not re.search(r"-.*[a-z]", shorter):  # keep at least a number and a word
                return None
            name = shorter

    def _inside(self, feature: str | None, fragment: str) -> str | None:
        if feature is None or not fragment:
            return feature
        return self.anchors.get(feature, {}).get(fragment.lower(), feature)


def _number_of(name: str) -> str:
    """The number a directory name starts with (``010`` of ``010-chat-tagging``), or ""."""
    match = re.match(r"\d+(?=-)", name)
    return match.group() if match else ""
