"""Build real sites in temporary folders with the plugin and look at the pages and log records."""

from __future__ import annotations

import logging
import re
import textwrap
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from plan_portal.render.dashboards import DASHBOARDS

REPO = Path(__file__).resolve().parents[1]

PLAN = """\
---
feature_id: {fid}
branch: {fid}
created_at: 2026-03-01
constitution_version: {constitution}
---

# Implementation Plan: {title}

**Planning Status**: Draft

## Summary

A plan for {title}.

## Technical Context

| Dimension | Decision |
|-----------|----------|
| Language / Runtime | {language} |

## Constitution Check

### Pre-Phase 0 Gate

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Contract first | PASS | contracts drafted | Lead |
| Single datastore | {status} | two stores | Lead |

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use Postgres | <script>alert('decision')</script> | Accepted | none |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Quokka migration stalls the rollout | High | Low | SRE | Dry runs | Lag over 5 min |
"""


def write_site(root: Path, features: dict[str, dict[str, str]], config: str = "") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    for fid, values in features.items():
        folder = root / "specs" / fid
        folder.mkdir(parents=True)
        fields = {"fid": fid, "title": fid.title(), "status": "PASS", "constitution": "2.0.0",
                  "language": "Python 3.12"} | values
        (folder / "plan.md").write_text(PLAN.format(**fields), encoding="utf-8")
        (folder / "spec.md").write_text(f"# Feature Specification: {fid}\n\nSee [the plan](plan.md).\n",
                                        encoding="utf-8")
        (folder / "tasks.md").write_text("- [x] T001 one\n- [ ] T002 two\n", encoding="utf-8")
    config = config or ("theme:\n  name: material\n  font: false\n  features: [content.action.edit]\n"
                        "plugins:\n  - search\n  - plan-portal\n")
    (root / "mkdocs.yml").write_text("site_name: test\nrepo_url: https://example.org/r\nedit_uri: edit/main/docs/\n"
                                     + config, encoding="utf-8")
    return root


def build_site(root: Path, strict: bool = False) -> Path:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=strict)
    build(config)
    return root / "site"


@pytest.fixture
def two_features(tmp_path: Path) -> Path:
    return write_site(tmp_path, {"001-alpha": {}, "002-beta": {"language": "Go 1.23", "constitution": "1.0.0"}})


def test_material_build_publishes_dashboards_features_and_their_files(two_features: Path):
    site = build_site(two_features)
    for page in ("index", "gates/index", "risks/index", "decisions/index", "research/index",
                 "technology/index", "constitution/index", "001-alpha/plan/index", "001-alpha/spec/index",
                 "001-alpha/tasks/index"):
        assert (site / "plans" / f"{page}.html").is_file(), page
    overview = (site / "plans" / "index.html").read_text(encoding="utf-8")
    assert 'href="001-alpha/plan/"' in overview and 'href="002-beta/plan/"' in overview
    feature = (site / "plans" / "001-alpha" / "plan" / "index.html").read_text(encoding="utf-8")
    assert 'id="ADR-001"' in feature and 'id="R1"' in feature and 'id="gate-pre-contract-first"' in feature
    # The edit link points at the real plan, not at generated text.
    assert 'href="https://example.org/r/edit/main/specs/001-alpha/plan.md"' in feature
    assert (site / "assets" / "plan-portal" / "plan-portal.css").is_file()
    assert "assets/plan-portal/plan-portal.css" in feature
    # Nothing was written into docs/.
    assert sorted(p.name for p in (two_features / "docs").iterdir()) == ["index.md"]


def test_plan_text_is_escaped_in_generated_pages(two_features: Path):
    site = build_site(two_features)
    for page in (site / "plans" / "decisions" / "index.html", site / "plans" / "001-alpha" / "plan" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert('decision')" not in html
        assert "&lt;script&gt;alert(" in html


def test_links_inside_published_files_resolve_to_portal_pages(two_features: Path):
    site = build_site(two_features, strict=True)
    spec = (site / "plans" / "001-alpha" / "spec" / "index.html").read_text(encoding="utf-8")
    assert 'href="../plan/"' in spec


def test_builtin_mkdocs_theme_builds_and_gets_the_assets(tmp_path: Path):
    root = write_site(tmp_path, {"001-alpha": {}},
                      "theme:\n  name: mkdocs\n  highlightjs: false\nplugins:\n  - search\n  - plan-portal\n")
    site = build_site(root, strict=True)
    risks = (site / "plans" / "risks" / "index.html").read_text(encoding="utf-8")
    assert "pp-heatmap" in risks and "Quokka migration stalls the rollout" in risks
    assert "assets/plan-portal/plan-portal.js" in risks


def test_unmitigated_fail_is_an_error_record_and_fails_strict(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    root = write_site(tmp_path, {"001-alpha": {"status": "FAIL"}})
    plan = (root / "specs" / "001-alpha" / "plan.md").read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(plan, 1) if text.startswith("| Single datastore"))
    with caplog.at_level(logging.INFO, logger="mkdocs"), pytest.raises(Abort):
        build_site(root, strict=True)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "gate-fail-unmitigated" in r.getMessage()]
    assert len(errors) == 1
    assert f"specs/001-alpha/plan.md:{line}: gate-fail-unmitigated:" in errors[0].getMessage()


def test_severity_override_lets_strict_build_pass(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    root = write_site(tmp_path, {"001-alpha": {"status": "FAIL"}}, textwrap.dedent("""\
        theme: {name: material, font: false}
        plugins:
          - search
          - plan-portal:
              severity: {gate-fail-unmitigated: info}
        """))
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        site = build_site(root, strict=True)
    assert any(r.levelno == logging.INFO and "gate-fail-unmitigated" in r.getMessage() for r in caplog.records)
    gates = (site / "plans" / "gates" / "index.html").read_text(encoding="utf-8")
    assert "Unmitigated FAIL" in gates and "Single datastore" in gates


def test_unknown_severity_code_is_a_config_error(tmp_path: Path):
    config = "plugins:\n  - plan-portal:\n      severity: {no-such-check: error}\n"
    root = write_site(tmp_path, {"001-alpha": {}}, config)
    with pytest.raises(Abort):
        build_site(root)


def _nav_titles(site: Path) -> str:
    return (site / "index.html").read_text(encoding="utf-8")


def test_explicit_nav_entry_becomes_the_portal_section(tmp_path: Path):
    root = write_site(tmp_path, {"001-alpha": {}, "002-beta": {}}, textwrap.dedent("""\
        theme: {name: mkdocs, highlightjs: false}
        nav:
          - Home: index.md
          - Planning: plans/index.md
        plugins:
          - plan-portal
        """))
    home = _nav_titles(build_site(root, strict=True))
    assert "Planning" in home and 'href="plans/gates/"' in home and 'href="plans/001-alpha/plan/"' in home


def test_features_stay_out_of_the_nav_past_the_limit(tmp_path: Path):
    root = write_site(tmp_path, {"001-alpha": {}, "002-beta": {}}, textwrap.dedent("""\
        theme: {name: mkdocs, highlightjs: false}
        plugins:
          - plan-portal:
              nav_features: 1
        """))
    home = _nav_titles(build_site(root, strict=True))
    assert 'href="plans/gates/"' in home
    assert 'href="plans/001-alpha/plan/"' not in home


def test_generated_pages_are_identical_across_builds(two_features: Path, tmp_path_factory: pytest.TempPathFactory):
    first = build_site(two_features)
    snapshot = {p.relative_to(first): p.read_bytes() for p in (first / "plans").rglob("*.html")}
    second = build_site(two_features)
    assert {p.relative_to(second): p.read_bytes() for p in (second / "plans").rglob("*.html")} == snapshot


def test_demo_builds_strict_without_warnings(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        build(config)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    features = {p.name for p in (REPO / "specs").iterdir() if p.is_dir()}
    assert {p.parent.parent.name for p in (tmp_path / "site" / "plans").glob("*/plan/index.html")} == features


def test_serve_watches_every_spec_root(two_features: Path):
    from plan_portal.plugin import PlanPortalPlugin

    config = load_config(str(two_features / "mkdocs.yml"))
    plugin = config.plugins["plan-portal"]
    assert isinstance(plugin, PlanPortalPlugin)
    plugin.on_config(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=lambda: None)  # type: ignore[arg-type]
    assert server.watched == [str(two_features / "specs")]


def test_a_rebuild_reads_only_the_plan_that_changed(tmp_path: Path):
    """What mkdocs serve does between rebuilds: the plugin instance and its cache survive."""
    import os

    root = write_site(tmp_path, {f"00{n}-feature": {} for n in range(1, 6)})
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    plugin = config.plugins["plan-portal"]
    start = plugin.cache.reads  # MkDocs keeps plugins with on_startup alive across builds in one process
    build(config)
    assert plugin.cache.reads - start == 5
    assert len(plugin.cache.entries) == 5
    build(config)
    assert plugin.cache.reads - start == 5  # nothing changed: nothing read again
    plan = root / "specs" / "003-feature" / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Quokka", "Wombat"), encoding="utf-8")
    stat = plan.stat()
    os.utime(plan, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    build(config)
    assert plugin.cache.reads - start == 6
    risks = (root / "site" / "plans" / "risks" / "index.html").read_text(encoding="utf-8")
    assert risks.count("Wombat migration stalls the rollout") == 1
    assert risks.count("Quokka migration stalls the rollout") == 4


def test_search_indexes_the_text_of_feature_pages_and_readers_get_the_whole_page(two_features: Path):
    """Search plugins index a portal page's text; the page written is the finished one (see render.held)."""
    import json

    site = build_site(two_features)
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    feature = {d["location"]: d for d in docs if d["location"].startswith("plans/001-alpha/plan/")}
    risks = next(d for location, d in feature.items() if location.endswith("#risks"))
    assert "R1 Quokka migration stalls the rollout" in risks["text"]
    assert "Dry runs" in risks["text"] and "Lag over 5 min" in risks["text"]
    decisions = next(d for location, d in feature.items() if location.endswith("#decisions"))
    assert "&lt;script&gt;alert('decision')&lt;/script&gt;" in decisions["text"]
    for entry in feature.values():
        assert not re.search(r"<(?!/?(p|li|ul|ol|code|pre)>)", entry["text"]), entry["text"]
    # The register repeats the feature pages: its rows are left out, so the hit is the feature's section.
    register = [d for d in docs if d["location"].startswith("plans/risks/")]
    assert any(d["title"] == "Register" for d in register)
    assert not any("Quokka" in d["text"] for d in register)
    found = sorted(d["location"] for d in docs if "Quokka migration" in d["text"])  # both plans have R1
    assert found == ["plans/001-alpha/plan/#risks", "plans/002-beta/plan/#risks"]
    page = (site / "plans" / "001-alpha" / "plan" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="R1"[^>]*>.*?</tr>', page, re.S)
    assert row is not None and "Quokka migration stalls the rollout" in row.group(0)
    assert "<p>&lt;script&gt;alert('decision')&lt;/script&gt;</p>" in page
    assert "PPBLOCK" not in page and "PPGRAPH" not in page


def test_a_one_off_build_keeps_nothing_it_read_and_writes_the_same_site(two_features: Path, tmp_path: Path):
    """``mkdocs build`` (on_startup "build") reads with a cache of its own, dropped with the records
    once the pages are rendered; the site is the one a build that keeps its reads (``mkdocs serve``) writes."""
    import filecmp

    config = load_config(str(two_features / "mkdocs.yml"), site_dir=str(tmp_path / "kept"))
    build(config)
    one_off = load_config(str(two_features / "mkdocs.yml"), site_dir=str(tmp_path / "one-off"))
    plugin = one_off.plugins["plan-portal"]  # MkDocs keeps the instance (it has on_startup), and its cache
    reads, entries = plugin.cache.reads, dict(plugin.cache.entries)
    one_off.plugins.on_startup(command="build", dirty=False)
    try:
        build(one_off)
    finally:
        one_off.plugins.on_startup(command="serve", dirty=False)
    assert plugin.cache.reads == reads and plugin.cache.entries == entries  # read, kept nowhere
    pages = sorted(p.relative_to(tmp_path / "kept") for p in (tmp_path / "kept").rglob("*.html"))
    assert len(pages) > 10
    assert sorted(p.relative_to(tmp_path / "one-off") for p in (tmp_path / "one-off").rglob("*.html")) == pages
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "kept", tmp_path / "one-off", [str(p) for p in pages],
                                           shallow=False)
    assert mismatch == [] and errors == []


def _many_features(root: Path, plugin_config: str, extra: str = "") -> Path:
    """Enough features for the pages to be rendered by worker processes."""
    config = f"theme:\n  name: mkdocs\n  highlightjs: false\n{extra}plugins:\n  - plan-portal{plugin_config}\n"
    return write_site(root, {f"{n:03d}-feature": {} for n in range(1, 51)}, config)


def test_an_error_in_a_custom_template_is_reported_with_its_message(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                                    monkeypatch: pytest.MonkeyPatch):
    root = _many_features(tmp_path, ":\n      custom_templates: templates")
    (root / "templates").mkdir()
    (root / "templates" / "feature.html").write_text("# {{ f.title }}\n\n{{ nothing_here.attribute }}\n",
                                                     encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    seen: list[BaseException] = []
    monkeypatch.setattr(config.plugins, "on_build_error", lambda error: seen.append(error))
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    with pytest.raises(Abort):
        build(config)
    assert f"forking 2 workers for {len(DASHBOARDS) + 50} jobs" in caplog.text  # rendered by worker processes
    [error] = seen
    assert isinstance(error, PluginError)
    assert str(error) == (f"plan-portal: UndefinedError: 'nothing_here' is undefined "
                          f"({root / 'templates' / 'feature.html'}, line 3)")
    assert any(r.levelno == logging.ERROR and str(error) in r.getMessage() for r in caplog.records)


def test_a_build_beside_another_plugins_thread_renders_in_parallel_or_says_why_not(
        tmp_path: Path, caplog: pytest.LogCaptureFixture):
    """Another plugin's thread alive at on_files makes fork unsafe: spawned workers do the work, or
    the log says why it stays in MkDocs' process."""
    root = _many_features(tmp_path, "", "hooks:\n  - thread_hook.py\n")
    (root / "thread_hook.py").write_text(textwrap.dedent("""\
        import threading

        stop = threading.Event()

        def on_config(config):
            threading.Thread(target=stop.wait, daemon=True).start()

        def on_post_build(config):
            stop.set()
        """), encoding="utf-8")
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    site = build_site(root)
    said = [r.getMessage() for r in caplog.records if r.name == "plan_portal.parallel"]
    assert said[0].startswith("spawning 2 workers for 50 jobs (2 threads run)")  # reading
    rendering = said[-1]
    assert rendering.startswith(f"spawning 2 workers for {len(DASHBOARDS) + 50} jobs") or "does not pickle" in rendering
    assert len(list((site / "plans").glob("*-feature/plan/index.html"))) == 50
