"""Places where a feature's Markdown names another feature, collected once per file.

Read from the block records (headings, paragraph and list item lines, table cells, link targets),
one pass per line and one pattern per candidate number: which features exist is known only to the
link stage, which resolves each mention with a dictionary look-up. Three ways of naming a feature:

- its directory name, alone or as a path into its folder: ``010-chat-tagging``,
  ``specs/010-chat-tagging/plan.md``, ``../010-chat-tagging/``;
- its number after a word naming a feature or a spec: ``Feature 010``, ``spec-010``,
  ``specs 012/013``, ``features 007, 011 and 014``, ``see 005``, ``per 006``, ``specs/011``;
- a Markdown link into its folder: ``[x](../010-chat-tagging/spec.md#fr-003)``.

A number inside a file name, a version or another path (``migration_010.sql``, ``v0.10.0``,
``docs/adr/010-x.md``) names no feature, nor does a number without such a word.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from plan_portal.model.records import Mention, Source
from plan_portal.read.blocks import Code, Document, Item, Paragraph, Table, block_lines

_DIGIT = re.compile(r"\d")
#: A number starting a token: not inside a word, a file name or a version (``_010``, ``0.10``).
_NUMBER = re.compile(r"(?<![\w.])\d+(?!\w)")
#: What follows the number of a directory name: ``-slug``, with at least one letter.
_SLUG = re.compile(r"-[\w-]*[A-Za-z][\w-]*")
#: After a directory name: a record inside it (``/ADR-001``) or a plan anchor (``/plan.md#adr-001``).
_INSIDE = re.compile(r"/(?:(?:plan|research)\.md#(?P<anchor>[\w-]+)|(?P<local>[A-Za-z]+-?\d+[A-Za-z]?)(?![\w.-]))")
#: Words that say the number after them is a feature's: ``Feature 010``, ``spec-010``, ``see #010``.
_WORD = re.compile(r"\b(?:features?|specs?|specifications?|see|per|cf\.?)(?:\s*[:(]?\s*#?|-)$", re.I)
#: The longest match of ``_WORD`` that ends in ``-``: ``specifications-``.
_LONGEST_DASHED_WORD = len("specifications-")
#: Words before a number that make it the number of something else: ``ADR 002``, ``migration 008``.
_OTHER_NUMBER = re.compile(
    r"\b(?:adrs?|issues?|prs?|pull requests?|migrations?|tasks?|stor(?:y|ies)|sprints?|phases?|steps?|stages?"
    r"|versions?|releases?|rules?|lines?|ports?|items?|rows?|sections?|chapters?|epics?|tickets?|bugs?"
    r"|errors?|codes?|tests?|cases?|rounds?|iterations?|milestones?|questions?|gaps?|checks?|scenarios?"
    r"|requirements?|criteri(?:a|on)|decisions?|risks?|gates?|principles?|articles?|amendments?|revisions?"
    r"|builds?|runs?|jobs?|pages?|figures?|tables?|appendix|options?|levels?|tiers?|no\.?|nr\.?|number)"
    r"\s*[:#]?\s*$", re.I)
#: Before a number standing alone, these tie it to what precedes: ``FR-014–016``, ``#001``, ``a/002``.
_NOT_ALONE = ("-", "–", "—", "#", "/", "+", "$", "€", "£")
#: What joins numbers of one list after such a word: ``specs 012/013``, ``features 003–007``.
_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|/|&|\+|–|—|-|\band\b|\bor\b|\bto\b|\bthrough\b)\s*#?$", re.I)
#: A link target with a scheme (``https:``, ``mailto:``) leaves the repository.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
#: Text kept before a mention, for the link stage to read type words ("depends on") from.
_BEFORE = 160


def _texts(doc: Document) -> Iterator[tuple[int, str]]:
    """(first line, Markdown source) of every heading, paragraph, list item and table cell.

    A paragraph or an item is one text, its lines joined: "see Feature" may end one line and
    "010" start the next.
    """
    for section in doc.sections:
        if section.level:
            yield section.line, section.title
        for block in section.blocks:
            if isinstance(block, (Paragraph, Item)):
                lines = block_lines(block)
                if lines:
                    yield lines[0][0], "\n".join(text for _, text in lines)
            elif isinstance(block, Table):
                for cell in block.header:
                    yield block.line, cell
                for row in block.rows:
                    for cell in row.cells:
                        yield row.line, cell
            elif isinstance(block, Code):
                yield from _code_comments(block)


#: A comment in a code block: a directory tree's ``# (uses 012 active-pane)``, a ``// see 004``.
_COMMENT = re.compile(r"(?:^|\s)(?:#|//|--)\s")


def _code_comments(code: Code) -> Iterator[tuple[int, str]]:
    """The comments of a code block's lines: code itself holds numbers of every other kind."""
    for offset, text in enumerate(code.text.split("\n")):
        comment = _COMMENT.search(text)
        if comment is not None:
            yield code.text_line + offset, text[comment.end():]


def _mentions_in(text: str, path: str, first_line: int, root: str) -> Iterator[Mention]:
    chain_end = -1  # where the last number named by a word ended: a list may continue from it
    chain_start = 0  # where the word naming that list starts
    line, counted = first_line, 0
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        digits = match.group()
        line += text.count("\n", counted, start)
        counted = start
        source = Source(path, line)
        slug = _SLUG.match(text, end)
        if slug is not None:
            after = slug.end()
            if text[after:after + 1] == "." and text[after + 1:after + 2].isalnum():
                continue  # a file name: 010-notes.md
            identifier = digits + slug.group().rstrip("-")
            inside = _INSIDE.match(text, after)
            if inside is not None and inside.group("local"):
                written = text[start:inside.end()]
                yield Mention("record", identifier, inside.group("local"), written, _before(text, start), source)
            else:
                anchor = inside.group("anchor") if inside is not None else ""
                yield Mention("id", identifier, anchor or "", identifier, _before(text, start), source)
            continue
        if text[end:end + 1] == "." and text[end + 1:end + 2].isdigit():
            continue  # a decimal or a version: 1.10
        word = word_before(text, start)
        if word is not None:  # "Spec" ending one line and "028" starting the next: cited at the number
            chain_start, chain_end = word.start(), end
            yield Mention("number", digits, "", text[chain_start:end], _before(text, chain_start), source)
        elif chain_end >= 0 and _JOIN.fullmatch(text, chain_end, start):
            chain_end = end
            yield Mention("number", digits, "", text[chain_start:end], _before(text, chain_start), source)
        elif text[start - 1:start] == "/":
            if _under_root(text, start, root) and not re.match(r"-\d", text[end:end + 2]):  # specs/011
                chain_start, chain_end = start - len(_path_before(text, start)), end
                yield Mention("number", digits, "", text[chain_start:end], _before(text, chain_start), source)
        elif _padded(digits) and text[start - 1:start] not in _NOT_ALONE \
                and not _OTHER_NUMBER.search(text, max(0, start - 40), start):
            chain_start, chain_end = start, end  # "the 001 layout", "extends 001/002"
            yield Mention("number", digits, "", digits, _before(text, start), source)


def word_before(text: str, start: int) -> re.Match[str] | None:
    """``_WORD`` ending where the number at ``start`` begins, searched only where it can end there.

    A number never follows a letter or a dot (``_NUMBER``), so such a match ends in a space, ``:``,
    ``(``, ``#`` or ``-``, and before ``-`` it is the word alone: ``ADR-001`` is settled by a search
    over 15 characters, ``v2`` or ``=3`` by none, instead of one over the 160 characters before each
    number (45,000 ids in a plan of 300 decisions that cite each other).
    """
    previous = text[start - 1:start]
    if previous == "-":
        return _WORD.search(text, max(0, start - _LONGEST_DASHED_WORD), start)
    if previous.isspace() or previous in (":", "(", "#"):
        return _WORD.search(text, max(0, start - _BEFORE), start)
    return None


def _before(text: str, start: int) -> str:
    """The text before a mention, where its type words would be."""
    return text[max(0, start - _BEFORE):start]


def _padded(digits: str) -> bool:
    """A number written with leading zeros (``007``) is a feature's: counts, ports and years have none."""
    return len(digits) >= 2 and digits[0] == "0"


def _path_before(text: str, start: int) -> str:
    """The path segment before ``start`` (which follows a ``/``), with its ``/``."""
    segment = re.search(r"[\w.-]*/$", text[max(0, start - 100):start])
    return segment.group() if segment else ""


def _under_root(text: str, start: int, root: str) -> bool:
    """Whether the path segment before ``start`` (which follows a ``/``) is the spec root or ``..``."""
    return _path_before(text, start)[:-1] in (root, "..", ".")


def _link_mention(href: str, source: Source, folder: str) -> Mention | None:
    if _SCHEME.match(href) or href.startswith(("/", "#")):
        return None
    path, _, fragment = href.partition("#")
    resolved = posixpath.normpath(posixpath.join(folder, path))
    if resolved.startswith("../"):
        return None
    return Mention("path", resolved, fragment, href, "", source)


def scan_mentions(doc: Document, feature_path: str) -> list[Mention]:
    """Every place in ``doc`` that may name a feature: its own folder included, the link stage
    drops a feature's mentions of itself."""
    root = posixpath.basename(posixpath.dirname(feature_path)) or "specs"
    found: list[Mention] = []
    for line, text in _texts(doc):
        if _DIGIT.search(text):
            found.extend(_mentions_in(text, doc.path, line, root))
    folder = posixpath.dirname(doc.path)
    for link in doc.links:
        mention = _link_mention(link.text, Source(doc.path, link.line), folder)
        if mention is not None:
            found.append(mention)
    return found
