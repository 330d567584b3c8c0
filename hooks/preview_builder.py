"""`serve`'s warm builder: a process that builds the preview, and stays.

`build.py serve` runs a threaded server, which must not fork (a lock held by
one of its threads would stay held in the child for ever); the build forks
its workers. So the preview is built by a process of its own, started by
`serve` (`preview_handle.Builder`) and kept between saves (`run_builder`,
which `build.py preview-builder` runs): its code stays imported, and what
its last build made stays in memory (`preview_page.Warm`), so that a saved
page is shown in a fraction of a second, before the whole preview is built
again from the cache, as `build.py build --preview` builds it.

They speak in lines of JSON. `serve` writes one for each change:
``{"changed": [absolute paths]}``. The builder answers twice: ``{"step":
"page", "pages": [...], "failure": ...}`` once the saved pages are shown
(none, when none could be shown first; `failure`: a saved file's problems),
then ``{"step": "site", "failure": ..., "superseded": ...}`` once the whole
preview is built (`failure`: what the failed build said; `superseded`: it
was stopped, on SIGUSR1, because a newer change came, which is sent next).
Nothing else is written to that pipe: what the builder and its workers say
goes to `serve`'s own output, never to a pipe that could fill. `serve`
waits for each answer for a time; a builder that stops or does not answer
in time is ended, and `serve` starts a new one.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from preview_page import Shown, Warm, keep_warm, show_first

log = logging.getLogger("mkdocs.preview")


def run_builder(root: Path, site: Path, build_site: Callable[[], bool]) -> None:
    """Answer each change read from stdin (see the module's docstring) until
    stdin ends. `build_site` builds the whole preview into `site` as
    `build.py build --preview` does, and says whether it succeeded."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what is printed is not an answer
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    warm: Warm | None = None
    stopper = _Stopper()
    signal.signal(signal.SIGUSR1, stopper.stop)
    for line in sys.stdin:
        changed = [str(path) for path in json.loads(line).get("changed", ())]
        with _captured():
            shown = _show_first(warm, root, site, changed)
        _send(replies, {"step": "page", "pages": shown.pages, "failure": shown.problems})
        _set_epoch(epoch)  # the build sets it to its own "now": the next reads the clock again
        with _captured() as said:
            built = _build(build_site, stopper)
            if built:
                warm = _keep_warm(root) or warm
        failure = None if built is not False else said.text
        _send(replies, {"step": "site", "failure": failure, "superseded": built is None})


def _show_first(warm: Warm | None, root: Path, site: Path, changed: list[str]) -> Shown:
    try:
        return show_first(warm, root, site, changed)
    except Exception as err:  # the whole build follows, and says what is wrong
        log.info(f"The saved page could not be shown first ({err!r}).", exc_info=err)
        return Shown()


class Superseded(BaseException):
    """Raised in the builder when `serve` says a newer change came."""


class _Stopper:
    """Stops the whole build under way when `serve` sends SIGUSR1 (a newer
    change came), wherever it is: as a build killed would leave them, its
    scratch folders are deleted by the next build, and the preview's folder,
    perhaps updated in part, is updated whole by that build, which follows at
    once. Once a build: its cleaning up is not stopped in turn."""

    def __init__(self) -> None:
        self.building = False
        self.stopped = False

    @contextmanager
    def stoppable(self) -> Iterator[None]:
        self.building, self.stopped = True, False
        try:
            yield
        finally:
            self.building = False

    def stop(self, signum: int, frame: object) -> None:
        if self.building and not self.stopped:
            self.stopped = True
            raise Superseded


def _keep_warm(root: Path) -> Warm | None:
    try:
        return keep_warm(root)
    except Exception as err:  # the next save goes to the whole build alone
        log.info(f"What the build made could not be kept ({err!r}).", exc_info=err)
        return None


def _build(build_site: Callable[[], bool], stopper: _Stopper) -> bool | None:
    """Whether the whole preview was built; None if it was stopped for a newer change."""
    try:
        with stopper.stoppable():
            return build_site()
    except Superseded:
        sys.stderr.write("A newer change came: the build stopped, and starts again.\n")
        return None
    except Exception as err:  # said in the browser; the builder goes on
        log.debug("The preview build failed:", exc_info=err)  # the traceback with -v only
        sys.stderr.write(f"The preview build failed: {type(err).__name__}: {err}\n")
        return False


def _send(replies: IO[str], reply: dict[str, object]) -> None:
    replies.write(json.dumps(reply) + "\n")
    replies.flush()


def _set_epoch(epoch: str | None) -> None:
    if epoch is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = epoch


class _Said:
    text = ""


@contextmanager
def _captured() -> Iterator[_Said]:
    """What the block writes to stdout and stderr, its forked workers and
    Pagefind too (through a file, never a pipe), then passed on to stderr."""
    said = _Said()
    sys.stdout.flush()
    sys.stderr.flush()
    terminal = os.dup(sys.stderr.fileno())
    with tempfile.TemporaryFile() as file:
        os.dup2(file.fileno(), sys.stdout.fileno())
        os.dup2(file.fileno(), sys.stderr.fileno())
        try:
            yield said
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(terminal, sys.stdout.fileno())
            os.dup2(terminal, sys.stderr.fileno())
            os.close(terminal)
            file.seek(0)
            said.text = file.read().decode("utf-8", errors="replace")
            sys.stderr.write(said.text)
            sys.stderr.flush()
