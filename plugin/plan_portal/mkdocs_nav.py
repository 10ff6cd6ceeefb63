"""Place the portal in MkDocs' navigation: one section of dashboards, features only while few.

With the automatic nav, the portal's folder becomes the section; with an explicit ``nav:``, the
entry that names the overview page (``- Plans: plans/index.md``) becomes it, and without such an
entry the section is appended at the end.
"""

from __future__ import annotations

from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from plan_portal.render import PortalPage


def _walk(items: list[StructureItem]) -> list[StructureItem]:
    found: list[StructureItem] = []
    for item in items:
        found.append(item)
        if isinstance(item, Section):
            found.extend(_walk(item.children))
    return found


def _siblings(nav: Navigation, item: StructureItem) -> list[StructureItem]:
    return item.parent.children if item.parent is not None else nav.items


def _page(files: Files, src_uri: str) -> Page | None:
    file = files.src_uris.get(src_uri)  # a portal page's src_uri is a POSIX path already
    return file.page if file is not None else None


def place_portal(nav: Navigation, files: Files, pages: list[PortalPage], title: str, feature_limit: int) -> Navigation:
    dashboards = [p for p in (_page(files, pp.src_uri) for pp in pages if pp.kind == "dashboard") if p]
    features = [p for p in (_page(files, pp.src_uri) for pp in pages if pp.kind == "feature") if p]
    if not dashboards:
        return nav
    overview = dashboards[0]
    children: list[StructureItem] = list(dashboards)
    if 0 < len(features) <= feature_limit:
        children.append(Section("Features", list(features)))
    section = Section(title, children)

    placed = overview in _walk(nav.items)
    if placed:
        holder: StructureItem = overview
        parent = overview.parent
        if parent is not None and parent.children == [overview]:  # the automatic nav's folder section
            holder = parent
        elif overview.title:  # an explicit "- Plans: plans/index.md" names the section
            section.title = overview.title
        overview.title = "Overview"
        siblings = _siblings(nav, holder)
        section.parent = holder.parent
        siblings[siblings.index(holder)] = section
    else:
        nav.items.append(section)
    for child in children:
        child.parent = section
    if isinstance(children[-1], Section):
        for feature in features:
            feature.parent = children[-1]
    # Pages outside the nav still get the portal as their ancestor, for breadcrumbs.
    below = ("dashboard-page", "feature", "feature-page", "impact", "artifact")
    for page in (_page(files, pp.src_uri) for pp in pages if pp.kind in below):
        if page is not None and page.parent is None:
            page.parent = section
    nav.pages = [item for item in _walk(nav.items) if isinstance(item, Page)]
    for index, page in enumerate(nav.pages):
        page.previous_page = nav.pages[index - 1] if index else None
        page.next_page = nav.pages[index + 1] if index + 1 < len(nav.pages) else None
    return nav
