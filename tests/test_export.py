"""The export's conversion of records to plain data: what ``dataclasses.asdict`` gives, faster."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from plan_portal.export import plain
from plan_portal.pipeline import run
from plan_portal.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
#: The demo, and the real projects of the shared corpus when it is there.
SPECS = [REPO / "specs", *sorted(p / "specs" for p in CORPUS.glob("*") if (p / "specs").is_dir())]


def _records(specs: Path) -> list[Any]:
    checked = run(Settings((specs,), specs.parent))
    records: list[Any] = [*checked.portfolio.features, *checked.edges, *checked.owners.values(),
                          *(checked.readiness_of(f.id) for f in checked.portfolio.features)]
    if checked.portfolio.constitution is not None:
        records.append(checked.portfolio.constitution)
    return records


@pytest.mark.parametrize("specs", SPECS, ids=lambda p: p.parent.name)
def test_plain_equals_asdict_on_every_record(specs: Path) -> None:
    records = _records(specs)
    assert records
    for record in records:
        converted = plain(record)
        assert converted == dataclasses.asdict(record)
        assert repr(converted) == repr(dataclasses.asdict(record)), "the same types: tuples stay tuples"


def test_plain_copies_containers_so_the_model_is_not_changed_through_it() -> None:
    @dataclasses.dataclass
    class Inner:
        tags: list[str]
        cells: dict[str, str]

    @dataclasses.dataclass
    class Outer:
        inner: Inner
        pairs: tuple[Inner, ...]

    record = Outer(Inner(["a"], {"k": "v"}), (Inner([], {}),))
    converted = plain(record)
    assert converted == {"inner": {"tags": ["a"], "cells": {"k": "v"}}, "pairs": ({"tags": [], "cells": {}},)}
    converted["inner"]["tags"].append("b")
    converted["inner"]["cells"]["k"] = "changed"
    assert record.inner.tags == ["a"] and record.inner.cells == {"k": "v"}
