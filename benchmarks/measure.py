"""Measure build.py commands on a synthetic site, each in a fresh process."""

from __future__ import annotations

import resource
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


def measure_check(root: Path, posts: int, runs: int) -> Iterator[str]:
    started = time.perf_counter()
    write_corpus(root, posts)
    files = sum(1 for _ in root.rglob("*.md"))
    yield f"corpus: {posts} posts, {files} files in {time.perf_counter() - started:.1f} s ({root})"
    results = [run_command(root, "check") for _ in range(runs)]
    wall = statistics.median(r.wall for r in results)
    cpu = statistics.median(r.cpu for r in results)
    peak = max(r.peak_mb for r in results)
    yield f"check: {wall:.2f} s wall (median of {runs}), {cpu:.2f} s CPU, {peak:.0f} MB peak"
