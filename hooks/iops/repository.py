"""The site's git repository on GitHub: where each page's source lives, and who reviews it.

Two things come from here: every page's "Edit this page" and "History"
links, and the CODEOWNERS file that makes GitHub ask a chapter's admins to
review changes to their chapter's folder (and the editors for the rest).
Pure functions over settings and the model; `build.py codeowners` writes
the file and a test keeps the committed one up to date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .fields import GITHUB_ACCOUNT_PATTERN
from .model import Site
from .problems import Problem
from .settings import Settings

CODEOWNERS_PATH = ".github/CODEOWNERS"

# An editor is a GitHub account or a team, "org/team-slug".
TEAM_PATTERN = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}/[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class SourceLinks:
    """Where a reader can see, change and trace a page's source on GitHub."""

    edit_url: str
    """The file in GitHub's editor, or the folder a generated page is made from."""
    history_url: str
    """The commits that touched that file or folder."""
    is_file: bool
    """False for generated pages (listings), whose source is a folder of files."""


def source_of(url: str) -> str:
    """The folder a generated page is made from, by its URL.

    Listings show the files of one section (`chapters/<c>/events/` lists
    `chapters/<c>/events/`); pages that draw on the whole site (tags, feeds)
    point at content/.
    """
    parts = [part for part in url.split("/") if part]
    if parts[:1] == [urls.CHAPTERS_DIR]:
        if len(parts) >= 3 and parts[2] in urls.CHAPTER_SECTIONS:
            return "/".join(parts[:3])
        return "/".join(parts[:2])
    if parts[:1] == ["federation"]:
        return urls.CHAPTERS_DIR
    if parts and parts[0] in urls.SECTION_KINDS:
        return f"{urls.CONTENT_DIR}/{parts[0]}"
    return urls.CONTENT_DIR


def nearest_folder(root: Path, path: str) -> str:
    """`path`, or its closest parent that exists: a chapter without events
    still has an events listing (its sub-chapters'), but no events folder."""
    parts = path.split("/")
    while len(parts) > 1 and not (root / "/".join(parts)).is_dir():
        parts.pop()
    return "/".join(parts)


def source_links(settings: Settings, path: str, is_file: bool) -> SourceLinks | None:
    """Links to `path` (project-relative) on GitHub; None when no repository is set."""
    if not settings.repository:
        return None
    base = settings.repository.rstrip("/")
    branch = settings.branch
    edit = f"{base}/edit/{branch}/{path}" if is_file else f"{base}/tree/{branch}/{path}"
    return SourceLinks(edit, f"{base}/commits/{branch}/{path}", is_file)


def _owner(account: str) -> str:
    return "@" + account.removeprefix("@")


def codeowners(site: Site) -> tuple[str, list[Problem]]:
    """The CODEOWNERS file, and the problems that keep someone from owning their part.

    GitHub applies the last pattern that matches a path, so the editors'
    catch-all comes first and each chapter's folder follows with its admins
    alone: they review their chapter's changes without waiting for an editor.
    A chapter none of whose admins has a GitHub account stays with the editors.
    """
    settings = site.settings
    problems = [
        Problem(
            "mkdocs.yml",
            None,
            "extra.iops.editors",
            f"{editor!r} is not a GitHub account or team",
            "write an account such as `ada-example` or a team such as `iops/editors`",
        )
        for editor in settings.editors
        if not (
            GITHUB_ACCOUNT_PATTERN.match(editor.lstrip("@"))
            or TEAM_PATTERN.match(editor.lstrip("@"))
        )
    ]
    if not settings.editors:
        problems.append(
            Problem(
                "mkdocs.yml",
                None,
                "extra.iops.editors",
                "no editors are named, so nobody would own the site's files",
                "list the editors' GitHub accounts or team under extra.iops.editors",
            )
        )
    lines = [
        "# Who reviews what. Made by `python build.py codeowners` from the",
        "# editors in mkdocs.yml and each chapter's admins; do not edit by hand.",
        "",
        "* " + " ".join(_owner(e) for e in settings.editors),
    ]
    for chapter in sorted(site.of_kind("chapter"), key=lambda c: c.slug):
        owners = []
        for handle in chapter.field("admins") or ():
            member = site.members.get(handle)
            account = member.field("github") if member else None
            if account:
                owners.append(_owner(account))
            elif member is not None:
                problems.append(
                    Problem(
                        member.source,
                        None,
                        "github",
                        f"{member.title} is an admin of {chapter.title} but has no GitHub "
                        f"account here, so cannot review changes to {chapter.slug}'s pages",
                        "add `github: <their GitHub user name>` to this file",
                        severity="warning",
                    )
                )
        if owners:
            lines.append(f"/{urls.CHAPTERS_DIR}/{chapter.slug}/ " + " ".join(sorted(set(owners))))
    return "\n".join(lines) + "\n", problems
