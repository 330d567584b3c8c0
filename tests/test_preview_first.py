"""`build.py serve` shows a saved page at once, before the whole preview is
built again; its warm builder may die, and Ctrl-C ends everything.

A test holds the preview's site lock (`.cache/.preview.lock`, which every
build of the preview takes before it puts its pages in place), as another
build of the preview would: the whole build then cannot end, so what the
browser gets meanwhile is what the saved page alone made."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import MKDOCS_YML, NOW, REPO, FixtureSite, tree_digests
from test_serve import DRAFT, DRAFT_PAGE, Served, _draft, _free_port, _get

POST = "content/blog/2014-01-15-first.md"
PAGE = "blog/2014/first/"
NOTICE = "The preview could not be built"


def _post(title: str, body: str, date: str = "2014-01-15") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nauthor: ada\ntags: [vision]\n---\n{body}\n"


@contextmanager
def _serving(
    site: FixtureSite, tmp_path: Path, *options: str
) -> Iterator[tuple[Served, subprocess.Popen[bytes]]]:
    port = _free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    log = tmp_path / "serve.log"
    command = [sys.executable, str(REPO / "build.py"), "--root", str(site.root), "serve"]
    with log.open("wb") as said:
        server = subprocess.Popen(
            [*command, "--dev-addr", f"127.0.0.1:{port}", *options],
            stdout=said,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        yield Served(f"http://127.0.0.1:{port}/", log), server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


@contextmanager
def _preview_held(site: FixtureSite) -> Iterator[None]:
    """The preview's folder held, as by another build of it: a whole
    preview build waits until the block ends."""
    handle = os.open(site.root / ".cache/.preview.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _builders(served: Served) -> list[int]:
    """The builders `serve` started, by process id, in order."""
    return [int(pid) for pid in re.findall(r"preview builder \(process (\d+)\)", served.said())]


def _gone(pid: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("options", [(), ("--poll",)], ids=["notified", "polling"])
def test_a_saved_page_is_shown_before_the_whole_preview_is_built(
    fixture_site: FixtureSite, tmp_path: Path, options: tuple[str, ...]
) -> None:
    with _serving(fixture_site, tmp_path, *options) as (served, _):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        with _preview_held(fixture_site):
            # An editor's swap and lock files change beside the saved file.
            fixture_site.write("content/blog/.2014-01-15-first.md.swp", "swap")
            fixture_site.write("content/blog/.#2014-01-15-first.md", "lock")
            fixture_site.write(POST, _post("First post, retitled", "Rewritten."))
            served.wait_to_serve(PAGE, "Rewritten.", deadline)
            page = _get(served.url + PAGE, deadline)
            assert "First post, retitled" in page and "Ada Example" in page
            # The listings are the last build's until the whole build is done.
            listing = _get(served.url + "blog/", deadline)
            assert "First post" in listing and "First post, retitled" not in listing
            assert "Showing blog/2014/first/; the rest of the preview follows." in served.said()
        served.wait_to_serve("blog/", "First post, retitled", deadline)
        assert "Rewritten." in _get(served.url + PAGE, deadline)


def test_the_whole_build_after_a_page_shown_first_leaves_the_preview_as_a_cold_one(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    with _serving(fixture_site, tmp_path) as (served, _):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        fixture_site.write(POST, _post("First post, retitled", "Rewritten."))
        served.wait_to_serve("blog/", "First post, retitled", deadline)
        served.wait_to_say("Reloading browsers", deadline)
        assert "Showing blog/2014/first/" in served.said()
    cold = tmp_path / "cold"
    built = fixture_site.run(
        "build", "--preview", "--no-cache", "--site-dir", str(cold), "--site-url", served.url
    )
    assert built.returncode == 0, built.stderr
    assert tree_digests(fixture_site.root / ".cache/preview") == tree_digests(cold)


def test_a_draft_shown_first_is_marked_and_links_to_the_preview(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    fixture_site.write(DRAFT, _draft("Draft body."))
    with _serving(fixture_site, tmp_path) as (served, _):
        deadline = time.monotonic() + 120
        assert "Draft body." in _get(served.url + DRAFT_PAGE, deadline)
        with _preview_held(fixture_site):
            fixture_site.write(DRAFT, _draft("Rewritten draft."))
            served.wait_to_serve(DRAFT_PAGE, "Rewritten draft.", deadline)
            page = _get(served.url + DRAFT_PAGE, deadline)
            assert "Draft: this page is not published." in page
            assert f'<link rel="canonical" href="{served.url}{DRAFT_PAGE}"' in page
            assert "https://example.org/" not in page


def test_a_saved_file_with_problems_shows_them_at_once_and_its_fix_the_page(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    with _serving(fixture_site, tmp_path) as (served, _):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        with _preview_held(fixture_site):
            fixture_site.write(POST, _post("Broken", "Broken.", date="2014-13-45"))
            served.wait_to_serve(PAGE, NOTICE, deadline)
            page = _get(served.url + PAGE, deadline)
            notice = page[page.index('<div role="alert" lang="en"') :]
            assert "content/blog/2014-01-15-first.md:3: date:" in notice
            assert notice.index(NOTICE) < notice.index("Hello.")  # the last good page beneath
            fixture_site.write(POST, _post("Mended", "Mended."))
            served.wait_to_serve(PAGE, "Mended.", deadline)
            assert NOTICE not in _get(served.url + PAGE, deadline)
        served.wait_to_serve("blog/", "Mended", deadline)


def test_a_save_in_the_middle_of_a_build_is_shown_at_once(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    with _serving(fixture_site, tmp_path) as (served, _):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        with _preview_held(fixture_site):
            fixture_site.write(POST, _post("First post", "The first save."))
            served.wait_to_serve(PAGE, "The first save.", deadline)
            # Its whole build waits for the lock: the next save stops it.
            fixture_site.write(POST, _post("Second title", "The second save."))
            served.wait_to_serve(PAGE, "The second save.", deadline)
            served.wait_to_say("A newer change came: the build stopped", deadline)
        served.wait_to_serve("blog/", "Second title", deadline)
        assert len(_builders(served)) == 1, served.said()


def test_a_builder_that_died_is_replaced(fixture_site: FixtureSite, tmp_path: Path) -> None:
    with _serving(fixture_site, tmp_path) as (served, _):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        (first,) = _builders(served)
        os.kill(first, signal.SIGKILL)
        fixture_site.write(POST, _post("First post", "After the first builder died."))
        served.wait_to_serve(PAGE, "After the first builder died.", deadline)
        assert "The preview builder had stopped (exit code -9)." in served.said()
        # Killed in the middle of a build: a new one builds the whole preview.
        with _preview_held(fixture_site):
            fixture_site.write(POST, _post("Retitled", "After the second builder died."))
            served.wait_to_serve(PAGE, "After the second builder died.", deadline)
            second = _builders(served)[1]
            os.kill(second, signal.SIGKILL)
            served.wait_to_say("The preview builder stopped (exit code -9). Starting", deadline)
        served.wait_to_serve("blog/", "Retitled", deadline)
        assert len(_builders(served)) == 3, served.said()
        assert NOTICE not in _get(served.url + PAGE, deadline)


def test_ctrl_c_in_the_middle_of_a_build_ends_serve_and_its_builder(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    with _serving(fixture_site, tmp_path) as (served, server):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        (builder,) = _builders(served)
        with _preview_held(fixture_site):
            fixture_site.write(POST, _post("First post", "Rewritten."))
            served.wait_to_serve(PAGE, "Rewritten.", deadline)
            os.killpg(server.pid, signal.SIGINT)  # as a terminal sends Ctrl-C
            assert server.wait(timeout=60) == 0, served.said()
            assert _gone(builder, time.monotonic() + 30)
        said = served.said()
        assert "Shutting down..." in said and "Traceback" not in said, said


def test_a_change_of_the_code_starts_a_new_builder(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    # The builder keeps the code it imported: it would build with the old code.
    fixture_site.write("extra/helper.py", "ANSWER = 1\n")
    fixture_site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO) + "watch:\n  - extra\n")
    with _serving(fixture_site, tmp_path) as (served, _):
        deadline = time.monotonic() + 120
        assert "Hello." in _get(served.url + PAGE, deadline)
        fixture_site.write("extra/helper.py", "ANSWER = 2\n")
        served.wait_to_say("The site's code changed: a new preview builder starts.", deadline)
        served.wait_to_say("Reloading browsers", deadline)
        first, second = _builders(served)
        assert _gone(first, deadline) and first != second
        fixture_site.write(POST, _post("First post", "With the new code."))
        served.wait_to_serve(PAGE, "With the new code.", deadline)
