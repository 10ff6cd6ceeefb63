"""Markdown that MkDocs' converter, Python-Markdown, cannot convert safely, found in linear time.

Python-Markdown recurses once or more per level of nesting and fails with RecursionError at 250
list levels, about 400 nested ``<div markdown>`` elements or about 1,000 nested emphasis elements.
From every ``[``, link ``(``, backtick run, code fence and HTML start tag it scans ahead for the
closing mark, so a file full of openers that never close costs time that grows with the square of
its size (8,000 ``[`` then ``]`` then ``(``, 24 KB, take 12 seconds).

Each measure here over-estimates what Python-Markdown does: it counts openers the converter
skips, lets a scan run on wherever a code span, escape or tag could hide the closing mark, and
splits the text only where the converter surely does. Scans are counted in characters of the
file; placeholders the converter puts in for code spans and escapes can make its own scans up to
five times longer. The limits sit at less than half of what makes the converter fail and far
above anything in real plans (docs/checks.md gives the measurements).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

#: Levels of block nesting (indentation, ``>``, list markers) and of ``<div markdown>``
#: elements; Python-Markdown fails at 250 and at about 400.
MAX_NESTING = 100
#: Emphasis elements inside each other; Python-Markdown fails at about 1,000 (the table of
#: contents walks the elements recursively).
MAX_EMPHASIS_NESTING = 400
#: Characters Python-Markdown's Python code scans ahead for closing ``]``, ``)`` and backticks,
#: summed over a file, beyond ``SCAN_PER_CHARACTER`` per character of the file: about half a
#: second of conversion (4-5 million a second, measured).
MAX_INLINE_SCAN = 2_000_000
#: Characters scanned for the end of a start tag or a fence, summed over a file, beyond the same
#: allowance; these scans run in the regular expression engine, about 20 million a second.
MAX_DOCUMENT_SCAN = 10_000_000
#: Scanning that grows with the file (each code span scanned to its end, each tag to its ``>``)
#: is no hazard: only what grows faster is.
SCAN_PER_CHARACTER = 4


@dataclass(frozen=True, slots=True)
class Hazard:
    """Why a file cannot be converted safely, and the line where the trouble starts."""

    line: int
    reason: str


_PREFIX = re.compile(r"(?:[ \t>]|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))*")
_LIST_MARKER = re.compile(r"[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)")
_FENCE = re.compile(r"^(`{3,}|~{3,})", re.MULTILINE)
_START_TAG = re.compile(r"<[A-Za-z]")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*")
_VALUE_QUOTE = re.compile(r"""=\s*(["'])""")
_MARKDOWN_ATTRIBUTE = re.compile(r"\smarkdown\b", re.IGNORECASE)
_ATX_HEADING = re.compile(r"#{1,6}[^\\]*$")
_SETEXT_UNDERLINE = re.compile(r"[=-]+[ ]*$")
_LIST_START = re.compile(r"[ ]{0,3}(?:[*+-]|\d+\.)[ \t]")
_LIST_ITEM = re.compile(r"[ ]{0,7}(?:([*+-])|\d+\.)[ \t]")
_BRACKET = re.compile(r"[\[\]]")
_PAREN = re.compile(r"[()]")
_HIDER = re.compile(r"[`\\<]")
_HIDER_OR_QUOTE = re.compile(r"""[`\\<"']""")
_BACKTICKS = re.compile(r"`+")
_PAIR_BLOCKER = re.compile(r"[`\\<\[\]]")
_EMPHASIS = re.compile(r"\*+|_+")
#: A hard line break ("  \n", or a tab before the line end: tabs become spaces) becomes a
#: placeholder before emphasis is paired, so a marker next to it counts as next to text.
_BREAK_AFTER = re.compile(r"[ \t]+\n")


def _block_nesting(lines: list[str]) -> Hazard | None:
    """Indentation (four spaces or a tab a level), ``>`` and list markers at the start of a line.

    Indentation nests only under a list item or a quote, so a line indented without either (a
    diagram in a code block) does not count."""
    for number, line in enumerate(lines, 1):
        if not line or line[0] not in " \t>-*+0123456789":
            continue
        prefix = _PREFIX.match(line)
        assert prefix is not None  # the pattern matches the empty string
        text = prefix.group()
        markers = text.count(">") + len(_LIST_MARKER.findall(text))
        if not markers:
            continue
        depth = (text.count(" ") + 4 * text.count("\t")) // 4 + markers
        if depth > MAX_NESTING:
            return Hazard(number, f"lists, quotes and indentation nest {depth} levels deep here; "
                                  f"this check allows {MAX_NESTING}")
    return None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


class _Scan:
    """The costliest scan found so far, to report where it starts."""

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts
        self.total = 0
        self.worst = -1
        self.worst_at = 0
        self.worst_what = ""

    def add(self, cost: int, position: int, what: str) -> None:
        self.total += cost
        if cost > self.worst:
            self.worst, self.worst_at, self.worst_what = cost, position, what

    def line(self) -> int:
        return bisect_right(self.starts, self.worst_at)


def _fence_scans(text: str, scan: _Scan) -> None:
    """A line opening a fence makes the converter look for the same fence, alone on a line, up to
    the end of the file."""
    fences = [(match.start(), match.group(1)) for match in _FENCE.finditer(text)]
    closing: dict[str, int] = {}
    for start, fence in reversed(fences):
        end = closing.get(fence, len(text))
        scan.add(end - start, start, "code fences that never close")
        line_end = text.find("\n", start)
        if text[start:line_end if line_end >= 0 else len(text)].rstrip(" ") == fence:
            closing[fence] = start


def _tag_scans(text: str, scan: _Scan) -> None:
    """Python's HTML parser looks for the ``>`` that ends each start tag; it passes only a ``>``
    inside a quoted attribute value (``="…"``), so the first ``>`` no such value covers bounds it."""
    covered: list[tuple[int, int]] = []
    for match in _VALUE_QUOTE.finditer(text):
        quote_at = match.start(1)
        close = text.find(match.group(1), quote_at + 1)
        if close >= 0:
            covered.append((quote_at, close))
    hard: list[int] = []
    reach = -1
    index = 0
    position = text.find(">")
    while position >= 0:
        while index < len(covered) and covered[index][0] < position:
            reach = max(reach, covered[index][1])
            index += 1
        if reach < position:
            hard.append(position)
        position = text.find(">", position + 1)
    for match in _START_TAG.finditer(text):
        following = bisect_left(hard, match.start())
        end = hard[following] if following < len(hard) else len(text)
        scan.add(end - match.start(), match.start(), "HTML start tags without their closing '>'")


def _html_nesting(text: str, starts: list[int]) -> Hazard | None:
    """``<div markdown>`` elements inside each other (the md_in_html extension recurses into each).

    An end tag closes the innermost open element of its name and every element opened inside it,
    as an HTML parser does; elements never closed stay open, which can only over-count."""
    stack: list[tuple[str, bool]] = []
    open_by_name: dict[str, int] = {}
    depth = 0
    for match in _TAG.finditer(text):
        tag = match.group()
        if tag[1] == "/":
            name = tag[2:].lower()
            if not open_by_name.get(name):
                continue
            while stack:
                opened, markdown = stack.pop()
                open_by_name[opened] -= 1
                depth -= markdown
                if opened == name:
                    break
            continue
        name = tag[1:].lower()
        end = text.find(">", match.end())
        markdown = bool(_MARKDOWN_ATTRIBUTE.search(text, match.end(), end if end >= 0 else len(text)))
        stack.append((name, markdown))
        open_by_name[name] = open_by_name.get(name, 0) + 1
        depth += markdown
        if depth > MAX_NESTING:
            return Hazard(bisect_right(starts, match.start()),
                          f"{depth} HTML elements with a markdown attribute inside each other; "
                          f"this check allows {MAX_NESTING}")
    return None


def _is_rule(line: str) -> bool:
    """A horizontal rule as Python-Markdown reads one: up to three spaces, then three or more of one
    of ``-``, ``_``, ``*``, with at most two spaces between them."""
    body = line[len(line) - len(line.lstrip(" ")):].rstrip(" ")
    if len(line) - len(line.lstrip(" ")) > 3 or len(body) < 3 or body[0] not in "-_*" or "   " in body:
        return False
    return body.count(body[0]) >= 3 and not body.replace(body[0], "").replace(" ", "")


#: A line starting with none of these (a blank line starts with a newline) is prose: it neither
#: splits the text nor starts a list.
_PLAIN_LINE_START = frozenset(" \t\n#-_*=+0123456789`~<")


def _inline_units(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) offsets of stretches of text the converter never joins into one paragraph,
    list item, heading or table cell, so that every scan ends with its stretch.

    Python-Markdown splits at a blank line, at a rule or a ``#`` heading, after a ``===``/``---``
    heading, and, in a block that starts as a list, at each item of that kind of list (up to a
    fence or HTML block, after which the text need not be the list's). It joins any other line to
    the text before it (``- x`` right after a paragraph line continues that paragraph), so nothing
    else may split here: a split it does not make would under-count."""
    units: list[tuple[int, int]] = []
    unit_start = -1
    unit_lines = 0
    list_kind = ""
    after_cut = False
    size = len(text)
    for index, start in enumerate(starts):
        if start < size and text[start] not in _PLAIN_LINE_START:
            if unit_start < 0:
                unit_start, unit_lines, list_kind = start, 0, ""
            unit_lines += 1
            after_cut = False
            continue
        end = starts[index + 1] if index + 1 < len(starts) else size
        line = text[start:end].rstrip("\n")
        blank = not line.strip(" \t") and (index > 0 or not line)  # spaces on line 1 are kept as text
        # A ===/--- line underlines the line before when that starts a block: the first line of a
        # stretch, or a rule (which is then a heading's text).
        underline = (unit_lines == 1 or after_cut) and _SETEXT_UNDERLINE.match(line) is not None
        after_cut = False
        if blank or underline or _is_rule(line) or _ATX_HEADING.match(line):
            after_cut = not blank and not underline
            if underline and unit_start >= 0:
                units.append((unit_start, end))
            elif underline:
                units.append((start, end))
            else:
                if unit_start >= 0:
                    units.append((unit_start, start))
                if not blank:
                    units.append((start, end))
            unit_start, unit_lines, list_kind = -1, 0, ""
            continue
        item = _LIST_ITEM.match(line)
        kind = "" if item is None else "bullet" if item.group(1) else "ordered"
        if unit_start < 0:
            unit_start, unit_lines = start, 0
            list_kind = kind if _LIST_START.match(line) else ""
        elif kind and kind == list_kind:
            units.append((unit_start, start))
            unit_start, unit_lines = start, 0
        elif line.startswith(("```", "~~~", "<")):
            list_kind = ""  # a fence or HTML block may end here: what follows need not be the list
        unit_lines += 1
    if unit_start >= 0:
        units.append((unit_start, size))
    return units


def _any_between(marks: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted ``marks`` lies in [start, end)."""
    following = bisect_left(marks, start)
    return following < len(marks) and marks[following] < end


def _stop(marks: list[int], opening: int, closing: int, end: int) -> int:
    """Where a scan from ``opening`` for the mark at ``closing`` ends: there, unless one of ``marks``
    lies between (then it may run on to ``end``)."""
    following = bisect_right(marks, opening)
    return closing if following == len(marks) or marks[following] > closing else end


def _paired_scans(text: str, start: int, end: int, pairs: re.Pattern[str], opener: str, marks: re.Pattern[str],
                  counts: Callable[[int], bool]) -> tuple[int, int]:
    """(characters scanned, costliest opener) for the openers of one stretch that ``counts``: each
    is scanned to its closer, or past a mark between them to the end of the stretch, and an opener
    never closed to the end."""
    stops = [match.start() for match in marks.finditer(text, start, end)]
    opened: list[int] = []
    total = worst = 0
    worst_at = start

    def add(opening: int, cost: int) -> None:
        nonlocal total, worst, worst_at
        total += cost
        if cost > worst:
            worst, worst_at = cost, opening

    for match in pairs.finditer(text, start, end):
        if match.group() == opener:
            opened.append(match.start())
        elif opened:
            opening = opened.pop()
            if counts(opening):
                add(opening, _stop(stops, opening, match.start(), end) - opening)
    for opening in opened:
        if counts(opening):
            add(opening, end - opening)
    return total, worst_at


def _bracket_scans(text: str, start: int, end: int) -> tuple[int, int]:
    """(characters scanned, costliest opener) for the ``[`` of one stretch."""
    return _paired_scans(text, start, end, _BRACKET, "[", _HIDER, lambda _: True)


def _link_scans(text: str, start: int, end: int) -> tuple[int, int]:
    """(characters scanned, costliest opener) for the ``(`` right after a ``]`` of one stretch."""
    return _paired_scans(text, start, end, _PAREN, "(", _HIDER_OR_QUOTE,
                         lambda opening: opening > start and text[opening - 1] == "]")


def _backtick_scans(text: str, start: int, end: int) -> tuple[int, int]:
    """(characters scanned, costliest run) for the backtick runs of one stretch: each is scanned
    to the next run of its length."""
    runs = [(match.start(), match.end() - match.start()) for match in _BACKTICKS.finditer(text, start, end)]
    following: dict[int, int] = {}
    total = worst = 0
    worst_at = start
    for at, length in reversed(runs):
        cost = following.get(length, end) - at
        total += cost
        if cost > worst:
            worst, worst_at = cost, at
        following[length] = at
    return total, worst_at


def _inline_scans(text: str, start: int, end: int, scan: _Scan) -> int:
    """Scans of one stretch of text (see _inline_units); returns how deep emphasis could nest in it.

    A ``]`` or ``)`` ends a scan only when nothing between could hide it: code spans, escapes and
    inline HTML become placeholders before links are looked for, and a ``)`` after a quote may be
    part of a link title."""
    if text.find("[", start, end) >= 0:
        scan.add(*_bracket_scans(text, start, end), "'[' without a matching ']'")
    if text.find("](", start, end) >= 0:
        scan.add(*_link_scans(text, start, end), "link '(' without a matching ')'")
    if text.find("`", start, end) >= 0:
        scan.add(*_backtick_scans(text, start, end), "backtick runs without a run of the same length")
    if text.count("*", start, end) + text.count("_", start, end) <= 2 * MAX_EMPHASIS_NESTING:
        return 0  # nesting takes a marker on each side
    return _emphasis_nesting(text, start, end)


def _after_break(text: str, start: int, at: int) -> bool:
    """Whether only a line's indentation or quote marks stand between ``at`` and a line break the
    line before ends with (the converter strips them, so the marker follows the break)."""
    at -= 1
    while at > start and text[at] in " \t>":
        at -= 1
    return at > start and text[at] == "\n" and text[at - 1] in " \t"


def _emphasis_nesting(text: str, start: int, end: int) -> int:
    """Most emphasis elements one point of a stretch of text can be inside.

    Each element takes at least one ``*`` or ``_`` from a run before the point that can open (text
    follows it) and one from a run after it that can close (text precedes it), so the smaller count
    bounds the nesting whichever way the converter pairs them (it may close a ``**`` with ``*_``).
    Two cases are counted as the converter surely reads them, so that ordinary text stays far
    below the limit: a ``_`` inside a word is no marker, and a run that only opens, followed by a
    run of the same marks and length that only closes, with nothing between but text and pairs
    like it (no code span, escape, tag or link bracket), pairs with it (``**bold**``)."""
    blockers = [match.start() for match in _PAIR_BLOCKER.finditer(text, start, end)]
    runs: list[tuple[int, int, bool, bool]] = []
    role: dict[int, int] = {}  # run index → +1 opens, -1 closes a pair read as the converter reads it
    unpaired: list[int] = []
    for match in _EMPHASIS.finditer(text, start, end):
        left, right = match.span()
        if text[left] == "_" and left > start and right < end and text[left - 1].isalnum() and text[right].isalnum():
            continue
        opens = right < end and (not text[right].isspace() or bool(_BREAK_AFTER.match(text, right, end)))
        closes = left > start and (not text[left - 1].isspace() or _after_break(text, start, left))
        # Pairing needs certainty: a marker next to text, not one that may follow a line break.
        if not opens and left > start and not text[left - 1].isspace() and unpaired:
            before_left, before_right, _, before_closes = runs[unpaired[-1]]
            if (not before_closes and not text[before_right].isspace() and text[before_left] == text[left]
                    and before_right - before_left == right - left
                    and not _any_between(blockers, before_right, left)):
                role[unpaired.pop()] = 1
                role[len(runs)] = -1
                runs.append((left, right, opens, closes))
                continue
        unpaired.append(len(runs))
        runs.append((left, right, opens, closes))
    closers = sum(right - left for index, (left, right, _, closes) in enumerate(runs) if closes and index not in role)
    openers = paired = deepest = 0
    for index, (left, right, opens, closes) in enumerate(runs):
        deepest = max(deepest, paired + min(openers, closers))
        if index in role:
            paired += role[index] * (right - left)
        else:
            closers -= (right - left) * closes
            openers += (right - left) * opens
    return deepest


def _too_slow(scan: _Scan, limit: int) -> Hazard:
    return Hazard(scan.line(), f"{scan.worst_what}: converting would scan about {scan.total:,} characters "
                               f"ahead, over the limit of {limit:,} for a file this size")


def conversion_hazard(text: str) -> Hazard | None:
    """The first reason Python-Markdown cannot convert ``text`` safely, or None."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    hazard = _block_nesting(text.split("\n"))
    if hazard is not None:
        return hazard
    starts = _line_starts(text)
    allowance = SCAN_PER_CHARACTER * len(text)

    document = _Scan(starts)
    _fence_scans(text, document)
    _tag_scans(text, document)
    if document.total > MAX_DOCUMENT_SCAN + allowance:
        return _too_slow(document, MAX_DOCUMENT_SCAN + allowance)
    hazard = _html_nesting(text, starts)  # after the tag scans: they bound its search for '>'
    if hazard is not None:
        return hazard

    inline = _Scan(starts)
    for start, end in _inline_units(text, starts):
        deepest = _inline_scans(text, start, end, inline)
        if deepest > MAX_EMPHASIS_NESTING:
            return Hazard(bisect_right(starts, start),
                          f"up to {deepest} emphasis markers ('*', '_') could nest in this paragraph; "
                          f"this check allows {MAX_EMPHASIS_NESTING}")
    if inline.total > MAX_INLINE_SCAN + allowance:
        return _too_slow(inline, MAX_INLINE_SCAN + allowance)
    return None
