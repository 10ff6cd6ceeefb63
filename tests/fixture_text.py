"""Helpers for tests that write fixture text and assert on the lines records come from."""

from __future__ import annotations

import textwrap
from pathlib import Path


def norm(text: str) -> str:
    """The text exactly as the write_feature and write_files fixtures write it."""
    return textwrap.dedent(text).lstrip("\n")


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line of the (normalised) fixture that contains needle."""
    hits = [number for number, line in enumerate(norm(text).split("\n"), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


def write_feature_files(root: Path, feature_id: str, files: dict[str, str | bytes], dedent: bool = True) -> Path:
    """Create root/specs/<feature_id>/<name> for each file; bytes as they are, text normalised
    (see norm) unless ``dedent`` is off, and never with its line endings translated."""
    directory = root / "specs" / feature_id
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(norm(content) if dedent else content, encoding="utf-8", newline="")
    return directory
