"""``plan-portal diff`` and the plugin's ``compare_to``: changes between git revisions, exports and
the working tree, reported as Markdown, JSON and marks on the dashboards."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import tarfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.cli import main
from plan_portal.compare import compare
from plan_portal.compare.report import markdown_cell
from plan_portal.compare.revision import _extract, export_at_commit, resolve_commit
from plan_portal.export import export_document
from plan_portal.pipeline import run
from plan_portal.settings import Settings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

ALPHA = """\
---
feature_id: 001-alpha
constitution_version: 1.0.0
---

# Implementation Plan: Alpha

{summary}## Constitution Check

### Pre-Phase 0 Gate

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Library First | {library} | packaged as a library | Lead |
| Test First | {tests} | tests written first | QA |
| Simplicity | Maybe later | one project | Lead |

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use SQLite | Local storage | {adr1} | none |
| ADR-002 | Keep one service | Small team | {adr2} | none |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | Slow disk | {r1} | High | Ops | Cache reads | Latency over 1s |
{risks}"""

SMALL = """\
# Implementation Plan: {title}

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Contract first | PASS | contracts drafted | Lead |
{decisions}"""

R2 = r"| R2 | Leak \| <script>alert(1)</script> in logs | Low | High | Ops | Redact | PII scan alert |"
R3 = "| R3 | Vendor lock-in | Medium | Medium | Lead | Abstraction layer | Price rise |"
BETA_DECISIONS = """
## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | Use Go | Speed | Accepted | none |
"""
MKDOCS = "site_name: t\ntheme:\n  name: mkdocs\n  highlightjs: false\nplugins:\n  - plan-portal:\n{options}"

#: What the fixture changes between its two commits, worked out from the plans above:
#: 002-beta appears with one gate and one decision, 003-gamma goes away with one gate; two gates
#: swap PASS and FAIL (so their unmitigated-FAIL errors swap too); R1 goes from low×high
#: (score 3: medium) to high×high (9: high); R2 is new, R3 is gone; ADR-001 is accepted.
#: Simplicity keeps its unknown status; the summary added above it moves its warning, which is no change.
EXPECTED = {
    ("feature", "added", "002-beta", "", "", "1 gate, 0 risks, 1 decision"),
    ("feature", "removed", "003-gamma", "", "1 gate, 0 risks, 0 decisions", ""),
    ("gate", "changed", "001-alpha", "Library First", "FAIL", "PASS"),
    ("gate", "changed", "001-alpha", "Test First", "PASS", "FAIL"),
    ("risk", "re-rated", "001-alpha", "R1", "low×high (medium)", "high×high (high)"),
    ("risk", "added", "001-alpha", "R2", "", "low×high (medium)"),
    ("risk", "closed", "001-alpha", "R3", "medium×medium (medium)", "removed"),
    ("decision", "changed", "001-alpha", "ADR-001", "proposed", "accepted"),
    ("diagnostic", "appeared", "", "gate-fail-unmitigated", "", "error"),
    ("diagnostic", "resolved", "", "gate-fail-unmitigated", "error", ""),
}


def git(repo: Path, *args: str) -> str:
    # Identity on the command line: CI runs as root with no global git configuration.
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_alpha(repo: Path, **values: str) -> None:
    fields = {"summary": "", "library": "FAIL", "tests": "PASS", "adr1": "Proposed", "adr2": "Accepted", "r1": "Low",
              "risks": R3 + "\n"} | values
    write(repo / "specs" / "001-alpha" / "plan.md", ALPHA.format(**fields))


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def as_tuples(changes: list[dict[str, object]]) -> set[tuple[object, ...]]:
    """Changes as comparable tuples; gates by name, since their ids derive from it."""
    return {(c["kind"], c["action"], c["feature"], c["title"] if c["kind"] == "gate" else c["record"], c["before"],
             c["after"]) for c in changes}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with two commits of plans, exports of both at tmp_path/base.json and head.json."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    git(root, "init", "-q")
    write_alpha(root)
    write(root / "specs" / "003-gamma" / "plan.md", SMALL.format(title="Gamma", decisions=""))
    write(root / "docs" / "index.md", "# Home\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    assert invoke("export", "-o", str(tmp_path / "base.json")).exit_code == 0
    write_alpha(root, summary="## Summary\n\nNow with a summary.\n\n", library="PASS", tests="FAIL", adr1="Accepted",
                r1="High", risks=R2 + "\n")
    (root / "specs" / "003-gamma" / "plan.md").unlink()
    write(root / "specs" / "002-beta" / "plan.md", SMALL.format(title="Beta", decisions=BETA_DECISIONS))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "second")
    assert invoke("export", "-o", str(tmp_path / "head.json")).exit_code == 0
    return root


def test_diff_between_two_commits_reports_each_change(repo: Path):
    result = invoke("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert as_tuples(report["changes"]) == EXPECTED
    messages = {c["action"]: c["title"] for c in report["changes"] if c["kind"] == "diagnostic"}
    assert "'Test First' is FAIL" in messages["appeared"] and "'Library First' is FAIL" in messages["resolved"]
    assert report["base"].startswith("HEAD~1 (") and report["head"].startswith("HEAD (")
    # Regressions and improvements: a gate now failing, a risk rated up and a new error are worse;
    # the reverse, a closed risk and an accepted decision are better; a new risk is neither.
    directions = {(c["kind"], c["action"], c["title"] if c["kind"] == "gate" else c["record"]): c["direction"]
                  for c in report["changes"]}
    assert directions == {
        ("feature", "added", ""): "", ("feature", "removed", ""): "",
        ("gate", "changed", "Library First"): "better", ("gate", "changed", "Test First"): "worse",
        ("risk", "re-rated", "R1"): "worse", ("risk", "added", "R2"): "", ("risk", "closed", "R3"): "better",
        ("decision", "changed", "ADR-001"): "better",
        ("diagnostic", "appeared", "gate-fail-unmitigated"): "worse",
        ("diagnostic", "resolved", "gate-fail-unmitigated"): "better",
    }
    assert report["base_revision"]["kind"] == "ref" and report["base_revision"]["asked"] == "HEAD~1"
    assert report["counts"]["risk"] == {"added": 1, "closed": 1, "re-rated": 1}


def test_diff_against_the_working_tree_sees_uncommitted_edits(repo: Path):
    assert json.loads(invoke("diff", "HEAD", "--format", "json").output)["changes"] == []
    write_alpha(repo, summary="## Summary\n\nNow with a summary.\n\n", library="PASS", tests="FAIL", adr1="Accepted",
                adr2="Superseded", r1="High", risks=R2 + "\n")
    report = json.loads(invoke("diff", "HEAD", "--format", "json").output)
    assert report["head"] == "working tree"
    assert as_tuples(report["changes"]) == {("decision", "changed", "001-alpha", "ADR-002", "accepted", "superseded")}


def test_diff_of_two_exports_equals_the_diff_of_their_commits(repo: Path, tmp_path: Path):
    from_files = json.loads(invoke("diff", str(tmp_path / "base.json"), str(tmp_path / "head.json"),
                                   "--format", "json").output)
    from_git = json.loads(invoke("diff", "HEAD~1", "HEAD", "--format", "json").output)
    assert as_tuples(from_files["changes"]) == EXPECTED
    assert from_files["changes"] == from_git["changes"]


def test_markdown_report_has_counts_and_escaped_table_rows(repo: Path):
    result = invoke("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "1 feature added, 1 removed · 2 gates changed (1 now FAIL) · 1 risk added, 1 closed, 1 re-rated" in text
    assert "1 re-rated · 1 decision changed · 1 diagnostic appeared, 1 resolved** (3 worse, 4 better)" in text
    assert "| changed · better | 001-alpha | ADR-001 | Use SQLite | proposed → accepted |" in text
    assert "| added | 002-beta | Beta | — → 1 gate, 0 risks, 1 decision |" in text
    # The pipe would end the cell and the script tag would be HTML: both are escaped.
    escaped_row = (r"| added | 001-alpha | R2 | Leak \| &lt;script&gt;alert(1)&lt;/script&gt; in logs | "
                   "— → low×high (medium) |")
    assert escaped_row in text
    assert "<script>" not in text
    assert "### Diagnostics (2)" in text


def test_markdown_cell_escapes_backslashes_before_pipes():
    # "a\|b" must not become "a\\|b", where the pipe would end the cell after an escaped backslash.
    assert markdown_cell("a\\|b\n<i>") == "a\\\\\\|b &lt;i&gt;"


def test_fail_on_new_errors_fails_only_when_an_error_appeared(repo: Path):
    assert invoke("diff", "HEAD~1", "HEAD", "--fail-on-new-errors").exit_code == 1
    assert invoke("diff", "HEAD", "--fail-on-new-errors").exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["no-such-ref"], "'no-such-ref' is not a commit, branch or tag"),
    (["--", "--upload-pack=x"], "is not a commit, branch or tag"),
    (["HEAD", "nope~3"], "'nope~3' is not a commit"),
])
def test_unknown_refs_are_clean_errors(repo: Path, args: list[str], message: str):
    result = invoke("diff", *args)
    assert result.exit_code == 2
    assert message in result.output and "[unknown-ref]" in result.output
    assert isinstance(result.exception, SystemExit)


def test_outside_a_repository_and_without_git_are_clean_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    write_alpha(tmp_path)
    result = invoke("diff", "HEAD")
    assert result.exit_code == 2 and "is not inside a git repository [not-a-repository]" in result.output
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    result = invoke("diff", "HEAD")
    assert result.exit_code == 2 and "git is not installed" in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_file_that_is_no_export_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    write_alpha(tmp_path)
    write(tmp_path / "other.json", '{"schema": "something-else/2"}')
    write(tmp_path / "broken.json", "{not json")
    for name, code in (("other.json", "schema 'something-else/2'"), ("broken.json", "is not a JSON export")):
        result = invoke("diff", name)
        assert result.exit_code == 2 and code in result.output and "[invalid-export]" in result.output


def test_a_root_missing_at_the_baseline_makes_every_feature_new(repo: Path):
    write(repo / "more" / "004-delta" / "plan.md", SMALL.format(title="Delta", decisions=""))
    report = json.loads(invoke("diff", "HEAD", "--root", "specs", "--root", "more", "--format", "json").output)
    assert as_tuples(report["changes"]) == {("feature", "added", "004-delta", "", "", "1 gate, 0 risks, 0 decisions")}


def test_extraction_skips_links_and_paths_that_leave_the_folder(tmp_path: Path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, kind in (("specs/a/plan.md", tarfile.REGTYPE), ("../escape.md", tarfile.REGTYPE),
                           ("specs/a/link.md", tarfile.SYMTYPE), ("/abs.md", tarfile.REGTYPE)):
            member = tarfile.TarInfo(name)
            member.type = kind
            member.linkname = "/etc/hostname" if kind == tarfile.SYMTYPE else ""
            data = b"" if kind == tarfile.SYMTYPE else b"# plan\n"
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    archive = tmp_path / "a.tar"
    archive.write_bytes(buffer.getvalue())
    destination = tmp_path / "out"
    destination.mkdir()
    _extract(archive, destination)
    found = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() or p.is_symlink())
    assert found == ["a.tar", "out/specs/a/plan.md"]


@pytest.mark.parametrize("project", ["inference-sim__inference-sim", "ethan-nola__nola-design-system"])
def test_real_plans_read_at_a_commit_give_the_working_tree_document(tmp_path: Path, project: str):
    """Reading through git archive must not change a thing, diagnostics' paths and lines included."""
    if not (CORPUS / project).is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS / project / "specs", repo / "project" / "specs", symlinks=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "corpus")
    base, roots = repo / "project", [repo / "project" / "specs"]
    settings = Settings(tuple(roots), base)
    result = run(settings)
    at_commit = export_at_commit(resolve_commit("HEAD", base), settings)
    assert at_commit["features"] and at_commit == export_document(result)


def test_diagnostics_match_by_path_code_and_message_and_count_repeats():
    def document(*lines: int) -> dict[str, object]:
        return {"features": [], "gates": [], "risks": [], "decisions": [], "diagnostics": [
            {"severity": "warning", "code": "malformed-table", "path": "specs/a/plan.md", "line": line,
             "message": "row has 3 cells"} for line in lines]}

    assert compare(document(10, 12), document(20, 22), "a", "b").changes == []
    removed = compare(document(10, 12), document(20), "a", "b").changes
    assert [(c.action, c.before) for c in removed] == [("resolved", "warning")]


def test_a_risk_whose_status_column_says_closed_is_closed():
    def document(status: str) -> dict[str, object]:
        risk = {"feature": "f", "local_id": "R1", "id": "f/R1", "description": "d", "probability": "low",
                "impact": "low", "level": "low", "extra": {"Status": status}}
        return {"features": [{"id": "f"}], "gates": [], "risks": [risk], "decisions": [], "diagnostics": []}

    changes = compare(document("Open"), document("Closed 2026-05"), "a", "b").changes
    assert [(c.kind, c.action, c.after, c.present) for c in changes] == [("risk", "closed", "Closed 2026-05", True)]


# --- compare_to in the plugin ---


def build_site(repo: Path, options: str) -> Path:
    write(repo / "mkdocs.yml", MKDOCS.format(options=textwrap.indent(options, "      ")))
    build(load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "site")))
    return repo / "site" / "plans"


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_compare_to_adds_a_changes_page_and_marks_the_dashboards(repo: Path):
    site = build_site(repo, "compare_to: HEAD~1\n")
    changes = page(site, "changes")
    assert "Changes since HEAD~1" in changes
    assert ('<a href="../001-alpha/plan/#ADR-001">ADR-001</a></td><td>Use SQLite</td><td>proposed → accepted</td>'
            in changes)
    # The baseline is named by its commit and date, and regressions and improvements are coloured.
    head_1 = git(repo, "rev-parse", "HEAD~1").strip()
    assert f'Baseline: <code>HEAD~1</code> at commit <code title="{head_1}">{head_1[:7]}</code> of <time' in changes
    assert ('<tr class="pp-worse"><td><span class="pp-badge pp-change-changed pp-change-plain">changed</span> '
            '<span class="pp-badge pp-direction-worse">worse</span></td><td class="pp-feature-cell">001-alpha</td>'
            ) in changes
    assert '<tr class="pp-better"><td><span class="pp-badge pp-change-closed pp-change-plain">closed' in changes
    assert "(3 worse, 4 better)" in changes and 'class="pp-legend"' in changes
    assert "Leak | &lt;script&gt;alert(1)&lt;/script&gt; in logs" in changes and "<script>alert" not in changes
    # Removed things are listed without a link: they have no page any more.
    assert ('<td class="pp-feature-cell">003-gamma</td><td>Gamma</td>'
            '<td>removed (was 1 gate, 0 risks, 0 decisions)</td>') in changes
    # The page is a dashboard in the nav.
    assert 'href="../changes/"' in page(site, "gates")

    overview = page(site, "")
    assert 'class="pp-badge pp-change pp-change-new" title="new since HEAD~1: 1 gate, 0 risks, 1 decision">new' \
        in overview
    # A feature is marked worse when any of its records got worse; its tooltip lists the worse first.
    assert ('class="pp-badge pp-change pp-change-changed pp-change-worse" title="changed since HEAD~1: '
            'gate gate-pre-test-first PASS → FAIL (worse); risk R1') in overview
    assert "gate gate-pre-library-first FAIL → PASS (better);" in overview
    gates = page(site, "gates")
    assert 'title="Pre-research: FAIL — Test First"><span class="pp-badge pp-gate-fail">✘<span class="pp-sr">' \
           'fail</span></span></a> <span class="pp-badge pp-change pp-change-changed pp-change-worse" ' \
           'title="changed since HEAD~1 (worse): PASS → FAIL">changed<span class="pp-sr"> (worse)</span></span>' \
           in gates
    risks = page(site, "risks")
    assert '>R1</a> <span class="pp-badge pp-change pp-change-re-rated pp-change-worse" title="re-rated since ' \
           'HEAD~1 (worse): low×high (medium) → high×high (high)">re-rated<span class="pp-sr"> (worse)</span>' in risks
    assert '>R2</a> <span class="pp-badge pp-change pp-change-new"' in risks
    decisions = page(site, "decisions")
    assert '<strong>ADR-001</strong></a> <span class="pp-badge pp-change pp-change-changed pp-change-better" ' \
           'title="changed since HEAD~1 (better): proposed → accepted">' in decisions
    # A record of a new feature is new; unchanged records carry no mark.
    assert '<strong>ADR-001</strong></a> <span class="pp-badge pp-change pp-change-new"' in decisions
    assert "<strong>ADR-002</strong></a> Keep one service" in decisions


def test_without_compare_to_nothing_is_marked(repo: Path):
    site = build_site(repo, "roots: [specs]\n")
    assert not (site / "changes").exists()
    for name in ("", "gates", "risks", "decisions"):
        assert "pp-change" not in page(site, name), name


def test_an_unknown_compare_to_ref_is_a_warning_and_the_page_says_why(repo: Path, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        site = build_site(repo, "compare_to: release-9\n")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("compare_to: 'release-9' is not a commit, branch or tag" in w for w in warnings)
    assert "could not be read, so nothing is compared" in page(site, "changes")
    assert "pp-change" not in page(site, "")
