"""The MkDocs adapter: run the pipeline, publish its pages in memory, place them in the nav."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from plan_portal import mkdocs_nav
from plan_portal.compare.revision import BaselineCache
from plan_portal.config import PlanPortalConfig
from plan_portal.diagnostics import CODES, Severity, printable
from plan_portal.mkdocs_held import HeldPages, held_portal, one_off_portal, template_line
from plan_portal.mkdocs_live import CompiledTemplates, LiveSite
from plan_portal.model.cache import ReadCache
from plan_portal.read.history import build_stamp
from plan_portal.render import Layout, PortalPage
from plan_portal.render.whitespace import squeeze_whitespace
from plan_portal.sanitize import safe_title, sanitize_html
from plan_portal.settings import RenderOptions, Settings

if TYPE_CHECKING:  # a one-off build need not import the server and its file watcher (3 MiB)
    from mkdocs.livereload import LiveReloadServer

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "render" / "assets"
ASSET_URI = "assets/plan-portal/"
_LOG_LEVELS = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.info}


@lru_cache(maxsize=1 << 16)  # a page's source is the same at every rebuild of mkdocs serve
def _edit_uri(source: Path, docs_dir: str) -> str:
    return Path(os.path.relpath(source, docs_dir)).as_posix()


class PlanPortalPlugin(BasePlugin[PlanPortalConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.cache = ReadCache()
        self.keep_reads = True
        self.baselines = BaselineCache()
        self.held = HeldPages()
        #: ``mkdocs serve --dirty``: what rebuilds only the pages an edit changed (see mkdocs_live).
        self.live: LiveSite | None = None
        #: ``mkdocs serve``: the theme's templates compiled once for the session (see mkdocs_live).
        self.templates: CompiledTemplates | None = None
        self.files = Files([])

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declared so that ``mkdocs serve`` keeps this instance, and its cache, between rebuilds;
        a one-off build keeps nothing it read once its pages are rendered."""
        self.keep_reads = command == "serve"
        if self.live is not None:
            self.live.close()
        self.live = LiveSite() if command == "serve" and dirty else None
        self.templates = CompiledTemplates() if command == "serve" else None
        self.held.close(final=True)
        self.held = HeldPages(reuse=self.keep_reads)  # a page nothing changed is not rendered again

    def on_shutdown(self) -> None:
        """The serve session is over: its folder of pages goes, and nothing of it is kept."""
        if self.live is not None:
            self.live.close()
        self.held.close(final=True)
        self.live, self.held, self.templates = None, HeldPages(), None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        unknown = sorted(set(self.config.severity) - set(CODES))
        if unknown:
            raise PluginError(f"plan-portal: unknown check codes in 'severity': {', '.join(unknown)}")
        if self.config.page_size < 1:
            raise PluginError("plan-portal: 'page_size' must be at least 1")
        self.base = Path(config.config_file_path or ".").resolve().parent
        self.roots = [self.base / root for root in self.config.roots]
        self.prefix = self.config.prefix.strip("/")
        config.extra_css.append(f"{ASSET_URI}plan-portal.css")
        config.extra_javascript.append(f"{ASSET_URI}plan-portal.js")
        return config

    def settings(self) -> Settings:
        built, commit = build_stamp(self.base)
        options = RenderOptions(self.config.title, self.config.graph_depth, self.config.graph_nodes,
                                self.config.full_graph_nodes, self.config.page_size, built, commit)
        overrides = {code: None if level == "off" else Severity(level) for code, level in self.config.severity.items()}
        return Settings(
            roots=tuple(self.roots), base=self.base, overrides=overrides, max_bytes=self.config.max_file_bytes,
            options=options,
            templates=Path(self.config.custom_templates) if self.config.custom_templates else None,
            compare_to=str(self.config.compare_to) if self.config.compare_to else None,
            allowed_roots=tuple(self.base / folder for folder in self.config.allowed_roots),
            constitution=self.base / self.config.constitution if self.config.constitution else None)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        layout = Layout(self.prefix, config.use_directory_urls)
        self.held.close()  # the previous build's downloads (mkdocs serve), copied into the site
        if self.live is not None:
            self.live.start(config)
        try:
            if self.keep_reads:  # mkdocs serve: the cache and the rendered pages live here, between rebuilds
                portal = held_portal(self.settings(), layout, self.cache, self.baselines, self.held)
            else:
                portal = one_off_portal(self.settings(), layout)
        except Exception as error:  # the pipeline's (a custom template's, say), raised here or by a worker process
            trace = "".join(traceback.format_exception(error))  # with the worker's traceback, if any
            log.debug(trace)
            raise PluginError(f"plan-portal: {type(error).__name__}: {error}{template_line(trace)}") from error
        log.debug(f"read {portal.reads} of {portal.features} features")
        for warning in portal.warnings:
            log.warning(warning)
        for d in portal.diagnostics:
            _LOG_LEVELS[d.severity](f"{printable(d.path)}:{d.line}: {d.code}: {printable(d.message)}")
        self.held, self.pages = portal.held, portal.pages
        self.artifact_uris = {page.src_uri for page in self.pages if page.kind == "artifact"}
        self.portal_uris = {page.src_uri for page in self.pages}
        for page in self.pages:
            files.append(self._file(page, config))
        for asset in sorted(ASSETS.iterdir()):
            files.append(File.generated(config, ASSET_URI + asset.name, abs_src_path=str(asset)))
        return files

    def _file(self, page: PortalPage, config: MkDocsConfig) -> File:
        # Only the overview enters MkDocs' own nav; on_nav builds the portal's section around it.
        overview = page.kind == "dashboard" and page.src_uri.endswith("/index.md")
        inclusion = InclusionLevel.INCLUDED if overview else InclusionLevel.NOT_IN_NAV
        # Edit links point at the plan, not at generated text.
        edit_uri = None
        if page.source is not None and page.kind != "data":
            edit_uri = _edit_uri(page.source, config.docs_dir)
        if page.content is not None and self.live is not None:
            source = self.live.source(page.src_uri, page.content, self.held.packed(page.src_uri), page.title,
                                      page.kind, edit_uri or "")
            file = File.generated(config, page.src_uri, abs_src_path=source, inclusion=inclusion)
        elif page.content is not None:
            file = File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)
        else:
            file = File.generated(config, page.src_uri, abs_src_path=str(page.source), inclusion=inclusion)
        file.edit_uri = edit_uri
        return file

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        nav = mkdocs_nav.place_portal(nav, files, self.pages, self.config.nav_title, self.config.nav_features)
        if self.live is not None:
            self.live.placed(nav, files, config, {page.src_uri: page.title for page in self.pages})
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        self.files = files
        if self.templates is not None:
            env.bytecode_cache = self.templates
        if self.live is not None:
            self.live.read(files)
        return env

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if page.file.src_uri in self.portal_uris and page.title:
            page.title = safe_title(page.title)
        if self.config.sanitize_artifacts and page.file.src_uri in self.artifact_uris:
            return sanitize_html(html)
        return self.held.searchable(page.file.src_uri, html)

    @event_priority(-100)  # after search plugins indexed the page's text
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """The finished page, for the theme to write (see render.held)."""
        whole = self.held.whole(page.file.src_uri)
        if whole is not None:
            page.content = whole
        if self.live is not None:
            self.live.indexed(page)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        written = self.held.written(page.file.src_uri)
        if written is not None:
            page.content = written
        if page.file.src_uri in self.portal_uris:  # most of a portal page's chrome is indentation
            return squeeze_whitespace(output)
        return output

    @event_priority(-100)  # after search plugins wrote their index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.held.close()
        if self.live is not None:
            self.live.finished(self.files, config)

    def on_build_error(self, *, error: Exception) -> None:
        if self.live is not None:
            self.live.failed()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        for root in self.roots:
            if root.is_dir():
                server.watch(str(root))
        return server

