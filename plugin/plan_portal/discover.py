"""Stage 1: find feature directories and their spec artifacts under the spec roots.

Discovery decides what is read and published: the plugin hands MkDocs the files it lists by path,
and ``generate`` copies them. So every folder and file is resolved here and kept only when it stays
inside the allowed roots (see containment) and is a regular file; anything else is a diagnostic.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from plan_portal.containment import allowed, encloses, outside_root, resolve_roots
from plan_portal.diagnostics import Diagnostic, diagnostic

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
    #: Resolved roots the feature's files must stay inside: the reader checks again before opening
    #: (None: not confined, for a FeatureDir made by hand).
    allowed_roots: tuple[str, ...] | None = None

    def display_path(self, artifact: str) -> str:
        return f"{self.display}/{self.artifacts[artifact].name}"


def display_path(path: Path, base: Path) -> str:
    """A path as users see it in diagnostics: relative to base when below it, POSIX style."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(slots=True)
class Discovery:
    """The feature directories found, and the problems met on the way (with their paths)."""

    features: list[FeatureDir]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _child(display: str, name: str) -> str:
    return name if display in ("", ".") else f"{display}/{name}"


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _real(entry: os.DirEntry[str], parent_real: str) -> str:
    """The resolved path of an entry of the folder whose resolved path is parent_real."""
    return os.path.realpath(entry.path) if _is_link(entry) else os.path.join(parent_real, entry.name)


def _kind(entry: os.DirEntry[str], real: str) -> str:
    """``file``, ``folder`` or ``special`` (FIFO, socket, device); OSError when it cannot be told
    (a dangling link, a link loop, no permission)."""
    if _is_link(entry):
        mode = os.stat(real).st_mode
        is_file, is_folder = stat.S_ISREG(mode), stat.S_ISDIR(mode)
    else:  # the type scandir read with the name: no system call
        is_file, is_folder = entry.is_file(follow_symlinks=False), entry.is_dir(follow_symlinks=False)
    return "file" if is_file else "folder" if is_folder else "special"


class _Walk:
    """One discovery run: the allowed roots and the diagnostics found so far."""

    def __init__(self, trusted: tuple[str, ...]) -> None:
        self.trusted = trusted
        self.diagnostics: list[Diagnostic] = []

    def listing(self, folder: str, display: str, what: str) -> list[os.DirEntry[str]] | None:
        """The entries of a folder sorted by name; None, reported, when it cannot be listed."""
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            self.diagnostics.append(diagnostic("unreadable-folder", display or ".", 1,
                                               f"{what} cannot be listed: {_reason(error)}; nothing in it is read"))
            return None

    def admitted(self, entry: os.DirEntry[str], real: str, display: str) -> str | None:
        """The entry's kind when it may be read; None, reported, when it leaves the roots, cannot be
        told apart or is a special file (a FIFO would block the build, a device never end).

        Only a link can leave: an entry that is none lies in its folder, which was admitted.
        """
        if _is_link(entry) and not allowed(real, self.trusted):
            self.diagnostics.append(outside_root(Path(entry.path), real, display))
            return None
        try:
            kind = _kind(entry, real)
        except OSError as error:
            self.diagnostics.append(diagnostic("unreadable-file", display, 1, f"cannot be read: {_reason(error)}"))
            return None
        if kind == "special":
            self.diagnostics.append(diagnostic("unreadable-file", display, 1,
                                               "is not a regular file (a FIFO, socket or device); skipped"))
            return None
        return kind

    def files_below(self, folder: str, real: str, relative: str, display: str) -> list[str]:
        """Regular files below a folder, relative to the feature directory, following symlinks that
        stay inside the roots but never into a folder twice: a link to a folder above (``..``) or
        already walked (a loop) is passed over."""
        found: list[str] = []
        seen = {real}
        pending = [(folder, real, relative)]
        while pending:
            current, current_real, current_relative = pending.pop()
            entries = self.listing(current, _child(display, current_relative), "folder")
            folders = []
            for entry in entries or ():
                entry_relative = f"{current_relative}/{entry.name}"
                entry_real = _real(entry, current_real)
                kind = self.admitted(entry, entry_real, _child(display, entry_relative))
                if kind == "file":
                    found.append(entry_relative)
                elif kind == "folder" and entry_real not in seen and not encloses(entry_real, real):
                    seen.add(entry_real)
                    folders.append((entry.path, entry_real, entry_relative))
            pending.extend(reversed(folders))  # depth first, in name order
        return found

    def feature(self, path: Path, real: str, display: str) -> FeatureDir | None:
        entries = self.listing(str(path), display, "feature folder")
        if entries is None:
            return None
        by_name = {entry.name: entry for entry in entries}
        artifacts: dict[str, Path] = {}
        extra: list[str] = []
        for key, name in ARTIFACT_FILES.items():
            entry = by_name.get(name)
            kind = None if entry is None else self.admitted(entry, _real(entry, real), _child(display, name))
            if kind == "file":
                artifacts[key] = path / name
            elif kind == "folder":
                self.diagnostics.append(diagnostic("unreadable-file", _child(display, name), 1,
                                                   "is a directory, not a file"))
        for key, name in ARTIFACT_DIRS.items():
            entry = by_name.get(name)
            if entry is None:
                continue
            folder_real = _real(entry, real)
            if self.admitted(entry, folder_real, _child(display, name)) == "folder":
                artifacts[key] = path / name
                extra.extend(self.files_below(entry.path, folder_real, name, display))
        if not artifacts:
            return None
        return FeatureDir(path.name, path, display, artifacts, tuple(extra), self.trusted)


def discover(roots: list[Path], base: Path, allowed_roots: Sequence[Path] = ()) -> Discovery:
    """Every feature directory directly under each root, sorted by root order then name.

    The feature id is the whole directory name. A directory counts as a feature when it holds
    any spec artifact (plan.md or a sibling); plan.md itself is optional (spec-only features).
    A directory reached twice (a symlink to another feature) is read once, under its real name
    when the real directory is under a root too. Nothing is read that resolves outside the roots
    and ``allowed_roots`` (extra folders that symlinks may lead into, for monorepos).
    A root that does not exist is passed over: callers report it.
    """
    walk = _Walk(resolve_roots([*roots, *allowed_roots]))
    candidates: list[tuple[int, str, bool, Path, str, str]] = []
    for index, root in enumerate(roots):
        root_display = display_path(root, base)
        if not os.path.isdir(root):
            continue
        root_real = os.path.realpath(root)
        if not allowed(root_real, walk.trusted):  # a root configured inside /proc or /sys
            walk.diagnostics.append(outside_root(root, root_real, root_display or "."))
            continue
        entries = walk.listing(str(root), root_display, "spec root")
        for entry in entries or ():
            display = _child(root_display, entry.name)
            try:
                if not entry.is_dir():
                    continue
            except OSError as error:
                walk.diagnostics.append(diagnostic("unreadable-folder", display, 1,
                                                   f"cannot be checked: {_reason(error)}; not read"))
                continue
            real = _real(entry, root_real)
            if _is_link(entry) and not allowed(real, walk.trusted):
                walk.diagnostics.append(outside_root(Path(entry.path), real, display))
                continue
            candidates.append((index, entry.name, _is_link(entry), Path(entry.path), display, real))
    seen_real: set[str] = set()
    kept: list[tuple[int, str, FeatureDir]] = []
    # Real directories claim their real path before symlinks to them do.
    for index, name, _, path, display, real in sorted(candidates, key=lambda c: (c[2], c[0], c[1])):
        if real in seen_real:  # the same directory reached twice through symlinks
            continue
        seen_real.add(real)
        feature = walk.feature(path, real, display)
        if feature is not None:
            kept.append((index, name, feature))
    features = [feature for _, _, feature in sorted(kept, key=lambda k: (k[0], k[1]))]
    return Discovery(features, walk.diagnostics)


#: Where spec-kit keeps the constitution, relative to the project folder (``memory/`` before 0.0.30).
CONSTITUTION_PATHS = (".specify/memory/constitution.md", "memory/constitution.md")
#: Folders above a spec root searched for the project folder that holds the constitution.
CONSTITUTION_SEARCH_DEPTH = 4


@dataclass(frozen=True, slots=True)
class ConstitutionFile:
    path: Path
    display: str
    #: Resolved folders the file must resolve inside: a symlink in its place leads nowhere else.
    allowed_roots: tuple[str, ...]


def find_constitution(roots: Sequence[Path], base: Path, explicit: Path | None = None) -> ConstitutionFile | None:
    """The constitution the plans are checked against: ``explicit`` when given (None when it does
    not exist: the caller reports it), else the first ``.specify/memory/constitution.md`` in a spec
    root or a folder above it, up to the folder holding ``.git`` (the repository's top)."""
    if explicit is not None:
        if not explicit.is_file():
            return None
        return ConstitutionFile(explicit, display_path(explicit, base),
                                resolve_roots([explicit.parent, *roots]))
    for root in roots:
        folder = root.resolve() if root.is_dir() else None
        for _ in range(CONSTITUTION_SEARCH_DEPTH + 1):
            if folder is None:
                break
            for relative in CONSTITUTION_PATHS:
                candidate = folder / relative
                if candidate.is_file():
                    return ConstitutionFile(candidate, display_path(candidate, base), resolve_roots([folder]))
            if (folder / ".git").exists() or folder.parent == folder:
                break
            folder = folder.parent
    return None
