"""Stage 2: turn a file into text and Markdown blocks, with diagnostics for what cannot be read."""

from plan_portal.read.blocks import Document, Item, Paragraph, Row, Section, Table, parse_document
from plan_portal.read.source import MAX_BYTES, SourceFile, read_source

__all__ = [
    "MAX_BYTES",
    "Document",
    "Item",
    "Paragraph",
    "Row",
    "Section",
    "SourceFile",
    "Table",
    "parse_document",
    "read_source",
]
