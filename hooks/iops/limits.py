"""Limits on what content may hold, and the checks that enforce them.

Every limit is here, named. Each keeps the build quick and the site light,
whatever a file holds: `reader` refuses files and front matter beyond them
before any slow work starts (libyaml alone slows down with the square of
the nesting, and crashes the interpreter far below the file limit), and the
checks below report images and tags that would make pages heavy or noisy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from .dates import PartialDate
from .problems import Problem

MAX_FILE_BYTES = 1_000_000
"""A content file larger than this is refused (a post is a few KB)."""
MAX_NESTING = 10
"""Lists and fields inside each other, at most (a poll's questions need 5)."""
MAX_LIST_ITEMS = 1_000
"""Items of one front-matter list, at most."""
MAX_FIELDS = 100
"""Fields of one set of fields, at most (a kind has a dozen)."""
MAX_TAGS = 50
"""Tags of one item, at most: each one is a listing page and a feed."""
FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Dates outside these years are typing mistakes. They are refused because
a calendar describes its time zones for every year its events span: an event
ending in 8818 took tens of seconds to build and megabytes to download."""
MAX_IMAGE_BYTES = 5_000_000
"""An image file larger than this is refused: readers on phones and slow
connections pay for every byte, and git keeps every version for ever."""

NOT_IN_NAMES = frozenset("\"'<>`\\#?")
"""Characters that no name of a content file or folder may hold. A file's path
becomes its page's URL, which listings, feeds and the sitemap print inside
quoted attributes: a quote or ``<`` there would end the attribute and let the
name add its own (``2014-01-01-a"onmouseover="alert(1).md``); ``\\`` reads as
``/`` in a browser, and ``#`` or ``?`` would end the URL's path, so every link
to the page would miss it."""

IMAGE_SUFFIXES = frozenset(
    {
        ".apng", ".avif", ".bmp", ".gif", ".heic", ".heif", ".ico", ".jfif", ".jpeg", ".jpg",
        ".jxl", ".png", ".svg", ".tif", ".tiff", ".webp",
    }
)  # fmt: skip
"""Files that `MAX_IMAGE_BYTES` applies to (compared in lower case)."""


def megabytes(size: int) -> str:
    """A size for people: "7.3 MB"."""
    return f"{size / 1_000_000:.1f} MB"


def front_matter_problems(
    rel: str, values: Mapping[str, object], lines: Mapping[str, int]
) -> list[Problem]:
    """What the schema reads and a limit refuses: too many tags, a year out of range."""
    problems = []
    tags = values.get("tags")
    if isinstance(tags, tuple) and len(tags) > MAX_TAGS:
        problems.append(
            Problem(
                rel,
                lines.get("tags"),
                "tags",
                f"the item has {len(tags)} tags, more than the {MAX_TAGS} allowed",
                f"keep the {MAX_TAGS} or fewer that say best what the item is about",
            )
        )
    for name, value in values.items():
        if isinstance(value, dt.date | PartialDate) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            problems.append(
                Problem(
                    rel,
                    lines.get(name),
                    name,
                    f"the year {value.year} is not between {FIRST_YEAR} and {LAST_YEAR}",
                    "check the year: is a digit missing or one too many?",
                )
            )
    return problems


def name_problem(rel: str) -> Problem | None:
    """Why the file or folder names of `rel` cannot make a URL (see `NOT_IN_NAMES`)."""
    parts = rel.split("/")
    for index, part in enumerate(parts):
        found = sorted(set(part) & NOT_IN_NAMES)
        if found:
            what = "file" if index == len(parts) - 1 else "folder"
            return Problem(
                rel,
                None,
                "file",
                f"the {what} name {part!r} has characters that cannot go in a web address: "
                + " ".join(found),
                f"rename the {what} with letters, digits and hyphens only"
                + (", e.g. 2014-10-01-a-new-website.md" if what == "file" else ""),
            )
    return None


def image_problems(root: Path, files: Iterable[str]) -> list[Problem]:
    """Images over `MAX_IMAGE_BYTES` among `files` (relative to `root`).

    Only the size on disk is read (one stat a file), so this stays cheap
    on a site with thousands of images.
    """
    problems = []
    for rel in files:
        if PurePosixPath(rel).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        try:
            size = (root / rel).stat().st_size
        except OSError:  # removed while we looked, or a broken link: not ours to judge
            continue
        if size > MAX_IMAGE_BYTES:
            problems.append(
                Problem(
                    rel,
                    None,
                    "file",
                    f"the image is {megabytes(size)} ({size:,} bytes), over the limit of "
                    f"{megabytes(MAX_IMAGE_BYTES)}",
                    "resize it to at most 2000 pixels wide and save a photo as JPEG or WebP "
                    "(quality about 80): that is usually well under 1 MB",
                )
            )
    return problems
