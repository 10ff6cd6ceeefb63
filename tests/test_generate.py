"""``plan-portal generate``: the portal as Markdown files and SVG graphs, for engines without plugins."""

from __future__ import annotations

import filecmp
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import markdown
import pytest
from click.testing import CliRunner, Result
from mkdocs.utils.meta import get_data

from plan_portal.cli import main
from plan_portal.generate import MARKER, STYLESHEET
from plan_portal.pipeline import run
from plan_portal.render.dashboards import DASHBOARDS
from plan_portal.render.html_blocks import extract_html_blocks
from plan_portal.settings import Settings

DASHBOARD_FILES = [f"{d.name}.md" for d in DASHBOARDS]

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
SVG = "{http://www.w3.org/2000/svg}"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "plans"
    result = invoke("generate", str(SPECS), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"to {out}" in result.output and STYLESHEET in result.output
    return out


class _Links(HTMLParser):
    """Every element's tag and attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Links()
    parser.feed(text)
    return parser.elements


def resolve(href: str, page_url: str) -> str:
    """A relative link on the page at page_url as a site path (fragment dropped)."""
    path = href.partition("#")[0]
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    return posixpath.normpath(posixpath.join(base, path)) + ("/" if path.endswith("/") else "")


def test_pages_and_files_have_the_plugin_layout(demo_out: Path):
    for name in DASHBOARD_FILES:
        assert (demo_out / name).is_file(), name
    features = sorted(p.name for p in SPECS.iterdir() if p.is_dir())
    assert features == sorted(f.id for f in run(Settings((SPECS,), REPO)).portfolio.features)
    for feature in features:
        assert (demo_out / feature / "plan.md").is_file(), feature
        for source in (SPECS / feature).rglob("*"):
            if source.is_file() and source.name != "plan.md":  # spec.md, research.md, contracts: copied as they are
                copy = demo_out / feature / source.relative_to(SPECS / feature)
                assert filecmp.cmp(source, copy, shallow=False), copy
    assert filecmp.cmp(REPO / "plugin/plan_portal/render/assets" / STYLESHEET, demo_out / STYLESHEET, shallow=False)
    # The marker lists exactly what was written.
    listed = json.loads((demo_out / MARKER).read_text(encoding="utf-8"))["files"]
    written = sorted(p.relative_to(demo_out).as_posix() for p in demo_out.rglob("*") if p.is_file())
    assert sorted([*listed, MARKER]) == written


def test_the_overview_links_every_dashboard_and_counts_decisions_as_the_decisions_page(demo_out: Path):
    overview = (demo_out / "index.md").read_text(encoding="utf-8")
    line = re.search(r'<nav class="pp-dashboard-links"[^>]*>(.*?)</nav>', overview)
    assert line is not None
    linked = {href for tag, attributes in elements(line.group(1)) if tag == "a" for href in [attributes["href"]]}
    # generate writes Markdown links as the site's URLs would be (directory URLs): gates/ for gates.md
    assert linked == {f"{d.name}/" for d in DASHBOARDS if d.name != "index"}
    decisions = (demo_out / "decisions.md").read_text(encoding="utf-8")
    by_status = [int(n) for n in re.findall(r'<a href="#status-[a-z-]+">(\d+) ', decisions)]
    card = re.search(r"<strong>(\d+)</strong><span>decisions, (\d+) open</span>", overview)
    assert card is not None and by_status
    assert int(card.group(1)) == sum(by_status)  # a decision research.md and the plan both record counts once
    # and so does each feature's Decisions cell: the column adds up to the card
    table = overview[overview.index('id="pp-overview"'):]
    statuses = "accepted|proposed|in review|superseded|rejected|unknown"
    cells = rf'<td class="pp-wide-only" data-pp-value="(\d+)" title="[^"]*\d+ (?:{statuses})'
    per_feature = [int(n) for n in re.findall(cells, table)]
    assert len(per_feature) >= 10 and sum(per_feature) == int(card.group(1))


def test_html_blocks_pass_through_python_markdown_unchanged(demo_out: Path):
    """Block-level HTML starts a line after a blank line, so Markdown leaves each block as it is."""
    checked = 0
    for page in [demo_out / name for name in DASHBOARD_FILES] + sorted(demo_out.glob("*/plan.md")):
        text, _meta = get_data(page.read_text(encoding="utf-8"))
        _skeleton, blocks = extract_html_blocks(text, page.name)
        html = markdown.markdown(text, extensions=["tables", "toc"])
        for block in blocks.values():
            assert block in html, f"{page}: {block[:120]}"
            checked += 1
        assert "PPBLOCK" not in text and "data-pp-graph" not in text, page
    assert checked > 50


def test_each_graph_is_an_svg_file_beside_the_page_followed_by_its_links(demo_out: Path):
    page = (demo_out / "graph.md").read_text(encoding="utf-8")
    images = [attrs for tag, attrs in elements(page) if tag == "img"]
    assert [i["src"] for i in images] == ["../graph-features.svg", "../graph-decisions.svg"]
    assert images[0]["alt"] == "Feature links"
    page_links = {a["href"] for tag, a in elements(page) if tag == "a"}
    for name in ("graph-features.svg", "graph-decisions.svg"):
        svg = ElementTree.parse(demo_out / name).getroot()
        boxes = list(svg.iter(f"{SVG}a"))
        assert boxes
        for box in boxes:
            # The file's own links are relative to the file, and lead where the page's text links lead.
            target = resolve(box.get("href") or "", name)
            on_page = [h for h in page_links if h and resolve(h, "graph/") == target]
            assert on_page, (name, box.get("href"))
    # The feature pages' graphs sit beside them.
    feature_page = (demo_out / "002-payments" / "plan.md").read_text(encoding="utf-8")
    sources = [attrs["src"] for tag, attrs in elements(feature_page) if tag == "img"]
    assert "../plan-002-payments.svg" in sources
    for src in sources:
        assert (demo_out / "002-payments" / resolve(src or "", "plan/")).is_file(), src


def test_plan_text_is_escaped_in_pages_and_svg_files(write_files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    hostile = '<script>alert(1)</script> "quoted" & </svg><img src=x onerror=alert(2)>'
    write_files("001-a", {"plan.md": f"""
        # Implementation Plan: {hostile}

        ## Decision Log

        | ID | Decision | Context | Status | Follow-up |
        |----|----------|---------|--------|-----------|
        | ADR-001 | {hostile} | Base | Accepted | |
        """})
    write_files("002-b", {"plan.md": f"""
        ---
        depends_on: [001-a]
        ---
        # Implementation Plan: B

        ## Decision Log

        | ID | Decision | Context | Status | Follow-up |
        |----|----------|---------|--------|-----------|
        | ADR-001 | {hostile} | Builds on 001-a/ADR-001 | Accepted | |
        """})
    monkeypatch.chdir(tmp_path)
    assert invoke("generate", "--out", "out").exit_code == 0
    out = tmp_path / "out"
    svgs = list(out.rglob("*.svg"))
    assert svgs
    for svg_file in svgs:
        root = ElementTree.parse(svg_file).getroot()  # well-formed: the plan text did not close the <svg>
        for element in root.iter():
            assert not element.tag.endswith("script") and not any(k.startswith("on") for k in element.attrib)
    assert any(hostile in (t.text or "") for f in svgs for t in ElementTree.parse(f).getroot().iter(f"{SVG}title"))
    for page in out.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for tag, attrs in elements(text):
            assert tag != "script" and not any(k.startswith("on") for k in attrs), page
        assert "<script>" not in text, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "001-a" / "plan.md").read_text(encoding="utf-8")


def _demo_project(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    for feature in ("001-identity", "002-payments"):
        (specs / feature).mkdir(parents=True)
        for source in (SPECS / feature).glob("*.md"):
            (specs / feature / source.name).write_bytes(source.read_bytes())
    return specs


def test_refuses_a_folder_it_did_not_make_unless_told_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "index.md").write_text("# Mine\n", encoding="utf-8")
    for flags in ([], ["--force"]):  # --force alone no longer writes over files generate did not write
        refused = invoke("generate", "--out", "pages", *flags)
        assert refused.exit_code == 2
        assert "pages is not empty and was not written by plan-portal generate" in refused.output
        assert "it holds index.md" in refused.output and "--overwrite-foreign-files" in refused.output
        assert "Traceback" not in refused.output
        assert ("--force no longer writes over" in refused.output) == bool(flags)
        assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["index.md"]
    forced = invoke("generate", "--out", "pages", "--overwrite-foreign-files")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "pages" / "index.md").read_text(encoding="utf-8") != "# Mine\n"  # the overview took its place
    assert (tmp_path / "pages" / "001-identity" / "plan.md").is_file()


def test_a_second_run_replaces_what_the_first_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    specs = _demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert invoke("generate", "--out", "out").exit_code == 0
    for path in sorted((specs / "002-payments").iterdir()):
        path.unlink()
    (specs / "002-payments").rmdir()
    again = invoke("generate", "--out", "out")
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "out" / "002-payments").exists()
    assert (tmp_path / "out" / "001-identity" / "plan.md").is_file()


def test_a_file_beside_the_previous_run_needs_the_overwrite_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    specs = _demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert invoke("generate", "--out", "out").exit_code == 0
    (tmp_path / "out" / "001-identity" / "notes.txt").write_text("kept", encoding="utf-8")  # not ours
    refused = invoke("generate", "--out", "out", "--force")
    assert refused.exit_code == 2
    assert "out holds files that plan-portal generate did not write: 001-identity/notes.txt" in refused.output
    assert "--overwrite-foreign-files" in refused.output
    for path in sorted((specs / "002-payments").iterdir()):
        path.unlink()
    (specs / "002-payments").rmdir()
    again = invoke("generate", "--out", "out", "--overwrite-foreign-files")
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "out" / "002-payments").exists()
    assert (tmp_path / "out" / "001-identity" / "plan.md").is_file()
    assert (tmp_path / "out" / "001-identity" / "notes.txt").read_text(encoding="utf-8") == "kept"


MKDOCS_WITH_TAGS = """\
site_name: mine
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


@pytest.mark.parametrize(("config_name", "config", "docs"), [
    ("mkdocs.yml", MKDOCS_WITH_TAGS, "docs"),  # docs_dir unset: docs; MkDocs' python tags are read past
    ("mkdocs.yml", MKDOCS_WITH_TAGS + "docs_dir: site-src\n", "site-src"),
    ("mkdocs.yaml", "site_name: mine\nINHERIT: base.yml\n", "from-base"),  # base.yml names it
    ("mkdocs.yml", "site_name: mine\ndocs_dir: !ENV [PLAN_PORTAL_TEST_UNSET_DOCS, env-docs]\n", "env-docs"),
    ("zensical.toml", '[project]\nsite_name = "mine"\ndocs_dir = "zdocs"\n', "zdocs"),
])
def test_the_docs_folder_of_the_site_is_refused_even_when_forced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 config_name: str, config: str, docs: str):
    _demo_project(tmp_path)
    (tmp_path / config_name).write_text(config, encoding="utf-8")
    (tmp_path / "base.yml").write_text("docs_dir: from-base\n", encoding="utf-8")
    (tmp_path / docs).mkdir()
    (tmp_path / docs / "index.md").write_text("# My home page\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for flags in ([], ["--force"]):
        refused = invoke("generate", "--out", docs, *flags)
        assert refused.exit_code == 2, refused.output
        assert f"{docs} is the docs folder of {tmp_path / config_name}" in refused.output
        assert f"--out {docs}/plans" in refused.output and "--overwrite-foreign-files" in refused.output
        assert "Traceback" not in refused.output
    # Run from inside the docs folder, and with an empty docs folder: still the docs folder.
    monkeypatch.chdir(tmp_path / docs)
    assert invoke("generate", "../specs", "--out", ".", "--force").exit_code == 2
    assert sorted(p.name for p in (tmp_path / docs).iterdir()) == ["index.md"]
    assert (tmp_path / docs / "index.md").read_text(encoding="utf-8") == "# My home page\n"
    (tmp_path / docs / "index.md").unlink()
    assert invoke("generate", "../specs", "--out", ".").exit_code == 2
    monkeypatch.chdir(tmp_path)
    inside = invoke("generate", "--out", f"{docs}/plans")
    assert inside.exit_code == 0, inside.output
    whole = invoke("generate", "--out", docs, "--overwrite-foreign-files")
    assert whole.exit_code == 0, whole.output
    assert (tmp_path / docs / "index.md").is_file() and (tmp_path / docs / "plans" / "index.md").is_file()


def test_a_broken_site_configuration_still_protects_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _demo_project(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    refused = invoke("generate", "--out", "docs")
    assert refused.exit_code == 2 and "docs is the docs folder of" in refused.output, refused.output


@pytest.mark.parametrize(("setup", "out", "message"), [
    (None, "specs/portal", "is inside the spec root specs"),
    (None, "specs", "is inside the spec root specs"),
    ("file", "out", "is a file"),
    ("bad-marker", "out", "cannot be read"),
])
def test_unusable_output_folders_are_clean_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        setup: str | None, out: str, message: str):
    specs = _demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    if setup == "file":
        (tmp_path / out).write_text("x", encoding="utf-8")
    elif setup == "bad-marker":
        (tmp_path / out).mkdir()
        (tmp_path / out / MARKER).write_text("{not json", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in specs.rglob("*"))
    result = invoke("generate", "--out", out, "--force") if setup != "bad-marker" else invoke("generate", "--out", out)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert sorted(p.relative_to(tmp_path) for p in specs.rglob("*")) == before


@pytest.mark.parametrize(("links", "overview_links", "image", "svg_link"), [
    ("html", ['href="gates.html"', 'href="001-identity/plan.html"'], "plan-001-identity.svg",
     'href="plan.html#ADR-001"'),
    # Zensical rewrites links to source files in HTML too; links inside an SVG file are not rewritten.
    ("markdown", ['href="gates.md"', 'href="001-identity/plan.md"'], "plan-001-identity.svg",
     'href="plan/#ADR-001"'),
])
def test_link_styles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: str, overview_links: list[str],
                     image: str, svg_link: str):
    _demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert invoke("generate", "--out", "out", "--links", links).exit_code == 0
    overview = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    for link in overview_links:
        assert link in overview
    feature = (tmp_path / "out" / "001-identity" / "plan.md").read_text(encoding="utf-8")
    assert f'<img class="pp-graph" src="{image}"' in feature
    assert svg_link in (tmp_path / "out" / "001-identity" / image).read_text(encoding="utf-8")
