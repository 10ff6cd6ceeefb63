"""TEMPORARY shim until the parallel module lands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from plan_portal.cores import in_child, map_forked, worker_count

T = TypeVar("T")


def map_jobs(job: Callable[[int], T], count: int, workers: int | None = None) -> Iterator[T]:
    return map_forked(job, count, workers)


__all__ = ["in_child", "map_jobs", "worker_count"]
