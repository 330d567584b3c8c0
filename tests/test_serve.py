"""`build.py serve` previews drafts and scheduled posts, marked as such."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

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


@pytest.fixture
def served(fixture_site: FixtureSite) -> Iterator[str]:
    fixture_site.write(
        "content/blog/2016-01-01-draft.md",
        "---\ntitle: Not ready\ndate: 2016-01-01\nauthor: ada\ndraft: true\n---\nDraft body.\n",
    )
    fixture_site.write(
        "content/blog/2030-01-01-later.md",
        "---\ntitle: From the future\ndate: 2030-01-01\nauthor: ada\n---\nLater.\n",
    )
    port = _free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_shows_drafts_and_scheduled_posts_marked(served: str) -> None:
    deadline = time.monotonic() + 90
    draft = _get(served + "blog/2016/draft/", deadline)
    assert "Draft body." in draft and "Draft: this page is not published." in draft
    later = _get(served + "blog/2030/later/", deadline)
    assert "Scheduled: this page is published on January 1, 2030." in later
    assert "Not ready" in _get(served + "blog/", deadline)
