"""The parallel build's pages join their absolute address without urljoin
(engine.parallel_build._Page): the result must be MkDocs' own, for every
page address and site address, plain or not."""

from __future__ import annotations

import random
import types

from engine.parallel_build import _Page, _plain_path
from mkdocs.structure.pages import Page

_BASES = [
    "https://iops.example/",
    "https://iops.example/site/",
    "https://iops.example",
    "https://iops.example/a//",
    "https://iops.example/./b/",
    "https://iops.example/?q=/",
    "https://iops.example/#top/",
    "http://iops.example:8000/sub dir/",
    "",
    None,
]
_CHARACTERS = ["a", "z", "é", "ü", ".", "..", "/", "//", ":", "?", "#", " ", "%2e", "\\", "\t"]
_CHARACTERS += ["~", "-", "\u00a0", "\n", "index.html", "blog", "2025"]


def _addresses(page_class: type[Page], base: str | None, url: str) -> tuple[object, object]:
    page = object.__new__(page_class)
    page.file = types.SimpleNamespace(url=url)  # type: ignore[assignment]  # all Page.url reads
    page._set_canonical_url(base)
    return page.canonical_url, page.abs_url


def test_a_page_address_is_joined_as_mkdocs_joins_it() -> None:
    rng = random.Random(7)  # noqa: S311 (test data, the same on every run)
    urls = ["", "blog/", "blog/2025/a-post/", "de/über-uns/", "404.html", "./", "../x/"]
    urls += ["".join(rng.choices(_CHARACTERS, k=rng.randint(1, 8))) for _ in range(3000)]
    for base in _BASES:
        for url in urls:
            assert _addresses(_Page, base, url) == _addresses(Page, base, url), (base, url)


def test_the_pages_of_a_site_take_the_quick_way() -> None:
    for url in ["", "blog/", "blog/2025/a-post/", "de/über-uns/", "feeds/index.html"]:
        assert _plain_path(url)
    for url in ["./", "a/../b/", "/root/", "a//b/", "a?b", "a#b", "mailto:x", "a b/"]:
        assert not _plain_path(url)
