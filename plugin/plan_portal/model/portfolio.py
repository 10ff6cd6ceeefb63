"""Read every feature under the spec roots into one Portfolio."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.discover import discover, display_path, find_constitution
from plan_portal.model.cache import ReadCache
from plan_portal.model.constitution import read_constitution, with_history
from plan_portal.model.feature import read_features
from plan_portal.model.records import Constitution, Feature, Portfolio
from plan_portal.read import MAX_BYTES


def build_portfolio(
    roots: list[Path],
    base: Path,
    max_bytes: int = MAX_BYTES,
    cache: ReadCache | None = None,
    allowed_roots: Sequence[Path] = (),
    constitution: Path | None = None,
) -> Portfolio:
    """Features in discovery order; a feature id seen under two roots keeps both, the second reported.

    With a cache, a feature whose files are unchanged since the last run is not read again.
    Symlinks may lead into ``allowed_roots`` besides the spec roots, and nowhere else. The
    constitution is ``constitution`` when given, else the one spec-kit keeps above the roots.
    """
    features: list[Feature] = []
    seen: dict[str, Feature] = {}
    portfolio = Portfolio(features)
    found = discover(roots, base, allowed_roots)
    portfolio.diagnostics.extend(found.diagnostics)
    portfolio.constitution = _constitution(roots, base, max_bytes, constitution, portfolio.diagnostics)
    feature_dirs = found.features
    if cache is not None:
        cache.keep_only(feature_dirs)
    read = cache.features(feature_dirs, max_bytes) if cache is not None else read_features(feature_dirs, max_bytes)
    for feature in read:
        if feature.id in seen:
            portfolio.diagnostics.append(
                diagnostic("duplicate-id", feature.path, 1,
                           f"feature id {feature.id!r} also exists at {seen[feature.id].path}; ids are ambiguous")
            )
        seen.setdefault(feature.id, feature)
        features.append(feature)
    return portfolio


def _constitution(roots: list[Path], base: Path, max_bytes: int, explicit: Path | None,
                  diagnostics: list[Diagnostic]) -> Constitution | None:
    found = find_constitution(roots, base, explicit)
    if found is None:
        if explicit is not None:
            diagnostics.append(diagnostic("missing-constitution", display_path(explicit, base), 1,
                                          "the 'constitution' option names no file; gates are grouped by name"))
        return None
    constitution = read_constitution(found, max_bytes)
    constitution.amendments = with_history(constitution, found.path)
    return constitution
