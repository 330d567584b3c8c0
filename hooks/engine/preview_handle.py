"""`serve`'s handle on its warm builder (`preview_builder`): starts it, tells
it of each change, reads its answers as they come, each within a time limit,
and ends it (with its workers) when it stops answering.

The builder's answers come on a pipe of their own, read while they come;
what it says besides goes to `serve`'s output (or a file), never to a pipe
that could fill.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import IO

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
