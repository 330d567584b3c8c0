"""`build.py diff` for an editor: the items a pull request edits (word by word),
adds and removes, then the pages that changed only because listings moved.

Each test makes a git repository of a fixture site, changes its working tree
as a pull request would, and reads the summary `diff HEAD` writes."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import markdown
import pytest
from conftest import BASE_FILES, FixtureSite
from iops.item_changes import FieldChange, ItemChange, ItemState, compare_items
from iops.manifest import Diff
from iops.summary import summarize
from iops.summary_report import render_markdown
from iops.worddiff import word_diff
from test_diff import commit, git, make_site

PREVIEW = "https://preview.example/pr/7/"
OLD_POST = "content/blog/2013-06-01-kept.md"
OLD_TEXT = (
    "---\ntitle: Kept post\ndate: 2013-06-01\nauthor: ada\ntags: [history]\n---\n"
    "The first paragraph stays as it was, word for word.\n\n"
    "We met on Tuesday in the back room of the library to plan the autumn.\n\n"
    "The last paragraph stays too.\n"
)
NEW_POST = (
    "---\ntitle: Notes from the assembly\ndate: 2014-07-01\nauthor: bo\ntags: [vision]\n---\n"
    "Delegates met for two days.\n"
)
HOSTILE_TITLE = "<script>alert(1)</script> ``` `x` [y](javascript:alert(2))"
HOSTILE_TEXT = (
    "<script>alert(3)</script>\n\n```\nfenced\n```\n\n[click](javascript:alert(4)) "
    '<img src="data:," onerror=alert(5)> ![i](javascript:alert(6)) www.evil.example'
)
ALLOWED_TAGS = {"h3", "h4", "p", "ul", "li", "strong", "a", "code", "del", "ins"}
ALLOWED_TAGS |= {"details", "summary", "blockquote"}


def repo_with(tmp_path: Path) -> FixtureSite:
    """A committed fixture site whose old post has three paragraphs."""
    site = make_site(tmp_path / "repo")
    site.write(OLD_POST, OLD_TEXT)
    git(site.root, "init", "--quiet")
    commit(site.root, "Content")
    return site


def summary_of(site: FixtureSite, *options: str) -> str:
    out = site.root.parent / "summary.md"
    result = site.run("diff", "HEAD", "--output", str(out), *options)
    assert result.returncode == 0, result.stderr
    return out.read_text("utf-8")


def markdown_of(site: FixtureSite) -> str:
    return summary_of(site, "--format", "markdown", "--preview-url", PREVIEW)


def section(text: str, heading: str) -> str:
    """The lines under a `#### heading`, to the next heading or <details>."""
    if f"#### {heading}\n" not in text:
        return ""
    part = text.split(f"#### {heading}\n", 1)[1]
    return re.split(r"^(?:#### |<details>)", part, flags=re.MULTILINE)[0]


def moved_count(text: str) -> int:
    found = re.findall(r"(\d+) pages changed only because listings moved", text)
    assert found, text
    return int(found[0])


def folded(text: str) -> str:
    match = re.search(r"<details><summary>(.*?)</summary>(.*?)</details>", text, re.DOTALL)
    assert match, text
    return match.group(2)


def test_a_new_post_is_one_added_item_and_listings_that_moved(tmp_path: Path) -> None:
    site = repo_with(tmp_path)
    site.write("content/blog/2014-07-01-assembly.md", NEW_POST)

    text = markdown_of(site)

    assert "**0 items edited, 1 added, 0 removed; " in text
    assert section(text, "Edited items") == "" and section(text, "Removed items") == ""
    added = [line for line in section(text, "Added items").splitlines() if line]
    assert added == [
        f"- **[Notes from the assembly]({PREVIEW}blog/2014/assembly/)** (post) "
        "`/blog/2014/assembly/` · `content/blog/2014-07-01-assembly.md`"
    ]
    moved = moved_count(text)
    listed = folded(text)
    # Listings, feeds and counts: the blog, its year, the tag, the author's page…
    for url in ("/", "/blog/", "/blog/2014/", "/tags/vision/", "/members/bo/", "/rss.xml"):
        assert f"`{url}`" in listed, url
    assert "/blog/2014/assembly/" not in listed  # the post's own page is the item
    assert moved == len(re.findall(r"^- ", listed, re.MULTILINE)) >= 10
    # Pages that exist now link to the live site; a new listing to the preview.
    assert "- [Blog](https://example.org/blog/) `/blog/`" in listed
    assert "- [Tagged “vision”](https://example.org/tags/vision/) `/tags/vision/`" in listed


def test_a_one_line_edit_shows_its_words_and_fields_apart_from_listings(tmp_path: Path) -> None:
    site = repo_with(tmp_path)
    edited = OLD_TEXT.replace("on Tuesday in the back room", "on Wednesday in the big room")
    site.write(OLD_POST, edited.replace("tags: [history]", "tags: [history, strategy]"))

    text = markdown_of(site)

    assert "**1 item edited, 0 added, 0 removed; " in text
    item = section(text, "Edited items")
    assert item.strip("\n").splitlines() == [
        "**[Kept post](https://example.org/blog/2013/kept/)** (post) `/blog/2013/kept/` · "
        f"`content/blog/2013-06-01-kept.md` · [preview]({PREVIEW}blog/2013/kept/)",
        "",
        "- **tags:** history <ins>strategy</ins>",
        "- **text:**",
        "  - … it was\\, word for word\\. We met on <del>Tuesday</del> <ins>Wednesday</ins>"
        " in the <del>back</del> <ins>big</ins> room of the library to plan the autumn\\. …",
        "- **pages:** changed `/blog/2013/kept/`",
    ]
    # The first paragraph is left out but for the words next to the change.
    assert "The first paragraph" not in item
    listed = folded(text)
    assert "`/tags/strategy/`" in listed and "`/tags/history/`" not in listed
    assert "/blog/2013/kept/" not in listed
    assert moved_count(text) == len(re.findall(r"^- ", listed, re.MULTILINE))

    terminal = summary_of(site)
    assert "Edited items:\n  changed  /blog/2013/kept/  Kept post  (post, " in terminal
    assert "      tags: history {+strategy+}\n" in terminal
    assert "on [-Tuesday-] {+Wednesday+} in the [-back-] {+big+} room" in terminal
    assert re.search(r"^Pages changed only because listings moved: \d+$", terminal, re.M)
    assert re.search(r"^  changed  /tags/strategy/ +Tagged “strategy”$", terminal, re.M)


def test_hostile_titles_and_text_stay_inert(tmp_path: Path) -> None:
    site = repo_with(tmp_path)
    site.write(
        "content/blog/2014-07-01-hostile.md",
        f"---\ntitle: '{HOSTILE_TITLE}'\ndate: 2014-07-01\nauthor: bo\n---\n{HOSTILE_TEXT}\n",
    )
    edited = OLD_TEXT.replace("title: Kept post", f"title: '{HOSTILE_TITLE}'")
    site.write(OLD_POST, edited.replace("We met on Tuesday", HOSTILE_TEXT))

    text = markdown_of(site)

    assert "<script" not in text and "<img" not in text
    assert "](javascript" not in text and "```" not in text
    html = lxml.html.fromstring(f"<div>{markdown.markdown(text)}</div>")
    assert {element.tag for element in html.iter()} - {"div"} <= ALLOWED_TAGS
    links = html.xpath("//a/@href")
    assert links and all(link.startswith((PREVIEW, "https://example.org/")) for link in links)
    shown = html.text_content().replace("\\", "")
    assert HOSTILE_TITLE in shown  # as text, every character of it
    assert "[click](javascript:alert(4))" in shown and "<script>alert(3)</script>" in shown
    # In <ins> and <del>, only text: no element inside them.
    assert html.xpath("//ins/*") == [] and html.xpath("//del/*") == []
    assert html.xpath("//ins") and html.xpath("//del")


def test_a_long_edit_is_cut_with_a_note() -> None:
    before = "\n\n".join(f"Paragraph {n} says one thing and then another." for n in range(80))
    after = before.replace("one thing", "a different thing")
    diff = word_diff(before, after)
    shown = sum(len(run.words) for hunk in diff.hunks for run in hunk)
    assert diff.more > 0 and 200 < shown < 300  # about the budget of 240 words
    state = ItemState("content/x.md", "X", "page", {}, before, "x/")
    change = ItemChange("changed", state, ItemState("content/x.md", "X", "page", {}, after, "x/"))
    change = ItemChange("changed", change.before, change.after, body_changed=True)
    empty = Diff((), (), (), ())
    text = render_markdown(summarize(empty, [change]), {}, "main", "pr")
    assert f"  - … and {diff.more} more changes, cut here" in text


def test_a_field_added_removed_or_only_respaced() -> None:
    state = ItemState("content/x.md", "X", "page", {"a": "one"}, "Same text.", "x/")
    after = ItemState("content/x.md", "X", "page", {"b": "two"}, "Same\ntext.", "x/")
    fields = (FieldChange("b", None, "two"), FieldChange("a", "one", None))
    change = ItemChange("changed", state, after, fields, body_changed=True)
    text = render_markdown(summarize(Diff((), (), (), ()), [change]), {}, "main", "pr")
    assert "- **b:** <ins>two</ins> (a new field)\n" in text
    assert "- **a:** <del>one</del> (field removed)\n" in text
    assert "  - (only spacing or line breaks changed)\n" in text


@pytest.mark.parametrize("base_only", [True, False])
def test_without_the_base_sources_pages_are_listed_one_by_one(
    tmp_path: Path, base_only: bool
) -> None:
    """--base-site alone has no sources to group by; with BASE it is grouped."""
    site = repo_with(tmp_path)
    base_site = tmp_path / "base-site"
    assert site.run("build", "--site-dir", str(base_site)).returncode == 0
    site.write("content/blog/2014-07-01-assembly.md", NEW_POST)
    args = ["--base-site", str(base_site)] if base_only else ["HEAD", "--base-site", str(base_site)]
    result = site.run("diff", *args)
    assert result.returncode == 0, result.stderr
    if base_only:
        # The post alone: its listings' pages are numbered from the oldest, so
        # none is added.
        assert "Pages: 1 added, " in result.stdout and "Added items" not in result.stdout
    else:
        assert "Added items:\n  added    /blog/2014/assembly/" in result.stdout


def test_an_edit_to_the_site_code_is_said(tmp_path: Path) -> None:
    site = repo_with(tmp_path)
    site.write("theme/extra.css", "p { color: red }\n")
    text = markdown_of(site)
    assert "This change also edits the site's code or settings (`theme/extra.css`)" in text
    assert BASE_FILES  # the fixture's files, unchanged: no item is listed
    assert "**0 items edited, 0 added, 0 removed; 0 pages" in text


def test_an_attachment_is_neither_an_item_nor_a_listing(tmp_path: Path) -> None:
    site = repo_with(tmp_path)
    site.write("content/files/agenda.txt", "Item one.\n")
    text = markdown_of(site)
    assert "; 0 pages changed only because listings moved; 1 other file changed;" in text
    assert section(text, "Pictures and other files").strip() == (
        f"- [agenda\\.txt]({PREVIEW}files/agenda.txt) `/files/agenda.txt` added"
    )
    assert "<details>" not in text


def test_a_summary_fits_a_comment_in_bytes() -> None:
    """Twenty-five long edits in a script of two bytes a letter: cut to fit, said so."""
    words = [f"λέξη{n}" for n in range(2000)]
    edited = " ".join(w.upper() if n % 20 == 0 else w for n, w in enumerate(words))
    changes = []
    for n in range(40):
        before = ItemState(f"content/{n}.md", f"Σ{n}", "page", {}, " ".join(words), f"p{n}/")
        after = ItemState(f"content/{n}.md", f"Σ{n}", "page", {}, edited, f"p{n}/")
        changes.append(ItemChange("changed", before, after, body_changed=True))
    text = render_markdown(summarize(Diff((), (), (), ()), changes), {}, "main", "pr")
    assert 55_000 < len(text.encode("utf-8")) <= 60_000
    assert text.endswith("… the summary was cut here; `build.py diff` shows all of it.\n")


def test_a_renamed_file_is_one_item_moved(tmp_path: Path) -> None:
    site = repo_with(tmp_path)
    (site.root / OLD_POST).unlink()
    renamed = "content/blog/2013-06-01-kept-for-good.md"
    site.write(renamed, OLD_TEXT.replace("title: Kept post", "title: Kept for good"))
    text = markdown_of(site)
    assert "**1 item edited, 0 added, 0 removed; " in text
    item = section(text, "Edited items")
    assert (
        "**[Kept for good](https://example.org/blog/2013/kept/)** (post) "
        f"`/blog/2013/kept-for-good/` · `{renamed}`, moved from `{OLD_POST}`"
    ) in item
    assert "- **title:** Kept <del>post</del> <ins>for good</ins>\n" in item
    assert "- **pages:** added `/blog/2013/kept-for-good/`, removed `/blog/2013/kept/`" in item
    assert "- **text:**" not in item


def test_only_a_file_with_the_same_kind_and_text_counts_as_moved() -> None:
    def state(source: str, body: str, kind: str = "post") -> ItemState:
        return ItemState(source, source, kind, {}, body)

    old = (state("a.md", "Text."), state("b.md", "Text."), state("e.md", ""))
    base = {s.source: s for s in old}
    head = {
        "c.md": state("c.md", "Text."),  # a.md, the first of two the same
        "d.md": state("d.md", "Text.", kind="page"),  # another kind: new
        "f.md": state("f.md", ""),  # no text: nothing to tell it by
    }
    changes = {(c.verb, c.state.source, c.moved_from) for c in compare_items(base, head)}
    assert changes == {
        ("changed", "c.md", "a.md"),
        ("removed", "b.md", None),
        ("added", "d.md", None),
        ("removed", "e.md", None),
        ("added", "f.md", None),
    }
