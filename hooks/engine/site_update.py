"""Put a newly built site in place of the last one, changing only what changed.

A rebuild after an edit differs from the site it replaces by a few files,
and leaves the unchanged pages out of its own folder (`parallel_build`'s
`kept`). The build calls this only once it has succeeded, so a failed build
never touches the site. A reader of the site while it runs sees each file
whole, old or new; should the machine stop halfway, the next build puts
right whatever was left (every file not kept is moved in again, every file
not wanted is deleted).
"""

# ruff: noqa: PTH105, PTH106, PTH108, PTH116, PTH118
# Strings and os.scandir, not Path: this visits every file of a site of tens
# of thousands, where Path objects took most of its time.

from __future__ import annotations

import filecmp
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path


def update_in_place(target: Path, staging: Path, kept: Iterable[str]) -> int:
    """Make `target` the site that the files in `staging` and the `kept`
    files of `target` (paths relative to it) form; how many files moved in.

    Each new or changed file is moved in by a rename, and what the new site
    does not have is deleted. A file linked from the build cache into both
    folders stays, and so does one made again with the same bytes: a part
    of the search index made again after one post changed is thousands of
    files, nearly all as they were, and a rename costs more than comparing
    two small files. Making a whole new tree of folders instead, and
    deleting the old one, takes seconds on a site of thousands of pages.
    """
    wanted = set(kept)
    moved = 0
    device = staging.stat().st_dev
    for rel, entry in _files_under(str(staging)):
        wanted.add(rel)
        old = os.path.join(target, rel)
        try:
            there = os.stat(old, follow_symlinks=False)
            if (there.st_dev, there.st_ino) == (device, entry.inode()):
                continue  # the same file: linked from the cache into both
            if stat.S_ISREG(there.st_mode) and filecmp.cmp(old, entry.path, shallow=False):
                continue  # made again, the same bytes
        except OSError:
            pass
        _make_room(target, rel)
        os.replace(entry.path, old)
        moved += 1
    _delete_unwanted(str(target), "", wanted)
    return moved


def _files_under(folder: str, rel: str = "") -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under `folder`: its path relative to it (with "/"), and its entry."""
    with os.scandir(os.path.join(folder, rel)) as entries:
        for entry in entries:
            path = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(folder, path + "/")
            else:
                yield path, entry


def _delete_unwanted(target: str, rel: str, wanted: set[str]) -> bool:
    """Delete what is not `wanted` under `target`/`rel`; whether it is now empty."""
    empty = True
    with os.scandir(os.path.join(target, rel)) as entries:
        for entry in entries:
            path = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                if _delete_unwanted(target, path + "/", wanted):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif path in wanted:
                empty = False
            else:
                os.unlink(entry.path)
    return empty


def _make_room(target: Path, rel: str) -> None:
    """Folders down to `rel` in `target`, with nothing in the way of a file there."""
    path = target / rel
    if path.parent.is_dir():  # most often: only the file is new
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        return
    for parent in reversed(Path(rel).parents[:-1]):
        folder = target / parent
        if folder.is_file() or folder.is_symlink():
            folder.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
