"""Debian's headless Chromium, driven by Playwright, over a folder served on localhost.

The browser tests use these; nothing is downloaded (never `playwright install`): a
missing /usr/bin/chromium is an error that says how to get it, not a skipped test.
"""

from __future__ import annotations

import functools
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Route, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium package; `.ci/run` installs it."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--dns-prefetch-disable",
]
LOCAL_SCHEMES = ("data:", "blob:", "about:")
"""URLs that a page may load without any request leaving the browser."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_folder(
    folder: Path, handler_class: type[SimpleHTTPRequestHandler] = _QuietHandler
) -> Iterator[str]:
    """Serve `folder` over HTTP on a free loopback port; yield its base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium; fails clearly when it is not installed."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install chromium, as .ci/run does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def same_origin(url: str, origin: str) -> bool:
    """Whether `url` is served by `origin` (scheme, host and port) or never leaves the page."""
    if url.startswith(LOCAL_SCHEMES):
        return True
    a, b = urllib.parse.urlsplit(url), urllib.parse.urlsplit(origin)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


@contextmanager
def local_context(browser: Browser, origin: str) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A fresh browser context that may only reach `origin`.

    Yields the context and the list of every URL its pages requested; a request to
    any other host is recorded there too, then aborted, so nothing leaves the machine.
    """
    context = browser.new_context(service_workers="block")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))

    def guard(route: Route) -> None:
        if same_origin(route.request.url, origin):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    try:
        yield context, requested
    finally:
        context.close()
