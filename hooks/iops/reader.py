"""Read a content file: UTF-8 text, front matter and body, with line numbers.

Front matter is parsed strictly. PyYAML's loaders follow YAML 1.1, which
turns ``title: NO`` into ``False`` and ``place: 12:30`` into ``750``, lets
the last of two duplicate keys win silently, and expands aliases without
bound. So we only *compose* the YAML (libyaml builds the node tree, linear in
the input; nothing is constructed) and keep every scalar as the text its
author typed. `schema` then reads each field as the type it declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import frontmatter
import yaml

from .problems import Problem

MAX_FILE_BYTES = 1_000_000
"""A content file larger than this is refused (a post is a few KB)."""

_TAG = "tag:yaml.org,2002:"


class _TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes without guessing types: every untagged scalar is text.

    PyYAML's implicit resolver (in Python even under libyaml) is what turns
    ``NO`` into a boolean; we never use its guess, so skip it. Explicit tags
    (``!!python/object``) bypass `resolve` and still reach our check.
    """

    _DEFAULT_TAGS: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: _TAG + "str",
        yaml.SequenceNode: _TAG + "seq",
        yaml.MappingNode: _TAG + "map",
    }

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return self._DEFAULT_TAGS[kind]


_ALLOWED_TAGS = {
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
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


class _ReadError(Exception):
    def __init__(self, line: int | None, field: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message, self.hint = line, field, message, hint


def read_source(path: Path, rel: str) -> SourceFile | Problem:
    """Read one content file, or say what stops it being read."""
    try:
        return _read(path, rel)
    except _ReadError as err:
        return Problem(rel, err.line, err.field, err.message, err.hint)


def _read(path: Path, rel: str) -> SourceFile:
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise _ReadError(
            None,
            "file",
            f"the file is {len(raw):,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            "split it into several posts or move large data out of the page",
        )
    text = _decode(raw)
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
    return SourceFile(path, rel, parse_front_matter(front, first_line), body, True)


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise _ReadError(
            line,
            "file",
            f"the file is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})",
            "save the file with UTF-8 encoding in your editor",
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def parse_front_matter(front: str, first_line: int = 1) -> YamlMap:
    """Compose YAML front matter into plain values, refusing YAML's traps.

    `first_line` is the file line where `front` starts, so that every value
    carries its line in the file.
    """
    try:
        node = yaml.compose(front, Loader=_TextLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark and ("quoted" in str(err.context) or "flow" in str(err.context)):
            # An unclosed quote or bracket shows only further on: name the
            # line where it opens.
            mark = err.context_mark
        line = first_line + mark.line if mark else first_line
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
    if node is None:
        return YamlMap({}, first_line)
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise _ReadError(
            first_line,
            "front matter",
            f"the front matter is {kind}, not a set of fields",
            "write one 'field: value' per line, e.g. 'title: My post'",
        )
    return _Composer(first_line).mapping(node, "front matter", first_line + node.start_mark.line)


class _Composer:
    """Turn composed YAML nodes into `Value`s, refusing aliases and tags."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.seen: set[int] = set()

    def convert(self, node: yaml.Node, field: str, parent_line: int | None = None) -> Value:
        line = self.first_line + node.start_mark.line
        if id(node) in self.seen:
            # An alias's node is its anchor's: name the line that uses it.
            raise _ReadError(
                parent_line or line,
                field,
                "YAML anchors and aliases (& and *) are not allowed",
                "write the value out in full",
            )
        self.seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            raise _ReadError(
                line,
                field,
                f"the YAML tag {node.tag!r} is not allowed",
                "remove the tag (the text starting with !) and write a plain value",
            )
        if isinstance(node, yaml.ScalarNode):
            return Scalar(str(node.value), node.style in ("'", '"'), line)
        if isinstance(node, yaml.SequenceNode):
            return YamlList(tuple(self.convert(item, field, line) for item in node.value), line)
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, field, line)

    def mapping(self, node: yaml.MappingNode, field: str, line: int) -> YamlMap:
        entries: dict[str, Value] = {}
        for key_node, value_node in node.value:
            key_line = self.first_line + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                raise _ReadError(
                    key_line,
                    field,
                    "a field name must be plain text",
                    "write 'name: value'",
                )
            key = str(key_node.value)
            name = key if field == "front matter" else f"{field}.{key}"
            if key in entries:
                raise _ReadError(
                    key_line,
                    name,
                    "the field is given twice",
                    "keep one of the two lines and delete the other",
                )
            entries[key] = self.convert(value_node, name, key_line)
        return YamlMap(entries, line)
