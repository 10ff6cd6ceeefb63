"""Where every portal page lives, and links between pages, computed the way MkDocs computes them.

The render stage writes HTML links itself (MkDocs does not rewrite links inside HTML blocks),
so it needs the same source-path → URL rule as MkDocs and relative links from page to page.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from plan_portal.model.text import anchor


@lru_cache(maxsize=1 << 16)
def page_url(src_uri: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a Markdown page: ``a/b.md`` → ``a/b/`` (or ``a/b.html``)."""
    parent, filename = posixpath.split(src_uri)
    name = filename.rsplit(".", 1)[0]
    if name in ("index", "README"):
        url = posixpath.join(parent, "index.html")
        return quote((parent + "/") if directory_urls and parent else ("./" if directory_urls else url))
    if directory_urls:
        return quote(posixpath.join(parent, name) + "/")
    return quote(posixpath.join(parent, name + ".html"))


def file_url(src_uri: str) -> str:
    """The URL of a file published as it is (a contract, a schema): every path segment
    percent-encoded, so that ``#``, ``?``, ``%``, ``&`` or a newline in a name stay part of the path."""
    return quote(src_uri)


@lru_cache(maxsize=1 << 16)  # pages link to the same few targets many times
def relative_url(target: str, base: str) -> str:
    """``target`` relative to the page at ``base`` (both site-relative URLs, as page_url gives).

    Computed on the path segments: ``posixpath.relpath`` makes both paths absolute against the
    working directory first, which costs more than the rest of a link.
    """
    target_path, _, fragment = target.partition("#")
    suffix = f"#{fragment}" if fragment else ""
    if not target_path or (fragment and target_path == base):
        return suffix
    base_dirs = _segments(base)[:-1]
    *target_dirs, name = _segments(target_path)
    common = 0
    while common < min(len(base_dirs), len(target_dirs)) and base_dirs[common] == target_dirs[common]:
        common += 1
    parts = [".."] * (len(base_dirs) - common) + target_dirs[common:]
    if name:
        parts.append(name)
    relative = "/".join(parts) if parts else "."
    if not name and relative != ".":
        relative += "/"
    elif not name:
        relative = "./"
    return relative + suffix


@lru_cache(maxsize=1 << 12)  # a page's own URL is the base of every link on it
def _segments(url: str) -> tuple[str, ...]:
    """``a/./b/c.html`` → ``(a, b, c.html)``; a URL ending in ``/`` ends with an empty name."""
    *folders, name = url.split("/")
    return (*(part for part in folders if part not in ("", ".")), name)


@dataclass(frozen=True, slots=True)
class Layout:
    """Source paths of the portal's pages under the URL prefix."""

    prefix: str
    directory_urls: bool

    def src(self, name: str) -> str:
        return posixpath.join(self.prefix, name)

    def feature_src(self, feature_id: str, file_name: str = "plan.md") -> str:
        return posixpath.join(self.prefix, feature_id, file_name)

    def impact_src(self, decision_id: str) -> str:
        """The impact page of a decision: ``impact/<feature>/<anchor of its id>.md``."""
        feature_id, _, local_id = decision_id.partition("/")
        return posixpath.join(self.prefix, "impact", feature_id, f"{anchor(local_id)}.md")

    def data_src(self, name: str) -> str:
        """A download of the portal's data: ``data/gates.csv``."""
        return posixpath.join(self.prefix, "data", name)

    def url(self, src_uri: str) -> str:
        return page_url(src_uri, self.directory_urls)

    def feature_url(self, feature_id: str, local_id: str = "") -> str:
        return _feature_url(self, feature_id, local_id)


@lru_cache(maxsize=1 << 16)  # every page links to its records, its neighbours' and their features many times
def _feature_url(layout: Layout, feature_id: str, local_id: str) -> str:
    url = layout.url(layout.feature_src(feature_id))
    return f"{url}#{anchor(local_id)}" if local_id else url
