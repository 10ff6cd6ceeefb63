"""Risks from any table that looks like a risk register, under whatever heading it sits."""

from __future__ import annotations

from plan_portal.model.context import FileContext
from plan_portal.model.outline import Outline
from plan_portal.model.records import Risk
from plan_portal.model.status import level, risk_level
from plan_portal.model.tables import cell, column_roles, extra_cells
from plan_portal.read.blocks import Table

_ROLES = {
    "id": ("id", "#", "risk id", "ref", "no.", "no"),
    "probability": ("probability", "likelihood", "prob", "chance", "p"),
    "impact": ("impact", "severity", "consequence", "i"),
    "mitigation": ("mitigation", "response", "contingency", "countermeasure", "strategy", "plan", "action"),
    "trigger": ("trigger", "signal", "indicator", "early warning", "detection"),
    "owner": ("owner", "responsible"),
    "description": ("risk", "description", "threat", "concern", "issue", "hazard", "scenario", "what"),
}


def _is_risk_table(table: Table, roles: dict[str, int], in_risk_section: bool) -> bool:
    if "description" not in roles:
        return False
    header = " ".join(table.header).lower()
    named = "risk" in header or "threat" in header
    rated = "probability" in roles or "impact" in roles
    return (rated or "mitigation" in roles) and (named or in_risk_section) and (rated or in_risk_section)


def read_risks(context: FileContext, outline: Outline) -> list[Risk]:
    risks: list[Risk] = []
    for index, section in enumerate(outline.doc.sections):
        in_risk_section = "risks" in outline.kinds[index]
        for block in section.blocks:
            if not isinstance(block, Table):
                continue
            roles = column_roles(block.header, _ROLES)
            if not _is_risk_table(block, roles, in_risk_section):
                continue
            for row in block.rows:
                description = cell(row, roles["description"])
                if not any(row.plain):
                    continue
                explicit = cell(row, roles.get("id"), plain=True)
                global_id, local = context.claim(explicit, "risk", description, row.line)
                raw_p = cell(row, roles.get("probability"), plain=True)
                raw_i = cell(row, roles.get("impact"), plain=True)
                p, i = level(raw_p), level(raw_i)
                for raw, value in ((raw_p, p), (raw_i, i)):
                    if raw and value == "unknown":
                        context.unknown_status("risk level", raw, row.line)
                risks.append(Risk(
                    global_id, context.feature, local, description, p, raw_p, i, raw_i, risk_level(p, i),
                    cell(row, roles.get("owner"), plain=True), cell(row, roles.get("mitigation")),
                    cell(row, roles.get("trigger")), context.source(row.line), extra_cells(block, row, roles),
                ))
    return risks
