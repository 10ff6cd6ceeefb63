"""Stage 5: checks across the model that need more than one record to decide, and the verdicts
every later stage shows (see plan_portal.checked)."""

from plan_portal.check.gates import fail_gate_mitigations, gate_mitigations
from plan_portal.check.run import check

__all__ = ["check", "fail_gate_mitigations", "gate_mitigations"]
