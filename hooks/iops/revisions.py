"""The two sides `build.py diff` compares: a git revision's files, and the
sites built from each side with one "now"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

GIT_TIME_LIMIT = 300
"""Seconds `git archive` may take: a commit of this repository takes well under one."""

BUILD_TIME_LIMIT = 3600
"""Seconds each side's build may take before `diff` gives up on it (a cold
build of 20,000 posts takes a few minutes)."""


class RevisionError(Exception):
    """A side could not be exported or built: the message says which and why."""


def export_ref(root: Path, ref: str, dest: Path) -> Path:
    """Write the files of git `ref` (the part under `root`) into `dest`."""
    git = shutil.which("git")
    if git is None or ref.startswith("-"):
        raise RevisionError(f"base ({ref}): needs git installed, and a ref not an option.")
    try:
        found = subprocess.run(  # noqa: S603 (git, with a ref that is not an option)
            [git, "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            capture_output=True,  # both read to the end by run(): a few lines at most
            text=True,
            timeout=GIT_TIME_LIMIT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RevisionError(f"base ({ref}): git took more than {GIT_TIME_LIMIT} s.") from None
    if found.returncode:
        said = f" {found.stderr.strip()}" if found.stderr.strip() else ""
        raise RevisionError(f"base ({ref}): not a commit of the git repository at {root}.{said}")
    dest.mkdir(parents=True)
    # The archive goes to a file, not a pipe: reading a pipe while git also
    # writes to another one (or stopping half-way, when the tar is refused)
    # left git blocked on a full pipe and this process waiting for it.
    archive_path = dest.with_name(dest.name + ".tar")
    command = [git, "-C", str(root), "archive", "--format=tar", found.stdout.strip()]
    try:
        with archive_path.open("wb") as out:
            done = subprocess.run(  # noqa: S603 (git, with a commit's id)
                command, stdout=out, stderr=subprocess.PIPE, timeout=GIT_TIME_LIMIT, check=False
            )
    except subprocess.TimeoutExpired:
        raise RevisionError(
            f"base ({ref}): git archive took more than {GIT_TIME_LIMIT} s; nothing was compared."
        ) from None
    if done.returncode:
        said = done.stderr.decode(errors="replace").strip()
        raise RevisionError(f"base ({ref}): git archive failed: {said}")
    try:
        with tarfile.open(archive_path, mode="r:") as archive:
            archive.extractall(dest, filter="data")
    except tarfile.FilterError as err:
        raise RevisionError(
            f"base ({ref}): its files cannot be compared safely: {err} (a symlink or file "
            "that points outside the repository). Remove it from that commit's tree, or "
            "compare against an already built site with --base-site."
        ) from err
    except tarfile.TarError as err:
        raise RevisionError(f"base ({ref}): could not export it: {err}.") from err
    finally:
        archive_path.unlink(missing_ok=True)
    return dest


def share_npm_packages(root: Path, tree: Path) -> None:
    """Let the exported `tree` use `root`'s npm packages (node_modules/ is not in
    git): a site with the web editor copies its files from there when it builds."""
    packages = root / "node_modules"
    if packages.is_dir() and not (tree / "node_modules").exists():
        (tree / "node_modules").symlink_to(packages.resolve(), target_is_directory=True)


def build_sites(builds: dict[str, tuple[Path, Path]], now: int, fallback: Path) -> None:
    """Build each (source tree, site folder) side by side, all with one "now".

    Each tree is built by its own build.py (this one if it has none), so the
    comparison shows what code changes do to the pages as well as content.
    """
    # One hash seed too: where a set's order leaks into a file, both sides agree.
    env = {"PYTHONHASHSEED": "0", **os.environ}
    env["SOURCE_DATE_EPOCH"] = str(now)
    running = {}
    for label, (tree, site) in builds.items():
        script = tree / "build.py" if (tree / "build.py").is_file() else fallback
        args = ["--root", str(tree), "build", "--site-dir", str(site)]
        running[label] = subprocess.Popen(  # noqa: S603 (Python, on a build.py of this repository's)
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    failed = []
    for label, process in running.items():
        try:
            said, _ = process.communicate(timeout=BUILD_TIME_LIMIT)
        except subprocess.TimeoutExpired:
            for other in running.values():
                other.kill()
                other.communicate()
            raise RevisionError(
                f"{label}: the build took more than {BUILD_TIME_LIMIT} s; nothing was compared."
            ) from None
        if process.returncode:
            failed.append(label)
            print(f"{label}: the build failed:", file=sys.stderr)
            print("".join(f"  {line}\n" for line in said.splitlines()), file=sys.stderr, end="")
    if failed:
        raise RevisionError(f"Nothing was compared: {' and '.join(failed)} did not build.")
