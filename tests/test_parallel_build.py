"""The fast build (hooks/engine/parallel_build.py) writes what MkDocs' own build writes.

Every optimisation of issue 6 (pages rendered on several processes, pages,
feeds and the search index taken from the cache in .cache/) must leave the
output byte for byte as `build.py build --plain` (MkDocs' build, one page at
a time, no cache) makes it; a warm cache must never hide a change or a
warning.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import FixtureSite, tree_digests
from engine import page_steps
from engine.site_update import update_in_place

POSTS = {
    "content/blog/2014-02-01-second.md": """\
        ---
        title: Second post
        date: 2014-02-01
        author: bo
        tags: [vision, economy]
        ---
        ## A heading

        See the [first post](2014-01-15-first.md) and [its heading](#a-heading).
        A footnote.[^1] Some `code`:

        ```python
        print("hello")
        ```

        | a | b |
        |---|---|
        | 1 | 2 |

        [^1]: The note.

        LONG_PARAGRAPH
        """.replace("LONG_PARAGRAPH", "Words enough for the reading to be cached. " * 40),
    "content/blog/2014-03-01-third.md": """\
        ---
        title: Third post
        date: 2014-03-01
        author: ada
        tags: [vision]
        ---
        Back to the [second](2014-02-01-second.md#a-heading).
        """,
    "chapters/london/blog/2014-04-01-local.md": """\
        ---
        title: Local news
        date: 2014-04-01
        author: ada
        ---
        From London, with a link [home](../../../index.md).
        """,
    "content/events/2027-05-15-assembly.md": """\
        ---
        title: Assembly
        start: 2027-05-15T10:00
        timezone: Europe/Berlin
        location: A hall
        ---
        Come along.
        """,
    "content/news/2014-05-01-news.md": "---\ntitle: Some news\ndate: 2014-05-01\n---\nNews.\n",
    "content/blog/2014-06-01-deutsch.md": (
        "---\ntitle: Ein Beitrag\ndate: 2014-06-01\nauthor: bo\nlang: de\n---\nHallo Welt.\n"
    ),
}


def _differences(one: Path, other: Path) -> list[str]:
    a, b = tree_digests(one), tree_digests(other)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


@pytest.fixture
def site(fixture_site: FixtureSite) -> FixtureSite:
    for rel, text in POSTS.items():
        fixture_site.write(rel, text)
    return fixture_site


def _build(site: FixtureSite, *args: str) -> str:
    result = site.run("build", *args)
    assert result.returncode == 0, result.stderr
    return result.stderr + result.stdout


def test_fast_cold_and_warm_builds_write_what_mkdocs_writes(site: FixtureSite) -> None:
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    said = _build(site, "--jobs", "2")
    assert re.search(r"Rendered \d+ pages on 2 processes", said), said
    assert _differences(site.root / "plain", site.root / "site") == []
    assert (site.root / ".cache/build/pages").is_dir()

    # An edit: the warm build takes the rest from the cache and still matches.
    post = site.root / "content/blog/2014-03-01-third.md"
    post.write_text(post.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    said = _build(site, "--jobs", "2")
    cached = re.search(r"(\d+) of (\d+) read and (\d+) rendered from the cache", said)
    assert cached, said
    read, pages, rendered = map(int, cached.groups())
    # Every page's first step is in the pack's shards, but the edited one's.
    assert read == pages - 1 and 0 < rendered < pages
    shards = list((site.root / ".cache/build/pages").glob(f"*/{page_steps.READ_PACK}-*"))
    assert 1 < len(shards) <= pages
    assert _differences(site.root / "plain", site.root / "site") == []
    assert "One more line." in (site.root / "site/blog/2014/third/index.html").read_text("utf-8")


def test_a_rebuild_changes_only_what_changed_in_the_site(site: FixtureSite) -> None:
    """A warm build keeps the site's unchanged pages where they are (the same
    files), replaces the changed ones and deletes what the new site lacks:
    a removed post's page and folder, and files put there by hand."""
    _build(site)
    built = site.root / "site"
    unchanged = built / "chapters/london/blog/2014/local/index.html"
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in (unchanged, unchanged.parent)]
    (built / "stray.txt").write_text("by hand", "utf-8")
    (built / "stray/deeper").mkdir(parents=True)
    (built / "stray/deeper/index.html").write_text("by hand", "utf-8")
    (site.root / "content/blog/2014-06-01-deutsch.md").unlink()
    post = site.root / "content/blog/2014-03-01-third.md"
    post.write_text(post.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    assert (built / "blog/2014/deutsch/index.html").is_file()
    said = _build(site)
    after = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in (unchanged, unchanged.parent)]
    assert after == before, "an unchanged page, or its folder, was made again"
    assert not (built / "stray.txt").exists() and not (built / "stray").exists()
    assert not (built / "blog/2014/deutsch").exists()
    assert not list(site.root.glob(".site-new-*")), "the new build's folder is left behind"
    # What is left of it is deleted by a process of its own, after the build.
    assert _old_sites_once_deleted(site.root) == set(), "what was left of it was not deleted"
    assert "One more line." in (built / "blog/2014/third/index.html").read_text("utf-8")
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    assert _differences(site.root / "plain", built) == [], said


def _old_sites_once_deleted(root: Path, kept: set[Path] | None = None) -> set[Path]:
    """The `.site-old-*` folders left beside the site once the background
    deletions are done (waiting up to a minute for all but `kept` to go)."""
    kept = kept or set()
    deadline = time.monotonic() + 60
    while set(root.glob(".site-old-*")) != kept and time.monotonic() < deadline:
        time.sleep(0.05)
    return set(root.glob(".site-old-*"))


def test_a_file_made_again_with_the_same_bytes_is_not_moved_in(tmp_path: Path) -> None:
    """The in-place update leaves a file made again as it was (a part of the
    search index made again is thousands of such files), and still moves in
    every file whose bytes changed, even to ones of the same size."""
    live, new = tmp_path / "site", tmp_path / "new"
    for folder in (live, new):
        (folder / "part").mkdir(parents=True)
    (live / "part/same.bin").write_bytes(b"the same bytes")
    (new / "part/same.bin").write_bytes(b"the same bytes")
    (live / "part/changed.bin").write_bytes(b"old bytes")
    (new / "part/changed.bin").write_bytes(b"new bytes")  # the same size
    (new / "part/added.bin").write_bytes(b"added")
    (live / "part/gone.bin").write_bytes(b"gone")
    (live / "kept.html").write_text("kept", "utf-8")
    before = (live / "part/same.bin").stat().st_ino

    assert update_in_place(live, new, ["kept.html"]) == 2
    assert (live / "part/same.bin").stat().st_ino == before
    assert (live / "part/changed.bin").read_bytes() == b"new bytes"
    assert (live / "part/added.bin").read_bytes() == b"added"
    assert not (live / "part/gone.bin").exists()
    assert (live / "kept.html").read_text("utf-8") == "kept"


def _own_theme(site: FixtureSite, tmp_path: Path) -> Path:
    """A copy of the project's theme folder that `site` builds with, to edit."""
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parent.parent / "theme", theme)
    config = site.root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"custom_dir: .*", f"custom_dir: {theme}", text), "utf-8")
    return theme


def test_theme_files_are_links_to_the_cache_that_a_rebuild_keeps(
    site: FixtureSite, tmp_path: Path
) -> None:
    """A theme's scripts and styles are not copied by every build: each is a
    link to one entry of .cache/build/static, which the next build links
    again, so the site keeps the very same file. An edited one is new."""
    theme = _own_theme(site, tmp_path)
    _build(site)
    built, static = site.root / "site", site.root / ".cache/build/static"
    entries = {path.stat().st_ino for path in static.rglob("*") if path.is_file()}
    ours, materials = built / "assets/iops.css", next(built.glob("assets/javascripts/bundle.*.js"))
    before = [path.stat().st_ino for path in (ours, materials)]
    assert set(before) <= entries
    post = site.root / "content/blog/2014-03-01-third.md"
    post.write_text(post.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    _build(site)
    assert [path.stat().st_ino for path in (ours, materials)] == before
    (theme / "assets/iops.css").write_text("/* a change */\n", "utf-8")
    _build(site)
    assert ours.read_text("utf-8") == "/* a change */\n"
    assert materials.stat().st_ino == before[1]
    kept = {path.stat().st_ino for path in static.rglob("*") if path.is_file()}
    assert before[0] not in kept, "the entry of the old file is swept"
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    assert _differences(site.root / "plain", built) == []


def test_a_file_put_over_a_link_leaves_the_entry_as_it_was(tmp_path: Path) -> None:
    """Site files are links to the cache's entries: one put where another
    is (a page in the place of a theme's file) must replace it, not write
    into it, or the entry would hold the wrong bytes for every later build."""
    from engine.cache import Cache, link_file, write_new

    cache = Cache(tmp_path / "cache")
    page = tmp_path / "site/page.html"
    key = cache.link_in(_written(tmp_path / "theme.css", b"theme"), page)
    entry = cache.path(key)
    assert entry.stat().st_ino == page.stat().st_ino
    link_file(_written(tmp_path / "other.html", b"a page"), page)
    assert (page.read_bytes(), entry.read_bytes()) == (b"a page", b"theme")
    cache.link_in(tmp_path / "theme.css", page)
    write_new(page, b"written")
    assert (page.read_bytes(), entry.read_bytes()) == (b"written", b"theme")
    cache.put("k" * 40, b"an entry")
    cache.link_in(tmp_path / "theme.css", page)
    assert cache.copy_to("k" * 40, page)
    assert (page.read_bytes(), entry.read_bytes()) == (b"an entry", b"theme")
    assert not list(page.parent.glob(".tmp-*"))


def test_a_page_written_is_kept_as_its_entry_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rendered page is written into the site, then linked into the cache:
    one file. An entry another build made first stays; where there can be
    no link (another file system), the entry is a copy."""
    import errno

    from engine import cache as cache_module

    cache = cache_module.Cache(tmp_path / "cache")
    (tmp_path / "site").mkdir()
    page = _written(tmp_path / "site/page.html", b"a page")
    cache.keep("ab" * 20, page)
    assert cache.path("ab" * 20).stat().st_ino == page.stat().st_ino
    cache.keep("ab" * 20, _written(tmp_path / "site/again.html", b"a page"))
    assert cache.path("ab" * 20).stat().st_ino == page.stat().st_ino

    def no_links(source: object, dest: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(cache_module.os, "link", no_links)
    other = _written(tmp_path / "site/other.html", b"another page")
    cache.keep("cd" * 20, other)
    entry = cache.path("cd" * 20)
    assert entry.read_bytes() == b"another page"
    assert entry.stat().st_ino != other.stat().st_ino
    assert not list(entry.parent.glob(".tmp-*"))


def test_every_file_of_the_site_is_as_readable_as_one_written_as_usual(
    site: FixtureSite,
) -> None:
    """The site's files are links to the cache's entries, which were made as
    temporary files (0600): a web server running as another user could
    read none of them."""
    from engine.cache import NEW_FILE_MODE

    for _ in range(2):  # cold, then every page from the cache
        _build(site)
        modes = {
            path.relative_to(site.root).as_posix(): oct(path.stat().st_mode & 0o777)
            for path in (site.root / "site").rglob("*")
            if path.is_file()
        }
        wrong = {path: mode for path, mode in modes.items() if mode != oct(NEW_FILE_MODE)}
        assert len(modes) > 50 and wrong == {}
    # A theme's file is kept under a digest of its bytes alone: one kept
    # before its entries were readable is made so.
    css = site.root / "site/assets/iops.css"
    css.chmod(0o600)  # the very entry: a link to it
    _build(site)
    assert css.stat().st_mode & 0o777 == NEW_FILE_MODE


def test_a_page_read_anew_under_its_old_key_renews_its_entry(tmp_path: Path) -> None:
    """A page whose link lookups no longer hold is read again under the same
    key: the pack must keep the new reading, or every later build reads it again."""
    from engine.cache import Cache

    cache = Cache(tmp_path / "cache")

    def reading(content: str) -> page_steps._CachedRead:
        return page_steps._CachedRead({}, content, [], None, set(), {}, [])

    def read(made: page_steps._CachedRead | None) -> page_steps.Read:
        return page_steps.Read({}, [], key, made)

    key = "ab" * 20
    before = {key: reading("old")}
    page_steps.keep_reads(cache, before, [read(None)])
    assert page_steps.load_reads(cache) == {}, "a pack that is the one it had is not written"
    page_steps.keep_reads(cache, before, [read(reading("new"))])
    assert page_steps.load_reads(cache)[key].content == "new"


def test_a_rebuild_writes_again_only_the_shards_of_the_pack_that_changed(tmp_path: Path) -> None:
    """One page read anew at 10,000 posts must not write the first step of
    every other page again: only the shards its old and new keys are in."""
    from engine.cache import Cache

    cache = Cache(tmp_path / "cache")

    def reading(content: str) -> page_steps._CachedRead:
        return page_steps._CachedRead({}, content, [], None, set(), {}, [])

    keys = [f"{n:02x}{'0' * 38}" for n in range(0, 256, 8)]  # 32 shards
    before = {key: reading(key) for key in keys}
    shards = page_steps.keep_reads(cache, {}, [page_steps.Read({}, [], k, before[k]) for k in keys])
    assert len(shards) == len(keys)
    assert page_steps.load_reads(cache) == before
    inodes = {shard: cache.path(shard).stat().st_ino for shard in shards}

    edited, new_key = keys[3], "ff" + "1" * 38  # the page's Markdown changed: a new key
    reads = [page_steps.Read({}, [], k, None) for k in keys if k != edited]
    reads.append(page_steps.Read({}, [], new_key, reading("edited")))
    kept = page_steps.keep_reads(cache, before, reads)
    cache.sweep(kept)
    rewritten = {s for s in shards if s in kept and cache.path(s).stat().st_ino != inodes[s]}
    assert rewritten == set(), "the other shards are as they were"
    assert page_steps._shard(edited) not in kept, "a shard left empty is dropped"
    after = page_steps.load_reads(cache)
    assert after.keys() == {*keys, new_key} - {edited}
    assert after[new_key].content == "edited"
    assert after[keys[0]].content == keys[0]


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_what_stopped_builds_left_is_deleted_but_not_a_running_builds(
    site: FixtureSite,
) -> None:
    """A build that is killed leaves its new site's folder beside site/,
    Pagefind's pages in memory (/dev/shm) and half-written entries in the
    cache: the next build deletes them, but not the folders of a build still
    at work (it holds a lock on them), nor a half-written entry that is
    recent (another build is writing it)."""
    _build(site)
    memory = next(iter(_search_scratch_folders()))
    left_by_search = Path(tempfile.mkdtemp(prefix="iops-search-", dir=memory))
    (left_by_search / "pages").mkdir()
    post = site.root / "content/blog/2014-03-01-third.md"
    post.write_text(post.read_text("utf-8") + "\nOne more line.\n", "utf-8")  # a part to make
    left = site.root / ".site-new-stopped"
    (left / "blog").mkdir(parents=True)
    (left / "blog/index.html").write_text("half", "utf-8")
    running = site.root / ".site-new-running"
    running.mkdir()
    bucket = next(path for path in (site.root / ".cache/build/pages").iterdir() if path.is_dir())
    old, recent = bucket / ".tmp-stopped", bucket / ".tmp-writing"
    for entry in (old, recent):
        entry.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    handle = os.open(running, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)  # as a build at work holds it
    try:
        _build(site)
    finally:
        os.close(handle)
    assert not left.exists() and running.is_dir()
    assert not left_by_search.exists()
    assert not old.exists() and recent.exists()
    _build(site)
    assert not running.exists(), "no longer held: the build that made it stopped"


def test_a_site_replaced_whole_is_deleted_in_the_background(site: FixtureSite) -> None:
    """A build that keeps no page of the last site (without the cache, as
    after a change of code) puts its own in its place by renames, and the
    old one is deleted by a process of its own. An old site whose deletion
    was stopped is deleted by the next build, unless a deletion holds it."""
    _build(site)
    before = (site.root / "site/index.html").stat().st_ino
    stopped = site.root / ".site-old-stopped"
    (stopped / "site/blog").mkdir(parents=True)
    (stopped / "site/blog/index.html").write_text("old", "utf-8")
    held = site.root / ".site-old-held"
    held.mkdir()
    handle = os.open(held, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)  # as a deletion at work holds it
    try:
        _build(site, "--no-cache")
    finally:
        os.close(handle)
    assert (site.root / "site/index.html").stat().st_ino != before, "the site was not replaced"
    assert not stopped.exists() and held.is_dir()
    assert _old_sites_once_deleted(site.root, {held}) == {held}, "the old site was not deleted"
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    assert _differences(site.root / "plain", site.root / "site") == []


def test_only_the_feeds_of_an_edited_post_are_rendered_again(site: FixtureSite) -> None:
    """The third post is in the site's, the blog's, its author's and its tag's
    feeds; every other feed is linked from the cache, in both formats."""
    said = _verbose_build(site)
    first = re.search(r"(\d+) feeds, (\d+) rendered", said)
    assert first, said
    total, rendered = map(int, first.groups())
    assert total == rendered > 8
    post = site.root / "content/blog/2014-03-01-third.md"
    post.write_text(post.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    said = _verbose_build(site)
    again = re.search(r"(\d+) feeds, (\d+) rendered", said)
    assert again, said
    assert again.groups() == (str(total), str(2 * 4))
    feed = (site.root / "site/rss.xml").read_text("utf-8")
    assert "One more line." in feed


def test_a_calendar_from_the_cache_shows_an_edited_event(site: FixtureSite) -> None:
    """Calendars are kept in .cache/ by a digest of their events: an edit renews
    the calendars that hold the event, and a warm build matches the plain one."""
    _build(site)
    outputs = site.root / ".cache/build/outputs"
    kept = {path.name for path in outputs.rglob("*") if path.is_file()}
    assert len(kept) >= 3  # the site's calendar, London's, the event's own
    event = site.root / "content/events/2027-05-15-assembly.md"
    event.write_text(event.read_text("utf-8").replace("title: Assembly", "title: Congress"))
    _build(site)
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    assert _differences(site.root / "plain", site.root / "site") == []
    calendars = [p for p in (site.root / "site").rglob("*.ics") if "Congress" in p.read_text()]
    assert calendars, "the edited event's calendars"
    renewed = {path.name for path in outputs.rglob("*") if path.is_file()} - kept
    assert len(renewed) == len(calendars)


def test_outputs_made_on_every_core_are_the_ones_made_in_one(
    site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calendars and poll results are made on forked workers (with the cache
    and without it): the same files, in the same order, as in one process."""
    import threading

    from engine import cache, workers
    from iops import templating

    # map_in_order works in this process when other threads run: then this
    # test would not see the forked workers at all.
    assert threading.active_count() == 1 and workers.cores() >= 2

    def made(per_process: int, cache_on: bool) -> list[tuple[str, bytes]]:
        monkeypatch.setattr(templating, "OUTPUTS_PER_PROCESS", per_process)
        monkeypatch.setenv(cache.CACHE_SWITCH, "on" if cache_on else "off")
        files = templating.output_files(site.plan())
        return [(path, c.read_bytes() if isinstance(c, Path) else c) for path, c in files]

    in_one = made(10**6, cache_on=False)
    assert len(in_one) >= 3 and any(path.endswith(".ics") for path, _ in in_one)
    assert made(1, cache_on=False) == in_one
    assert made(1, cache_on=True) == in_one  # made and kept in the cache
    assert made(1, cache_on=True) == in_one  # from it
    assert made(10**6, cache_on=True) == in_one


def _verbose_build(site: FixtureSite) -> str:
    result = site.run("-v", "build")
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_one_process_and_no_cache_write_the_same(site: FixtureSite) -> None:
    _build(site, "--jobs", "1", "--site-dir", str(site.root / "one"))
    _build(site, "--no-cache", "--site-dir", str(site.root / "uncached"))
    assert _differences(site.root / "one", site.root / "uncached") == []
    assert not (site.root / ".cache/build/pages").exists() or tree_digests(site.root / ".cache")


@pytest.mark.parametrize("option", ["--no-cache", "--plain"])
def test_a_build_without_the_cache_keeps_nothing_in_it(site: FixtureSite, option: str) -> None:
    """Planning parses through the cache too: it stays off for the whole command."""
    _build(site, option)
    assert not (site.root / ".cache").exists()


def test_a_cached_page_shows_what_changed_on_another_page(site: FixtureSite) -> None:
    """A post's page shows its author's name: renaming the member renews it."""
    _build(site)
    post = site.root / "site/blog/2014/second/index.html"
    assert "Bo Example" in post.read_text("utf-8")
    site.write("content/members/bo.md", "---\nname: Bo Renamed\n---\nBo's bio.\n")
    _build(site)
    assert "Bo Renamed" in post.read_text("utf-8")
    assert "Bo Example" not in post.read_text("utf-8")


def test_a_template_change_renews_every_page(site: FixtureSite, tmp_path: Path) -> None:
    """Also with the templates' compiled code kept from the build before."""
    theme = _own_theme(site, tmp_path)
    _build(site)
    compiled = list((site.root / ".cache/build/templates").glob("*/__jinja2_*.cache"))
    assert len(compiled) > 10, "the templates' code is not kept"
    layout = theme / "layout.html"
    text = layout.read_text("utf-8").replace("<body>", "<body><!-- a change -->", 1)
    layout.write_text(text, "utf-8")
    said = _build(site)
    pages = list((site.root / "site").rglob("*.html"))
    assert len(pages) > 20
    assert all("<!-- a change -->" in page.read_text("utf-8") for page in pages)
    # The Markdown is not read again: the theme has no part in it.
    cached = re.search(r"Rendered (\d+) pages .*; (\d+) of \d+ read and (\d+) rendered", said)
    assert cached, said
    assert cached.group(1) == cached.group(2) and cached.group(3) == "0"
    _build(site, "--plain", "--site-dir", str(site.root / "plain"))
    assert _differences(site.root / "plain", site.root / "site") == []


def test_templates_code_that_cannot_be_kept_fails_no_build(tmp_path: Path) -> None:
    """The folder of the templates' compiled code is one per set of installed
    packages, and a build deletes the others: one running meanwhile with
    other packages must still compile and render its templates."""
    import jinja2
    from iops.templating import _TemplateCodeCache

    folder = tmp_path / "code"
    folder.mkdir()
    loader = jinja2.DictLoader({"a.html": "a {{ x }}", "b.html": "b {{ x }}"})
    code = _TemplateCodeCache(str(folder))
    env = jinja2.Environment(loader=loader, bytecode_cache=code, autoescape=True)
    assert env.get_template("a.html").render(x=1) == "a 1"
    assert list(folder.iterdir()), "the code is kept"
    shutil.rmtree(folder)
    assert env.get_template("b.html").render(x=2) == "b 2"


def test_a_link_broken_later_is_reported_though_its_page_is_cached(site: FixtureSite) -> None:
    _build(site)
    (site.root / "content/blog/2014-01-15-first.md").unlink()
    result = site.run("build")
    assert result.returncode == 1
    assert "blog/2014-02-01-second.md" in result.stderr
    assert "2014-01-15-first.md" in result.stderr


def test_a_warning_is_given_again_by_a_warm_build(site: FixtureSite) -> None:
    site.write(
        "content/blog/2014-07-01-broken.md",
        "---\ntitle: Broken\ndate: 2014-07-01\nauthor: bo\n---\nSee [nothing](nowhere.md).\n",
    )
    first = site.run("build")
    second = site.run("build")
    for result in (first, second):
        assert result.returncode == 1
        assert "nowhere.md" in result.stderr, result.stderr
    assert not (site.root / "site").exists()


def test_a_template_error_names_the_page_and_keeps_the_site(
    site: FixtureSite, tmp_path: Path
) -> None:
    _build(site)
    before = tree_digests(site.root / "site")
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parent.parent / "theme", theme)
    (theme / "event.html").write_text(
        "{% extends 'main.html' %}{% block content %}{{ item.no_such() }}{% endblock %}", "utf-8"
    )
    config = site.root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"custom_dir: .*", f"custom_dir: {theme}", text), "utf-8")
    # A new post, so that Pagefind is at work (not in the cache) when the build fails.
    site.write(
        "content/blog/2014-07-01-new.md",
        "---\ntitle: New\ndate: 2014-07-01\nauthor: ada\n---\nNew.\n",
    )
    scratch = _search_scratch()
    result = site.run("build")
    assert result.returncode == 1
    assert "Error building page 'events/2027-05-15-assembly.md'" in result.stderr
    assert tree_digests(site.root / "site") == before
    # Another build on this machine may be at work: its folders are held.
    left_behind = {path for path in _search_scratch() - scratch if not _is_held(path)}
    assert not left_behind, "Pagefind's scratch folder is left behind"
    half_made = list((site.root / ".cache/build/search").glob("*/.tmp-*"))
    assert not half_made, "a part Pagefind was making is left in the cache"


def _search_scratch_folders() -> list[Path]:
    """Where search indexes (iops.search) have their scratch folders."""
    folders = [Path("/dev/shm"), Path(tempfile.gettempdir())]  # noqa: S108
    return [folder for folder in folders if folder.is_dir()]


def _is_held(folder: Path) -> bool:
    """Whether a build at work holds `folder` (engine.held); gone counts as held."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)
    return False


def _search_scratch() -> set[Path]:
    """Scratch folders of search indexes that exist now."""
    return {path for folder in _search_scratch_folders() for path in folder.glob("iops-search-*")}


def test_another_plugin_is_refused_with_the_way_out(site: FixtureSite) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("plugins: []", "plugins: [search]"))
    result = site.run("build")
    assert result.returncode == 1
    assert "plugins: material/search" in result.stderr
    assert "--plain" in result.stderr


def test_the_log_gets_summary_lines_not_progress(site: FixtureSite) -> None:
    said = _build(site)
    assert "\r" not in said
    assert re.search(r"Rendered \d+ pages on \d+ process(es)? in [\d.]+ s", said), said


def test_markdown_that_would_take_hours_fails_the_build_in_seconds(site: FixtureSite) -> None:
    """Python-Markdown is quadratic in a run of brackets: 20 kB of them would take minutes."""
    site.write(
        "content/blog/2014-08-01-brackets.md",
        "---\ntitle: Brackets\ndate: 2014-08-01\nauthor: bo\n---\n" + "[" * 20_000 + "\n",
    )
    result = site.run("build", "--page-time-limit", "1")
    assert result.returncode == 1
    assert "content/blog/2014-08-01-brackets.md: its Markdown took more than 1 s" in result.stderr
    assert "break it up" in result.stderr
    assert not (site.root / "site").exists()


def test_the_benchmark_runs_and_checks_its_rebuild(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import REPO

    done = subprocess.run(
        [
            *(sys.executable, str(REPO / "build.py"), "bench", "--posts", "30", "--runs", "1"),
            *("--workdir", str(tmp_path / "bench")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for line in (
        "corpus: 30 posts",
        "check, first run",
        "check, files unchanged: ",
        "cold build: ",
        "rebuild after editing",
        "rebuild after adding content/blog/",
    ):
        assert line in done.stdout, done.stdout
    assert "rebuild identical to a cold build of the same files: yes" in done.stdout
    assert re.search(
        r"the pages' templates in the cold build: \d+ pages in [\d.]+ s CPU, [\d.]+ ms a page",
        done.stdout,
    ), done.stdout
    for query in ("solidarity", "the"):  # a topic word, and the commonest word
        assert re.search(rf"search for '{query}': \d+ kB fetched", done.stdout), done.stdout


def test_no_template_prints_the_build_date() -> None:
    """The page cache leaves MkDocs' `build_date_utc` out of its keys (parallel_build's
    MKDOCS_CONTEXT): that holds only while no template of the theme uses it."""
    import material
    import mkdocs
    from conftest import REPO

    folders = [
        REPO / "theme",
        Path(material.__file__).parent / "templates",
        Path(mkdocs.__file__).parent / "templates",
    ]
    templates = [p for f in folders for p in f.rglob("*") if p.suffix in {".html", ".xml"}]
    assert len(templates) > 50
    assert [p for p in templates if "build_date_utc" in p.read_text("utf-8")] == []
