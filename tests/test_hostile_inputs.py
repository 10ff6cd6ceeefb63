"""Inputs built to stop the build: frontmatter nested hundreds deep, Markdown that MkDocs' converter
recurses on until it fails or scans for minutes, quotes nested past markdown-it's limit. Each is
reported with its path and line, never raised; the site is still built, the hostile file shown as
plain text and every other page whole."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import markdown
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from fixture_text import write_feature_files
from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.cli import main
from plan_portal.discover import discover
from plan_portal.model.feature import read_features
from plan_portal.parallel import worker_count
from plan_portal.read import block_lines, conversion_hazard, hazards, parse_document, source
from plan_portal.read.source import MAX_FRONTMATTER_DEPTH, split_frontmatter
from plan_portal.render.inline import preformatted
from test_hardening import GOOD, assert_good, assert_good_page, codes, pipeline, plan, portfolio

REPO = Path(__file__).resolve().parents[1]


# --- hostile text ------------------------------------------------------------------------------------------


def deep_list(levels: int) -> str:
    """A list nested ``levels`` deep, four spaces a level (Python-Markdown fails at 250)."""
    return "".join("    " * level + f"- item {level}\n" for level in range(levels))


def brackets(count: int = 50_000) -> str:
    """``count`` of each of ``[``, ``]``, ``(``: 150 KB by default, which Python-Markdown takes
    minutes or more to convert (8,000 of each: 12 s, growing with the square of the count)."""
    return "[" * count + "]" * count + "(" * count + "\n"


def nested_flow(depth: int) -> str:
    return "key: " + "[" * depth + "]" * depth


def nested_mapping(depth: int) -> str:
    return "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "leaf: 1"


def nested_block_list(depth: int) -> str:
    return "key:\n" + "\n".join("  " * level + "- " for level in range(depth)) + "x"


# --- frontmatter ---------------------------------------------------------------------------------------------

# Before: 500 to 999 levels raised RecursionError in _json_safe (PyYAML's libyaml parser stops at
# 1,000 itself), so check printed a traceback and mkdocs build left no site.


@pytest.mark.parametrize("make", [nested_flow, nested_mapping, nested_block_list])
@pytest.mark.parametrize("depth", [MAX_FRONTMATTER_DEPTH + 1, 500, 999, 1000, 20_000])
def test_frontmatter_nested_at_any_depth_is_reported_and_the_body_kept(make, depth):
    text = "---\n" + make(depth) + "\n---\n\n# Body\n"
    metadata, body, _, diagnostics = split_frontmatter(text, "specs/x/plan.md")
    assert metadata == {}
    assert body.strip() == "# Body"
    assert [d.code for d in diagnostics] == ["invalid-frontmatter"]
    assert 2 <= diagnostics[0].line <= text.count("\n")


def test_frontmatter_within_the_depth_limit_is_read():
    text = "---\n" + nested_flow(MAX_FRONTMATTER_DEPTH - 1) + "\n---\n"
    metadata, _, _, diagnostics = split_frontmatter(text, "p.md")
    assert diagnostics == []
    value = metadata["key"]
    for _ in range(MAX_FRONTMATTER_DEPTH - 1):
        assert isinstance(value, list)
        value = value[0] if value else None
    assert value is None


def test_frontmatter_nested_deep_through_aliases_is_reported():
    """Each alias nests a whole earlier value: 40 lines of 10 levels make 400."""
    lines = ["a0: &a0 " + "[" * 10 + "1" + "]" * 10]
    lines += [f"a{n}: &a{n} " + "[" * 10 + f"*a{n - 1}" + "]" * 10 for n in range(1, 40)]
    _, _, _, diagnostics = split_frontmatter("---\n" + "\n".join(lines) + "\n---\n", "p.md")
    assert [d.code for d in diagnostics] == ["invalid-frontmatter"]
    assert "levels deep" in diagnostics[0].message


def test_a_yaml_parser_that_recurses_is_stopped_cleanly(monkeypatch: pytest.MonkeyPatch):
    """Without libyaml, PyYAML's composer recurses for every level: RecursionError becomes a
    diagnostic too (here with the depth check lifted, so that the parser is reached)."""
    monkeypatch.setattr(source, "MAX_FRONTMATTER_DEPTH", 10**9)
    monkeypatch.setattr(source, "_LOADER", yaml.SafeLoader)
    monkeypatch.setattr(source._YAML, "load", lambda raw: yaml.load(raw, Loader=yaml.SafeLoader))
    _, body, _, diagnostics = split_frontmatter("---\n" + nested_flow(5000) + "\n---\nbody\n", "p.md")
    assert body.strip() == "body"
    assert [d.code for d in diagnostics] == ["invalid-frontmatter"]


def _hostile_features(root: Path) -> None:
    """A plan with deep frontmatter and a spec with a deep list, next to the good feature."""
    portfolio(root, {"plan.md": "---\n" + nested_flow(600) + "\n---\n\n# Implementation Plan: bad\n",
                     "spec.md": "# Spec\n\n" + deep_list(260)})


def test_pipeline_reports_deep_frontmatter_and_markdown_and_reads_the_rest(tmp_path: Path):
    _hostile_features(tmp_path)
    result = pipeline(tmp_path)
    assert_good(result)
    assert codes(result, "specs/002-bad/plan.md") == [("invalid-frontmatter", 2)]
    assert codes(result, "specs/002-bad/spec.md") == [("unsafe-markdown", 103)]  # item 100, after "# Spec", ""


def _diagnostic_codes(result: Result) -> set[tuple[str, str]]:
    return {(d.path, d.code) for d in result.diagnostics}


def test_forked_readers_report_hostile_files(tmp_path: Path):
    """Enough features that the reader forks: the diagnostics come back from the children."""
    for number in range(3, 50):
        write_feature_files(tmp_path, f"{number:03d}-filler", {"plan.md": plan(f"{number:03d}-filler")})
    _hostile_features(tmp_path)
    found = discover([tmp_path / "specs"], tmp_path).features
    assert worker_count(len(found), 2) == 2
    features = read_features(found, 5 * 1024 * 1024, workers=2)
    bad = next(f for f in features if f.id == "002-bad")
    assert {(d.path, d.code) for d in bad.diagnostics} == {
        ("specs/002-bad/plan.md", "invalid-frontmatter"), ("specs/002-bad/spec.md", "unsafe-markdown")}


def test_hostile_files_are_reported_when_read_in_a_thread(tmp_path: Path):
    """mkdocs serve rebuilds in a thread of its own, where nothing is forked."""
    _hostile_features(tmp_path)
    results: list[Result] = []
    thread = threading.Thread(target=lambda: results.append(pipeline(tmp_path)))
    thread.start()
    thread.join()
    [result] = results
    assert {("specs/002-bad/plan.md", "invalid-frontmatter"),
            ("specs/002-bad/spec.md", "unsafe-markdown")} <= _diagnostic_codes(result)


# --- conversion hazards --------------------------------------------------------------------------------------

# Before: a list nested 250 deep (4 spaces a level) raised RecursionError in Python-Markdown, and the
# build stopped with no site; 8,000 each of [ ] ( took 12 s to convert, 16,000 took 86 s, and 50,000
# (150 KB) would take many minutes.

HOSTILE = {
    "list nested 260 deep": (deep_list(260), 101),
    "list nested 2 spaces a level": ("".join("  " * level + "- x\n" for level in range(500)), 201),
    "quotes nested 150 deep": ("intro\n\n" + ">" * 150 + " text\n", 3),
    "quote and list markers": ("".join("    " * level + "- > x\n" for level in range(120)), 100),
    "brackets, 150 KB": (brackets(), 1),
    "unclosed [": ("prose\n\n" + "[" * 3000 + "\n", 3),
    "unclosed [ on their own lines": ("[\n" * 3000, 1),
    "unclosed link (": ("[a](" * 2000 + "\n", 1),
    "link titles that never end": ('[a]("x) ' * 1500 + "\n", 1),
    "[ whose ] is escaped": ("[\\]" * 3000 + "\n", 1),
    "[ whose ] is in code": ("[`]`" * 3000 + "\n", 1),
    "start tags without >": ("<a " * 5000 + "\n", 1),
    "quoted > in attributes": ('<a y=">" ' * 3000 + "\n", 1),
    "backtick runs of every length": ("".join("`" * n + "a" for n in range(1, 300)) + "\n", 1),
    "fences that never close": ("".join("`" * n + "\n\n" for n in range(3, 500)), 1),
    "emphasis nested 500 deep": ("*a " * 500 + "b" + " c*" * 500 + "\n", 1),
    "md_in_html nested 150 deep": ('<div markdown="1">\n\n' * 150 + "x\n", 201),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markdown_is_found_at_its_line(name: str):
    text, line = HOSTILE[name]
    hazard = conversion_hazard(text)
    assert hazard is not None
    assert hazard.line == line, hazard


def test_the_line_counts_from_the_top_of_the_file():
    hazard = conversion_hazard("---\ntitle: x\n---\n\n# Spec\n\nSome prose.\n\n" + "[" * 3000 + "\n")
    assert hazard is not None and hazard.line == 9


@pytest.mark.parametrize("text", [
    deep_list(100),
    ">" * 100 + " quoted\n",
    "[" * 1000 + "\n",  # scans 500,000 characters: well within the limit
    "A paragraph with [a link](https://example.org) and [another](x.md#y). " * 3000,
    "| a | b |\n|---|---|\n" + "| [x](y) | `code` **b** |\n" * 5000,
    "- [ ] T001 **Create** `model.py` in [the repo](x)\n" * 5000,
    "```json\n" + "[" * 60 + "]" * 60 + "\n```\n",
    "    " * 200 + "a diagram line indented 200 levels, inside a code block\n",
    "<details><summary>x</summary>\n\n" * 50 + "text\n" + "</details>\n" * 50,
    "**bold** and *em* " * 5000,
], ids=["list 100 deep", "100 quotes", "1000 [", "links", "table", "tasks", "json", "indented code",
        "html", "emphasis"])
def test_deep_and_long_but_safe_markdown_passes(text: str):
    assert conversion_hazard(text) is None


def test_no_markdown_in_this_repository_trips_a_limit():
    files = sorted(REPO.glob("specs/**/*.md")) + sorted(REPO.glob("docs/**/*.md"))
    assert len(files) > 50
    assert [(path.name, conversion_hazard(path.read_text(encoding="utf-8"))) for path in files
            if conversion_hazard(path.read_text(encoding="utf-8")) is not None] == []


@pytest.mark.parametrize("name", HOSTILE)
def test_the_plain_text_page_of_a_hostile_file_is_safe_to_convert(name: str):
    assert conversion_hazard(preformatted(HOSTILE[name][0])) is None


def _em_depth(html: str) -> int:
    depth = deepest = 0
    for match in re.finditer(r"<(/?)(?:em|strong)>", html):
        depth += -1 if match.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["*", "**", "_", "__", " ", "a", "b", "\n", "\n- ", "\n# ", "\n\n", "  \n",
                                 "`", "[", "]", "\\"]), max_size=40))
def test_the_emphasis_bound_keeps_up_with_what_python_markdown_nests(parts: list[str]):
    """Compared with the nesting Python-Markdown really makes. Its delimiter processor can open one
    element more than the markers allow in rare mixes (fuzzing found ``_aa*b_b *****b\na*b``: two
    levels from one closing ``*``), never more in 300,000 samples: the limit's margin covers that."""
    text = "".join(parts)
    starts = hazards._line_starts(text)
    bound = max((hazards._emphasis_nesting(text, a, b) for a, b in hazards._inline_units(text, starts)), default=0)
    assert _em_depth(markdown.markdown(text, extensions=["toc", "tables", "fenced_code"])) <= bound + 1


# --- markdown-it: text nested past its limit is kept -------------------------------------------------------

# Before: markdown-it's commonmark preset stops at 20 levels and drops what lies deeper, so a
# Summary quoted 20 deep vanished from the feature page and the export without a word.


@pytest.mark.parametrize("depth", [25, 99, 150, 5000])
def test_quotes_nested_deep_keep_their_text_and_lines(depth: int):
    body = "## Summary\n\n" + ">" * depth + " deep text [NEEDS CLARIFICATION: which?]\n" + ">" * depth + " more\n"
    document = parse_document("specs/x/plan.md", body, offset=4)
    [paragraph] = document.sections[-1].blocks
    assert paragraph.lines == [(7, "deep text [NEEDS CLARIFICATION: which?]"), (8, "more")]
    assert any("NEEDS CLARIFICATION" in marker.text and marker.line == 7 for marker in document.texts)


def test_a_list_nested_past_the_limit_keeps_every_item_on_its_line():
    document = parse_document("specs/x/tasks.md", "".join("  " * level + f"- item {level}\n" for level in range(120)))
    kept = [(line, text) for section in document.sections for block in section.blocks
            for line, text in block_lines(block)]
    assert kept == [(level + 1, f"item {level}") for level in range(120)]


# --- real sites ---------------------------------------------------------------------------------------------

PLAN_WITH_SUMMARY = """\
# Implementation Plan: {fid}

## Summary

{summary}
"""


def write_portfolio(root: Path) -> None:
    portfolio(root, {"plan.md": "---\n" + nested_flow(600) + "\n---\n\n# Implementation Plan: bad\n",
                     "spec.md": "# Spec\n\n" + deep_list(260)})
    write_feature_files(root, "003-brackets", {
        "plan.md": plan("003-brackets"),
        "spec.md": "# Spec\n\n<script>alert(1)</script>\n\n" + brackets()}, dedent=False)
    write_feature_files(root, "004-contract", {
        "plan.md": plan("004-contract"),
        "contracts/api.md": "# API\n\n" + "<a " * 5000 + "\n",
        "checklists/ok.md": "# Checklist\n\n- [x] fine\n"}, dedent=False)
    summary = ">" * 25 + " quoted twenty-five deep\n\n" + ">" * 150 + " quoted a hundred and fifty deep\n"
    write_feature_files(root, "005-quoted", {"plan.md": PLAN_WITH_SUMMARY.format(fid="005-quoted", summary=summary)},
                        dedent=False)


def build_site(root: Path, plugin_config: str = "") -> Path:
    """The demo's configuration: Material with admonitions, tables and permalinks; ``plugin_config``
    follows the plugin's name (``:`` and its options)."""
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: test\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - plan-portal"
        + plugin_config + "\nmarkdown_extensions:\n  - admonition\n  - tables\n  - toc:\n      permalink: true\n",
        encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


def page(site: Path, *parts: str) -> str:
    return (site / "plans" / Path(*parts) / "index.html").read_text(encoding="utf-8")


def test_hostile_files_are_published_as_plain_text_and_the_site_is_whole(tmp_path: Path):
    write_portfolio(tmp_path)
    site = build_site(tmp_path)
    assert_good_page(site)
    assert "Migration stalls" in page(site, "003-brackets", "plan") and "Migration stalls" in page(site, GOOD, "plan")

    deep = page(site, "002-bad", "spec")
    assert "specs/002-bad/spec.md could not be published as it is" in deep
    assert 'class="pp-plain-text"' in deep and "- item 259" in deep
    assert "<li>" not in deep.partition('class="pp-plain-text"')[2].partition("</pre>")[0]

    hostile = page(site, "003-brackets", "spec")
    shown = hostile.partition('class="pp-plain-text">')[2].partition("</pre>")[0]
    assert "[" * 50_000 + "]" * 50_000 + "(" * 50_000 in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert" not in hostile

    contract = page(site, "004-contract", "contracts", "api")
    assert 'class="pp-plain-text"' in contract and contract.count("&lt;a ") == 5000
    checklist = page(site, "004-contract", "checklists", "ok")
    assert 'class="pp-plain-text"' not in checklist and "<li>" in checklist

    quoted = page(site, "005-quoted", "plan")
    assert "quoted twenty-five deep" in quoted and "quoted a hundred and fifty deep" in quoted


def test_a_silenced_unsafe_markdown_check_still_keeps_the_file_from_mkdocs(tmp_path: Path):
    portfolio(tmp_path, {"plan.md": plan("002-bad"), "spec.md": "# Spec\n\n" + "[" * 3000 + "\n"})
    site = build_site(tmp_path, ":\n      severity:\n        unsafe-markdown: \"off\"")
    assert_good_page(site)
    assert 'class="pp-plain-text"' in page(site, "002-bad", "spec")


def test_check_reports_what_the_build_shows_as_plain_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_portfolio(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "specs"], catch_exceptions=False)
    assert result.exit_code == 1
    for expected in ("specs/002-bad/plan.md:2: error invalid-frontmatter",
                     "specs/002-bad/spec.md:103: error unsafe-markdown",
                     "specs/003-brackets/spec.md:5: error unsafe-markdown",
                     "specs/004-contract/contracts/api.md:3: error unsafe-markdown"):
        assert expected in result.output, result.output
    assert "checklists/ok.md" not in result.output and "005-quoted" not in result.output
