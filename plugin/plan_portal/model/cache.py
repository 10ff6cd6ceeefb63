"""Features read in an earlier run, reused while none of their files changed (``mkdocs serve``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from plan_portal.discover import FeatureDir
from plan_portal.model.feature import read_feature
from plan_portal.model.records import Feature

Signature = tuple[tuple[str, int, int], ...]


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

    def feature(self, feature_dir: FeatureDir, max_bytes: int) -> Feature:
        key = str(feature_dir.path)
        current = signature(feature_dir)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == current and entry[1] == max_bytes:
            return entry[2]
        feature = read_feature(feature_dir, max_bytes)
        self.reads += 1
        self.entries[key] = (current, max_bytes, feature)
        return feature

    def keep_only(self, feature_dirs: list[FeatureDir]) -> None:
        """Forget features that are gone (deleted, or of another site built by the same process)."""
        wanted = {str(fd.path) for fd in feature_dirs}
        for key in [k for k in self.entries if k not in wanted]:
            del self.entries[key]
