"""Build the site into a folder, and put it in place only when the build succeeded.

`build.py build` calls `build_into` (as does `build.py diff`, through the
build.py it runs for each side); it runs MkDocs' own build (`--plain`) or
the parallel one (`parallel_build`), with the MkDocs hooks reusing the plan
`build.py` has already checked.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from mkdocs import exceptions
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from . import parallel_build
from .cache import build_cache, cache_switched
from .held import delete_in_background, make_held, remove_abandoned
from .site_update import update_in_place
from .workers import cores

log = logging.getLogger("mkdocs.site_build")


@dataclass(frozen=True)
class BuildOptions:
    jobs: int | None = None
    """Processes for the pages; None: one per core."""
    cache: bool = True
    """Keep rendered pages in .cache/ and take unchanged ones from there."""
    plain: bool = False
    """MkDocs' own build instead (no workers, no cache)."""
    page_seconds: float = 30.0
    """How long a page's Markdown may take (not for the plain build)."""
    preview: bool = False
    """Drafts and scheduled posts shown, marked (`build.py serve`)."""
    site_url: str | None = None
    """The address the site is served at, if not `site_url` (the preview's)."""


def build_into(root: Path, target: Path, how: BuildOptions = BuildOptions()) -> bool:
    """Build into a fresh folder beside `target`, then put it in `target`.

    Nothing in `target` changes until the build has succeeded. Then, when
    `target` is a site this build could keep pages of, only what changed is
    moved into it (`engine.site_update`), and the rest of the new folder is
    deleted in the background; else the new folder takes its place by two
    renames on one file system, and the old site is deleted in the
    background. Folders that stopped builds (killed, or the machine
    stopped) left beside `target`, and old sites whose deletion was
    stopped, are deleted first.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}-new-"
    with _sole_builder_of(target):
        remove_abandoned(target.parent, prefix)
        remove_abandoned(target.parent, _old_prefix(target))
        staging, lock = make_held(target.parent, prefix)
        try:
            return _build_and_place(root, target, staging, how)
        finally:
            os.close(lock)  # only now: until it is in place, another build must not take it


@contextmanager
def _sole_builder_of(target: Path) -> Iterator[None]:
    """Hold `target` for one build at a time. A build reads the live site to
    keep the pages it already has, then updates it in place: another build
    updating it in between would leave pages of neither. A second build of
    the same folder waits (builds of other folders, as `serve`'s preview is,
    run side by side)."""
    handle = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            click.echo(f"Waiting for another build of {target} to end...", err=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _build_and_place(root: Path, target: Path, staging: Path, how: BuildOptions) -> bool:
    try:
        overrides = {"site_url": how.site_url} if how.site_url else {}
        config = load_config(
            str(root / "mkdocs.yml"), site_dir=str(staging), strict=True, **overrides
        )
        config.plugins.on_startup(command="serve" if how.preview else "build", dirty=False)
        try:
            with cache_switched(how.cache):  # read by the hooks and iops
                kept = _run_mkdocs(config, root, how, target if target.is_dir() else None)
        finally:
            config.plugins.on_shutdown()
    except (exceptions.MkDocsException, exceptions.Abort) as err:
        click.echo(str(err), err=True)
        shutil.rmtree(staging, ignore_errors=True)
        return False
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if kept:
        started = time.monotonic()
        try:
            moved = update_in_place(target, staging, kept)
        finally:  # an error here is the machine's (a full disk): the next build mends it
            # What is left of it (the files the site had already: thousands,
            # when a part of the search index was made again) is deleted
            # after the build, not during it.
            delete_in_background(staging, _old_prefix(target))
        log.info(f"site updated in place, {moved} files new: {time.monotonic() - started:.1f} s")
        return True
    if target.exists():
        delete_in_background(target, _old_prefix(target))
    staging.rename(target)
    return True


def _old_prefix(target: Path) -> str:
    """The name of the folders deleted in the background: sites replaced whole,
    and what an update in place left of the new folder."""
    return f".{target.name}-old-"


def _run_mkdocs(
    config: MkDocsConfig, root: Path, how: BuildOptions, live: Path | None
) -> list[str]:
    """MkDocs' own build, or the parallel one with a summary line of its pages;
    the pages of `live` the parallel one kept (and did not write again)."""
    if how.plain:
        mkdocs_build(config)
        return []
    jobs = how.jobs or cores()
    cache = build_cache(root, "pages")
    stats = parallel_build.build(
        config,
        jobs=jobs,
        cache=cache,
        progress=Progress(),
        page_seconds=how.page_seconds,
        live=live,
    )
    click.echo(
        f"Rendered {stats.pages} pages on {jobs} process{'es' * (jobs > 1)} "
        f"in {stats.seconds:.1f} s; {stats.read_from_cache} of {stats.pages} read "
        f"and {stats.rendered_from_cache} rendered from the cache.",
        err=True,
    )
    return stats.kept


class Progress:
    """Pages done, on one line that a terminal redraws, with the time left.

    In a log (CI) it writes nothing: the summary line after the build says it all.
    """

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.what = ""
        self.started = self.shown = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if what != self.what:  # a new loop over the pages: its own time left
            self.what, self.started = what, now
        if not self.terminal or (now - self.shown < 0.2 and done < total):
            return
        self.shown = now
        left = (now - self.started) / done * (total - done)
        line = f"{what}: {done} of {total} ({done * 100 // total}%)"
        line += f", about {left:.0f} s left" if done < total else ""
        sys.stderr.write(f"\r\x1b[K{line}" + ("\n" if done == total else ""))
        sys.stderr.flush()
