"""A persistent store of build results on disk, keyed by digests of their inputs.

Entries are files named by their key, written whole and renamed into place
(or, for a file the build has just written whole in the site, linked in),
so a build that is killed halfway leaves only complete entries, and any
number of processes may read and write at once. A build says which keys it
used; `Cache.sweep` then drops the rest, so the cache holds one site's worth.

Several builds may share the cache at once (an editor's `serve` beside a
`build`, or `check`): each holds it in use (`cache_in_use`), and the entries a
build did not use are dropped only when it is the only one using the cache,
keeping those that the last build of every flavour (build, preview, check)
used. A sweep in the middle of another build deleted entries that build was
about to link into its site.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import pickle
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache/build"
"""Under the project folder; CI keeps it between runs."""
ABANDONED_AFTER = 3600.0
"""Seconds after which a half-written entry is taken for one a stopped build
left: no build takes an hour writing one (at 20,000 posts, a whole build
takes minutes)."""
CACHE_SWITCH = "IOPS_BUILD_CACHE"
"""Set to ``off`` (``build.py build --no-cache``) to render everything again."""
USERS_LOCK = ".in-use"
"""In `CACHE_DIR`: every process using the cache holds a shared lock on it."""
USED_RECORDS = ".used"
"""In `CACHE_DIR`: the keys the last build of each flavour used, by part."""

log = logging.getLogger("mkdocs.engine.cache")


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


NEW_FILE_MODE = _new_file_mode()
"""The mode of a file written as usual (0644 under the usual umask): an entry
is linked into the site, so it must be as readable as any page (a temporary
file is made 0600, which a web server running as another user cannot read)."""


@contextmanager
def cache_switched(on: bool) -> Iterator[None]:
    """Within this block, `build_cache` gives a cache only if `on` (for every
    part: parsing, pages, feeds, outputs, search)."""
    before = os.environ.get(CACHE_SWITCH)
    os.environ[CACHE_SWITCH] = "on" if on else "off"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CACHE_SWITCH, None)
        else:
            os.environ[CACHE_SWITCH] = before


def build_cache(root: Path, part: str) -> Cache | None:
    """The cache of one part of the build (parse, pages, feeds…), unless switched off."""
    if os.environ.get(CACHE_SWITCH, "on") == "off":
        return None
    return Cache(root / CACHE_DIR / part)


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: set[Path] = set()
        """Folders known to exist: creating one is a system call per entry otherwise."""

    def _folder_for(self, path: Path) -> Path:
        parent = path.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        return parent

    def path(self, key: str) -> Path:
        return Path(self._entry(key))

    def _entry(self, key: str) -> str:
        """Where `key`'s entry is, as a string (`is_at` needs no Path)."""
        return f"{self.folder}/{key[:2]}/{key}"

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> Path:
        target = self.path(key)
        handle, temporary = tempfile.mkstemp(dir=self._folder_for(target), prefix=".tmp-")
        os.fchmod(handle, NEW_FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(target)
        return target

    def get_object(self, key: str) -> Any | None:
        """A value put with `put_object`; None when missing or unreadable."""
        data = self.get(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)  # noqa: S301 (our own files, written by put_object)
        except Exception:  # a half-written or foreign file: a miss, rebuilt
            return None

    def put_object(self, key: str, value: Any) -> None:
        self.put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def keep(self, key: str, written: Path) -> None:
        """Make the file just written at `written` (whole, and never to be
        written into) the entry of `key`: a hard link, so the site and the
        cache share one file, as after `copy_to`. Written there first, not
        made as a temporary file in the cache and renamed: a file made in the
        cache's folders took twice as long as the page's own. On a file
        system without hard links (or another one) it is copied in; an entry
        already there, made by another build, has the same bytes and stays."""
        entry = self.path(key)
        self._folder_for(entry)
        try:
            os.link(written, entry)
        except FileExistsError:
            pass
        except OSError:
            self.put(key, written.read_bytes())

    def copy_to(self, key: str, dest: Path) -> bool:
        """Put the entry at `dest` (a hard link when the file system allows); False if missing."""
        self._folder_for(dest)
        try:
            _link_or_copy(str(self.path(key)), str(dest))
        except FileNotFoundError:
            return False
        return True

    def link_in(self, source: Path, dest: Path) -> str:
        """Put `dest` as a link to an entry holding `source`'s bytes, keyed by
        their digest (made the first time); the key.

        For the files a build copies as they are (a theme's scripts and
        styles): the next build links the same entry, so the site it updates
        has that very file already."""
        data = source.read_bytes()
        key = hashlib.blake2b(data, digest_size=20).hexdigest()
        if not self.copy_to(key, dest):
            self.put(key, data)
            if not self.copy_to(key, dest):  # swept at once by another build
                write_new(dest, data)
        # Its key is its bytes alone: an entry made before entries were made
        # readable (0600) would stay so for ever.
        if dest.stat().st_mode & 0o777 != NEW_FILE_MODE:
            dest.chmod(NEW_FILE_MODE)
        return key

    def scratch_for(self, key: str) -> Path:
        """A new empty folder beside where `key`'s entry goes, to make a tree
        in and then keep with `put_tree` (a rename): a sweep leaves it alone."""
        target = self.path(key)
        return Path(tempfile.mkdtemp(dir=self._folder_for(target), prefix=".tmp-"))

    def is_at(self, key: str, path: str) -> bool:
        """Whether `path` is the entry itself (a hard link to it, as `copy_to` makes).

        Strings, not Paths: a rebuild asks this of every page of the site,
        and making the Paths took longer than the two stats."""
        try:
            entry, there = os.stat(self._entry(key)), os.stat(path)  # noqa: PTH116 (see above)
        except OSError:
            return False
        return (entry.st_dev, entry.st_ino) == (there.st_dev, there.st_ino)

    def put_tree(self, key: str, folder: Path) -> None:
        """Keep a whole folder under `key`, moving it there (a `scratch_for`
        folder is a rename away; one on another file system is copied)."""
        target, scratch = self.path(key), self.scratch_for(key)
        try:
            folder.rename(scratch / "tree")
        except OSError:  # on another file system
            shutil.copytree(folder, scratch / "tree")
        with contextlib.suppress(OSError):  # another build kept it first: the same files
            (scratch / "tree").rename(target)
        shutil.rmtree(scratch, ignore_errors=True)

    def copy_tree_to(
        self, key: str, dest: Path, ignore: Callable[[str, list[str]], Iterable[str]] | None = None
    ) -> bool:
        """Put a folder kept by `put_tree` at `dest` (less what `ignore` names, as
        for `shutil.copytree`); False if there is none."""
        source = self.path(key)
        if not source.is_dir():
            return False
        try:
            link_tree(source, dest, ignore)
        except (OSError, shutil.Error):  # swept meanwhile by another build: made again
            return False
        return True

    def sweep(self, used: Iterable[str]) -> int:
        """Delete every entry but the `used` ones; how many were deleted.

        Within `cache_in_use`, nothing is deleted yet: the keys are noted, and
        the entries no build of any flavour used are deleted when the cache is
        released, if no other build is using it then.

        A ".tmp-" entry is being written by another build, unless it is older
        than `ABANDONED_AFTER`: then the build that made it was stopped."""
        if _in_use is not None and _in_use.pid == os.getpid():
            _in_use.note(self.folder, used)
            return 0
        return self._sweep_now(set(used))

    def _sweep_now(self, keep: set[str]) -> int:
        dropped = 0
        if not self.folder.is_dir():
            return 0
        abandoned = time.time() - ABANDONED_AFTER
        for bucket in self.folder.iterdir():
            if not bucket.is_dir():
                continue
            for entry in bucket.iterdir():
                if entry.name in keep:
                    continue
                if entry.name.startswith(".tmp-") and not _older(entry, abandoned):
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                dropped += 1
        return dropped


class _InUse:
    """This process's hold on the cache (`cache_in_use`), and the keys its
    build used in each part."""

    def __init__(self, folder: Path, flavour: str, handle: int) -> None:
        self.folder, self.flavour, self.handle = folder, flavour, handle
        self.pid = os.getpid()
        """Workers forked from the build inherit this object, not the hold."""
        self.used: dict[str, set[str]] = {}

    def note(self, part: Path, used: Iterable[str]) -> None:
        self.used.setdefault(part.relative_to(self.folder).as_posix(), set()).update(used)

    def release(self) -> None:
        """Record the keys used, then sweep if no other process uses the cache."""
        records = self.folder / USED_RECORDS
        records.mkdir(exist_ok=True)
        mine = {part: sorted(keys) for part, keys in self.used.items()}
        _write_whole(records / f"{self.flavour}.json", json.dumps(mine).encode())
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        try:  # taken only when no other build holds the cache, and none starts meanwhile
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another build is using the cache: its unused entries stay for now")
            return
        kept = _recorded_keys(records)
        dropped = sum(
            Cache(self.folder / part)._sweep_now(kept.get(part, set())) for part in self.used
        )
        log.info(f"cache: {dropped} entries no build uses any more deleted")


@contextmanager
def cache_in_use(root: Path, flavour: str) -> Iterator[None]:
    """Use the cache at `root` for the block (unless switched off): its sweeps
    wait until the block has succeeded, and happen then only if no other
    process is using the cache. A process that starts using it meanwhile
    waits for that sweep to end. `flavour` names the kind of build (``build``,
    ``preview``, ``check``), whose last set of keys every sweep keeps."""
    global _in_use
    if os.environ.get(CACHE_SWITCH, "on") == "off":
        yield
        return
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / USERS_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
        _in_use = _InUse(folder, flavour, handle)
        yield
        _in_use.release()
    finally:
        _in_use = None
        os.close(handle)  # and with it the lock, however the block ended


_in_use: _InUse | None = None


def _recorded_keys(records: Path) -> dict[str, set[str]]:
    """The keys of every flavour's last build, by part; a record that cannot
    be read keeps nothing (its entries are made again if needed)."""
    kept: dict[str, set[str]] = {}
    for record in records.glob("*.json"):
        try:
            parts = json.loads(record.read_bytes())
        except (OSError, ValueError):
            continue
        if not isinstance(parts, dict):
            continue
        for part, keys in parts.items():
            if isinstance(keys, list):
                kept.setdefault(str(part), set()).update(str(key) for key in keys)
    return kept


def _write_whole(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    Path(temporary).replace(target)


def link_tree(
    source: Path, dest: Path, ignore: Callable[[str, list[str]], Iterable[str]] | None = None
) -> None:
    """`shutil.copytree`, with each file a hard link where the file system allows."""
    shutil.copytree(source, dest, ignore=ignore, copy_function=_link_or_copy, dirs_exist_ok=True)


def _link_or_copy(source: str, dest: str) -> None:
    """A hard link (no bytes copied) where the file system allows, else a copy.

    A `dest` that exists is replaced, never written into: it may itself be
    a link to an entry (a theme's file that a page of the same name takes
    the place of), which writing would change for every build after."""
    try:
        os.link(source, dest)
        return
    except FileNotFoundError:
        raise
    except OSError:  # `dest` exists, or another file system, or no hard links there
        pass
    temporary = Path(dest).with_name(f".tmp-{secrets.token_hex(8)}")
    try:
        temporary.hardlink_to(source)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, temporary)
    temporary.replace(dest)


def link_file(source: Path, dest: Path) -> None:
    """`dest` as a hard link to `source` (a copy where there can be none);
    a file there is replaced, not written into."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    _link_or_copy(str(source), str(dest))


def write_new(dest: Path, data: bytes) -> None:
    """Write `data` as a new file at `dest`: one there is replaced, not written
    into (it may be a link to an entry of the cache)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    dest.write_bytes(data)


def _older(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except OSError:  # gone meanwhile
        return False
