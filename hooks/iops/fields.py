"""Field types: each reads a YAML `Value` as one type, or says why it can't.

A field type is a function ``(Value) -> typed value`` that raises
`FieldError`. Scalars arrive as the text the author typed (see `reader`), so
``title: NO`` stays the text "NO" and only a date field reads a date.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Any

import babel

from .reader import Scalar, Value, YamlList, YamlMap

FieldType = Callable[[Value], Any]

HANDLE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
# GitHub's account names: letters, digits and single inner hyphens, 1-39 characters.
GITHUB_ACCOUNT_PATTERN = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_URL_SCHEMES = ("https://", "http://", "mailto:")


class FieldError(Exception):
    def __init__(self, message: str, hint: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


def single_value(value: Value, hint: str) -> Scalar:
    if not isinstance(value, Scalar):
        shape = "a list" if isinstance(value, YamlList) else "a set of fields"
        raise FieldError(f"expected a single value, found {shape}", hint, value.line)
    return value


def text(value: Value) -> str:
    """The text as typed, without the spaces, tabs and line breaks around it.

    Only YAML's own white space is stripped: a no-break space or any other
    character was typed on purpose, so a title of one no-break space stays.
    """
    scalar = single_value(value, "write the text on the same line, in quotes if it has a colon")
    typed = scalar.text.strip(" \t\r\n")
    if scalar.is_null or not typed:
        raise FieldError("the value is empty", "write the text after the colon", scalar.line)
    return typed


def boolean(value: Value) -> bool:
    scalar = single_value(value, "write true or false")
    if scalar.text in ("true", "True", "TRUE", "false", "False", "FALSE") and not scalar.quoted:
        return scalar.text.lower() == "true"
    raise FieldError(f"{scalar.text!r} is not true or false", "write true or false", scalar.line)


def integer(value: Value) -> int:
    scalar = single_value(value, "write a whole number")
    if scalar.quoted or not _INTEGER.match(scalar.text):
        raise FieldError(
            f"{scalar.text!r} is not a whole number",
            "write digits only, e.g. 3",
            scalar.line,
        )
    return int(scalar.text)


def handle(value: Value) -> str:
    name = text(value)
    if not HANDLE_PATTERN.match(name):
        raise FieldError(
            f"{name!r} is not a handle",
            "use the file or folder name: lowercase letters, digits and hyphens",
            value.line,
        )
    return name


def github_account(value: Value) -> str:
    name = text(value).removeprefix("@")
    if not GITHUB_ACCOUNT_PATTERN.match(name):
        raise FieldError(
            f"{name!r} is not a GitHub user name",
            "write the name as on github.com/<name>: letters, digits and single hyphens",
            value.line,
        )
    return name


def url(value: Value) -> str:
    address = text(value)
    if not address.startswith(_URL_SCHEMES) or any(c.isspace() for c in address):
        raise FieldError(
            f"{address!r} is not a web or mail address",
            "write a full address starting with https://, http:// or mailto:",
            value.line,
        )
    return address


_EMAIL = re.compile(
    r"^[^@\s<>\"'`\\:/]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_WEB = re.compile(r"^https?://[^\s/?#<>\"'`\\]+\.[^\s/?#<>\"'`\\]+(?:[/?#][^\s<>\"'`\\]*)?$")


def contact(value: Value) -> str:
    """How to reach a chapter: an email address, or a web address (a form, a page).

    An email address is written bare (``berlin@example.org``, shown as a
    mailto: link); a web address starts with https:// or http://."""
    address = text(value).removeprefix("mailto:")
    if not (_EMAIL.match(address) or _WEB.match(address)):
        raise FieldError(
            f"{address!r} is neither an email address nor a web address",
            "write an email address such as berlin@example.org, "
            "or a web address starting with https://",
            value.line,
        )
    return address


_NOT_IN_PICTURES = frozenset("\"'<>`\\")


def picture(value: Value) -> str:
    """A picture on this site, by its path (``images/photo.jpg``).

    Never an address: a picture from another host would be fetched from there
    by every reader's browser, telling it who reads what, and a scheme such as
    ``javascript:`` has no business in a picture. A colon before the first
    ``/`` is what makes a scheme; ``//`` (and ``\\``, which browsers read as
    ``/``) start another host; white space and control characters are what
    browsers drop from URLs before they read them.
    """
    path = text(value)
    if (
        ":" in path.split("/", 1)[0]
        or path.startswith("//")
        or any(c.isspace() or not c.isprintable() or c in _NOT_IN_PICTURES for c in path)
    ):
        raise FieldError(
            f"{path!r} is not the path of a picture on this site",
            "put the picture in the repository and give its path, e.g. images/photo.jpg, "
            "without spaces (pictures from other sites are not shown)",
            value.line,
        )
    return path


def timezone(value: Value) -> str:
    name = text(value)
    if name not in _timezones():
        raise FieldError(
            f"{name!r} is not a known timezone",
            "use an IANA name such as Europe/London or America/New_York",
            value.line,
        )
    return name


def language(value: Value) -> str:
    code = text(value)
    try:
        babel.Locale.parse(code.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        raise FieldError(
            f"{code!r} is not a language code",
            "use a code such as en, de or es",
            value.line,
        ) from None
    return code


def country(value: Value) -> str:
    code = text(value).upper()
    if len(code) != 2 or code not in babel.Locale("en").territories:
        raise FieldError(
            f"{code!r} is not a country code",
            "use the two-letter ISO 3166 code, e.g. GB, DE or US",
            value.line,
        )
    return code


def old_path(value: Value) -> str:
    """An old URL path of the item, kept working by a redirect."""
    path = text(value)
    if "://" in path or ".." in path.split("/") or any(c.isspace() for c in path):
        raise FieldError(
            f"{path!r} is not a path on this site",
            "write the old address without the domain, e.g. /blog/view/123",
            value.line,
        )
    return path.strip("/")


def tag(value: Value) -> str:
    words = re.sub(r"[^\w]+", "-", text(value).lower()).strip("-")
    if not words:
        raise FieldError("the tag has no letters or digits", "write a word", value.line)
    return words


def choice(*allowed: str) -> FieldType:
    def read(value: Value) -> str:
        word = text(value)
        if word not in allowed:
            raise FieldError(
                f"{word!r} is not allowed",
                "use one of: " + ", ".join(allowed),
                value.line,
            )
        return word

    return read


def listing(item_type: FieldType, *, unique: bool = True) -> FieldType:
    def read(value: Value) -> tuple[Any, ...]:
        if not isinstance(value, YamlList):
            raise FieldError(
                "expected a list",
                "write a list such as [a, b] or one '- item' per line",
                value.line,
            )
        items = tuple(item_type(item) for item in value.items)
        if unique:
            for index, item in enumerate(items):
                if item in items[:index]:
                    raise FieldError(
                        f"{item!r} is listed twice",
                        "remove the repeat",
                        value.items[index].line,
                    )
        return items

    return read


def one_or_more(item_type: FieldType) -> FieldType:
    """One value, or a list of them (``author: a`` or ``author: [a, b]``):
    always read as a tuple."""
    many = listing(item_type)

    def read(value: Value) -> tuple[Any, ...]:
        if isinstance(value, YamlList):
            items = many(value)
            if not items:
                raise FieldError("the list is empty", "name at least one", value.line)
            return items
        return (item_type(value),)

    return read


def record(**fields: tuple[FieldType, bool]) -> FieldType:
    """A set of sub-fields, each (type, required)."""

    def read(value: Value) -> dict[str, Any]:
        if not isinstance(value, YamlMap):
            names = ", ".join(fields)
            raise FieldError("expected a set of fields", f"give {names}", value.line)
        unknown = sorted(set(value.entries) - set(fields))
        if unknown:
            raise FieldError(
                f"unknown field {unknown[0]!r}",
                "use only " + ", ".join(fields),
                value.line,
            )
        result = {}
        for name, (field_type, required) in fields.items():
            if name in value.entries:
                result[name] = field_type(value.entries[name])
            elif required:
                raise FieldError(f"{name!r} is missing", f"add {name}: …", value.line)
        return result

    return read


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
