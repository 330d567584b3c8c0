"""Pictures named in front matter (`image`, `avatar`): where they are, and
that they are there.

A picture is named by its path from the folder of the file that names it
(CONTRIBUTING.md: "a picture in the same folder"), and published at the same
place in the site: content/ is the site's root, chapters/ is published as it
is (`templating.chapter_assets`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path

from . import urls
from .model import Item
from .problems import Problem

FIELDS = ("image", "avatar")


def source_path(item: Item, name: str) -> str:
    """The picture's path in the project: content/blog/images/x.jpg."""
    folder = posixpath.dirname(item.source)
    return posixpath.normpath(posixpath.join(folder, name))


def picture_url(item: Item, field: str) -> str:
    """The picture's site-relative URL, or "" when the item names none."""
    name = item.field(field)
    if not name:
        return ""
    path = source_path(item, name)
    return path.removeprefix(urls.CONTENT_DIR + "/")


def check_pictures(items: Iterable[Item], root: Path) -> Iterable[Problem]:
    """Each picture named that is not a file of the project, or lies outside it."""
    for item in items:
        for field in FIELDS:
            name = item.field(field)
            if not name:
                continue
            path = source_path(item, name)
            inside = path.startswith((urls.CONTENT_DIR + "/", urls.CHAPTERS_DIR + "/"))
            if not inside or not (root / path).is_file():
                yield Problem(
                    item.source,
                    item.meta.line(field),
                    field,
                    f"there is no picture {path}",
                    f"put the picture beside {posixpath.basename(item.source)} "
                    f"(or in a folder there) and name it from there, e.g. {field}: photo.jpg",
                )
