"""The seed format's rule: "Fail the command if any gate remains FAIL without mitigation".

A FAIL gate is mitigated when a Complexity Tracking row names the gate and gives a justification,
or a risk names the gate and gives a mitigation.
"""

from __future__ import annotations

import re

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.model.records import Feature, Gate, Source
from plan_portal.model.text import strip_markup

_WORDS = re.compile(r"[^\w]+")
_JUSTIFICATION = re.compile(r"justif|why|reason|rationale|need", re.I)


def _normal(text: str) -> str:
    return _WORDS.sub(" ", strip_markup(text).lower()).strip()


def _names(gate: Gate) -> list[str]:
    """How a row may name the gate: its name, the name without a roman-numeral prefix, its id."""
    name = _normal(gate.name)
    names = [name, gate.local_id.lower()]
    bare = re.sub(r"^(?:principle\s+)?[ivxlc]+\s+", "", name)
    if bare != name and len(bare) > 3:
        names.append(bare)
    return [n for n in names if n]


def _names_gate(text: str, names: list[str]) -> bool:
    haystack = f" {_normal(text)} "
    return any(f" {n} " in haystack for n in names)


def gate_mitigations(feature: Feature, gate: Gate) -> list[Source]:
    """Where the plan mitigates a gate: Complexity Tracking rows and risks that name it."""
    names = _names(gate)
    found: list[Source] = []
    for row in feature.complexity:
        cells = list(row.cells.items())
        named = any(_names_gate(text, names) for _, text in cells[:1]) or _names_gate(
            " ".join(text for _, text in cells), names)
        justified = any(text.strip() for key, text in cells if _JUSTIFICATION.search(key)) or (
            len(cells) > 1 and bool(cells[1][1].strip()))
        if named and justified:
            found.append(row.source)
    for risk in feature.risks:
        text = " ".join([risk.local_id, risk.description, *risk.extra.values()])
        if risk.mitigation.strip() and _names_gate(text, names):
            found.append(risk.source)
    return found


def fail_gate_mitigations(features: list[Feature]) -> dict[str, tuple[Source, ...]]:
    """Every FAIL gate's id → where its plan mitigates it (empty when nothing does)."""
    return {g.id: tuple(gate_mitigations(f, g)) for f in features for g in f.gates if g.status == "fail"}


def check_gates(features: list[Feature], unmitigated: frozenset[str]) -> list[Diagnostic]:
    return [
        diagnostic("gate-fail-unmitigated", gate.source.path, gate.source.line,
                   f"gate {gate.name!r} is FAIL with no Complexity Tracking justification or risk mitigation")
        for feature in features
        for gate in feature.gates
        if gate.id in unmitigated
    ]
