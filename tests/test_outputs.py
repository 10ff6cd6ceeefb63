"""What the portal writes out for names and text it does not control: links to files whose names
hold URL syntax, control characters in text output, and standard output that cannot be written."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner, Result

from fixture_text import write_feature_files
from plan_portal.cli import main
from plan_portal.compare import compare
from plan_portal.compare.report import markdown_report
from plan_portal.diagnostics import printable
from plan_portal.export import export_json
from plan_portal.pipeline import run
from plan_portal.render.inline import artifact_mapper, render_inline
from plan_portal.render.urls import file_url, relative_url
from plan_portal.settings import Settings
from test_plugin import build_site, write_site

FEATURE = "001-alpha"
#: Files of a feature whose names are URL syntax: #, ?, %, & and a newline, in names and in folders.
ODD_FILES = [
    "contracts/a#b.yaml", "contracts/c?d.json", "contracts/e%41.txt", "contracts/sp ace&amp.txt",
    "contracts/x#?%&y/f.yaml", "contracts/new\nline/g.yaml",
    "contracts/h#i.md", "contracts/p%41.md", "checklists/q?r&s.md",
]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _write_odd_files(folder: Path) -> None:
    for name in ODD_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("# A checklist\n" if name.endswith(".md") else f"name: {name!r}\n",
                                   encoding="utf-8")


def _links_to_feature_files(page: str) -> list[str]:
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    return [h for h in hrefs if "contracts" in h or "checklists" in h]


def _resolves(href: str, page_url: str, root: Path, index: str = "index.html") -> Path | None:
    """The file a browser fetches for ``href`` on the page at ``page_url`` (site-relative), or None."""
    target = urlsplit(urljoin(f"http://site/{page_url}", href))
    assert not target.query and not target.fragment, f"{href!r}: part of the file name became a query or fragment"
    path = root / unquote(target.path.removeprefix("/"))
    if path.is_dir():
        path = path / index
    return path if path.is_file() else None


def test_file_url_encodes_every_segment() -> None:
    assert file_url("plans/001/contracts/a#b.yaml") == "plans/001/contracts/a%23b.yaml"
    assert file_url("plans/001/x#?%&y/new\nline.txt") == "plans/001/x%23%3F%25%26y/new%0Aline.txt"
    assert file_url("plans/001/contracts/api.yaml") == "plans/001/contracts/api.yaml"


def test_links_to_odd_file_names_reach_the_files_in_a_built_site(tmp_path: Path) -> None:
    root = write_site(tmp_path, {FEATURE: {}})
    _write_odd_files(root / "specs" / FEATURE)
    site = build_site(root)
    page_url = f"plans/{FEATURE}/plan/"
    links = _links_to_feature_files((site / page_url / "index.html").read_text(encoding="utf-8"))
    assert len(links) == len(ODD_FILES), links
    reached = {_resolves(href, page_url, site) for href in links}
    expected = {site / "plans" / FEATURE / name for name in ODD_FILES if not name.endswith(".md")}
    expected |= {site / "plans" / FEATURE / name.removesuffix(".md") / "index.html"
                 for name in ODD_FILES if name.endswith(".md")}
    assert reached == expected


@pytest.mark.parametrize("links", ["directory", "html", "markdown"])
def test_links_to_odd_file_names_reach_the_files_generate_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 links: str) -> None:
    """Links name what an engine publishes for each file: a copied contract as it is; a Markdown
    page ``h#i.md`` at ``h#i/`` (directory), ``h#i.html`` (html) or by its source (markdown)."""
    folder = write_feature_files(tmp_path, FEATURE, {"plan.md": "# Implementation Plan: Alpha\n"})
    _write_odd_files(folder)
    monkeypatch.chdir(tmp_path)
    assert invoke("generate", "--out", "out", "--links", links).exit_code == 0
    out = tmp_path / "out"
    plan = f"{FEATURE}/plan.md"
    hrefs = _links_to_feature_files((out / plan).read_text(encoding="utf-8"))
    assert len(hrefs) == len(ODD_FILES), hrefs
    page_url = f"{FEATURE}/plan/" if links == "directory" else plan
    found = set()
    for href in hrefs:
        if links == "directory" and href.endswith("/"):
            href = href.removesuffix("/") + ".md"  # the page at x/ is published from x.md
        elif links == "html" and href.endswith(".html"):
            href = href.removesuffix(".html") + ".md"
        found.add(_resolves(href, page_url, out))
    assert found == {out / FEATURE / name for name in ODD_FILES}, hrefs


def test_links_in_plan_text_to_files_with_encoded_names_are_mapped() -> None:
    urls = {"specs/001/contracts/c?d.json": "plans/001/contracts/c%3Fd.json",
            "specs/001/contracts/a b.yaml": "plans/001/contracts/a%20b.yaml",
            "specs/001/contracts/e%41.txt": "plans/001/contracts/e%2541.txt"}
    mapper = artifact_mapper("specs/001", urls, "plans/001/plan/", relative_url)
    assert 'href="../contracts/c%3Fd.json"' in render_inline("[c](contracts/c%3Fd.json)", mapper)
    assert 'href="../contracts/a%20b.yaml"' in render_inline("[a](<contracts/a b.yaml>)", mapper)
    assert 'href="../contracts/e%2541.txt"' in render_inline("[e](contracts/e%41.txt)", mapper)


# --------------------------------------------------------------------------------------------- control characters


@pytest.mark.parametrize(("text", "shown"), [
    ("a\nb", "a\\nb"), ("a\rb\tc", "a\\rb\\tc"), ("\x1b[2J", "\\x1b[2J"), ("\x00\x7f", "\\x00\\x7f"),
    ("a\x85b", "a\\x85b"), ("a\u2028b\u2029", "a\\u2028b\\u2029"), ("\u202eevil", "\\u202eevil"),
    ("Zürich — 東京 ✓ \\n", "Zürich — 東京 ✓ \\n"),
])
def test_printable_escapes_controls_and_keeps_other_unicode(text: str, shown: str) -> None:
    assert printable(text) == shown


FORGED = "forged.md:1: error dangling-reference: this line was forged"
#: A folder name that, printed raw, ends its diagnostic line and starts a forged one.
FORGING_FOLDER = f"001-x\n{FORGED}\x1b[2K\u2028"


@pytest.fixture
def forging_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_feature_files(tmp_path, FORGING_FOLDER, {"plan.md": ""})  # an empty plan: one empty-plan warning
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_text_shows_a_newline_in_a_folder_name_instead_of_starting_a_line(forging_project: Path) -> None:
    result = invoke("check")
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines  # one diagnostic, one summary
    assert lines[0] == (f"specs/001-x\\n{FORGED}\\x1b[2K\\u2028/plan.md:1: warning empty-plan: plan.md is empty")
    assert not any(line.startswith("forged.md") for line in lines)


def test_github_annotations_keep_one_command_per_line(forging_project: Path) -> None:
    lines = invoke("check", "--format", "github").stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::warning file=specs/001-x%0Aforged.md%3A1%3A"), lines
    assert "\\x1b[2K\\u2028/plan.md" in lines[0]


def test_diff_report_shows_controls_in_names(forging_project: Path) -> None:
    empty = {"features": [], "gates": [], "risks": [], "decisions": [], "diagnostics": []}
    head = json.loads(invoke("export").stdout)
    report = markdown_report(compare(empty, head, "base", "head"))
    assert "\x1b" not in report and "\u2028" not in report
    row = next(line for line in report.splitlines() if "empty-plan" in line)
    assert "\\\\x1b[2K\\\\u2028/plan.md:1" in row  # \x1b as Markdown text: the backslash escaped
    assert not any(line.startswith("forged.md") for line in report.splitlines())


def test_plugin_log_lines_show_controls_in_names(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_site(tmp_path, {"002-ok": {}})
    write_feature_files(root, FORGING_FOLDER, {"plan.md": ""})
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        build_site(root)
    messages = [r.getMessage() for r in caplog.records if "empty-plan" in r.getMessage()]
    assert messages == [f"plan_portal: specs/001-x\\n{FORGED}\\x1b[2K\\u2028/plan.md:1: empty-plan: plan.md is empty"]


# --------------------------------------------------------------------------------------------- standard output


def _command() -> list[str]:
    script = Path(sys.executable).with_name("plan-portal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plan_portal.cli"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_feature_files(tmp_path, "001-ok", {"plan.md": "# Implementation Plan: OK\n\nA plan.\n"})
    write_feature_files(tmp_path, "002-empty", {"plan.md": ""})  # a warning, so that check prints a line
    no_features_yet = run(Settings((tmp_path / "no-specs-yet",), tmp_path))
    (tmp_path / "base.json").write_text(export_json(no_features_yet), encoding="utf-8")
    return tmp_path


COMMANDS = [["check"], ["check", "--format", "json"], ["export"], ["export", "--format", "csv", "--table", "gates"],
            ["diff", "base.json"]]


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", COMMANDS)
def test_a_full_stdout_is_a_one_line_error(project: Path, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([*_command(), *args], cwd=project, stdout=full, stderr=subprocess.PIPE, text=True)
    _no_traceback(done.stderr)
    assert done.returncode == 1
    assert done.stderr == "Error: could not write to standard output: No space left on device\n"


@pytest.mark.parametrize("args", COMMANDS)
def test_a_closed_stdout_is_a_one_line_error(project: Path, args: list[str]) -> None:
    closed = ["sh", "-c", 'exec "$@" >&-', "sh", *_command(), *args]
    done = subprocess.run(closed, cwd=project, stderr=subprocess.PIPE, text=True)
    _no_traceback(done.stderr)
    assert done.returncode == 1
    assert done.stderr == "Error: could not write to standard output: it is closed\n"


@pytest.mark.parametrize("args", COMMANDS)
def test_a_reader_gone_is_a_quiet_exit_1(project: Path, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: that write fails with EPIPE
    try:
        done = subprocess.run([*_command(), *args], cwd=project, stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    _no_traceback(done.stderr)
    assert done.returncode == 1
    assert done.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_export_to_a_file_that_cannot_be_written_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["export", "-o", "/dev/full"])
    assert result.exit_code == 1
    assert result.output == "Error: could not write /dev/full: No space left on device\n"
