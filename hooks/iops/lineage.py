"""What git says about the site's items: statements' versions and whether
each translation still follows its original; and what an item's page shows
of it (its languages, its version, how far behind it is).

`read_lineage` is called once per build with the site and its history; the
rest are pure lookups over what it made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import originals
from .gitlog import History, read_blobs, read_history
from .model import Item, Site
from .problems import Problem
from .staleness import Staleness, shallow_problem, staleness
from .versions import Version, read_text, statement_versions


@dataclass(frozen=True)
class Lineage:
    versions: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)
    """Each statement with a `version`, by source: its versions, oldest first."""
    states: Mapping[str, Staleness] = field(default_factory=dict)
    """Each translation that records a commit of its original, by source."""
    follows: Mapping[str, int] = field(default_factory=dict)
    """Each translation of a versioned statement: the version it follows."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """Texts of files at old commits, by blob id."""
    known: bool = True
    """False without a git history: no versions nor states could be read."""

    def old_body(self, state: Staleness) -> str:
        """The original's text at the commit a translation follows."""
        text = read_text(state.original, self.texts.get(state.recorded_blob, ""))
        return text.body if text else ""


def versioned(site: Site) -> list[Item]:
    return [
        s
        for s in site.of_kind("statement")
        if s.original is None and s.field("version") is not None
    ]


def translations(site: Site) -> list[Item]:
    return [i for i in site.items if i.original is not None and i.original in site.by_source]


def site_lineage(site: Site) -> tuple[Lineage, list[Problem]]:
    """`read_lineage` of the site's own history, read only when some item needs it."""
    if not versioned(site) and not translations(site):
        return Lineage(), []
    return read_lineage(site, read_history(site.settings.root))


def read_lineage(site: Site, history: History) -> tuple[Lineage, list[Problem]]:
    """The statements' versions and the translations' states, and their problems."""
    statements, translated = versioned(site), translations(site)
    needy = [*statements, *(t for t in translated if t.field("original_commit"))]
    problems: list[Problem] = []
    if not history.known:
        if needy:
            problems.append(
                Problem(
                    needy[0].source,
                    None,
                    "file",
                    f"the site's history cannot be read ({history.why}), so statements' versions "
                    "and outdated translations are not shown",
                    "build from a git checkout of the repository, with git installed",
                    severity="warning",
                )
            )
        return Lineage(known=False), problems
    if history.shallow and needy:
        first = needy[0]
        problems.append(shallow_problem(first.source, first.meta.line("version"), "version"))
    states: dict[str, Staleness] = {}
    for item in translated:
        state, found = staleness(item, history)
        problems += found
        if state is not None:
            states[item.source] = state
    blobs = [c.blob for s in statements for c in history.changes.get(s.source, ())]
    recorded = [s.recorded_blob for s in states.values()]
    texts = read_blobs(site.settings.root, history, [*blobs, *recorded])
    all_versions = {s.source: statement_versions(site, s, history, texts) for s in statements}
    lineage = Lineage(all_versions, states, _follows(states, all_versions, texts), texts)
    return lineage, problems + adoption_problems(site, lineage)


def _follows(
    states: Mapping[str, Staleness],
    all_versions: Mapping[str, tuple[Version, ...]],
    texts: Mapping[str, str],
) -> dict[str, int]:
    follows = {}
    for source, state in states.items():
        if state.original in all_versions:
            text = read_text(state.original, texts.get(state.recorded_blob, ""))
            if text is not None:
                follows[source] = text.values.get("version", 1)
    return follows


def adoption_problems(site: Site, lineage: Lineage) -> list[Problem]:
    """A poll that says it adopted a version of a statement that is not there."""
    statements = {s.slug: s for s in site.of_kind("statement") if s.original is None}
    problems = []
    for poll in site.of_kind("poll"):
        for entry in poll.field("adopts") or ():
            statement = statements.get(entry["statement"])
            numbers = (
                [v.number for v in lineage.versions.get(statement.source, ())] if statement else []
            )
            if entry["version"] in numbers:
                continue
            if statement is None:
                what, how = (
                    f"there is no statement named {entry['statement']!r}",
                    ("name a statement by its file name in content/about/ (without .md)"),
                )
            else:
                have = ", ".join(str(n) for n in numbers) or "none: it has no version field"
                what = (
                    f"the poll adopted version {entry['version']} of {statement.source}, "
                    f"which is not in its history (versions: {have})"
                )
                how = "correct the version, or commit the statement with version: " + str(
                    entry["version"]
                )
            problems.append(Problem(poll.source, poll.meta.line("adopts"), "adopts", what, how))
    return problems


def adopted_by(site: Site, lineage: Lineage, poll: Item) -> list[tuple[Item, Version]]:
    """The statement versions a poll adopted: those whose decision names it,
    and those it lists in `adopts`."""
    named = {(e["statement"], e["version"]) for e in poll.field("adopts") or ()}
    found = []
    for statement in versioned(site):
        for version in lineage.versions.get(statement.source, ()):
            by_decision = version.decision is not None and version.decision.url == poll.url
            if by_decision or (statement.slug, version.number) in named:
                found.append((statement, version))
    return found


def current_version(lineage: Lineage, source: str) -> Version | None:
    found = lineage.versions.get(source, ())
    return found[-1] if found else None


def item_context(site: Site, lineage: Lineage, item: Item) -> dict[str, Any]:
    """What an item's page shows of its languages, versions and history."""
    context: dict[str, Any] = {
        "translations": originals.alternates(site, item),
        "hreflang": hreflang(site, item),
    }
    original = site.by_source.get(item.original or "")
    state = lineage.states.get(item.source)
    context["original"] = original
    context["translation_state"] = state if state and state.outdated else None
    context["changes_url"] = f"{item.url}changes/" if state and state.outdated else None
    statement = original or item
    version = current_version(lineage, statement.source)
    context["statement_version"] = version
    context["history_url"] = f"{statement.url}history/" if version else None
    context["follows_version"] = lineage.follows.get(item.source) if original else None
    if item.kind == "poll":
        context["adopted_versions"] = tuple(adopted_by(site, lineage, item))
    return context


def hreflang(site: Site, item: Item) -> tuple[tuple[str, str], ...]:
    """(language, absolute URL) of every language the item is in, and
    x-default (the original): for <link rel="alternate"> and the sitemap."""
    found = originals.alternates(site, item)
    if not found:
        return ()
    base = site.settings.site_url
    pairs = [(a.lang, base + a.url) for a in found]
    default = next(a for a in found if a.original)
    return (*pairs, ("x-default", base + default.url))


def sitemap_alternates(site: Site) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each translated item's absolute URL and its alternates."""
    found = {}
    for original_source, group in site.translations.items():
        original = site.by_source[original_source]
        pairs = hreflang(site, original)
        for member in (original, *group):
            found[site.settings.site_url + member.url] = pairs
    return found
