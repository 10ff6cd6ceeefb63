"""Every dashboard links its data as CSV and JSON files built with the site, equal to the export; the
owners table groups owners' spellings; the printed header names the portfolio, build date and commit."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from plan_portal.cli import main
from plan_portal.export import TABLES, export_document, owner_rows, table, table_json
from plan_portal.export_csv import export_csv
from plan_portal.model.cache import ReadCache
from plan_portal.pipeline import run
from plan_portal.read.history import build_stamp
from plan_portal.render.reuse import Reuse
from plan_portal.render.site import data_files
from plan_portal.render.urls import Layout
from plan_portal.settings import Settings
from test_plugin import build_site, write_site

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

FEATURES = {"001-alpha": {"status": "FAIL"}, "002-beta": {"language": "Go 1.22"}}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = write_site(tmp_path_factory.mktemp("downloads"), FEATURES)
    return root, build_site(root)


def test_each_table_is_published_as_csv_and_json_equal_to_the_export(site: tuple[Path, Path]):
    root, built = site
    document = export_document(run(Settings((root / "specs",), root)))
    data = built / "plans" / "data"
    for name in TABLES:
        assert (data / f"{name}.csv").read_bytes() == export_csv(name, document).encode("utf-8")
        assert json.loads((data / f"{name}.json").read_text(encoding="utf-8")) == json.loads(
            table_json(name, document))
    assert not (data / "portfolio.json").exists()  # plan-portal export writes the whole
    gates = json.loads((data / "gates.json").read_text(encoding="utf-8"))["gates"]
    assert gates == document["gates"] and len(gates) == 4


@pytest.mark.parametrize(("dashboard", "tables"), [
    ("index.html", ["features"]), ("gates/index.html", ["gates"]), ("risks/index.html", ["risks"]),
    ("decisions/index.html", ["decisions"]), ("technology/index.html", ["technology"]),
    ("constitution/index.html", ["gates"]), ("research/index.html", []), ("graph/index.html", []),
])
def test_every_dashboard_links_its_downloads(site: tuple[Path, Path], dashboard: str, tables: list[str]):
    _, built = site
    page = built / "plans" / dashboard
    html = page.read_text(encoding="utf-8")
    prefix = "" if dashboard == "index.html" else "../"
    for name in tables:
        assert f'<a href="{prefix}data/{name}.csv" download>CSV</a>' in html
        assert f'<a href="{prefix}data/{name}.json" download>JSON</a>' in html
    assert ('class="pp-downloads"' in html) == bool(tables)


def test_the_printed_header_names_portfolio_date_and_commit(site: tuple[Path, Path]):
    _, built = site
    html = (built / "plans" / "decisions" / "index.html").read_text(encoding="utf-8")
    date, _ = build_stamp(built)
    assert f'<p class="pp-print-head">Plan portfolio · Decisions · built {date}' in html


def test_build_stamp_reads_source_date_epoch_and_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert build_stamp(tmp_path) == ("2026-01-01", "")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a").write_text("a", encoding="utf-8")
    subprocess.run(["git", "add", "a"], cwd=tmp_path, check=True)
    subprocess.run(["git", "commit", "-qm", "a"], cwd=tmp_path, check=True, env={**env, "PATH": "/usr/bin:/bin"})
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert build_stamp(tmp_path) == ("2026-01-01", head.stdout.strip())


def test_owners_are_grouped_by_their_spelling(tmp_path: Path):
    document = {
        "gates": [{"id": "f/g1", "feature": "f", "owner": "Platform Lead", "status": "fail"},
                  {"id": "f/g2", "feature": "f", "owner": " platform  lead ", "status": "pass"},
                  {"id": "h/g1", "feature": "h", "owner": "Platform Lead", "status": "pass"},
                  {"id": "h/g2", "feature": "h", "owner": "—", "status": "pass"}],
        "risks": [{"id": "h/R1", "feature": "h", "owner": "SRE", "level": "critical"}],
        "decisions": [{"id": "h/ADR-001", "feature": "h", "extra": {"Owner": "sre", "Notes": "x"}}],
    }
    rows = owner_rows(document)
    assert [(r["owner"], r["spellings"], r["features"]) for r in rows] == [
        ("Platform Lead", ["Platform Lead", "platform lead"], ["f", "h"]), ("SRE", ["SRE", "sre"], ["h"])]
    assert rows[0]["gates"] == ["f/g1", "f/g2", "h/g1"] and rows[0]["failing_gates"] == ["f/g1"]
    assert rows[1]["risks"] == ["h/R1"] and rows[1]["high_risks"] == ["h/R1"] and rows[1]["decisions"] == ["h/ADR-001"]
    header, *body = list(csv.reader(io.StringIO(export_csv("owners", {**document, "features": []}))))
    assert header[:7] == ["owner", "features", "gate_count", "failing_gate_count", "risk_count", "high_risk_count",
                          "decision_count"]
    assert body[0][:7] == ["Platform Lead", "f; h", "3", "1", "0", "0", "0"]


def test_cli_exports_the_features_table_as_csv():
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--table", "features", str(REPO / "specs")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len([d for d in (REPO / "specs").iterdir() if d.is_dir()])
    payments = next(r for r in rows if r["id"] == "002-payments")
    assert payments["title"] and int(payments["decisions"]) >= 5 and payments["planning_state"]
    for name in ("technology", "owners"):
        assert CliRunner().invoke(main, ["export", "--format", "csv", "--table", name, str(REPO / "specs")]
                                  ).exit_code == 0


def test_generate_writes_the_downloads(tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(REPO / "specs"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = export_document(run(Settings((REPO / "specs",), REPO)))
    assert (out / "data" / "decisions.csv").read_bytes().startswith(b"feature,id,title,choice,status")
    assert json.loads((out / "data" / "risks.json").read_text(encoding="utf-8"))["risks"] == table("risks", document)
    assert '<a href="../data/decisions.csv" download>CSV</a>' in (out / "decisions.md").read_text(encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_downloads_kept_between_renders_equal_those_made_afresh_after_each_edit(tmp_path: Path):
    """``mkdocs serve`` keeps each feature's rows of each download and joins them again: after every
    edit the downloads equal those of the whole document. Some edits change other features' rows: a
    new extra column (every record gets a cell), a feature of the same id under a second root
    (the features table counts the records of both)."""
    specs, twins = tmp_path / "specs", tmp_path / "more-specs"
    features = generate(6, specs)
    twins.mkdir()
    plans = [specs / feature / "plan.md" for feature in features]
    steps = [  # (the edit, downloads it must change)
        (lambda: None, set()),
        (lambda: _replace(plans[2], "| ADR-001 | Decision 1", "| ADR-001 | Choice 1"),
         {"decisions.csv", "decisions.json"}),
        (lambda: _replace(plans[0], "| Confidence | Notes |", "| Confidence | Reviewer |"),
         {"technology.csv", "technology.json", "features.json"}),
        (lambda: shutil.copytree(specs / features[3], twins / features[3]), {"features.csv", "features.json"}),
        (lambda: _replace(plans[3], "| Contract-first APIs | PASS |", "| Contract-first APIs | FAIL |"),
         {"features.csv", "gates.csv", "owners.csv"}),
        (lambda: _replace(plans[5], "Platform Lead", "Data Steward"), {"owners.csv", "owners.json", "gates.csv"}),
        (lambda: shutil.rmtree(specs / features[1]), {"features.csv", "features.json", "decisions.csv"}),
    ]
    settings, cache, reuse, layout = Settings((specs, twins), tmp_path), ReadCache(), Reuse(), Layout("plans", True)
    last: dict[str, str] = {}
    for number, (step, changed) in enumerate(steps):
        time.sleep(0.01)  # an edit within the clock tick of the last still shows as one
        step()
        checked = run(settings, cache)
        served = {Path(page.src_uri).name: page.content for page in data_files(checked, layout, reuse)}
        afresh = {Path(page.src_uri).name: page.content for page in data_files(checked, layout)}
        assert served == afresh, number
        assert changed <= {name for name in served if served[name] != last.get(name)}, number
        last = served
