"""The gates matrix's columns are the same in every build, whatever the hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from plan_portal.link.principles import name_key

#: Gate names that no principle covers; spelled as real gates are, so that each is its own column.
NAMES = ["Security", "Privacy", "Latency", "Accessibility", "Observability", "Testing", "Simplicity",
         "Localisation", "Durability", "Compliance", "Portability", "Scalability", "Usability",
         "Maintainability", "Reliability", "Availability", "Resilience", "Auditability", "Efficiency"]

_SCRIPT = """
import json
import sys
from plan_portal.model.records import Feature, Gate, Source
from plan_portal.render.views import matrix_columns

NAMES = sys.argv[1:]
def gate(feature, name):
    return Gate(f"{feature}/{name}", feature, name, name, "pre-research", "", "pass", "PASS", "", "",
                Source("plan.md", 1))

names = NAMES  # all 19 in both features
features = []
for feature in ("001-a", "002-b"):
    f = Feature(feature, f"specs/{feature}", feature, {})
    f.gates = [gate(feature, name) for name in names]
    features.append(f)
print(json.dumps([column.key for column in matrix_columns(features, None)]))
"""


def _columns(seed: str) -> list[str]:
    plugin = Path(__file__).resolve().parents[1] / "plugin"
    environment = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(plugin)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, *NAMES], capture_output=True, text=True,
                          env=environment, check=True)
    return json.loads(done.stdout)


def test_tied_gate_names_fill_the_matrix_columns_in_key_order_under_any_hash_seed():
    """19 gate names checked by every feature tie for 12 columns: the first 12 by key take them,
    then "Other". Taken in a set's order, the columns (and so the gates pages) changed from one
    build to the next."""
    runs = {seed: _columns(seed) for seed in ("1", "2", "3", "4")}
    keys = sorted(f"name:{name_key(name)}" for name in NAMES)
    expected = [*keys[:12], "other"]
    assert all(columns == expected for columns in runs.values()), runs
