"""Narrow a check to the features whose files changed, as a pre-commit hook wants.

The whole portfolio is still read, so references to other features resolve; only the diagnostics
written in the changed features' directories are kept. A problem is reported where it is written:
a decision cycle at its first decision, which may be in a feature that did not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from plan_portal.diagnostics import Diagnostic
from plan_portal.model.records import Feature


def _located(path: str | Path, base: Path) -> Path:
    """An absolute, symlink-free path: display paths are relative to base, or absolute."""
    return (base / path).resolve()


def _places(path: str | Path, base: Path) -> set[Path]:
    """Where a file is: its resolved path, and the link itself in its resolved folder, since a link
    that leads out of its feature (an outside-root error) still belongs to the feature."""
    whole = base / path
    return {whole.resolve(), whole.parent.resolve() / whole.name}


def changed_features(files: Iterable[Path], features: Iterable[Feature], base: Path) -> list[Feature]:
    """The features whose directories hold one of the files; a file outside every feature is ignored."""
    parents = {parent for file in files for place in _places(file, base) for parent in place.parents}
    return [feature for feature in features if _located(feature.path, base) in parents]


def diagnostics_in(features: Iterable[Feature], diagnostics: Iterable[Diagnostic], base: Path) -> list[Diagnostic]:
    """The diagnostics about a file in one of the features' directories, or about the directory itself."""
    directories = {_located(feature.path, base) for feature in features}
    kept: list[Diagnostic] = []
    for d in diagnostics:
        if any(path in directories or not directories.isdisjoint(path.parents) for path in _places(d.path, base)):
            kept.append(d)
    return kept
