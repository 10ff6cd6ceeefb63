"""Other engines: ProperDocs and Backstage TechDocs run the plugin; ``generate``'s files build without it.

Each engine is installed with its own pins into its own virtual environment, made once under
``.cache/engines/<name>-<hash of pins>`` in the repository (git-ignored) and reused. When pip cannot
install the pins (no network), those tests are skipped, unless PLAN_PORTAL_REQUIRE_ENGINES=1 makes
that a failure (CI sets it). The plain MkDocs builds of ``generate``'s output use this environment.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import shutil
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.cli import main
from plan_portal.model.records import Feature
from plan_portal.model.text import anchor
from plan_portal.pipeline import run
from plan_portal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
CACHE = REPO / ".cache" / "engines"
READY = "ready"
ENGINES: dict[str, tuple[list[str], bool]] = {  # name → (pins, whether the plugin is installed too)
    # ProperDocs, the maintained fork of MkDocs 1.6, with the theme MkDocs had built in.
    "properdocs": (["properdocs==1.6.7", "properdocs-theme-mkdocs==1.6.7"], True),
    # What Backstage's TechDocs builds with: techdocs-core 1.7.0 pins Material 9.7.6 and Markdown < 3.11.
    "techdocs": (["mkdocs-techdocs-core==1.7.0", "mkdocs-material==9.7.6", "Markdown<3.11"], True),
    # Zensical runs no MkDocs plugin; 0.0.73 is its newest release whose dependencies are all on PyPI.
    "zensical": (["zensical==0.0.73"], False),
}


# --------------------------------------------------------------------------------------------- environments


def _unavailable(reason: str) -> None:
    """Skip, or fail when PLAN_PORTAL_REQUIRE_ENGINES=1 (as test_browser.py does for the browser)."""
    if os.environ.get("PLAN_PORTAL_REQUIRE_ENGINES") == "1":
        pytest.fail(f"PLAN_PORTAL_REQUIRE_ENGINES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _environment(name: str) -> Path:
    """The virtual environment of an engine, made on first use; its python is ``bin/python``."""
    pins, with_plugin = ENGINES[name]
    key = "\n".join([*pins, sys.version, (REPO / "pyproject.toml").read_text(encoding="utf-8") if with_plugin else ""])
    venv = CACHE / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    if (venv / READY).is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)  # a half-made one from an interrupted run
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile", "--retries", "2",
               "--timeout", "60", *pins, *(["-e", str(REPO)] if with_plugin else [])]
    done = subprocess.run(install, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or done.stderr.splitlines()
        _unavailable(f"pip could not install {' '.join(pins)}: {' / '.join(errors[-3:])}")
    (venv / READY).write_text("\n".join(pins) + "\n", encoding="utf-8")
    return venv


@pytest.fixture(scope="session")
def engine() -> Callable[[str], Path]:
    """name → its virtual environment (made once per session, then cached on disk)."""
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = _environment(name)
        return made[name]

    return get


def run_engine(venv: Path, module: str, project: Path) -> str:
    """``python -m <module> build --strict`` in the project; the build's log, after asserting it is clean."""
    environment = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([str(venv / "bin" / "python"), "-m", module, "build", "--strict"], cwd=project,
                          capture_output=True, text=True, timeout=600, env=environment)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    problems = [line for line in log.splitlines() if "ERROR" in line or "WARNING" in line or "Traceback" in line]
    assert problems == [], log
    return log


# --------------------------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo_features() -> list[Feature]:
    return run(Settings((SPECS,), REPO)).portfolio.features


def demo_copy(root: Path, config_name: str, change: Callable[[dict[str, object]], None]) -> Path:
    """The demo (its docs, specs and mkdocs.yml, changed by ``change``) copied under root."""
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(SPECS, root / "specs")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    change(config)
    (root / config_name).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (tag, href or src)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs.extend((tag, value) for key, value in attrs if key in ("href", "src") and value)


def local_refs(site: Path, page: Path) -> list[tuple[str, Path]]:
    """(tag, file in the site) of every relative link and image on a built page."""
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    here = page.relative_to(site).parent.as_posix()
    found = []
    for tag, ref in parser.refs:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            continue
        target = site / posixpath.normpath(posixpath.join(here, unquote(parts.path)))
        found.append((tag, target / "index.html" if ref.endswith("/") or target.is_dir() else target))
    return found


def assert_portal(site: Path, features: list[Feature], page: Callable[[str], str]) -> None:
    """The overview links every demo feature, and a feature page has its gate table.

    ``page("002-payments/plan")`` is where a page is built (folder or .html).
    """
    overview = site / "plans" / page("index")
    linked = {target for _, target in local_refs(site, overview)}
    for feature in features:
        assert site / "plans" / page(f"{feature.id}/plan") in linked, feature.id
    payments = next(f for f in features if f.id == "002-payments")
    feature_page = (site / "plans" / page("002-payments/plan")).read_text(encoding="utf-8")
    assert "<th>Gate</th><th>Status</th>" in feature_page
    assert payments.gates
    for gate in payments.gates:
        assert f'<tr id="{anchor(gate.local_id)}"' in feature_page, gate.local_id
    assert '<table class="pp-table"' in (site / "plans" / page("gates")).read_text(encoding="utf-8")


def folder_page(name: str) -> str:
    return "index.html" if name == "index" else f"{name}/index.html"


def html_page(name: str) -> str:
    return f"{name}.html"


def assert_links_resolve(site: Path) -> None:
    """Every relative link and image on the portal's pages names a file of the site, and every graph
    (an SVG file) is an image on a page."""
    images = set()
    for built in (site / "plans").rglob("*.html"):
        for tag, target in local_refs(site, built):
            assert target.is_file(), f"{built.relative_to(site)}: {target.relative_to(site)}"
            if tag == "img":
                images.add(target)
    graphs = set((site / "plans").rglob("*.svg"))
    assert len(graphs) > 10 and images == graphs


# --------------------------------------------------------------------------------------------- the plugin


def test_properdocs_builds_the_demo_with_the_plugin(engine: Callable[[str], Path], tmp_path: Path,
                                                    demo_features: list[Feature]):
    def to_properdocs(config: dict[str, object]) -> None:
        config["theme"] = {"name": "mkdocs"}  # ProperDocs' own package of the MkDocs theme

    project = demo_copy(tmp_path, "properdocs.yml", to_properdocs)
    log = run_engine(engine("properdocs"), "properdocs", project)
    assert "spec-only-feature" in log  # the plugin ran and reported through ProperDocs' log
    site = project / "site"
    assert "ProperDocs" in (site / "plans" / "index.html").read_text(encoding="utf-8")
    assert_portal(site, demo_features, folder_page)


def test_techdocs_builds_the_demo_with_the_plugin(engine: Callable[[str], Path], tmp_path: Path,
                                                  demo_features: list[Feature]):
    def to_techdocs(config: dict[str, object]) -> None:
        del config["theme"]  # techdocs-core sets its own
        plugins = config["plugins"]
        assert isinstance(plugins, list)
        portal = next(p for p in plugins if isinstance(p, dict) and "plan-portal" in p)  # the demo's own options
        config["plugins"] = ["techdocs-core", portal]

    project = demo_copy(tmp_path, "mkdocs.yml", to_techdocs)
    run_engine(engine("techdocs"), "mkdocs", project)
    site = project / "site"
    assert 'content="mkdocs-1.6.1, mkdocs-material-9.7.6"' in (site / "plans" / "index.html").read_text(
        encoding="utf-8")
    assert_portal(site, demo_features, folder_page)


# --------------------------------------------------------------------------------------------- generate


def generated(root: Path, links: str) -> Path:
    """The demo portal written by ``generate`` into root/docs/plans, beside a home page."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\nThe [plans](plans/index.md).\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", str(SPECS), "--out", str(root / "docs" / "plans"),
                                       "--links", links], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("directory_urls", [True, False])
def test_generated_files_build_as_a_plain_mkdocs_site(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                      demo_features: list[Feature], directory_urls: bool):
    project = generated(tmp_path, "directory" if directory_urls else "html")
    (project / "mkdocs.yml").write_text(
        "site_name: generated\ntheme: {name: mkdocs}\nplugins: []\nextra_css: [plans/plan-portal.css]\n"
        f"use_directory_urls: {str(directory_urls).lower()}\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=True))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    site = project / "site"
    page_of = folder_page if directory_urls else html_page
    assert_portal(site, demo_features, page_of)
    assert_links_resolve(site)
    stylesheets = {target for tag, target in local_refs(site, site / "plans" / page_of("gates")) if tag == "link"}
    assert site / "plans" / "plan-portal.css" in stylesheets


def test_generated_files_build_with_techdocs_core_alone(engine: Callable[[str], Path], tmp_path: Path,
                                                        demo_features: list[Feature]):
    """Backstage's stock TechDocs image has techdocs-core and no other plugin."""
    project = generated(tmp_path, "directory")
    (project / "mkdocs.yml").write_text("site_name: generated\nplugins: [techdocs-core]\n"
                                        "extra_css: [plans/plan-portal.css]\n", encoding="utf-8")
    run_engine(engine("techdocs"), "mkdocs", project)
    assert_portal(project / "site", demo_features, folder_page)
    assert_links_resolve(project / "site")


def test_generated_files_build_with_zensical(engine: Callable[[str], Path], tmp_path: Path,
                                             demo_features: list[Feature]):
    project = generated(tmp_path, "markdown")
    (project / "zensical.toml").write_text(
        '[project]\nsite_name = "generated"\nextra_css = ["plans/plan-portal.css"]\n\n'
        "[project.theme]\nfont = false\n", encoding="utf-8")
    log = run_engine(engine("zensical"), "zensical", project)
    assert "No issues found" in log
    site = project / "site"
    assert 'content="zensical-' in (site / "plans" / "index.html").read_text(encoding="utf-8")
    assert_portal(site, demo_features, folder_page)
    assert_links_resolve(site)
