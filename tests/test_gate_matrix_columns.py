"""The gate matrix's columns do not depend on the order Python iterates a set in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plan_portal.model.records import Constitution, Feature, Gate, Principle, Source
from plan_portal.render.views import NAMED_COLUMNS_BESIDE_PRINCIPLES, matrix_columns

NAMES = ["Delta check", "Alpha check", "Charlie check", "Bravo check", "Echo check"]


def _features() -> list[Feature]:
    features = []
    for number in (1, 2):
        feature = Feature(f"00{number}-x", f"specs/00{number}-x", "X", {})
        feature.gates = [Gate(f"00{number}-x/g{i}", feature.id, f"g{i}", name, "pre", "Pre", "pass", "PASS", "",
                              "", Source(f"specs/00{number}-x/plan.md", i)) for i, name in enumerate(NAMES)]
        features.append(feature)
    return features


def _constitution() -> Constitution:
    principle = Principle("I", 1, "Tests first", False, "", Source(".specify/memory/constitution.md", 3))
    return Constitution(".specify/memory/constitution.md", "C", "1.0.0", "", "", [principle])


def test_tied_gate_names_take_the_columns_in_name_order() -> None:
    columns = matrix_columns(_features(), _constitution())
    named = [c.label for c in columns if c.principle is None and c.key != "other"]
    assert len(named) == NAMED_COLUMNS_BESIDE_PRINCIPLES < len(NAMES)
    assert named == sorted(NAMES)[:NAMED_COLUMNS_BESIDE_PRINCIPLES]
    assert columns[-1].key == "other"


def test_the_columns_are_the_same_under_every_hash_seed() -> None:
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import test_gate_matrix_columns as t; "
              "from plan_portal.render.views import matrix_columns; "
              "print([c.key for c in matrix_columns(t._features(), t._constitution())])")
    here = Path(__file__).parent
    outputs = {subprocess.run([sys.executable, "-c", script, str(here)], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(outputs) == 1
