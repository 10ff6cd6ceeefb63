"""Work spread over processes gives what the same work gives in one process, in the same order."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from plan_portal import cores
from plan_portal.discover import discover
from plan_portal.model.parallel import read_features
from plan_portal.pipeline import run
from plan_portal.render import Layout, PortalPage, portal_pages
from plan_portal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def portfolio_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portfolio")
    generate(60, root / "specs")
    return root


def test_forked_tasks_run_in_children_and_come_back_in_order():
    inherited = list(range(10_000))  # closed over, never sent: the children inherit it
    results = list(cores.map_forked(lambda index: (index, inherited[index] * 2, os.getpid()), 100, workers=2))
    assert [(index, doubled) for index, doubled, _ in results] == [(i, i * 2) for i in range(100)]
    pids = {pid for _, _, pid in results}
    assert os.getpid() not in pids and len(pids) == 2


def test_tasks_run_here_while_other_threads_run():
    """fork is unsafe once threads run (mkdocs serve): the work stays in this process."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pids = {pid for pid in cores.map_forked(lambda _: os.getpid(), 100, workers=2)}
    finally:
        stop.set()
        thread.join()
    assert pids == {os.getpid()}


def test_a_whole_task_runs_in_a_child_and_its_result_comes_back():
    parent = os.getpid()
    pid, total = cores.in_child(lambda: (os.getpid(), sum(range(1000))))
    assert pid != parent and total == 499500


def test_an_error_in_the_child_is_raised_here():
    def fails() -> None:
        raise ValueError("bad template")

    with pytest.raises(ValueError, match="bad template"):
        cores.in_child(fails)


def test_too_little_work_stays_here():
    assert cores.worker_count(cores.MIN_PARALLEL - 1, 8) == 1
    assert cores.worker_count(cores.MIN_PARALLEL * 10, 2) == 2


def _pages(root: Path) -> Iterator[PortalPage]:
    result = run(Settings((root / "specs",), root))
    return portal_pages(result, Layout("plans", True), root)


def test_pages_rendered_by_workers_equal_pages_rendered_here(portfolio_root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cores, "fork_context", lambda: None)
    here = list(_pages(portfolio_root))
    monkeypatch.undo()
    monkeypatch.setattr(cores, "worker_count", lambda items, limit=None: 2)
    forked = list(_pages(portfolio_root))
    assert [p.kind for p in forked].count("feature") == 60
    assert sum(1 for p in forked if p.graphs) > 50  # the pictures come back with their pages
    assert forked == here


def test_features_read_by_workers_equal_features_read_here(portfolio_root: Path):
    feature_dirs = discover([portfolio_root / "specs"], portfolio_root).features
    assert read_features(feature_dirs, 1 << 20, workers=2) == read_features(feature_dirs, 1 << 20, workers=1)
