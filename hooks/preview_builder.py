"""`serve`'s warm builder: a process that builds the preview and stays, and its handle.

`build.py serve` runs a threaded server, which must not fork (a lock held by
one of its threads would stay held in the child for ever); the build forks
its workers. So the preview is built by a process of its own, started by
`serve` (`Builder`) and kept between saves (`run_builder`, which `build.py
preview-builder` runs): its code stays imported, and what its last build
made stays in memory (`preview_page.Warm`), so that a saved page is shown in
a fraction of a second, before the whole preview is built again from the
cache, as `build.py build --preview` builds it.

They speak in lines of JSON. `serve` writes one for each change:
``{"changed": [absolute paths]}``. The builder answers twice: ``{"step":
"page", "pages": [...], "failure": ...}`` once the saved pages are shown
(none, when none could be shown first; `failure`: a saved file's problems),
then ``{"step": "site", "failure": ...}`` once the whole preview is built
(`failure`: what the failed build said; `superseded`: it was stopped, on
SIGUSR1, because a newer change came, which is sent next). Nothing else is written to that
pipe: what the builder and its workers say goes to `serve`'s own output,
never to a pipe that could fill. `serve` waits for each answer for a time
(`PAGE_TIME_LIMIT`, `BUILD_TIME_LIMIT`); a builder that stops or does not
answer in time is ended, and `serve` starts a new one.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from preview_page import Shown, Warm, keep_warm, show_first

log = logging.getLogger("mkdocs.preview")

PAGE_TIME_LIMIT = 300.0
"""Seconds to show the saved pages first (a page's Markdown may take 30 s;
a new builder imports its code and may have a first build of its own)."""
BUILD_TIME_LIMIT = 3600.0
"""Seconds a whole preview build may take before the builder is stopped."""
STOP_WAIT = 10.0
"""Seconds a builder is given to end at each step of `Builder.stop`."""


@dataclass(frozen=True)
class Reply:
    """One answer of the builder."""

    step: str
    """``page`` (the saved pages shown first) or ``site`` (the whole preview built)."""
    pages: tuple[str, ...] = ()
    failure: str | None = None
    """What to show instead: a saved file's problems, or what a failed build said."""
    superseded: bool = False
    """The build was stopped for a newer change (`Builder.supersede`)."""


class BuilderStopped(Exception):
    """The builder ended, or did not answer in time (and was ended)."""


class Builder:
    """The warm builder as `serve` (and the benchmark) drive it: started on
    first use, and again when it was found stopped."""

    def __init__(
        self,
        command: list[str],
        output: IO[bytes] | None = None,
        limits: tuple[float, float] = (PAGE_TIME_LIMIT, BUILD_TIME_LIMIT),
    ) -> None:
        self.command = command
        """Runs ``build.py … preview-builder``."""
        self.limits = limits
        """Seconds to wait for each answer: the pages shown first, the whole preview."""
        self.output = output
        """Where what the builder says goes (a file); None: to this process's stderr."""
        self.process: subprocess.Popen[bytes] | None = None
        self._pending = b""
        self._step: str | None = None
        """The answer awaited (``page`` or ``site``): None when idle."""

    def build(self, changed: list[str], shown: Callable[[Reply], None]) -> Reply:
        """Tell the builder of a change (the paths changed; none: build all);
        `shown` gets its first answer, once the saved pages are shown (or not);
        the second, once the whole preview is built, is returned."""
        process = self._running()
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps({"changed": changed}).encode() + b"\n")
            process.stdin.flush()
        except OSError:
            raise self._stopped("was gone") from None
        self._step = "page"
        shown(self._reply("page", self.limits[0]))
        self._step = "site"
        built = self._reply("site", self.limits[1])
        self._step = None
        return built

    def supersede(self) -> None:
        """A newer change came: stop the whole build under way, if one is
        (its answer then says so), so that the change is shown at once, not
        once that build has ended. Called from the server's watcher thread."""
        process = self.process
        if self._step == "site" and process is not None:
            with suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGUSR1)

    def _running(self) -> subprocess.Popen[bytes]:
        if self.process is not None and self.process.poll() is not None:
            log.error(f"The preview builder had stopped (exit code {self.process.returncode}).")
            self.stop()
        if self.process is None:
            self._pending = b""
            # A session of its own: a Ctrl-C in the terminal is `serve`'s to
            # handle, and `stop` ends the builder with its workers.
            self.process = subprocess.Popen(  # noqa: S603 (build.py)
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.output,
                start_new_session=True,
            )
            log.info(f"Started the preview builder (process {self.process.pid}).")
        return self.process

    def _reply(self, step: str, seconds: float) -> Reply:
        """The builder's next answer, read as it comes, within `seconds`."""
        assert self.process is not None and self.process.stdout is not None
        pipe = self.process.stdout.fileno()
        deadline = time.monotonic() + seconds
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._stopped(f"took more than {seconds:g} s")
            if select.select([pipe], [], [], left)[0]:
                chunk = os.read(pipe, 1 << 16)
                if not chunk:
                    raise self._stopped("stopped")
                self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        try:
            said = json.loads(line)
            pages, failure = tuple(said.get("pages", ())), said.get("failure")
            reply = Reply(said["step"], pages, failure, bool(said.get("superseded")))
        except (ValueError, KeyError, TypeError):
            raise self._stopped(f"answered {line[:200]!r}") from None
        if reply.step != step:
            raise self._stopped(f"answered {reply.step!r} for {step!r}")
        return reply

    def _stopped(self, what: str) -> BuilderStopped:
        code = self.stop()
        return BuilderStopped(f"The preview builder {what} (exit code {code}).")

    def stop(self) -> int | None:
        """End the builder: its input closed (an idle builder then ends),
        then its process group (its workers too) sent SIGTERM, then SIGKILL;
        one in the middle of a build, by the signals at once. Its exit code."""
        process, self.process = self.process, None
        if process is None:
            return None
        assert process.stdin is not None and process.stdout is not None
        with suppress(OSError):
            process.stdin.close()
        code = None
        signals = (signal.SIGTERM, signal.SIGKILL)
        for sent in signals if self._step else (None, *signals):
            if sent is not None:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, sent)
            try:
                code = process.wait(timeout=STOP_WAIT)
                break
            except subprocess.TimeoutExpired:
                continue
        process.stdout.close()
        self._step = None
        return code


# --- The builder's side -------------------------------------------------------------------


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
