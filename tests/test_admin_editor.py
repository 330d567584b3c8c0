"""The web editor at /admin/ (Decap CMS): its configuration follows the content
schema, it is served from our own origin, and a post written in its form, in
headless Chromium against decap-server, is a branch (a pull request on GitHub)
holding a file that `check` passes and the build publishes, sanitised."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from browser import chromium, local_context
from conftest import NOW, FixtureSite, tree_digests
from editor_backend import decap_server, serve_site_with_backend
from engine.fingerprint import of_build
from iops import editor, schema, templating
from iops.admin_site import CSP
from iops.settings import SettingsError, load_settings
from playwright.sync_api import Page

EDITOR_SETTINGS = "    editor: true\n    repository: https://github.com/example/site\n"
GIT_SECONDS = 30


def with_editor(site: FixtureSite) -> FixtureSite:
    text = (site.root / "mkdocs.yml").read_text()
    (site.root / "mkdocs.yml").write_text(
        text.replace("    page_size: 2\n", "    page_size: 2\n" + EDITOR_SETTINGS)
    )
    return site


def build(site: FixtureSite, out: Path) -> None:
    result = site.run("build", "--site-dir", str(out))
    assert result.returncode == 0, result.stderr


# The configuration, from the schema


def test_config_has_a_collection_per_kind_and_owner_with_the_schemas_fields(
    fixture_site: FixtureSite,
) -> None:
    site = with_editor(fixture_site).plan().site
    config = editor.editor_config(site)
    assert config["publish_mode"] == "editorial_workflow"
    assert config["backend"] == {
        "name": "github",
        "repo": "example/site",
        "branch": "main",
        "open_authoring": True,
        "auth_scope": "public_repo",
        # No editor_auth: "Login with GitHub" opens our page that says to use a token.
        "base_url": "https://example.org",
        "auth_endpoint": "admin/no-github-login.html",
    }
    folders = {c["folder"]: c for c in config["collections"]}
    owners = ["content", "chapters/london", "chapters/uk"]
    assert set(folders) == {f"{o}/{s}" for o in owners for s in ("blog", "news", "events")}
    for kind, section in editor.EDITABLE.items():
        fields = {f["name"]: f for f in folders[f"chapters/london/{section}"]["fields"]}
        expected = {n: s.required for n, s in schema.SCHEMAS[kind].items()}
        for name in editor.NOT_IN_EDITOR:
            expected.pop(name)
        assert {n: f["required"] for n, f in fields.items() if n != "body"} == expected
    post = {f["name"]: f for f in folders["content/blog"]["fields"]}
    assert post["author"]["options"] == [
        {"label": "Ada Example (ada)", "value": "ada"},
        {"label": "Bo Example (bo)", "value": "bo"},
    ]
    assert post["title"]["widget"] == "string"
    assert post["author"]["required"] and not post["tags"]["required"]
    assert post["date"]["widget"] == "datetime"
    assert {"label": "Deutsch (de)", "value": "de"} in post["lang"]["options"]
    assert "hint" in post["tags"]
    assert folders["content/blog"]["slug"] == "{{year}}-{{month}}-{{day}}-{{slug}}"
    assert folders["chapters/london/news"]["label"] == "News: IOPS London"


def test_the_cache_keeps_the_editors_settings_while_what_they_list_is_unchanged(
    fixture_site: FixtureSite,
) -> None:
    # Made from the whole site, whose build time is new on every build, the
    # file (10 MB at 10,000 posts) was written again by every build.
    site = with_editor(fixture_site)

    def key(now: dt.datetime) -> str | None:
        plan = site.plan(now)
        (output,) = [o for o in plan.outputs if o.path == "admin/config.yml"]
        return templating._output_key(of_build(), "code", output)

    today = key(NOW)
    assert today is not None and key(NOW + dt.timedelta(days=1)) == today
    site.write("content/members/cy.md", "---\nname: Cy Example\nchapter: london\n---\n")
    assert key(NOW) != today  # a new member is offered as an author


def test_a_schema_field_without_a_widget_stops_the_build(
    fixture_site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = with_editor(fixture_site).plan().site
    post = {**schema.SCHEMAS["post"], "mood": schema.Field(schema.f.text)}
    monkeypatch.setitem(schema.SCHEMAS, "post", post)
    with pytest.raises(editor.EditorFieldError, match="'mood' has no widget"):
        editor.editor_config(site)


def test_the_editor_needs_the_repository(fixture_site: FixtureSite) -> None:
    text = (fixture_site.root / "mkdocs.yml").read_text()
    (fixture_site.root / "mkdocs.yml").write_text(
        text.replace("    page_size: 2\n", "    page_size: 2\n    editor: true\n")
    )
    with pytest.raises(SettingsError, match=r"extra\.iops\.editor: the web editor needs"):
        load_settings(fixture_site.root)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("    editor: yes please\n", "extra.iops.editor: is 'yes please', not true or false"),
        ("    editor_auth: http://auth.example.org\n", "extra.iops.editor_auth: is 'http://"),
    ],
)
def test_wrong_editor_settings_are_named(
    fixture_site: FixtureSite, line: str, message: str
) -> None:
    text = (fixture_site.root / "mkdocs.yml").read_text()
    (fixture_site.root / "mkdocs.yml").write_text(
        text.replace("    page_size: 2\n", "    page_size: 2\n" + line)
    )
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings(fixture_site.root)


def test_the_oauth_exchange_is_the_backends_base_url(fixture_site: FixtureSite) -> None:
    site = with_editor(fixture_site)
    text = (site.root / "mkdocs.yml").read_text()
    (site.root / "mkdocs.yml").write_text(
        text.replace(
            "    editor: true\n",
            "    editor: true\n    editor_auth: https://cms-auth.example.workers.dev\n",
        )
    )
    backend = editor.editor_config(site.plan().site)["backend"]
    assert backend["base_url"] == "https://cms-auth.example.workers.dev"
    assert backend["auth_endpoint"] == "auth"


def test_built_site_serves_the_editor_and_the_config_the_schema_gives(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    site = with_editor(fixture_site)
    out = tmp_path / "out"
    build(site, out)
    built = (out / "admin" / "config.yml").read_bytes()
    assert built == editor.config_yaml(site.plan().site)
    assert yaml.safe_load(built) == editor.editor_config(site.plan().site)
    assert b"&id" not in built, "no YAML aliases: the editor's reader caps their number"
    page = (out / "admin" / "index.html").read_text()
    assert f'content="{CSP}"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "nothing from another host"
    for name in ("decap-cms.js", "start.js", "manual-init.js", "admin.css", "no-github-login.html"):
        assert (out / "admin" / name).is_file(), name
    assert not list((out / "admin").glob("*.map")), "no source maps (60 MB)"


def test_the_fast_build_copies_the_editor_as_the_plain_build_does(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    site = with_editor(fixture_site)
    build(site, tmp_path / "fast")
    plain = site.run("build", "--plain", "--site-dir", str(tmp_path / "plain"))
    assert plain.returncode == 0, plain.stderr
    fast_files = tree_digests(tmp_path / "fast")
    assert fast_files == tree_digests(tmp_path / "plain")
    assert "admin/decap-cms.js" in fast_files
    # A rebuild links the editor's 6 MB from the cache instead of copying them.
    build(site, tmp_path / "again")
    assert (tmp_path / "again" / "admin" / "decap-cms.js").stat().st_nlink > 1


def test_a_site_without_the_editor_has_no_admin(fixture_site: FixtureSite, tmp_path: Path) -> None:
    build(fixture_site, tmp_path / "out")
    assert not (tmp_path / "out" / "admin").exists()


def test_the_real_sites_config_is_made_from_the_schema() -> None:
    """The project's own site has the editor, for posts, news and events only."""
    from conftest import REPO
    from iops.plan import plan_site

    config = editor.editor_config(plan_site(load_settings(REPO), NOW, bodies=False).site)
    folders = [c["folder"] for c in config["collections"]]
    assert "content/blog" in folders and "chapters/london/events" in folders
    assert not [f for f in folders if re.search(r"members|statements|projects|polls", f)]


# In the browser, against decap-server


@dataclass
class Editor:
    page: Page
    base: str
    repo: Path
    requested: list[str]
    console: list[str]

    def new_post(self) -> None:
        self.page.goto(self.base + "admin/")
        self.page.get_by_role("button", name="Login").click()
        self.page.get_by_text("Blog: Test site").first.wait_for()
        self.page.goto(self.base + "admin/#/collections/blog/new")
        self.page.locator("[id^=title-field-]").wait_for()

    def choose(self, field: str, typed: str) -> None:
        self.page.locator(f"[id^={field}-field-]").fill(typed)
        self.page.keyboard.press("Enter")

    def write_body(self, text: str) -> None:
        self.page.get_by_role("switch").click()  # Markdown as typed, not rich text
        body = self.page.locator(".cms-editor-raw [contenteditable=true]")
        body.click()
        self.page.keyboard.type(text)

    def save(self) -> None:
        self.page.get_by_role("button", name="Save").click()

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(self.repo), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=GIT_SECONDS,
        ).stdout

    def branches(self) -> list[str]:
        return self.git("branch", "--format=%(refname:short)").split()

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@pytest.fixture
def editor_page(fixture_site: FixtureSite, tmp_path: Path) -> Iterator[Editor]:
    """The fixture site as a git repository with decap-server over it, its built
    site served with /api/v1 passed on, and a Chromium page on nothing else."""
    site = with_editor(fixture_site)
    site.write(".gitignore", ".cache/\n")
    repo = Editor(None, "", site.root, [], [])  # type: ignore[arg-type]
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.email", "editor-test@example.org")
    repo.git("config", "user.name", "Editor test")
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "The fixture site")
    out = tmp_path / "out"
    build(site, out)
    with (
        decap_server(site.root, tmp_path / "decap-server.log") as api,
        serve_site_with_backend(out, api) as base,
        chromium() as browser,
        local_context(browser, base) as (context, requested),
    ):
        page = context.new_page()
        page.set_default_timeout(20_000)
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        yield Editor(page, base, site.root, requested, console)


def test_a_post_written_in_the_editor_is_a_branch_that_check_passes_and_the_build_publishes(
    editor_page: Editor, tmp_path: Path
) -> None:
    ed = editor_page
    main_before = ed.git("rev-parse", "main")
    ed.new_post()
    ed.page.fill("[id^=title-field-]", "Solidarity in the browser")
    ed.page.fill("[id^=date-field-]", "2026-11-20T09:30")
    ed.choose("author", "Bo Example")
    ed.page.fill("[id^=tags-field-]", "economics, organizing")
    ed.choose("lang", "Deutsch")
    ed.write_body("Written **in the browser**.")
    ed.save()
    branch = "cms/blog/2026-11-20-solidarity-in-the-browser"
    rel = "content/blog/2026-11-20-solidarity-in-the-browser.md"
    _wait_for_branch(ed, branch, rel)

    # Never on main: the editorial workflow's branch is the pull request.
    assert ed.git("rev-parse", "main") == main_before
    assert ed.git("diff", "--name-only", "main", branch).split() == [rel]
    written = ed.git("show", f"{branch}:{rel}")
    front = yaml.safe_load(written.split("---")[1])
    assert front == {
        "title": "Solidarity in the browser",
        "date": "2026-11-20T09:30",
        "author": "bo",
        "tags": ["economics", "organizing"],
        "lang": "de",
    }

    # The pull request merged: check passes, and the page has what was typed.
    merged = merge_in_a_clone(ed, branch, tmp_path / "merged-src")
    checked = merged.run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    out = tmp_path / "merged"
    build(merged, out)
    html = (out / "blog/2026/solidarity-in-the-browser/index.html").read_text()
    assert "Solidarity in the browser" in html
    assert "<strong>in the browser</strong>" in html
    assert 'lang="de"' in html
    assert "/tags/economics/" in html and "/tags/organizing/" in html

    assert [u for u in ed.requested if not u.startswith(ed.base)] == []
    assert ed.csp_violations() == []


def merge_in_a_clone(ed: Editor, branch: str, folder: Path) -> FixtureSite:
    """`branch` merged into main in a clone: decap-server switches branches in
    its own working tree while it commits, so the test never works there."""
    ed.git("clone", "-q", "--branch", "main", str(ed.repo), str(folder))
    subprocess.run(
        ["git", "-C", str(folder), "merge", "-q", "--ff-only", f"origin/{branch}"],
        check=True,
        capture_output=True,
        timeout=GIT_SECONDS,
    )
    return FixtureSite(folder)


def _wait_for_branch(ed: Editor, branch: str, rel: str) -> None:
    """Until decap-server has committed `rel` on `branch` (it makes the branch first)."""
    for _ in range(100):
        shown = subprocess.run(
            ["git", "-C", str(ed.repo), "cat-file", "-e", f"{branch}:{rel}"],
            capture_output=True,
            timeout=GIT_SECONDS,
            check=False,
        )
        if shown.returncode == 0:
            return
        ed.page.wait_for_timeout(200)
    raise AssertionError(f"no {rel} on {branch}: {ed.branches()}; console: {ed.console}")


def test_a_body_with_script_is_saved_as_written_and_published_sanitised(
    editor_page: Editor, tmp_path: Path
) -> None:
    ed = editor_page
    ed.new_post()
    ed.page.fill("[id^=title-field-]", "Tricky markup")
    ed.page.fill("[id^=date-field-]", "2026-11-21T10:00")
    ed.choose("author", "Ada Example")
    # A picture that is there (check refuses one that is not), with a handler.
    body = (
        'Hello <script>alert("a")</script> and <img src="/assets/favicon.svg" onerror="alert(2)">'
    )
    ed.write_body(body)
    ed.save()
    branch = "cms/blog/2026-11-21-tricky-markup"
    rel = "content/blog/2026-11-21-tricky-markup.md"
    _wait_for_branch(ed, branch, rel)
    written = ed.git("show", f"{branch}:{rel}")
    assert body in written
    # The editor's own preview ran no handler: the page's CSP blocked it.
    assert all("inline event handler" in v for v in ed.csp_violations())

    out = tmp_path / "merged"
    build(merge_in_a_clone(ed, branch, tmp_path / "merged-src"), out)
    html = (out / "blog/2026/tricky-markup/index.html").read_text()
    assert re.search(r'<p>Hello\s+and <img src="/assets/favicon.svg"\s*/?></p>', html), html
    assert "alert" not in html and "onerror" not in html


@pytest.mark.parametrize(
    ("what", "fill", "message"),
    [
        ("no title", {"title": ""}, "Title is required"),
        ("a date that is not a date", {"date": None}, "Date is required"),
        ("an author who is not a member", {"author": "Nobody Known"}, "Author is required"),
    ],
)
def test_the_editor_refuses_a_post_with(
    editor_page: Editor, what: str, fill: dict[str, str | None], message: str
) -> None:
    ed = editor_page
    ed.new_post()
    values = {"title": "A fine title", "date": "2026-11-22T08:00", "author": "Ada Example"}
    values.update(fill)  # type: ignore[arg-type]
    if values["title"]:
        ed.page.fill("[id^=title-field-]", values["title"])
    if values["date"] is not None:
        ed.page.fill("[id^=date-field-]", values["date"])
    else:  # the date picker takes no text that is not a date: it stays empty
        ed.page.locator("[id^=date-field-]").press_sequentially("31/02/x")
    ed.choose("author", values["author"])
    ed.write_body("Some text.")
    ed.save()
    ed.page.get_by_text(message, exact=False).first.wait_for()
    assert not [b for b in ed.branches() if b.startswith("cms/")]


def test_a_token_typed_on_the_page_signs_in_with_github(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    """The sign-in without set-up: the token is kept in this browser and the
    editor checks it with GitHub's API (aborted here: nothing leaves the machine)."""
    site = with_editor(fixture_site)
    out = tmp_path / "out"
    build(site, out)
    # A port nothing listens on: the editor finds no local backend, and uses GitHub.
    with (
        serve_site_with_backend(out, "http://127.0.0.1:9/api/v1") as base,
        chromium() as browser,
        local_context(browser, base) as (context, requested),
    ):
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(base + "admin/")
        page.get_by_text("Sign in with a GitHub token instead").click()
        page.get_by_label("Token").fill("ghp_exampletoken")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        stored = page.evaluate("() => localStorage.getItem('decap-cms-user')")
        assert json.loads(stored) == {"backendName": "github", "token": "ghp_exampletoken"}
        for _ in range(100):  # until the editor asks GitHub who this is
            if any(u.startswith("https://api.github.com/") for u in requested):
                break
            page.wait_for_timeout(100)
    away = {u.split("?")[0] for u in requested if not u.startswith(base)}
    assert away and all(u.startswith("https://api.github.com/") for u in away), away


def test_login_with_github_before_the_exchange_is_set_up_says_to_use_a_token(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    """Not Netlify's sign-in (Decap's default, not ours): a page of our own."""
    site = with_editor(fixture_site)
    out = tmp_path / "out"
    build(site, out)
    with (
        serve_site_with_backend(out, "http://127.0.0.1:9/api/v1") as base,
        chromium() as browser,
        local_context(browser, base) as (context, requested),
    ):
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(base + "admin/")
        with page.expect_popup() as opened:
            page.get_by_role("button", name="Login with GitHub").click()
        popup = opened.value
        popup.wait_for_load_state()
        assert popup.url.startswith(base + "admin/no-github-login.html?provider=github")
        assert "Login with GitHub is not set up yet" in popup.inner_text("body")
    assert [u for u in requested if not u.startswith(base)] == []


def test_diff_builds_a_base_that_has_the_editor(tmp_path: Path) -> None:
    """The pull-request summary builds main from `git archive`, which has no
    node_modules/: the base uses the checkout's npm packages."""
    from conftest import REPO

    root = tmp_path / "repo"
    # A clone: the demo's translations name commits of the repository's history.
    subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(root)],
        check=True,
        capture_output=True,
        timeout=GIT_SECONDS,
    )
    (root / "node_modules").symlink_to(REPO / "node_modules")  # installed, as by npm ci
    result = FixtureSite(root).run("diff", "HEAD")
    assert result.returncode == 0, result.stderr[-3000:]
