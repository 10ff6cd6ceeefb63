"""Write the portal as plain Markdown files, for site generators that run no MkDocs plugin.

Zensical and MkDocs 2 run no third-party plugins, and Backstage TechDocs strips scripts and styles,
so this adapter writes what the plugin publishes in memory as files: the dashboards and feature
pages as Markdown with their HTML blocks inline (Markdown engines pass block-level HTML through),
the features' own files copied, and each graph as an ``.svg`` file shown with ``<img>``. An image
is not clickable, so each graph is followed by the links its boxes carried.

Engines differ in what they do with links inside HTML blocks, so the links are written in one of
three styles (``LINK_STYLES``). MkDocs 1.6 (and so TechDocs and ProperDocs) and the MkDocs 2
pre-releases leave them as they are: they must be the pages' URLs, ``gates/`` with directory URLs
(their default) or ``gates.html`` without. Zensical rewrites every relative link in a page as a
link to a source file, as it does Markdown links: there they must name the ``.md`` files, which
also makes them independent of the URL style.
"""

from __future__ import annotations

import html
import importlib
import itertools
import json
import os
import posixpath
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import yaml

from plan_portal.diagnostics import printable
from plan_portal.portal import Portal, build
from plan_portal.render import Layout, PortalPage
from plan_portal.render.html_blocks import inline_html_blocks, restore_graphs
from plan_portal.render.urls import page_url, relative_url
from plan_portal.settings import Settings

#: The file that marks a folder as written by ``generate``, and lists what it wrote.
MARKER = ".plan-portal-generated.json"
STYLESHEET = "plan-portal.css"
_STYLESHEET_SOURCE = Path(__file__).parent / "render" / "assets" / STYLESHEET
_SVG_NS = "{http://www.w3.org/2000/svg}"
_GRAPH_ID = re.compile(r'\bdata-pp-graph="([^"]*)"')
_HREF = re.compile(r'\bhref="([^"]*)"')
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

#: Configuration files of the site generators generate writes for; the docs folder each names
#: (``docs_dir``, ``docs`` when unset) is never written over without ``force``.
SITE_CONFIGS = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml", "zensical.toml")

#: Link style → the engines it is for.
LINK_STYLES: dict[str, str] = {
    "directory": "MkDocs, Backstage TechDocs, MkDocs 2 (pages at gates/)",
    "html": "MkDocs with use_directory_urls: false (pages at gates.html)",
    "markdown": "Zensical, which rewrites links to .md files in HTML too",
}


@dataclass(frozen=True, slots=True)
class SourceLayout(Layout):
    """Links between the Markdown files themselves, for engines that rewrite them into URLs."""

    def url(self, src_uri: str) -> str:
        return quote(src_uri)


class GenerateError(Exception):
    """The portal could not be written; the message says why."""


class OutputFolderError(GenerateError):
    """The output folder is not one to write into; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class Written:
    out: Path
    pages: int
    files: int
    graphs: int
    portal: Portal


def write_portal(settings: Settings, out: Path, *, force: bool = False, links: str = "directory") -> Written:
    """Write the portal the settings describe under ``out`` (the folder the portal's URLs start from)."""
    if links not in LINK_STYLES:
        raise ValueError(f"unknown link style {links!r}; use one of {', '.join(LINK_STYLES)}")
    previous = _check_target(out, settings.roots, force, settings.base)
    layout = SourceLayout("", False) if links == "markdown" else Layout("", links == "directory")
    written: list[str] = []
    counts = {"graphs": 0, "documents": 0, "others": 0}

    def write(pages: Iterable[PortalPage]) -> list[PortalPage]:
        _remove(out, previous)
        out.mkdir(parents=True, exist_ok=True)
        for page in pages:
            counts["graphs"] += _write_page(out, page, layout, written)
            counts["documents" if page.kind != "data" and (page.content is not None or page.kind == "artifact")
                   else "others"] += 1
        return []

    try:
        portal = build(settings, layout, keep=write)
        shutil.copyfile(_STYLESHEET_SOURCE, out / STYLESHEET)
        written.append(STYLESHEET)
        note = (f"Written by plan-portal generate; the next run replaces the files listed here. "
                f"Add {STYLESHEET} (its path inside the docs folder) to extra_css to style the portal.")
        (out / MARKER).write_text(json.dumps({"note": note, "files": sorted(written)}, indent=1) + "\n",
                                  encoding="utf-8")
    except OSError as error:
        raise GenerateError(f"could not write {error.filename or out}: {error.strerror or error}") from error
    return Written(out, counts["documents"], counts["others"], counts["graphs"], portal)


def _check_target(out: Path, roots: Sequence[Path], force: bool, base: Path) -> list[str]:
    """Refuse a folder that is not ours; return the files a previous run wrote there.

    Ours is a new or empty folder, or one holding only what the previous run listed in its marker.
    ``force`` (``--overwrite-foreign-files``) also accepts a folder holding other files, and the
    docs folder of a site configuration: files the portal writes then replace theirs.
    """
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{out} is a file; --out needs a folder")
    resolved = out.resolve()
    for root in roots:
        spec_root = root.resolve()
        if resolved == spec_root or spec_root in resolved.parents:
            raise OutputFolderError(f"{out} is inside the spec root {root}: the portal would overwrite plans or be "
                                    f"read as plans; choose a folder outside it")
    configs = {} if force else docs_folders([resolved, *resolved.parents, base.resolve(), *base.resolve().parents])
    if resolved in configs:
        raise OutputFolderError(f"{out} is the docs folder of {configs[resolved]}: the portal would replace its "
                                f"pages, index.md first; write it into a folder inside, such as --out "
                                f"{posixpath.join(out.as_posix(), 'plans')}, or pass --overwrite-foreign-files to "
                                f"write into the docs folder itself")
    if not out.is_dir() or not _some_files(out, set()):
        return []
    marker = out / MARKER
    if not marker.is_file():
        if force:
            return []
        raise OutputFolderError(f"{out} is not empty and was not written by plan-portal generate (it has no {MARKER}; "
                                f"it holds {_some_files(out, set())}): choose a new or empty folder, or pass "
                                f"--overwrite-foreign-files to write into it, replacing files of the same names")
    try:
        files = json.loads(marker.read_text(encoding="utf-8"))["files"]
        if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
            raise TypeError("'files' must be a list of file names")
    except (OSError, ValueError, KeyError, TypeError) as error:
        if force:
            return []
        raise OutputFolderError(f"{marker} cannot be read ({error}), so which files of {out} a previous run wrote "
                                f"is unknown: delete the folder if it holds nothing else, or pass "
                                f"--overwrite-foreign-files to write into it, replacing files of the same names"
                                ) from error
    foreign = "" if force else _some_files(out, {*files, MARKER})
    if foreign:
        raise OutputFolderError(f"{out} holds files that plan-portal generate did not write: {foreign}; move them "
                                f"out of the folder, or pass --overwrite-foreign-files to write anyway, replacing "
                                f"files of the same names")
    return [str(name) for name in files]


def _files_under(folder: Path) -> Iterator[str]:
    """Every file, and every link, below ``folder`` (not following links), as relative paths."""
    for directory, folders, names in os.walk(folder):
        here = Path(directory)
        for name in [*names, *(name for name in folders if (here / name).is_symlink())]:
            yield (here / name).relative_to(folder).as_posix()


def _some_files(folder: Path, known: set[str], shown: int = 3) -> str:
    """A few files below ``folder`` that are not ``known``, for a message; "" when there are none.
    Only as many are looked for as are shown, so that a folder as large as a disk costs no time."""
    found = list(itertools.islice((name for name in _files_under(folder) if name not in known), shown + 1))
    listed = ", ".join(printable(name) for name in found[:shown])
    return listed + (" and more" if len(found) > shown else "")


class _AnyTagLoader(yaml.SafeLoader):
    """A YAML loader for site configurations: ``!ENV`` as MkDocs reads it, and values with other
    tags (``!!python/name:``, ``!relative``) as None instead of an error."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


def _environment_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable that is set, else the default."""
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    if isinstance(node, yaml.SequenceNode):
        items = [str(loader.construct_scalar(item)) for item in node.value if isinstance(item, yaml.ScalarNode)]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
        return next((os.environ[name] for name in names if name in os.environ), default)
    return None


_AnyTagLoader.add_constructor("!ENV", _environment_tag)
_AnyTagLoader.add_multi_constructor("", _unknown_tag)


def docs_folders(places: Iterable[Path]) -> dict[Path, str]:
    """The docs folders named by the site configurations found in ``places``: folder → configuration."""
    found: dict[Path, str] = {}
    for place in dict.fromkeys(places):
        for name in SITE_CONFIGS:
            config = place / name
            if config.is_file():
                found.setdefault((place / _docs_dir(config)).resolve(), str(config))
    return found


def _docs_dir(config: Path) -> str:
    """``docs_dir`` of a site configuration, from the files it ``INHERIT``s too; ``docs`` when unset
    or unreadable (a configuration that does not parse builds no site, but its docs folder stays)."""
    seen: set[Path] = set()
    while config not in seen:
        seen.add(config)
        settings = _settings(config)
        docs_dir = settings.get("docs_dir")
        if isinstance(docs_dir, str) and docs_dir.strip():
            return docs_dir
        inherit = settings.get("INHERIT")
        if not isinstance(inherit, str):
            break
        config = (config.parent / inherit).resolve()
    return "docs"


def _settings(config: Path) -> dict[str, Any]:
    try:
        if config.suffix == ".toml":  # zensical.toml: the settings are in its [project] table
            project = importlib.import_module("tomllib").loads(config.read_text(encoding="utf-8")).get("project")
            return project if isinstance(project, dict) else {}
        loaded = yaml.load(config.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    except (OSError, ValueError, ImportError, yaml.YAMLError):  # tomllib is new in Python 3.11
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _inside(out: Path, relative: str) -> Path:
    target = (out / relative).resolve()
    if out.resolve() not in target.parents:
        raise GenerateError(f"refusing to touch {relative}: it lies outside {out}")
    return target


def _remove(out: Path, previous: list[str]) -> None:
    """Delete what the previous run wrote, so that removed features and graphs do not linger."""
    folders: set[Path] = set()
    for relative in previous:
        target = _inside(out, relative)
        if target.is_file() or target.is_symlink():
            target.unlink()
        folders.update(p for p in target.parents if out.resolve() in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _write_page(out: Path, page: PortalPage, layout: Layout, written: list[str]) -> int:
    """Write one page (or copy its file); return how many graphs it has."""
    target = _inside(out, page.src_uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    written.append(page.src_uri)
    if page.content is None:
        assert page.source is not None  # a page without content always names its file
        shutil.copyfile(page.source, target)
        return 0
    if page.kind == "data":  # a download, written as it is (CSV keeps its CRLF line ends)
        target.write_bytes(page.content.encode("utf-8"))
        return 0
    whole = inline_html_blocks(page.content, page.blocks)
    markdown, graphs = _graphs_to_files(whole, page.graphs, page.src_uri, layout)
    for name, svg in graphs.items():
        relative = posixpath.join(posixpath.dirname(page.src_uri), name)
        _inside(out, relative).write_text(svg, encoding="utf-8")
        written.append(relative)
    target.write_text(markdown, encoding="utf-8")
    return len(graphs)


def _graphs_to_files(markdown: str, drawings: Mapping[str, str], src_uri: str,
                     layout: Layout) -> tuple[str, dict[str, str]]:
    """Put an image of an ``.svg`` file beside the page, and the graph's links, where each graph is marked."""
    here = layout.url(src_uri)
    folder, page_name = posixpath.split(src_uri)
    stem = page_name.rsplit(".", 1)[0]
    files: dict[str, str] = {}

    def place(svg: str) -> str:
        found = _GRAPH_ID.search(svg)
        view = _UNSAFE_NAME.sub("-", (found.group(1) if found else "").removeprefix("pp-")).strip("-.") or "graph"
        name = f"{stem}-{view}.svg"
        counter = 1
        while name in files:
            counter += 1
            name = f"{stem}-{view}-{counter}.svg"
        file_url = posixpath.join(folder, name)
        files[name] = _standalone_svg(svg, here, file_url)
        return _graph_html(svg, relative_url(file_url, here))

    placed = {token: place(svg) for token, svg in drawings.items()}
    return restore_graphs(markdown, placed), files


def _standalone_svg(svg: str, page: str, file_url: str) -> str:
    """The graph as a file: links made relative to the file, so that opened on its own its boxes
    work. Engines do not rewrite links inside an SVG file: links to Markdown files become the
    directory URLs that Zensical gives them by default."""

    def rebase(match: re.Match[str]) -> str:
        target = _resolve(html.unescape(match.group(1)), page)
        path, hash_mark, fragment = target.partition("#")
        if path.endswith(".md"):
            target = page_url(unquote(path), directory_urls=True) + hash_mark + fragment
        return f'href="{html.escape(relative_url(target, file_url))}"'

    svg = _HREF.sub(rebase, svg).replace("<svg ", '<svg font-family="system-ui, sans-serif" ', 1)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{svg}\n'


def _resolve(href: str, page: str) -> str:
    """A link written on the page at ``page`` (a site-relative URL) as a site-relative URL."""
    path, hash_mark, fragment = href.partition("#")
    base_dir = page if page.endswith("/") else posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base_dir, path)) if path else page
    if path.endswith("/") and not target.endswith("/"):
        target += "/"
    return target + hash_mark + fragment


def _graph_html(svg: str, file_href: str) -> str:
    """An ``<img>`` of the graph file (a link to the file, where the boxes are clickable) and the
    links the boxes carry, since an image is not clickable."""
    root = ElementTree.fromstring(svg)
    title = root.get("aria-label") or "Graph"
    links = []
    for box in root.iter(f"{_SVG_NS}a"):
        tooltip = box.findtext(f"{_SVG_NS}title") or box.get("data-pp-node") or ""
        links.append(f'<li><a href="{html.escape(box.get("href") or "")}">{html.escape(tooltip)}</a></li>')
    image = (f'<a href="{html.escape(file_href)}"><img class="pp-graph" src="{html.escape(file_href)}" '
             f'alt="{html.escape(title)}" width="{html.escape(root.get("width") or "")}" '
             f'height="{html.escape(root.get("height") or "")}"></a>')
    return (f'{image}<details class="pp-graph-links"><summary>The {len(links)} records in this graph</summary>'
            f'<ul>{"".join(links)}</ul></details>')
