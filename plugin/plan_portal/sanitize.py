"""An allowlist sanitizer for HTML that authors write in plan prose (``<details>``, ``<br>``, tables).

Scripts, styles, event handlers and ``javascript:`` URLs do not survive it.
"""

from __future__ import annotations

import html

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {"details", "summary", "span", "div", "pre", "code", "table", "thead", "tbody",
                                  "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "sup", "sub", "kbd",
                                  "mark", "del", "ins", "hr", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"}
_COMMON = {"id", "class", "title", "lang", "dir"}
_ATTRIBUTES = {tag: set(_COMMON) for tag in _TAGS} | {
    "a": _COMMON | {"href", "rel"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "td": _COMMON | {"colspan", "rowspan", "align"},
    "th": _COMMON | {"colspan", "rowspan", "align", "scope"},
    "details": _COMMON | {"open"},
    "ol": _COMMON | {"start", "type"},
}


def _local_sources_only(tag: str, attribute: str, value: str) -> str | None:
    """Images may only come from the site itself: no request leaves it."""
    if attribute == "src" and (":" in value.split("/", 1)[0] or value.startswith("//")):
        return None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None, attribute_filter=_local_sources_only,
                     url_schemes={"http", "https", "mailto"}, strip_comments=True)


def safe_title(title: str) -> str:
    """A page title (HTML text, entities and all) that cannot become markup in any theme.

    Themes print titles as HTML, and Material's ``<title>`` passes them through Jinja's
    ``striptags``, which decodes ``&lt;`` back into ``<``: a plan titled ``&lt;/title&gt;&lt;script&gt;``
    would end the element and run. Angle brackets become the look-alikes ‹ and ›.
    """
    text = html.unescape(title).replace("<", "\u2039").replace(">", "\u203a")
    return html.escape(text, quote=False)
