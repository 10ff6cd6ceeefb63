"""Read every real-world project in the shared corpus (../shared/corpus/<owner>__<repo>/specs).

The corpus is test data outside the repository; nothing of it is copied here. Run with ``-s`` or
``-rA`` to see the counts each project yields.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.export import export_json
from plan_portal.pipeline import run
from plan_portal.settings import Settings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROJECTS = sorted(p for p in CORPUS.iterdir() if (p / "specs").is_dir())
if not PROJECTS:
    pytest.skip(f"no project with a specs/ folder in {CORPUS}", allow_module_level=True)


@cache
def _result(project: Path) -> Result:
    """The pipeline over one project's specs/, paths shown relative to the project."""
    return run(Settings((project / "specs",), project))


def _records(result: Result) -> list[tuple[str, object]]:
    """(feature id, record) for every record with an id."""
    return [
        (feature.id, record)
        for feature in result.portfolio.features
        for record in (*feature.gates, *feature.risks, *feature.decisions, *feature.research, *feature.clarifications)
    ]


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_project_reads(project: Path) -> None:
    result = _result(project)
    portfolio = result.portfolio
    plans = [f for f in portfolio.features if f.has_plan]
    codes = Counter(d.code for d in result.diagnostics)
    print(
        f"\n{project.name}: {len(portfolio.features)} features, {len(plans)} plans, {len(portfolio.gates)} gates, "
        f"{len(portfolio.risks)} risks, {len(portfolio.decisions)} decisions; diagnostics "
        f"{dict(sorted(codes.items())) or '{}'}"
    )
    assert portfolio.features, "a specs/ folder with feature directories yields features"

    specs = project / "specs"
    for feature in portfolio.features:
        assert feature.path == f"specs/{feature.id}"
        assert (specs / feature.id).is_dir()
        if (specs / feature.id / "plan.md").is_file():
            assert feature.has_plan, f"{feature.id}: plan.md exists but was not read"
            assert feature.title.strip(), f"{feature.id}: a feature with plan.md has a title"

    for feature, record in _records(result):
        source = record.source  # type: ignore[attr-defined]
        assert source.line >= 1, record
        assert source.path.startswith(f"specs/{feature}/"), record
        file = project / source.path
        assert file.resolve().is_relative_to(project.resolve()), record
        assert file.is_file(), record
        with open(file, encoding="utf-8-sig") as handle:
            assert source.line <= sum(1 for _ in handle), f"{record}: line past the end of {source.path}"
        assert record.id.startswith(f"{feature}/"), record  # type: ignore[attr-defined]
        assert record.feature == feature, record  # type: ignore[attr-defined]

    ids = Counter(record.id for _, record in _records(result))  # type: ignore[attr-defined]
    assert not [i for i, n in ids.items() if n > 1], "record ids are unique within the portfolio"

    for d in result.diagnostics:
        assert d.line >= 1, d
        assert (project / d.path).exists(), d

    # no corpus plan is broken enough to be an error: real plans must read cleanly
    errors = [str(d) for d in result.diagnostics if d.severity.value == "error"]
    assert not errors, errors
    # exporting works and is stable
    assert export_json(result) == export_json(result)


def test_corpus_totals() -> None:
    results = {p.name: _result(p) for p in PROJECTS}
    plans = sum(1 for r in results.values() for f in r.portfolio.features if f.has_plan)
    gates = [g for r in results.values() for g in r.portfolio.gates]
    statuses = Counter(g.status for g in gates)
    print(f"\ncorpus: {len(results)} projects, {plans} plans, {len(gates)} gates {dict(sorted(statuses.items()))}, "
          f"{sum(len(r.portfolio.risks) for r in results.values())} risks, "
          f"{sum(len(r.portfolio.decisions) for r in results.values())} decisions")
    assert plans >= 70
    # The corpus has no FAIL gate: "FAIL" appears only in notes such as "tests must FAIL first".
    failing = [f"{g.source}: {g.name} ({g.raw_status!r})" for g in gates if g.status == "fail"]
    assert not failing, failing
    assert statuses["pass"] > 0.9 * len(gates)
