"""Stage 6: the portal's pages from the model, as Markdown with HTML blocks; no site generator here."""

from plan_portal.render.environment import environment
from plan_portal.render.pages import PortalPage, RenderOptions, portal_pages
from plan_portal.render.urls import Layout

__all__ = ["Layout", "PortalPage", "RenderOptions", "environment", "portal_pages"]
