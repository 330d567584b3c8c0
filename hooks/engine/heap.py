"""The build's memory as Python's cycle collector sees it.

A build makes a large model once (every item, page, card and listing of
the site: millions of objects at 10,000 posts) and keeps all of it until
the build ends. Python's collector walks every object it tracks on each
full collection, and with its default thresholds it collected again and
again while that model was being made and used: about a quarter of a
rebuild's time at 10,000 posts (`build.py bench`: 12 s, 9.5 s without).
Forked workers paid twice: a collection writes into each object it walks,
so the memory they shared with the parent was copied.

So, for the length of a build (`collecting_seldom`), the young collections
come less often, and what exists at the points where the model is made
(`settle`: after planning, before workers are forked) is moved out of the
collector's sight. Garbage without cycles is freed as always (reference
counting does it); only cycles among settled objects wait until the build
ends. Then everything is handed back to the collector, and the thresholds
are restored: `serve`'s warm builder lives on from one build to the next.
A command that ends with its build calls `before_exit` last.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BUILD_THRESHOLDS = (20_000, 50, 1_000)
"""The collector's thresholds while a build runs (Python's are 700, 10, 10):
the young generation is collected every 20,000 new objects rather than 700,
and the old ones far less often; the model lives until the end anyway."""


_depth = 0
"""How many `collecting_seldom` blocks are open: the outermost restores."""


@contextmanager
def collecting_seldom() -> Iterator[None]:
    """Within this block, collect cycles seldom, and `settle` takes effect.
    A block opened inside another changes nothing: the outermost one hands
    everything back."""
    global _depth
    before = gc.get_threshold()
    if _depth == 0:
        gc.set_threshold(*BUILD_THRESHOLDS)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.unfreeze()
            gc.set_threshold(*before)


def settle() -> None:
    """Take every object alive now out of the collector's sight until the
    outermost `collecting_seldom` block ends: they are the model the rest of
    the build reads. Outside such a block (a test building in its own
    process, say) it does nothing: nothing would hand them back."""
    if _depth:
        gc.freeze()


def before_exit() -> None:
    """The process ends now: whatever is alive stays out of the collector's
    sight. The interpreter's last collection walked the whole model, and then
    freed it object by object, which the end of the process does at once:
    1.6 s of a 9.5 s rebuild at 10,000 posts."""
    gc.freeze()
