"""Who a record names as its owner: owner text as authors write it, read as one or more names.

``Platform Lead``, ``platform  lead`` and ``@platform lead`` are one owner: names are compared
without case, with runs of spaces as one and without a leading ``@``, and a trailing note in
parentheses is dropped (``Alice (PM)`` is Alice). Several owners in one cell are separated by ``,``,
``;``, ``/``, ``&`` or ``+`` (not by "and": "Research and Development" is one team). Text that only
holds a place (``TBD``, ``—``, ``N/A``, ``[owner]``) names no owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from plan_portal.model.records import Decision
from plan_portal.model.text import strip_markup

_SEPARATORS = re.compile(r"\s*(?:[,;/&+\n]|<br\s*/?>)\s*", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_SPACES = re.compile(r"\s+")
#: Cell text that only holds the place of an owner (compared without case, spaces and dots).
PLACEHOLDERS = frozenset({
    "", "-", "--", "—", "–", "?", "??", "tbd", "tba", "tbc", "todo", "n/a", "na", "none", "nobody", "no one",
    "unassigned", "unowned", "no owner", "no-owner", "not assigned", "owner", "owners", "unknown", "x", "...", "…",
})
_BRACKETED = re.compile(r"^\[[^\]]*\]$")
#: Decision columns (beside the ones the reader understands) that name who owns a decision.
DECISION_OWNER_COLUMNS = frozenset({
    "owner", "owners", "decision owner", "decider", "deciders", "decided by", "decision maker", "dri",
    "accountable",
})


def _placeholder(text: str) -> bool:
    folded = _SPACES.sub(" ", text.strip().strip(".").casefold())
    return folded in PLACEHOLDERS or bool(_BRACKETED.match(text.strip()))


def stated(text: str) -> bool:
    """Whether a cell says something: not empty and not a placeholder (``TBD``, ``—``, ``N/A``)."""
    return not _placeholder(strip_markup(text))


def _clean(part: str) -> str:
    name = _SPACES.sub(" ", part).strip(" \t*_`'\".:")
    name = name.lstrip("@").strip()
    without_note = _TRAILING_NOTE.sub("", name).strip()
    return without_note or name


def owner_names(text: str) -> list[str]:
    """The owners a cell names, as written (cleaned), in order, each once: ``"@ana, SRE (on call)"``
    → ``["ana", "SRE"]``; ``"TBD"`` → ``[]``."""
    plain = strip_markup(text)
    if _placeholder(plain):
        return []
    names: list[str] = []
    seen: set[str] = set()
    for part in _SEPARATORS.split(plain):
        name = _clean(part)
        if _placeholder(name) or not any(c.isalnum() for c in name):
            continue
        key = owner_key(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


def owner_key(name: str) -> str:
    """The name as owners are compared: no case, one space between words, no leading ``@``."""
    return _SPACES.sub(" ", name.strip().lstrip("@").casefold()).strip()


def decision_owner(decision: Decision) -> str:
    """The owner text of a decision: its Owner, Decider(s) or Decided by column (they sit in ``extra``)."""
    return " , ".join(value for key, value in decision.extra.items()
                      if _SPACES.sub(" ", key.strip().casefold()) in DECISION_OWNER_COLUMNS and value.strip())


def display_name(spellings: Iterable[str]) -> str:
    """The spelling most records use; on a tie, the first in sort order (capitals before small letters)."""
    counts: dict[str, int] = {}
    for spelling in spellings:
        counts[spelling] = counts.get(spelling, 0) + 1
    return min(counts, key=lambda s: (-counts[s], s)) if counts else ""
