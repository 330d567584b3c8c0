"""The search index's parts, cut by date (iops.search.index_parts): the posts
and news in blocks counted from the oldest, the newest part the rest, so a
new post or an edit to a recent one remakes the newest part only."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import BASE_FILES, MKDOCS_YML, REPO, FixtureSite, tree_digests
from iops import search
from iops.model import Site


def _post(title: str, date: str, lang: str = "") -> str:
    extra = f"lang: {lang}\n" if lang else ""
    return f"---\ntitle: {title}\ndate: {date}\nauthor: ada\n{extra}---\nSome words on {title}.\n"


def _event(title: str, start: str) -> str:
    return f"---\ntitle: {title}\nstart: {start}\n---\nWe meet.\n"


FIRST = "content/blog/2014-01-15-first.md"
"""The oldest post (in BASE_FILES)."""
POSTS = [f"content/blog/2015-0{n}-10-post-{n}.md" for n in range(1, 8)]
"""Seven posts more, a month apart: with the first, blocks of 3, 3 and 2."""
PAST_EVENT = "content/events/2015-04-20-assembly.md"
"""Dated within the second block (after post 3, before post 4)."""
EVENT_TO_COME = "content/events/2027-01-15-convention.md"
FILES = {
    **{rel: _post(f"Post {n}", f"2015-0{n}-10") for n, rel in enumerate(POSTS, 1)},
    PAST_EVENT: _event("Assembly", "2015-04-20T18:00"),
    EVENT_TO_COME: _event("Convention", "2027-01-15T10:00"),
    "content/blog/2015-02-20-beitrag.md": _post("Beitrag", "2015-02-20", "de"),
    "content/blog/2015-05-20-zweiter.md": _post("Zweiter", "2015-05-20", "de"),
}


@pytest.fixture
def dated(tmp_path: Path) -> FixtureSite:
    """Eight English posts in parts of three, an event past and one to come,
    members with no date, chapters older than every post; two German posts."""
    site = FixtureSite(tmp_path / "src")
    config = MKDOCS_YML.format(repo=REPO).replace(
        "page_size: 2", "page_size: 2\n    search_part_size: 3"
    )
    site.write("mkdocs.yml", config)
    for rel, text in {**BASE_FILES, **FILES}.items():
        site.write(rel, text)
    return site


def _site(site: FixtureSite) -> Site:
    plan = site.plan()
    assert not plan.problems, plan.problems
    return plan.site


def _parts(site: Site, lang: str = "en") -> list[list[str]]:
    return [[item.source for item in part] for part in search.index_parts(site)[lang]]


def _keys(site: Site) -> list[str]:
    """Each part's key in the cache, the items' text standing for their HTML."""
    html = {item.source: item.body for item in site.items}
    return [part.key for part in search.plan_index(site, html) if "/en/" in part.url]


def _posts_only(parts: list[list[str]]) -> list[list[str]]:
    return [[source for source in part if "/blog/" in source] for part in parts]


def test_posts_are_cut_by_date_in_blocks_from_the_oldest(dated: FixtureSite) -> None:
    site = _site(dated)
    parts = _parts(site)
    assert _posts_only(parts) == [[FIRST, *POSTS[:2]], POSTS[2:5], POSTS[5:]]
    # Every other item goes to the part of its date; one with no date to the oldest.
    assert {"content/members/ada.md", "content/index.md", "chapters/uk/index.md"} <= {*parts[0]}
    assert PAST_EVENT in parts[1] and EVENT_TO_COME in parts[2]
    # Each English item once; each part oldest first (the same items, the same order).
    english = sorted(item.source for item in site.items if item.lang == "en")
    assert sorted(source for part in parts for source in part) == english
    ages = {item.source: item.age for item in site.items}
    assert all([ages[s] for s in part] == sorted(ages[s] for s in part) for part in parts)


def test_a_new_post_remakes_only_the_newest_part(dated: FixtureSite) -> None:
    before = _site(dated)
    dated.write("content/blog/2015-08-10-post-8.md", _post("Post 8", "2015-08-10"))
    after = _site(dated)
    assert _parts(after)[:-1] == _parts(before)[:-1]
    assert _keys(after)[:-1] == _keys(before)[:-1]
    new = "content/blog/2015-08-10-post-8.md"
    assert _parts(before)[-1] == [*POSTS[5:], EVENT_TO_COME]
    assert _parts(after)[-1] == [*POSTS[5:], new, EVENT_TO_COME]
    assert _keys(after)[-1] != _keys(before)[-1]


def test_an_edit_of_the_newest_post_remakes_only_the_newest_part(dated: FixtureSite) -> None:
    before = _site(dated)
    dated.write(POSTS[-1], _post("Post 7", "2015-07-10").replace("Some words", "Other words"))
    after = _site(dated)
    assert _parts(after) == _parts(before)
    assert _keys(after)[:-1] == _keys(before)[:-1] and _keys(after)[-1] != _keys(before)[-1]


def test_a_new_member_or_page_moves_no_post(dated: FixtureSite) -> None:
    before = _parts(_site(dated))
    dated.write("content/members/cy.md", "---\nname: Cy Example\njoined: 2026-11-01\n---\nCy.\n")
    dated.write("content/members/di.md", "---\nname: Di Example\n---\nDi.\n")
    dated.write("content/about-us.md", "---\ntitle: About us\n---\nWho we are.\n")
    after = _parts(_site(dated))
    assert _posts_only(after) == _posts_only(before)
    assert "content/members/cy.md" in after[-1]  # joined after the newest block began
    assert {"content/members/di.md", "content/about-us.md"} <= {*after[0]}  # no date


def test_a_language_smaller_than_a_part_is_one_part(dated: FixtureSite) -> None:
    site = _site(dated)
    assert _parts(site, "de") == [
        ["content/blog/2015-02-20-beitrag.md", "content/blog/2015-05-20-zweiter.md"]
    ]
    whole = dataclasses.replace(site.settings, search_part_size=8)  # as many as the posts
    parts = _parts(dataclasses.replace(site, settings=whole))
    assert len(parts) == 1 and len(parts[0]) == len([i for i in site.items if i.lang == "en"])
    # A language without a post or news: its items in one part, however many.
    dated.write("content/seite.md", "---\ntitle: Eine Seite\nlang: fr\n---\nMot.\n")
    assert _parts(_site(dated), "fr") == [["content/seite.md"]]


def test_a_back_dated_post_moves_only_the_parts_from_its_date_on(dated: FixtureSite) -> None:
    before = _site(dated)
    dated.write("content/blog/2015-04-01-late.md", _post("Late", "2015-04-01"))
    after = _site(dated)
    # In the second block: the first keeps its items and its key; the rest move.
    assert _parts(after)[0] == _parts(before)[0] and _keys(after)[0] == _keys(before)[0]
    late = "content/blog/2015-04-01-late.md"
    assert _posts_only(_parts(after)) == [
        [FIRST, *POSTS[:2]],
        [POSTS[2], late, POSTS[3]],
        POSTS[4:],
    ]


def test_a_new_post_beyond_a_full_block_opens_a_part(dated: FixtureSite) -> None:
    """Once in `search_part_size` posts, a new post opens a part of its own;
    what is dated after it (the event to come) goes with it."""
    dated.write("content/blog/2015-08-10-post-8.md", _post("Post 8", "2015-08-10"))
    before = _site(dated)  # 9 posts: three full blocks
    assert [len(part) for part in _posts_only(_parts(before))] == [3, 3, 3]
    dated.write("content/blog/2015-09-10-post-9.md", _post("Post 9", "2015-09-10"))
    after = _site(dated)
    assert _parts(after)[:2] == _parts(before)[:2] and _keys(after)[:2] == _keys(before)[:2]
    assert _parts(after)[3] == ["content/blog/2015-09-10-post-9.md", EVENT_TO_COME]
    assert _parts(after)[2] == [s for s in _parts(before)[2] if s != EVENT_TO_COME]


def test_the_rest_after_the_full_blocks_is_cut_by_quarters(tmp_path: Path) -> None:
    # Blocks of 8: posts 1 to 8, then 9 to 11 cut by quarters of 2: the
    # newest part, which a new post remakes, holds at most two.
    site = FixtureSite(tmp_path / "src")
    config = MKDOCS_YML.format(repo=REPO).replace(
        "page_size: 2", "page_size: 2\n    search_part_size: 8"
    )
    site.write("mkdocs.yml", config)
    posts = [f"content/blog/2016-01-{n:02}-p{n}.md" for n in range(1, 11)]
    for n, rel in enumerate(posts, 1):
        site.write(rel, _post(f"P{n}", f"2016-01-{n:02}"))
    for rel, text in BASE_FILES.items():
        site.write(rel, text)
    everything = [FIRST, *posts]  # eleven posts
    assert _posts_only(_parts(_site(site))) == [everything[:8], everything[8:10], everything[10:]]
    site.write("content/blog/2016-02-01-p11.md", _post("P11", "2016-02-01"))
    after = _posts_only(_parts(_site(site)))
    assert after == [
        everything[:8],
        everything[8:10],
        [*everything[10:], "content/blog/2016-02-01-p11.md"],
    ]
    site.write("content/blog/2016-02-02-p12.md", _post("P12", "2016-02-02"))
    assert _posts_only(_parts(_site(site)))[1:] == [
        [*everything[8:], "content/blog/2016-02-01-p11.md"],
        ["content/blog/2016-02-02-p12.md"],
    ]


def test_a_new_post_makes_only_the_newest_part_again_in_a_build(dated: FixtureSite) -> None:
    """End to end: Pagefind makes the newest part only, and the others are
    the same files in the site."""
    assert dated.run("build").returncode == 0
    index = dated.root / "site/pagefind"
    parts = sorted(index.glob("*/*"))
    assert [p.relative_to(index).as_posix() for p in parts] == ["de/0", "en/0", "en/1", "en/2"]
    before = {part: tree_digests(part) for part in parts}
    dated.write("content/blog/2015-08-10-post-8.md", _post("Post 8", "2015-08-10"))
    result = dated.run("-v", "build")
    assert result.returncode == 0, result.stderr
    assert "search index: 1 of 4 parts made" in result.stderr
    changed = [p.relative_to(index).as_posix() for p in parts if tree_digests(p) != before[p]]
    assert changed == ["en/2"]
