"""Markdown to a light block structure: sections with their tables, list items, paragraphs and code.

Tokens from markdown-it-py are walked once and dropped; only these small records are kept, each
with its line in the file (1-based).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from plan_portal.diagnostics import Diagnostic, diagnostic

#: Levels of nesting markdown-it parses (a quote takes one, a list item two); it drops what lies
#: deeper, so the walk keeps that text as flat paragraphs. The preset's 20 dropped a summary
#: quoted 20 deep; 100 costs markdown-it about 300 stack frames.
MAX_NESTING = 100
_MARKDOWN = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
_CHECKBOX = re.compile(r"\[([ xX])\]\s+")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_QUOTE_PREFIX = re.compile(r"^(?:\s*>)+")
_CONTAINER_PREFIX = re.compile(r"(?:[ \t>]|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))*")


@dataclass(slots=True)
class Row:
    """A table row: cells as Markdown source and as plain text."""

    cells: list[str]
    plain: list[str]
    line: int


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[Row]
    line: int


@dataclass(slots=True)
class Item:
    """A list item's first paragraph; ``checked`` is None when the item is not a checkbox."""

    text: str
    plain: str
    line: int
    depth: int
    checked: bool | None


@dataclass(slots=True)
class Paragraph:
    #: (line, Markdown source) for each source line of the paragraph.
    lines: list[tuple[int, str]]

    @property
    def line(self) -> int:
        return self.lines[0][0]


@dataclass(slots=True)
class Code:
    info: str
    text: str
    line: int
    #: The line of the code's first line: after the fence of a fenced block.
    text_line: int = 0


Block = Table | Item | Paragraph | Code


def block_lines(block: Block | None) -> list[tuple[int, str]]:
    """(line, Markdown source) of a paragraph or list item, one per source line.

    A list item's lazily continued lines keep their own line numbers.
    """
    if isinstance(block, Paragraph):
        return block.lines
    if isinstance(block, Item):
        return [(block.line + i, text) for i, text in enumerate(block.text.split("\n"))]
    return []


@dataclass(slots=True)
class Section:
    """A heading and the blocks up to the next heading; the preamble is level 0."""

    level: int
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Marker:
    """A piece of inline text found by a scanner (clarification marker, placeholder)."""

    text: str
    line: int


@dataclass(slots=True)
class Document:
    path: str
    sections: list[Section]
    #: Plain text of every inline run outside code, with its line: what text scanners look at.
    texts: list[Marker]
    diagnostics: list[Diagnostic]
    #: The target of every Markdown link (inline, reference-style or autolink), with its line.
    links: list[Marker] = field(default_factory=list)

    def subtree(self, index: int) -> list[Section]:
        """The section at index and all sections nested below it."""
        head = self.sections[index]
        result = [head]
        for section in self.sections[index + 1 :]:
            if section.level <= head.level:
                break
            result.append(section)
        return result

    def blocks(self, index: int) -> Iterator[tuple[Section, Block]]:
        for section in self.subtree(index):
            for block in section.blocks:
                yield section, block


def split_row(line: str) -> list[str]:
    """Cells of a raw GFM table row, to see how many cells the author wrote."""
    stripped = _QUOTE_PREFIX.sub("", line).strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    return [cell.strip() for cell in _UNESCAPED_PIPE.split(stripped)]


def _plain(children: Sequence[Token] | None, start_line: int, texts: list[Marker] | None,
           links: list[Marker] | None = None) -> str:
    """Plain text of inline children; text runs (not code) and link targets are also recorded."""
    if not children:
        return ""
    parts: list[str] = []
    line = start_line
    for child in children:
        kind = child.type
        if kind == "text":
            parts.append(child.content)
            if texts is not None and child.content:
                texts.append(Marker(child.content, line))
        elif kind in ("code_inline", "html_inline"):  # tags an author wrote are text too: nothing is lost
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
            line += 1
        elif kind == "link_open":
            href = child.attrs.get("href")
            if links is not None and isinstance(href, str) and href:
                links.append(Marker(href, line))
        elif kind == "image":
            parts.append(_plain(child.children, line, texts))
    return "".join(parts).strip()


class _Walker:
    def __init__(self, path: str, lines: list[str], offset: int) -> None:
        self.path = path
        self.lines = lines
        self.offset = offset
        self.preamble = Section(0, "", 1)
        self.sections: list[Section] = [self.preamble]
        self.texts: list[Marker] = []
        self.links: list[Marker] = []
        self.diagnostics: list[Diagnostic] = []

    def line_of(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + self.offset + 1

    def walk(self, tokens: list[Token]) -> None:
        index = 0
        depth = 0
        count = len(tokens)
        while index < count:
            token = tokens[index]
            kind = token.type
            if token.nesting == 1 and token.level + 1 >= MAX_NESTING and index + 1 < count \
                    and tokens[index + 1].nesting == -1 and kind in ("blockquote_open", "list_item_open"):
                self._flatten(token)
                index += 2
                continue
            if kind == "heading_open":
                inline = tokens[index + 1]
                line = self.line_of(token)
                title = _plain(inline.children, line, self.texts, self.links)
                self.sections.append(Section(int(token.tag[1:]), title, line))
                index += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
            elif kind == "list_item_open":
                index = self._item(tokens, index, depth)
                continue
            elif kind == "paragraph_open":
                inline = tokens[index + 1]
                line = self.line_of(token)
                _plain(inline.children, line, self.texts, self.links)
                source = inline.content.split("\n")
                self.sections[-1].blocks.append(Paragraph([(line + i, text) for i, text in enumerate(source)]))
                index += 3
                continue
            elif kind == "table_open":
                index = self._table(tokens, index)
                continue
            elif kind in ("fence", "code_block"):
                line = self.line_of(token)
                self.sections[-1].blocks.append(
                    Code(token.info.strip(), token.content, line, line + (1 if kind == "fence" else 0)))
            index += 1

    def _flatten(self, token: Token) -> None:
        """The lines of a quote or list item markdown-it left unparsed (nested too deep), without
        their quote and list markers, as paragraphs: nothing written is lost."""
        if not token.map:
            return
        lines: list[tuple[int, str]] = []
        for number in range(token.map[0], token.map[1]):
            raw = self.lines[number]
            prefix = _CONTAINER_PREFIX.match(raw)
            text = raw[prefix.end() if prefix else 0 :].strip()
            if text:
                lines.append((number + self.offset + 1, text))
                self.texts.append(Marker(text, number + self.offset + 1))
            elif lines:
                self.sections[-1].blocks.append(Paragraph(lines))
                lines = []
        if lines:
            self.sections[-1].blocks.append(Paragraph(lines))

    def _item(self, tokens: list[Token], index: int, depth: int) -> int:
        """A list item: record its first paragraph, then let the walk continue inside it."""
        line = self.line_of(tokens[index])
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and following.type == "paragraph_open":
            inline = tokens[index + 2]
            source = inline.content
            checked: bool | None = None
            match = _CHECKBOX.match(source)
            if match:
                checked = match.group(1) != " "
                source = source[match.end() :]
            plain = _plain(inline.children, line, self.texts, self.links)
            if checked is not None:
                plain = _CHECKBOX.sub("", plain, count=1)
            self.sections[-1].blocks.append(Item(source, plain, line, depth, checked))
            return index + 4
        self.sections[-1].blocks.append(Item("", "", line, depth, None))
        return index + 1

    def _table(self, tokens: list[Token], index: int) -> int:
        table = Table([], [], self.line_of(tokens[index]))
        in_head = False
        row: list[str] = []
        plain: list[str] = []
        row_line = table.line
        while True:
            token = tokens[index]
            kind = token.type
            if kind == "table_close":
                break
            if kind == "thead_open":
                in_head = True
            elif kind == "thead_close":
                in_head = False
            elif kind == "tr_open":
                row, plain, row_line = [], [], self.line_of(token)
            elif kind == "inline":
                row.append(token.content.strip())
                plain.append(_plain(token.children, row_line, self.texts, self.links))
            elif kind == "tr_close":
                if in_head:
                    table.header = plain
                else:
                    self._check_row(table, row, plain, row_line)
                    table.rows.append(Row(row, plain, row_line))
            index += 1
        self.sections[-1].blocks.append(table)
        return index + 1

    def _check_row(self, table: Table, row: list[str], plain: list[str], line: int) -> None:
        """markdown-it pads short rows and drops extra cells: recount from the source and keep all."""
        written = split_row(self.lines[line - self.offset - 1])
        expected = len(table.header)
        if len(written) == expected:
            return
        if len(written) > expected:
            extra = written[expected:]
            row.extend(extra)
            plain.extend(cell.replace("\\|", "|") for cell in extra)
        self.diagnostics.append(
            diagnostic(
                "malformed-table", self.path, line,
                f"row has {len(written)} cells, the header has {expected}; all cells kept",
            )
        )


def parse_document(path: str, body: str, offset: int = 0) -> Document:
    """Parse a Markdown body whose first line is line ``offset + 1`` of the file."""
    walker = _Walker(path, body.split("\n"), offset)
    walker.walk(_MARKDOWN.parse(body))
    return Document(path, walker.sections, walker.texts, walker.diagnostics, walker.links)
