"""Read many features on every core: reading is pure and per feature, so it splits cleanly."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from plan_portal.cores import fork_context, worker_count
from plan_portal.discover import FeatureDir
from plan_portal.model.feature import read_feature
from plan_portal.model.records import Feature


def read_features(feature_dirs: list[FeatureDir], max_bytes: int, workers: int | None = None) -> list[Feature]:
    """The features of ``feature_dirs``, in order, read by up to ``workers`` processes."""
    workers = worker_count(len(feature_dirs), workers)
    if workers < 2:
        return [read_feature(fd, max_bytes) for fd in feature_dirs]
    # A feature directory is small to send: where fork is unsafe, spawned processes are still worth it.
    context = fork_context() or multiprocessing.get_context("spawn")
    chunk = max(1, len(feature_dirs) // (workers * 8))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(partial(read_feature, max_bytes=max_bytes), feature_dirs, chunksize=chunk))
