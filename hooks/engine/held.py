"""Scratch folders a build holds while it works, and the clean-up of those
that stopped builds left behind.

A build that is killed, or whose machine stops, leaves its scratch folders:
the new site beside site/, and Pagefind's pages in /dev/shm, which is
memory. Each is held with a lock (flock) for as long as its build runs, so
the next build tells a folder nobody holds, which it deletes, from one that
a build at work still holds. The lock goes when the build does, however it
ends, with nothing to clean up first. A site replaced whole is deleted the
same way, by a process of its own that holds it (`delete_in_background`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
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


_DELETE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def delete_in_background(folder: Path, prefix: str) -> None:
    """Move `folder` into a new held folder beside it (named `prefix` and
    more), and delete that in a process of its own, which holds the lock
    until it is done: a site of 50,000 files took 19 s to delete here, which
    the build need not wait for. Should that process be stopped, the next
    `remove_abandoned(folder.parent, prefix)` deletes what it left."""
    holder, lock = make_held(folder.parent, prefix)
    try:
        folder.rename(holder / folder.name)
        try:
            subprocess.Popen(  # noqa: S603 (this Python, and a folder of our own)
                [sys.executable, "-c", _DELETE, str(holder)],
                pass_fds=(lock,),  # the lock goes with it: the same open file
                start_new_session=True,  # not stopped with the build's terminal
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # no process to be had: deleted here, as it was before
            shutil.rmtree(holder, ignore_errors=True)
    finally:
        os.close(lock)
