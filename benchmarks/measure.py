"""Measure build.py commands on a synthetic site, each in a fresh process."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.corpus import write_corpus

BUILD_PY = Path(__file__).resolve().parent.parent / "build.py"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    templates: str = ""
    """What `build.py -v` said the pages' templates took, if it was asked."""


RUN_TIME_LIMIT = 3 * 3600
"""Seconds one measured command may take (a cold build of 20,000 posts takes minutes)."""


def run_command(root: Path, *args: str) -> Run:
    """Run `build.py --root root args…` in a child process and measure it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(BUILD_PY), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIME_LIMIT,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"build.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    templates = _TEMPLATES.search(result.stderr)
    # ru_maxrss of children is the largest child so far, in KiB on Linux.
    return Run(wall, cpu, after.ru_maxrss / 1024, templates[1] if templates else "")


_TEMPLATES = re.compile(r"templates: (\d+ pages in [\d.]+ s CPU, [\d.]+ ms a page)")


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
    yield "check, first run (no .cache): " + _median([run_command(root, "check")])
    yield "check, files unchanged: " + _median([run_command(root, "check") for _ in range(runs)])


def measure_build(root: Path, runs: int) -> Iterator[str]:
    """A cold build (no site, no cache), a rebuild after one post's text changed,
    and whether that rebuild wrote exactly what a cold build writes."""
    site = root / "site"
    cold = []
    for _ in range(runs):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        cold.append(run_command(root, "-v", "build"))
    pages, size = site_size(site)
    yield f"cold build: {_median(cold)}; {pages} pages, {size / 1e6:.0f} MB written"
    yield f"the pages' templates in the cold build: {cold[-1].templates or 'not reported'}"
    # The newest post: its edit reaches the most pages (home, listings, feeds).
    post = max((root / "content/blog").glob("*.md"))
    warm = []
    for n in range(runs):
        with post.open("a", encoding="utf-8") as text:
            text.write(f"\nOne more sentence, edit {n}.\n")
        warm.append(run_command(root, "build"))
    yield f"rebuild after editing {post.relative_to(root)}: {_median(warm)}"
    # What changes most often: a new post, the newest, which moves every
    # item of each listing it is in one place down, to the next page.
    added = []
    for n in range(runs):
        new_post = _new_post(post, n)
        added.append(run_command(root, "build"))
    yield f"rebuild after adding {new_post.relative_to(root)} and the like: {_median(added)}"
    reference = root / "site-cold"
    run_command(root, "build", "--no-cache", "--site-dir", str(reference))
    same = _digests(site) == _digests(reference)
    yield f"rebuild identical to a cold build of the same files: {'yes' if same else 'NO'}"
    shutil.rmtree(reference, ignore_errors=True)


def _new_post(newest: Path, n: int) -> Path:
    """A post a day after `newest` (and after the ones added before it): its
    text, with a title and a date of its own."""
    text = newest.read_text("utf-8")
    dated = re.search(r"^date: (\S+)$", text, re.MULTILINE)
    assert dated, f"{newest} has no date"
    day = dt.date.fromisoformat(dated[1]) + dt.timedelta(days=n + 1)
    text = re.sub(r"^title: .*$", f"title: A new post, number {n}", text, count=1, flags=re.M)
    text = re.sub(r"^date: .*$", f"date: {day.isoformat()}", text, count=1, flags=re.M)
    path = newest.with_name(f"{day.isoformat()}-a-new-post-{n}.md")
    path.write_text(text, "utf-8")
    return path


def _digests(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in site.rglob("*")
        if path.is_file()
    }


SEARCHES = ("solidarity", "the")
"""A topic word, in over half the posts; and the commonest word, in every one."""


def measure_search(root: Path, queries: tuple[str, ...] = SEARCHES) -> Iterator[str]:
    """What a reader's browser fetches for one query on the search page: the
    page with everything it loads, then the query (in Debian's Chromium).

    Sizes are as a web server sends them, gzipped (level 6, as in the page
    weight test); Pagefind's own files are compressed already."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from browser import CHROMIUM, chromium, local_context, serve_folder

    if not CHROMIUM.exists():
        yield f"search: not measured ({CHROMIUM} is missing)"
        return
    site = root / "site"
    index = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    with serve_folder(site) as origin, chromium() as browser:
        for query in queries:
            with local_context(browser, origin) as (context, requested):
                page = context.new_page()
                page.goto(f"{origin}search/?q={query}", wait_until="networkidle")
                page.wait_for_selector(".iops-search-results__title", timeout=60_000)
                page.wait_for_load_state("networkidle")
                sizes = _sent(site, origin, requested)
            search = sum(size for path, size in sizes.items() if path.startswith("pagefind/"))
            yield (
                f"search for {query!r}: {sum(sizes.values()) / 1e3:.0f} kB fetched in all, "
                f"{search / 1e3:.0f} kB of it Pagefind's ({len(sizes)} requests); "
                f"the whole index is {index / 1e6:.0f} MB"
            )


def _sent(site: Path, origin: str, urls: list[str]) -> dict[str, int]:
    """Each file fetched (once), by the bytes a server sends: gzipped at level 6."""
    sizes = {}
    for url in dict.fromkeys(urls):
        if not url.startswith(origin):
            raise RuntimeError(f"the search page fetched {url}, from another host")
        path = urllib.parse.urlsplit(url).path.lstrip("/")
        file = site / path / "index.html" if not path or path.endswith("/") else site / path
        sizes[path] = len(gzip.compress(file.read_bytes(), compresslevel=6))
    return sizes


def measure_preview(root: Path, runs: int) -> Iterator[str]:
    """How long after a save of the newest post `build.py serve` has its new
    page in the preview's folder, from the warm builder it keeps (driven here
    without the server, whose watcher looks every half second), and how long
    the whole preview then takes to follow."""
    from engine.preview import PREVIEW_DIR
    from engine.preview_handle import Builder

    site = root / PREVIEW_DIR
    command = [sys.executable, str(BUILD_PY), "--root", str(root), "preview-builder"]
    command += ["--site-dir", str(site), "--site-url", "http://127.0.0.1:8000/"]
    post = max((root / "content/blog").glob("*.md"))
    with tempfile.TemporaryFile() as said:
        builder = Builder(command, output=said)
        try:
            started = time.perf_counter()
            if builder.build([], lambda _: None).failure:
                raise RuntimeError("the first preview build failed")
            first = time.perf_counter() - started
            times = [_save_and_show(builder, post, site, n) for n in range(runs)]
            peak = _peak_mb(builder.process.pid) if builder.process else None
        finally:
            builder.stop()
    shown = statistics.median(t[0] for t in times)
    built = statistics.median(t[1] for t in times)
    yield (
        f"a saved post shown by serve: {shown:.2f} s (median of {runs}); the whole preview "
        f"then built by {built:.2f} s; the warm builder's first build {first:.2f} s, "
        f"its peak memory {peak or '?'} MB"
    )


def _save_and_show(builder: Any, post: Path, site: Path, n: int) -> tuple[float, float]:
    """Seconds from a save of `post` to its page being in `site`, and to the
    whole preview being built."""
    sentence = f"One more sentence, preview {n}."
    shown = []
    started = time.perf_counter()
    with post.open("a", encoding="utf-8") as text:
        text.write(f"\n{sentence}\n")

    def page_shown(reply: Any) -> None:
        shown.append(time.perf_counter() - started)
        pages = [site / url / "index.html" for url in reply.pages]
        if reply.failure or not any(sentence in p.read_text("utf-8") for p in pages):
            raise RuntimeError(f"the saved post was not shown first: {reply}")

    if builder.build([str(post)], page_shown).failure:
        raise RuntimeError("a preview build failed")
    return shown[0], time.perf_counter() - started


def _peak_mb(pid: int) -> int | None:
    """A process's peak resident memory (Linux), without its children's."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) // 1024 if found else None
