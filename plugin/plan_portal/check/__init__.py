"""Stage 5: checks across the model that need more than one record to decide."""

from plan_portal.check.gates import gate_mitigations, unmitigated_gates
from plan_portal.check.run import run_checks

__all__ = ["gate_mitigations", "run_checks", "unmitigated_gates"]
