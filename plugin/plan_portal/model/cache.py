"""Features read in an earlier run, reused while none of their files changed (``mkdocs serve``).

The cache also keeps, for the stages after reading, what they keep between runs (``stage``): the
link and the checks of a feature are made again only when its Feature object is a new one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, TypeVar

from plan_portal.discover import FeatureDir
from plan_portal.model.feature import read_features
from plan_portal.model.records import Feature

Signature = tuple[tuple[str, int, int], ...]
T = TypeVar("T")


def signature(feature_dir: FeatureDir) -> Signature:
    """Every file of the feature with its size and modification time (nanoseconds)."""
    paths = [str(p) for key, p in sorted(feature_dir.artifacts.items()) if key not in ("contracts", "checklists")]
    paths += [str(feature_dir.path / relative) for relative in feature_dir.extra_files]
    found = []
    for path in paths:
        try:
            stat = os.stat(path)
            found.append((path, stat.st_size, stat.st_mtime_ns))
        except OSError:
            found.append((path, -1, -1))
    return tuple(found)


@dataclass(slots=True)
class ReadCache:
    """Keyed on the feature directory; an entry holds when every file has the same size and mtime."""

    entries: dict[str, tuple[Signature, int, Feature]] = field(default_factory=dict)
    #: Features read from disk (not reused) since the cache was made: what a rebuild cost.
    reads: int = 0
    #: A later stage's session object by its class (``stage``).
    stages: dict[type[Any], Any] = field(default_factory=dict)

    def stage(self, kind: type[T]) -> T:
        """The session object of class ``kind`` that a later stage keeps here, made on first use."""
        found: T | None = self.stages.get(kind)
        if found is None:
            found = self.stages[kind] = kind()
        return found

    def features(self, feature_dirs: list[FeatureDir], max_bytes: int) -> list[Feature]:
        """The features in order: unchanged ones from the cache, the others read (on every core)."""
        current = {str(fd.path): signature(fd) for fd in feature_dirs}

        def fresh(fd: FeatureDir) -> bool:
            entry = self.entries.get(str(fd.path))
            return entry is not None and entry[0] == current[str(fd.path)] and entry[1] == max_bytes

        stale = [fd for fd in feature_dirs if not fresh(fd)]
        for fd, feature in zip(stale, read_features(stale, max_bytes), strict=True):
            self.entries[str(fd.path)] = (current[str(fd.path)], max_bytes, feature)
        self.reads += len(stale)
        return [self.entries[str(fd.path)][2] for fd in feature_dirs]

    def keep_only(self, feature_dirs: list[FeatureDir]) -> None:
        """Forget features that are gone (deleted, or of another site built by the same process)."""
        wanted = {str(fd.path) for fd in feature_dirs}
        for key in [k for k in self.entries if k not in wanted]:
            del self.entries[key]
