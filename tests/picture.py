"""Read a drawn picture back as the reader and the page's script see it: its boxes' ids (each
box's tooltip starts with its id) and its links by the ids of their two ends."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"
PICTURE = re.compile(r'<svg\b[^>]*class="pp-graph".*?</svg>', re.S)


def box_ids(svg: ET.Element) -> list[str]:
    """The boxes' ids in drawing order, the order a link's ``data-pp-ends`` numbers them by."""
    return [(box.findtext(f"{SVG_NS}title") or "").split(": ", 1)[0] for box in svg.iter(f"{SVG_NS}a")]


def links(svg: ET.Element) -> list[tuple[str, str]]:
    """Each link drawn, as (from id, to id)."""
    ids = box_ids(svg)
    ends = [path.get("data-pp-ends", "").split() for path in svg.iter(f"{SVG_NS}path") if path.get("data-pp-ends")]
    return [(ids[int(source)], ids[int(target)]) for source, target in ends]


def page_links(html: str) -> list[tuple[str, str]]:
    """The links of every picture on a page."""
    return [link for svg in PICTURE.findall(html) for link in links(ET.fromstring(svg))]
