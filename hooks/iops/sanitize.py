"""Rendered HTML, cut down to what posts need: one allow-list around nh3.

Members write Markdown, and Python-Markdown passes their raw HTML,
``javascript:`` links and ``attr_list`` attributes (``{: onclick=… }``)
through untouched. Every item's HTML goes through `sanitize_html` once, on its
way from Markdown to the page, so pages and feeds carry the same HTML.

nh3 (the Rust library ammonia) parses the HTML as a browser does (html5ever),
keeps only the elements and attributes listed here, and serialises a fresh
tree, so malformed or "mutating" markup comes out as plain, inert HTML.

The policy, and why:

- **Elements**: text structure, links, images, tables, figures and
  ``details``, and what the site's Markdown extensions make: footnotes,
  admonitions (``div.admonition``), abbreviations, definition lists, Pygments
  highlighting (``div.highlight``, ``table.highlighttable``, ``span.k``…).
  No scripts, styles, frames, objects, forms, SVG or MathML. The content of
  `DROPPED_WITH_CONTENT` goes with them; other unknown elements leave their
  text behind.
- **Attributes**: no ``on*`` handlers, no ``style``, no ``data-*``. Table
  cells' alignment, which Python-Markdown writes as
  ``style="text-align: …"``, becomes the ``align`` attribute first.
- **URLs** (``a href``, ``img src``): relative URLs (``../x/``, ``#fn:1``,
  which MkDocs writes) and ``http``, ``https`` and ``mailto`` only. ammonia
  reads URLs as browsers do, so entity-encoded or tab-split schemes
  (``&#106;avascript:``, ``java\\tscript:``) are caught.
- **Images** come from this site only: an ``img src`` with a scheme or a host
  of its own (``https://…``, ``//host/…``) is dropped, leaving the ``alt``
  text. A picture from elsewhere is a request to another host from every
  reader's browser, which tells that host who reads the page.
- **ids and classes** are free text, because footnotes, headings and
  ``attr_list`` need them, with one limit each against *DOM clobbering* of
  Material's own page furniture: an id may not start with ``__`` (Material's
  scripts find ``#__config``, ``#__search``, ``#__drawer`` by id, and the
  first element with an id wins, so a post could otherwise hand the page a
  forged configuration), and a class may not start with ``md-`` (Material's
  interface). nh3's ``id_prefix`` would also prevent it, but would break every
  ``#anchor`` link and footnote. ``name`` is not allowed at all.
- **rel**: nh3 adds ``rel="noopener noreferrer"`` to every link by default.
  That only matters for links that open a new window, and ``target`` is not
  allowed, so links stay as the member wrote them (`LINK_REL` is None).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3

URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes allowed in absolute URLs; relative URLs always pass."""

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TEXT = {"p", "br", "hr", "blockquote", "pre", "div", "span"}
_INLINE = {
    "a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "strong", "sub", "sup", "u", "var", "wbr",
}  # fmt: skip
_LISTS = {"ul", "ol", "li", "dl", "dt", "dd"}
_TABLES = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
_MEDIA = {"img", "figure", "figcaption", "details", "summary"}

ALLOWED_TAGS = frozenset(_HEADINGS | _TEXT | _INLINE | _LISTS | _TABLES | _MEDIA)
"""Every element a member may use; CONTRIBUTING lists them."""

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
"""Allowed on every allowed element."""

ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "*": GLOBAL_ATTRIBUTES,
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open"}),
    "del": frozenset({"datetime"}),
    "ins": frozenset({"datetime"}),
}
"""Attributes by element, beside `GLOBAL_ATTRIBUTES`."""

_ALIGN = frozenset({"left", "center", "right"})
ATTRIBUTE_VALUES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "th": {"align": _ALIGN},
    "td": {"align": _ALIGN},
}
"""Attributes allowed with these values only."""

DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "iframe", "object", "embed", "noscript", "noembed",
        "noframes", "xmp", "textarea", "title", "svg", "math", "select",
    }
)  # fmt: skip
"""Elements removed together with everything inside them: code, documents of
their own, or text that would read as garbage once its element is gone."""

LINK_REL: str | None = None
"""No rel is added to links (see the module's docstring)."""

RESERVED_ID_PREFIX = "__"
"""Material's ids (``__config``, ``__search``): content may not take them."""
RESERVED_CLASS_PREFIX = "md-"
"""Material's interface classes: content may not take them."""

_NOT_TEXT = re.compile(
    "[^\t\n\r\x20-\x7e\x80-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""Characters that XML 1.0 and iCalendar text refuse: C0 controls (but tab and
line ends), DEL, lone surrogates, U+FFFE and U+FFFF. And U+FEFF, a byte-order
mark pasted with a title: it shows as nothing, and calendar readers (icalendar
among them) drop it from the start of a value, so that a title of only that
would read back empty."""
_TABLE_ALIGN = re.compile(r'<(th|td) style="text-align: (left|center|right);"')
"""A table cell's alignment exactly as Python-Markdown writes it (linear to match:
an open-ended pattern would take quadratic time on a file of unclosed ``<td``)."""


_URL_NOISE = re.compile(r"[\t\n\r]|^[\x00-\x20]+|[\x00-\x20]+$")
"""What a browser drops from a URL before reading it: the controls and spaces
around it, and every tab and line break."""
_ABSOLUTE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2}")
"""A URL that names its scheme, or its host (``//host/``, and ``\\\\host``,
which browsers read alike): anything but a path on this site."""


def loads_from_elsewhere(url: str) -> bool:
    """Whether a browser would fetch `url` from a host of its own (or by a
    scheme), reading it as browsers do (see `_URL_NOISE`)."""
    return bool(_ABSOLUTE.match(_URL_NOISE.sub("", url)))


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return None if loads_from_elsewhere(value) else value
    if name == "id":
        return None if value.startswith(RESERVED_ID_PREFIX) else value
    if name == "class":
        kept = [c for c in value.split() if not c.startswith(RESERVED_CLASS_PREFIX)]
        return " ".join(kept) or None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=LINK_REL,
    tag_attribute_values={
        tag: {name: set(values) for name, values in by_name.items()}
        for tag, by_name in ATTRIBUTE_VALUES.items()
    },
    url_schemes=set(URL_SCHEMES),
)
_TEXT_ONLY = nh3.Cleaner(
    tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), attributes={}, link_rel=None
)


def sanitize_html(html: str) -> str:
    """`html` with only the allowed elements, attributes and URLs left.

    Idempotent: cleaning clean HTML changes nothing. Rarely, a tree that html5ever
    builds from broken markup serialises to HTML that parses into another tree;
    cleaning again until nothing changes (twice at most, in practice) makes the
    result a fixed point.
    """
    cleaned = _clean_once(_TABLE_ALIGN.sub(r'<\1 align="\2"', html))
    for _ in range(3):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def _clean_once(html: str) -> str:
    # nh3 writes characters such as &#14; out as they are: drop those that XML
    # refuses, so that the feeds can carry exactly this HTML.
    return clean_text(_CLEANER.clean(html))


def clean_text(text: str) -> str:
    """Front-matter text fit for XML (feeds) and iCalendar: a pasted title may
    carry control characters that would make the file unreadable."""
    return _NOT_TEXT.sub("", text)


def text_html(html: str) -> str:
    """Inline HTML (a heading's text, as the table of contents gets it) reduced
    to its text, escaped: safe to print as it is."""
    return _TEXT_ONLY.clean(html)
