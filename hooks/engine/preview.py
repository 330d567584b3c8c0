"""`build.py serve`: a live preview that shows a saved page at once, then the rest.

MkDocs' own `serve` builds the whole site again in its own process, one page
after another, on every change: an edit took 23 to 29 s to show at 2,000
posts and 135 s at 10,000. Here a process of its own, the warm builder
(`preview_builder`), builds the preview as ``build.py build --preview`` does
(drafts and scheduled posts shown, marked, as of the clock's time; unchanged
pages from the build cache; the preview's folder updated in place, a file at
a time), and stays between saves with its code imported and what its last
build made in memory. When the saved file is an item's whose page exists, it
first renders that one page (`preview_page`) and the browser reloads; then it
builds the whole preview, which brings listings, feeds and search up to date,
and the browser reloads again. A save in the middle of that build stops it
(`Builder.supersede`), so that its page, too, shows at once. MkDocs'
live-reload server serves the folder; its watcher (here `PreviewServer.watch`,
by the system's notices of changes unless ``--poll``) notes which files
changed. A change of Python code starts a new builder: the running one has
the old code imported.

After a failed build its problems are printed, as `build` prints them, and
shown in the browser: over the page the reader is on (the last good preview
stays beneath), or as the error page when there is no good preview yet; a
saved file whose own front matter is wrong shows its problems so at once,
before the whole build. The preview's links use its own address, not
`site_url`.

The builder is a process of its own because the build forks workers: a
process running the server's threads must not fork (a lock held by one of
them would stay held in the child for ever). If it stops, `serve` says so
and starts a new one.
"""

from __future__ import annotations

import html
import logging
import mimetypes
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import watchdog.events
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from engine.preview_handle import Builder, BuilderStopped, Reply

log = logging.getLogger("mkdocs.preview")

PREVIEW_DIR = ".cache/preview"
"""Where the preview is built, under the project folder: on the build
cache's file system, so that its pages are links to the cache's entries,
and kept from one `serve` to the next, so that the next starts with an
update, not a whole site."""
SHOWN_LINES = 200
"""The last lines of a failed build's output shown in the browser."""
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})
"""The events of a watched file that are a change: not its being opened or
read (every build reads the content), nor a change of its times or mode."""
POLL_SECONDS = 0.5
"""How often every watched file is looked at (`--poll`, as MkDocs does)."""


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, which also shows the problems of the last
    build, when it failed, on every page it serves."""

    failure: str | None = None
    """What the last build said, if it failed."""

    def __init__(self, *args: Any, poll: bool = False, **kwargs: Any) -> None:
        self._changes: set[str] = set()
        """The files changed since the last build began (`take_changes`)."""
        self._changes_lock = threading.Lock()
        self.on_change: Callable[[], None] = lambda: None
        """Called (in the watcher's thread) on each change."""
        super().__init__(*args, **kwargs)
        if not poll:  # MkDocs' looks at every file every half second
            self.observer = _Watcher()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Rebuild on any change under `path`, as MkDocs' server does, and
        note which files changed: a saved page is shown first."""
        path = str(Path(path).resolve())
        self._watched_paths[path] = self._watched_paths.get(path, 0) + 1
        if self._watched_paths[path] == 1:
            handler = watchdog.events.FileSystemEventHandler()
            handler.on_any_event = self._changed  # type: ignore[method-assign]
            self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def _changed(self, event: watchdog.events.FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in CHANGES:
            return
        paths = [os.fsdecode(p) for p in (event.src_path, event.dest_path) if p]
        if all("__pycache__" in Path(path).parts for path in paths):
            return  # Python's compiled code, written by a new builder as it imports hooks/
        with self._changes_lock:
            self._changes.update(paths)
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()
        self.on_change()

    def take_changes(self) -> list[str]:
        """The files changed since the last call, which the build about to
        begin will see."""
        with self._changes_lock:
            changes, self._changes = sorted(self._changes), set()
        return changes

    def reload_now(self) -> None:
        """Reload the browsers in the middle of a build (a saved page is
        shown): from now on, what the build changes is served as it comes."""
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch = self._next_epoch()
            self._epoch_cond.notify_all()

    def reload_when_built(self) -> None:
        """After `reload_now`: reload them again as the build ends (MkDocs'
        loop makes the epoch wanted the one shown once the builder returns)."""
        with self._epoch_cond:
            self._wanted_epoch = self._next_epoch()

    def _next_epoch(self) -> int:
        # In milliseconds, as MkDocs' epochs are; always later than the last.
        return max(round(time.monotonic() * 1000), self._visible_epoch + 1)

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


class _Watcher(Observer):  # type: ignore[misc,valid-type]
    """The system's notices of changes (inotify on Linux): a saved file is
    seen at once, where looking at every file every half second, as MkDocs'
    server does, took a quarter of a second a time at 10,000 posts. Where
    the notices cannot be had (inotify's limit of folders reached), it looks
    so after all; where they do not come (some network drives), `serve
    --poll` does."""

    def __init__(self) -> None:
        super().__init__()
        self._asked: list[tuple[Any, str, bool]] = []
        self._polling: PollingObserver | None = None

    def schedule(self, handler: Any, path: str, *, recursive: bool = False, **kw: Any) -> Any:
        self._asked.append((handler, path, recursive))
        return super().schedule(handler, path, recursive=recursive, **kw)

    def start(self) -> None:
        try:
            super().start()
        except OSError as err:
            log.warning(f"Watching by the system's notices failed ({err}); polling instead.")
            self._polling = PollingObserver(timeout=POLL_SECONDS)
            for handler, path, recursive in self._asked:
                self._polling.schedule(handler, path, recursive=recursive)
            self._polling.start()

    def stop(self) -> None:
        if self._polling is not None:
            self._polling.stop()
        super().stop()

    def join(self, timeout: float | None = None) -> None:
        if self._polling is not None:
            self._polling.join(timeout)
        if self.ident is not None:  # started
            super().join(timeout)


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


def serve_preview(
    root: Path, host: str, port: int, build_command: list[str], poll: bool = False
) -> None:
    """Build the preview, serve it at `host`:`port`, and build it again on each
    change to what MkDocs would watch (the content, the configuration, and the
    folders its ``watch`` lists). `build_command` runs build.py for `root`."""
    config = load_config(str(root / "mkdocs.yml"))
    site = root / PREVIEW_DIR
    address = f"http://{host}:{port}/"
    # The web editor reads admin/config.yml only if it is served as YAML, as
    # GitHub Pages serves it; Python's table has no .yml.
    mimetypes.add_type("text/yaml", ".yml")
    command = [*build_command, "preview-builder", "--site-dir", str(site), "--site-url", address]
    builder = Builder(command)

    def build() -> None:
        # A failed build leaves the preview as it was and says why on every
        # page (the browser reloads): an exception would stop the server.
        log.info("Building the preview...")
        reloaded = []

        def shown(reply: Reply) -> None:
            if reply.failure is not None:
                server.failure = reply.failure
                log.error(f"{reply.failure}\nIts problems are shown in the browser.")
            elif reply.pages:
                server.failure = None
                log.info(f"Showing {', '.join(reply.pages)}; the rest of the preview follows.")
            else:
                return
            server.reload_now()
            reloaded.append(True)

        changed = server.take_changes()
        if any(path.endswith(".py") for path in changed):
            log.info("The site's code changed: a new preview builder starts.")
            builder.stop()  # the one running has the old code imported
        site_built = _build(builder, changed, shown)
        if site_built.superseded:  # the next change is built at once
            return
        server.failure = site_built.failure
        if server.failure is not None:
            log.error("The build failed (see above); its problems are shown in the browser.")
        if reloaded:
            server.reload_when_built()

    server = PreviewServer(builder=build, host=host, port=port, root=str(site), poll=poll)
    server.error_handler = lambda code: server.error_page(site, code)
    server.on_change = builder.supersede
    previous = signal.signal(signal.SIGTERM, _interrupted)  # ended as by Ctrl-C
    try:
        build()  # served even if it failed: the next change may mend it
        for path in [config.docs_dir, config.config_file_path, *config.watch]:
            server.watch(path)
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        builder.stop()
        signal.signal(signal.SIGTERM, previous)


def _build(builder: Builder, changed: list[str], shown: Callable[[Reply], None]) -> Reply:
    """What the builder answered once the whole preview was built; a builder
    that stopped is said to have, and a new one builds the whole preview."""
    try:
        return builder.build(changed, shown)
    except BuilderStopped as stopped:
        log.error(f"{stopped} Starting a new one.")
    try:
        return builder.build([], shown)
    except BuilderStopped as again:
        log.error(f"{again} A new one is started on the next change.")
        return Reply("site", failure=f"{again}\nSave a file to start a new one.")


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
