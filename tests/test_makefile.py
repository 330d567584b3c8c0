"""`make test` on a fresh machine: what the tests need besides Python is found,
installed (as root, with apt-get), or named in one command within seconds."""

from __future__ import annotations

import shutil
import subprocess
import time

from conftest import REPO


def _system_tools(*assignments: str) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    assert make, "make is missing"
    return subprocess.run(
        [make, "--no-print-directory", "-C", str(REPO), "system-tools", *assignments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_missing_tool_stops_make_at_once_with_the_command_to_run() -> None:
    started = time.monotonic()
    done = _system_tools(
        "SYSTEM_TOOLS=sh:dash no-such-browser-here:chromium no-such-jing:jing", "APT_INSTALL=no"
    )
    assert time.monotonic() - started < 10
    assert done.returncode != 0
    assert "sudo apt-get install chromium jing" in done.stderr
    assert "dash" not in done.stderr  # found, so not asked for


def test_nothing_is_said_or_installed_when_every_tool_is_there() -> None:
    done = _system_tools("SYSTEM_TOOLS=sh:dash make:make", "APT_INSTALL=no")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_the_real_tools_are_all_there_after_make_test_set_up() -> None:
    # make test ran system-tools before this suite: it found or installed each.
    done = _system_tools("APT_INSTALL=no")
    assert done.returncode == 0, done.stderr
