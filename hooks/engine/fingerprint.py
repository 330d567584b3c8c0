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
from collections.abc import Callable, Mapping
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
        return (_WAYS.get(type(value)) or _learn(type(value)))(self, value)

    def _dataclass(self, value: Any) -> bytes:
        known = self._memo.get(id(value))
        if known is not None:
            return known[1]
        kind = type(value)
        shape = _SHAPES.get(kind) or _learn_shape(kind)
        ways, learn = _WAYS, _learn
        parts = [shape[0]]
        for name, label in shape[1]:
            field = getattr(value, name)
            parts.append(label)
            parts.append((ways.get(type(field)) or learn(type(field)))(self, field))
        result = b"dc:" + hashlib.blake2b(b"".join(parts), digest_size=20).digest()
        self._memo[id(value)] = (value, result)
        return result


_of_build = Fingerprinter()


def of_build() -> Fingerprinter:
    """The Fingerprinter of the build under way, shared by everything it
    digests (calendars, pages, feeds): each item is walked once, by whichever
    digests it first, and forked workers start with what it holds then.
    Walking the items of a 10,000-post site takes most of a second, and each
    of those (and each page worker) walked them all again."""
    return _of_build


def new_build() -> Fingerprinter:
    """A fresh `of_build` for the next build (`plan_site` makes one a plan):
    the memo holds every value it digested alive, so it is dropped with them."""
    global _of_build
    _of_build = Fingerprinter()
    return _of_build


def _str(fingerprints: Fingerprinter, value: str) -> bytes:
    data = value.encode("utf-8", "surrogatepass")
    return b"s%d:" % len(data) + data


def _scalar(fingerprints: Fingerprinter, value: Any) -> bytes:
    # The type is part of the digest: 1, 1.0 and True differ.
    return f"{type(value).__name__}:{value!r};".encode()


def _moment(fingerprints: Fingerprinter, value: Any) -> bytes:
    zone = getattr(value, "tzinfo", None)
    return f"{type(value).__name__}:{value.isoformat()}@{zone};".encode()


def _enum(fingerprints: Fingerprinter, value: enum.Enum) -> bytes:
    return b"enum:" + fingerprints._bytes(value.value)


def _path(fingerprints: Fingerprinter, value: pathlib.PurePath) -> bytes:
    return b"path:" + fingerprints._bytes(value.as_posix())


# The containers look up each element's way themselves, not through
# `Fingerprinter._bytes`: a call less per value, on the build's hot path.


def _mapping(fingerprints: Fingerprinter, value: Mapping[Any, Any]) -> bytes:
    ways, learn = _WAYS, _learn
    parts = [b"map{"]
    for key, item in value.items():
        parts.append((ways.get(type(key)) or learn(type(key)))(fingerprints, key))
        parts.append((ways.get(type(item)) or learn(type(item)))(fingerprints, item))
    parts.append(b"}")
    return b"".join(parts)


def _sequence(fingerprints: Fingerprinter, value: Any) -> bytes:
    ways, learn = _WAYS, _learn
    walked = [(ways.get(type(v)) or learn(type(v)))(fingerprints, v) for v in value]
    return b"seq[" + b"".join(walked) + b"]"


def _set(fingerprints: Fingerprinter, value: Any) -> bytes:
    # Sets iterate in an order that depends on PYTHONHASHSEED.
    return b"set{" + b"".join(sorted(fingerprints._bytes(v) for v in value)) + b"}"


def _refuse(fingerprints: Fingerprinter, value: Any) -> bytes:
    raise Unfingerprintable(f"cannot fingerprint a {type(value).__qualname__}")


def _way_for(kind: type) -> Callable[[Fingerprinter, Any], bytes]:
    """How values of `kind` are digested: found once a type, by what it is."""
    if issubclass(kind, str):  # Markup and other str subclasses too
        return _str
    if issubclass(kind, _SCALARS):
        return _scalar
    if issubclass(kind, dt.datetime | dt.date | dt.time):
        return _moment
    if issubclass(kind, enum.Enum):
        return _enum
    if issubclass(kind, pathlib.PurePath):
        return _path
    if dataclasses.is_dataclass(kind):
        return Fingerprinter._dataclass
    if issubclass(kind, Mapping):
        return _mapping
    if issubclass(kind, list | tuple):
        return _sequence
    if issubclass(kind, set | frozenset):
        return _set
    return _refuse


_WAYS: dict[type, Callable[[Fingerprinter, Any], bytes]] = {}
"""How each type met so far is digested: the value's type decides it, so
it is looked up once."""
_SHAPES: dict[type, tuple[bytes, tuple[tuple[str, bytes], ...]]] = {}
"""Each dataclass's name in the digest and its fingerprinted fields (name,
and label in the digest), looked up once."""


def _learn(kind: type) -> Callable[[Fingerprinter, Any], bytes]:
    way = _WAYS[kind] = _way_for(kind)
    return way


def _learn_shape(kind: type) -> tuple[bytes, tuple[tuple[str, bytes], ...]]:
    fields = tuple(
        (f.name, f.name.encode() + b"=")
        for f in dataclasses.fields(kind)
        if f.metadata.get("fingerprint", True)
    )
    shape = _SHAPES[kind] = (kind.__qualname__.encode(), fields)
    return shape


ENGINE = pathlib.Path(__file__).resolve().parent
"""The engine's own code: every result in the cache is made through it."""


def environment_digest(*folders: pathlib.Path) -> str:
    """A digest of the code a result is made by: Python, every installed
    package's version, the engine's own files (its cache, workers and time
    limit make every result; the site's code lives apart, in `folders`) and
    each file under `folders`, sub-folders too (our own code and templates).
    Folders inside the installed packages count by version."""
    hasher = hashlib.blake2b(_installed_packages(), digest_size=20)
    installed = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
    for folder in (ENGINE, *folders):
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
