"""A fixture site that is a git repository, with commits at fixed times."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from conftest import FixtureSite


class GitSite:
    """Commits to the git repository at a fixture site's root."""

    def __init__(self, site: FixtureSite) -> None:
        self.site = site
        self.day = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
        site.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        site.write(".gitignore", ".cache/\nsite/\n")

    def git(self, *args: str) -> str:
        when = self.day.isoformat()
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            [
                "git",
                "-C",
                str(self.site.root),
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.org",
                "-c",
                "commit.gpgsign=false",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=True,
        )
        return done.stdout.strip()

    def commit(self, message: str, files: dict[str, str], days: int = 1) -> str:
        """Write the files, commit them all a day (or `days`) after the last commit."""
        self.day += dt.timedelta(days=days)
        for rel, text in files.items():
            self.site.write(rel, text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    @property
    def root(self) -> Path:
        return self.site.root
