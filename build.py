#!/usr/bin/env python3
"""The IOPS site's one command-line entry: check, build, serve and the rest.

Each command reads its options and reports; the work is in hooks/ (`iops`
for the content model, `engine` for building with MkDocs). MkDocs is
imported only by the commands that build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "hooks"))

from engine.cache import cache_in_use, cache_switched  # noqa: E402
from engine.heap import before_exit, collecting_seldom, settle  # noqa: E402
from iops.model import held_back_reason  # noqa: E402
from iops.plan import Plan, plan_site, prepared  # noqa: E402
from iops.problems import Problem, render_github_command  # noqa: E402
from iops.settings import (  # noqa: E402
    Settings,
    SettingsError,
    build_time,
    load_settings,
    read_build_time,
)

if TYPE_CHECKING:
    from iops.scaffold import NewFile


def _plan(
    root: Path, *, bodies: bool = False, preview: bool = False, site_url: str | None = None
) -> Plan:
    # Checking renders nothing, so the Markdown bodies are not even kept.
    settings = _settings(root)
    if site_url:  # the preview's own address
        settings = dataclasses.replace(settings, site_url=site_url.rstrip("/") + "/")
    return plan_site(settings, build_time(root), preview=preview, bodies=bodies)


def _settings(root: Path) -> Settings:
    """The site's settings; with any of them wrong, each is said and the command stops."""
    try:
        return load_settings(root)
    except SettingsError as err:
        _report(err.problems)
        sys.exit(1)


def _report(problems: Iterable[Problem], github: bool = False) -> int:
    problems = list(problems)
    for problem in problems:
        if github:  # annotations on the pull request's files: commands go to stdout
            click.echo(render_github_command(problem))
        else:
            click.echo(str(problem), err=True)
    errors = [p for p in problems if p.is_error]
    if errors:
        files = len({p.path for p in errors})
        click.echo(f"{len(errors)} problem(s) in {files} file(s); nothing was built.", err=True)
    return len(errors)


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=ROOT,
    help="The project folder (holds mkdocs.yml, content/ and chapters/).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also show MkDocs' progress messages.")
@click.pass_context
def cli(ctx: click.Context, root: Path, verbose: bool) -> None:
    """Check, build and preview the IOPS site."""
    # MkDocs reports broken links and the like through logging: show them.
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = root.resolve()


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: each problem as a GitHub Actions annotation on its file and line.",
)
@click.pass_obj
def check(root: Path, fmt: str) -> None:
    """Validate all content without building; list every problem at once."""
    started = time.perf_counter()
    clock = read_build_time(root)
    with cache_in_use(root, "check"), collecting_seldom():
        plan = plan_site(_settings(root), clock.now, bodies=False)
    wall = dt.datetime.now(dt.UTC)
    for item in plan.site.held_back:
        click.echo(f"not published: {item.source} ({held_back_reason(item, clock, wall)})")
    if _report(plan.problems, github=fmt == "github"):
        sys.exit(1)
    elapsed = time.perf_counter() - started
    click.echo(
        f"ok: {len(plan.site.items)} items, {len(plan.pages)} listing pages ({elapsed:.2f} s)"
    )


@cli.command()
@click.option(
    "--site-dir", type=click.Path(path_type=Path), help="Where to write (default: site/)."
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes that render pages (default: one per core).",
)
@click.option(
    "--no-cache", is_flag=True, help="Render every page again; do not read or write .cache/."
)
@click.option(
    "--page-time-limit",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds a page's Markdown may take to convert before the build fails.",
)
@click.option(
    "--plain",
    is_flag=True,
    help="MkDocs' own build, one page at a time: the reference the fast build must match.",
)
# For `serve`, which builds its preview so: drafts and scheduled posts shown,
# as of the clock's time. Hidden: such a site is not one to publish.
@click.option("--preview", is_flag=True, hidden=True)
# For `serve` too: the preview's links to itself go to its own address.
@click.option("--site-url", hidden=True)
@click.pass_obj
def build(
    root: Path,
    site_dir: Path | None,
    jobs: int | None,
    no_cache: bool,
    page_time_limit: float,
    plain: bool,
    preview: bool,
    site_url: str | None,
) -> None:
    """Check, then build the site strictly; site/ is replaced only on success."""
    clock = read_build_time(None if preview else root)
    if clock.why:
        click.echo(f"Building as of the clock's time: {clock.why}.", err=True)
        click.echo("Set SOURCE_DATE_EPOCH to build the same site again later.", err=True)
    # One "now" for the checks, our pages and MkDocs' sitemap, which reads it here.
    os.environ["SOURCE_DATE_EPOCH"] = str(clock.epoch)
    from engine.site_build import BuildOptions, build_into

    how = BuildOptions(jobs, not (no_cache or plain), plain, page_time_limit, preview, site_url)
    target = (site_dir or root / "site").resolve()
    # Planning parses through the cache too; other builds may use it meanwhile.
    with (
        cache_switched(how.cache),
        cache_in_use(root, "preview" if preview else "build"),
        collecting_seldom(),
    ):
        plan = _plan(root, bodies=True, preview=preview, site_url=site_url)
        settle()  # the model, read by everything that follows
        if _report(plan.problems):
            sys.exit(1)
        started = time.perf_counter()
        with prepared(plan):
            built = build_into(root, target, how)
    if not built:
        click.echo(f"The build failed; {target} was left as it was.", err=True)
        sys.exit(1)
    click.echo(f"Built {target} in {time.perf_counter() - started:.1f} s")


@cli.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="HOST:PORT.")
@click.option(
    "--poll",
    is_flag=True,
    help="Look for changes every half second, for folders whose changes the system does "
    "not notice (some network drives, Windows' drives in WSL).",
)
@click.pass_context
def serve(ctx: click.Context, dev_addr: str, poll: bool) -> None:
    """Preview the site live; drafts and scheduled posts are shown, marked.

    A saved post's page is shown at once; then the whole preview is built as
    `build` builds, from the cache: only what changed is made again."""
    from engine.preview import serve_preview

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"{dev_addr!r}: give HOST:PORT", param_hint="--dev-addr")
    root: Path = ctx.obj
    command = [sys.executable, str(ROOT / "build.py"), "--root", str(root)]
    if ctx.parent is not None and ctx.parent.params.get("verbose"):
        command.append("--verbose")
    logging.getLogger().setLevel(logging.INFO)  # say where it serves, and each rebuild
    serve_preview(root, host, int(port), command, poll)


# `serve`'s warm builder (hooks/preview_builder.py): a process that builds the
# preview as `build --preview` does, and stays to show each saved page first.
@cli.command("preview-builder", hidden=True)
@click.option("--site-dir", type=click.Path(path_type=Path), required=True)
@click.option("--site-url", required=True)
@click.pass_context
def preview_builder(ctx: click.Context, site_dir: Path, site_url: str) -> None:
    from preview_builder import run_builder

    def build_preview() -> bool:
        try:
            ctx.invoke(build, site_dir=site_dir, preview=True, site_url=site_url)
        except SystemExit as stopped:  # how `build` says it failed
            return stopped.code in (None, 0)
        return True

    run_builder(ctx.obj, site_dir.resolve(), build_preview)


@cli.command()
@click.argument("kind", required=False)
@click.argument("title", required=False)
@click.option(
    "--chapter",
    help="A chapter's folder name: a post, news item, event, project or poll goes in its "
    "folder; a member belongs to it; a new chapter sits under it.",
)
@click.option("--author", help="Your member handle (for a post, news item or poll).")
@click.option("--start", help="An event's start, local time: YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
@click.option("--slug", help="The file's name (a member's handle), if not made from the title.")
@click.option(
    "--translate",
    "original",
    help="Start a translation of this file (e.g. content/about/mission.md) instead; with --lang.",
)
@click.option("--lang", help="The language of the translation (--translate): de, es…")
@click.pass_obj
def new(
    root: Path,
    kind: str | None,
    title: str | None,
    chapter: str | None,
    author: str | None,
    start: str | None,
    slug: str | None,
    original: str | None,
    lang: str | None,
) -> None:
    """Start a file: KIND is post, news, event, project, poll, member or chapter.

    Dated today (in the site's timezone); never overwrites a file. Prints what to fill in.
    With --translate FILE --lang LANG: a translation of FILE beside it, recording the
    commit of FILE it follows.
    """
    from iops.scaffold import Request, ScaffoldError, already_exists, new_file

    settings = _settings(root)
    if (original is None) != (lang is None) or (original is None and not (kind and title)):
        raise click.UsageError("give KIND and TITLE, or --translate FILE and --lang LANG")
    try:
        if original is not None and lang is not None:
            made: NewFile = _translation(root, original, lang)
        else:
            assert kind is not None and title is not None
            today = build_time().astimezone(settings.zone).date()
            request = Request(
                kind, title, today, chapter=chapter, author=author, start=start, slug=slug
            )
            made = new_file(settings, request)
        path = root / made.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as out:  # "x": never overwrite
                out.write(made.text)
        except FileExistsError:
            raise already_exists(made.rel) from None
    except ScaffoldError as err:
        click.echo(f"{err}\nNothing was written.", err=True)
        sys.exit(1)
    click.echo(f"Created {made.rel}")
    for line in made.guide():
        click.echo(line)


@cli.command()
@click.argument("base")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: a section for the pull request's summary (nothing when none).",
)
@click.pass_obj
def behind(root: Path, base: str, fmt: str) -> None:
    """List the translations that commits since BASE leave behind their originals."""
    from iops.gitlog import read_history
    from iops.lineage import translations
    from iops.staleness import left_behind, left_behind_report

    plan = _plan(root)
    history = read_history(root)
    found = history.resolve(_rev_parse(root, base) or "") if history.known else None
    if found is None:
        click.echo(f"{base} is not a commit of this repository's history.", err=True)
        sys.exit(1)
    report = left_behind(translations(plan.site), history, found)
    click.echo(left_behind_report(report, fmt == "markdown"), nl=False)


def _rev_parse(root: Path, ref: str) -> str | None:
    import subprocess

    if ref.startswith("-"):
        return None
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _translation(root: Path, original: str, lang: str) -> NewFile:
    from iops.gitlog import read_history
    from iops.translate import translation_file

    change = read_history(root).last_change(original.strip().lstrip("./"))
    return translation_file(root, original, lang, change.sha if change else None)


@cli.command()
@click.option("--posts", default=1000, show_default=True, help="Size of the synthetic site.")
@click.option("--runs", default=3, show_default=True, help="Runs to take the median of.")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the synthetic site (default: a temporary folder).",
)
@click.option("--check-only", is_flag=True, help="Time `check` only, not the builds.")
def bench(posts: int, runs: int, workdir: Path | None, check_only: bool) -> None:
    """Time `check`, a cold `build`, a rebuild after one edit and one after a new post
    on a generated site of N posts: wall and CPU time, peak memory, pages and bytes written."""
    from benchmarks.measure import measure_build, measure_check, measure_preview, measure_search

    with tempfile.TemporaryDirectory(prefix="iops-bench-") as scratch:
        root = workdir or Path(scratch) / "site"
        for line in measure_check(root, posts, runs):
            click.echo(line)
        if not check_only:
            for line in measure_build(root, runs):
                click.echo(line)
            for line in measure_preview(root, runs):
                click.echo(line)
            for line in measure_search(root):
                click.echo(line)


@cli.command()
@click.argument("base", required=False)
@click.option(
    "--base-site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An already built site of BASE, instead of building it; alone, without BASE, "
    "the pages are listed one by one (no sources to group them by item).",
)
@click.option(
    "--head-site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An already built site of the working tree, instead of building it.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True
)
@click.option(
    "--preview-url",
    "--base-url",
    "preview_url",
    help="Where the head's site is previewed: new pages link there (Markdown).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (e.g. $GITHUB_STEP_SUMMARY), not to the terminal.",
)
@click.pass_obj
def diff(
    root: Path,
    base: str | None,
    base_site: Path | None,
    head_site: Path | None,
    fmt: str,
    preview_url: str | None,
    output: Path | None,
) -> None:
    """What the working tree changes against BASE, a git ref such as origin/main:
    the items it edits (word by word), adds and removes, then the pages, feeds
    and calendars that changed only because listings moved.

    Both sides are built with one "now". Exits 0 whether or not anything
    differs, 1 when a side cannot be built.
    """
    from iops import manifest, summary_report, summary_text
    from iops.revisions import RevisionError, build_sites, export_ref, share_npm_packages
    from iops.summary import summarize_trees

    if base is None and base_site is None:
        raise click.UsageError("Give BASE (a git ref), --base-site, or both.")
    base_label = base or str(base_site)
    head_label = str(head_site) if head_site else "working tree"
    now = int(build_time().timestamp())
    with tempfile.TemporaryDirectory(prefix="iops-diff-") as scratch:
        builds: dict[str, tuple[Path, Path]] = {}
        tree = None
        try:
            if base is not None:
                tree = export_ref(root, base, Path(scratch, "base-src"))
                share_npm_packages(root, tree)
            if base_site is None:
                base_site = Path(scratch, "base-site")
                builds[f"base ({base})"] = (tree or root, base_site)
            if head_site is None:
                head_site = Path(scratch, "head-site")
                builds["head (working tree)"] = (root, head_site)
            build_sites(builds, now, ROOT / "build.py")
        except RevisionError as err:
            raise click.ClickException(str(err)) from None
        before = manifest.page_manifest(base_site)
        pages = manifest.compare(before, manifest.page_manifest(head_site))
        labels = (base_label, head_label)
        if tree is None:  # no sources of the base to compare: the pages one by one
            if fmt == "markdown":
                report = manifest.render_markdown(pages, *labels, preview_url)
            else:
                report = manifest.render_text(pages, *labels)
        else:
            summary = summarize_trees(pages, tree, root, dt.datetime.fromtimestamp(now, dt.UTC))
            if fmt == "markdown":
                report = summary_report.render_markdown(summary, before, *labels, preview_url)
            else:
                report = summary_text.render_text(summary, *labels)
    if output:
        output.write_text(report, "utf-8")
    else:
        click.echo(report, nl=False)


@cli.command()
@click.option(
    "--check", "check_only", is_flag=True, help="Only say whether the file is up to date."
)
@click.pass_obj
def codeowners(root: Path, check_only: bool) -> None:
    """Write .github/CODEOWNERS from the editors and each chapter's admins."""
    from iops.repository import CODEOWNERS_PATH
    from iops.repository import codeowners as render_codeowners

    plan = _plan(root)
    if _report(plan.problems):
        sys.exit(1)
    text, problems = render_codeowners(plan.site)
    if _report(problems):
        sys.exit(1)
    target = root / CODEOWNERS_PATH
    current = target.read_text("utf-8") if target.exists() else None
    if check_only:
        if current != text:
            click.echo(
                f"{CODEOWNERS_PATH} is out of date: run `python build.py codeowners`", err=True
            )
            sys.exit(1)
        click.echo(f"{CODEOWNERS_PATH} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    said = "wrote" if current != text else "was up to date:"
    click.echo(f"{said} {CODEOWNERS_PATH}")


@cli.command()
@click.option(
    "--new", "new", multiple=True, metavar="CODE", help="Start a catalog for a language (sv)."
)
@click.pass_obj
def translations(root: Path, new: tuple[str, ...]) -> None:
    """Extract every word the site shows into theme/locales/messages.pot and
    update each language's messages.po from it; then translate what it lists."""
    from iops.catalogs import update
    from iops.po_files import language_known

    unknown = [code for code in new if not language_known(code)]
    if unknown:
        raise click.BadParameter(f"not a language code: {', '.join(unknown)}", param_hint="--new")
    for line in update(root, new):
        click.echo(line)


if __name__ == "__main__":
    try:
        cli()
    finally:
        before_exit()
