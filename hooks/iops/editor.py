"""The web editor's configuration (Decap CMS at /admin/), made from the content schema.

Members who do not use git write posts, news and events in the browser. What the
editor offers is read from `schema.SCHEMAS`: each editable kind is a collection
(once for the organization and once for each chapter's folder, so that a member
first picks where the post goes), each of its fields a widget with the schema's
required or optional status. A field the schema gains without a widget here is
an error of the build (`EditorFieldError`), so the two cannot drift apart.

Every change is a pull request: the editorial workflow keeps each new post on a
branch of its own, and members without write access work from their fork (open
authoring). Statements, pages, members and chapters are not editable here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import babel

from . import urls
from .model import Site
from .schema import SCHEMAS
from .settings import Settings

EDITABLE = {"post": "blog", "news": "news", "event": "events"}
"""The kinds the editor writes, and their folder (content/<folder> or chapters/<c>/<folder>)."""
_LABELS = {
    "post": ("Blog", "Blog post"),
    "news": ("News", "News item"),
    "event": ("Events", "Event"),
}

NO_GITHUB_LOGIN = "admin/no-github-login.html"
"""Opened by "Login with GitHub" until `editor_auth` is set: it says to use a token."""

NOT_IN_EDITOR = {
    "draft": "the editorial workflow holds a post back until its pull request is merged",
    "aliases": "old addresses of imported pages; no new post has any",
    "translation_of": "a translation is started with build.py new --translate, which fills it",
    "original_commit": "the commit a translation follows: build.py new --translate records it",
}
"""Schema fields the editor leaves out on purpose, and why."""

# Decap's datetime widget writes the wall-clock time our `local_datetime` reads.
_DATETIME = {
    "widget": "datetime",
    "format": "YYYY-MM-DDTHH:mm",
    "date_format": "YYYY-MM-DD",
    "time_format": "HH:mm",
    "picker_utc": False,
}

_WIDGETS: dict[str, dict[str, Any]] = {
    "title": {"label": "Title", "widget": "string"},
    "date": {**_DATETIME, "label": "Date", "hint": "When it is published, in local time."},
    "author": {"label": "Author", "widget": "select", "hint": "You, as a member of IOPS."},
    "tags": {
        "label": "Tags",
        "widget": "list",
        "hint": "Topics, separated by commas: each tag has its own page and feed.",
    },
    "image": {
        "label": "Picture",
        "widget": "string",
        "hint": "The path of a picture in the repository, e.g. images/photo.jpg.",
        "pattern": [r"^[^:\s]+$", "The path of a picture on this site, without spaces."],
    },
    "lang": {"label": "Language", "widget": "select", "hint": "If it is not in {language}."},
    "summary": {
        "label": "Summary",
        "widget": "text",
        "hint": "A sentence or two for listings and feeds; else the start of the text.",
    },
    "start": {**_DATETIME, "label": "Starts", "hint": "In the event's local time."},
    "end": {**_DATETIME, "label": "Ends", "hint": "In the event's local time."},
    "timezone": {
        "label": "Timezone",
        "widget": "string",
        "hint": "Of start and end, if not the chapter's, e.g. Europe/Berlin.",
        "pattern": [r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", "A name such as Europe/Berlin."],
    },
    "location": {"label": "Location", "widget": "string", "hint": "Where it takes place."},
    "online": {
        "label": "Online",
        "widget": "string",
        "hint": "Where to join it online.",
        "pattern": [r"^https?://\S+$", "An address that starts with https://."],
    },
}
_BODY = {"label": "Text", "name": "body", "widget": "markdown", "hint": "In Markdown."}


class EditorFieldError(LookupError):
    """A field of an editable kind has no widget: the editor would not offer it."""


@dataclass(frozen=True)
class EditorInputs:
    """All of a site the editor's configuration is made from. The build
    cache keeps admin/config.yml by a digest of these (`templating.output_files`):
    made from the whole site, whose build time is new on every build, the
    file (10 MB at 10,000 posts) was written again by every build, 2 s of it."""

    settings: Settings
    owners: tuple[tuple[str | None, str], ...]
    """The organization, then each chapter by name: (folder name, name)."""
    members: tuple[tuple[str, str], ...]
    """(handle, name), by name."""
    languages: tuple[str, ...]


def editor_inputs(site: Site) -> EditorInputs:
    chapters = sorted(((c.slug, c.title) for c in site.chapters.values()), key=lambda o: o[1])
    members = site.members
    return EditorInputs(
        site.settings,
        ((None, site.settings.site_name), *chapters),
        tuple(
            (h, members[h].title)
            for h in sorted(members, key=lambda h: (members[h].title.casefold(), h))
        ),
        tuple(sorted(site.languages)),
    )


def editor_config(site: Site | EditorInputs) -> dict[str, Any]:
    """Decap CMS's configuration for `site`: its backend and one collection per
    editable kind and owner (the organization, then each chapter by name)."""
    site = site if isinstance(site, EditorInputs) else editor_inputs(site)
    settings = site.settings
    backend: dict[str, Any] = {
        "name": "github",
        "repo": (settings.repository or "").removeprefix("https://github.com/"),
        "branch": settings.branch,
        "open_authoring": True,
        "auth_scope": "public_repo",
    }
    if settings.editor_auth:
        backend["base_url"] = settings.editor_auth
        backend["auth_endpoint"] = "auth"
    else:  # else Decap would send members to Netlify's sign-in, which is not ours
        backend["base_url"] = settings.site_url.rstrip("/")
        backend["auth_endpoint"] = NO_GITHUB_LOGIN
    fields = {kind: [*widget_fields(site, kind), _BODY] for kind in EDITABLE}
    return {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "site_url": settings.site_url,
        "display_url": settings.site_url,
        "locale": "en",
        "media_folder": "content/images",
        "public_folder": "/images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            _collection(kind, owner, name, fields[kind])
            for owner, name in site.owners
            for kind in EDITABLE
        ],
    }


def config_yaml(site: Site | EditorInputs) -> bytes:
    """`editor_config` as the admin/config.yml the editor reads.

    Written as JSON, which is YAML too (the editor's reader takes it): every
    collection lists the members and languages in full (the reader caps YAML
    aliases), so a site of 200 chapters and 400 members has a file of 10 MB,
    which PyYAML took 50 s to write and json writes in a fraction of one."""
    config = editor_config(site)
    text = json.dumps(config, ensure_ascii=False, indent=1)
    return ("# Made by build.py from hooks/iops/schema.py: do not edit.\n" + text + "\n").encode()


def _collection(
    kind: str, owner: str | None, owner_name: str, fields: list[dict[str, Any]]
) -> dict[str, Any]:
    folder = f"{urls.owner_prefix(owner) or urls.CONTENT_DIR + '/'}{EDITABLE[kind]}"
    plural, singular = _LABELS[kind]
    return {
        "name": f"{owner}-{EDITABLE[kind]}" if owner else EDITABLE[kind],
        "label": f"{plural}: {owner_name}",
        "label_singular": f"{singular} ({owner_name})",
        "folder": folder,
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        # The file name `check` and `new` use: the day it was written, then the title.
        "slug": "{{year}}-{{month}}-{{day}}-{{slug}}",
        "summary": "{{title}}",
        "fields": fields,
    }


def widget_fields(site: EditorInputs, kind: str) -> list[dict[str, Any]]:
    """Each field of `kind`'s schema as a widget, in the schema's order."""
    result = []
    for name, spec in SCHEMAS[kind].items():
        if name in NOT_IN_EDITOR:
            continue
        if name not in _WIDGETS:
            raise EditorFieldError(
                f"the {kind} field {name!r} has no widget in the web editor: add it to "
                "_WIDGETS in hooks/iops/editor.py, or to NOT_IN_EDITOR with the reason"
            )
        widget: dict[str, Any] = {"name": name, **_WIDGETS[name], "required": spec.required}
        if "hint" in widget:
            widget["hint"] = widget["hint"].format(language=_language_name(site, None))
        options = _options(site, name)
        if options is not None:
            widget["options"] = options
        result.append(widget)
    return result


def _options(site: EditorInputs, name: str) -> list[dict[str, str]] | None:
    """The allowed values of a select: the site's members, or its languages."""
    if name == "author":
        return [{"label": f"{title} ({h})", "value": h} for h, title in site.members]
    if name == "lang":
        codes = sorted({*site.languages, *_COMMON_LANGUAGES})
        return [{"label": f"{_language_name(site, c)} ({c})", "value": c} for c in codes]
    return None


_COMMON_LANGUAGES = ("de", "en", "es", "fr", "it", "pt", "tr")
"""Offered even before a post is in them: the languages IOPS members write in."""


def _language_name(site: EditorInputs, code: str | None) -> str:
    code = code or site.settings.language
    try:
        name = babel.Locale.parse(code.replace("-", "_")).get_display_name(code)
    except (ValueError, babel.UnknownLocaleError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]
