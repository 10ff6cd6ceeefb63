"""The documentation names every check the code can report."""

from pathlib import Path

from plan_portal.diagnostics import CODES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_check_code_is_documented_with_its_default_severity():
    text = (DOCS / "checks.md").read_text(encoding="utf-8")
    for code, check in CODES.items():
        assert f"| `{code}` | {check.severity.value} |" in text, code
