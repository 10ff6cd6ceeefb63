"""The whole pipeline for adapters: discover → read → model → link → check, in one call."""

from __future__ import annotations

from plan_portal.check import check
from plan_portal.check.session import CheckSession
from plan_portal.checked import CheckedPortfolio
from plan_portal.link import link
from plan_portal.link.session import LinkSession
from plan_portal.model import build_portfolio
from plan_portal.model.cache import ReadCache
from plan_portal.settings import Settings


def run(settings: Settings, cache: ReadCache | None = None) -> CheckedPortfolio:
    """The checked portfolio of the settings' spec roots (a missing root holds no features).

    With a cache (``mkdocs serve``), features whose files are unchanged since the last run are
    not read again, nor linked or checked again (link.session, check.session).
    """
    portfolio = build_portfolio(settings.existing_roots, settings.base, settings.max_bytes, cache,
                                settings.allowed_roots, settings.constitution)
    if cache is None:
        return check(portfolio, link(portfolio), settings.overrides)
    return cache.stage(CheckSession).check(portfolio, cache.stage(LinkSession).link(portfolio), settings.overrides)
