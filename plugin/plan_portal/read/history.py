"""Earlier versions of one file from the git repository that holds it, newest first.

Read with two git commands whatever the number of versions (``log`` for the commits, one
``cat-file --batch`` for their contents); a file outside a repository, or git missing or
refusing, has no history, never an error.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

#: Versions read at most: the newest ones say what changed lately.
MAX_VERSIONS = 60
#: Seconds git may take for each command before the history is given up.
TIMEOUT = 20


@dataclass(frozen=True, slots=True)
class FileVersion:
    commit: str
    #: The commit's date, YYYY-MM-DD.
    date: str
    text: str


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes | None:
    try:
        process = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT,
                                 check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return process.stdout if process.returncode == 0 else None


def file_history(path: Path, limit: int = MAX_VERSIONS) -> list[FileVersion]:
    """The file as each commit that changed it left it, newest first (renames followed)."""
    folder = path.parent
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        return []
    log = _git(["log", "--follow", f"-n{limit}", "--format=%x01%H %cs", "--name-only", "--", path.name], folder)
    if not log:
        return []
    wanted: list[tuple[str, str, str]] = []
    for entry in log.decode("utf-8", "replace").split("\x01")[1:]:
        lines = [line for line in entry.split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        commit, _, date = lines[0].partition(" ")
        wanted.append((commit, date, lines[-1]))
    if not wanted:
        return []
    request = "".join(f"{commit}:{name}\n" for commit, _, name in wanted).encode()
    output = _git(["cat-file", "--batch"], Path(top.decode().strip()), request)
    if output is None:
        return []
    versions: list[FileVersion] = []
    at = 0
    for commit, date, _ in wanted:
        end = output.find(b"\n", at)
        if end < 0:
            break
        header = output[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":  # "<name> missing": deleted at that commit
            continue
        size = int(header[2])
        versions.append(FileVersion(commit, date, output[at:at + size].decode("utf-8", "replace")))
        at += size + 1
    return versions


def build_stamp(folder: Path) -> tuple[str, str]:
    """(the build's date, the commit checked out where the plans are) for printed pages.

    The date is UTC, YYYY-MM-DD, taken from ``SOURCE_DATE_EPOCH`` when it is set (reproducible
    builds), else from the clock; the commit is ``git rev-parse HEAD`` in ``folder`` ("" outside a
    repository, or without git).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    head = _git(["rev-parse", "--verify", "--quiet", "HEAD"], folder) if folder.is_dir() else None
    return moment.strftime("%Y-%m-%d"), (head or b"").decode("ascii", "replace").strip()
