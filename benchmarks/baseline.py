"""The baseline site for a portfolio: its plan.md, spec.md and tasks.md as ordinary MkDocs pages,
kept out of the nav, Material theme, no plugin. What MkDocs alone costs for the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

ARTIFACTS = ("plan.md", "spec.md", "tasks.md")


def write_baseline(specs: Path, out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    docs = out / "docs"
    (docs / "features").mkdir(parents=True)
    (docs / "index.md").write_text("# Baseline\n\nThe same files as ordinary pages.\n", encoding="utf-8")
    for feature in sorted(p for p in specs.iterdir() if p.is_dir()):
        target = docs / "features" / feature.name
        target.mkdir()
        for name in ARTIFACTS:
            if (feature / name).is_file():
                shutil.copyfile(feature / name, target / name)
    (out / "mkdocs.yml").write_text(
        "site_name: baseline\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n"
        "nav:\n  - Home: index.md\n"
        "not_in_nav: |\n  /features/\n",
        encoding="utf-8",
    )
    return out
