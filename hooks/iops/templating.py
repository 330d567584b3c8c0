"""What templates get: filters, per-page context, and output touch-ups.

Plain functions over the model; the MkDocs adapter registers them.

Escaping. MkDocs renders every template with autoescape off, and Material
prints what it gets raw: ``page.meta.title`` and ``page.title`` in
``<title>``, the header, the navigation and the search index, and the
titles of the table of contents. So front-matter text is escaped exactly
once, at one of two places:

- **What MkDocs and Material get** is made safe here, before they see it:
  `page_meta` hands MkDocs the title as `markupsafe.Markup` of the escaped
  text. Printed raw it is right, and Jinja's ``e`` filter leaves Markup as it
  is, so a template that does escape it does not escape it twice. `clean_toc`
  does the same for the table of contents, which Python-Markdown makes from
  the member's headings. The item's HTML itself is cleaned by `sanitize`.
- **Our own templates** (theme/) get the model's raw values (``item.title``,
  a place, an option's label) and escape each where it is printed, with
  ``| e``; `tests/test_xss.py` checks every one that a member can set.

Feeds and calendars take the raw values too: feedgen and icalendar escape
them for XML and iCalendar (see `feeds` and `calendars`). Turning autoescape
on for our templates would not help Material's, and escaping the values in
the model would escape them twice in feeds and calendars.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import shutil
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from engine.cache import build_cache
from engine.fingerprint import Fingerprinter, Unfingerprintable, environment_digest, of_build
from engine.workers import map_in_order
from markupsafe import escape

from . import (
    cards,
    dates,
    feeds,
    frame,
    lineage,
    rendering,
    repository,
    sanitize,
    search,
    sharing,
    translations,
    urls,
    views,
)
from .listings import Listing
from .model import Site
from .outputs import Output
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

log = logging.getLogger("mkdocs.iops")
SITEMAP_PAGES = "sitemap-pages.xml"
"""The sitemap's list of pages (theme/), which sitemap.xml only points to."""
OUTPUTS_PER_PROCESS = 64
"""Fewer outputs than this are made in this process: forking would take longer."""


_HTML_LANG = re.compile(r'<html lang="[^"]*"')


def page_context(plan: Plan, source: PageSource) -> dict[str, Any]:
    site = plan.site
    context: dict[str, Any] = {"iops": site.directory, "view": source.view, "item": source.item}
    context["redirect_to"] = source.redirect_to
    page_url = source.item.url if source.item else _page_url(source)
    context["page_feeds"] = plan.feeds_of(page_url)
    context["search_url"] = search.search_box_url(site, source.lang)
    context.update(_frame(site, page_url, source))
    if source.item is not None:
        context["source_links"] = repository.source_links(site.settings, source.item.source, True)
        context["held_back"] = site.is_held_back(source.item)
        context.update(views.related(site, source.item))
        context.update(lineage.item_context(site, plan.lineage, source.item))
    elif source.redirect_to is None:
        where = repository.nearest_folder(site.settings.root, repository.source_of(page_url))
        context["source_links"] = repository.source_links(site.settings, where, False)
    if isinstance(source.view, Listing):
        context["cards"] = cards.cards(site, source.view.items)
    if page_url == views.JOIN_URL:
        context.update(views.join(site))
    return context


def sitemap_context(plan: Plan) -> dict[str, Any]:
    """The sitemap's hreflang alternates of each translated page, by its address."""
    return {"alternates": lineage.sitemap_alternates(plan.site)}


def _frame(site: Site, page_url: str, source: PageSource) -> dict[str, Any]:
    """What every page's frame (theme/layout.html) places: links back to the
    site's root, the header's current section, breadcrumbs, sharing tags."""
    # Not str(): a listing's title may be a Phrase, which <title> writes in the
    # page's language (the `translated_text` filter).
    title = source.item.title if source.item else source.meta.get("title") or ""
    return {
        "root": frame.root_of(page_url),
        "frame": frame.frame_of(site, page_url),
        "sharing": sharing.sharing(site, page_url, title, source.item),
        "lang": source.lang,
    }


def error_page_context(plan: Plan) -> dict[str, Any]:
    """What the theme's error page (404.html) gets: the site-wide feeds, as
    every page links them, and the search box of the site's language. It is
    served at any missing URL, so its links start from the site's root path."""
    site = plan.site
    root = urllib.parse.urlsplit(site.settings.site_url).path or "/"
    return {
        "page_feeds": plan.feeds_of(""),
        "search_url": search.search_box_url(site, site.settings.language),
        "root": root,
        "frame": frame.Frame("404", False, (), "404.html"),
        "sharing": sharing.sharing(site, "404.html", "", None),
        "lang": site.settings.language,
    }


def install_globals(env: jinja2.Environment) -> None:
    """What every template may use besides its page's context."""
    env.globals["material_stylesheet"] = rendering.material_stylesheet()
    env.globals["once"] = rendering.Once()


def page_meta(
    meta: Mapping[str, Any], translator: translations.Translator | None = None, lang: str = ""
) -> dict[str, Any]:
    """A page's meta for MkDocs, its title in the page's language (a listing's,
    made by our Python) and escaped as HTML (see the docstring)."""
    title = meta.get("title")
    if not isinstance(title, str):
        return dict(meta)
    if translator is not None:
        title = translator.plain(title, lang)
    return {**meta, "title": escape(title)}


def clean_toc(links: Iterable[Any]) -> None:
    """Make MkDocs' table of contents of a page safe for Material to print raw.

    Each entry's title becomes escaped text and its id (from the heading, which
    ``attr_list`` lets a member set) is escaped for the ``href`` it goes in.
    """
    for link in links:
        link.title = sanitize.text_html(str(link.title))
        link.id = str(escape(link.id))
        clean_toc(link.children)


def set_page_language(html: str, lang: str) -> str:
    """Material writes the site's language on <html>; an item may have its own."""
    attribute = f'<html lang="{escape(lang)}"'
    return _HTML_LANG.sub(lambda _: attribute, html, count=1)


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


def output_files(plan: Plan) -> list[tuple[str, bytes | Path]]:
    """Every file that is not a page (calendars, poll results, OPML): its path,
    and its bytes or the file in .cache/ that holds them.

    An output made by a pure function of data (a `functools.partial`, as the
    calendars and poll results are) is kept in the cache under a digest of
    that data and of our code, and is not made again while they are unchanged:
    a site's calendars take seconds to render, so the ones not in the cache
    are made on every core.

    Every item is digested here first, in this process (`of_build`): the
    outputs' digests then take a few milliseconds, and later the pages' and
    the feeds' find each item's in the memo instead of walking it again."""
    cache = build_cache(plan.site.settings.root, "outputs")
    keys: list[str | None] = [None] * len(plan.outputs)
    if cache is not None:
        code = environment_digest(Path(__file__).parent)
        fingerprints = of_build()
        fingerprints.digest(plan.site.items)
        keys = [_output_key(fingerprints, code, output) for output in plan.outputs]
    missing = [
        index
        for index, key in enumerate(keys)
        if cache is None or key is None or not cache.path(key).is_file()
    ]

    def made(chunk: list[int]) -> list[bytes | None]:
        """Each output's bytes, or None once put in the cache."""
        results: list[bytes | None] = []
        for index in chunk:
            key, content = keys[index], plan.outputs[index].content
            if cache is None or key is None:
                results.append(content)
            else:
                cache.put(key, content)
                results.append(None)
        return results

    made_now = map_in_order(made, missing, at_least=OUTPUTS_PER_PROCESS)
    contents = dict(zip(missing, made_now, strict=True))
    files: list[tuple[str, bytes | Path]] = []
    for index, (output, key) in enumerate(zip(plan.outputs, keys, strict=True)):
        content = contents.get(index)
        if content is not None:
            files.append((output.path, content))
        else:
            assert cache is not None and key is not None  # only a kept output has none
            files.append((output.path, cache.path(key)))
    if cache is not None:
        cache.sweep(key for key in keys if key)
    return files


def make_cards_before_the_workers(plan: Plan) -> None:
    """Every item's card, made and digested in this process before the page
    workers fork: they inherit them. Each worker made and walked nearly every
    card otherwise (its share of the listings and related posts shows them
    all), 0.4 s of CPU at 10,000 posts where this process takes 0.2 s."""
    of_build().digest(cards.cards(plan.site, plan.site.items))


def _output_key(fingerprints: Fingerprinter, code: str, output: Output) -> str | None:
    render = output.render
    if not isinstance(render, functools.partial):
        return None
    name = f"{render.func.__module__}.{render.func.__qualname__}"
    try:
        return fingerprints.digest(code, output.path, name, render.args, render.keywords)
    except Unfingerprintable:
        return None


def template_bytecode_cache(plan: Plan) -> jinja2.BytecodeCache | None:
    """Where the templates' compiled code is kept from one build to the next
    (none without the cache). Each worker compiles every template it renders
    on its first page: Material's and ours took a fifth of a rebuild's page
    loop at 1,000 posts. Jinja keeps a template's code with a digest of its
    source, and compiles it again when the source changed; the folder is one
    per Python and set of installed packages (Jinja's among them), which
    decide what the code is."""
    cache = build_cache(plan.site.settings.root, "templates")
    if cache is None:
        return None
    folder = cache.folder / environment_digest()
    folder.mkdir(parents=True, exist_ok=True)
    for other in cache.folder.iterdir():  # of packages no longer installed
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    return _TemplateCodeCache(str(folder))


class _TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's, except that a template's code it cannot keep (its folder
    deleted meanwhile by a build with other packages installed, a full disk)
    fails no build: the template is compiled again the next time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def start_search_index(plan: Plan, html_by_source: Mapping[str, str]) -> search.PendingIndex:
    """Pagefind's index of every item, begun in the background (from .cache/ if made before)."""
    cache = build_cache(plan.site.settings.root, "search")
    return search.start_index(plan.site, html_by_source, cache)


def finish_search_index(pending: search.PendingIndex, site_dir: Path) -> None:
    """The index, into the built site, once Pagefind is done."""
    started = time.monotonic()
    made = pending.finish(site_dir)
    waited = time.monotonic() - started
    log.info(f"search index: {made} of {len(pending.parts)} parts made, waited {waited:.1f} s")


def write_feeds(plan: Plan, html_by_source: Mapping[str, str], site_dir: Path) -> None:
    """Every feed in every format, rendered from the pages' HTML; unchanged
    feeds come from the build cache in .cache/."""
    started = time.monotonic()
    cache = build_cache(plan.site.settings.root, "feeds")
    made = feeds.write_feeds(plan.site, plan.feeds, html_by_source, site_dir, cache)
    took = time.monotonic() - started
    log.info(f"{len(plan.feeds) * len(feeds.FORMATS)} feeds, {made} rendered: {took:.1f} s")
