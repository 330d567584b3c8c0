"""One shape for every problem found in content."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath


@functools.total_ordering
@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file, said so that its author can fix it.

    Printed as ``path:line: field: what is wrong — how to fix it``.
    """

    path: str
    """The file, relative to the project root (POSIX separators)."""
    line: int | None
    """1-based line in the file, where the problem has one."""
    field: str
    """The front-matter field, or a pseudo-field such as ``front matter``."""
    message: str
    """What is wrong."""
    hint: str
    """How to fix it."""
    severity: str = "error"
    """``error`` stops the build; ``warning`` is reported only."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message} — {self.hint}"
        return text if self.severity == "error" else f"{text} (warning)"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def _sort_key(self) -> tuple[str, int, str, str, str, str]:
        # A problem without a line (a whole file's, or a cross-file one) sorts
        # before the file's lined problems; comparing None with an int raised.
        return (self.path, self.line or 0, self.field, self.message, self.hint, self.severity)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._sort_key() < other._sort_key()


class ContentError(Exception):
    """Raised when content has problems; carries all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def render_github_command(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command, which the runner turns
    into an annotation on the file and line: ``::error file=…,line=…,title=…::…``.

    Escaped as GitHub's toolkit does (``@actions/core``, ``command.ts``): ``%``,
    CR and LF in the message; those and ``:`` and ``,`` in property values.
    """
    command = "error" if problem.is_error else "warning"
    properties = {
        "file": problem.path,
        "line": str(problem.line) if problem.line else "",
        "title": problem.field,
    }
    given = ",".join(f"{key}={_escape_property(v)}" for key, v in properties.items() if v)
    message = _escape_data(f"{problem.message} — {problem.hint}")
    return f"::{command} {given}::{message}" if given else f"::{command}::{message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def relative(path: PurePath, root: PurePath) -> str:
    """The path as shown in problems: relative to the project root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
