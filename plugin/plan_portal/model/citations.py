"""The ids of requirements, user stories and tasks, and the ids a line of text cites.

Every regex here reads one line (or one list item) of its own: never a whole file.

- Requirement ids: a prefix, a number and an optional letter, ``FR-001``, ``FR-001a``, ``SC-004``,
  ``NFR-002``, namespaced ``FR-AUTH-01``. ``FR``, ``NFR`` and ``SC`` (with any namespace) are always
  requirement ids; other prefixes (``A-001`` assumptions, ``DF-003``) count where the spec defines them.
- Story ids: ``US1``, ``US-1``, ``US1.2``, namespaced ``AUTH-US1``; written the one way ``US1``.
- Citations: ids as written, with abbreviations expanded: ``FR-006/021`` and ``FR-025a/c`` (slash),
  ``FR-001–FR-005``, ``FR-001–005``, ``SC-001..SC-004``, ``FR-010 through FR-012`` (ranges: every id
  the spec defines between the two, or every number when the spec is not known).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

#: Prefixes that always name a requirement, with any namespace after them (``FR-AUTH``).
STRICT_PREFIX = re.compile(r"^(?:N?FR|SC)(?:-[A-Z][A-Z0-9]*)*$")
_STORY_PREFIX = re.compile(r"^(?:[A-Z][A-Z0-9]*-)?US$")

#: One id: a story (``US1``, ``AUTH-US1``) or a prefixed number (``FR-001a``, ``FR-AUTH-01``, ``US-1``).
_ID_BODY = (
    r"(?:(?P<story>(?:(?P<ns>(?!US\d)[A-Z][A-Z0-9]*)-)?US(?P<sn>\d+(?:\.\d+)?))"
    r"|(?P<prefix>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)-(?P<num>\d+)(?P<suffix>[a-zA-Z]?)"
    r")(?![\w])"
)
_ID = re.compile(r"(?<![\w-])" + _ID_BODY)
_ID_AT_START = re.compile(_ID_BODY)
#: What may follow an id to abbreviate more: a range to an id or a number, or a slash.
_RANGE = re.compile(
    r"\s*(?:[–]|\.\.)\s*(?:(?P<prefix>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)-)?(?P<num>\d+)(?P<suffix>[a-zA-Z]?)(?![\w-])"
    r"|\s+(?:through|thru|to)\s+(?P<wprefix>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)-(?P<wnum>\d+)(?P<wsuffix>[a-zA-Z]?)(?![\w-])"
)
_SLASH = re.compile(
    r"/(?:(?P<prefix>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)-)?(?P<num>\d+)(?P<suffix>[a-zA-Z]?)(?![\w-])"
    r"|/(?P<letter>[a-zA-Z])(?![\w-])"
)
#: A range of stories: ``US1-US5``, ``US1–US5``, ``US1 through US5``.
_STORY_RANGE = re.compile(
    r"(?:\s*[–-]\s*|\s*\.\.\s*|\s+(?:through|thru|to)\s+)(?:(?P<ns>[A-Z][A-Z0-9]*)-)?US-?(?P<n>\d+)(?![\w.])")
#: A range longer than this is read as its two ends only ("FR-001 to FR-99999" is not 99,999 ids).
MAX_RANGE = 500


def story_id(namespace: str, number: str) -> str:
    """A story's id as the portal writes it: ``US1``, ``AUTH-US1``."""
    return f"{namespace}-US{number}" if namespace else f"US{number}"


def _story_of(prefix: str, number: str) -> str | None:
    """``US-1`` read as the story US1; None for any other prefix."""
    if not _STORY_PREFIX.match(prefix):
        return None
    namespace = prefix[:-3] if prefix != "US" else ""
    return story_id(namespace, str(int(number)))


#: Words before an id that say it is another feature's: ``005 FR-023``, ``feature 005's FR-023``,
#: ``per Spec 005 FR-020``.
_OTHER_FEATURE = re.compile(r"(?:(?:spec|feature)\s+)?(?<![\w.-])(?P<number>\d{3,4})(?:['’]s)?\s+$", re.I)


@dataclass(frozen=True, slots=True)
class Cited:
    """An id a text cites: ``written`` as it stands, ``ids`` the ids it stands for."""

    written: str
    ids: tuple[str, ...]
    #: The ids the text names itself (a range's two ends, a slash's parts).
    named: tuple[str, ...]
    #: The number of the feature the id belongs to when the text names another (``005 FR-023``).
    feature: str = ""


def id_at_start(text: str) -> tuple[str, str, str] | None:
    """(id, prefix, rest) when ``text`` opens with an id (``FR-001``, ``US1``); prefix ``US`` for stories."""
    match = _ID_AT_START.match(text)
    if not match:
        return None
    return _normal(match), ("US" if match.group("story") or _story_of(match.group("prefix"), "0") else
                            match.group("prefix")), text[match.end():]


def _normal(match: re.Match[str]) -> str:
    if match.group("story"):
        return story_id(match.group("ns") or "", match.group("sn"))
    prefix, number, suffix = match.group("prefix"), match.group("num"), match.group("suffix")
    story = _story_of(prefix, number)
    return story or f"{prefix}-{number}{suffix}"


def split_id(local_id: str) -> tuple[str, int, str] | None:
    """(prefix, number, suffix) of a requirement id, None for a story or anything else."""
    match = re.fullmatch(r"(?P<prefix>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)-(?P<num>\d+)(?P<suffix>[a-zA-Z]?)", local_id)
    if not match:
        return None
    return match.group("prefix"), int(match.group("num")), match.group("suffix")


def _ends(prefix: str, first: re.Match[str], second: re.Match[str], group: str) -> tuple[str, str] | None:
    other = second.group(f"{group}prefix") if group else second.group("prefix")
    if other is not None and other != prefix:
        return None
    number = second.group(f"{group}num")
    suffix = second.group(f"{group}suffix")
    width = len(first.group("num"))
    return f"{prefix}-{first.group('num')}{first.group('suffix')}", f"{prefix}-{number.zfill(width)}{suffix}"


def expand_range(low: str, high: str, defined: Collection[str] | None) -> list[str]:
    """Every id from ``low`` to ``high``: the defined ones between them (and the two ends), or, when
    nothing is known of the spec, every number between them at ``low``'s width."""
    a, b = split_id(low), split_id(high)
    if a is None or b is None or a[0] != b[0] or (a[1], a[2]) > (b[1], b[2]) or b[1] - a[1] > MAX_RANGE:
        return [low, high] if low != high else [low]
    prefix = a[0]
    if defined is not None:
        inside = []
        for candidate in defined:
            parts = split_id(candidate)
            if parts is not None and parts[0] == prefix and (a[1], a[2]) <= (parts[1], parts[2]) <= (b[1], b[2]):
                inside.append((parts[1], parts[2], candidate))
        found = [candidate for _, _, candidate in sorted(inside)]
    else:
        width = len(low) - len(prefix) - 1 - len(a[2])
        found = [f"{prefix}-{str(n).zfill(width)}" for n in range(a[1], b[1] + 1)]
    for end in (low, high):
        if end not in found:
            found.append(end)
    return found


def citations(text: str, defined: Collection[str] | None = None,
              prefixes: Collection[str] = ()) -> Iterator[Cited]:
    """The requirement and story ids ``text`` cites, in order, abbreviations expanded.

    ``defined`` holds the spec's ids when it is known (ranges expand to those); ``prefixes`` are
    further prefixes the spec defines ids with (``A`` for ``A-001``): ids with any other prefix than
    FR, NFR, SC and a story's are not requirement ids.
    """
    if not text or ("-" not in text and "US" not in text):
        return
    position = 0
    while True:
        match = _ID.search(text, position)
        if match is None:
            return
        position = match.end()
        prefix = match.group("prefix")
        if prefix is not None and not _STORY_PREFIX.match(prefix) and not STRICT_PREFIX.match(prefix) \
                and prefix not in prefixes:
            continue  # a plan's own record (ADR-001, R-2): not a requirement id
        other = _OTHER_FEATURE.search(text, max(0, match.start() - 24), match.start())
        feature = other.group("number") if other else ""
        if match.group("story"):
            first = _normal(match)
            ranged = _STORY_RANGE.match(text, position)
            low = match.group("sn")
            if ranged and (ranged.group("ns") or "") == (match.group("ns") or "") and low.isdigit() \
                    and 0 < int(ranged.group("n")) - int(low) <= MAX_RANGE:
                position = ranged.end()
                namespace = match.group("ns") or ""
                ids = tuple(story_id(namespace, str(n)) for n in range(int(low), int(ranged.group("n")) + 1))
                yield Cited(text[match.start():position], ids, (ids[0], ids[-1]), feature)
                continue
            yield Cited(match.group(0), (first,), (first,), feature)
            continue
        if _STORY_PREFIX.match(prefix):
            story = _normal(match)
            yield Cited(match.group(0), (story,), (story,), feature)
            continue
        first = _normal(match)
        ranged = _RANGE.match(text, position)
        if ranged is not None:
            group = "w" if ranged.group("wnum") else ""
            ends = _ends(prefix, match, ranged, group)
            if ends is not None:
                position = ranged.end()
                expanded = expand_range(ends[0], ends[1], defined)
                yield Cited(text[match.start():position], tuple(expanded), ends, feature)
                continue
        named = [first]
        while True:
            slash = _SLASH.match(text, position)
            if slash is None:
                break
            if slash.group("letter"):  # FR-025a/c: the same number, another letter
                named.append(re.sub(r"[a-zA-Z]$", "", named[-1]) + slash.group("letter"))
            else:
                written = slash.group("prefix")
                if written is not None and not STRICT_PREFIX.match(written) and written not in prefixes:
                    break
                width = len(match.group("num"))
                number = slash.group("num") if written is not None else slash.group("num").zfill(width)
                named.append(f"{written or prefix}-{number}{slash.group('suffix')}")
            position = slash.end()
        unique = tuple(dict.fromkeys(named))
        yield Cited(text[match.start():position], unique, unique, feature)


def cited_ids(text: str, defined: Collection[str] | None = None, prefixes: Collection[str] = ()) -> list[str]:
    """The ids of its own feature ``text`` cites, each once, in order (not ``005 FR-023``)."""
    return list(dict.fromkeys(i for cited in citations(text, defined, prefixes) if not cited.feature
                              for i in cited.ids))


def resolve(local_id: str, defined: Collection[str]) -> str | None:
    """The defined id a cited id stands for: itself, or for a lettered id the spec does not define
    (``FR-028a``, clause (a) of FR-028) the requirement it is a clause of; None when neither is defined."""
    if local_id in defined:
        return local_id
    parts = split_id(local_id)
    if parts is not None and parts[2]:
        base = local_id[:-1]
        if base in defined:
            return base
    return None
