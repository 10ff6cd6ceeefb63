"""Bad input next to good input: every case reads without an exception, reports the bad file with
its path, line and a stable code, and leaves the good feature fully read. A subset also builds a
real MkDocs site (Material) to show the portal still publishes."""

from __future__ import annotations

import builtins
import errno
import io
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from fixture_text import write_feature_files
from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.diagnostics import Diagnostic
from plan_portal.model.records import Feature
from plan_portal.pipeline import run
from plan_portal.settings import Settings

GOOD = "001-good"
BAD = "002-bad"

PLAN = """\
---
feature_id: {fid}
constitution_version: 2.0.0
---

# Implementation Plan: {fid}

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Contract first | PASS | contracts drafted | Lead |
| Single datastore | PASS | one store | Lead |

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use Postgres | one store | Accepted | none |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Migration stalls | High | Low | SRE | Dry runs | Lag over 5 min |
"""

GATES = ["gate-pre-contract-first", "gate-pre-single-datastore"]


def plan(fid: str) -> str:
    return PLAN.format(fid=fid)


def line_of(text: str, start: str) -> int:
    """1-based line of the first line of text that starts with ``start``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def write(root: Path, fid: str, files: dict[str, str | bytes]) -> Path:
    """Files exactly as given: these tests are about the bytes, line endings included."""
    return write_feature_files(root, fid, files, dedent=False)


def portfolio(root: Path, bad: dict[str, str | bytes] | None = None, bad_id: str = BAD) -> Path:
    """The good feature and, when given, a bad one next to it; returns the spec root."""
    write(root, GOOD, {"plan.md": plan(GOOD), "spec.md": f"# Feature Specification: {GOOD}\n",
                       "tasks.md": "- [x] T001 one\n- [ ] T002 two\n"})
    if bad is not None:
        write(root, bad_id, bad)
    return root / "specs"


def pipeline(root: Path, **kwargs: Any) -> Result:
    return run(Settings((root / "specs",), root, **kwargs))


def feature(result: Result, fid: str) -> Feature:
    found = [f for f in result.portfolio.features if f.id == fid]
    assert len(found) == 1, [f.id for f in result.portfolio.features]
    return found[0]


def diagnostics_for(result: Result, path: str) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.path == path]


def codes(result: Result, path: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in diagnostics_for(result, path)]


def assert_good(result: Result, fid: str = GOOD) -> Feature:
    """The good feature is read whole: gates, risks, decisions, spec, tasks, and nothing reported."""
    good = feature(result, fid)
    assert [g.local_id for g in good.gates] == GATES
    assert [g.status for g in good.gates] == ["pass", "pass"]
    assert [r.local_id for r in good.risks] == ["R1"]
    assert good.risks[0].description == "Migration stalls"
    assert [d.local_id for d in good.decisions] == ["ADR-001"]
    assert good.constitution_version == "2.0.0"
    assert good.spec is not None and good.tasks is not None and good.tasks.total == 2
    assert [d for d in result.diagnostics if d.path.startswith(f"specs/{fid}/")] == []
    return good


# --- real sites -------------------------------------------------------------------------------


def build_site(root: Path) -> Path:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: test\ntheme:\n  name: material\n  font: false\nplugins:\n  - plan-portal\n", encoding="utf-8"
    )
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    return root / "site"


def assert_good_page(site: Path, fid: str = GOOD) -> None:
    page = site / "plans" / fid / "plan" / "index.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert 'id="R1"' in html and 'id="ADR-001"' in html and 'id="gate-pre-contract-first"' in html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag == "a" and name == "href" and value:
                self.hrefs.append(value)


def resolved_links(page: Path) -> set[Path]:
    """Files that the relative links on a built page point at (directory URLs end in index.html)."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    found: set[Path] = set()
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = Path(os.path.normpath(page.parent / unquote(parts.path)))
        if href.split("#")[0].split("?")[0].endswith("/"):
            target = target / "index.html"
        found.add(target)
    return found


# --- frontmatter ------------------------------------------------------------------------------


def test_invalid_yaml_frontmatter(tmp_path: Path):
    text = plan(BAD).replace("constitution_version: 2.0.0", "constitution_version: 2.0.0\ntitle: a: b")
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == [("invalid-frontmatter", line_of(text, "title: a: b"))]
    bad = feature(result, BAD)
    assert bad.metadata == {}
    assert [r.local_id for r in bad.risks] == ["R1"]  # the body is still read
    assert_good(result)
    assert_good_page(build_site(tmp_path))


@pytest.mark.parametrize(("frontmatter", "type_name"), [("- one\n- two\n", "list"), ("just a sentence\n", "str")],
                         ids=["list", "scalar"])
def test_frontmatter_that_is_not_a_mapping(tmp_path: Path, frontmatter: str, type_name: str):
    text = "---\n" + frontmatter + "---\n" + plan(BAD).split("---\n", 2)[2]
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("invalid-frontmatter", 1) and type_name in found.message
    assert [g.local_id for g in feature(result, BAD).gates] == GATES
    assert_good(result)


# --- encodings and line endings ---------------------------------------------------------------


def test_bytes_that_are_not_utf8(tmp_path: Path):
    text = plan(BAD).replace("Migration stalls", "Migration st@lls")
    data = text.encode("utf-8").replace(b"@", b"\xff")
    portfolio(tmp_path, {"plan.md": data})
    result = pipeline(tmp_path)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("invalid-utf8", line_of(text, "| R1 "))
    bad = feature(result, BAD)
    assert [r.description for r in bad.risks] == ["Migration st\ufffdlls"]
    assert [g.local_id for g in bad.gates] == GATES and bad.constitution_version == "2.0.0"
    assert_good(result)
    assert_good_page(build_site(tmp_path))


def test_bytes_that_are_not_utf8_with_lone_cr_line_endings(tmp_path: Path):
    text = plan(BAD).replace("Migration stalls", "Migration st@lls")
    data = text.replace("\n", "\r").encode("utf-8").replace(b"@", b"\xff")
    portfolio(tmp_path, {"plan.md": data})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == [("invalid-utf8", line_of(text, "| R1 "))]
    assert_good(result)


def test_utf8_bom(tmp_path: Path):
    portfolio(tmp_path, {"plan.md": b"\xef\xbb\xbf" + plan(BAD).encode("utf-8")})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == []
    bad = feature(result, BAD)
    assert bad.metadata.get("feature_id") == BAD and bad.constitution_version == "2.0.0"
    assert [g.source.line for g in bad.gates] == [line_of(plan(BAD), "| Contract"), line_of(plan(BAD), "| Single")]
    assert_good(result)


def _records(f: Feature) -> list[tuple[str, str, int]]:
    records = [(g.local_id, g.status, g.source.line) for g in f.gates]
    records += [(r.local_id, r.description, r.source.line) for r in f.risks]
    records += [(d.local_id, d.title, d.source.line) for d in f.decisions]
    return records


def _same_as_lf(tmp_path: Path, newline: str) -> None:
    # The same plan with one malformed row, so that a diagnostic's line is compared too.
    text = plan(BAD).replace("| one store | Lead |", "| one store | Lead | extra |")
    write(tmp_path, "003-lf", {"plan.md": text})
    portfolio(tmp_path, {"plan.md": text.replace("\n", newline).encode("utf-8")})
    result = pipeline(tmp_path)
    lf, other = feature(result, "003-lf"), feature(result, BAD)
    assert _records(other) == _records(lf) and len(_records(lf)) == 4
    assert other.metadata == lf.metadata and other.metadata.get("feature_id") == BAD
    row = line_of(text, "| Single")
    assert codes(result, f"specs/{BAD}/plan.md") == codes(result, "specs/003-lf/plan.md") == [("malformed-table", row)]
    assert_good(result)


def test_crlf_line_endings(tmp_path: Path):
    _same_as_lf(tmp_path, "\r\n")


def test_lone_cr_line_endings(tmp_path: Path):
    _same_as_lf(tmp_path, "\r")


# --- files that are not plans -----------------------------------------------------------------


def test_empty_plan(tmp_path: Path):
    portfolio(tmp_path, {"plan.md": "", "spec.md": "# Feature Specification: Bad\n"})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == [("empty-plan", 1)]
    assert feature(result, BAD).gates == []
    assert_good(result)


def test_plan_md_that_is_a_directory(tmp_path: Path):
    portfolio(tmp_path, {"plan.md/notes.md": "# not a plan\n", "spec.md": "# Feature Specification: Bad\n"})
    result = pipeline(tmp_path)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("unreadable-file", 1) and "directory" in found.message
    assert feature(result, BAD).has_plan is False
    assert_good(result)
    site = build_site(tmp_path)
    assert_good_page(site)


def test_binary_plan(tmp_path: Path):
    data = b"# Plan\n\nline three\n\x89PNG\x00\x01\x02\xff\xfe" + bytes(range(256))
    portfolio(tmp_path, {"plan.md": data})
    result = pipeline(tmp_path)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("unreadable-file", 4) and "binary" in found.message
    assert feature(result, BAD).has_plan is False
    assert_good(result)
    assert_good_page(build_site(tmp_path))


def test_plan_over_the_size_limit_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    big = plan(BAD) + "\n".join(f"Filler paragraph number {n}." for n in range(400)) + "\n"
    portfolio(tmp_path, {"plan.md": big})
    limit = 4096
    assert len(plan(GOOD).encode()) < limit < len(big.encode())
    target = os.path.realpath(tmp_path / "specs" / BAD / "plan.md")
    real_open = builtins.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == target:
            raise AssertionError("the over-size plan was opened")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
    result = pipeline(tmp_path, max_bytes=limit)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("unreadable-file", 1) and "over the limit of 4096" in found.message
    bad = feature(result, BAD)
    assert (bad.gates, bad.risks, bad.decisions, bad.has_plan) == ([], [], [], False)
    assert_good(result)


def test_unreadable_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    portfolio(tmp_path, {"plan.md": plan(BAD)})
    target = tmp_path / "specs" / BAD / "plan.md"
    target.chmod(0)
    if os.access(target, os.R_OK):  # root (as in CI): permissions are not enforced, so make open refuse
        real_open = builtins.open

        def refusing(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == os.path.realpath(target):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing)
        monkeypatch.setattr(io, "open", refusing)
    try:
        result = pipeline(tmp_path)
    finally:
        target.chmod(0o644)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("unreadable-file", 1) and "Permission denied" in found.message
    assert feature(result, BAD).gates == []
    assert_good(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_plan_md_that_is_a_named_pipe(tmp_path: Path):
    folder = write(tmp_path, BAD, {"spec.md": "# Feature Specification: Bad\n"})
    portfolio(tmp_path)
    os.mkfifo(folder / "plan.md")  # opening it for reading would wait for a writer forever
    result = pipeline(tmp_path)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("unreadable-file", 1) and "not a regular file" in found.message
    assert feature(result, BAD).has_plan is False
    assert_good(result)


# --- Markdown that is off ---------------------------------------------------------------------


def test_table_rows_with_too_many_and_too_few_cells(tmp_path: Path):
    text = (plan(BAD)
            .replace("| Dry runs | Lag over 5 min |", "| Dry runs | Lag over 5 min | spare | more |")
            .replace("| Single datastore | PASS | one store | Lead |", "| Single datastore | PASS |"))
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == [
        ("malformed-table", line_of(text, "| Single")), ("malformed-table", line_of(text, "| R1 "))]
    bad = feature(result, BAD)
    single = bad.gates[1]
    assert (single.name, single.status, single.evidence, single.owner) == ("Single datastore", "pass", "", "")
    [risk] = bad.risks
    assert risk.trigger == "Lag over 5 min" and list(risk.extra.values()) == ["spare", "more"]
    assert_good(result)


def test_unclosed_code_fence(tmp_path: Path):
    text = plan(BAD).replace("## Decision Log", "```text\nnever closed\n\n## Decision Log")
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    bad = feature(result, BAD)
    assert [g.local_id for g in bad.gates] == GATES  # before the fence
    assert bad.risks == [] and bad.decisions == []  # swallowed by the fence
    assert codes(result, f"specs/{BAD}/plan.md") == []
    assert_good(result)


def test_raw_html_blocks(tmp_path: Path):
    text = plan(BAD).replace("## Decision Log", (
        "<details>\n<summary>Notes <b>here</b></summary>\n\n"
        "<table><tr><td>| not | a | gate |</td></tr></table>\n\n</details>\n\n"
        "<!-- ACTION REQUIRED: remove -->\n\n<script>alert('x')</script>\n\n## Decision Log"
    )).replace("| Migration stalls |", "| Migration <em>stalls</em> |")
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == []
    bad = feature(result, BAD)
    assert [g.local_id for g in bad.gates] == GATES
    assert [d.local_id for d in bad.decisions] == ["ADR-001"]
    [risk] = bad.risks
    assert risk.description == "Migration <em>stalls</em>" and risk.source.line == line_of(text, "| R1 ")
    assert_good(result)


def test_headings_out_of_order(tmp_path: Path):
    # A level 3 before the level 1, and the risk register as a level 3 before any level 2.
    body = plan(BAD).split("---\n", 2)[2]
    head, risks = body.split("## Risk Register")
    body = head.replace("## Constitution Check", f"### Risk Register{risks}\n## Constitution Check")
    text = f"---\nfeature_id: {BAD}\n---\n### Stray Note\n\nA note.\n{body}"
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    order = ["### Stray", "# Implementation", "### Risk Register", "## Constitution", "## Decision Log"]
    assert [line_of(text, h) for h in order] == sorted(line_of(text, h) for h in order)
    bad = feature(result, BAD)
    assert [g.local_id for g in bad.gates] == GATES
    assert [r.local_id for r in bad.risks] == ["R1"] and bad.risks[0].source.line == line_of(text, "| R1 ")
    assert [d.local_id for d in bad.decisions] == ["ADR-001"]
    assert bad.title == BAD
    assert codes(result, f"specs/{BAD}/plan.md") == []
    assert_good(result)


def test_repeated_section_headings(tmp_path: Path):
    text = plan(BAD) + (
        "\n## Risk Register\n\n"
        "| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |\n"
        "|----|-------------|-------------|--------|-------|------------|---------|\n"
        "| R2 | Vendor lock-in | Low | High | Lead | Abstraction | Price rise |\n"
    )
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    bad = feature(result, BAD)
    assert [(r.local_id, r.source.line) for r in bad.risks] == [
        ("R1", line_of(text, "| R1 ")), ("R2", line_of(text, "| R2 "))]
    assert codes(result, f"specs/{BAD}/plan.md") == []
    assert_good(result)


def test_duplicate_ids(tmp_path: Path):
    text = plan(BAD).replace(
        "| R1 | Migration stalls | High | Low | SRE | Dry runs | Lag over 5 min |",
        "| R1 | Migration stalls | High | Low | SRE | Dry runs | Lag over 5 min |\n"
        "| R1 | Cache goes cold | Low | Low | SRE | Warm-up | Misses |")
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == [("duplicate-id", line_of(text, "| R1 | Cache"))]
    bad = feature(result, BAD)
    assert [(r.local_id, r.description) for r in bad.risks] == [
        ("R1", "Migration stalls"), ("R1~2", "Cache goes cold")]
    assert len({r.id for r in result.portfolio.risks}) == len(result.portfolio.risks)
    assert_good(result)


def test_unknown_statuses(tmp_path: Path):
    text = (plan(BAD).replace("| Contract first | PASS |", "| Contract first | MAYBE |")
            .replace("| Accepted |", "| Pondering |")
            .replace("| High | Low |", "| Purple | Low |"))
    portfolio(tmp_path, {"plan.md": text})
    result = pipeline(tmp_path)
    assert codes(result, f"specs/{BAD}/plan.md") == [
        ("unknown-status", line_of(text, "| Contract")), ("unknown-status", line_of(text, "| ADR-001")),
        ("unknown-status", line_of(text, "| R1 "))]
    bad = feature(result, BAD)
    assert (bad.gates[0].status, bad.gates[0].raw_status) == ("unknown", "MAYBE")
    assert (bad.decisions[0].status, bad.decisions[0].raw_status) == ("unknown", "Pondering")
    assert (bad.risks[0].probability, bad.risks[0].raw_probability) == ("unknown", "Purple")
    assert_good(result)


# --- symlinks ---------------------------------------------------------------------------------


def test_feature_directory_that_is_a_symlink(tmp_path: Path):
    specs = portfolio(tmp_path)
    (specs / "002-alias").symlink_to(specs / GOOD, target_is_directory=True)
    (specs / "000-alias").symlink_to(GOOD, target_is_directory=True)  # relative, sorts first
    result = pipeline(tmp_path)
    assert [f.id for f in result.portfolio.features] == [GOOD]
    assert len(result.portfolio.risks) == 1
    assert_good(result)
    site = build_site(tmp_path)
    assert_good_page(site)
    assert not (site / "plans" / "002-alias").exists() and not (site / "plans" / "000-alias").exists()


def test_symlink_loop_inside_contracts(tmp_path: Path):
    folder = write(tmp_path, BAD, {"plan.md": plan(BAD), "contracts/api.yaml": "openapi: 3.1.0\n"})
    portfolio(tmp_path)
    contracts = folder / "contracts"
    (contracts / "self").symlink_to(".", target_is_directory=True)
    (contracts / "up").symlink_to("..", target_is_directory=True)
    (contracts / "ping").symlink_to("pong")
    (contracts / "pong").symlink_to("ping")
    result = pipeline(tmp_path)
    bad = feature(result, BAD)
    assert bad.files == ["contracts/api.yaml"]
    assert [r.local_id for r in bad.risks] == ["R1"]
    assert_good(result)
    site = build_site(tmp_path)
    assert_good_page(site)
    assert (site / "plans" / BAD / "plan" / "index.html").is_file()


def test_dangling_symlink_named_plan_md(tmp_path: Path):
    folder = write(tmp_path, BAD, {"spec.md": "# Feature Specification: Bad\n"})
    portfolio(tmp_path)
    (folder / "plan.md").symlink_to("gone.md")
    result = pipeline(tmp_path)
    [found] = diagnostics_for(result, f"specs/{BAD}/plan.md")
    assert (found.code, found.line) == ("unreadable-file", 1) and "No such file" in found.message
    assert feature(result, BAD).has_plan is False
    assert_good(result)
    assert_good_page(build_site(tmp_path))


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["002 with spaces", "002-café ünïcode", "003-a#b?c%d&e"])
def test_feature_directory_names_needing_care(tmp_path: Path, name: str):
    portfolio(tmp_path, {"plan.md": plan(name), "spec.md": f"# Feature Specification: {name}\n\n[plan](plan.md)\n"},
              bad_id=name)
    result = pipeline(tmp_path)
    weird = feature(result, name)
    assert weird.path == f"specs/{name}"
    assert [r.id for r in weird.risks] == [f"{name}/R1"]
    assert [g.local_id for g in weird.gates] == GATES
    assert [d for d in result.diagnostics if d.path.startswith(f"specs/{name}/")] == []
    assert_good(result)
    site = build_site(tmp_path)
    assert_good_page(site)
    page = site / "plans" / name / "plan" / "index.html"
    assert page.is_file()
    assert 'id="R1"' in page.read_text(encoding="utf-8")
    links = resolved_links(site / "plans" / "index.html")
    assert page in links, sorted(str(p) for p in links if "plans" in str(p))
    assert site / "plans" / GOOD / "plan" / "index.html" in links
    spec = site / "plans" / name / "spec" / "index.html"
    assert spec.is_file() and page in resolved_links(spec)



# --- the same bad files as siblings of plan.md, in a real site -----------------------------------


# The render publishes sibling artifacts (spec.md, contracts/*.md …) by abs_src_path, so MkDocs
# reads them itself and its read error aborts the whole build.


def test_site_builds_with_a_spec_md_that_is_not_utf8(tmp_path: Path):
    portfolio(tmp_path, {"plan.md": plan(BAD), "spec.md": b"# Feature Specification: Bad \xff\n"})
    assert codes(pipeline(tmp_path), f"specs/{BAD}/spec.md") == [("invalid-utf8", 1)]
    site = build_site(tmp_path)
    assert_good_page(site)
    assert_good_page(site, BAD)
    assert "Bad \ufffd" in (site / "plans" / BAD / "spec" / "index.html").read_text(encoding="utf-8")


def test_site_builds_with_a_directory_named_spec_md(tmp_path: Path):
    portfolio(tmp_path, {"plan.md": plan(BAD), "spec.md/notes.md": "# notes\n"})
    assert codes(pipeline(tmp_path), f"specs/{BAD}/spec.md") == [("unreadable-file", 1)]
    site = build_site(tmp_path)
    assert_good_page(site)
    assert_good_page(site, BAD)


def test_site_builds_with_a_dangling_symlink_named_spec_md(tmp_path: Path):
    folder = write(tmp_path, BAD, {"plan.md": plan(BAD)})
    portfolio(tmp_path)
    (folder / "spec.md").symlink_to("gone.md")
    assert codes(pipeline(tmp_path), f"specs/{BAD}/spec.md") == [("unreadable-file", 1)]
    site = build_site(tmp_path)
    assert_good_page(site)
    assert_good_page(site, BAD)


def test_site_builds_with_a_contract_md_that_is_not_utf8(tmp_path: Path):
    portfolio(tmp_path, {"plan.md": plan(BAD), "contracts/api.md": b"# API \xff\n"})
    site = build_site(tmp_path)
    assert_good_page(site)
    assert_good_page(site, BAD)
