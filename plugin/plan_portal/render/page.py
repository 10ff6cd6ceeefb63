"""A page of the portal as the render stage hands it to a site generator adapter."""

from __future__ import annotations

import marshal
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from plan_portal.render.graph_views import GraphView
from plan_portal.render.html_blocks import extract_html_blocks


@dataclass(frozen=True, slots=True)
class PortalPage:
    """A page or file to publish at ``src_uri`` (a path under the docs root).

    ``content`` is generated Markdown; when it is None the page shows ``source`` as it is
    (a spec.md, a contract), which the read stage found publishable. ``source`` is also where the
    page's edit link points.
    """

    src_uri: str
    title: str
    #: dashboard | dashboard-page (a long list's further page) | feature | feature-page (its
    #: traceability) | impact (what rests on a decision) | artifact | file | data (a download: CSV
    #: or JSON, published as it is)
    kind: str
    content: str | None = None
    source: Path | None = None
    feature: str = ""
    #: HTML blocks taken out of ``content`` (see html_blocks): placeholder → HTML.
    blocks: dict[str, str] = field(default_factory=dict)
    #: Graph pictures the blocks mark with a comment (see html_blocks.restore_graphs): token → SVG.
    graphs: dict[str, str] = field(default_factory=dict)
    #: The render job that made it (a dashboard's name, a page of a planned dashboard, a feature's id;
    #: see site.portal_pages) and a fingerprint of what the job's pages show (see reuse): empty for the
    #: features' own files.
    job: str = ""
    fingerprint: bytes = b""
    #: ``blocks`` and ``graphs`` packed (see ``packed``), when the caller asked for them so.
    packed_blocks: bytes = b""

    def packed(self) -> PortalPage:
        """The page with its blocks and pictures marshalled and compressed (a tenth of their size):
        how an adapter that holds them until it writes the page wants them, packed in the worker
        process that rendered the page so that only the compressed bytes come back."""
        if not self.blocks and not self.graphs:
            return self
        packed = zlib.compress(marshal.dumps((self.blocks, self.graphs)), 1)
        return replace(self, blocks={}, graphs={}, packed_blocks=packed)


def unpack_blocks(packed: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The (blocks, graphs) of ``PortalPage.packed``."""
    blocks, graphs = marshal.loads(zlib.decompress(packed))
    return blocks, graphs


class Pictures:
    """Graph pictures the templates ask for, kept out of the page text.

    A template places a comment where a picture goes; the picture travels beside the page so that
    search plugins, which read the page before it is finished, never parse the drawing's labels.
    """

    def __init__(self) -> None:
        self.pending: dict[str, str] = {}
        self.count = 0

    def mark(self, view: GraphView) -> Markup:
        self.count += 1
        token = f"PPGRAPH{self.count}"
        self.pending[token] = str(view.svg)
        return Markup(f"<!--{token}-->")

    def take(self, markdown: str) -> dict[str, str]:
        """The pictures whose marks are in ``markdown``, no longer pending. Marks count from 1
        on every page, so a page comes out the same whichever process renders it."""
        taken = {token: self.pending.pop(token) for token in list(self.pending) if f"<!--{token}-->" in markdown}
        if not self.pending:
            self.count = 0
        return taken


def generated_page(src: str, title: str, kind: str, markdown: str, pictures: Pictures,
                   source: Path | None = None, feature: str = "") -> PortalPage:
    """A page of generated Markdown, its HTML blocks and pictures set aside."""
    skeleton, blocks = extract_html_blocks(markdown, src)
    return PortalPage(src, title, kind, skeleton, source, feature, blocks, pictures.take(markdown))
