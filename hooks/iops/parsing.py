"""Read and validate many content files, on every core when it pays.

Parsing is pure per file, so a big tree is split between forked worker
processes; results come back in the order of the input, so the output does
not depend on how the work was split.

It is pure per file's bytes, too: with a `Cache`, a file whose bytes (and
the parsing code) are as they were last time is not parsed again, only read
and hashed. Most of a big site does not change between two runs, and a
file whose size, times and inode are as they were (see `_signature`) is not
even that: `check` does not read it (it needs no Markdown; reading 11,000
files was a fifth of its time), and a build reads its body alone, in this
process (a worker sending 11,000 bodies back took longer than reading them).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from engine.cache import Cache
from engine.fingerprint import Fingerprinter, environment_digest
from engine.workers import map_in_order

from . import urls
from .excerpts import BodyFacts, body_facts
from .limits import front_matter_problems
from .links import Link, MarkdownError, Setup, find_links, setup_key
from .problems import Problem
from .reader import SourceFile, decode, parse_source, read_raw
from .schema import FrontMatter, validate

PARALLEL_FROM = 2000
"""Below this many files, starting workers costs more than it saves."""


@dataclass(frozen=True)
class Parsed:
    """One file, read and validated by the schema of its kind."""

    rel: str
    path: Path
    location: urls.Location
    front: FrontMatter | None
    """None when the file has errors of its own."""
    body: str
    problems: tuple[Problem, ...]
    links: tuple[Link, ...] = ()
    """The links and pictures of the body to this site, with their lines in the file."""
    facts: BodyFacts | None = None
    """What cards and descriptions show of the body (`excerpts`): kept in the
    cache with the rest, so that no build reads them again."""


def parse_file(root: Path, rel: str, bodies: bool = True, setup: Setup = ()) -> Parsed:
    return _assemble(root, rel, _parse_plain(root, rel, bodies, {}, setup)[0])


# What a worker sends back for one file: plain values, cheap to pickle.
_Plain = tuple[
    dict[str, object] | None,
    dict[str, int],
    str,
    tuple[Problem, ...],
    tuple[Link, ...],
    BodyFacts | None,
]
_Signature = tuple[int, int, int, int, int]
_Known = tuple[str, _Plain, int, _Signature | None]
"""A file parsed before: the digest of its bytes, what parsing made of them
(without the body), where the body starts in its text, and its `_signature`
when it was taken long enough after the file's last change to trust."""

SETTLED_NS = 2_000_000_000
"""How long after a file's last change its signature is trusted: a file
written again within the same tick of the file system's clock (and at the
same size) would keep its signature, as in git's "racily clean" files. A
change made after the signature was taken gives the file a newer ctime."""


def _signature(path: str) -> _Signature | None:
    """The file's size, modification and change times, inode and device: any
    write changes its ctime, which no tool can set back. None when the file
    changed too recently to tell (`SETTLED_NS`) or cannot be read.

    A string, not a Path: `check` asks for every file of the site, and
    making a Path of each took longer than the stat."""
    try:
        st = os.stat(path)  # noqa: PTH116 (see above)
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < SETTLED_NS:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _parse_plain(
    root: Path, rel: str, bodies: bool, known: Mapping[str, _Known], setup: Setup
) -> tuple[_Plain, _Known | None]:
    """The file parsed, and what to keep of it for next time (None: nothing,
    when it could not be read)."""
    # Taken before reading: a change after it shows in the next signature.
    signature = _signature(os.path.join(root, rel))  # noqa: PTH118 (see _signature)
    raw = read_raw(root / rel, rel)
    if isinstance(raw, Problem):
        return (None, {}, "", (raw,), (), None), None
    data, size = raw
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    seen = known.get(rel)
    if seen is not None and seen[0] == digest:
        values, lines, _, found, links, facts = seen[1]
        body = decode(data)[seen[2] :] if bodies and values is not None else ""
        return (values, lines, body, found, links, facts), (digest, seen[1], seen[2], signature)
    source = parse_source(data, root / rel, rel, size)
    if isinstance(source, Problem):
        plain: _Plain = (None, {}, "", (source,), (), None)
        return plain, (digest, plain, 0, signature)
    front, problems = validate(source, urls.locate(rel).kind)
    problems += front_matter_problems(rel, front.values, front.lines)
    ok = not any(p.is_error for p in problems)
    values = dict(front.values) if ok else None
    try:
        links = _links_in_file(data, source, setup) if ok else ()
    except MarkdownError as err:
        links = ()
        problems.append(Problem(rel, None, "file", err.what, err.how))
    facts = body_facts(source.body) if ok else None
    made = (values, dict(front.lines), "", tuple(problems), links, facts)
    kept = (digest, made, source.body_start, signature)
    body = source.body if bodies else ""
    return (values, dict(front.lines), body, tuple(problems), links, facts), kept


def _links_in_file(data: bytes, source: SourceFile, setup: Setup) -> tuple[Link, ...]:
    """The body's links, each with its line in the file, not in the body."""
    found = find_links(source.body, setup)
    if not found:
        return ()
    before = decode(data).count("\n", 0, source.body_start)
    return tuple(replace(link, line=link.line + before) if link.line else link for link in found)


def _assemble(root: Path, rel: str, plain: _Plain) -> Parsed:
    values, lines, body, problems, links, facts = plain
    front = FrontMatter(values, lines) if values is not None else None
    return Parsed(rel, root / rel, urls.locate(rel), front, body, problems, links, facts)


def parse_files(
    root: Path,
    rels: list[str],
    *,
    bodies: bool = True,
    cache: Cache | None = None,
    setup: Setup = (),
) -> list[Parsed]:
    """Parse every file, in the order given.

    Without `bodies` the Markdown is left out: `check` never needs it, and
    sending it back from the workers is a tenth of the time on a big site.
    With a `cache`, files parsed before are only read and hashed.
    """
    code = environment_digest(Path(__file__).parent)
    key = Fingerprinter().digest(code, "parse", setup_key(setup))
    known: dict[str, _Known] = {}
    if cache is not None:
        stored = cache.get_object(key)
        known = stored if isinstance(stored, dict) else {}

    def parse_chunk(chunk: list[str]) -> list[tuple[_Plain, _Known | None]]:
        return [_parse_plain(root, rel, bodies, known, setup) for rel in chunk]

    # A file that is as it was is not parsed again, nor sent by a worker: its
    # body, when wanted, is read here (sending 11,000 bodies back from the
    # workers took longer than reading them); without bodies, not even that.
    parsed: dict[str, tuple[_Plain, _Known | None]] = {}
    for rel in rels:
        if _as_it_was(root, rel, known) and (same := _from_known(root, rel, known[rel], bodies)):
            parsed[rel] = same
    changed = [rel for rel in rels if rel not in parsed]
    made = map_in_order(parse_chunk, changed, at_least=PARALLEL_FROM)
    parsed.update(zip(changed, made, strict=True))
    results = [parsed[rel] for rel in rels]
    if cache is not None:
        kept = {rel: seen for rel, (_, seen) in zip(rels, results, strict=True) if seen}
        if kept != known:
            cache.put_object(key, kept)
        cache.sweep([key])
    return [_assemble(root, rel, plain) for rel, (plain, _) in zip(rels, results, strict=True)]


def _as_it_was(root: Path, rel: str, known: Mapping[str, _Known]) -> bool:
    seen = known.get(rel)
    if seen is None or seen[3] is None:
        return False
    return _signature(os.path.join(root, rel)) == seen[3]  # noqa: PTH118 (see _signature)


def _from_known(root: Path, rel: str, seen: _Known, bodies: bool) -> tuple[_Plain, _Known] | None:
    """What parsing made of a file as it was (`_as_it_was`), with its body
    read again if wanted; None if it changed while it was read."""
    values, lines, _, found, links, facts = seen[1]
    body = ""
    if bodies and values is not None:
        path = os.path.join(root, rel)  # noqa: PTH118 (see _signature)
        try:
            with open(path, "rb") as stream:  # noqa: PTH123 (as above)
                data = stream.read()
        except OSError:
            return None
        if _signature(path) != seen[3]:
            return None
        body = decode(data)[seen[2] :]
    return (values, lines, body, found, links, facts), seen
