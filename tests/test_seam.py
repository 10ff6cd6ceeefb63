"""Every adapter gets the same portal from the same settings: the size limit holds for what is
published, and ``generate`` honours templates, options, severities and ``compare_to``."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.cli import main
from test_plugin import write_site

SECRET = "over-the-limit-text-"


def _oversized_site(root: Path) -> Path:
    write_site(root, {"001-alpha": {}}, "plugins:\n  - plan-portal:\n      max_file_bytes: 1000\n")
    folder = root / "specs" / "001-alpha"
    (folder / "spec.md").write_text("# Spec\n\n" + SECRET * 200 + "\n", encoding="utf-8")
    (folder / "contracts").mkdir()
    (folder / "contracts" / "api.yaml").write_text(f"# {SECRET}\n" + "x: 1\n" * 400, encoding="utf-8")
    (folder / "contracts" / "events.md").write_text("# Events\n\n" + SECRET * 100 + "\n", encoding="utf-8")
    (folder / "contracts" / "small.json").write_text('{"fine": true}\n', encoding="utf-8")
    return root


def test_files_over_max_file_bytes_are_reported_and_not_published(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    root = _oversized_site(tmp_path / "project")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with caplog.at_level(logging.ERROR, logger="mkdocs.plugins.plan_portal"):
        build(config)
    site = tmp_path / "site"
    errors = "\n".join(r.getMessage() for r in caplog.records)
    for name in ("spec.md", "contracts/api.yaml", "contracts/events.md"):
        assert f"specs/001-alpha/{name}:1: unreadable-file" in errors and "over the limit of 1000" in errors
    published = [p for p in site.rglob("*") if p.is_file() and SECRET in p.read_text(encoding="utf-8", errors="replace")
                 and "search" not in p.name]
    assert published == []
    assert not (site / "plans" / "001-alpha" / "contracts" / "api.yaml").exists()
    assert (site / "plans" / "001-alpha" / "contracts" / "small.json").is_file()
    spec_page = (site / "plans" / "001-alpha" / "spec" / "index.html").read_text(encoding="utf-8")
    assert "could not be published as it is" in spec_page and "over the limit of 1000" in spec_page
    feature_page = (site / "plans" / "001-alpha" / "plan" / "index.html").read_text(encoding="utf-8")
    assert 'href="../contracts/small.json"' in feature_page and "contracts/api.yaml</a>" not in feature_page
    assert "over the limit of 1000; not published" in feature_page  # its problem, listed on the feature page


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


def test_generate_honours_templates_options_severities_and_compare_to(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    root = write_site(tmp_path / "project", {"001-alpha": {}, "002-beta": {"status": "FAIL"}})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    (root / "specs" / "001-alpha" / "plan.md").write_text(
        (root / "specs" / "001-alpha" / "plan.md").read_text(encoding="utf-8").replace("| Single datastore | PASS",
                                                                                       "| Single datastore | FAIL"),
        encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "overview.html").write_text("# {{ title }}\n\nCustom overview of {{ rows | length }} features.\n",
                                             encoding="utf-8")
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "generate", "specs", "--out", str(out), "--custom-templates", str(templates), "--title", "Roadmap",
        "--page-size", "1", "--severity", "gate-fail-unmitigated=off", "--compare-to", "HEAD"],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    overview = (out / "index.md").read_text(encoding="utf-8")
    assert overview.startswith("# Roadmap") and "Custom overview of 1 features." in overview
    assert (out / "index-2.md").is_file()  # --page-size 1: the second feature's row is on page 2
    assert "Changes since HEAD" in (out / "changes.md").read_text(encoding="utf-8")
    assert "0 errors" in result.output  # the unmitigated FAILs are silenced
    feature = (out / "001-alpha" / "plan.md").read_text(encoding="utf-8")
    assert "gate-fail-unmitigated" not in feature
