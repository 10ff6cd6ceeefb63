"""The benchmark must keep running: a small run of the generator and the runner (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from plan_portal.pipeline import run
from plan_portal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402


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


def test_runner_runs_at_n_50(tmp_path: Path):
    completed = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "50", "--runs", "1",
                                "--work", str(tmp_path)], capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stderr
    row = next(line for line in completed.stdout.splitlines() if line.startswith("| 50 |"))
    assert len(row.split("|")) == 11
