"""The benchmark must keep running: a small run of the generator and the runner (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from plan_portal.pipeline import run
from plan_portal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import SHAPES, generate  # noqa: E402


def test_generated_portfolio_has_the_promised_shape(tmp_path: Path):
    features = generate(30, tmp_path / "specs")
    result = run(Settings((tmp_path / "specs",), tmp_path))
    portfolio = result.portfolio
    assert [f.id for f in portfolio.features] == features
    assert len(portfolio.gates) == 30 * 6 and len(portfolio.decisions) == 30 * 4 and len(portfolio.risks) == 30 * 4
    assert sum(1 for f in portfolio.features for r in f.research) == 30 * 5
    assert all(f.spec is not None and f.tasks is not None for f in portfolio.features)
    cross_feature = {(e.source.split("/")[0], e.target.split("/")[0]) for e in result.edges
                     if e.type == "depends-on" and e.source.split("/")[0] != e.target.split("/")[0]}
    assert len(cross_feature) >= 25  # decisions build on other features' decisions
    assert [d for d in result.diagnostics if d.severity.value == "error"] == []


def test_the_current_shape_is_the_default(tmp_path: Path):
    generate(12, tmp_path / "a")
    generate(12, tmp_path / "b", shape="current")
    written = sorted((tmp_path / "b").rglob("*.md"))
    assert len(written) == 36
    assert all((tmp_path / "a" / p.relative_to(tmp_path / "b")).read_bytes() == p.read_bytes() for p in written)


def _depends(result) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in result.edges if e.type == "depends-on"}


def test_each_shape_has_what_it_promises(tmp_path: Path):
    results = {}
    for shape in SHAPES:
        generate(24, tmp_path / shape / "specs", shape=shape, clique=30)
        results[shape] = run(Settings((tmp_path / shape / "specs",), tmp_path / shape))
        assert [d for d in results[shape].diagnostics if d.severity.value == "error"] == [], shape
    features = [f.id for f in results["chain"].portfolio.features]
    # chain: every feature's first decision depends on a decision of one of the five before it
    chain = _depends(results["chain"])
    for index, feature in enumerate(features[1:], start=1):
        assert any(a == f"{feature}/ADR-001" and b.split("/")[0] in features[max(0, index - 5):index]
                   for a, b in chain), feature
    # hubs: the first decisions of the first three features carry everyone else's first decision
    hubs = results["hubs"]
    assert [len(hubs.impact(f"{f}/ADR-001").dependents) >= 7 for f in features[:3]] == [True, True, True]
    # clique: 30 decisions in the first plan, each depending on every earlier one
    clique = results["clique"]
    first = [d.id for d in clique.portfolio.features[0].decisions]
    assert len(first) == 30
    assert {(a, b) for a, b in _depends(clique) if a in first and b in first} == {
        (first[n], first[m]) for n in range(30) for m in range(n)}
    # large: ten times the records of the current shape
    for kind in ("gates", "decisions", "risks"):
        assert len(getattr(results["large"].portfolio, kind)) == 10 * len(getattr(results["current"].portfolio, kind))


def test_runner_runs_at_n_50(tmp_path: Path):
    completed = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "50", "--runs", "1",
                                "--shapes", "current", "clique", "--work", str(tmp_path)],
                               capture_output=True, text=True, timeout=900, check=False)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| shape |"))
    assert "search index" in header and "largest page" in header and "serve edit" in header
    for shape in ("current", "clique"):
        row = next(line for line in lines if line.startswith(f"| {shape} | 50 |"))
        assert len(row.split("|")) == len(header.split("|"))
        assert "site/" not in row and ".html" in row  # the largest page by its path in the site
