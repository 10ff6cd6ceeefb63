"""Work spread over processes gives what the same work gives in one process, in the same order, and
fails the way it fails in one process."""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
import pytest

from plan_portal import parallel
from plan_portal.discover import discover
from plan_portal.model.feature import read_features
from plan_portal.parallel import WorkerError, map_jobs
from plan_portal.pipeline import run
from plan_portal.render import Layout, PortalPage, portal_pages
from plan_portal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

COUNT = 100  # enough work for two workers


@pytest.fixture(scope="module")
def portfolio_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portfolio")
    generate(60, root / "specs")
    return root


@contextmanager
def another_thread() -> Iterator[None]:
    """A thread alive beside this one, as another plugin's or mkdocs serve's: fork is unsafe then."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@pytest.fixture(params=["forked", "spawned"])
def start(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    """Each test runs with forked workers, then with spawned ones (another thread alive)."""
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    if request.param == "forked":
        yield "forked"
    else:
        with another_thread():
            yield "spawned"
        said = "\n".join(r.getMessage() for r in caplog.get_records("call"))
        assert re.search(r"spawning 2 workers for \d+ jobs \(2 threads run\)", said)


# Jobs that spawned workers can unpickle: module-level.

def pid_of(index: int) -> tuple[int, int]:
    return index, os.getpid()


class NeedsCode(Exception):
    """Its __init__ takes other arguments than its args: pickle cannot rebuild it by itself."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Fails:
    """Raises the same error as the in-process run would, at one index."""

    def __init__(self, kind: str, at: int = 70) -> None:
        self.kind, self.at = kind, at

    def __call__(self, index: int) -> int:
        if index == self.at:
            if self.kind == "plain":
                raise ValueError(f"bad value in feature {index}")
            if self.kind == "needs-code":
                raise NeedsCode("E42", f"feature {index} cannot be read")
            env = jinja2.Environment(loader=jinja2.DictLoader({"feature.html": "{% if %}", "risks.html": "{{ a.b }}"}),
                                     undefined=jinja2.StrictUndefined)
            env.get_template("feature.html" if self.kind == "template-syntax" else "risks.html").render()
        return index


def kill_self(index: int) -> int:
    if index == 70:
        os.kill(os.getpid(), signal.SIGKILL)
    return index


def test_results_come_back_in_order_from_worker_processes(start: str):
    results = list(map_jobs(pid_of, COUNT, workers=2))
    assert [index for index, _ in results] == list(range(COUNT))
    assert os.getpid() not in {pid for _, pid in results}


def test_forked_workers_inherit_a_job_that_does_not_pickle():
    inherited = list(range(10_000))  # closed over by a lambda, never pickled: the workers inherit it
    results = list(map_jobs(lambda index: (inherited[index] * 2, os.getpid()), COUNT, workers=2))
    assert [doubled for doubled, _ in results] == [i * 2 for i in range(COUNT)]
    assert os.getpid() not in {pid for _, pid in results}


def test_features_read_by_forked_and_spawned_workers_equal_features_read_here(portfolio_root: Path,
                                                                               caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    feature_dirs = discover([portfolio_root / "specs"], portfolio_root).features
    here = read_features(feature_dirs, 1 << 20, workers=1)
    forked = read_features(feature_dirs, 1 << 20, workers=2)
    with another_thread():
        spawned = read_features(feature_dirs, 1 << 20, workers=2)
    assert "spawning 2 workers" in caplog.text
    assert len(here) == 60 and forked == here and spawned == here


@pytest.mark.parametrize("kind", ["plain", "needs-code", "template-syntax", "template-undefined"])
def test_the_workers_own_error_is_raised_here(start: str, kind: str):
    job = Fails(kind)
    with pytest.raises(Exception) as expected:
        job(70)
    with pytest.raises(type(expected.value)) as raised:
        list(map_jobs(job, COUNT, workers=2))
    error = raised.value
    assert type(error) is type(expected.value) and str(error) == str(expected.value)
    assert vars(error) == vars(expected.value)  # e.g. NeedsCode's code, the template's name and line
    assert "in __call__" in str(error.__cause__)  # the worker's traceback


def test_an_error_that_cannot_come_back_is_named_with_its_message_and_traceback():
    def job(index: int) -> int:
        class Local(Exception):  # a class pickle cannot find by name
            pass

        if index == 70:
            raise Local("feature 070 is broken")
        return index

    with pytest.raises(WorkerError, match=r"Local in a worker process: feature 070 is broken") as raised:
        list(map_jobs(job, COUNT, workers=2))
    assert 'raise Local("feature 070 is broken")' in raised.value.trace


def test_a_killed_worker_is_named_with_its_signal(start: str):
    with pytest.raises(WorkerError, match=r"worker process \d+ was killed by SIGKILL \(9\)"):
        list(map_jobs(kill_self, COUNT, workers=2))


def test_too_little_work_stays_here(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    assert parallel.worker_count(parallel.MIN_PARALLEL - 1, 8) == 1
    assert parallel.worker_count(parallel.MIN_PARALLEL * 10, 2) == 2
    assert {pid for _, pid in map_jobs(pid_of, 10)} == {os.getpid()}
    assert "too little work" in caplog.text


def test_with_another_thread_a_job_that_does_not_pickle_runs_here_and_says_why(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    with another_thread():
        pids = {pid for pid in map_jobs(lambda _: os.getpid(), COUNT, workers=2)}
    assert pids == {os.getpid()}
    assert "the job does not pickle" in caplog.text


def nested_pids(index: int) -> tuple[int, set[int], int]:
    """A worker's own pid, the pids that ran the work it tried to spread, and the processes it started."""
    import multiprocessing

    inner = {pid for _, pid in map_jobs(pid_of, COUNT, workers=2)}
    return os.getpid(), inner, len(multiprocessing.active_children())


def test_a_worker_starts_no_processes(start: str):
    for pid, inner, children in map_jobs(nested_pids, 50, workers=2):
        assert inner == {pid} and children == 0
        assert pid != os.getpid()


def _pages(root: Path) -> Iterator[PortalPage]:
    result = run(Settings((root / "specs",), root))
    return portal_pages(result, Layout("plans", True), root)


def test_pages_rendered_by_workers_equal_pages_rendered_here(portfolio_root: Path, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG, logger="plan_portal")
    forked = list(_pages(portfolio_root))
    with another_thread():  # as beside another plugin's threads: spawned workers, if the job pickles
        beside_a_thread = list(_pages(portfolio_root))
    rendering = [r.getMessage() for r in caplog.records if r.name == "plan_portal.parallel"][-1]
    monkeypatch.setattr(parallel, "worker_count", lambda items, limit=None: 1)
    here = list(_pages(portfolio_root))
    assert [p.kind for p in forked].count("feature") == 60
    assert sum(1 for p in forked if p.graphs) > 50  # the pictures come back with their pages
    assert forked == here and beside_a_thread == here
    # Beside a thread the render job goes to spawned workers, pickled: the site is the same.
    assert rendering.startswith("spawning"), rendering
