"""Find what an HTML page loads: the test that nothing comes from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

# (tag, attribute) pairs through which a page loads something.
_LOADING = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("track", "src"),
}
# <link rel=…> values that make the browser fetch the href.
_LOADING_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if (tag, name) in _LOADING:
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and rels & _LOADING_RELS:
            self.urls.append(values.get("href", ""))
        if "style" in values:
            self.urls += [a or b for a, b in _CSS_URL.findall(values["style"])]

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.urls += [a or b for a, b in _CSS_URL.findall(data)]


def loaded_urls(html: str) -> list[str]:
    parser = _Resources()
    parser.feed(html)
    return parser.urls


def is_external(url: str) -> bool:
    return bool(re.match(r"^([a-z][a-z0-9+.-]*:)?//", url, re.I))


def external_loads(site_dir: Path) -> dict[str, list[str]]:
    """Every page or stylesheet of a built site that loads from another host."""
    found: dict[str, list[str]] = {}
    for path in sorted(site_dir.rglob("*")):
        if path.suffix == ".html":
            urls = loaded_urls(path.read_text("utf-8"))
        elif path.suffix == ".css":
            urls = [a or b for a, b in _CSS_URL.findall(path.read_text("utf-8"))]
        else:
            continue
        external = [u for u in urls if is_external(u)]
        if external:
            found[path.relative_to(site_dir).as_posix()] = external
    return found
