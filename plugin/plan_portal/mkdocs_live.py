"""``mkdocs serve --dirty``: rebuild only the pages an edit changed, and still serve what a clean build would.

MkDocs' dirty build converts and writes only the pages whose ``File.is_modified()`` is true: a page
whose source is newer than its page in the site. A generated page held in memory always counts as
modified, so every portal page would be rebuilt on every change. Here each generated page is
written to a file of a folder kept for the session, and that file is rewritten only when the page
(its Markdown, its held HTML blocks and pictures, its title and edit link) differs from the last
build's: an unchanged page keeps its old modification time and MkDocs leaves it alone.

A dirty build alone would also serve a site that a clean build does not make; this module mends it:

* The navigation is rendered into every page. When the site's layout changes (the nav's entries
  and their titles, the set of files, mkdocs.yml), the site folder is emptied first, so that every
  page and file is written again, as in a clean build. Deleted and renamed files so leave nothing behind.
* A page MkDocs skips is not read, so it has no title or metadata, which the navigation of the
  pages that are rebuilt shows: each skipped page gets back its title and metadata of the last build.
* Search plugins index only the pages they see: MkDocs' own writes an index of the rebuilt pages
  alone, Material's merges the last index as if one page had been rebuilt. After they write it,
  the index is written again with each page's entries: this build's for a rebuilt page, the last
  build's for a skipped one, in the order of a clean build.

Python's cyclic garbage collector leaves alone, while a rebuild runs, what was alive when it
began (``gc.freeze``): the session keeps every feature it read, and each full collection walked all
of them (three a rebuild, a fifth of its time at 1,000 features). What the rebuild makes is
collected as usual by young collections, but no full collection runs while it does (each walked
all the rebuild had made so far). What the last build left behind is collected once this one is
over and no other has started for ``COLLECT_AFTER`` seconds, in which the browser fetches the page.

What it cannot know: a title that comes from the heading of a page outside the portal, changed by
an edit, shows in the navigation of that page and the pages rebuilt with it, and elsewhere after
the next change of layout (MkDocs' own dirty build has the same limit).

Also for any ``mkdocs serve``: MkDocs makes a new Jinja environment for every build, which compiled
the theme's templates again each time (``CompiledTemplates`` keeps them compiled for the session).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory

log = logging.getLogger(__name__)

SEARCH_INDEX = ("search", "search_index.json")
#: Seconds after a rebuild before its garbage is collected: the browser reloads the page meanwhile.
COLLECT_AFTER = 0.5
#: The collector's third threshold while a build runs: young collections before a full one is
#: considered. Each full collection walked everything the build had made so far (six a rebuild at
#: 1,000 features, 0.6 s); its reference cycles are collected once the build is over.
NO_FULL_COLLECTIONS = 1_000_000


def _walk(items: Iterable[StructureItem], depth: int = 0) -> Iterable[tuple[int, StructureItem]]:
    for item in items:
        yield depth, item
        if isinstance(item, Section):
            yield from _walk(item.children, depth + 1)


class LiveSite:
    """What one ``mkdocs serve --dirty`` session remembers between builds."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="plan-portal-live-"))
        #: src_uri → what the page was made of as last written to its file in ``_folder`` (the objects
        #: the render's kept pages and the held pages hold anyway).
        self._sources: dict[str, tuple[str | bytes, ...]] = {}
        #: src_uri → (title, meta) of each documentation page at the end of the last build.
        self._titles: dict[str, tuple[str | None, dict[str, Any]]] = {}
        #: What the last build's layout was (None: none yet, or it failed), see ``layout_key``.
        self._layout: bytes | None = None
        self._search = _SearchEntries()
        self._building = False
        self._collection: threading.Timer | None = None
        #: The collector's thresholds before a build (None: none is running), see ``start``.
        self._thresholds: tuple[int, int, int] | None = None

    def source(self, src_uri: str, content: str, *extra: str | bytes) -> str:
        """The file that holds ``content`` for MkDocs to read: rewritten, and so newer than the
        page in the site, only when the content or ``extra`` (what else makes the page) changed.
        A page the render kept is the same objects as at the last build, which compare at once."""
        target = self._folder.joinpath(*src_uri.split("/"))
        made_of = (content, *extra)
        if self._sources.get(src_uri) != made_of or not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8", "surrogateescape"))
            self._sources[src_uri] = made_of
        return str(target)

    def start(self, config: MkDocsConfig) -> None:
        """A build begins (``on_files``): the search plugin's entries are counted afresh, what is
        alive now is left out of garbage collections until the build is over, and so are full
        collections (young objects are collected as usual)."""
        self._search.start(config)
        self._building = True
        gc.freeze()
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            gc.set_threshold(self._thresholds[0], self._thresholds[1], NO_FULL_COLLECTIONS)

    def placed(self, nav: Navigation, files: Files, config: MkDocsConfig, titles: dict[str, str]) -> None:
        """The navigation is final (``on_nav``), no page is read yet: empty the site when its layout
        changed, and give the pages MkDocs will skip their last titles. ``titles`` are the portal's
        pages' own, known before they are read."""
        layout = layout_key(nav, files, config, titles)
        if layout != self._layout:
            if self._layout is not None:
                log.debug("plan-portal: the site's layout changed; every page is rebuilt")
            clean_directory(config.site_dir)
            self._layout = layout
        for file in files.documentation_pages():
            page = file.page
            kept = self._titles.get(file.src_uri)
            if page is not None and kept is not None and not file.is_modified():
                page.title, page.meta = kept[0], dict(kept[1])

    def read(self, files: Files) -> None:
        """Every page is read or skipped (``on_env``): keep each read page's title and metadata."""
        current = set()
        for file in files.documentation_pages():
            current.add(file.src_uri)
            page = file.page
            if page is not None and page.markdown is not None:
                self._titles[file.src_uri] = (page.title, dict(page.meta))
        for gone in set(self._titles) - current:
            del self._titles[gone]

    def indexed(self, page: Page) -> None:
        """The search plugins have indexed ``page`` (``on_page_context``, after theirs)."""
        self._search.indexed(page.url)

    def finished(self, files: Files, config: MkDocsConfig) -> None:
        """The search plugins have written their index (``on_post_build``, after theirs)."""
        urls = [file.page.url for file in files.documentation_pages() if file.page is not None]
        self._search.complete(urls, config)
        self._collect_later()

    def failed(self) -> None:
        """A build failed: the next one starts from an empty site."""
        self._layout = None
        self._collect_later()

    def close(self) -> None:
        if self._collection is not None:
            self._collection.cancel()
        self._restore_thresholds()
        gc.unfreeze()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _collect_later(self) -> None:
        """The build is over: in ``COLLECT_AFTER`` seconds, unless another build has begun, what
        was left out of collections comes back in and is collected (a collection that walks every
        object the session holds: not while the browser waits for the page)."""
        self._building = False
        self._restore_thresholds()
        if self._collection is not None:
            self._collection.cancel()
        self._collection = threading.Timer(COLLECT_AFTER, self._collect)
        self._collection.daemon = True
        self._collection.start()

    def _restore_thresholds(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def _collect(self) -> None:
        if not self._building:
            gc.unfreeze()
            gc.collect()


def layout_key(nav: Navigation, files: Files, config: MkDocsConfig, titles: dict[str, str]) -> bytes:
    """What every page shows of the site as a whole: the navigation (entries, their order, nesting,
    titles and URLs), the site's files (a link resolves only to a file that exists), mkdocs.yml and
    the theme's templates that the site overrides (its ``custom_dir``: the theme's own do not change)."""
    key = hashlib.blake2b(digest_size=20)
    for depth, item in _walk(nav.items):
        if isinstance(item, Page):
            title = item.title or titles.get(item.file.src_uri, "")
            parts = ["page", item.file.src_uri, title or ""]
        elif isinstance(item, Section):
            parts = ["section", item.title or ""]
        else:
            parts = [type(item).__name__, str(getattr(item, "url", "")), item.title or ""]
        key.update(json.dumps([depth, *parts]).encode("utf-8", "surrogateescape"))
    key.update(json.dumps(sorted(file.src_uri for file in files)).encode("utf-8", "surrogateescape"))
    if config.config_file_path and os.path.isfile(config.config_file_path):
        key.update(Path(config.config_file_path).read_bytes())
    if config.theme.custom_dir and os.path.isdir(config.theme.custom_dir):
        overrides = sorted((str(path), stat.st_size, stat.st_mtime_ns)
                           for path in Path(config.theme.custom_dir).rglob("*")
                           if path.is_file() and (stat := path.stat()))
        key.update(json.dumps(overrides).encode("utf-8", "surrogateescape"))
    return key.digest()


class CompiledTemplates(BytecodeCache):
    """The theme's templates as Jinja compiled them, kept for a ``mkdocs serve`` session: MkDocs makes a
    new Jinja environment for every build, whose templates were parsed and compiled again each time
    (about 0.2 s a rebuild with Material). Jinja hands back a template's code only while the
    template's source has the checksum it was compiled from, so an edited override is compiled again;
    the key also holds what of the environment its code depends on (syntax, extensions, filters, tests,
    autoescaping), in case a build's environment differs from the last."""

    def __init__(self) -> None:
        #: key → (checksum of the template's source, its code).
        self._code: dict[str, tuple[str, CodeType]] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = f"{self.get_cache_key(name, filename)}:{_compiled_with(environment, name)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self._code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._code[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._code.clear()


def _compiled_with(environment: Environment, name: str) -> str:
    """What of ``environment`` Jinja compiles into template ``name``'s code, as a digest."""
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    settings = (
        type(environment).__qualname__, environment.code_generator_class.__qualname__,
        environment.block_start_string, environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
        environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
        environment.optimized, environment.is_async, autoescape, environment.finalize is None,
        getattr(environment.finalize, "jinja_pass_arg", None), sorted(environment.extensions),
        sorted((key, str(getattr(f, "jinja_pass_arg", ""))) for key, f in environment.filters.items()),
        sorted((key, str(getattr(t, "jinja_pass_arg", ""))) for key, t in environment.tests.items()))
    return hashlib.blake2b(repr(settings).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _entry_lists(config: MkDocsConfig) -> list[list[Any]]:
    """The lists the search plugins put a build's entries in: MkDocs' ``search`` and Material's
    ``material/search`` both keep a ``search_index`` whose entries each page's context appends to."""
    found = []
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        entries = getattr(index, "entries", getattr(index, "_entries", None))
        if isinstance(entries, list):
            found.append(entries)
    return found


class _SearchEntries:
    """Each page's entries of the search index, by page URL, as the last complete index had them:
    as the JSON text they have in the index, joined by commas (the index is written again from these,
    not loaded and dumped whole: 13 MB at 1,000 features)."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self._lists: list[list[Any]] = []
        self._counted = 0
        #: URL → how many entries the search plugin made of the page in this build.
        self._fresh: dict[str, int] = {}

    def start(self, config: MkDocsConfig) -> None:
        """Find the one search plugin's list of entries, made anew for this build before ``on_files``."""
        lists = _entry_lists(config)
        self._lists, self._counted, self._fresh = (lists if len(lists) == 1 else []), 0, {}

    def indexed(self, url: str) -> None:
        if not self._lists:
            return
        size = len(self._lists[0])
        self._fresh[url] = size - self._counted
        self._counted = size

    def complete(self, urls: list[str], config: MkDocsConfig) -> None:
        """Write the index again with every page's entries in ``urls`` order, if it has others. Both
        plugins write ``{"config":…,"docs":[…]}`` with this build's entries last, each as json writes
        it (Material's in the order of its keys, MkDocs' sorted)."""
        path = Path(config.site_dir, *SEARCH_INDEX)
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8")
        head = _docs_start(text) if self._lists else None
        fresh = _fresh_texts(text, self._lists[0]) if head is not None else None
        if head is not None and fresh is None:  # entries not as the plugin indexed them: read from the index
            docs = json.loads(text)["docs"]
            total = sum(self._fresh.values())
            fresh = [json.dumps(entry, separators=(",", ":")) for entry in (docs[len(docs) - total:] if total else [])]
        if head is None or fresh is None:  # a pre-built index, or no plugin we know: left as its plugin wrote it
            self.pages = {}
            return
        start = 0
        for url, count in self._fresh.items():
            self.pages[url] = ",".join(fresh[start:start + count])
            start += count
        self.pages = {url: self.pages[url] for url in urls if url in self.pages}
        complete = text[:head] + ",".join(entries for url in urls if (entries := self.pages.get(url))) + "]}"
        if complete != text:
            path.write_text(complete, encoding="utf-8")


_CONFIG_START, _DOCS_START = '{"config":', ',"docs":['


def _docs_start(text: str) -> int | None:
    """Where the list of entries begins in a search index ``{"config":…,"docs":[…]}``, None in another."""
    if not text.startswith(_CONFIG_START) or not text.endswith("]}"):
        return None
    try:
        _, end = json.JSONDecoder().raw_decode(text, len(_CONFIG_START))
    except ValueError:
        return None
    return end + len(_DOCS_START) if text.startswith(_DOCS_START, end) else None


def _fresh_texts(text: str, entries: list[Any]) -> list[str] | None:
    """This build's ``entries`` as the index ``text`` has them, at its end: each written as the search
    plugin writes it, with keys in their order or sorted, whichever the text has (None if neither)."""
    if not entries:
        return []
    for sort_keys in (False, True):
        texts = [json.dumps(entry, separators=(",", ":"), sort_keys=sort_keys, default=str) for entry in entries]
        tail = ",".join(texts) + "]}"
        if text.endswith(tail) and text[-len(tail) - 1] in ",[":
            return texts
    return None
