"""Links, pictures and nav entries: `check` finds every one the build would refuse.

Each problem names the file and the line of the link (counted in the file,
front matter included), says what is wrong and offers the nearest name that
exists. The build refuses the same content with the same words, before
MkDocs runs, so MkDocs' own messages ("Doc file … contains a link …") never
reach a writer.
"""

from __future__ import annotations

import textwrap
import time

import pytest
from conftest import FixtureSite

POST = "content/blog/2014-01-16-links.md"
FRONT = "---\ntitle: Links\ndate: 2014-01-16\nauthor: ada\n---\n"
"""Five lines: a post's body starts on line 6."""
MISSION = """\
---
title: Mission
---
Why we exist.

## Our aims

A paragraph.

## Long term {#long-term}

Another.
"""


@pytest.fixture
def site(fixture_site: FixtureSite) -> FixtureSite:
    fixture_site.write("content/about/mission.md", MISSION)
    fixture_site.write_bytes("content/blog/photo.jpg", b"\xff\xd8\xff\xe0 a picture")
    fixture_site.write_bytes("content/blog/minutes.pdf", b"%PDF-1.4 minutes")
    return fixture_site


def post(site: FixtureSite, body: str, front: str = FRONT, rel: str = POST) -> None:
    site.write(rel, front + textwrap.dedent(body))


def link_problems(site: FixtureSite) -> list[str]:
    return [p for p in site.problems() if ": link: " in p or ": picture: " in p]


def only(problems: list[str], prefix: str) -> str:
    found = [p for p in problems if p.startswith(prefix)]
    assert len(found) == 1, f"expected one problem starting {prefix!r}, got {problems}"
    return found[0]


def test_valid_links_of_every_kind_pass(site: FixtureSite) -> None:
    post(
        site,
        """\
        See the [mission](../about/mission.md), its [aims](../about/mission.md#our-aims)
        and [long term](../about/mission.md#long-term), [below](#more), the
        [minutes](minutes.pdf), the [blog](/blog/), the [mission's page](/about/mission/),
        [London](../chapters/london/index.md) and [the web](https://example.org/x.md).

        ![A photo](photo.jpg) <img src="../../photo.jpg" alt="again"> <a href="/about/">raw</a>

        A [reference][ref] and a footnote.[^1]

        ## More

        [ref]: ../about/mission.md#our-aims
        [^1]: The note.
        """,
    )
    assert site.problems() == []


def test_a_link_to_a_page_that_does_not_exist(site: FixtureSite) -> None:
    post(site, "Text.\n\nRead the [mission](../about/misison.md).\n")
    problem = only(link_problems(site), f"{POST}:8: link: ")
    assert "there is no page content/about/misison.md" in problem
    assert "did you mean ../about/mission.md?" in problem


def test_a_link_to_a_missing_anchor_in_another_page(site: FixtureSite) -> None:
    post(site, "See [aims](../about/mission.md#our-aim).\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "content/about/mission.md has no heading or id #our-aim" in problem
    assert "did you mean #our-aims?" in problem


def test_a_link_to_a_missing_anchor_in_the_same_page(site: FixtureSite) -> None:
    post(site, "Jump [down](#nowhere).\n\n## Somewhere\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "this page has no heading or id #nowhere" in problem


def test_a_missing_picture(site: FixtureSite) -> None:
    post(site, "Text.\n\n![The cork](cork.jpg)\n")
    problem = only(link_problems(site), f"{POST}:8: picture: ")
    assert "there is no picture content/blog/cork.jpg" in problem


def test_a_missing_file(site: FixtureSite) -> None:
    post(site, "The [minutes](minute.pdf) of the meeting.\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "there is no file content/blog/minute.pdf" in problem
    assert "did you mean minutes.pdf?" in problem


def test_an_image_field_naming_no_file(site: FixtureSite) -> None:
    post(site, "Text.\n", front=FRONT.replace("author: ada\n", "author: ada\nimage: cork.jpg\n"))
    problem = only(site.problems(), f"{POST}:5: image: ")
    assert "there is no picture content/blog/cork.jpg" in problem


def test_an_image_field_naming_a_file_passes(site: FixtureSite) -> None:
    post(site, "Text.\n", front=FRONT.replace("author: ada\n", "author: ada\nimage: photo.jpg\n"))
    assert site.problems() == []


def test_a_nav_entry_whose_file_is_gone(site: FixtureSite) -> None:
    config = (site.root / "mkdocs.yml").read_text("utf-8")
    config = config.replace(
        "  - Blog: blog/index.md\n", "  - Blog: blog/index.md\n  - Aims: about/mision.md\n"
    )
    site.write("mkdocs.yml", config)
    line = config.splitlines().index("  - Aims: about/mision.md") + 1
    problem = only(site.problems(), f"mkdocs.yml:{line}: nav: ")
    assert "there is no page content/about/mision.md" in problem
    assert "did you mean about/mission.md?" in problem


def test_links_from_the_root(site: FixtureSite) -> None:
    post(
        site,
        """\
        [a](/about/misison.md)
        [b](/about/mission.md)
        [c](/nowhere/)
        [d](/about/mission/#no-such)
        [e](/about/mission/#our-aims)
        """,
    )
    problems = link_problems(site)
    assert "there is no page content/about/misison.md" in only(problems, f"{POST}:6: link: ")
    left_as_is = only(problems, f"{POST}:7: link: ")
    assert "../about/mission.md" in left_as_is and "/about/mission/" in left_as_is
    assert "the site has no page or file /nowhere" in only(problems, f"{POST}:8: link: ")
    assert "has no heading or id #no-such" in only(problems, f"{POST}:9: link: ")
    assert len(problems) == 4


def test_links_between_content_and_chapters_resolve_as_one_tree(site: FixtureSite) -> None:
    chapter_post = "chapters/london/blog/2014-02-01-meeting.md"
    post(site, "[Our mission](../../../about/mission.md)\n", rel=chapter_post)
    post(site, "[London](../chapters/london/index.md#gone)\n")
    problems = link_problems(site)
    assert "chapters/london/index.md has no heading or id #gone" in only(
        problems, f"{POST}:6: link: "
    )
    assert len(problems) == 1


def test_a_link_written_as_between_project_folders_gets_the_right_one(site: FixtureSite) -> None:
    post(site, "[London](../../chapters/london/index.md)\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "content/ and chapters/ are one tree for links" in problem
    assert "did you mean ../chapters/london/index.md?" in problem


def test_a_link_to_a_folder_or_address_must_name_the_file(site: FixtureSite) -> None:
    post(site, "[mission](../about/mission/)\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "must name its file" in problem
    assert "did you mean ../about/mission.md?" in problem


def test_a_link_to_a_draft(site: FixtureSite) -> None:
    post(
        site,
        "Soon.\n",
        front=FRONT.replace("author: ada\n", "author: ada\ndraft: true\n"),
        rel="content/blog/2014-01-17-later.md",
    )
    post(site, "[later](2014-01-17-later.md)\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "is a draft, not published yet" in problem


def test_links_in_code_are_not_links(site: FixtureSite) -> None:
    post(
        site,
        """\
        Write `[x](missing.md)` for a link.

        ```markdown
        [y](also-missing.md) ![z](gone.jpg)
        ```

            [indented](missing-too.md)

        ~~~
        <a href="nope.md">raw</a>
        ~~~
        """,
    )
    assert site.problems() == []


def test_raw_html_and_reference_links_are_checked(site: FixtureSite) -> None:
    post(
        site,
        """\
        <p><img src="gone.png" alt=""></p>

        A [reference][r].

        [r]: ../about/nothing.md
        """,
    )
    problems = link_problems(site)
    assert "the site has no page or file /blog/2014/links/gone.png" in only(
        problems, f"{POST}:6: picture: "
    )
    assert "no page content/about/nothing.md" in only(problems, f"{POST}:10: link: ")


def test_raw_html_links_are_relative_to_the_page_address(site: FixtureSite) -> None:
    """MkDocs leaves raw HTML as it is: `photo.jpg` beside the file is not
    beside the page's address (blog/2014/links/), and a .md file is no address."""
    post(site, '<img src="photo.jpg" alt="">\n\n<a href="../about/mission.md">x</a>\n')
    problems = link_problems(site)
    picture = only(problems, f"{POST}:6: picture: ")
    assert "/blog/2014/links/photo.jpg" in picture and "did you mean /blog/photo.jpg?" in picture
    link = only(problems, f"{POST}:8: link: ")
    assert "a link in HTML is left as it is" in link
    assert "/about/mission/" in link and "[…](../about/mission.md)" in link


BROKEN = """\
[a](../about/visoin.md) [b](../about/mission.md#no-such-heading) [c](#nowhere)

![d](cork.jpg) [e](missing-minutes.pdf)
"""


def test_check_reports_all_at_once_and_build_refuses_with_the_same_words(
    site: FixtureSite,
) -> None:
    post(site, BROKEN, front=FRONT.replace("author: ada\n", "author: ada\nimage: cork.jpg\n"))
    checked = site.run("check")
    assert checked.returncode == 1
    lines = [line for line in checked.stderr.splitlines() if line.startswith(POST)]
    assert [line.split(": ")[0:2] for line in lines] == [
        [f"{POST}:5", "image"],
        [f"{POST}:7", "link"],
        [f"{POST}:7", "link"],
        [f"{POST}:7", "link"],
        [f"{POST}:9", "link"],
        [f"{POST}:9", "picture"],
    ]
    assert "Traceback" not in checked.stderr

    annotated = site.run("check", "--format", "github")
    assert f"::error file={POST},line=9,title=picture::" in annotated.stdout

    built = site.run("build", "--site-dir", str(site.root / "out"))
    assert built.returncode == 1
    assert lines == [line for line in built.stderr.splitlines() if line.startswith(POST)]
    assert "Doc file" not in built.stderr
    assert not (site.root / "out").exists()


def test_mkdocs_agrees_that_valid_links_are_valid(site: FixtureSite) -> None:
    """No false alarm: what check passes, the strict build passes too."""
    test_valid_links_of_every_kind_pass(site)
    built = site.run("build", "--site-dir", str(site.root / "out"))
    assert built.returncode == 0, built.stderr


def test_markdown_that_would_take_hours_is_refused_in_seconds(
    site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python-Markdown is quadratic in a run of brackets: 20 kB of them would take minutes."""
    from iops import links

    monkeypatch.setattr(links, "MARKDOWN_SECONDS", 0.5)
    post(site, "[" * 20_000 + "](mission.md)\n")
    started = time.perf_counter()
    problem = only(site.problems(), f"{POST}: file: ")
    assert time.perf_counter() - started < 10
    assert "took more than 0.5 s to read" in problem and "break it up" in problem


def test_a_markdown_extension_that_fails_is_a_problem_not_a_traceback(site: FixtureSite) -> None:
    config = (site.root / "mkdocs.yml").read_text("utf-8")
    site.write("mkdocs.yml", config.replace("  - footnotes\n", "  - footnotes\n  - no_such_ext\n"))
    post(site, "[x](../about/mission.md)\n")
    checked = site.run("check")
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    assert f"{POST}: file: Markdown could not read it for its links" in checked.stderr
    assert "no_such_ext" in checked.stderr


def test_links_in_every_kind_of_block_are_found_on_their_line(site: FixtureSite) -> None:
    """Prose is not what Markdown reads for links: every block around it is."""
    post(
        site,
        """\
        A paragraph of words, then a [link split
        over lines](gone-1.md "and a
        title") in it.

        1. A list item with [a link](gone-2.md).
        2. Words only.

        > A quote with [a link](gone-3.md).

        | Column | Other |
        | ------ | ----- |
        | words  | [cell](gone-4.md) |

        ~~~ python
        print("[not a link](gone-5.md)")
        ~~~

        Term
        : A definition with [a link](gone-6.md).
        """,
    )
    problems = link_problems(site)
    lines = {p.split(": ")[0]: p for p in problems}
    expected = {f"{POST}:{line}" for line in (7, 10, 13, 17, 24)}
    assert set(lines) == expected, problems
    assert not any("gone-5" in p for p in problems)


def _validation(site: FixtureSite, settings: str) -> None:
    config = (site.root / "mkdocs.yml").read_text("utf-8")
    before, _ = config.split("validation:\n", 1)
    site.write("mkdocs.yml", before + "validation:\n" + settings)


def test_the_sites_validation_levels_decide_what_stops_the_build(site: FixtureSite) -> None:
    """As in MkDocs: `warn` stops the strict build, `info` is said, `ignore` is not."""
    _validation(site, "  not_found: info\n  links:\n    anchors: ignore\n")
    post(site, "[a](gone.md) [b](../about/mission.md#gone)\n")
    problems = site.problems()
    assert problems == [
        f"{POST}:6: link: 'gone.md': there is no page content/blog/gone.md — "
        "link to the page's file relative to this one, e.g. ../about/mission.md (warning)"
    ]
    checked = site.run("check")
    assert checked.returncode == 0, checked.stderr


def test_links_from_the_root_name_files_where_the_site_says_so(site: FixtureSite) -> None:
    _validation(site, "  absolute_links: relative_to_docs\n  anchors: warn\n")
    post(site, "[a](/about/mission.md#our-aims) [b](/about/misison.md)\n")
    problem = only(link_problems(site), f"{POST}:6: link: ")
    assert "there is no page content/about/misison.md" in problem
    assert len(link_problems(site)) == 1


def test_a_javascript_address_with_spaces_is_not_taken_for_a_file(site: FixtureSite) -> None:
    """Browsers drop the spaces and line breaks: the sanitizer removes such links."""
    post(site, '<a href="  javascript:alert(1)">x</a> <a href="java\nscript:alert(2)">y</a>\n')
    assert link_problems(site) == []
