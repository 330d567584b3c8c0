"""The pages of one build as plain data: what the MkDocs adapter turns into files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import urls
from .model import Item
from .views import JOIN_TEMPLATE, JOIN_URL, GeneratedPage

# The template of each kind of item page (theme/).
ITEM_TEMPLATES = {
    "statement": "item.html",
    "post": "item.html",
    "news": "item.html",
    "event": "event.html",
    "project": "project.html",
    "poll": "poll.html",
    "member": "member.html",
    "chapter": "chapter.html",
    "page": "item.html",
}
HOME_TEMPLATE = "home.html"
SPECIAL_TEMPLATES = {"": HOME_TEMPLATE, JOIN_URL: JOIN_TEMPLATE}
"""Pages of their own by their URL: the home page, and content/join.md."""


@dataclass(frozen=True)
class PageSource:
    """One page to build: where it comes from, where it goes, what it shows."""

    src_uri: str
    """MkDocs' name for the page: relative links between pages resolve by it."""
    dest_path: str
    """The output file, relative to the site folder."""
    lang: str
    meta: dict[str, Any] = field(default_factory=dict)
    """`template` and `title` for MkDocs."""
    markdown: str = ""
    item: Item | None = None
    view: Any = None
    redirect_to: Item | None = None


def _template(item: Item) -> str:
    return SPECIAL_TEMPLATES.get(item.url) or ITEM_TEMPLATES[item.kind]


def item_src_uri(item: Item) -> str:
    """content/blog/x.md → blog/x.md; chapters/c/x.md stays as it is, so
    links between content/ and chapters/ resolve as if both were one tree."""
    prefix = urls.CONTENT_DIR + "/"
    return item.source.removeprefix(prefix)


def generated_src_uri(url: str) -> str:
    if url.endswith(".html"):
        return url + ".md"
    return f"{url}index.md"


def output_path(url: str) -> str:
    return url if url.endswith(".html") else urls.output_path(url)


def page_sources(
    items: tuple[Item, ...], pages: tuple[GeneratedPage, ...], redirects: tuple[Any, ...], lang: str
) -> list[PageSource]:
    sources = [
        PageSource(
            item_src_uri(item),
            output_path(item.url),
            item.lang,
            {
                "template": _template(item),
                "title": item.title,
                "source": item.source,  # for the build's messages; no template shows it
            },
            item.body,
            item=item,
        )
        for item in items
    ]
    sources += [
        PageSource(
            generated_src_uri(page.url),
            output_path(page.url),
            page.lang or lang,
            {"template": page.template, "title": page.title},
            page.markdown,
            view=page.view,
        )
        for page in pages
    ]
    sources += [
        PageSource(
            generated_src_uri(r.url),
            output_path(r.url),
            r.target.lang,
            {"template": "redirect.html", "title": r.target.title},
            redirect_to=r.target,
        )
        for r in redirects
    ]
    return sources
