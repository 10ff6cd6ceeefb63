"""The Jinja environment: autoescaped, with templates the user can override one by one."""

from __future__ import annotations

import html
import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from plan_portal.model.text import is_generated_id

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


def markdown_text(text: str) -> Markup:
    """Plain text made safe for a Markdown line (a heading): no markup, no links, no HTML."""
    escaped = html.escape(str(text), quote=False)
    return Markup(_MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped).replace("\n", " "))


def environment(custom_templates: Path | None = None) -> Environment:
    """Templates from ``custom_templates`` first (same file names), then the package's own."""
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
    env.tests["generated_id"] = is_generated_id
    env.tests["wordless"] = lambda text: not any(character.isalpha() for character in str(text))
    env.filters["truncate_feature"] = lambda record_id: str(record_id).split("/", 1)[0]
    return env
