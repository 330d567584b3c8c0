"""A time limit on a block of pure Python: Python-Markdown takes time quadratic
in some inputs (a long run of "[", thousands of nested lists), so a small file
could hold a build or `check` for days."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def raising_after(seconds: float, error: Callable[[], Exception]) -> Iterator[None]:
    """Raise `error()` in the block if it takes more than `seconds`. An alarm
    reaches only the main thread: in another (`serve` plans in one) the block
    runs without a limit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise error()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
