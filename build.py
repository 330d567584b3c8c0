#!/usr/bin/env python3
"""The IOPS site's one command-line entry: check, build, serve and the rest.

Each command reads its options and reports; the work is in hooks/ (`iops`
for the content model, `site_build` for building with MkDocs). MkDocs is
imported only by the commands that build."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "hooks"))

from iops.cache import cache_switched  # noqa: E402
from iops.plan import Plan, plan_site, prepared  # noqa: E402
from iops.problems import Problem, render_github_command  # noqa: E402
from iops.settings import (  # noqa: E402
    Settings,
    SettingsError,
    build_time,
    load_settings,
    read_build_time,
)


def _plan(root: Path, *, bodies: bool = False, preview: bool = False) -> Plan:
    # Checking renders nothing, so the Markdown bodies are not even kept.
    return plan_site(_settings(root), build_time(root), preview=preview, bodies=bodies)


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
    plan = _plan(root)
    for item in plan.site.held_back:
        reason = "draft" if item.draft else f"scheduled for {item.when:%Y-%m-%d %H:%M %Z}"
        click.echo(f"not published: {item.source} ({reason})")
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
@click.pass_obj
def build(
    root: Path,
    site_dir: Path | None,
    jobs: int | None,
    no_cache: bool,
    page_time_limit: float,
    plain: bool,
    preview: bool,
) -> None:
    """Check, then build the site strictly; site/ is replaced only on success."""
    clock = read_build_time(None if preview else root)
    if clock.why:
        click.echo(f"Building as of the clock's time: {clock.why}.", err=True)
        click.echo("Set SOURCE_DATE_EPOCH to build the same site again later.", err=True)
    # One "now" for the checks, our pages and MkDocs' sitemap, which reads it here.
    os.environ["SOURCE_DATE_EPOCH"] = str(clock.epoch)
    from site_build import BuildOptions, build_into

    how = BuildOptions(jobs, not (no_cache or plain), plain, page_time_limit, preview)
    with cache_switched(how.cache):  # planning parses through the cache too
        plan = _plan(root, bodies=True, preview=preview)
    if _report(plan.problems):
        sys.exit(1)
    target = (site_dir or root / "site").resolve()
    started = time.perf_counter()
    with prepared(plan):
        built = build_into(root, target, how)
    if not built:
        click.echo(f"The build failed; {target} was left as it was.", err=True)
        sys.exit(1)
    click.echo(f"Built {target} in {time.perf_counter() - started:.1f} s")


@cli.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="HOST:PORT.")
@click.pass_context
def serve(ctx: click.Context, dev_addr: str) -> None:
    """Preview the site live; drafts and scheduled posts are shown, marked.

    Each change is built as `build` does, from the cache: only what changed is
    made again."""
    from preview import serve_preview

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"{dev_addr!r}: give HOST:PORT", param_hint="--dev-addr")
    root: Path = ctx.obj
    command = [sys.executable, str(ROOT / "build.py"), "--root", str(root)]
    if ctx.parent is not None and ctx.parent.params.get("verbose"):
        command.append("--verbose")
    logging.getLogger().setLevel(logging.INFO)  # say where it serves, and each rebuild
    serve_preview(root, host, int(port), command)


@cli.command()
@click.argument("kind")
@click.argument("title")
@click.option(
    "--chapter",
    help="A chapter's folder name: a post, news item, event, project or poll goes in its "
    "folder; a member belongs to it; a new chapter sits under it.",
)
@click.option("--author", help="Your member handle (for a post, news item or poll).")
@click.option("--start", help="An event's start, local time: YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
@click.option("--slug", help="The file's name (a member's handle), if not made from the title.")
@click.pass_obj
def new(
    root: Path,
    kind: str,
    title: str,
    chapter: str | None,
    author: str | None,
    start: str | None,
    slug: str | None,
) -> None:
    """Start a file: KIND is post, news, event, project, poll, member or chapter.

    Dated today (in the site's timezone); never overwrites a file. Prints what to fill in.
    """
    from iops.scaffold import Request, ScaffoldError, already_exists, new_file

    settings = _settings(root)
    today = build_time().astimezone(settings.zone).date()
    request = Request(kind, title, today, chapter=chapter, author=author, start=start, slug=slug)
    try:
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
    from benchmarks.measure import measure_build, measure_check, measure_search

    with tempfile.TemporaryDirectory(prefix="iops-bench-") as scratch:
        root = workdir or Path(scratch) / "site"
        for line in measure_check(root, posts, runs):
            click.echo(line)
        if not check_only:
            for line in measure_build(root, runs):
                click.echo(line)
            for line in measure_search(root):
                click.echo(line)


@cli.command()
@click.argument("base", required=False)
@click.option(
    "--base-site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An already built site to compare against, instead of building BASE.",
)
@click.option(
    "--head-site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An already built site to compare, instead of building the working tree.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True
)
@click.option("--base-url", help="Link titles to this address, e.g. the preview's (Markdown).")
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
    base_url: str | None,
    output: Path | None,
) -> None:
    """List the pages, feeds and calendars the working tree adds, changes and removes
    against BASE, a git ref such as origin/main.

    Both sides are built with one "now". Exits 0 whether or not anything
    differs, 1 when a side cannot be built.
    """
    from iops.manifest import compare, page_manifest, render_markdown, render_text
    from iops.revisions import RevisionError, build_sites, export_ref, share_npm_packages

    if (base is None) == (base_site is None):
        raise click.UsageError("Give either BASE (a git ref) or --base-site.")
    base_label = base or str(base_site)
    head_label = str(head_site) if head_site else "working tree"
    with tempfile.TemporaryDirectory(prefix="iops-diff-") as scratch:
        builds: dict[str, tuple[Path, Path]] = {}
        try:
            if base_site is None:
                base_site = Path(scratch, "base-site")
                tree = export_ref(root, str(base), Path(scratch, "base-src"))
                share_npm_packages(root, tree)
                builds[f"base ({base})"] = (tree, base_site)
            if head_site is None:
                head_site = Path(scratch, "head-site")
                builds["head (working tree)"] = (root, head_site)
            build_sites(builds, int(build_time().timestamp()), ROOT / "build.py")
        except RevisionError as err:
            raise click.ClickException(str(err)) from None
        changes = compare(page_manifest(base_site), page_manifest(head_site))
    if fmt == "markdown":
        report = render_markdown(changes, base_label, head_label, base_url)
    else:
        report = render_text(changes, base_label, head_label)
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


if __name__ == "__main__":
    cli()
