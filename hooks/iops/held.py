"""Scratch folders a build holds while it works, and the clean-up of those
that stopped builds left behind.

A build that is killed, or whose machine stops, leaves its scratch folders:
the new site beside site/, and Pagefind's pages in /dev/shm, which is
memory. Each is held with a lock (flock) for as long as its build runs, so
the next build tells a folder nobody holds, which it deletes, from one that
a build at work still holds. The lock goes when the build does, however it
ends, with nothing to clean up first.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path


def make_held(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new empty folder in `parent`, named `prefix` and more, held for as
    long as the returned descriptor is open (by this process or a child)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    handle = os.open(folder, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return folder, handle


def remove_abandoned(parent: Path, prefix: str) -> int:
    """Delete the folders in `parent` named `prefix` and more that no build
    holds (`make_held`); how many were deleted."""
    removed = 0
    for folder in parent.glob(f"{prefix}*"):
        try:
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # gone meanwhile, not a folder, or not ours to read
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # held: a build at work
        finally:
            os.close(handle)  # and with it the lock just taken, if it was
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed
