"""`build.py serve`: a live preview, made by the fast build, from the cache.

MkDocs' own `serve` builds the whole site again in its own process, one page
after another, on every change: an edit took 23 to 29 s to show at 2,000
posts and 135 s at 10,000 (here: 5 s and 25 s). Here each change runs
``build.py build --preview`` (drafts and scheduled posts shown, marked, as
of the clock's time): unchanged pages come from the build cache, and the
preview's folder is updated in place, a file at a time, while MkDocs'
live-reload server serves it and reloads the browser. After a failed build
(its problems are printed, as `build` prints them) the last good preview stays.

The build runs as a process of its own because it forks workers: a process
running the server's threads must not fork (a lock held by one of them would
stay held in the child forever).
"""

from __future__ import annotations

import logging
import mimetypes
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.preview")

PREVIEW_DIR = ".cache/preview"
"""Where the preview is built, under the project folder: on the build
cache's file system, so that its pages are links to the cache's entries,
and kept from one `serve` to the next, so that the next starts with an
update, not a whole site."""


def serve_preview(root: Path, host: str, port: int, build_command: list[str]) -> None:
    """Build the preview, serve it at `host`:`port`, and build it again on each
    change to what MkDocs would watch (the content, the configuration, and the
    folders its ``watch`` lists). `build_command` runs build.py for `root`."""
    config = load_config(str(root / "mkdocs.yml"))
    site = root / PREVIEW_DIR
    # The web editor reads admin/config.yml only if it is served as YAML, as
    # GitHub Pages serves it; Python's table has no .yml.
    mimetypes.add_type("text/yaml", ".yml")
    command = [*build_command, "build", "--preview", "--site-dir", str(site)]

    def build() -> None:
        # A failed build leaves the preview as it was (the browser reloads the
        # same page): an exception would stop the server.
        log.info("Building the preview...")
        if subprocess.run(command, check=False).returncode != 0:  # noqa: S603 (build.py)
            log.error("The build failed (see above); the preview is as it was.")

    server = LiveReloadServer(
        builder=build,
        host=host,
        port=port,
        root=str(site),
        mount_path=urlsplit(config.site_url or "/").path,
    )
    server.error_handler = lambda code: _error_page(site, code)
    build()  # served even if it failed: the next change may mend it
    for path in [config.docs_dir, config.config_file_path, *config.watch]:
        server.watch(path)
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()


def _error_page(site: Path, code: int) -> bytes | None:
    """The site's own error page for a missing page, as the published site serves it."""
    page = site / "404.html"
    if code == 404 and page.is_file():
        return page.read_bytes()
    return None
