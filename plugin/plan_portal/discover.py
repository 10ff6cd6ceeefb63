"""Stage 1: find feature directories and their spec artifacts under the spec roots."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: Sibling artifacts of a feature, by the key the model uses for them.
ARTIFACT_FILES: dict[str, str] = {
    "plan": "plan.md",
    "spec": "spec.md",
    "research": "research.md",
    "data-model": "data-model.md",
    "quickstart": "quickstart.md",
    "tasks": "tasks.md",
}
ARTIFACT_DIRS: dict[str, str] = {"contracts": "contracts", "checklists": "checklists"}


@dataclass(frozen=True, slots=True)
class FeatureDir:
    """A directory under a spec root that holds at least one spec artifact."""

    feature_id: str
    path: Path
    display: str
    artifacts: dict[str, Path] = field(default_factory=dict)
    #: Files inside contracts/ and checklists/, relative to the feature directory.
    extra_files: tuple[str, ...] = ()

    def display_path(self, artifact: str) -> str:
        return f"{self.display}/{self.artifacts[artifact].name}"


def display_path(path: Path, base: Path) -> str:
    """A path as users see it in diagnostics: relative to base when below it, POSIX style."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _encloses(outer: str, inner: str) -> bool:
    """Whether the real path outer is inner or one of its parents."""
    try:
        return os.path.commonpath([outer, inner]) == outer
    except ValueError:  # different drives
        return False


def _list_files(directory: Path, feature_dir: Path) -> list[str]:
    """Regular files below directory, following symlinks but never into a directory twice.

    A symlinked directory that contains the walk's start (``..``, ``/``) would walk the start
    again or the whole disk, and a symlink that leads nowhere (dangling, a loop) is no file.
    """
    found: list[str] = []
    seen: set[str] = set()
    start = os.path.realpath(directory)
    for current, dirnames, filenames in os.walk(directory, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:  # a symlink loop: stop descending
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not _encloses(os.path.realpath(os.path.join(current, d)), start))
        for name in sorted(filenames):
            if os.path.isfile(os.path.join(current, name)):
                found.append(Path(current, name).relative_to(feature_dir).as_posix())
    return found


def _feature(entry: Path, root_display: str) -> FeatureDir | None:
    artifacts: dict[str, Path] = {}
    try:
        names = set(os.listdir(entry))
    except OSError:
        return None
    for key, name in ARTIFACT_FILES.items():
        if name in names:
            artifacts[key] = entry / name
    extra: list[str] = []
    for key, name in ARTIFACT_DIRS.items():
        candidate = entry / name
        if name in names and candidate.is_dir():
            artifacts[key] = candidate
            extra.extend(_list_files(candidate, entry))
    if not artifacts:
        return None
    display = entry.name if root_display in ("", ".") else f"{root_display}/{entry.name}"
    return FeatureDir(entry.name, entry, display, artifacts, tuple(extra))


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True


def discover(roots: list[Path], base: Path) -> list[FeatureDir]:
    """Every feature directory directly under each root, sorted by root order then name.

    The feature id is the whole directory name. A directory counts as a feature when it holds
    any spec artifact (plan.md or a sibling); plan.md itself is optional (spec-only features).
    A directory reached twice (a symlink to another feature) is read once, under its real name
    when the real directory is under a root too.
    """
    candidates: list[tuple[int, str, bool, Path, str]] = []
    for index, root in enumerate(roots):
        root_display = display_path(root, base)
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if not entry.is_dir():
                    continue
            except OSError:
                continue
            candidates.append((index, entry.name, _is_link(entry), Path(entry.path), root_display))
    seen_real: set[str] = set()
    kept: list[tuple[int, str, FeatureDir]] = []
    # Real directories claim their real path before symlinks to them do.
    for index, name, _, path, root_display in sorted(candidates, key=lambda c: (c[2], c[0], c[1])):
        real = os.path.realpath(path)
        if real in seen_real:  # the same directory reached twice through symlinks
            continue
        seen_real.add(real)
        feature = _feature(path, root_display)
        if feature is not None:
            kept.append((index, name, feature))
    return [feature for _, _, feature in sorted(kept, key=lambda k: (k[0], k[1]))]
