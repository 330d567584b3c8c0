"""Pure work spread over forked processes, results in the order of the input.

Forked workers start with the parent's memory, so they can read the whole
model without it being sent to them; only their results travel back. The
order of the results never depends on how the work was split.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from .heap import settle

In = TypeVar("In")
Out = TypeVar("Out")

_task: Callable[[list[object]], list[object]] | None = None


def cores() -> int:
    """The cores this process may run on (at most 8: more buys little here)."""
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def map_in_order(
    task: Callable[[list[In]], list[Out]],
    inputs: Sequence[In],
    *,
    jobs: int | None = None,
    at_least: int = 1,
) -> list[Out]:
    """`task` over chunks of `inputs` on `jobs` processes; one list of results.

    `task` takes a chunk and returns one result per input. Below `at_least`
    inputs, or with one core, or in a process running other threads (forking
    one can copy a held lock into the child, held there for ever), the work
    stays in this process.
    """
    global _task
    workers = jobs or cores()
    if len(inputs) < max(at_least, 2) or workers < 2 or threading.active_count() > 1:
        return task(list(inputs))
    size = -(-len(inputs) // (workers * 4))
    chunks = [list(inputs[start : start + size]) for start in range(0, len(inputs), size)]
    _task = task  # type: ignore[assignment]  # read by the forked workers
    try:
        context = multiprocessing.get_context("fork")
        settle()  # what the workers share with this process stays shared
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = list(pool.map(_run_task, chunks))
    finally:
        _task = None
    return [result for chunk in results for result in chunk]  # type: ignore[misc]


def _run_task(chunk: list[object]) -> list[object]:
    assert _task is not None
    return _task(chunk)
