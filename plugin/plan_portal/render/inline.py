"""Plan text into safe HTML: cells are Markdown, rendered without raw HTML and with checked links.

markdown-it-py renders with ``html`` off, so tags a plan writes come out as text, and its link
validation drops ``javascript:``/``vbscript:``/``data:`` URLs. Links to a feature's own
artifacts (``spec.md``, ``research.md#x``, ``../002-x/plan.md``) are pointed at their portal pages.
"""

from __future__ import annotations

import html
import posixpath
import re
import string
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

# Images are off: a plan must not make readers' browsers fetch anything from elsewhere.
#: As in the read stage: markdown-it drops what lies deeper than its nesting limit, so quotes
#: nested deeper than ``_QUOTE_DEPTH`` are brought up to it and their text is shown.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "maxNesting": 100}).enable(["strikethrough", "table"]) \
    .disable("image")
_QUOTE_DEPTH = 40
_DEEP_QUOTE = re.compile(rf"^(?:[ \t]*>){{{_QUOTE_DEPTH},}}", re.M)
_NEEDS_MARKDOWN = re.compile(r"[`*_\[\]<>&\\!~]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)

#: Maps a link target written in a feature's file to a portal URL, or None to keep it.
LinkMapper = Callable[[str], "str | None"]


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], index: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[index]
    mapper: LinkMapper | None = env.get("link_mapper")
    href = str(token.attrs.get("href", ""))
    if mapper is not None and href and not _SCHEME.match(href) and not href.startswith("#"):
        mapped = mapper(href)
        if mapped is not None:
            token.attrSet("href", mapped)
    return self.renderToken(tokens, index, options, env)


_MARKDOWN.add_render_rule("link_open", _link_open)


#: A line that starts a list item or a quote keeps its line break in a cell.
_OWN_LINE = re.compile(r"^\s*(?:[-*+>]|\d{1,9}[.)]|\|)(?:\s|$)")


def _unwrap(text: str) -> str:
    """Hard-wrapped prose joined into one line, as a Markdown paragraph would read it; list items,
    quotes, table rows and blank lines keep their line breaks."""
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and lines[-1].strip() and line.strip() and not _OWN_LINE.match(line):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def render_inline(text: str, link_mapper: LinkMapper | None = None) -> Markup:
    """One cell or line of plan Markdown as safe inline HTML; several lines keep the breaks that
    start list items and paragraphs (a hard-wrapped paragraph reads as one)."""
    if not text:
        return Markup("")
    if "\n" in text:
        text = _unwrap(text)
    if not _NEEDS_MARKDOWN.search(text):
        return Markup(html.escape(text, quote=False).replace("\n", "<br>"))
    env: dict[str, Any] = {"link_mapper": link_mapper}
    rendered = _MARKDOWN.renderInline(text.replace("\n", "  \n"), env)
    return Markup(rendered.strip())


def render_block(text: str, link_mapper: LinkMapper | None = None) -> Markup:
    """Several paragraphs of plan Markdown (a summary, a decision's context) as safe HTML."""
    if not text:
        return Markup("")
    text = _DEEP_QUOTE.sub(">" * _QUOTE_DEPTH, text)
    return Markup(_MARKDOWN.render(text, {"link_mapper": link_mapper}))


#: Every ASCII punctuation character as a character reference.
_LITERAL = {ord(c): f"&#{ord(c)};" for c in string.punctuation}


def literal(text: str) -> str:
    """Text a Markdown converter shows exactly as written: with every ASCII punctuation character a
    character reference, no ``[``, ``*``, backtick, ``<``, fence or heading mark is left to act on."""
    return text.translate(_LITERAL)


def preformatted(text: str) -> str:
    """A whole file as an HTML ``<pre>`` block that a Markdown converter passes through without
    converting (or scanning) any of it."""
    return f'<pre class="pp-plain-text">{literal(text)}</pre>\n'


def artifact_mapper(feature_dir: str, urls: dict[str, str], base_url: str,
                    relative: Callable[[str, str], str]) -> LinkMapper:
    """Links written inside a feature's files, resolved against the files the portal publishes.

    ``urls`` maps a published file's repository path (``specs/001-x/spec.md``) to its page URL.
    """

    def mapper(href: str) -> str | None:
        path, _, fragment = href.partition("#")
        resolved = posixpath.normpath(posixpath.join(feature_dir, path)) if path else ""
        # markdown-it percent-encodes link targets (``a b.yaml`` → ``a%20b.yaml``); file names are not.
        target = urls.get(unquote(resolved)) or urls.get(resolved)
        if target is None:
            return None
        return relative(target, base_url) + (f"#{fragment}" if fragment else "")

    return mapper
