"""Find columns by what their header says, in any order, and keep the rest by header."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from plan_portal.read.blocks import Row, Table

_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


def column_roles(header: Sequence[str], roles: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Each role gets the first unused column whose header contains one of the role's words.

    Roles are matched in the order given, so put the most specific first.
    """
    names = [normalise_header(h) for h in header]
    taken: set[int] = set()
    found: dict[str, int] = {}
    for role, words in roles.items():
        for index, name in enumerate(names):
            if index in taken:
                continue
            if any(name == w or (len(w) > 2 and w in name) for w in words):
                found[role] = index
                taken.add(index)
                break
    return found


def cell(row: Row, index: int | None, plain: bool = False) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return row.plain[index] if plain else row.cells[index]


def extra_cells(table: Table, row: Row, used: Mapping[str, int]) -> dict[str, str]:
    """Cells of columns no role claimed, keyed by header (or "column N" past the header)."""
    claimed = set(used.values())
    extra: dict[str, str] = {}
    for index, text in enumerate(row.cells):
        if index in claimed:
            continue
        name = table.header[index] if index < len(table.header) and table.header[index] else f"column {index + 1}"
        if name in extra:
            name = f"{name} ({index + 1})"
        extra[name] = text
    return extra


def row_dict(table: Table, row: Row) -> dict[str, str]:
    """Every cell of a row keyed by its header, for tables shown as they are."""
    return extra_cells(table, row, {})
