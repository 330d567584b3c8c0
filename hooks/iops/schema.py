"""What front matter each kind of content takes: one field table per kind."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import date_fields as d
from . import fields as f
from . import history_fields as hf
from .problems import Problem
from .reader import SourceFile


@dataclass(frozen=True)
class Field:
    type: f.FieldType
    required: bool = False


def _req(field_type: f.FieldType) -> Field:
    return Field(field_type, required=True)


def _opt(field_type: f.FieldType) -> Field:
    return Field(field_type)


# Every item may be held back, written in another language, or keep old URLs.
_COMMON = {
    "draft": _opt(f.boolean),
    "lang": _opt(f.language),
    "aliases": _opt(f.listing(f.old_path)),
    "summary": _opt(f.text),
    "translation_of": _opt(f.text),
    "original_commit": _opt(hf.commit_id),
}
_POST = {
    "title": _req(f.text),
    "date": _req(d.day_or_time),
    "author": _req(f.one_or_more(f.handle)),
    "tags": _opt(f.listing(f.tag)),
    "image": _opt(f.picture),
}
# A count lost with an old site is left out: the page says it was not recorded.
_OPTION = f.record(label=(f.text, True), votes=(f.integer, False))
_QUESTION = f.record(question=(f.text, True), options=(f.listing(_OPTION, unique=False), True))
_LINK = f.record(label=(f.text, True), url=(f.url, True))

SCHEMAS: dict[str, dict[str, Field]] = {
    "statement": {
        "title": _req(f.text),
        "status": _opt(f.choice("interim", "ratified")),
        "adopted": _opt(d.date),
        "order": _opt(f.integer),
        "decision": _opt(hf.decision),
        "version": _opt(hf.positive),
    },
    "post": _POST,
    "news": {**_POST, "author": _opt(f.one_or_more(f.handle))},
    "event": {
        "title": _req(f.text),
        "start": _req(d.local_datetime),
        "end": _opt(d.local_datetime),
        "timezone": _opt(f.timezone),
        "location": _opt(f.text),
        "online": _opt(f.url),
    },
    "project": {
        "title": _req(f.text),
        "created": _req(d.partial_date),
        "status": _req(f.choice("proposed", "active", "completed")),
        "members": _opt(f.listing(f.handle)),
    },
    "poll": {
        "title": _req(f.text),
        "opens": _req(d.date),
        "closes": _req(d.date),
        "questions": _req(f.listing(_QUESTION, unique=False)),
        "author": _opt(f.one_or_more(f.handle)),
        "voters": _opt(f.integer),
        "adopts": _opt(hf.ADOPTS),
    },
    "member": {
        "name": _req(f.text),
        "chapter": _opt(f.handle),
        "joined": _opt(d.partial_date),
        "links": _opt(f.listing(_LINK)),
        "avatar": _opt(f.picture),
        "github": _opt(f.github_account),
    },
    "chapter": {
        "name": _req(f.text),
        "level": _req(f.choice("national", "regional", "local")),
        "founded": _req(d.partial_date),
        "parent": _opt(f.handle),
        "country": _opt(f.country),
        "place": _opt(f.text),
        "timezone": _opt(f.timezone),
        "admins": _opt(f.listing(f.handle)),
        "contact": _opt(f.contact),
    },
    "page": {"title": _req(f.text)},
}
SCHEMAS = {kind: {**fields, **_COMMON} for kind, fields in SCHEMAS.items()}


@dataclass(frozen=True)
class FrontMatter:
    """Front matter read by its kind's schema: typed values and their lines."""

    values: Mapping[str, Any]
    """Read-only by convention; a plain dict so that workers can send it back."""
    lines: Mapping[str, int] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def line(self, name: str) -> int | None:
        return self.lines.get(name)


def validate(source: SourceFile, kind: str) -> tuple[FrontMatter, list[Problem]]:
    """Read every field of `source` by the schema of `kind`; report all problems."""
    schema = SCHEMAS[kind]
    entries = source.fields.entries
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}

    if not source.has_front_matter:
        required = ", ".join(name for name, spec in schema.items() if spec.required)
        problems.append(
            Problem(
                source.rel,
                1,
                "front matter",
                "the file has no front matter",
                f"start the file with a --- line, the fields {required}, and another --- line",
            )
        )
        return FrontMatter({}), problems

    for name, value in entries.items():
        lines[name] = value.line
        spec = schema.get(name)
        if spec is None:
            problems.append(_unknown_field(source.rel, value.line, name, kind, schema))
            continue
        try:
            values[name] = spec.type(value)
        except f.FieldError as err:
            problems.append(
                Problem(source.rel, err.line or value.line, name, err.message, err.hint)
            )

    for name, spec in schema.items():
        if spec.required and name not in entries:
            problems.append(
                Problem(
                    source.rel,
                    source.fields.line,
                    name,
                    f"the required field is missing (a {kind} needs it)",
                    f"add a line '{name}: …' to the front matter",
                )
            )
    return FrontMatter(values, lines), problems


def _unknown_field(rel: str, line: int, name: str, kind: str, schema: dict[str, Field]) -> Problem:
    close = difflib.get_close_matches(name, list(schema), n=1)
    hint = (
        f"did you mean '{close[0]}'?" if close else "remove it or use one of: " + ", ".join(schema)
    )
    return Problem(rel, line, name, f"a {kind} has no field '{name}'", hint)
