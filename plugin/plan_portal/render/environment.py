"""The Jinja environment: autoescaped, with templates the user can override one by one."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from plan_portal.model.text import is_generated_id, strip_markup

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


def markdown_text(text: str) -> Markup:
    """Plain text made safe for a Markdown line (a heading): no markup, no links, no HTML."""
    escaped = html.escape(str(text), quote=False)
    return Markup(_MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped).replace("\n", " "))


_BLOCK_START = re.compile(r"^\s*(?:```|~~~|\|)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")


@functools.lru_cache(maxsize=4096)  # a task's text is shortened on every row of requirements it cites
def excerpt(text: str, limit: int = 220) -> str:
    """The opening words of a Markdown field as plain text, for a dashboard cell; the whole field
    is on the record's feature page. Code blocks and tables end the excerpt."""
    kept: list[str] = []
    for line in str(text).split("\n"):
        if _BLOCK_START.match(line):
            break
        item = _LIST_ITEM.match(line)
        if item and kept:
            kept.append("·")
        kept.append(line[item.end():] if item else line)
    plain = " ".join(strip_markup(" ".join(kept)).split())
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


@functools.lru_cache(maxsize=4)
def environment(custom_templates: Path | None = None) -> Environment:
    """Templates from ``custom_templates`` first (same file names), then the package's own.

    One environment per folder, kept by the process: it keeps its templates compiled between the
    rebuilds of ``mkdocs serve`` (compiling them took most of a rebuild that renders few pages) and
    compiles a template again when its file changes (Jinja's ``auto_reload``)."""
    loaders: list[FileSystemLoader | PackageLoader] = []
    if custom_templates is not None:
        loaders.append(FileSystemLoader(str(custom_templates)))
    loaders.append(PackageLoader("plan_portal.render", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
    )
    env.filters["md"] = markdown_text
    env.filters["excerpt"] = excerpt
    env.tests["generated_id"] = is_generated_id
    env.tests["iso_date"] = lambda text: re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(text)) is not None
    env.tests["wordless"] = lambda text: not any(character.isalpha() for character in str(text))
    env.filters["truncate_feature"] = lambda record_id: str(record_id).split("/", 1)[0]
    return env
