"""The trust boundary: which real paths the portal may read and publish.

A plan repository is input from anyone who can open a pull request, and a symlink in it can point
anywhere (``contracts/env.txt -> /proc/self/environ``). Every path is therefore resolved, symlinks
and ``..`` followed, and must land inside an allowed root: a spec root as configured (resolved once,
so a root that is itself a symlink contains what its target contains) or an extra root the user
allowed. Pseudo filesystems whose files look regular but are made up by the kernel on reading are
never allowed, whatever the roots.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from plan_portal.diagnostics import Diagnostic, diagnostic

#: Kernel-made files (``/proc/self/environ``, ``/sys/...``) stat as regular files: never read them.
PSEUDO_FILESYSTEMS: tuple[str, ...] = ("/proc", "/sys") if sys.platform.startswith("linux") else ()


def resolve_roots(roots: Iterable[Path]) -> tuple[str, ...]:
    """The real paths of roots, duplicates removed, in order."""
    return tuple(dict.fromkeys(os.path.realpath(root) for root in roots))


def encloses(outer: str, inner: str) -> bool:
    """Whether the real path ``outer`` is ``inner`` or one of its parents."""
    outer, inner = os.path.normcase(outer), os.path.normcase(inner)
    try:
        return os.path.commonpath([outer, inner]) == outer
    except ValueError:  # different drives, or one path relative
        return False


def on_pseudo_filesystem(real: str) -> bool:
    return any(encloses(pseudo, real) for pseudo in PSEUDO_FILESYSTEMS)


def allowed(real: str, roots: Iterable[str]) -> bool:
    """Whether a resolved path lies inside one of the resolved roots and on no pseudo filesystem."""
    return not on_pseudo_filesystem(real) and any(encloses(root, real) for root in roots)


def outside_root(path: Path, real: str, display: str) -> Diagnostic:
    """The diagnostic for a path that resolves outside every allowed root; it names the link's
    target as written in the repository, never the resolved path on the build machine."""
    try:
        link = f"links to {os.readlink(path)!r}, which leads"
    except (OSError, ValueError):  # not a link itself: a folder above it is
        link = "leads"
    if on_pseudo_filesystem(real):
        where = f"{link} to a file the kernel makes up ({', '.join(PSEUDO_FILESYSTEMS)}), which is never read"
    else:
        where = (f"{link} outside the spec roots; not read or published (allow its folder with the "
                 f"allowed_roots option or --allow-root if it is meant to be)")
    return diagnostic("outside-root", display, 1, where)
