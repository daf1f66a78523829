"""The cyclic garbage collector, paused while a build makes its big object graphs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """Reading a plan or laying out its documents makes hundreds of thousands of objects
    that all live on: the cyclic garbage collector, run every 700 new objects, would walk
    them again and again (a third of the time to load a 10,000-item YAML file, a tenth of
    laying out a 2,000-item attachment).  Garbage left meanwhile is collected later.

    ``keep``: what was made is kept (a loaded plan): it joins the oldest generation at
    once, as objects that live on do after two collections, which would each walk all of
    it (the first, when the collector resumes, 10 % of loading a large plan).  Cycles among
    them are still found, by the next full collection.  Not done when the program has
    frozen objects of its own (``gc.freeze``), which this would let go."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep and gc.get_freeze_count() == 0:
            gc.freeze()  # every tracked object, young ones too, into the permanent generation …
            gc.unfreeze()  # … and back into the oldest (two splices of lists; counts reset)
        if enabled:
            gc.enable()
