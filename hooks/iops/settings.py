"""Site-wide settings, read from `extra.iops` in mkdocs.yml without MkDocs."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import po_files
from .problems import Problem


@dataclass(frozen=True)
class Settings:
    root: Path = field(metadata={"fingerprint": False})
    """The project folder: it holds content/, chapters/ and mkdocs.yml. Where
    it is on disk never shows in the site, so the build cache ignores it."""
    site_url: str
    """Absolute URL of the published site, ending in '/'."""
    site_name: str = "IOPS"
    site_description: str = ""
    """What the site is, in a sentence (`site_description`): shared links and
    search engines show it for a page without a summary of its own."""
    language: str = "en"
    """The language of an item without `lang`."""
    timezone: str = "UTC"
    """The timezone of an item whose chapter names none."""
    page_size: int = 10
    """Items per page of a listing."""
    home_size: int = 5
    """Items per section of the home page."""
    feed_size: int = 20
    """Items per feed, the newest, with their full text (`feeds.plan_feeds`)."""
    search_part_size: int = 4500
    """Posts and news per part of a language's search index, counted from the
    oldest (`search.index_parts`): the memory Pagefind needs grows with it,
    and so does the work a new post costs (the newest part holds fewer)."""
    repository: str | None = None
    """The site's repository on GitHub (https://github.com/<org>/<repo>): edit links."""
    branch: str = "main"
    """The branch that is published."""
    editors: tuple[str, ...] = ()
    """GitHub accounts or teams that review everything outside a chapter's folder."""
    locales: Path | None = field(default=None, compare=False, metadata={"fingerprint": False})
    """The translation catalogs' folder (`theme.custom_dir`/locales), if the site
    has a theme folder. A change to a catalog renews the pages through the
    theme's digest, so the cache need not see the path."""
    editor: bool = False
    """Publish the web editor at /admin/ (`editor`, `admin_site`): it needs `repository`."""
    editor_auth: str | None = None
    """The address of the GitHub OAuth exchange the organization deploys for the
    editor's "Login with GitHub" (CONTRIBUTING.md); without it members sign in
    with a token."""
    join: str | None = None
    """Where the Join page sends a reader who asks to join: an http(s) address
    its form posts to, or a mailto: address it links (no third party's script)."""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may hold tags such as !!python/name for MkDocs."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


class SettingsError(ValueError):
    """`extra.iops` in mkdocs.yml has settings that cannot be used: all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def load_settings(root: Path, config_file: str = "mkdocs.yml") -> Settings:
    text = (root / config_file).read_text("utf-8")
    config: dict[str, Any] = yaml.load(text, _TolerantLoader)  # noqa: S506
    return settings_from_config(root, config, lines=_setting_lines(text), config_file=config_file)


def settings_from_config(
    root: Path,
    config: dict[str, Any],
    *,
    lines: dict[str, int] | None = None,
    config_file: str = "mkdocs.yml",
) -> Settings:
    """The settings, or a `SettingsError` naming each one that is wrong (at its
    line in `config_file`, where `lines` says it)."""
    extra = config.get("extra")  # MkDocs hands a Mapping of its own, not a dict
    options = (extra.get("iops") if isinstance(extra, Mapping) else None) or {}
    if not isinstance(options, Mapping):
        options = {"": options}
    problems = [
        Problem(config_file, (lines or {}).get(name), f"extra.iops.{name}".rstrip("."), *wrong)
        for name, value in options.items()
        if (wrong := _what_is_wrong(str(name), value))
    ]
    if problems:
        raise SettingsError(problems)
    options = dict(options)
    site_url = str(config.get("site_url") or "http://localhost:8000/")
    site_name = str(config.get("site_name") or "IOPS")
    options["editors"] = tuple(options.get("editors") or ())
    if options.get("editor") and not options.get("repository"):
        line = (lines or {}).get("editor")
        raise SettingsError(
            [
                Problem(
                    config_file,
                    line,
                    "extra.iops.editor",
                    "the web editor needs the repository it opens pull requests on",
                    "set extra.iops.repository: https://github.com/<org>/<repo>",
                )
            ]
        )
    return Settings(
        root=root,
        site_url=site_url.rstrip("/") + "/",
        site_name=site_name,
        site_description=str(config.get("site_description") or ""),
        locales=_locales(root, config.get("theme")),
        **options,
    )


def _locales(root: Path, theme: Any) -> Path | None:
    """theme/locales: `custom_dir` is in mkdocs.yml's mapping, or MkDocs' Theme."""
    custom = theme.get("custom_dir") if isinstance(theme, Mapping) else None
    if custom is None and theme is not None and not isinstance(theme, Mapping | str):
        custom = getattr(theme, "custom_dir", None)
    if not isinstance(custom, str) or not custom:
        return None
    return (root / custom / po_files.LOCALES).resolve()


_COUNTS = {
    "page_size": 1,
    "home_size": 1,
    "feed_size": 1,
    "search_part_size": 1,
}
"""The settings that are a whole number, and the least each may be."""
_TEXTS = ("language", "timezone", "branch")
_OTHERS = ("repository", "editors", "editor", "editor_auth", "join")
_JOIN = re.compile(r"^(?:https?://[^\s/<>\"'`]+[^\s<>\"'`]*|mailto:[^\s@<>\"'`]+@[^\s<>\"'`]+)$")
"""A web address the Join form posts to, or a mail address it links."""


def _what_is_wrong(name: str, value: Any) -> tuple[str, str] | None:
    """What is wrong with one setting, and how to fix it; None if nothing."""
    if not name:
        return "is not a list of settings", "write one `name: value` a line under `iops:`"
    if name in _COUNTS:
        least = _COUNTS[name]
        if isinstance(value, bool) or not isinstance(value, int):
            return f"is {value!r}, not a whole number", f"write a number, {least} or more"
        if value < least:
            return f"is {value}, less than {least}", f"write a number, {least} or more"
    elif name in _TEXTS:
        if not isinstance(value, str) or not value.strip():
            return f"is {value!r}, not a text", f"write the {name} as text"
        if name == "timezone":
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return f"{value!r} is not a time zone", "write one like Europe/Berlin or UTC"
    elif name == "repository":
        if value is not None and not (
            isinstance(value, str) and value.startswith("https://github.com/")
        ):
            return (
                f"is {value!r}",
                "write the repository's address: https://github.com/<org>/<repo>",
            )
    elif name == "editor":
        if not isinstance(value, bool):
            return f"is {value!r}, not true or false", "write true to publish the editor at /admin/"
    elif name == "editor_auth":
        if value is not None and not (isinstance(value, str) and value.startswith("https://")):
            return f"is {value!r}", "write the address of the OAuth exchange: https://..."
    elif name == "editors":
        if value is not None and not (
            isinstance(value, list) and all(isinstance(e, str) and e for e in value)
        ):
            return f"is {value!r}", "write a list of GitHub accounts or teams (org/team)"
    elif name == "join":
        if value is not None and not (isinstance(value, str) and _JOIN.match(value)):
            return (
                f"is {value!r}",
                "write the address the Join form posts to (https://…) "
                "or the address to write to (mailto:join@example.org)",
            )
    else:
        known = ", ".join(sorted([*_COUNTS, *_TEXTS, *_OTHERS]))
        return "is not a setting", f"remove it, or correct its name (the settings are: {known})"
    return None


def _setting_lines(text: str) -> dict[str, int]:
    """The line of each setting under `extra.iops`, read from the YAML's nodes."""
    try:
        document = yaml.compose(text, _TolerantLoader)
    except yaml.YAMLError:
        return {}
    node = document
    for key in ("extra", "iops"):
        if not isinstance(node, yaml.MappingNode):
            return {}
        node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


@dataclass(frozen=True)
class BuildTime:
    """The build's "now", and where it was read."""

    now: dt.datetime
    source: str
    """``SOURCE_DATE_EPOCH``, ``the last commit`` or ``the clock``."""
    why: str = ""
    """When the clock had to stand in for the last commit: why."""

    @property
    def epoch(self) -> int:
        return int(self.now.timestamp())


def build_time(root: Path | None = None) -> dt.datetime:
    """The build's "now" (see `read_build_time`)."""
    return read_build_time(root).now


def read_build_time(root: Path | None = None) -> BuildTime:
    """The build's "now": read once, then passed down.

    It decides which events are upcoming and which scheduled posts are out,
    so it is all that a build reads of time. In order:

    1. ``SOURCE_DATE_EPOCH`` when set (seconds since 1970, UTC). The deploy
       workflow sets it to the time it runs, so that nightly builds move
       events on; anyone can set it to build a day as it was.
    2. With `root`, the time of the last commit of the git checkout holding
       it: two builds of one commit are the same byte for byte, whenever and
       wherever they run. A working tree with uncommitted changes is built
       as of its last commit too, so a post dated after it waits.
    3. The clock: for a folder that is not a git checkout (a downloaded
       zip, a test's fixture) or where git is missing; `why` says which.

    Without `root` (a preview, a new file's date) the clock is wanted, so
    no commit is looked up.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return BuildTime(_from_epoch(epoch), "SOURCE_DATE_EPOCH")
    if root is not None:
        committed, why = _last_commit_time(root)
        if committed is not None:
            return BuildTime(dt.datetime.fromtimestamp(committed, dt.UTC), "the last commit")
        return BuildTime(dt.datetime.now(dt.UTC), "the clock", why)
    return BuildTime(dt.datetime.now(dt.UTC), "the clock")


def _from_epoch(epoch: str) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"SOURCE_DATE_EPOCH is {epoch!r}: it must be a whole number of seconds since "
            "1970-01-01 UTC, such as the output of `date +%s`"
        ) from None


def _last_commit_time(root: Path) -> tuple[int | None, str]:
    """The committer time of the last commit at `root`, or why there is none."""
    git = shutil.which("git")
    if git is None:
        return None, "git is not installed, so the time of the last commit is unknown"
    command = [git, "-C", str(root), "-c", "log.showSignature=false", "log", "-1", "--format=%ct"]
    try:
        done = subprocess.run(  # noqa: S603 (a fixed command; root is a folder name)
            command, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as err:
        return None, f"git could not be run ({err})"
    said = done.stdout.strip()
    if done.returncode or not said.isdigit():
        errors = done.stderr.strip().splitlines()
        reason = errors[-1] if errors else "it has no commit yet"
        return None, f"{root} is not a git checkout with a commit ({reason})"
    return int(said), ""
