"""Field types of translations and statement versions (see `schema`)."""

from __future__ import annotations

import re
from typing import Any

from . import date_fields
from . import fields as f
from .reader import Scalar, Value, YamlMap

_COMMIT = re.compile(r"^[0-9a-fA-F]{7,40}$")

_ELSEWHERE = f.record(
    url=(f.url, True), tally=(f.text, False), body=(f.text, False), date=(date_fields.date, False)
)


def commit_id(value: Value) -> str:
    """A git commit's id, whole or its first 7 characters or more."""
    ref = f.text(value)
    if not _COMMIT.match(ref):
        raise f.FieldError(
            f"{ref!r} is not a commit id",
            "write the commit's id as git shows it (`git log -1 --format=%H -- <original>`)",
            value.line,
        )
    return ref.lower()


def decision(value: Value) -> Any:
    """A poll of this site by its handle, or a decision taken elsewhere:
    ``{url: …, tally: "212 for, 9 against", body: "Founding convention"}``."""
    if isinstance(value, YamlMap):
        return _ELSEWHERE(value)
    if isinstance(value, Scalar):
        return f.handle(value)
    raise f.FieldError(
        "expected a poll's handle or a set of fields",
        "write the poll's file name (without .md), or url: and tally: of the decision",
        value.line,
    )


def positive(value: Value) -> int:
    number = f.integer(value)
    if number < 1:
        raise f.FieldError(f"{number} is not a version number", "count from 1", value.line)
    return number


ADOPTS = f.listing(f.record(statement=(f.handle, True), version=(positive, True)), unique=False)
"""What a poll adopted: ``adopts: [{statement: mission, version: 2}]``."""
