"""Finished HTML of the portal's pages, held compressed until the site generator writes each page.

MkDocs converts every page before it writes the first, and keeps each converted page in memory
to the end. A portfolio of thousands of features would so hold thousands of feature pages, most
of them tables. Here a page's HTML blocks and graph pictures are kept compressed (a tenth of their
size) from rendering until the page is written; while MkDocs converts pages and search plugins
index them, a page holds only its text (see html_blocks.searchable_text). Also here: what else the
MkDocs process needs of a build (its memory handed back, a template's error located).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from plan_portal.collector import collections_paused
from plan_portal.compare.revision import BaselineCache
from plan_portal.diagnostics import Diagnostic
from plan_portal.model.cache import ReadCache
from plan_portal.portal import build
from plan_portal.render import Layout, PortalPage
from plan_portal.render.html_blocks import restore_graphs, restore_html_blocks, searchable_text
from plan_portal.render.page import unpack_blocks
from plan_portal.render.reuse import Reuse
from plan_portal.settings import Settings


@dataclass(slots=True)
class _Held:
    packed: bytes  # (blocks, graphs), marshalled and compressed
    converted: str = ""  # the page converted by the site generator, with the blocks' placeholders
    searchable: str = ""  # the same, with each block's text in place of its placeholder


class HeldPages:
    """The pages of one build, or with ``reuse`` (``mkdocs serve``) of every build of a session:
    a page the render took from the last one keeps what was held of it."""

    def __init__(self, reuse: bool = False) -> None:
        self._held: dict[str, _Held] = {}
        self.reuse = Reuse() if reuse else None
        #: Where the downloads wait, as files, until MkDocs copies them into the site. With ``reuse``
        #: the folder stays for the session, and a download is rewritten only when it changed: an
        #: unchanged one keeps its modification time, and ``mkdocs serve --dirty`` does not copy it.
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        #: src_uri → digest of each download as written to the folder.
        self._data: dict[str, bytes] = {}

    def hold(self, pages: Iterable[PortalPage]) -> list[PortalPage]:
        """Take each page's blocks and graphs into the store, and write each download to a file of
        a temporary folder; the pages come back without them."""
        light = []
        kept: dict[str, tuple[bytes, list[PortalPage]]] = {}
        for held in self._held.values():
            held.converted = held.searchable = ""
        for page in pages:
            if page.kind == "data" and page.content is not None:
                if self._folder is None:
                    self._folder = tempfile.TemporaryDirectory(prefix="plan-portal-data-")
                target = Path(self._folder.name, *page.src_uri.split("/"))
                data = page.content.encode("utf-8")
                digest = hashlib.blake2b(data, digest_size=20).digest()
                if self._data.get(page.src_uri) != digest or not target.is_file():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    self._data[page.src_uri] = digest
                page = replace(page, content=None, source=target)
            elif page.blocks or page.graphs or page.packed_blocks:
                packed = page.packed_blocks or page.packed().packed_blocks
                self._held[page.src_uri] = _Held(packed)
                page = replace(page, blocks={}, graphs={}, packed_blocks=b"")
            elif not self._reused(page):
                self._held.pop(page.src_uri, None)
            light.append(page)
            if page.job:
                kept.setdefault(page.job, (page.fingerprint, []))[1].append(page)
        if self.reuse is not None:
            self.reuse.kept = kept
            published = {page.src_uri for page in light}
            self._held = {src: held for src, held in self._held.items() if src in published}
        return light

    def _reused(self, page: PortalPage) -> bool:
        """Whether the render took the page from the last one (its blocks are held already)."""
        return self.reuse is not None and self.reuse.pages(page.job, page.fingerprint) is not None

    def _unpack(self, held: _Held) -> tuple[dict[str, str], dict[str, str]]:
        return unpack_blocks(held.packed)

    def searchable(self, src_uri: str, converted: str) -> str:
        """The converted page to index: each block's text where its placeholder is."""
        held = self._held.get(src_uri)
        if held is None:
            return converted
        blocks, _ = self._unpack(held)
        held.converted = converted
        held.searchable = restore_html_blocks(converted, {token: searchable_text(b) for token, b in blocks.items()})
        return held.searchable

    def whole(self, src_uri: str) -> str | None:
        """The finished page: blocks and graph pictures in place (None for a page not held)."""
        held = self._held.get(src_uri)
        if held is None or not held.converted:
            return None
        blocks, graphs = self._unpack(held)
        return restore_graphs(restore_html_blocks(held.converted, blocks), graphs)

    def packed(self, src_uri: str) -> bytes:
        """The page's blocks and pictures as held (empty for a page not held): part of what it shows."""
        held = self._held.get(src_uri)
        return held.packed if held is not None else b""

    def close(self, final: bool = False) -> None:
        """Remove the downloads' temporary folder (MkDocs has copied them); with ``reuse`` only at the
        session's end (``final``)."""
        if self._folder is not None and (final or self.reuse is None):
            self._data = {}
            self._folder.cleanup()
            self._folder = None

    def written(self, src_uri: str) -> str | None:
        """What the page holds again once written: its searchable text (None for a page not held).
        The converted page is no longer needed, and goes."""
        held = self._held.get(src_uri)
        if held is None or not held.converted:
            return None
        held.converted = ""
        return held.searchable


@dataclass(slots=True)
class HeldPortal:
    """What the build's process needs of the portal: its pages held, what to report; the records
    and graph stay behind (in the child process of a one-off build)."""

    diagnostics: tuple[Diagnostic, ...]
    warnings: list[str]
    pages: list[PortalPage]
    held: HeldPages
    features: int
    reads: int


def held_portal(settings: Settings, layout: Layout, cache: ReadCache, baselines: BaselineCache,
                held: HeldPages | None = None) -> HeldPortal:
    """The portal's pages held in ``held`` (a new store when None)."""
    held = held if held is not None else HeldPages()
    portal = build(settings, layout, cache=cache, baselines=baselines, keep=held.hold, reuse=held.reuse, packed=True)
    return HeldPortal(portal.checked.diagnostics, portal.warnings, portal.pages, held,
                       len(portal.checked.portfolio.features), portal.reads)


def one_off_portal(settings: Settings, layout: Layout) -> HeldPortal:
    """The portal's pages for a one-off build, which keeps nothing it read: collections paused while
    the pipeline runs (see collector), then its memory handed back before MkDocs converts pages."""
    with collections_paused():
        portal = held_portal(settings, layout, ReadCache(), BaselineCache())
    release_memory()
    return portal


def template_line(trace: str) -> str:
    """The template and line an error arose in, which jinja2 puts in the traceback's frames."""
    frames = re.findall(r'File "([^"]+\.html)", line (\d+)', trace)
    return f" ({frames[-1][0]}, line {frames[-1][1]})" if frames else ""


def release_memory() -> None:
    """Hand back to the system what the pipeline allocated (records, graph), before MkDocs converts
    every page: collect its reference cycles now, then have glibc return the freed memory, which
    it otherwise keeps for this process (Python's own allocator returns only whole empty arenas)."""
    gc.collect()
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):  # not glibc
            ctypes.CDLL(None).malloc_trim(0)
