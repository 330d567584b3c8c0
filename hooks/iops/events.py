"""Events: listings, what item, chapter, member and home pages show of them, files."""

from __future__ import annotations

from typing import Any

from .listings import GeneratedPage
from .model import Item, Site
from .outputs import Output


def pages(site: Site) -> list[GeneratedPage]:
    """The generated listing pages of events."""
    return []


def context(site: Site, item: Item) -> dict[str, Any]:
    """What the page of `item` shows of events (its own page, a chapter, a member, home)."""
    return {}


def outputs(site: Site) -> list[Output]:
    """Files written beside the pages."""
    return []
