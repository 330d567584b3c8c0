"""Run Pagefind on several folders, a few at a time, then exit.

    python pagefind_runner.py JOBS PAGEFIND PAGES BUNDLE [PAGES BUNDLE]...

Pagefind indexes each folder PAGES into the folder BUNDLE, and what it said
goes to ``pagefind.log`` beside PAGES. The exit status is 1 if any run failed.

`search` starts this as a program of its own, in the background, so that
the build goes on rendering pages meanwhile: a thread in the build would
stop it forking its workers safely, and starting every run at once would
hold every part's index in memory at the same time. It imports nothing of
the project.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    jobs, pagefind, folders = max(1, int(argv[1])), argv[2], [Path(f) for f in argv[3:]]
    runs = list(zip(folders[::2], folders[1::2], strict=True))
    running: dict[int, subprocess.Popen[bytes]] = {}
    failed = False
    while runs or running:
        while runs and len(running) < jobs:
            pages, bundle = runs.pop(0)
            command = [pagefind, "--site", str(pages), "--output-path", str(bundle)]
            command += ["--exclude-selectors", ".headerlink", "--silent"]  # the "¶" links
            # What it says goes to a file: a pipe nobody reads could fill up.
            with pages.with_name("pagefind.log").open("wb") as said:
                process = subprocess.Popen(  # noqa: S603 (the build's own binary and folders)
                    command, stdout=said, stderr=subprocess.STDOUT
                )
            running[process.pid] = process
        pid, status = os.wait()
        process = running.pop(pid)
        process.returncode = os.waitstatus_to_exitcode(status)
        failed = failed or process.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
