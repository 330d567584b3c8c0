"""Read and validate many content files, on every core when it pays.

Parsing is pure per file, so a big tree is split between forked worker
processes; results come back in the order of the input, so the output does
not depend on how the work was split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import urls
from .limits import front_matter_problems
from .problems import Problem
from .reader import read_source
from .schema import FrontMatter, validate
from .workers import map_in_order

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


def parse_file(root: Path, rel: str, bodies: bool = True) -> Parsed:
    return _assemble(root, rel, _parse_plain(root, rel, bodies))


# What a worker sends back for one file: plain values, cheap to pickle.
_Plain = tuple[dict[str, object] | None, dict[str, int], str, tuple[Problem, ...]]


def _parse_plain(root: Path, rel: str, bodies: bool) -> _Plain:
    source = read_source(root / rel, rel)
    if isinstance(source, Problem):
        return None, {}, "", (source,)
    front, problems = validate(source, urls.locate(rel).kind)
    problems += front_matter_problems(rel, front.values, front.lines)
    ok = not any(p.is_error for p in problems)
    body = source.body if bodies else ""
    return (dict(front.values) if ok else None), dict(front.lines), body, tuple(problems)


def _assemble(root: Path, rel: str, plain: _Plain) -> Parsed:
    values, lines, body, problems = plain
    front = FrontMatter(values, lines) if values is not None else None
    return Parsed(rel, root / rel, urls.locate(rel), front, body, problems)


def parse_files(root: Path, rels: list[str], *, bodies: bool = True) -> list[Parsed]:
    """Parse every file, in the order given.

    Without `bodies` the Markdown is left out: `check` never needs it, and
    sending it back from the workers is a tenth of the time on a big site.
    """

    def parse_chunk(chunk: list[str]) -> list[_Plain]:
        return [_parse_plain(root, rel, bodies) for rel in chunk]

    plain = map_in_order(parse_chunk, rels, at_least=PARALLEL_FROM)
    return [_assemble(root, rel, result) for rel, result in zip(rels, plain, strict=True)]
