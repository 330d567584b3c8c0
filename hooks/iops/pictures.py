"""Pictures named in front matter (`image`, `avatar`): where they are, and
that they are there.

A picture is named by its path from the folder of the file that names it
(CONTRIBUTING.md: "a picture in the same folder"), and published at the same
place in the site: content/ is the site's root, chapters/ is published as it
is (`templating.chapter_assets`).
"""

from __future__ import annotations

import posixpath

from . import urls
from .model import Item

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
