"""Stage 2: turn a file into text and Markdown blocks, with diagnostics for what cannot be read."""

from plan_portal.read.blocks import Block, Document, Item, Paragraph, Row, Section, Table, block_lines, parse_document
from plan_portal.read.hazards import Hazard, conversion_hazard
from plan_portal.read.source import MAX_BYTES, SourceFile, probe_file, read_source

__all__ = [
    "MAX_BYTES",
    "Block",
    "Document",
    "Hazard",
    "Item",
    "Paragraph",
    "Row",
    "Section",
    "SourceFile",
    "Table",
    "block_lines",
    "conversion_hazard",
    "parse_document",
    "probe_file",
    "read_source",
]
