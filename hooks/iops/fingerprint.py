"""Digests of the data a page is made from: the keys of the build cache.

A page's output is a function of its template, its HTML and the data handed
to the template, so a digest of that data says when a page can be taken from
the cache. The digest walks the data exactly (every field of every
dataclass, every element of every container) rather than trusting a
hand-kept list of "what matters", so a field added later counts at once.
Anything the walker does not know is refused (`Unfingerprintable`): the
page is then rendered, never taken from the cache by mistake.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import importlib.metadata
import pathlib
import sys
import sysconfig
from collections.abc import Mapping
from typing import Any


class Unfingerprintable(TypeError):
    """A value the digest cannot stand for: render the page, do not cache it."""


_SCALARS = (str, int, float, bool, type(None))


class Fingerprinter:
    """Digests values; a dataclass met twice (an item listed on many pages) is
    walked once. Keep one per build: the memo holds its values alive, so an
    id() is never reused while it is in the memo."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}

    def digest(self, *values: Any) -> str:
        """A hex digest of the values, stable across processes and runs."""
        hasher = hashlib.blake2b(digest_size=20)
        for value in values:
            hasher.update(self._bytes(value))
        return hasher.hexdigest()

    def _bytes(self, value: Any) -> bytes:
        kind = type(value)
        if kind is str or isinstance(value, str):  # Markup and other str subclasses too
            data = value.encode("utf-8", "surrogatepass")
            return b"s%d:" % len(data) + data
        if isinstance(value, _SCALARS):
            # The type is part of the digest: 1, 1.0 and True differ.
            return f"{kind.__name__}:{value!r};".encode()
        if isinstance(value, dt.datetime | dt.date | dt.time):
            zone = getattr(value, "tzinfo", None)
            return f"{kind.__name__}:{value.isoformat()}@{zone};".encode()
        if isinstance(value, enum.Enum):
            return b"enum:" + self._bytes(value.value)
        if isinstance(value, pathlib.PurePath):
            return b"path:" + self._bytes(value.as_posix())
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._dataclass(value)
        if isinstance(value, Mapping):
            parts = [self._bytes(k) + self._bytes(v) for k, v in value.items()]
            return b"map{" + b"".join(parts) + b"}"
        if isinstance(value, list | tuple):
            return b"seq[" + b"".join([self._bytes(v) for v in value]) + b"]"
        if isinstance(value, set | frozenset):
            # Sets iterate in an order that depends on PYTHONHASHSEED.
            return b"set{" + b"".join(sorted(self._bytes(v) for v in value)) + b"}"
        raise Unfingerprintable(f"cannot fingerprint a {kind.__qualname__}")

    def _dataclass(self, value: Any) -> bytes:
        known = self._memo.get(id(value))
        if known is not None:
            return known[1]
        kind = type(value)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(
                f.name for f in dataclasses.fields(value) if f.metadata.get("fingerprint", True)
            )
        hasher = hashlib.blake2b(kind.__qualname__.encode(), digest_size=20)
        for name in names:
            hasher.update(name.encode() + b"=" + self._bytes(getattr(value, name)))
        result = b"dc:" + hasher.digest()
        self._memo[id(value)] = (value, result)
        return result


_FIELDS: dict[type, tuple[str, ...]] = {}
"""The fingerprinted fields of each dataclass, looked up once."""


def environment_digest(*folders: pathlib.Path) -> str:
    """A digest of the code a result is made by: Python, every installed
    package's version, and each file under `folders` (our own code and
    templates). Folders inside the installed packages count by version."""
    hasher = hashlib.blake2b(_installed_packages(), digest_size=20)
    installed = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
    for folder in folders:
        if folder.resolve().is_relative_to(installed):
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
                hasher.update(path.read_bytes())
    return hasher.hexdigest()


@functools.cache
def _installed_packages() -> bytes:
    """Python's version and every installed package's: read once a process
    (pages, feeds and search each ask), since they do not change while it runs."""
    packages = sorted(
        f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
    )
    return "\n".join([sys.version, *packages]).encode()
