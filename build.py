#!/usr/bin/env python3
"""The IOPS site's one command-line entry: check, build, serve."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "hooks"))

from iops.plan import Plan, plan_site  # noqa: E402
from iops.problems import Problem  # noqa: E402
from iops.settings import build_time, load_settings  # noqa: E402


def _plan(root: Path) -> Plan:
    # Checking renders nothing, so the Markdown bodies are not even kept.
    return plan_site(load_settings(root), build_time(), bodies=False)


def _report(problems: Iterable[Problem]) -> int:
    problems = list(problems)
    for problem in problems:
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
@click.pass_obj
def check(root: Path) -> None:
    """Validate all content without building; list every problem at once."""
    started = time.perf_counter()
    plan = _plan(root)
    for item in plan.site.held_back:
        reason = "draft" if item.draft else f"scheduled for {item.when:%Y-%m-%d %H:%M %Z}"
        click.echo(f"not published: {item.source} ({reason})")
    if _report(plan.problems):
        sys.exit(1)
    elapsed = time.perf_counter() - started
    click.echo(
        f"ok: {len(plan.site.items)} items, {len(plan.pages)} listing pages ({elapsed:.2f} s)"
    )


@cli.command()
@click.option(
    "--site-dir", type=click.Path(path_type=Path), help="Where to write (default: site/)."
)
@click.pass_obj
def build(root: Path, site_dir: Path | None) -> None:
    """Check, then build the site strictly; site/ is replaced only on success."""
    if _report(_plan(root).problems):
        sys.exit(1)
    target = (site_dir or root / "site").resolve()
    started = time.perf_counter()
    if not build_into(root, target):
        click.echo(f"The build failed; {target} was left as it was.", err=True)
        sys.exit(1)
    click.echo(f"Built {target} in {time.perf_counter() - started:.1f} s")


def build_into(root: Path, target: Path) -> bool:
    """Build into a fresh folder beside `target`, then swap it in.

    The swap is two renames on one file system, so `target` is always either
    the last good site or the new one, never a half-written mix.
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(staging), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
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


@cli.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
@click.pass_obj
def serve(root: Path, dev_addr: str) -> None:
    """Preview the site live; drafts and scheduled posts are shown, marked."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    logging.getLogger().setLevel(logging.INFO)  # say where it serves, and each rebuild
    mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)


@cli.command()
@click.option("--posts", default=1000, show_default=True, help="Size of the synthetic site.")
@click.option("--runs", default=3, show_default=True, help="Runs to take the median of.")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the synthetic site (default: a temporary folder).",
)
def bench(posts: int, runs: int, workdir: Path | None) -> None:
    """Time `check` on a generated site of N posts: wall and CPU time, peak memory."""
    from benchmarks.measure import measure_check

    with tempfile.TemporaryDirectory(prefix="iops-bench-") as scratch:
        for line in measure_check(workdir or Path(scratch) / "site", posts, runs):
            click.echo(line)


if __name__ == "__main__":
    cli()
