"""What every interpreter needs while it reads one file of one feature."""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.model.records import Source
from plan_portal.model.text import IdSpace, slug


@dataclass(slots=True)
class FileContext:
    feature: str
    path: str
    ids: IdSpace
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def source(self, line: int) -> Source:
        return Source(self.path, line)

    def claim(
        self, explicit: str, fallback_prefix: str, fallback_text: str, line: int, report: bool = True
    ) -> tuple[str, str]:
        """(global id, local id): the author's id when there is one, else one made from the text.

        ``report=False`` makes a repeated author id unique without a duplicate-id diagnostic.
        """
        if explicit:
            local = self.ids.claim(explicit, self.path, line, explicit=report)
        else:
            local = self.ids.claim(f"{fallback_prefix}-{slug(fallback_text)}", self.path, line, explicit=False)
        return f"{self.feature}/{local}", local

    def unknown_status(self, kind: str, raw: str, line: int) -> None:
        self.diagnostics.append(
            diagnostic("unknown-status", self.path, line, f"{kind} status {raw!r} is not recognised; kept as raw text")
        )
