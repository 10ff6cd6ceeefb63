"""An allowlist sanitizer for HTML that authors write in plan prose (``<details>``, ``<br>``, tables).

Scripts, styles, event handlers and ``javascript:`` URLs do not survive it, and nothing it keeps
makes a reader's browser fetch from another host by itself.
"""

from __future__ import annotations

import html

import nh3
from ada_url import URL

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
_LINK_SCHEMES = {"http", "https", "mailto"}

#: Attributes whose URL the browser fetches by itself, without a click.
_FETCHED = {"src", "poster", "background"}
#: Attributes holding several URLs (``srcset``) or CSS with ``url()`` (``style``): never kept, even
#: should the allowlist above grow, since that is where a second parser would disagree with the browser's.
_NEVER = {"srcset", "imagesrcset", "style"}
#: A page of the site, to resolve values against as the browser does: a URL that names no scheme
#: of its own (``//host/x``) takes the page's, so a link to another site becomes ``https://host/x``.
_PAGE = "https://plan-portal.invalid/a/page/"
_SITE_HOST = "plan-portal.invalid"


def browser_url(value: str) -> URL | None:
    """``value`` as a browser reads it on a page of the site, by WHATWG URL parsing (control
    characters and spaces around it and tabs and newlines within it dropped, ``\\`` read as ``/``),
    or None when the browser would not read it as a URL at all."""
    try:
        return URL(value, _PAGE)
    except ValueError:
        return None


def is_local(value: str) -> bool:
    """True when the browser resolves ``value`` to the site's own host: ``img/a.png``, ``../x.png``,
    ``/site/a.png`` or ``#part``, but not ``//host``, ``/\\host``, `` //host`` or ``/<tab>/host``."""
    url = browser_url(value)
    return url is not None and url.protocol == "https:" and url.host == _SITE_HOST


def _local_sources_only(tag: str, attribute: str, value: str) -> str | None:
    """Images may only come from the site itself: no request leaves it. A link to another site
    says so: it is written as the absolute URL the browser would follow (``/\\host/x`` becomes
    ``https://host/x``), and only with a scheme that links may have."""
    if attribute in _NEVER:
        return None
    if attribute in _FETCHED:
        return value if is_local(value) else None
    if attribute == "href" and not is_local(value):
        url = browser_url(value)
        return url.href if url is not None and url.protocol.removesuffix(":") in _LINK_SCHEMES else None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None, attribute_filter=_local_sources_only,
                     url_schemes=_LINK_SCHEMES, strip_comments=True)


def safe_title(title: str) -> str:
    """A page title (HTML text, entities and all) that cannot become markup in any theme.

    Themes print titles as HTML, and Material's ``<title>`` passes them through Jinja's
    ``striptags``, which decodes ``&lt;`` back into ``<``: a plan titled ``&lt;/title&gt;&lt;script&gt;``
    would end the element and run. Angle brackets become the look-alikes ‹ and ›.
    """
    text = html.unescape(title).replace("<", "\u2039").replace(">", "\u203a")
    return html.escape(text, quote=False)
