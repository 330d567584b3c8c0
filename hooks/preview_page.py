"""A saved page, shown before the whole preview is built again (`build.py serve`).

The warm builder (`preview_builder`) keeps what its last successful build
made (`Warm`): MkDocs' configuration, files, navigation and template
environment (`parallel_build.last_job`), and the hooks' plan, pages and
translations. When a content file whose page exists is saved, `show_first`
reads that one file strictly, as the build reads every file (a problem in it
is returned, to be shown in the browser as a failed build's are), makes its
item again against the last build's site, converts its Markdown and renders
its template as the build does, and puts the page in the preview's folder by
renaming a new file over the old one (the preview's pages may be links into
the build cache, which must never be written into). The page's own card,
neighbours and related posts are made with its new item, in a copy of the
last build's site; every other page (listings, feeds, search) stays as the
last build made it, a moment stale: the whole build that follows makes them
right.

Any other change (a new file or a deleted one, a chapter's file, the
configuration, a template, an editor's swap file) is left to the whole
build, as is a saved file whose address changed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from engine import parallel_build
from engine.cache import NEW_FILE_MODE
from engine.page_steps import Job, apply, read_page, replay
from iops.links import Setup, markdown_setup, read_config
from iops.loader import reload_item
from iops.model import Item, Site
from iops.parsing import parse_file
from iops.plan import Plan
from iops.problems import Problem
from iops.site_files import ITEM_TEMPLATES, PageSource, page_sources
from mkdocs.commands.build import get_context
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.preview")

MOST_SHOWN_FIRST = 10
"""Saved files shown one by one before the whole build; with more (a git
checkout), the whole build alone."""


@dataclass(frozen=True)
class Warm:
    """What the last successful preview build made, kept for the next save."""

    job: Job
    hooks: ModuleType
    """The MkDocs hooks module the build ran (`mkdocs_adapter`, as MkDocs loaded it)."""
    plan: Plan
    sources: dict[str, PageSource]
    """Every page's source by MkDocs' src_uri, as the hooks had them."""
    translator: Any
    by_file: dict[str, PageSource]
    """Each item's page source by its file (content/blog/….md)."""
    markdown: Setup
    """The site's Markdown extensions, as `check` reads links with them."""


def keep_warm(root: Path) -> Warm | None:
    """What the build that has just succeeded made, with the templates an
    item's page uses compiled; None if that build made no pages."""
    job = parallel_build.last_job
    if job is None:
        return None
    hooks = next((h for h in job.config["hooks"].values() if hasattr(h, "_state")), None)
    if hooks is None:
        return None
    state = hooks._state
    sources = dict(state.sources)
    for template in sorted(set(ITEM_TEMPLATES.values())):
        job.env.get_template(template)  # compiled now, not on the first save
    # A page shown first is not kept: no cache; and the last build's read
    # pack is of no use to it (50 MB at 10,000 posts).
    job = dataclasses.replace(job, cache=None, live=None, reads={})
    parallel_build.last_job = None  # taken, without what it held that is not needed
    return Warm(
        job,
        hooks,
        state.plan,
        sources,
        state.translator,
        {s.item.source: s for s in sources.values() if s.item is not None},
        markdown_setup(read_config(root)),
    )


@dataclass(frozen=True)
class Shown:
    """What `show_first` did."""

    pages: tuple[str, ...] = ()
    """The pages written, by their addresses in the preview (blog/2016/x/)."""
    problems: str | None = None
    """A saved file's problems, as the build would say them: show those."""


def show_first(warm: Warm | None, root: Path, site: Path, changed: Iterable[str]) -> Shown:
    """The saved pages among the `changed` files, each rendered into `site`
    (the preview's folder) from `warm`; the first problems found stop it."""
    rels = _saved_pages(warm, root, changed)
    if warm is None or not rels:
        return Shown()
    pages: list[str] = []
    for rel in rels:
        started = time.monotonic()
        made = _show(warm, root, site, rel)
        if made is None or made.problems is not None:
            return Shown(tuple(pages), made.problems if made else None)
        pages += made.pages
        log.info(f"{rel} shown first: {time.monotonic() - started:.2f} s")
    return Shown(tuple(pages))


def _saved_pages(warm: Warm | None, root: Path, changed: Iterable[str]) -> list[str]:
    """The project-relative paths of the changed files that are items' files
    the last build made pages of, but for chapters' (whose timezone and place
    in the federation other pages depend on). The other changes are the
    whole build's: an editor's swap and backup files, a picture, a new file."""
    rels = []
    for path in changed:
        try:
            rel = Path(path).absolute().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
        source = warm.by_file.get(rel) if warm else None
        if source is None or source.item is None or source.item.kind == "chapter":
            continue
        if (root / rel).is_file():
            rels.append(rel)
    unique = list(dict.fromkeys(rels))
    return unique if len(unique) <= MOST_SHOWN_FIRST else []


def _show(warm: Warm, root: Path, site: Path, rel: str) -> Shown | None:
    """The page of `rel` written into `site`, or the file's problems; None
    when it cannot be shown first (its address changed, or it fails to
    render: the whole build says why)."""
    parsed = parse_file(root, rel, bodies=True, setup=warm.markdown)
    for problem in parsed.problems:
        if not problem.is_error:
            sys.stderr.write(f"{problem}\n")
    errors = [p for p in parsed.problems if p.is_error]
    if errors:
        return Shown(problems=_said(errors))
    old = warm.by_file[rel]
    item = reload_item(warm.plan.site, parsed)
    source = page_sources((item,), (), (), warm.plan.site.settings.language)[0]
    if (source.src_uri, source.dest_path) != (old.src_uri, old.dest_path):
        return None  # moved: the whole build removes the old page too
    try:
        output = _render(warm, _with_item(warm.plan, item), source)
    except Exception as err:  # the whole build that follows reports it
        log.info(f"{rel} could not be shown first ({err}); building the whole preview")
        return None
    dest = site / source.dest_path
    _replace_file(dest, output.encode("utf-8", errors="xmlcharrefreplace"))
    return Shown((source.dest_path.removesuffix("index.html"),))


def _said(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) in 1 file(s); nothing was built.")
    return "\n".join(lines)


def _with_item(plan: Plan, item: Item) -> Plan:
    """`plan` with its site holding `item` in place of the one from its file,
    so that the page shows its own new title, date and tags in its card,
    neighbours and related posts."""

    def swap(items: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(item if old.source == item.source else old for old in items)

    site: Site = plan.site
    site = dataclasses.replace(site, items=swap(site.items), held_back=swap(site.held_back))
    return dataclasses.replace(plan, site=site)


def _render(warm: Warm, plan: Plan, source: PageSource) -> str:
    """The page's two steps, as the build takes them (`page_steps`), with
    the hooks given the new plan and source for the while."""
    job, state = warm.job, warm.hooks._state
    state.plan, state.translator = plan, warm.translator
    state.sources = {**warm.sources, source.src_uri: source}
    file = job.files.get_file_from_path(source.src_uri)
    assert file is not None  # by_file has it: the last build made its page
    page = file.page or Page(None, file, job.config)
    read = read_page(job, page)
    apply(page, read, job.files, job.reads)
    replay(read.logs)
    config = job.config
    config._current_page = page
    page.active = True
    try:
        context = get_context(job.nav, job.doc_files, config, page)
        context = config.plugins.on_page_context(context, page=page, config=config, nav=job.nav)
        output = job.env.get_template(page.meta.get("template", "main.html")).render(context)
        return str(config.plugins.on_post_page(output, page=page, config=config))
    finally:
        page.active = False
        config._current_page = None


def _replace_file(dest: Path, data: bytes) -> None:
    """A new file at `dest`, renamed over the one there (perhaps a link to an
    entry of the build cache, which writing into would change)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}-")
    try:
        os.fchmod(handle, NEW_FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(dest)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
