"""Work spread over every core, for the stages that do the same thing once per feature."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import TypeVar

T = TypeVar("T")

#: Below this many items, starting worker processes costs more than it saves.
MIN_PARALLEL = 48


def worker_count(items: int, limit: int | None = None) -> int:
    """Processes worth starting for ``items`` pieces of work: one per core, each with enough to do."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(limit or cores, items // (MIN_PARALLEL // 2)))


def fork_context() -> BaseContext | None:
    """fork is cheapest (children inherit what is loaded, nothing is copied or re-imported) but
    unsafe once other threads run, as under ``mkdocs serve``: None then."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


_forked_task: Callable[[int], object] | None = None


def _run_forked(indexes: range) -> list[object]:
    assert _forked_task is not None
    return [_forked_task(index) for index in indexes]


def map_forked(task: Callable[[int], T], count: int, workers: int | None = None) -> Iterator[T]:
    """``task(0)``, ``task(1)`` … ``task(count - 1)`` in order, computed by forked processes that
    inherit ``task`` and all it refers to; here, one by one, where forking is unsafe or not worth it.

    Only the indexes go to the children and only the results come back, so ``task`` may close
    over data far too large to send, such as a whole portfolio and its graph.
    """
    global _forked_task
    workers = worker_count(count, workers)
    context = fork_context()
    if workers < 2 or context is None:
        yield from (task(index) for index in range(count))
        return
    size = max(1, count // (workers * 16))  # small chunks even out tasks of unequal cost
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    _forked_task = task
    try:
        # gc.freeze: a collection in a child would write to every inherited object and copy it.
        with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.freeze) as pool:
            for results in pool.map(_run_forked, chunks):
                yield from results  # type: ignore[misc]
    finally:
        _forked_task = None


def in_child(task: Callable[[], T]) -> T:
    """``task()``, computed by a forked child where forking is safe (here otherwise): whatever
    the task allocates goes back to the system when the child exits; only its result comes back."""
    global _forked_task
    context = fork_context()
    if context is None:
        return task()

    def whole(_: int) -> T:
        return task()

    _forked_task = whole
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            return pool.submit(_run_forked, range(1)).result()[0]  # type: ignore[return-value]
    finally:
        _forked_task = None
