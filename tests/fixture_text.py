"""Helpers for tests that write fixture text and assert on the lines records come from."""

from __future__ import annotations

import textwrap


def norm(text: str) -> str:
    """The text exactly as the write_feature and write_files fixtures write it."""
    return textwrap.dedent(text).lstrip("\n")


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line of the (normalised) fixture that contains needle."""
    hits = [number for number, line in enumerate(norm(text).split("\n"), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]
