"""Stage 6: the portal's pages from a checked portfolio, as Markdown with HTML blocks; no site
generator here, and no file read: see site.portal_pages."""

from plan_portal.render.context import TemplateContext
from plan_portal.render.page import PortalPage
from plan_portal.render.site import RenderJob, portal_pages
from plan_portal.render.urls import Layout

__all__ = ["Layout", "PortalPage", "RenderJob", "TemplateContext", "portal_pages"]
