"""`build.py serve`: a live preview, made by the fast build, from the cache.

MkDocs' own `serve` builds the whole site again in its own process, one page
after another, on every change: an edit took 23 to 29 s to show at 2,000
posts and 135 s at 10,000 (here: 5 s and 25 s). Here each change runs
``build.py build --preview`` (drafts and scheduled posts shown, marked, as
of the clock's time): unchanged pages come from the build cache, and the
preview's folder is updated in place, a file at a time, while MkDocs'
live-reload server serves it and reloads the browser. After a failed build
its problems are printed, as `build` prints them, and shown in the browser:
over the page the reader is on (the last good preview stays beneath), or as
the error page when there is no good preview yet. The preview's links use
its own address, not `site_url`.

The build runs as a process of its own because it forks workers: a process
running the server's threads must not fork (a lock held by one of them would
stay held in the child forever).
"""

from __future__ import annotations

import html
import logging
import mimetypes
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.preview")

PREVIEW_DIR = ".cache/preview"
"""Where the preview is built, under the project folder: on the build
cache's file system, so that its pages are links to the cache's entries,
and kept from one `serve` to the next, so that the next starts with an
update, not a whole site."""
BUILD_TIME_LIMIT = 3600
"""Seconds a preview build may take before it is stopped and said to have failed."""
SHOWN_LINES = 200
"""The last lines of a failed build's output shown in the browser."""


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, which also shows the problems of the last
    build, when it failed, on every page it serves."""

    failure: str | None = None
    """What the last build said, if it failed."""

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        if self.failure is None:
            return content
        body = content.find(b"<body")
        start = content.find(b">", body) + 1 if body >= 0 else 0
        return content[:start] + failure_notice(self.failure) + content[start:]

    def error_page(self, site: Path, code: int) -> bytes | None:
        """The site's own page for a missing page, or the build's problems
        when there is no preview to show (a page the reader is on reloads
        by itself once a build succeeds)."""
        page = site / "404.html"
        if code == 404 and page.is_file():
            return self._inject_js_into_html(page.read_bytes(), self._visible_epoch)
        if self.failure is not None:
            blank = b"<!doctype html><html lang=en><title>Preview</title><body></body></html>"
            return self._inject_js_into_html(blank, self._visible_epoch)
        return None


def failure_notice(said: str) -> bytes:
    """A notice at the top of the page: the build failed, and what it said."""
    lines = said.strip().splitlines()[-SHOWN_LINES:]
    return (
        '<div role="alert" lang="en" style="position:relative;z-index:10;margin:0;'
        "padding:1rem 1.5rem;background:#fff4f4;color:#5c0000;border-bottom:4px solid "
        '#b00020;font:15px/1.5 system-ui,sans-serif">'
        '<h2 style="margin:0 0 .5rem;font-size:1.2rem">The preview could not be built</h2>'
        '<p style="margin:0 0 .5rem">Fix the problems below and save: this page reloads '
        "by itself. Beneath this notice is the last preview that built.</p>"
        '<pre style="margin:0;white-space:pre-wrap;overflow-wrap:anywhere">'
        f"{html.escape(chr(10).join(lines))}</pre></div>"
    ).encode()


def serve_preview(root: Path, host: str, port: int, build_command: list[str]) -> None:
    """Build the preview, serve it at `host`:`port`, and build it again on each
    change to what MkDocs would watch (the content, the configuration, and the
    folders its ``watch`` lists). `build_command` runs build.py for `root`."""
    config = load_config(str(root / "mkdocs.yml"))
    site = root / PREVIEW_DIR
    address = f"http://{host}:{port}/"
    # The web editor reads admin/config.yml only if it is served as YAML, as
    # GitHub Pages serves it; Python's table has no .yml.
    mimetypes.add_type("text/yaml", ".yml")
    command = [*build_command, "build", "--preview", "--site-dir", str(site)]
    command += ["--site-url", address]

    def build() -> None:
        # A failed build leaves the preview as it was and says why on every
        # page (the browser reloads): an exception would stop the server.
        log.info("Building the preview...")
        server.failure = run_build(command)
        if server.failure is not None:
            log.error("The build failed (see above); its problems are shown in the browser.")

    server = PreviewServer(builder=build, host=host, port=port, root=str(site))
    server.error_handler = lambda code: server.error_page(site, code)
    build()  # served even if it failed: the next change may mend it
    for path in [config.docs_dir, config.config_file_path, *config.watch]:
        server.watch(path)
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()


def run_build(command: list[str]) -> str | None:
    """Run a build, its output passed on to the terminal; None if it
    succeeded, else what it said. The output goes through a file, not a
    pipe, and the build has a time limit: nothing here can wait for ever."""
    with tempfile.TemporaryFile() as said:
        try:
            code = subprocess.run(  # noqa: S603 (build.py)
                command, stdout=said, stderr=subprocess.STDOUT, timeout=BUILD_TIME_LIMIT
            ).returncode
        except subprocess.TimeoutExpired:
            code = None
        said.seek(0)
        text = said.read().decode("utf-8", errors="replace")
    sys.stderr.write(text)
    if code is None:
        return f"{text}\nThe build took more than {BUILD_TIME_LIMIT} s and was stopped."
    return None if code == 0 else text
