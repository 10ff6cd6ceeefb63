"""Keep generated HTML out of the Markdown converter.

The portal's pages are Markdown headings (for the table of contents and search sections) around
large HTML blocks. Python-Markdown would run every HTML block through its HTML parser, which is
most of the cost of a big dashboard, and gains nothing: the blocks are finished HTML. So each
top-level ``<div class="pp-portal …">`` block (its class may name others after ``pp-portal``) is
swapped for a placeholder paragraph, and the site generator adapter puts the HTML back after
conversion.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

_OPEN = re.compile(r"<div\b")
_CLOSE = re.compile(r"</div>")
#: A portal block opens a line: ``<div class="pp-portal"``, with more classes or without.
_START = re.compile(r'<div class="pp-portal[" ]')


def extract_html_blocks(markdown: str, page_key: str) -> tuple[str, dict[str, str]]:
    """(Markdown with placeholders, placeholder → HTML). Placeholders are letters and digits only,
    so Markdown leaves them alone; plan text inside the blocks is escaped, so a ``<div`` counted
    here is always the portal's own."""
    stem = "PPBLOCK" + hashlib.sha1(page_key.encode("utf-8")).hexdigest()[:10]
    lines = markdown.split("\n")
    out: list[str] = []
    blocks: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        if not _START.match(line):
            out.append(line)
            index += 1
            continue
        depth = 0
        captured: list[str] = []
        while index < len(lines):
            current = lines[index]
            captured.append(current)
            if "div" in current:  # most lines of a block are table rows, which neither open nor close one
                depth += len(_OPEN.findall(current)) - len(_CLOSE.findall(current))
            index += 1
            if depth <= 0:
                break
        token = f"{stem}X{len(blocks)}"
        blocks[token] = "\n".join(captured)
        out.extend(["", token, ""])
    return "\n".join(out), blocks


def restore_html_blocks(html: str, blocks: dict[str, str]) -> str:
    """Put the blocks back into the converted page (each placeholder became a paragraph)."""
    if not blocks:
        return html
    return re.sub(r"<p>(PPBLOCK[0-9a-f]{10}X\d+)</p>", lambda m: blocks.get(m.group(1), m.group(0)), html)


def inline_html_blocks(markdown: str, blocks: Mapping[str, str]) -> str:
    """The page as one Markdown document again, for site generators without the adapter."""
    for token, block in blocks.items():
        markdown = markdown.replace(f"\n{token}\n", f"\n{block}\n", 1)
    return markdown


_GRAPH_MARK = re.compile(r"<!--(PPGRAPH\d+)-->")


def restore_graphs(html: str, graphs: Mapping[str, str]) -> str:
    """Put the graph pictures where a page marks them (see pages.Pictures)."""
    if not graphs:
        return html
    return _GRAPH_MARK.sub(lambda m: graphs.get(m.group(1), m.group(0)), html)


# Tags a search index keeps (Material keeps these; the built-in search keeps none), and the rest.
_UNINDEXED_TAG = re.compile(r"<(?!/?(?:p|li|ul|ol|code|pre)\b)[^>]*>")
_SPACES = re.compile(r"[ \t\n]{2,}")
_EXCLUDED = re.compile(r'<div class="pp-portal(?: [^"]*)?"[^>]* data-search-exclude\b')
#: A row or paragraph inside a block marked ``data-search-exclude`` (a decision's impact, which
#: lists records whose own pages hold them; a picture's legend), with its content: neither holds
#: an element of its own kind.
_EXCLUDED_PART = re.compile(r"<(tr|p)\b[^>]* data-search-exclude\b[^>]*>.*?</\1>", re.S)


def searchable_text(block: str) -> str:
    """A block as a search index reads it: its text (escaped, as in the block) in paragraphs and
    lists, without the tables, badges and links around it, and without graph pictures.

    Search plugins parse every page with an HTML parser; the portal's tables are most of its
    tags. Any ``>`` in plan text is escaped in a block, so a tag always ends at the first ``>``.
    A block that opens with ``data-search-exclude`` (a dashboard's list, which repeats what the
    feature pages say) has no text to index: a search finds a record on its feature's page. So
    has a row or paragraph inside a block that is marked so (a decision's impact rows, which list
    other records, and a picture's legend), as Material's search leaves out any element marked so.
    """
    if _EXCLUDED.match(block):
        return ""
    return _SPACES.sub(" ", _UNINDEXED_TAG.sub(" ", _EXCLUDED_PART.sub(" ", block)))
