"""The cyclic garbage collector, paused while a build makes its big object graphs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading a plan or laying out its documents makes hundreds of thousands of objects
    that all live on: the cyclic garbage collector, run every 700 new objects, would walk
    them again and again (a third of the time to load a 10,000-item YAML file, a tenth of
    laying out a 2,000-item attachment).  Garbage left meanwhile is collected later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
