#!/usr/bin/env python3
"""The IOPS site's one command-line entry: check, build, serve."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # MkDocs is imported only by the commands that build
    from mkdocs.config.defaults import MkDocsConfig

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "hooks"))

from iops.cache import CACHE_SWITCH  # noqa: E402
from iops.plan import Plan, plan_site, prepared  # noqa: E402
from iops.problems import Problem, render_github_command  # noqa: E402
from iops.settings import build_time, load_settings, read_build_time  # noqa: E402


def _plan(root: Path, *, bodies: bool = False) -> Plan:
    # Checking renders nothing, so the Markdown bodies are not even kept.
    return plan_site(load_settings(root), build_time(root), bodies=bodies)


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
@click.pass_obj
def build(
    root: Path,
    site_dir: Path | None,
    jobs: int | None,
    no_cache: bool,
    page_time_limit: float,
    plain: bool,
) -> None:
    """Check, then build the site strictly; site/ is replaced only on success."""
    clock = read_build_time(root)
    if clock.why:
        click.echo(f"Building as of the clock's time: {clock.why}.", err=True)
        click.echo("Set SOURCE_DATE_EPOCH to build the same site again later.", err=True)
    # One "now" for the checks, our pages and MkDocs' sitemap, which reads it here.
    os.environ["SOURCE_DATE_EPOCH"] = str(clock.epoch)
    plan = _plan(root, bodies=True)
    if _report(plan.problems):
        sys.exit(1)
    target = (site_dir or root / "site").resolve()
    started = time.perf_counter()
    how = BuildOptions(jobs, not (no_cache or plain), plain, page_time_limit)
    with prepared(plan):
        built = build_into(root, target, how)
    if not built:
        click.echo(f"The build failed; {target} was left as it was.", err=True)
        sys.exit(1)
    click.echo(f"Built {target} in {time.perf_counter() - started:.1f} s")


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


def build_into(root: Path, target: Path, how: BuildOptions = BuildOptions()) -> bool:
    """Build into a fresh folder beside `target`, then swap it in.

    The swap is two renames on one file system, so `target` is always either
    the last good site or the new one, never a half-written mix.
    """
    from mkdocs import exceptions
    from mkdocs.config import load_config

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    switch = os.environ.get(CACHE_SWITCH)
    os.environ[CACHE_SWITCH] = "on" if how.cache else "off"  # read by the hooks' feeds
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(staging), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            _run_mkdocs(config, root, how)
        finally:
            config.plugins.on_shutdown()
            _restore(CACHE_SWITCH, switch)
    except (exceptions.MkDocsException, exceptions.Abort) as err:
        click.echo(str(err), err=True)
        shutil.rmtree(staging, ignore_errors=True)
        return False
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return True


def _run_mkdocs(config: MkDocsConfig, root: Path, how: BuildOptions) -> None:
    """MkDocs' own build, or the parallel one with a summary line of its pages."""
    import parallel_build
    from iops.cache import build_cache
    from iops.workers import cores
    from mkdocs.commands.build import build as mkdocs_build

    if how.plain:
        mkdocs_build(config)
        return
    jobs = how.jobs or cores()
    cache = build_cache(root, "pages")
    stats = parallel_build.build(
        config, jobs=jobs, cache=cache, progress=Progress(), page_seconds=how.page_seconds
    )
    click.echo(
        f"Rendered {stats.pages} pages on {jobs} process{'es' * (jobs > 1)} "
        f"in {stats.seconds:.1f} s; {stats.read_from_cache} of {stats.pages} read "
        f"and {stats.rendered_from_cache} rendered from the cache.",
        err=True,
    )


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


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@cli.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
@click.pass_obj
def serve(root: Path, dev_addr: str) -> None:
    """Preview the site live; drafts and scheduled posts are shown, marked."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    logging.getLogger().setLevel(logging.INFO)  # say where it serves, and each rebuild
    mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)


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

    settings = load_settings(root)
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
    """Time `check`, a cold `build` and a rebuild after one edit on a generated site
    of N posts: wall and CPU time, peak memory, pages and bytes written."""
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

    if (base is None) == (base_site is None):
        raise click.UsageError("Give either BASE (a git ref) or --base-site.")
    base_label = base or str(base_site)
    head_label = str(head_site) if head_site else "working tree"
    with tempfile.TemporaryDirectory(prefix="iops-diff-") as scratch:
        builds: dict[str, tuple[Path, Path]] = {}
        if base_site is None:
            base_site = Path(scratch, "base-site")
            tree = _export_ref(root, str(base), Path(scratch, "base-src"))
            builds[f"base ({base})"] = (tree, base_site)
        if head_site is None:
            head_site = Path(scratch, "head-site")
            builds["head (working tree)"] = (root, head_site)
        _build_sites(builds)
        changes = compare(page_manifest(base_site), page_manifest(head_site))
    if fmt == "markdown":
        report = render_markdown(changes, base_label, head_label, base_url)
    else:
        report = render_text(changes, base_label, head_label)
    if output:
        output.write_text(report, "utf-8")
    else:
        click.echo(report, nl=False)


def _export_ref(root: Path, ref: str, dest: Path) -> Path:
    """Write the files of git `ref` (the part under `root`) into `dest`."""
    import subprocess
    import tarfile

    git = shutil.which("git")
    if git is None or ref.startswith("-"):
        raise click.ClickException(f"base ({ref}): needs git installed, and a ref not an option.")
    found = subprocess.run(
        [git, "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode:
        said = f" {found.stderr.strip()}" if found.stderr.strip() else ""
        raise click.ClickException(
            f"base ({ref}): not a commit of the git repository at {root}.{said}"
        )
    dest.mkdir(parents=True)
    command = [git, "-C", str(root), "archive", "--format=tar", found.stdout.strip()]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                archive.extractall(dest, filter="data")
        except tarfile.TarError as err:
            said = process.stderr.read().decode(errors="replace").strip()
            raise click.ClickException(f"base ({ref}): could not export it: {err}. {said}") from err
    if process.returncode:
        raise click.ClickException(f"base ({ref}): git archive failed.")
    return dest


def _build_sites(builds: dict[str, tuple[Path, Path]]) -> None:
    """Build each (source tree, site folder) side by side, all with one "now".

    Each tree is built by its own build.py (this one if it has none), so the
    comparison shows what code changes do to the pages as well as content.
    """
    import os
    import subprocess

    # One hash seed too: where a set's order leaks into a file, both sides agree.
    env = {"PYTHONHASHSEED": "0", **os.environ}
    env["SOURCE_DATE_EPOCH"] = str(int(build_time().timestamp()))
    running = {}
    for label, (tree, site) in builds.items():
        script = tree / "build.py" if (tree / "build.py").is_file() else ROOT / "build.py"
        args = ["--root", str(tree), "build", "--site-dir", str(site)]
        running[label] = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    failed = []
    for label, process in running.items():
        said, _ = process.communicate()
        if process.returncode:
            failed.append(label)
            click.echo(f"{label}: the build failed:", err=True)
            click.echo("".join(f"  {line}\n" for line in said.splitlines()), err=True, nl=False)
    if failed:
        raise click.ClickException(f"Nothing was compared: {' and '.join(failed)} did not build.")


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
