"""The constitution: its principles, its version and dates, and the amendments it records.

spec-kit keeps it in ``.specify/memory/constitution.md``: numbered principles under a "Core
Principles" heading (``### IV. Deny-by-Default RBAC (NON-NEGOTIABLE)``), a line
``**Version**: 1.2.0 | **Ratified**: … | **Last Amended**: …``, and at the top an HTML comment,
the Sync Impact Report, saying what the last amendment changed (some projects keep every earlier
report below it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from plan_portal.diagnostics import diagnostic
from plan_portal.discover import ConstitutionFile
from plan_portal.model.markers import placeholders
from plan_portal.model.records import Amendment, Constitution, Principle, Source
from plan_portal.model.text import slug, strip_markup
from plan_portal.read import Section, parse_document, read_source
from plan_portal.read.history import file_history

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
#: ``IV. Name``, ``Principle 1: Name``, ``4) Name``, ``Principle IV — Name``.
_NUMBERED = re.compile(
    r"^(?:principle\s+)?(?P<number>[IVXLCDM]{1,7}|\d{1,3})(?:\s*[.:)\u2014\u2013-]\s*|\s+(?=[^\W\d]))(?P<name>\S.*)$",
    re.I)
_NON_NEGOTIABLE = re.compile(r"\s*[(\[]\s*non[- ]?negotiable\s*[)\]]\s*|\s*[\u2014\u2013-]\s*non[- ]?negotiable\s*$",
                             re.I)
_PRINCIPLES_SECTION = re.compile(r"\bprinciples\b|core principle|原則|原则", re.I)
_VERSION_FIELD = re.compile(r"\*\*\s*(version|ratified|last amended)\s*\*\*\s*:?\s*\|?\s*([^|*]*)", re.I)
_VERSION = re.compile(r"v?(\d+(?:\.\d+){1,3})")
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
#: The line of a Sync Impact Report that opens one amendment: ``Version change: 1.0.0 → 1.1.0 (…)``.
_VERSION_CHANGE = re.compile(
    r"^\W*version(?:\s+change)?\s*:\s*(?P<old>.*?)\s*(?:\u2192|->|=>|\bto\b)\s*v?(?P<new>\d+(?:\.\d+){1,3})(?P<rest>.*)$",
    re.I)
#: A report line naming a field (``Modified principles: …``): not indented deeper than a list item.
_REPORT_FIELD = re.compile(r"^\s{0,2}(?P<key>[A-Za-z][A-Za-z /&()-]{2,40}?)\s*:\s*(?P<value>.*)$")
_FIELDS = {"modified principles": "modified", "modified sections": "modified", "added sections": "added",
           "added principles": "added", "new principles": "added", "removed sections": "removed",
           "removed principles": "removed", "bump rationale": "rationale", "rationale": "rationale"}
_SEPARATOR = re.compile(r"^\s*(?:[-=*_]{3,}|#+\s).*$")
_KNOWN_FIELD = re.compile(r"(?<![\w-])(" + "|".join(sorted(_FIELDS, key=len, reverse=True)) + r")\s*:", re.I)


def roman_number(numeral: str) -> int:
    """``XIV`` → 14, ``12`` → 12; 0 when it is neither."""
    if numeral.isdigit():
        return int(numeral)
    total = 0
    values = [_ROMAN.get(ch, 0) for ch in numeral.upper()]
    if not values or 0 in values:
        return 0
    for value, following in zip(values, [*values[1:], 0], strict=True):
        total += -value if value < following else value
    return total


def split_numbered(title: str) -> tuple[str, int, str] | None:
    """(numeral as written, its value, the rest) of ``IV. Name`` / ``Principle 2: Name``."""
    match = _NUMBERED.match(title.strip())
    if not match:
        return None
    number = roman_number(match.group("number"))
    if not number or (not match.group("number").isdigit() and match.group("number") != match.group("number").upper()):
        return None
    return match.group("number").upper(), number, match.group("name").strip()


def version_of(text: str) -> str:
    match = _VERSION.search(text)
    return match.group(1) if match else ""


@dataclass(slots=True)
class _Header:
    version: str = ""
    ratified: str = ""
    amended: str = ""
    line: int = 0


def _header(lines: list[str]) -> _Header:
    """The ``**Version**: X | **Ratified**: … | **Last Amended**: …`` line (the last one written)."""
    found = _Header()
    for number, line in enumerate(lines, 1):
        fields = {key.lower(): value.strip() for key, value in _VERSION_FIELD.findall(line)}
        if "version" not in fields:
            continue
        version = version_of(fields["version"])
        if not version:
            continue
        found = _Header(version, _first_date(fields.get("ratified", "")), _first_date(fields.get("last amended", "")),
                        number)
    return found


def _first_date(text: str) -> str:
    match = _DATE.search(text)
    return match.group(1) if match else text.strip(" _")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def amendments_in(text: str, path: str) -> list[Amendment]:
    """Every ``Version change`` the file's HTML comments record, in the order written."""
    found: list[Amendment] = []
    for comment in _COMMENT.finditer(text):
        first_line = _line_of(text, comment.start(1))
        current: Amendment | None = None
        key = ""
        for offset, line in enumerate(comment.group(1).split("\n")):
            change = _VERSION_CHANGE.match(line)
            if change:
                old = change.group("old").strip()
                current = Amendment(version_of(old) or old.strip("()"), change.group("new"),
                                    change.group("rest").strip(" -\u2014\u2013()"),
                                    source=Source(path, first_line + offset))
                found.append(current)
                key = ""
                continue
            if current is None:
                continue
            if _SEPARATOR.match(line):  # "---- prior report ----": the fields above end here
                key = ""
                continue
            field = _REPORT_FIELD.match(line)
            if field and not line.lstrip().startswith(("-", "*", "\u2705", "\u26a0")):
                key = _FIELDS.get(field.group("key").strip().lower(), "other")
                # "Added sections: none. Removed sections: none." names two fields on one line
                parts = _KNOWN_FIELD.split(field.group("value"))
                _extend(current, key, parts[0])
                for name, value in zip(parts[1::2], parts[2::2], strict=True):
                    key = _FIELDS[name.lower()]
                    _extend(current, key, value)
            elif line.strip() and key:
                _extend(current, key, line.strip())
        for amendment in found:
            if not amendment.date:
                amendment.date = _first_date_in(amendment)
    return found


def _extend(amendment: Amendment, key: str, value: str) -> None:
    value = value.strip().rstrip(".;,").strip()
    if not value or key == "other" or value.lower() in ("none", "n/a", "-"):
        return
    if key == "rationale":
        amendment.summary = f"{amendment.summary} {value}".strip() if amendment.summary else value
        return
    old = getattr(amendment, key)
    setattr(amendment, key, f"{old}\n{value}" if old else value)


def _first_date_in(amendment: Amendment) -> str:
    match = _DATE.search(" ".join((amendment.summary, amendment.modified, amendment.added)))
    return match.group(1) if match else ""


def _principle_sections(sections: list[Section]) -> list[int]:
    """Indexes of the principle headings: the headings directly under a "… Principles" heading;
    failing that, numbered headings anywhere (``### Principle 1: …``)."""
    chosen: list[int] = []
    for index, section in enumerate(sections):
        if section.level == 0 or not _PRINCIPLES_SECTION.search(section.title):
            continue
        following = sections[index + 1] if index + 1 < len(sections) else None
        child_level = following.level if following is not None and following.level > section.level else 0
        for below in range(index + 1, len(sections)):
            if sections[below].level <= section.level:
                break
            if sections[below].level == child_level:
                chosen.append(below)
        if chosen:
            return chosen
    return [i for i, s in enumerate(sections) if s.level >= 2 and split_numbered(s.title)]


def _principle(sections: list[Section], index: int, lines: list[str], path: str, position: int) -> Principle:
    section = sections[index]
    title = strip_markup(section.title).strip()
    non_negotiable = bool(_NON_NEGOTIABLE.search(title))
    title = _NON_NEGOTIABLE.sub(" ", title).strip()
    numbered = split_numbered(title)
    end = next((s.line for s in sections[index + 1:] if s.level <= section.level), len(lines) + 1)
    body = "\n".join(lines[section.line:end - 1])
    text = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip("\n")
    if numbered:
        numeral, number, name = numbered
        return Principle(numeral, number, name, non_negotiable, text, Source(path, section.line))
    return Principle(slug(title) or str(position), 0, title, non_negotiable, text, Source(path, section.line))


def read_constitution(found: ConstitutionFile, max_bytes: int) -> Constitution:
    """The constitution as written; every problem is a diagnostic on it, never an exception."""
    source = read_source(found.path, found.display, max_bytes, frontmatter=False, allowed_roots=found.allowed_roots)
    constitution = Constitution(found.display, "", "", "", "", diagnostics=list(source.diagnostics))
    if source.text is None:
        return constitution
    text = source.text
    lines = text.split("\n")
    doc = parse_document(found.display, text)
    constitution.diagnostics.extend(doc.diagnostics)
    constitution.title = next((strip_markup(s.title).strip() for s in doc.sections if s.level == 1), "Constitution")
    header = _header(lines)
    constitution.version, constitution.ratified, constitution.amended = header.version, header.ratified, header.amended
    if header.line:
        constitution.version_source = Source(found.display, header.line)
    seen: set[str] = set()
    for position, index in enumerate(_principle_sections(doc.sections), 1):
        principle = _principle(doc.sections, index, lines, found.display, position)
        if principle.id in seen:  # two "### I." headings: the second keeps its place, not its id
            principle.id = f"{principle.id}-{position}"
        seen.add(principle.id)
        constitution.principles.append(principle)
    constitution.amendments = amendments_in(text, found.display)
    unfilled = placeholders(doc.texts)
    if unfilled:
        constitution.unfilled = any("PRINCIPLE" in m.text or "CONSTITUTION" in m.text or "PROJECT_NAME" in m.text
                                    for m in unfilled)
        for marker in unfilled[:20]:
            constitution.diagnostics.append(diagnostic(
                "unfilled-placeholder", found.display, marker.line,
                f"template text {marker.text} left in the constitution"))
    return constitution


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version)[:4])


def with_history(constitution: Constitution, path: Path) -> list[Amendment]:
    """The file's amendments, and those only earlier versions of it recorded (each report is often
    replaced by the next): from the reports those versions held, else from their version lines.
    Newest first."""
    amendments = list(constitution.amendments)
    known = {a.to_version for a in amendments}
    newer_version = constitution.version
    for version in file_history(path):
        for amendment in amendments_in(version.text, constitution.path):
            if amendment.to_version not in known:
                amendment.commit, amendment.source = version.commit, None
                amendment.date = amendment.date or version.date
                amendments.append(amendment)
                known.add(amendment.to_version)
        older_version = _header(version.text.split("\n")).version
        if older_version and newer_version and older_version != newer_version and newer_version not in known:
            amendments.append(Amendment(older_version, newer_version, "", commit=version.commit, date=version.date))
            known.add(newer_version)
        newer_version = older_version or newer_version
    return sorted(amendments, key=lambda a: _version_key(a.to_version), reverse=True)


def changes_since(constitution: Constitution, version: str) -> list[Amendment]:
    """The amendments after ``version``, newest first: what a plan checked against it has not seen."""
    since = _version_key(version)
    return [a for a in constitution.amendments if _version_key(a.to_version) > since]
