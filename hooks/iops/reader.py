"""Read a content file: UTF-8 text, front matter and body, with line numbers.

Front matter is parsed strictly. PyYAML's loaders follow YAML 1.1, which
turns ``title: NO`` into ``False`` and ``place: 12:30`` into ``750``, lets
the last of two duplicate keys win silently, and expands aliases without
bound. So we only *parse* the YAML (libyaml turns the text into a stream of
events, linear in the input; nothing is constructed) and build our own
values from the events, keeping every scalar as the text its author typed.
`schema` then reads each field as the type it declares.

The values are built with a stack of our own, not by recursion, and every
limit in `limits` is checked as the events arrive: a file nested a hundred
thousand lists deep is refused at the eleventh, before libyaml (whose
scanner slows down with the square of the depth, and whose composer
overflows the C stack) gets far into it.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from .limits import MAX_FIELDS, MAX_FILE_BYTES, MAX_LIST_ITEMS, MAX_NESTING, name_problem
from .problems import Problem

_TAG = "tag:yaml.org,2002:"
_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_ALLOWED_TAGS = {
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
"""Explicit tags that change nothing here; ``!`` and no tag at all are fine too."""
_NOT_IN_NAMES = {"Cc", "Zl", "Zp"}
"""Control characters and line breaks: no field name holds one on purpose."""
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_FRONT_MATTER_HANDLER = frontmatter.YAMLHandler()


@dataclass(frozen=True)
class Scalar:
    """A YAML scalar exactly as typed: the schema decides what it means."""

    text: str
    quoted: bool
    line: int

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in _NULL_WORDS


@dataclass(frozen=True)
class YamlList:
    items: tuple[Value, ...]
    line: int


@dataclass(frozen=True)
class YamlMap:
    entries: dict[str, Value]
    line: int


Value = Scalar | YamlList | YamlMap


@dataclass(frozen=True)
class SourceFile:
    """A content file split into front matter and Markdown body."""

    path: Path
    """Absolute path on disk."""
    rel: str
    """Path relative to the project root, as shown in problems."""
    fields: YamlMap
    """The front matter; empty when the file has none."""
    body: str
    """The Markdown after the front matter."""
    has_front_matter: bool
    body_start: int = 0
    """Where the body starts in the file's text (`decode`): it is the text's end."""


class _ReadError(Exception):
    def __init__(self, line: int | None, field: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message, self.hint = line, field, message, hint


def read_source(path: Path, rel: str) -> SourceFile | Problem:
    """Read one content file, or say what stops it being read."""
    raw = read_raw(path, rel)
    if isinstance(raw, Problem):
        return raw
    return parse_source(raw[0], path, rel, raw[1])


def read_raw(path: Path, rel: str) -> tuple[bytes, int] | Problem:
    """A content file's bytes and its size on disk, or why it cannot be read.

    No more than the limit is ever read: a file of gigabytes is refused as
    quickly as one a byte over. The read asks for the size the file has
    (asking for the limit would cost every file a megabyte's buffer).
    """
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            raw = stream.read(min(size, MAX_FILE_BYTES) + 1)
            return raw, max(size, len(raw))
    except OSError as err:
        return Problem(
            rel,
            None,
            "file",
            f"the file cannot be read ({err.strerror or err})",
            "check that it is a file you may read, not a link to a file that is gone",
        )


def parse_source(raw: bytes, path: Path, rel: str, size: int | None = None) -> SourceFile | Problem:
    """Split a content file's bytes into front matter and body, or say what is wrong.

    `size` is the file's size on disk, when `raw` holds only its start.
    """
    try:
        return _read(raw, path, rel, len(raw) if size is None else size)
    except _ReadError as err:
        return Problem(rel, err.line, err.field, err.message, err.hint)


def _read(raw: bytes, path: Path, rel: str, size: int) -> SourceFile:
    # The path makes the page's URL: a name that could break out of it is refused first.
    misnamed = name_problem(rel)
    if misnamed is not None:
        raise _ReadError(None, misnamed.field, misnamed.message, misnamed.hint)
    if size > MAX_FILE_BYTES:
        raise _ReadError(
            None,
            "file",
            f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            "split it into several posts, or link to large data instead of pasting it in",
        )
    text = _checked_decode(raw)
    if not text.strip():
        raise _ReadError(
            1,
            "file",
            "the file is empty",
            "add front matter between --- lines and some text",
        )
    if not _FRONT_MATTER_HANDLER.detect(text):
        return SourceFile(path, rel, YamlMap({}, 1), text, has_front_matter=False)
    try:
        front, body = _FRONT_MATTER_HANDLER.split(text)
    except ValueError:
        raise _ReadError(
            1,
            "front matter",
            "the front matter is not closed",
            "end it with a line of three dashes (---)",
        ) from None
    first_line = text[: text.index(front)].count("\n") + 1 if front else 2
    fields = parse_front_matter(front, first_line)
    return SourceFile(path, rel, fields, body, True, body_start=len(text) - len(body))


def decode(raw: bytes) -> str:
    """A content file's text, as the rest of the reading sees it."""
    return raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")


def _checked_decode(raw: bytes) -> str:
    try:
        return decode(raw)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise _ReadError(
            line,
            "file",
            f"the file is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})",
            "save the file with UTF-8 encoding in your editor",
        ) from None


def parse_front_matter(front: str, first_line: int = 1) -> YamlMap:
    """Read YAML front matter into plain values, refusing YAML's traps.

    `first_line` is the file line where `front` starts, so that every value
    carries its line in the file.
    """
    try:
        value = _Builder(first_line).build(front)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark and ("quoted" in str(err.context) or "flow" in str(err.context)):
            # An unclosed quote or bracket shows only further on: name the
            # line where it opens.
            mark = err.context_mark
        line = first_line + mark.line if mark else first_line
        tabbed = _tab_indented(front, mark.line if mark else 0)
        if tabbed is not None:
            raise _ReadError(
                first_line + tabbed,
                "front matter",
                "the line is indented with a tab",
                "YAML is indented with spaces, not tabs: "
                f"replace the tab at the start of line {first_line + tabbed} with spaces",
            ) from None
        what = f"{err.problem} {err.context}" if err.problem and err.context else None
        raise _ReadError(
            line,
            "front matter",
            f"invalid YAML: {what or err.problem or err.context}",
            "check indentation and quote text that contains a colon, # or quotes",
        ) from None
    except yaml.YAMLError as err:
        raise _ReadError(
            first_line, "front matter", f"invalid YAML: {err}", "check the syntax"
        ) from None
    if value is None:
        return YamlMap({}, first_line)
    if not isinstance(value, YamlMap):
        kind = "a list" if isinstance(value, YamlList) else "a single value"
        raise _ReadError(
            first_line,
            "front matter",
            f"the front matter is {kind}, not a set of fields",
            "write one 'field: value' per line, e.g. 'title: My post'",
        )
    return value


def _tab_indented(front: str, at: int) -> int | None:
    """The line (from 0) of the first line indented with a tab, up to line `at`
    where the YAML broke: libyaml's "found character that cannot start any
    token" does not say that the character is a tab."""
    for number, text in enumerate(front.split("\n")[: at + 1]):
        if "\t" in text[: len(text) - len(text.lstrip(" \t"))]:
            return number
    return None


@dataclass
class _Open:
    """A list or a set of fields whose end has not come yet."""

    field: str
    """The field it is the value of, as problems name it."""
    line: int
    items: list[Value] | None = None
    """A list's items so far; None for a set of fields."""
    entries: dict[str, Value] = dataclasses.field(default_factory=dict)
    key: Scalar | None = None
    """In a set of fields: the name read, whose value comes next."""

    def child_field(self) -> str:
        if self.items is not None or self.key is None:
            return self.field
        return self.key.text if self.field == "front matter" else f"{self.field}.{self.key.text}"


class _Builder:
    """Build `Value`s from YAML events, refusing aliases, tags and what is over a limit.

    One call per event on every file of the site: dispatch is by the event's
    type, and a field's name is worked out only for a problem or a new list.
    """

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.open: list[_Open] = []
        self.result: Value | None = None
        self.documents = 0
        self.handlers: dict[type, Callable[[Any, int], None]] = {
            yaml.ScalarEvent: self._scalar,
            yaml.SequenceStartEvent: self._start,
            yaml.MappingStartEvent: self._start,
            yaml.SequenceEndEvent: self._end,
            yaml.MappingEndEvent: self._end,
            yaml.AliasEvent: self._alias,
            yaml.DocumentStartEvent: self._document,
        }

    def build(self, front: str) -> Value | None:
        parser = _LOADER(front)
        try:
            handlers = self.handlers
            while (event := parser.get_event()) is not None:
                handler = handlers.get(type(event))
                if handler is not None:
                    mark = event.start_mark
                    handler(event, self.first_line + (mark.line if mark is not None else 0))
        finally:
            parser.dispose()
        return self.result

    def _where(self) -> str:
        return self.open[-1].child_field() if self.open else "front matter"

    def _document(self, event: yaml.Event, line: int) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _ReadError(
                line,
                "front matter",
                "the front matter holds a second YAML document",
                "remove the line of three dots (...) or dashes inside the front matter",
            )

    def _alias(self, event: yaml.Event, line: int) -> None:
        raise _ReadError(
            line,
            self._where(),
            "YAML anchors and aliases (& and *) are not allowed",
            "write the value out in full",
        )

    def _scalar(self, event: yaml.ScalarEvent, line: int) -> None:
        if event.tag is not None:
            self._check_tag(event, line)
        self._add(Scalar(event.value, event.style in ("'", '"'), line), line)

    def _end(self, event: yaml.Event, line: int) -> None:
        done = self.open.pop()
        if done.items is not None:
            self._add(YamlList(tuple(done.items), done.line), done.line)
        else:
            self._add(YamlMap(done.entries, done.line), done.line)

    def _start(self, event: yaml.CollectionStartEvent, line: int) -> None:
        if event.tag is not None:
            self._check_tag(event, line)
        where = self._where()
        parent = self.open[-1] if self.open else None
        if parent is not None and parent.items is None and parent.key is None:
            raise _ReadError(line, where, "a field name must be plain text", "write 'name: value'")
        if len(self.open) >= MAX_NESTING:
            raise _ReadError(
                line,
                where,
                f"lists and fields are nested more than {MAX_NESTING} deep",
                "write plain fields and lists; only a poll's questions nest, 5 deep",
            )
        is_list = isinstance(event, yaml.SequenceStartEvent)
        self.open.append(_Open(where, line, [] if is_list else None))

    def _add(self, value: Value, line: int) -> None:
        if not self.open:
            self.result = value
            return
        into = self.open[-1]
        if into.items is not None:
            if len(into.items) >= MAX_LIST_ITEMS:
                raise _ReadError(
                    into.line,
                    into.field,
                    f"the list has more than {MAX_LIST_ITEMS:,} items",
                    "shorten it, or link to a page that lists them all",
                )
            into.items.append(value)
        elif into.key is not None:
            into.entries[into.key.text] = value
            into.key = None
        else:
            self._add_key(into, value, line)

    def _add_key(self, into: _Open, key: Value, line: int) -> None:
        # Only a scalar gets here: a list or set of fields is refused as it starts.
        assert isinstance(key, Scalar)
        if key.text == "<<" or not key.text.strip(" \t"):
            raise _ReadError(
                line, into.field, "a field name must be plain text", "write 'name: value'"
            )
        if not key.text.isprintable() and any(
            unicodedata.category(c) in _NOT_IN_NAMES for c in key.text
        ):
            raise _ReadError(
                line,
                into.field,
                f"the field name {key.text!r} holds a line break or control character",
                "retype the name on one line: 'name: value'",
            )
        name = key.text if into.field == "front matter" else f"{into.field}.{key.text}"
        if key.text in into.entries:
            raise _ReadError(
                line,
                name,
                "the field is given twice",
                "keep one of the two lines and delete the other",
            )
        if len(into.entries) >= MAX_FIELDS:
            raise _ReadError(
                into.line,
                into.field,
                f"more than {MAX_FIELDS} fields are given",
                "keep only the fields of the file's kind (README.md lists them)",
            )
        into.key = key

    def _check_tag(self, event: yaml.NodeEvent, line: int) -> None:
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            raise _ReadError(
                line,
                self._where(),
                f"the YAML tag {tag!r} is not allowed",
                "remove the tag (the text starting with !) and write a plain value",
            )
