"""The web editor's files at /admin/: its page, its configuration and Decap CMS.

Decap CMS comes from the npm package pinned in package-lock.json
(node_modules/decap-cms), copied into the site by the build: nothing is fetched
from another host. Its page carries a Content-Security-Policy in a meta tag
(GitHub Pages sends no headers of ours).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from html import escape
from pathlib import Path

from .editor import NO_GITHUB_LOGIN, config_yaml, editor_inputs
from .model import Site
from .outputs import Output

ADMIN_DIR = "admin"
CODE_DIR = Path(__file__).resolve().parent
DECAP_DIST = CODE_DIR.parent.parent / "node_modules" / "decap-cms" / "dist"
"""The files of the pinned npm package, beside the code that builds the site."""
OWN_FILES = ("manual-init.js", "start.js", "admin.css")
"""Ours, in hooks/iops/admin/."""

CSP = "; ".join(
    [
        "default-src 'self'",
        # Decap CMS checks its configuration with ajv, which compiles the schema
        # to a function ('unsafe-eval'), and styles itself with emotion, which
        # writes <style> elements ('unsafe-inline'): both from our own files.
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        # The GitHub backend reads and writes the repository through GitHub's API,
        # and shows the signed-in member's avatar.
        "connect-src 'self' https://api.github.com",
        "img-src 'self' data: blob: https://avatars.githubusercontent.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class EditorFilesMissing(FileNotFoundError):
    """node_modules/decap-cms is not installed: the site cannot have its editor."""


def outputs(site: Site) -> list[Output]:
    """admin/index.html and admin/config.yml, if the site has the editor."""
    if not site.settings.editor:
        return []
    page = index_html(site.settings.site_name, own_login=not site.settings.editor_auth).encode()
    return [
        Output(f"{ADMIN_DIR}/index.html", lambda: page, "the web editor's page"),
        Output(
            f"{ADMIN_DIR}/config.yml",
            partial(config_yaml, editor_inputs(site)),
            "the web editor's settings",
        ),
        Output(NO_GITHUB_LOGIN, lambda: NO_LOGIN_PAGE.encode(), "the editor's sign-in notice"),
    ]


def assets(editor: bool) -> Iterator[tuple[str, Path]]:
    """The editor's scripts and styles: each one's path in the site, and its file."""
    if not editor:
        return
    if not (DECAP_DIST / "decap-cms.js").is_file():
        raise EditorFilesMissing(
            f"{DECAP_DIST}/decap-cms.js is missing: the web editor (extra.iops.editor in "
            "mkdocs.yml) comes from the npm package decap-cms. Install it with "
            "`make node_modules/.installed` (npm ci), or set editor: false"
        )
    for name in OWN_FILES:
        yield f"{ADMIN_DIR}/{name}", CODE_DIR / "admin" / name
    # Only the browser build and the chunks and WebAssembly it loads: not the
    # second copy (cms.js) nor the source maps, which are 60 MB.
    for path in sorted(DECAP_DIST.iterdir()):
        if path.name == "decap-cms.js" or path.name.endswith((".decap-cms.js", ".wasm")):
            yield f"{ADMIN_DIR}/{path.name}", path


def index_html(site_name: str, *, own_login: bool = False) -> str:
    """The editor's page. With `own_login`, "Login with GitHub" opens our notice
    on the origin the page is served from (the site, a preview, a test)."""
    name = escape(site_name)
    start = (
        '<script src="start.js" data-own-login></script>'
        if own_login
        else ('<script src="start.js"></script>')
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Write for {name}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<link href="admin.css" rel="stylesheet">
</head>
<body>
<noscript>The editor needs JavaScript. You can also write a post on GitHub: see
the contributing guide.</noscript>
<details id="token-sign-in">
<summary>Sign in with a GitHub token instead</summary>
<form id="token-form">
<p>Make a personal access token on GitHub (Settings, Developer settings,
Personal access tokens, with the <code>public_repo</code> scope) and paste it
here. It stays in this browser only.</p>
<label>Token <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
</details>
<script src="manual-init.js"></script>
<script src="decap-cms.js"></script>
{start}
</body>
</html>
"""


NO_LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Sign in with a token</title>
</head>
<body>
<h1>Login with GitHub is not set up yet</h1>
<p>Close this window and open <strong>Sign in with a GitHub token instead</strong>
at the top of the editor: the contributing guide, "Write a post in the browser",
says how to make a token.</p>
</body>
</html>
"""
