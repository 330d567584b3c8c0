"""What templates get: filters, per-page context, and output touch-ups.

Plain functions over the model; the MkDocs adapter registers them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from . import dates, feeds, urls, views
from .plan import Plan
from .site_files import PageSource

FILTERS = {
    "day": dates.format_day,
    "iso_day": dates.iso_day,
    "country_name": dates.country_name,
    "language_name": dates.language_name,
    "excerpt": views.excerpt,
    "tag_url": views.tag_url,
}

_HTML_LANG = re.compile(r'<html lang="[^"]*"')


def page_context(plan: Plan, source: PageSource) -> dict[str, Any]:
    site = plan.site
    context: dict[str, Any] = {"iops": site, "view": source.view, "item": source.item}
    context["redirect_to"] = source.redirect_to
    page_url = source.item.url if source.item else _page_url(source)
    context["page_feeds"] = plan.feeds_of(page_url)
    if source.item is not None:
        context["held_back"] = site.is_held_back(source.item)
        context.update(views.related(site, source.item))
    return context


def set_page_language(html: str, lang: str) -> str:
    """Material writes the site's language on <html>; an item may have its own."""
    return _HTML_LANG.sub(f'<html lang="{lang}"', html, count=1)


def chapter_assets(root: Path) -> Iterator[tuple[str, Path]]:
    """Images and other files in chapters/, published beside the chapter's pages."""
    folder = root / urls.CHAPTERS_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix != ".md" and not path.name.startswith("."):
            yield path.relative_to(root).as_posix(), path


def _page_url(source: PageSource) -> str:
    return source.dest_path.removesuffix("index.html")


def feed_files(plan: Plan, html_by_source: Mapping[str, str]) -> Iterator[tuple[str, bytes]]:
    """Every feed in every format, rendered from the pages' HTML."""
    for feed in plan.feeds:
        for fmt in feeds.FORMATS:
            yield feed.path(fmt), feeds.render_feed(feed, fmt, plan.site, html_by_source)
