"""The garbage collector paused while a big file's rows become columns, records and frames.

What is built then holds no reference cycles, yet each full collection walks every container already built
(every row's list, every record): at 100,000 rows, about a third of the reading time. Paused, and resumed as
it was, around the bulk work only; objects of reference cycles made meanwhile are collected once it resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic garbage collection inside the block (nested blocks are fine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
