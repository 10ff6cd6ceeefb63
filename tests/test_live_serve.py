"""``mkdocs serve --dirty``: the site its rebuilds leave is the site a clean build makes, and an edit to
one plan rebuilds only the pages it changed.

The serve session runs in this process as ``mkdocs serve --dirty`` runs it (mkdocs/commands/serve.py):
one ``on_startup(command="serve", dirty=True)``, then for every change a freshly loaded config and
``build(config, serve_url=…, dirty=True)`` into the same site folder, with the plugin instances MkDocs
keeps between rebuilds. The clean build it is compared with is ``mkdocs build`` in another process
(the plugin instances of this one hold the session). The site's ``site_url`` is the serve URL in
both, as ``mkdocs serve`` sets it.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

from plan_portal.mkdocs_live import NO_FULL_COLLECTIONS, CompiledTemplates  # noqa: E402
from plan_portal.model.cache import ReadCache  # noqa: E402
from plan_portal.pipeline import run  # noqa: E402
from plan_portal.render.reuse import Reuse  # noqa: E402
from plan_portal.render.site import RenderJob  # noqa: E402
from plan_portal.render.urls import Layout  # noqa: E402
from plan_portal.settings import Settings  # noqa: E402

SERVE_URL = "http://127.0.0.1:8000/"
MKDOCS_YML = f"""\
site_name: portfolio
site_url: {SERVE_URL}
theme:
  name: material
  font: false
plugins:
  - search
  - plan-portal
"""


class Session:
    """One ``mkdocs serve --dirty`` session, its rebuilds run on demand."""

    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site = root, site
        self.config().plugins.on_startup(command="serve", dirty=True)

    def config(self) -> MkDocsConfig:
        config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def rebuild(self) -> MkDocsConfig:
        config = self.config()
        build(config, serve_url=SERVE_URL, dirty=True)
        return config

    def close(self) -> None:
        self.config().plugins.on_shutdown()


def clean_build(root: Path, site: Path) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                   check=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), timeout=600)


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of the site by path, byte for byte."""
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.fixture(autouse=True)
def build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """One build date for every build, the clean one's process too: MkDocs' theme writes the build's
    time into the home page, and a sitemap.xml.gz its gzip header; nothing else is left out."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def assert_same_site(served: Path, clean: Path) -> None:
    served_files, clean_files = site_files(served), site_files(clean)
    assert sorted(served_files) == sorted(clean_files)
    differing = [path for path in clean_files if served_files[path] != clean_files[path]]
    assert differing == []


def write_portfolio(root: Path, count: int, theme: str = "material") -> list[str]:
    features = generate(count, root / "specs")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Portfolio\n\nSee [the plans](plans/index.md).\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.replace("name: material", f"name: {theme}"), encoding="utf-8")
    return features


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def later() -> None:
    """Changes within one clock tick must still look newer than what the last build wrote."""
    time.sleep(0.01)


@pytest.fixture
def portfolio(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "project"
    features = write_portfolio(root, 16)
    return root, features


def test_serve_after_edits_adds_deletes_and_renames_equals_a_clean_build(portfolio, tmp_path: Path):
    root, features = portfolio
    specs = root / "specs"
    depended = _depended_on(specs, features)
    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        steps = [
            # a plan's title and a decision's text: its pages, the dashboards' rows, its neighbours' links
            lambda: edit(specs / features[5] / "plan.md", "# Implementation Plan:", "# Implementation Plan: Renamed"),
            lambda: edit(specs / features[9] / "plan.md", "| ADR-001 | Decision 1", "| ADR-001 | Choice 1"),
            # a decision others depend on: its title shows in their pages' pictures
            lambda: edit(specs / depended / "plan.md", "| ADR-002 | Decision 2", "| ADR-002 | Choice 2"),
            # a decision's status, and a risk's level
            lambda: edit(specs / features[3] / "plan.md", "| Accepted |", "| Superseded |"),
            # research.md, a new artifact page of a feature, then its change
            lambda: (specs / features[2] / "research.md").write_text(
                "# Research\n\n## Decision: use a queue\n\nRationale: spikes.\n", encoding="utf-8"),
            lambda: edit(specs / features[2] / "research.md", "use a queue", "use a log"),
            # a feature added, one deleted, one renamed
            lambda: _copy_feature(specs / features[1], specs / "0099-feature-added"),
            lambda: _delete(specs / features[12]),
            lambda: (specs / features[14]).rename(specs / "0098-feature-renamed"),
            # a page of the site outside the portal
            lambda: edit(root / "docs" / "index.md", "See", "Read"),
        ]
        for step in steps:
            step()
            later()
            session.rebuild()
        clean_build(root, tmp_path / "clean")
        assert_same_site(tmp_path / "served", tmp_path / "clean")
    finally:
        session.close()


@pytest.mark.parametrize("theme", ["material", "mkdocs"])  # Material's search plugin, MkDocs' own
def test_each_rebuild_equals_a_clean_build_of_the_same_files(theme: str, tmp_path: Path):
    root = tmp_path / "project"
    features = write_portfolio(root, 16, theme)
    specs = root / "specs"
    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        steps = [
            lambda: edit(specs / _depended_on(specs, features) / "plan.md", "| ADR-002 | Decision 2",
                         "| ADR-002 | Choice 2"),
            lambda: _delete(specs / features[10]),
        ]
        for number, step in enumerate(steps):
            step()
            later()
            session.rebuild()
            clean_build(root, tmp_path / f"clean-{number}")
            assert_same_site(tmp_path / "served", tmp_path / f"clean-{number}")
    finally:
        session.close()


def test_an_edit_to_one_plan_rebuilds_its_pages_and_leaves_most_others(portfolio, tmp_path: Path):
    root, features = portfolio
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        before = {path: path.stat().st_mtime_ns for path in site.rglob("*.html")}
        edited = features[8]
        time.sleep(0.01)
        edit(root / "specs" / edited / "plan.md", "| R1 | Risk 1:", "| R1 | Marker risk 1:")
        session.rebuild()
        rewritten = {path.relative_to(site).as_posix() for path, mtime in before.items()
                     if path.stat().st_mtime_ns != mtime}
        portal = {path.relative_to(site).as_posix() for path in before if "plans/" in path.as_posix()}
    finally:
        session.close()
    assert f"plans/{edited}/plan/index.html" in rewritten
    assert "plans/risks/index.html" in rewritten  # the risk's row
    assert f"plans/{edited}/spec/index.html" not in rewritten  # its unchanged files
    assert not any(path.startswith(f"plans/{features[0]}/") for path in rewritten)  # far features
    assert "index.html" not in rewritten  # the site's own pages
    assert len(rewritten) < len(portal) / 4
    marker = (site / "plans" / edited / "plan" / "index.html").read_text(encoding="utf-8")
    assert "Marker risk 1" in marker
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [entry["location"] for entry in index["docs"]]
    assert any(location.startswith(f"plans/{features[0]}/") for location in locations)
    assert any("Marker risk 1" in entry["text"] for entry in index["docs"])


def _edit_line(path: Path, line_start: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on the first line that starts with ``line_start``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines) if line.startswith(line_start))
    assert old in lines[number]
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _depended_on(specs: Path, features: list[str]) -> str:
    """A feature whose ADR-002 a later feature's decision depends on (the generator writes such links)."""
    plans = "".join((specs / feature / "plan.md").read_text(encoding="utf-8") for feature in features)
    return next(feature for feature in features if f"depends on {feature}/ADR-002" in plans)


def _copy_feature(source: Path, target: Path) -> None:
    target.mkdir()
    for path in source.iterdir():
        text = path.read_text(encoding="utf-8").replace(source.name, target.name)
        (target / path.name).write_text(text, encoding="utf-8")


def _delete(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def _rendered_jobs(session: Session, before: dict[str, tuple[bytes, list[object]]]) -> set[str]:
    """The render jobs of the last rebuild whose pages are not the objects the rebuild before kept."""
    reuse = session.config().plugins["plan-portal"].held.reuse
    assert reuse is not None
    return {job for job, (_, pages) in reuse.kept.items()
            if job not in before or any(a is not b for a, b in zip(pages, before[job][1], strict=False))}


def _kept(session: Session) -> dict[str, tuple[bytes, list[object]]]:
    reuse = session.config().plugins["plan-portal"].held.reuse
    assert reuse is not None
    return {job: (fingerprint, list(pages)) for job, (fingerprint, pages) in reuse.kept.items()}


def test_a_save_that_changes_nothing_renders_and_rewrites_nothing(portfolio, tmp_path: Path):
    root, features = portfolio
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        kept = _kept(session)
        pages = {path: path.stat().st_mtime_ns for path in (site / "plans").rglob("*.html")}
        later()
        plan = root / "specs" / features[4] / "plan.md"
        plan.write_bytes(plan.read_bytes())  # saved again: a newer file, the same text
        session.rebuild()
        assert _rendered_jobs(session, kept) == set()
        assert [path for path, mtime in pages.items() if path.stat().st_mtime_ns != mtime] == []
    finally:
        session.close()


def test_an_edit_renders_again_the_jobs_it_reaches_not_the_others(tmp_path: Path):
    root = tmp_path / "project"
    features = write_portfolio(root, 40)
    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        kept = _kept(session)
        edited = features[-1]
        later()
        edit(root / "specs" / edited / "plan.md", "| R2 | Risk 2:", "| R2 | Marker risk 2:")
        session.rebuild()
        rendered = _rendered_jobs(session, kept)
    finally:
        session.close()
    assert f"feature:{edited}" in rendered
    assert "dashboard:risks" in rendered
    assert f"feature:{features[0]}" not in rendered  # far from the edited feature in the decision graph
    assert len([job for job in rendered if job.startswith("feature:")]) < len(features) / 2


def test_an_edit_exports_again_only_its_feature_and_rewrites_only_the_downloads_it_changed(
        portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import plan_portal.render.downloads as downloads_module

    root, features = portfolio
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        downloads = {path.name: (path.stat().st_mtime_ns, path.read_bytes())
                     for path in (site / "plans" / "data").iterdir()}
        exported: list[str] = []
        real = downloads_module.feature_export
        monkeypatch.setattr(downloads_module, "feature_export",
                            lambda feature, *args: exported.append(feature.id) or real(feature, *args))
        later()
        edited = features[6]
        edit(root / "specs" / edited / "plan.md", "| R1 | Risk 1:", "| R1 | Marker risk 1:")
        session.rebuild()
        after = {path.name: (path.stat().st_mtime_ns, path.read_bytes())
                 for path in (site / "plans" / "data").iterdir()}
        clean_build(root, tmp_path / "clean")
    finally:
        session.close()
    assert exported == [edited]
    assert sorted(after) == sorted(downloads)
    changed = {name for name in after if after[name][1] != downloads[name][1]}
    rewritten = {name for name in after if after[name][0] != downloads[name][0]}
    assert {"risks.csv", "risks.json"} <= changed
    assert "technology.csv" not in changed
    assert rewritten == changed
    assert_same_site(site, tmp_path / "clean")


def test_a_dashboard_renders_again_only_after_an_edit_to_what_it_shows(portfolio, tmp_path: Path):
    root, features = portfolio
    plan = root / "specs" / features[7] / "plan.md"
    narrowed = {"dashboard:gates", "dashboard:risks", "dashboard:progress", "dashboard:research",
                "dashboard:technology", "dashboard:constitution", "dashboard:owners"}
    steps = [  # (the edit, the narrowed dashboards it must render again)
        (lambda: edit(plan, "| ADR-001 | Decision 1", "| ADR-001 | Choice 1"), set()),
        (lambda: edit(plan, "| Risk 1:", "| Risk 1 worse:"), {"dashboard:risks", "dashboard:owners"}),
        (lambda: edit(plan, "| Contract-first APIs | PASS | Evidence for", "| Contract-first APIs | PASS | Proof of"),
         {"dashboard:gates", "dashboard:constitution", "dashboard:owners"}),
        (lambda: edit(plan, "| Constraints | p95 under", "| Constraints | p99 under"), {"dashboard:technology"}),
        # a follow-up naming an owner (every dashboard shows owners) lists its decision on the owner's
        # page: then its title shows there
        (lambda: _edit_line(plan, "| ADR-001 |", "| Follow up on", "| Follow up with SRE on"), narrowed),
        (lambda: edit(plan, "| ADR-001 | Choice 1", "| ADR-001 | Pick 1"), {"dashboard:owners"}),
        # a failing gate is a diagnostic: every dashboard; a risk that mitigates it, another
        (lambda: edit(plan, "| Contract-first APIs | PASS |", "| Contract-first APIs | FAIL |"), narrowed),
        (lambda: edit(plan, "| Risk 2:", "| Risk 2 for Contract-first APIs:"), narrowed),
    ]
    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        for number, (step, expected) in enumerate(steps):
            kept = _kept(session)
            later()
            step()
            session.rebuild()
            rendered = _rendered_jobs(session, kept)
            assert rendered & narrowed == expected, number
            clean_build(root, tmp_path / f"clean-{number}")
            assert_same_site(tmp_path / "served", tmp_path / f"clean-{number}")
    finally:
        session.close()


def test_a_download_is_made_again_when_a_record_it_draws_from_changed(portfolio, tmp_path: Path):
    """Each download is kept while what it is drawn from is the same: the owners' table reads the
    risks' owners, the features' table counts failing gates, though neither lists those records;
    technology reads one field of the features."""
    root, features = portfolio
    plan = root / "specs" / features[3] / "plan.md"
    steps = [  # (the edit, downloads whose text must change)
        (lambda: edit(plan, "| Low | Low | SRE |", "| Low | Low | Data Steward |"),
         {"risks.csv", "risks.json", "owners.csv", "owners.json"}),
        (lambda: edit(plan, "| Contract-first APIs | PASS |", "| Contract-first APIs | FAIL |"),
         {"gates.csv", "gates.json", "features.csv", "owners.csv", "owners.json"}),
        (lambda: edit(plan, "| Constraints | p95 under", "| Constraints | p99 under"),
         {"technology.csv", "technology.json", "features.json"}),
    ]
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        for number, (step, expected) in enumerate(steps):
            before = {path.name: path.read_bytes() for path in (site / "plans" / "data").iterdir()}
            later()
            step()
            session.rebuild()
            changed = {path.name for path in (site / "plans" / "data").iterdir()
                       if path.read_bytes() != before[path.name]}
            assert expected <= changed, number
            clean_build(root, tmp_path / f"clean-{number}")
            assert_same_site(site, tmp_path / f"clean-{number}")
    finally:
        session.close()


def test_a_rebuild_leaves_what_the_session_holds_out_of_collections_until_it_is_over(
        portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Full collections during a rebuild walked every feature the session keeps: what is alive
    when a build starts is frozen, and comes back into collections (and is collected) after it."""
    import gc

    import plan_portal.mkdocs_live as live

    monkeypatch.setattr(live, "COLLECT_AFTER", 0.5)
    root, features = portfolio
    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        later()
        edit(root / "specs" / features[2] / "plan.md", "| R1 | Risk 1:", "| R1 | Marker risk 1:")
        session.rebuild()
        assert gc.isenabled()  # what the rebuild makes is collected as usual
        assert gc.get_freeze_count() > 1000  # the session's features, until the browser had a moment
        time.sleep(2)
        assert gc.get_freeze_count() == 0
    finally:
        session.close()
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def _sub(path: Path, pattern: str, new: str) -> None:
    """The first match of ``pattern`` replaced, if any (a random edit may find nothing to change)."""
    if path.exists():
        path.write_text(re.sub(pattern, new, path.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")


@pytest.mark.parametrize("seed", range(4))
def test_fingerprints_a_session_keeps_equal_those_of_a_new_session_after_any_edits(seed: int, tmp_path: Path):
    """A session compares what links and checks made with the last render's, and keeps the features
    near each other and what rests on each decision while the links stay: after random edits (links
    added and removed, statuses, features added and deleted) each job's fingerprint is the one a new
    session computes."""
    root = tmp_path / "project"
    features = write_portfolio(root, 16)
    specs = root / "specs"
    rng = random.Random(seed)

    def plan() -> Path:
        return specs / rng.choice(features) / "plan.md"

    added = iter(range(90, 200))

    def add_feature() -> None:
        name = f"{next(added):04d}-feature-added"
        _copy_feature(specs / rng.choice(features), specs / name)
        features.append(name)

    def delete_feature() -> None:
        if len(features) > 8:
            _delete(specs / features.pop(rng.randrange(len(features))))

    edits = [
        lambda: _sub(plan(), r"^\| ADR-00(\d) \| ", r"| ADR-00\1 | Renamed "),
        lambda: _sub(plan(), r"^(\| ADR-003 \| .*?\| Context: [^|]*?)( \|)",
                     rf"\1; depends on {rng.choice(features)}/ADR-002\2"),
        lambda: _sub(plan(), r"; (depends on|builds on|requires) [\w/-]+", ""),
        lambda: _sub(plan(), r"^depends_on: \[.*\]", f"depends_on: [{rng.choice(features)}]"),
        lambda: _sub(plan(), r"\| (Accepted|Proposed) \|", rng.choice(["| Superseded |", "| Accepted |"])),
        lambda: _sub(plan(), r"\| PASS \| Evidence", "| FAIL | Evidence"),
        lambda: _sub(plan(), r"\| (SRE|Platform Lead) \|", rng.choice(["| Ops |", "|  |"])),
        lambda: (plan().parent / "research.md").write_text(
            f"# Research\n\n## Decision: Decision {rng.randint(1, 4)}\n\nRationale: {rng.random()}.\n",
            encoding="utf-8"),
        add_feature,
        delete_feature,
    ]
    settings = Settings(roots=(specs,), base=root)
    cache, session = ReadCache(), Reuse()
    for step in range(14):
        if step:
            rng.choice(edits)()
            later()
        job = RenderJob(run(settings, cache), Layout("plans", True), root, settings.options)
        assert job.fingerprints(session) == job.fingerprints(Reuse()), f"step {step}"
def _plugin_options(root: Path, **options: int) -> None:
    """The plugin's ``options`` in the portfolio's mkdocs.yml."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    lines = "".join(f"      {name}: {value}\n" for name, value in options.items())
    config.write_text(text.replace("  - plan-portal\n", f"  - plan-portal:\n{lines}"), encoding="utf-8")


def _dashboard_pages(site: Path, name: str) -> dict[str, bytes]:
    """The served HTML of each page of dashboard ``name``, by the job that renders it."""
    pages = [site / "plans" / name, *sorted((site / "plans").glob(f"{name}-*"))]
    return {f"dashboard:{name}:plans/{page.name}.md": (page / "index.html").read_bytes() for page in pages}


def test_an_edit_to_one_decision_renders_again_only_the_dashboard_pages_that_show_it(portfolio, tmp_path: Path):
    root, features = portfolio
    _plugin_options(root, page_size=6, full_graph_nodes=10)  # the graph draws the first features' decisions
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        before = _dashboard_pages(site, "decisions")
        kept = _kept(session)
        later()
        edit(root / "specs" / features[12] / "plan.md", "| ADR-004 | Decision 4", "| ADR-004 | Choice 4")
        session.rebuild()
        rendered = _rendered_jobs(session, kept)
        after = _dashboard_pages(site, "decisions")
        clean_build(root, tmp_path / "clean")
    finally:
        session.close()
    assert len(before) > 4
    changed = {job for job in after if after[job] != before[job]}
    assert len(changed) == 1  # ADR-004 rests on another feature's decision, nothing on it: it is on one page
    assert {job for job in rendered if job.startswith("dashboard:decisions")} == changed
    assert "dashboard:decisions:plans/decisions.md" not in rendered  # the first page: totals, ranking
    assert not any(job.startswith("dashboard:index") for job in rendered)  # it counts decisions, shows none
    assert "dashboard:graph" not in rendered  # its pictures draw only the first features' decisions
    assert_same_site(site, tmp_path / "clean")


def test_an_edit_to_what_every_page_of_a_dashboard_counts_renders_each_page_again(portfolio, tmp_path: Path):
    """A decision's status is counted on every page of the decisions dashboard, and an open decision
    or question on every page of the overview, which show its row on one page only."""
    root, features = portfolio
    _plugin_options(root, page_size=6)
    plan = root / "specs" / features[-1] / "plan.md"
    steps = [  # the last decision, accepted, becomes the only deprecated one: last both before and after
        lambda: _edit_line(plan, "| ADR-004 |", "| Accepted |", "| Deprecated |"),
        # an open decision more: counted at the top of every page of the overview
        lambda: _edit_line(plan, "| ADR-003 |", "| Accepted |", "| Proposed |"),
        lambda: edit(plan, "## Summary\n\n", "## Summary\n\n[NEEDS CLARIFICATION: which queue?]\n\n"),
    ]
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        for number, step in enumerate(steps):
            later()
            step()
            session.rebuild()
            clean_build(root, tmp_path / f"clean-{number}")
            assert_same_site(site, tmp_path / f"clean-{number}")
    finally:
        session.close()


def test_an_edited_theme_override_is_compiled_again_and_shows_on_every_page(tmp_path: Path):
    """The session keeps the theme's templates compiled (jinja's bytecode cache) and compiles one
    again when its source changed; a changed override changes every page, as in a clean build."""
    root = tmp_path / "project"
    write_portfolio(root, 4)
    override = root / "overrides" / "main.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}\n{% block footer %}<p>Footer one</p>{% endblock %}\n',
                        encoding="utf-8")
    edit(root / "mkdocs.yml", "  font: false\n", "  font: false\n  custom_dir: overrides\n")
    site = tmp_path / "served"
    session = Session(root, site)
    try:
        session.rebuild()
        assert "Footer one" in (site / "index.html").read_text(encoding="utf-8")
        later()
        edit(override, "Footer one", "Footer two")
        session.rebuild()
        clean_build(root, tmp_path / "clean")
    finally:
        session.close()
    for page in (site / "index.html", site / "plans" / "index.html"):
        assert "Footer two" in page.read_text(encoding="utf-8")
    assert_same_site(site, tmp_path / "clean")


def test_a_template_is_compiled_again_for_a_new_source_or_an_environment_that_compiles_it_otherwise():
    cache = CompiledTemplates()

    def render(source: str, **options: bool) -> str:
        environment = Environment(loader=DictLoader({"page.html": source}), bytecode_cache=cache, **options)
        return environment.get_template("page.html").render(name="<b>")

    assert render("{{ name }}") == "<b>"
    assert render("{{ name }}", autoescape=True) == "&lt;b&gt;"
    assert render("[{{ name }}]") == "[<b>]"
    assert render("{{ name }}") == "<b>"


def test_no_full_collection_runs_while_a_rebuild_does(portfolio, tmp_path: Path):
    """Each full collection walked all that the rebuild had made so far: young ones run as usual,
    and the collector's thresholds are as they were once the build is over."""
    import gc

    root, features = portfolio
    thresholds = gc.get_threshold()
    seen: list[tuple[int, int]] = []

    def collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append((info["generation"], gc.get_threshold()[2]))

    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        later()
        edit(root / "specs" / features[2] / "plan.md", "| R1 | Risk 1:", "| R1 | Marker risk 1:")
        gc.callbacks.append(collection)
        try:
            session.rebuild()
        finally:
            gc.callbacks.remove(collection)
        assert gc.get_threshold() == thresholds
    finally:
        session.close()
        gc.unfreeze()
    during = [generation for generation, threshold in seen if threshold == NO_FULL_COLLECTIONS]
    assert during and max(during) < 2  # from on_files on


def test_the_search_index_is_complete_when_its_entries_are_read_back_from_it(
        portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """This build's entries, written as the search plugin wrote them, are found at the end of its
    index; when they are not (a plugin that changed them after indexing), they are read from it."""
    import plan_portal.mkdocs_live as live

    monkeypatch.setattr(live, "_fresh_texts", lambda text, entries: None)
    root, features = portfolio
    session = Session(root, tmp_path / "served")
    try:
        session.rebuild()
        later()
        edit(root / "specs" / features[5] / "plan.md", "| ADR-001 | Decision 1", "| ADR-001 | Choice 1")
        session.rebuild()
        clean_build(root, tmp_path / "clean")
    finally:
        session.close()
    assert_same_site(tmp_path / "served", tmp_path / "clean")
