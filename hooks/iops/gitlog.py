"""The repository's history, read once per commit checked out: which commits
changed which content file, and the files' texts at those commits.

One `git log` reads the history of the whole tree (not one call per file), its
output going to a file rather than a pipe, and what it says is kept in the
build cache under the commit checked out, so `check` asks git one short
question (`rev-parse`) on a site whose history it has read before. The texts
of old versions are read by one `git cat-file --batch` for all of them and
kept by their blob ids, which never change meaning.

Nothing here raises: a folder that is not a git checkout, a missing git, a
command that fails or takes too long give a `History` that says why it has
no commits (`why`), and the callers say so to the writer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from engine.cache import build_cache

GIT_TIME_LIMIT = 120
"""Seconds one git command may take: the whole log of a big site takes a few."""
SKIP_MARK = "[translation: skip]"
"""A commit whose message carries this (a typo fix) leaves translations up to date."""
DELETED = "0" * 40
"""The blob id git gives a file a commit deleted."""
_FORMAT_VERSION = "1"
"""Part of the cache key: a change in what is kept makes old entries unused."""
_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    time: int
    """Committer time, seconds since 1970 (UTC)."""
    message: str

    @property
    def skips_translations(self) -> bool:
        return SKIP_MARK in self.message


@dataclass(frozen=True)
class Change:
    """A commit that changed one file: the file's blob after it."""

    sha: str
    blob: str


@dataclass(frozen=True)
class History:
    commits: dict[str, Commit] = field(default_factory=dict)
    """Every commit reachable from HEAD, newest first (git's topological order)."""
    changes: dict[str, tuple[Change, ...]] = field(default_factory=dict)
    """Each file (relative to the project folder) and the commits that
    changed it, newest first."""
    shallow: bool = False
    """The checkout is a shallow clone: its oldest commits are missing."""
    why: str = ""
    """Why there is no history at all (not a git checkout, git missing…)."""
    key: str = ""
    """Its entry in the build cache: the texts read for it are kept beside it."""

    @property
    def known(self) -> bool:
        return not self.why

    def resolve(self, ref: str) -> str | None:
        """The full id of a commit named by its id or an unambiguous prefix of it."""
        ref = ref.lower()
        if ref in self.commits:
            return ref
        if len(ref) < 7:
            return None
        found = [sha for sha in self.commits if sha.startswith(ref)]
        return found[0] if len(found) == 1 else None

    @cached_property
    def _ancestry(self) -> dict[str, frozenset[str]]:
        """Each commit's ancestors and itself; computed oldest first, once."""
        ancestry: dict[str, frozenset[str]] = {}
        for sha in reversed(list(self.commits)):
            parents = self.commits[sha].parents
            ancestry[sha] = frozenset({sha}).union(*(ancestry.get(p, ()) for p in parents))
        return ancestry

    def changes_since(self, path: str, sha: str) -> list[Change]:
        """The commits that changed `path` and that `sha` does not contain, newest first."""
        contained = self._ancestry.get(sha, frozenset())
        return [c for c in self.changes.get(path, ()) if c.sha not in contained]

    def contains(self, sha: str, other: str) -> bool:
        """`other` is `sha` or one of its ancestors."""
        return other in self._ancestry.get(sha, frozenset())

    def change_at(self, path: str, sha: str) -> Change | None:
        """The last change to `path` that commit `sha` contains: its text there."""
        contained = self._ancestry.get(sha, frozenset())
        return next((c for c in self.changes.get(path, ()) if c.sha in contained), None)

    def last_change(self, path: str) -> Change | None:
        changes = self.changes.get(path, ())
        return changes[0] if changes else None


def read_history(root: Path) -> History:
    """The history of the checkout holding `root`, from the cache when read before."""
    git = shutil.which("git")
    if git is None:
        return History(why="git is not installed")
    head = _run(git, root, ["rev-parse", "HEAD", "--is-shallow-repository"])
    if head is None or len(head.split()) != 2:
        return History(why=f"{root} is not a git checkout with a commit")
    sha, shallow = head.split()
    cache = build_cache(root, "history")
    key = hashlib.blake2b(f"{_FORMAT_VERSION} {sha} {shallow}".encode(), digest_size=20)
    if cache is not None:
        kept = cache.get_object(key.hexdigest())
        if isinstance(kept, History):
            return kept
    log = _run(git, root, _LOG_COMMAND)
    if log is None:
        return History(why=f"git log failed or took more than {GIT_TIME_LIMIT} s in {root}")
    history = dataclasses.replace(parse_log(log, shallow == "true"), key=key.hexdigest())
    if cache is not None:
        cache.put_object(history.key, history)
    return history


_LOG_COMMAND = [
    "-c",
    "log.showSignature=false",
    "log",
    "--topo-order",
    "--no-renames",
    "--raw",
    "--no-abbrev",
    "--relative",  # paths relative to the project folder, which may be a subfolder
    f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%ct{_FIELD}%B{_FIELD}",
]


def parse_log(text: str, shallow: bool = False) -> History:
    """`git log` in `_LOG_COMMAND`'s format, as a `History`."""
    commits: dict[str, Commit] = {}
    changes: dict[str, list[Change]] = {}
    for record in text.split(_RECORD)[1:]:
        sha, parents, time, message, raw = record.split(_FIELD, 4)
        commits[sha] = Commit(sha, tuple(parents.split()), int(time), message.strip())
        for line in raw.splitlines():
            if not line.startswith(":") or "\t" not in line:
                continue
            status, path = line.split("\t", 1)
            changes.setdefault(path, []).append(Change(sha, status.split()[3]))
    return History(commits, {path: tuple(found) for path, found in changes.items()}, shallow)


def read_blobs(root: Path, history: History, blobs: Iterable[str]) -> dict[str, str]:
    """The text of each blob, by id: one `git cat-file --batch` for all of
    them, kept in the cache beside `history` (whose entries alone are kept:
    one commit's worth, as the rest of the cache keeps one site's)."""
    wanted = sorted({b for b in blobs if b != DELETED})
    git = shutil.which("git")
    if git is None:
        return {}
    cache = build_cache(root, "history")
    key = hashlib.blake2b(" ".join([history.key, *wanted]).encode(), digest_size=20).hexdigest()
    if cache is not None:
        cache.sweep([history.key, key])
    if not wanted:
        return {}
    if cache is not None:
        kept = cache.get_object(key)
        if isinstance(kept, dict):
            return kept
    data = _run_bytes(git, root, ["cat-file", "--batch"], ("\n".join(wanted) + "\n").encode())
    texts = _parse_batch(data or b"")
    if cache is not None and data is not None:
        cache.put_object(key, texts)
    return texts


def _parse_batch(data: bytes) -> dict[str, str]:
    texts: dict[str, str] = {}
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        header = data[at:end].decode().split()
        at = end + 1
        if len(header) != 3:  # "<id> missing"
            continue
        size = int(header[2])
        texts[header[0]] = data[at : at + size].decode("utf-8", errors="replace")
        at += size + 1
    return texts


def _run(git: str, root: Path, args: list[str]) -> str | None:
    out = _run_bytes(git, root, args)
    return None if out is None else out.decode("utf-8", errors="replace")


def _run_bytes(git: str, root: Path, args: list[str], given: bytes = b"") -> bytes | None:
    """What git says on stdout, or None when it fails or takes too long.

    stdout goes to a file: a log of a big history fills any pipe, and a
    file cannot block git while nothing reads it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as stdin:
        stdin.write(given)
        stdin.seek(0)
        try:
            done = subprocess.run(  # noqa: S603 (git with fixed arguments)
                [git, "-C", str(root), *args],
                stdin=stdin,
                stdout=out,
                stderr=subprocess.DEVNULL,
                timeout=GIT_TIME_LIMIT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode:
            return None
        out.seek(0)
        return out.read()
