"""What a run of the portal is asked to do, decided once by an adapter and then only read.

The plugin builds its ``Settings`` from mkdocs.yml, the command line from its options; every stage
takes what it needs from here, so no option is copied from one parameter list into the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from plan_portal.diagnostics import Severity

#: Files larger than this are not read into memory at all.
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How the pages look: the plugin's options of the same names."""

    title: str = "Plan portfolio"
    #: Links followed from the roots of a local graph.
    graph_depth: int = 2
    #: Most nodes in a local graph (feature or decision); more are left out with a note.
    local_graph_nodes: int = 40
    #: Most nodes in a portfolio-wide graph.
    full_graph_nodes: int = 100
    #: Most rows on one page of a dashboard list; longer lists continue on further pages.
    page_size: int = 500
    #: The day the site is built (``2026-03-01``) and the commit of the plans, which printed
    #: dashboards carry; the adapter that builds the site finds them (empty: not shown).
    built: str = ""
    commit: str = ""


def _frozen(overrides: Mapping[str, Severity | None]) -> Mapping[str, Severity | None]:
    return MappingProxyType(dict(overrides))


@dataclass(frozen=True, slots=True)
class Settings:
    """One run's input: where the plans are and how to read, check and show them."""

    #: Spec roots: every ``<root>/<feature>/`` holding spec artifacts is a feature.
    roots: tuple[Path, ...]
    #: The folder paths in diagnostics are relative to (the project's, where mkdocs.yml is).
    base: Path
    #: Severity per check code; None silences the code.
    overrides: Mapping[str, Severity | None] = field(default_factory=lambda: _frozen({}))
    #: Files larger than this are reported and not read.
    max_bytes: int = MAX_BYTES
    options: RenderOptions = RenderOptions()
    #: A folder of templates that replace the portal's own by file name.
    templates: Path | None = None
    #: A git ref to compare the plans with (the plugin's ``compare_to``), or None.
    compare_to: str | None = None
    #: Folders outside the spec roots that symlinks may lead into (monorepos); nothing else outside is read.
    allowed_roots: tuple[Path, ...] = ()
    #: The constitution file when it is not where spec-kit keeps it (found above the roots).
    constitution: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "roots", tuple(self.roots))
        object.__setattr__(self, "overrides", _frozen(self.overrides))
        object.__setattr__(self, "allowed_roots", tuple(self.allowed_roots))

    def __reduce__(self) -> tuple[object, ...]:
        # A mappingproxy does not pickle; spawned workers receive settings as plain values.
        return (_settings, (self.roots, self.base, dict(self.overrides), self.max_bytes, self.options,
                            self.templates, self.compare_to, self.allowed_roots, self.constitution))

    @property
    def existing_roots(self) -> list[Path]:
        return [root for root in self.roots if root.is_dir()]


def _settings(*values: object) -> Settings:
    return Settings(*values)  # type: ignore[arg-type]
