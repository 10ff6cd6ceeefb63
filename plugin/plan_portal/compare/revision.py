"""The portfolio as it was at a git ref, or as saved by ``plan-portal export``.

Plans at a ref are read through ``git archive`` into a temporary folder, never by checking the
ref out, and then go through the normal pipeline with the same relative paths, so that the
diagnostics of both revisions name the same files.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from plan_portal.compare.changes import Revision, readable_moment
from plan_portal.compare.moments import parse_moment
from plan_portal.export import SCHEMA, export_document
from plan_portal.pipeline import run
from plan_portal.settings import Settings


class RevisionError(Exception):
    """A revision that cannot be read; ``code`` is stable, the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as error:
        raise RevisionError("git-missing", "git is not installed (or not on PATH); reading a ref needs it") from error
    except OSError as error:
        raise RevisionError("git-missing", f"git could not be run: {error}") from error


def _stderr(process: subprocess.CompletedProcess[bytes]) -> str:
    """git's last line of complaint, the one that says what went wrong."""
    lines = process.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {process.returncode}"


def repository_root(base: Path) -> Path:
    """The top folder of the git work tree that holds ``base``."""
    process = _git(["rev-parse", "--show-toplevel"], base)
    if process.returncode != 0:
        reason = _stderr(process)  # e.g. git refusing a repository owned by another user
        detail = "" if "not a git repository" in reason else f" that git can use ({reason})"
        raise RevisionError("not-a-repository", f"{base} is not inside a git repository{detail}")
    return Path(process.stdout.decode("utf-8").strip()).resolve()


def _commit_of(ref: str, base: Path) -> str | None:
    # A ref that starts with "-" would be read as an option.
    process = None if ref.startswith("-") else _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], base)
    if process is None or process.returncode != 0:
        return None
    return process.stdout.decode("ascii").strip()


def resolve_commit(ref: str, base: Path) -> str:
    """The commit a ref names (a branch, tag, ``HEAD~1``, a hash …), as a full hash."""
    repository_root(base)
    commit = _commit_of(ref, base)
    if commit is None:
        raise RevisionError("unknown-ref", f"{ref!r} is not a commit, branch or tag of the git repository")
    return commit


def _commit_before(text: str, moment: datetime, base: Path) -> str:
    """The last commit of HEAD's first-parent history committed at or before ``moment``."""
    # git reads no moment before 1970 (@-1 is not a timestamp to it): no commit is that old.
    stamp = int(moment.timestamp())
    process = _git(["rev-list", "-1", "--first-parent", f"--before=@{max(stamp, 0)}", "HEAD"], base)
    if process.returncode != 0:
        raise RevisionError("unknown-ref", f"{text!r}: the current branch has no commits ({_stderr(process)})")
    commit = process.stdout.decode("ascii").strip()
    if commit and stamp >= 0:
        return commit
    root = _git(["rev-list", "--first-parent", "--max-parents=0", "HEAD"], base).stdout.decode("ascii").split()
    first = _git(["show", "-s", "--format=%cI", *root[-1:]], base).stdout.decode("utf-8", "replace").strip()
    shallow = _git(["rev-parse", "--is-shallow-repository"], base).stdout.decode("ascii", "replace").strip()
    at, first = readable_moment(moment.isoformat()), readable_moment(first)
    if shallow == "true":
        raise RevisionError("shallow-history", f"{text!r} ({at}) is older than the history this shallow clone "
                            f"holds (from {first}): fetch the whole history (fetch-depth: 0)")
    raise RevisionError("before-first-commit", f"{text!r} ({at}) is before the first commit of the current "
                        f"branch ({first})")


def resolve_revision(text: str, base: Path, now: datetime | None = None) -> Revision:
    """The commit ``text`` names: a git ref if it is one (a ref wins), else a date or an age
    (``2026-11-01``, ``7 days``, see compare.moments): the last commit of the current branch's
    first-parent history committed at or before that moment."""
    repository_root(base)
    commit = _commit_of(text, base)
    kind, moment = "ref", None
    if commit is None:
        try:
            parsed = parse_moment(text, now)
        except ValueError as error:
            raise RevisionError("invalid-date", f"{error}; write a date as YYYY-MM-DD") from None
        if parsed is None:
            raise RevisionError("unknown-ref", f"{text!r} is not a commit, branch or tag of the git repository, "
                                "nor a date (2026-11-01) or an age (7 days)")
        kind, moment = parsed
        commit = _commit_before(text, moment, base)
    shown = _git(["show", "-s", "--format=%cI%x00%s", commit], base).stdout.decode("utf-8", "replace").strip()
    committed, _, subject = shown.partition("\0")
    return Revision(text, kind, commit, committed, subject,
                    moment.isoformat(timespec="seconds") if moment is not None else "")


def _in_repository(path: Path, top: Path, what: str) -> str:
    try:
        return path.resolve().relative_to(top).as_posix()
    except ValueError:
        raise RevisionError("outside-repository", f"{what} {path} is not inside the git repository {top}") from None


def _present(commit: str, path: str, top: Path) -> bool:
    return path == "." or _git(["cat-file", "-e", f"{commit}:{path}"], top).returncode == 0


def _extract(archive: Path, destination: Path) -> None:
    """Extract regular files and folders only: no links, nothing outside ``destination``."""
    with tarfile.open(archive) as tar:
        members = []
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if (member.isfile() or member.isdir()) and not member.name.startswith("/") and ".." not in parts:
                members.append(member)
        if hasattr(tarfile, "data_filter"):
            tar.extractall(destination, members=members, filter="data")
        else:  # Python without extraction filters (before 3.10.12 / 3.11.4): the checks above suffice
            tar.extractall(destination, members=members)


def export_at_commit(commit: str, settings: Settings) -> dict[str, Any]:
    """The export document of the plans under the settings' roots as they were at ``commit``.

    A root that did not exist at that commit is simply empty there (every feature under it is new).
    """
    top = repository_root(settings.base)
    base_path = _in_repository(settings.base, top, "folder")
    root_paths = [_in_repository(root, top, "spec root") for root in settings.roots]
    with tempfile.TemporaryDirectory(prefix="plan-portal-") as folder:
        checkout = Path(folder, "tree")
        checkout.mkdir()
        present = sorted({path for path in root_paths if _present(commit, path, top)})
        if present:
            archive = Path(folder, "revision.tar")
            process = _git(["archive", "--format=tar", "-o", str(archive), commit, "--", *present], top)
            if process.returncode != 0:
                raise RevisionError("git-archive-failed", f"git archive {commit[:12]} failed: {_stderr(process)}")
            _extract(archive, checkout)
        old_base = checkout / base_path
        old_roots = [checkout / path for path in root_paths]
        return export_document(run(dataclasses.replace(settings, roots=tuple(old_roots), base=old_base)))


def load_export(path: Path) -> dict[str, Any]:
    """An export document written by ``plan-portal export``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RevisionError("unreadable-export", f"{path} could not be read: {error.strerror or error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RevisionError("invalid-export", f"{path} is not a JSON export: {error}") from error
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else None
        raise RevisionError(
            "invalid-export", f"{path} is not a plan-portal export (schema {found!r}, expected {SCHEMA!r})")
    for key in ("features", "gates", "risks", "decisions", "diagnostics"):
        records = document.get(key)
        if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
            raise RevisionError("invalid-export", f"{path}: {key!r} is missing or not a list of objects")
    return document


class BaselineCache:
    """The export document of the last baseline read: the plans at a commit never change, so
    ``mkdocs serve`` reads them again only when the baseline's commit moves (a branch moved, or an
    age now reaches a later commit) or the reading options change."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._document: dict[str, Any] = {}

    def read(self, text: str, settings: Settings) -> tuple[Revision, dict[str, Any]]:
        """The commit ``text`` names (a ref, a date or an age) and the export document of the plans there."""
        revision = resolve_revision(text, settings.base)
        key = (revision.commit, settings.roots, settings.base, tuple(sorted(settings.overrides.items())),
               settings.max_bytes)
        if key != self._key:
            self._document = export_at_commit(revision.commit, settings)
            self._key = key
        return revision, self._document

    def document(self, ref: str, settings: Settings) -> dict[str, Any]:
        return self.read(ref, settings)[1]
