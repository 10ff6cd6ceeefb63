"""The reader scored against the hand-labelled truth set (tests/truth/): it fails below the targets.

The labels were written by reading real plans of ../shared/corpus line by line; the test skips
when the corpus is absent. ``python tests/truth/score.py -v`` shows every miss.
"""

from __future__ import annotations

import pytest

from truth.score import CORPUS, LABELS, TARGETS, Tally, load_labels, report, score, scores

if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)


@pytest.fixture(scope="module")
def tallies() -> dict[str, Tally]:
    return score(load_labels())


def test_truth_set_is_large_enough() -> None:
    projects = load_labels(LABELS)
    features = sum(len(features) for features in projects.values())
    assert features >= 30, f"{features} labelled features"
    labelled = {kind: sum(len(f[kind]) for p in projects.values() for f in p.values())
                for kind in ("gates", "risks", "decisions", "references")}
    assert all(labelled.values()), labelled


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_reader_meets_target(tallies: dict[str, Tally], name: str) -> None:
    value = scores(tallies)[name]
    assert value >= TARGETS[name], f"{name} {value:.1%} < {TARGETS[name]:.0%}\n{report(tallies, verbose=True)}"
