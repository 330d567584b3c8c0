"""Checks across files: references, the federation tree, URL collisions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import hints
from .model import Item
from .problems import Problem
from .settings import Settings

# (kind, field, kind it names): a name that does not exist is an error.
REFERENCES = (
    ("post", "author", "member"),
    ("news", "author", "member"),
    ("poll", "author", "member"),
    ("project", "members", "member"),
    ("member", "chapter", "chapter"),
    ("chapter", "parent", "chapter"),
    ("chapter", "admins", "member"),
)
_TARGET_HINTS = {
    "member": "use the handle of a file in content/members/ (its name without .md)",
    "chapter": "use the name of a folder in chapters/ that has an index.md",
}
LEVEL_RANK = {"local": 0, "regional": 1, "national": 2}


@dataclass(frozen=True)
class Claim:
    """A URL that something wants to publish."""

    url: str
    source: str
    """The file that wants the URL; empty for a generated page."""
    line: int | None
    field: str
    what: str


def check_items(
    items: list[Item], settings: Settings, broken: Iterable[tuple[str, str]] = ()
) -> list[Problem]:
    """`broken` is the (kind, slug) of each file that has errors of its own and so
    is not among `items`: it exists, so naming it is no error of another file."""
    broken = set(broken)
    problems: list[Problem] = [*_check_references(items, broken), *_check_owners(items, broken)]
    for check in (_check_federation, _check_item_rules, hints.tag_problems):
        problems.extend(check(items))
    return problems


def _check_references(items: list[Item], broken: set[tuple[str, str]]) -> Iterable[Problem]:
    names: dict[str, set[str]] = defaultdict(set)
    for kind, slug in broken:
        names[kind].add(slug)
    for item in items:
        names[item.kind].add(item.slug)
    for item in items:
        for kind, field, target in REFERENCES:
            if item.kind != kind or item.field(field) is None:
                continue
            value = item.field(field)
            for name in (value,) if isinstance(value, str) else value:
                if name not in names[target]:
                    yield Problem(
                        item.source,
                        item.meta.line(field),
                        field,
                        f"there is no {target} named {name!r}",
                        hints.did_you_mean(name, names[target], _TARGET_HINTS[target]),
                    )


def _check_owners(items: list[Item], broken: set[tuple[str, str]]) -> Iterable[Problem]:
    chapters = {i.slug for i in items if i.kind == "chapter"}
    chapters |= {slug for kind, slug in broken if kind == "chapter"}
    for item in items:
        if item.owner and item.kind != "chapter" and item.owner not in chapters:
            yield Problem(
                item.source,
                None,
                "chapter",
                f"the folder chapters/{item.owner}/ has no index.md describing the chapter",
                f"add chapters/{item.owner}/index.md (build.py new chapter) or move the file",
            )


def _check_federation(items: list[Item]) -> Iterable[Problem]:
    chapters = {i.slug: i for i in items if i.kind == "chapter"}
    for chapter in chapters.values():
        parent = chapters.get(chapter.field("parent"))
        if parent is None:
            continue
        if LEVEL_RANK[parent.field("level")] <= LEVEL_RANK[chapter.field("level")]:
            yield Problem(
                chapter.source,
                chapter.meta.line("parent"),
                "parent",
                f"a {chapter.field('level')} chapter cannot belong to the "
                f"{parent.field('level')} chapter {parent.slug!r}",
                "a local chapter belongs to a regional or national one, "
                "a regional one to a national one",
            )
        # Walk up: coming back to this chapter means a cycle.
        seen: list[str] = [chapter.slug]
        current: Item | None = parent
        while current is not None and current.slug not in seen:
            seen.append(current.slug)
            current = chapters.get(current.field("parent"))
        if current is not None and current.slug == chapter.slug:
            yield Problem(
                chapter.source,
                chapter.meta.line("parent"),
                "parent",
                "the chapters' parents form a cycle: " + " → ".join([*seen, chapter.slug]),
                "one chapter of the cycle must name a higher-level parent, or none",
            )


def _event_rules(item: Item) -> Iterable[Problem]:
    # The rule about clocks lives with events; imported here so that this
    # module's own imports stay within the content model.
    from .events import CLOCK_PROBLEMS, clock_change

    end = item.field("end")
    if end is not None and end <= item.field("start"):
        yield Problem(
            item.source,
            item.meta.line("end"),
            "end",
            "the event ends before it starts",
            "check the date and time of end and start",
        )
    assert item.when is not None and item.when.tzinfo is not None  # `start` is required
    zone = item.when.tzinfo
    for name in ("start", "end"):
        local = item.field(name)
        change = clock_change(local, zone) if local is not None else None
        if change:
            message, hint = CLOCK_PROBLEMS[change]
            text = f"{local:%Y-%m-%d %H:%M} {message.format(zone=zone)}"
            yield Problem(item.source, item.meta.line(name), name, text, hint)


def _poll_rules(item: Item) -> Iterable[Problem]:
    """What the schema cannot see: dates in order, counts that can be counts.

    Options live inside `questions`, whose line is the nearest the reader keeps;
    each problem names the question and the option so that they can be found.
    """
    if item.field("closes") < item.field("opens"):
        yield Problem(
            item.source,
            item.meta.line("closes"),
            "closes",
            "the poll closes before it opens",
            "make closes the same day as opens or later",
        )
    voters = item.field("voters")
    if voters is not None and voters < 0:
        yield Problem(
            item.source,
            item.meta.line("voters"),
            "voters",
            f"the number of voters is negative ({voters})",
            "voters is how many people took part: 0 or more, or leave it out",
        )
    line = item.meta.line("questions")
    if not item.field("questions"):
        yield Problem(
            item.source, line, "questions", "the poll has no questions", "add at least one"
        )
    for number, question in enumerate(item.field("questions"), start=1):
        where = f"question {number} ({question['question']!r})"
        labels = [option["label"] for option in question["options"]]
        if not labels:
            yield Problem(
                item.source,
                line,
                "questions",
                f"{where} has no options",
                "give it an options list with a label and votes for each answer",
            )
        for label in sorted({label for label in labels if labels.count(label) > 1}):
            yield Problem(
                item.source,
                line,
                "questions",
                f"the option {label!r} is given twice in {where}",
                "give each option once and add up its votes",
            )
        for option in question["options"]:
            if option.get("votes", 0) < 0:
                yield Problem(
                    item.source,
                    line,
                    "questions",
                    f"the option {option['label']!r} of {where} has negative votes "
                    f"({option['votes']})",
                    "votes are a count: 0 or more",
                )


_ITEM_RULES: dict[str, Callable[[Item], Iterable[Problem]]] = {
    "event": _event_rules,
    "poll": _poll_rules,
}


def _check_item_rules(items: list[Item]) -> Iterable[Problem]:
    for item in items:
        rule = _ITEM_RULES.get(item.kind)
        if rule:
            yield from rule(item)
        yield from hints.file_date_problems(item)


def item_claims(items: Iterable[Item]) -> list[Claim]:
    """Each item's URL, and each of its aliases but one that is its URL
    (imported with the old site's addresses): that address is already there,
    so no redirect is made for it."""
    claims = []
    for item in items:
        claims.append(Claim(item.url, item.source, None, "url", "its page"))
        for alias in item.aliases:
            url = alias if alias.endswith((".html", ".htm", ".php")) else alias + "/"
            if _same_url(url, item.url):
                continue
            claims.append(Claim(url, item.source, item.meta.line("aliases"), "aliases", "an alias"))
    return claims


def _same_url(one: str, other: str) -> bool:
    return one.strip("/") == other.strip("/")


def url_collisions(claims: Iterable[Claim]) -> Iterable[Problem]:
    """Two things that would be written to one URL: report each, naming the other."""
    by_url: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_url[claim.url.strip("/").lower()].append(claim)
    for url, group in sorted(by_url.items()):
        if len(group) < 2:
            continue
        for claim in group:
            if not claim.source:  # a generated page: the file claiming its URL is told
                continue
            others = "; ".join(_describe(o) for o in group if o is not claim)
            hint = "rename one of the files or change the alias so each URL is used once"
            if all(o.source == claim.source for o in group):  # an alias of its own page
                hint = "remove the alias: it differs from the page's own address only in case"
            yield Problem(
                claim.source,
                claim.line,
                claim.field,
                f"{claim.what} would be published at /{url}/, as would {others}",
                hint,
            )


def _describe(claim: Claim) -> str:
    return f"{claim.what} of {claim.source}" if claim.source else claim.what
