"""`build.py diff`: the pages, feeds and calendars a change adds, changes and removes."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import markdown
import pytest
from conftest import BASE_FILES, MKDOCS_YML, REPO, FixtureSite
from iops.manifest import (
    Kind,
    PageEntry,
    compare,
    escape_markdown,
    page_manifest,
    render_markdown,
    render_text,
)

HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
POSTS = {
    "content/blog/2013-06-01-kept.md": (
        "---\ntitle: Kept post\ndate: 2013-06-01\nauthor: ada\ntags: [history]\n---\nKept.\n"
    ),
    "content/blog/2014-03-01-edited.md": (
        "---\ntitle: Edited post\ndate: 2014-03-01\nauthor: bo\ntags: [strategy]\n---\nOld body.\n"
    ),
    "content/blog/2014-04-01-gone.md": (
        "---\ntitle: Gone post\ndate: 2014-04-01\nauthor: bo\ntags: [strategy]\n---\nGone.\n"
    ),
}
CHANGES = {
    "content/blog/2014-03-01-edited.md": (
        "---\ntitle: Edited post\ndate: 2014-03-01\nauthor: bo\ntags: [strategy]\n"
        "aliases: [/blog/view/7]\n---\nNew body.\n"
    ),
    "content/blog/2014-05-01-added.md": (
        f"---\ntitle: '{HOSTILE}'\ndate: 2014-05-01\nauthor: bo\ntags: [strategy]\n---\nAdded.\n"
    ),
}
PREVIEW_OR_SITE = ("https://preview.example/pr/7/", "https://example.org/")
ROW = re.compile(r"^  (added|changed|removed) +(/\S*)", re.MULTILINE)


def make_site(root: Path) -> FixtureSite:
    site = FixtureSite(root)
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in {**BASE_FILES, **POSTS}.items():
        site.write(rel, text)
    return site


def change(site: FixtureSite) -> None:
    """Add a post (with a hostile title), edit one, delete one."""
    for rel, text in CHANGES.items():
        site.write(rel, text)
    (site.root / "content/blog/2014-04-01-gone.md").unlink()


@dataclass
class Builds:
    base: Path
    head: Path
    base_site: Path
    head_site: Path


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    work = tmp_path_factory.mktemp("diff")
    base = make_site(work / "base")
    head = FixtureSite(work / "head")
    shutil.copytree(base.root, head.root)
    change(head)
    for site in (base, head):
        result = site.run("build", "--site-dir", str(site.root / "site"))
        assert result.returncode == 0, result.stderr
    return Builds(base.root, head.root, base.root / "site", head.root / "site")


def rows(report: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"added": set(), "changed": set(), "removed": set()}
    for verb, url in ROW.findall(report):
        found[verb].add(url)
    return found


def test_diff_of_two_built_sites(builds: Builds) -> None:
    result = FixtureSite(builds.head).run(
        "diff", "--base-site", str(builds.base_site), "--head-site", str(builds.head_site)
    )
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout) == {
        "added": {"/blog/2014/added/", "/blog/view/7/"},
        "changed": {
            "/",  # latest blogs on the home page
            "/blog/",  # its first page: added, edited (was: gone, edited)
            "/blog/2014/",
            "/blog/2014/edited/",
            "/members/bo/",
            "/tags/strategy/",
            *(f"/{feed}" for feed in ("rss.xml", "atom.xml", "blog/rss.xml", "blog/atom.xml")),
            *(f"/members/bo/{feed}" for feed in ("rss.xml", "atom.xml")),
            *(f"/tags/strategy/{feed}" for feed in ("rss.xml", "atom.xml")),
        },
        "removed": {"/blog/2014/gone/"},
    }
    assert "Pages: 1 added, 6 changed, 1 removed," in result.stdout
    assert "Redirects: 1 added, 0 changed, 0 removed, 0 unchanged" in result.stdout
    assert re.search(
        r"  added +/blog/view/7/ +-> /blog/2014/edited/ \(Edited post\)", result.stdout
    )


def test_untouched_pages_are_unchanged(builds: Builds) -> None:
    base, head = page_manifest(builds.base_site), page_manifest(builds.head_site)
    diff = compare(base, head)
    unchanged = {entry.url for entry in diff.unchanged}
    assert {
        "blog/2013/kept/",  # the untouched post
        "blog/page/1/",  # First post and Kept post, in both builds: paged from the oldest
        "members/ada/",
        "tags/history/",
        "tags/",  # strategy (2) before and after
        "chapters/london/",
        "members/ada/rss.xml",
    } <= unchanged
    assert diff.unchanged_count == len(base.keys() & head.keys()) - len(diff.changed)
    assert diff.unchanged_count > 20
    assert head["blog/2014/added/"] == PageEntry(
        "blog/2014/added/",
        HOSTILE,
        head["blog/2014/added/"].digest,
        address="https://example.org/blog/2014/added/",
    )
    assert head["rss.xml"].kind is Kind.FILE and head["rss.xml"].title == "RSS feed"
    assert not any(url.startswith(("assets/", "search/", "sitemap")) for url in head)


def test_markdown_summary_links_titles_and_escapes_them(builds: Builds) -> None:
    summary = builds.head / "summary.md"
    result = FixtureSite(builds.head).run(
        *("diff", "--base-site", str(builds.base_site), "--head-site", str(builds.head_site)),
        *("--format", "markdown", "--base-url", "https://preview.example/pr/7/"),
        *("--output", str(summary)),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = summary.read_text("utf-8")
    assert "**Pages:** 1 added, 6 changed, 1 removed," in text
    # Titles link to the preview; the paths of changed and removed pages to
    # the pages as published now, and an added page is not published yet.
    assert (
        "- [Edited post](https://preview.example/pr/7/blog/2014/edited/) "
        "[`/blog/2014/edited/`](https://example.org/blog/2014/edited/)\n"
    ) in text
    assert "- Gone post [`/blog/2014/gone/`](https://example.org/blog/2014/gone/)\n" in text
    assert "(https://preview.example/pr/7/blog/2014/added/) `/blog/2014/added/`\n" in text
    assert text.index("`/blog/2014/gone/`") < text.index("<details><summary>Feeds")
    assert "<img" not in text and "](javascript" not in text
    html = lxml.html.fromstring(markdown.markdown(text))
    assert html.xpath("//img") == []
    links = html.xpath("//a/@href")
    assert links and all(link.startswith(PREVIEW_OR_SITE) for link in links)
    assert HOSTILE in html.text_content().replace("\\", "")


def test_no_changes(builds: Builds) -> None:
    same = page_manifest(builds.base_site)
    diff = compare(same, same)
    assert diff.is_empty and diff.unchanged_count == len(same)
    assert "**Pages:** 0 added, 0 changed, 0 removed" in render_markdown(diff, "main", "pr")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    """A git repository of a fixture site: HEAD~1 has a broken post and its own
    build.py, HEAD fixes both; the working tree adds a post on top."""
    site = make_site(tmp_path_factory.mktemp("git") / "repo")
    site.write(
        "content/blog/2014-06-01-broken.md", "---\ntitle: No author\ndate: 2014-06-01\n---\n"
    )
    site.write(
        "build.py",
        f"""\
        import runpy, sys
        print("the base's own build.py", file=sys.stderr)
        runpy.run_path({str(REPO / "build.py")!r}, run_name="__main__")
        """,
    )
    git(site.root, "init", "--quiet")
    commit(site.root, "Broken post")
    (site.root / "build.py").unlink()
    site.write(
        "content/blog/2014-06-01-broken.md",
        "---\ntitle: Fixed\ndate: 2014-06-01\nauthor: ada\n---\nFixed.\n",
    )
    commit(site.root, "Fixed")
    change(site)
    return site


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def commit(root: Path, message: str) -> None:
    git(root, "add", "--all")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", message)


def test_diff_against_a_git_ref_builds_both_sides(repo: FixtureSite) -> None:
    """Against a ref, the sources are compared too: each URL is given to the item
    it belongs to, and the rest changed only because listings moved."""
    result = repo.run("diff", "HEAD")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("working tree against HEAD\n")
    edited, added, removed, moved = re.split(
        r"^(?:Added items|Removed items|Pages changed only because listings moved: \d+)",
        result.stdout.split("Edited items:\n", 1)[1],
        flags=re.MULTILINE,
    )
    assert rows(edited) == {"added": set(), "changed": {"/blog/2014/edited/"}, "removed": set()}
    assert "      aliases: {+/blog/view/7+} (a new field)\n" in edited
    assert "      pages: added /blog/view/7/ (redirect), changed /blog/2014/edited/\n" in edited
    assert rows(added)["added"] == {"/blog/2014/added/"}
    assert rows(removed)["removed"] == {"/blog/2014/gone/"}  # deleted, not yet committed
    assert rows(moved) == {
        "added": set(),
        "changed": {
            "/",  # latest blogs on the home page
            "/blog/",
            "/blog/2014/",
            "/blog/2014/broken/",  # its previous and next posts, and related posts, moved
            "/members/bo/",
            "/tags/strategy/",
            *(f"/{feed}" for feed in ("rss.xml", "atom.xml", "blog/rss.xml", "blog/atom.xml")),
            *(f"/members/bo/{feed}" for feed in ("rss.xml", "atom.xml")),
            *(f"/tags/strategy/{feed}" for feed in ("rss.xml", "atom.xml")),
        },
        "removed": set(),
    }
    assert "1 item edited, 1 added, 1 removed; 14 pages changed only because" in result.stdout
    assert not (repo.root / "site").exists()  # nothing is left in the project


def test_a_base_that_does_not_build_is_named(repo: FixtureSite) -> None:
    result = repo.run("diff", "HEAD~1")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "base (HEAD~1): the build failed:" in result.stderr
    assert "the base's own build.py" in result.stderr  # each side is built by its own code
    assert "content/blog/2014-06-01-broken.md" in result.stderr and "author" in result.stderr
    assert "head (working tree)" not in result.stderr.replace("did not build", "")
    assert "Nothing was compared: base (HEAD~1) did not build." in result.stderr


def test_an_unknown_ref_or_no_base_is_an_error(repo: FixtureSite) -> None:
    unknown = repo.run("diff", "no-such-branch")
    assert unknown.returncode == 1
    assert "base (no-such-branch): not a commit of the git repository" in unknown.stderr
    missing = repo.run("diff")
    assert missing.returncode == 2
    assert "Give BASE (a git ref), --base-site, or both." in missing.stderr


def test_escape_markdown_leaves_no_markup() -> None:
    escaped = escape_markdown("*a* <b>&amp; [x](javascript:y) `c` www.example.org\n| d")
    assert escaped == (
        r"\*a\* &lt;b&gt;&amp;amp\; \[x\]\(javascript\:y\) \`c\` www\.example\.org \| d"
    )


def test_manifest_hashes_the_content_not_the_navigation(tmp_path: Path) -> None:
    def page(nav: str, body: str) -> str:
        return (
            f'<html><head><title>T - Site</title><link href="assets/main.{nav}.css"></head>'
            f'<body><nav>{nav}</nav><div class="md-content"><article class="md-content__inner">'
            f'<h1>Title <a class="headerlink" href="#t">¶</a></h1>{body}</article></div></body>'
            "</html>"
        )

    redirect = '<html><head><title>Target</title><meta http-equiv="refresh" content="0; url=../b/">'
    for name, nav, body in (("base", "one", "<p>x</p>"), ("head", "two", "<p>x</p>")):
        (tmp_path / name / "a").mkdir(parents=True)
        (tmp_path / name / "a/index.html").write_text(page(nav, body))
        (tmp_path / name / "404.html").write_text(page(nav, f"<p>{name}</p>"))
        (tmp_path / name / "old").mkdir()
        (tmp_path / name / "old/index.html").write_text(redirect)
        (tmp_path / name / "assets").mkdir()
        (tmp_path / name / "assets" / f"main.{nav}.css").write_text(nav)
    (tmp_path / "head/empty.html").write_text("")
    (tmp_path / "head/pagefind").mkdir()  # the search index, rebuilt with every page
    (tmp_path / "head/pagefind/pagefind-entry.json").write_text("{}")
    base, head = page_manifest(tmp_path / "base"), page_manifest(tmp_path / "head")
    assert list(head) == ["404.html", "a/", "empty.html", "old/"]
    assert head["a/"].title == "Title"
    assert head["old/"] == PageEntry("old/", "Target", head["old/"].digest, Kind.REDIRECT, "b/")
    diff = compare(base, head)
    assert [c.after.url for c in diff.changed] == ["404.html"]
    assert [e.url for e in diff.unchanged] == ["a/", "old/"]


def test_reports_list_pages_then_redirects_then_files() -> None:
    def entry(url: str, title: str, digest: str, kind: Kind = Kind.PAGE) -> PageEntry:
        return PageEntry(url, title, digest, kind, "b/" if kind is Kind.REDIRECT else "")

    base = [entry("rss.xml", "RSS feed", "1", Kind.FILE), entry("x/", "Old \x1b[31mname", "1")]
    head = [
        entry("rss.xml", "RSS feed", "2", Kind.FILE),
        entry("x/", "New name", "2"),
        entry("old/", "B", "3", Kind.REDIRECT),
        *(entry(f"p{n}/", f"P{n}", "4") for n in range(3)),
    ]
    diff = compare({e.url: e for e in base}, {e.url: e for e in head})
    text = render_text(diff, "main", "pr").splitlines()
    assert text[0] == "pr against main"
    assert text[1] == "Pages: 3 added, 1 changed, 0 removed, 0 unchanged"
    assert text[5] == "  changed  /x/   New name (was: Old [31mname)"
    assert text[6:] == [
        "Redirects: 1 added, 0 changed, 0 removed, 0 unchanged",
        "  added    /old/  -> /b/ (B)",
        "Feeds, calendars and data files: 0 added, 1 changed, 0 removed, 0 unchanged",
        "  changed  /rss.xml  RSS feed",
    ]
    summary = render_markdown(diff, "main", "pr", limit=2)
    assert "- P0 `/p0/`\n- P1 `/p1/`\n- … and 1 more\n" in summary
    assert "- New name (was: Old \\[31mname) `/x/`" in summary


def test_a_summary_links_the_published_page_of_the_base() -> None:
    """The head's canonical address is the pull request's to set: only the base's is used."""
    base = [
        PageEntry("x/", "X", "1", address="https://site.example/x/"),
        PageEntry("gone/", "Gone", "1", address="javascript:alert(1)"),
        PageEntry("old/", "Old", "1", address="https://site.example/o(l)d/`x`/"),
    ]
    head = [PageEntry("x/", "X", "2", address="https://evil.example/x/")]
    head.append(PageEntry("new/", "New", "1", address="https://evil.example/new/"))
    diff = compare({e.url: e for e in base}, {e.url: e for e in head})
    summary = render_markdown(diff, "main", "pr")
    assert "- X [`/x/`](https://site.example/x/)\n" in summary
    assert "- New `/new/`\n" in summary
    assert "- Gone `/gone/`\n" in summary
    assert "- Old [`/old/`](https://site.example/o%28l%29d/%60x%60/)\n" in summary
    assert "evil" not in summary and "javascript" not in summary


def test_a_base_holding_an_absolute_symlink_is_refused_within_seconds(tmp_path: Path) -> None:
    site = make_site(tmp_path / "repo")
    # Larger than a pipe's buffer, after the link: git still had this to
    # write when the extraction stopped at the link, and waited for ever.
    site.write("content/zz-large.md", "---\ntitle: Large\n---\n" + "words " * 100_000)
    (site.root / "content/passwords").symlink_to("/etc/passwd")
    git(site.root, "init", "--quiet")
    commit(site.root, "An absolute symlink")
    started = time.monotonic()
    result = site.run("diff", "HEAD")
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert "base (HEAD): its files cannot be compared safely" in result.stderr
    assert "content/passwords" in result.stderr
    assert "Traceback" not in result.stderr
