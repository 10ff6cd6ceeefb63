"""Python's cyclic garbage collector while a one-off process runs the pipeline.

The pipeline makes records, a graph and pages, and few reference cycles (about 30,000 objects on
1,000 plans). But a full collection walks every object alive, and the portfolio grows as it is read:
on 1,000 plans, seven full collections took a fifth of ``plan-portal check``'s own CPU and freed
next to nothing. A one-off run pauses collections while the pipeline runs; what it left is
collected with the next collection after it (the MkDocs plugin collects at once, see
``mkdocs_held.release_memory``). ``mkdocs serve`` keeps its features between rebuilds and freezes
them instead (see ``mkdocs_live``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collections_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (unless something turned it off already)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
