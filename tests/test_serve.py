"""`build.py serve` previews drafts and scheduled posts, marked as such, and
builds each change again from the cache."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import NOW, REPO, FixtureSite


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


DRAFT = "content/blog/2016-01-01-draft.md"
DRAFT_PAGE = "blog/2016/draft/"


def _draft(body: str, date: str = "2016-01-01") -> str:
    return f"---\ntitle: Not ready\ndate: {date}\nauthor: ada\ndraft: true\n---\n{body}\n"


@dataclass
class Served:
    url: str
    log: Path
    """What `serve` and its builds said."""

    def wait_to_serve(self, page: str, text: str, deadline: float) -> None:
        """Until `page` shows `text` (once the build of a change is done)."""
        self._wait(lambda: _get(self.url + page, deadline), text, f"{page} did not show", deadline)

    def said(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait_to_say(self, text: str, deadline: float) -> str:
        return self._wait(self.said, text, "serve did not say", deadline)

    def _wait(self, read: Callable[[], str], text: str, failure: str, deadline: float) -> str:
        while text not in (found := read()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{failure} {text!r}:\n{self.said()}")
            time.sleep(0.3)
        return found


@pytest.fixture
def served(fixture_site: FixtureSite, tmp_path: Path) -> Iterator[Served]:
    fixture_site.write(DRAFT, _draft("Draft body."))
    fixture_site.write(
        "content/blog/2030-01-01-later.md",
        "---\ntitle: From the future\ndate: 2030-01-01\nauthor: ada\n---\nLater.\n",
    )
    with _serve(fixture_site, tmp_path) as served:
        yield served


def _get_error(url: str, deadline: float) -> str:
    """The body of a page served with an error status (as soon as the server answers)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                raise AssertionError(f"{url} was served without an error")
        except urllib.error.HTTPError as err:
            return str(err.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def _serve(fixture_site: FixtureSite, tmp_path: Path) -> Iterator[Served]:
    port = _free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    log = tmp_path / "serve.log"
    with log.open("wb") as said:
        server = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "build.py"),
                "--root",
                str(fixture_site.root),
                "serve",
                "--dev-addr",
                f"127.0.0.1:{port}",
            ],
            stdout=said,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        yield Served(f"http://127.0.0.1:{port}/", log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_shows_drafts_and_scheduled_posts_marked(served: Served) -> None:
    deadline = time.monotonic() + 90
    draft = _get(served.url + DRAFT_PAGE, deadline)
    assert "Draft body." in draft and "Draft: this page is not published." in draft
    later = _get(served.url + "blog/2030/later/", deadline)
    assert "Scheduled: this page is published on January 1, 2030." in later
    assert "Not ready" in _get(served.url + "blog/", deadline)


_RENDERED = re.compile(
    r"Rendered (\d+) pages .*; \d+ of \d+ read and (\d+) rendered from the cache"
)


def test_an_edit_is_built_from_the_cache_and_served(
    served: Served, fixture_site: FixtureSite
) -> None:
    deadline = time.monotonic() + 120
    assert "Draft body." in _get(served.url + DRAFT_PAGE, deadline)
    fixture_site.write(DRAFT, _draft("Rewritten."))
    served.wait_to_serve(DRAFT_PAGE, "Rewritten.", deadline)
    builds = _RENDERED.findall(served.wait_to_say("Reloading browsers", deadline))
    assert len(builds) == 2, served.said()
    (pages, none_kept), (same_pages, kept) = builds
    # The first build made every page; the second took all but a few from the cache.
    assert none_kept == "0" and same_pages == pages
    assert 0 < int(pages) - int(kept) < int(pages) // 2, served.said()


def test_a_failed_build_keeps_the_last_good_preview(
    served: Served, fixture_site: FixtureSite
) -> None:
    deadline = time.monotonic() + 120
    assert "Draft body." in _get(served.url + DRAFT_PAGE, deadline)
    fixture_site.write(DRAFT, _draft("Broken.", date="2016-13-45"))
    said = served.wait_to_say("its problems are shown in the browser", deadline)
    # The problem is said as `build` says it: the file, its line and the field.
    assert "content/blog/2016-01-01-draft.md:3: date:" in said, said
    # and shown over the page the reader is on, the last good preview beneath.
    page = _get(served.url + DRAFT_PAGE, deadline)
    notice = page[page.index('<div role="alert" lang="en"') :]
    assert notice.index("The preview could not be built") < notice.index("Draft body.")
    assert "content/blog/2016-01-01-draft.md:3: date:" in notice
    fixture_site.write(DRAFT, _draft("Mended."))
    served.wait_to_serve(DRAFT_PAGE, "Mended.", deadline)
    assert "The preview could not be built" not in _get(served.url + DRAFT_PAGE, deadline)


def test_a_preview_that_never_built_shows_its_problems_escaped(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    fixture_site.write(
        "content/blog/2016-02-01-bad.md",
        "---\ntitle: <script>alert(1)</script>\ndate: 2016-02-01\nauthor: nobody\n---\n",
    )
    with _serve(fixture_site, tmp_path) as served:
        deadline = time.monotonic() + 90
        served.wait_to_say("its problems are shown in the browser", deadline)
        page = _get_error(served.url + "blog/", deadline)
        assert "The preview could not be built" in page
        assert "content/blog/2016-02-01-bad.md:4: author:" in page
        assert "<script>alert" not in page  # only the live-reload script runs
        assert "livereload(" in page  # and it reloads once the build succeeds


def test_the_preview_links_to_its_own_address(served: Served) -> None:
    deadline = time.monotonic() + 90
    page = _get(served.url + DRAFT_PAGE, deadline)
    assert f'<link rel="canonical" href="{served.url}{DRAFT_PAGE}"' in page
    assert "https://example.org/" not in page
