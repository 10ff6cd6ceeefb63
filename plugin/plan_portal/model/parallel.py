"""Read many features on every core: reading is pure and per feature, so it splits cleanly."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from plan_portal.discover import FeatureDir
from plan_portal.model.feature import read_feature
from plan_portal.model.records import Feature

#: Below this many features, starting worker processes costs more than it saves.
MIN_PARALLEL = 48


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def read_features(feature_dirs: list[FeatureDir], max_bytes: int, workers: int | None = None) -> list[Feature]:
    """The features of ``feature_dirs``, in order, read by up to ``workers`` processes."""
    workers = min(workers or worker_count(), max(1, len(feature_dirs) // (MIN_PARALLEL // 2)))
    if workers < 2:
        return [read_feature(fd, max_bytes) for fd in feature_dirs]
    # fork is cheapest (no re-import) but unsafe once other threads run, as under `mkdocs serve`.
    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() \
        else "spawn"
    chunk = max(1, len(feature_dirs) // (workers * 8))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(partial(read_feature, max_bytes=max_bytes), feature_dirs, chunksize=chunk))
