"""Typed links between records, each with a forward and a reverse label (sphinx-needs style)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LinkType:
    name: str
    forward: str
    reverse: str


LINK_TYPES: dict[str, LinkType] = {
    t.name: t
    for t in (
        LinkType("depends-on", "depends on", "required by"),
        LinkType("supersedes", "supersedes", "superseded by"),
        LinkType("mitigated-by", "mitigated by", "mitigates"),
        LinkType("evidenced-by", "evidenced by", "evidence for"),
        LinkType("relates-to", "relates to", "referenced by"),
        LinkType("feature-depends-on", "feature depends on", "feature required by"),
        LinkType("implements", "implements", "implemented by"),
        LinkType("addresses", "addresses", "addressed by"),
        LinkType("cites", "cites", "cited by"),
        LinkType("reviews", "reviews", "reviewed by"),
    )
}
