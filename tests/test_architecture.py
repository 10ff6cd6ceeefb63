"""The pipeline as the imports make it: no stage imports a later one, render reads no file and decides
no verdict, and nothing before the adapters imports MkDocs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugin" / "plan_portal"

#: Each module's stage, by its dotted name under plan_portal (a package stands for its modules).
#: Leaves any stage may use come first; a module may import only modules of its own or an earlier rank.
RANKS: dict[str, int] = {
    "diagnostics": 0, "settings": 0, "parallel": 0, "containment": 0, "collector": 0,
    "discover": 1,
    "read": 2,
    "model": 3, "changed": 3,
    "link": 4,
    "check": 5, "checked": 5,
    "pipeline": 6, "export": 6, "export_csv": 6,
    "compare": 7,
    "render": 8,
    "portal": 9, "sanitize": 9,
    "generate": 10, "cli": 10, "plugin": 10, "config": 10, "mkdocs_nav": 10, "mkdocs_held": 10, "mkdocs_live": 10,
}
#: The MkDocs adapter: the only modules that may import MkDocs.
MKDOCS_ADAPTER = {"plugin", "config", "mkdocs_nav", "mkdocs_held", "mkdocs_live"}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts) or "__init__", path))
    return found


def _imports(path: Path) -> set[str]:
    """Every module an import statement of ``path`` names (``from a import b`` names ``a`` and ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _stage(module: str) -> str:
    return module.split(".")[0]


MODULES = [(name, path) for name, path in _modules() if name != "__init__"]


def test_every_module_has_a_stage():
    assert {_stage(name) for name, _ in MODULES} <= set(RANKS)


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_no_stage_imports_a_later_one(name: str, path: Path):
    own = RANKS[_stage(name)]
    later = sorted(
        imported for imported in _imports(path)
        if imported.startswith("plan_portal.") and RANKS.get(_stage(imported.removeprefix("plan_portal.")), -1) > own
    )
    assert later == [], f"{name} (stage {own}) imports later stages: {later}"


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_only_the_mkdocs_adapter_imports_mkdocs(name: str, path: Path):
    if _stage(name) in MKDOCS_ADAPTER:
        return
    assert not [i for i in _imports(path) if i == "mkdocs" or i.startswith("mkdocs.")], name


def test_render_imports_no_reading_checking_or_discovering():
    """Render takes a checked portfolio: it never opens a plan or decides a verdict itself."""
    forbidden = ("plan_portal.read", "plan_portal.check", "plan_portal.discover", "plan_portal.pipeline",
                 "plan_portal.portal", "plan_portal.compare.revision")
    render = [(name, path) for name, path in MODULES if _stage(name) == "render"]
    assert len(render) > 10
    offending = {name: sorted(i for i in _imports(path) if i.startswith(forbidden) and not i.startswith(
        "plan_portal.checked")) for name, path in render}
    assert {name: found for name, found in offending.items() if found} == {}


def test_render_opens_no_file():
    """No ``open``, ``read_text`` or ``read_bytes`` under render/: what it shows comes from the model."""
    for name, path in MODULES:
        if _stage(name) != "render":
            continue
        calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Call)}
        assert not calls & {"open", "read_text", "read_bytes", "read_source", "scandir", "listdir"}, name


def test_the_rule_catches_a_backward_import(tmp_path: Path):
    """The walk sees ``from`` imports of a later stage (so that the tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text("from plan_portal.render.site import portal_pages\nimport plan_portal.check\n")
    assert {"plan_portal.render.site", "plan_portal.render.site.portal_pages", "plan_portal.check"} <= _imports(module)


def test_the_template_context_is_documented():
    """docs/templates.md is the contract for custom templates: every name a template gets is in it."""
    from dataclasses import fields

    from plan_portal.render import TemplateContext

    documented = (PACKAGE.parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    missing = [f.name for f in fields(TemplateContext) if f"`{f.name}" not in documented]
    assert missing == []
