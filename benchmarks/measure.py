"""Measure build.py commands on a synthetic site, each in a fresh process."""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import write_corpus

BUILD_PY = Path(__file__).resolve().parent.parent / "build.py"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float


def run_command(root: Path, *args: str) -> Run:
    """Run `build.py --root root args…` in a child process and measure it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(BUILD_PY), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"build.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest child so far, in KiB on Linux.
    return Run(wall, cpu, after.ru_maxrss / 1024)


def _median(results: list[Run]) -> str:
    wall = statistics.median(r.wall for r in results)
    cpu = statistics.median(r.cpu for r in results)
    peak = max(r.peak_mb for r in results)
    return f"{wall:.2f} s wall (median of {len(results)}), {cpu:.2f} s CPU, {peak:.0f} MB peak"


def site_size(site: Path) -> tuple[int, int]:
    """Pages (HTML files) written, and the bytes of every file in the site."""
    pages = size = 0
    for path in site.rglob("*"):
        if path.is_file():
            size += path.stat().st_size
            pages += path.suffix == ".html"
    return pages, size


def measure_check(root: Path, posts: int, runs: int) -> Iterator[str]:
    started = time.perf_counter()
    write_corpus(root, posts)
    files = sum(1 for _ in root.rglob("*.md"))
    yield f"corpus: {posts} posts, {files} files in {time.perf_counter() - started:.1f} s ({root})"
    yield "check: " + _median([run_command(root, "check") for _ in range(runs)])


def measure_build(root: Path, runs: int) -> Iterator[str]:
    """A cold build (no site, no cache) and a rebuild after one post's text changed."""
    site = root / "site"
    cold = []
    for _ in range(runs):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        cold.append(run_command(root, "build"))
    pages, size = site_size(site)
    yield f"cold build: {_median(cold)}; {pages} pages, {size / 1e6:.0f} MB written"
    post = min((root / "content/blog").glob("*.md"))
    warm = []
    for n in range(runs):
        with post.open("a", encoding="utf-8") as text:
            text.write(f"\nOne more sentence, edit {n}.\n")
        warm.append(run_command(root, "build"))
    yield f"rebuild after editing {post.relative_to(root)}: {_median(warm)}"
