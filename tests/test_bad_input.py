"""Bad content: every problem names the file, the line, the field and what is wrong."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import FixtureSite
from iops.problems import Problem
from iops.reader import read_source

POST = "content/blog/2014-01-16-bad.md"


def only(problems: list[str], prefix: str) -> str:
    """The one problem that starts with `prefix` (path:line: field:)."""
    found = [p for p in problems if p.startswith(prefix)]
    assert len(found) == 1, f"expected one problem starting {prefix!r}, got {problems}"
    return found[0]


# --- the file cannot be read as front matter ----------------------------------


def test_unclosed_quote_names_the_line_where_it_opens(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: "An unclosed quote
        date: 2014-01-16
        author: ada
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:2: front matter: invalid YAML")
    assert "quoted" in problem


def test_bad_indentation_names_its_line(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: A post
          date: 2014-01-16
        author: ada
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:3: front matter: invalid YAML")
    assert "mapping values are not allowed" in problem
    assert "indentation" in problem


@pytest.mark.parametrize(
    ("front", "shape"),
    [("- a\n- b\n", "a list"), ("just some words\n", "a single value")],
)
def test_front_matter_must_be_fields(fixture_site: FixtureSite, front: str, shape: str) -> None:
    fixture_site.write(POST, f"---\n{front}---\nText.\n")
    problem = only(fixture_site.problems(), f"{POST}:1: front matter:")
    assert f"the front matter is {shape}, not a set of fields" in problem


def test_duplicate_key_names_the_second_line(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: A post
        date: 2014-01-16
        title: Another title
        author: ada
        ---
        Text.
        """,
    )
    assert fixture_site.problems() == [
        f"{POST}:4: title: the field is given twice"
        " — keep one of the two lines and delete the other"
    ]


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("'': x", "a field name must be plain text"),
        ("'  ': x", "a field name must be plain text"),
        ("<<: x", "a field name must be plain text"),
        ("[a, b]: x", "a field name must be plain text"),
        ('"ti\\x07tle": x', "the field name 'ti\\x07tle' holds a line break or control character"),
        (
            '"two\\nlines": x',
            "the field name 'two\\nlines' holds a line break or control character",
        ),
    ],
)
def test_field_names_must_be_plain_text(fixture_site: FixtureSite, line: str, what: str) -> None:
    fixture_site.write(
        POST, f"---\ntitle: A post\ndate: 2014-01-16\n{line}\nauthor: ada\n---\nX.\n"
    )
    assert only(fixture_site.problems(), f"{POST}:4: front matter: ").endswith(
        f"{what} — "
        + (
            "write 'name: value'"
            if "plain" in what
            else "retype the name on one line: 'name: value'"
        )
    )


def test_a_second_yaml_document_is_refused(fixture_site: FixtureSite) -> None:
    fixture_site.write(POST, "---\ntitle: A\ndate: 2014-01-16\nauthor: ada\n...\n--- x: 1\n---\n")
    problem = only(fixture_site.problems(), f"{POST}:6: front matter: ")
    assert "the front matter holds a second YAML document" in problem


def test_only_yaml_white_space_is_stripped_from_text(fixture_site: FixtureSite) -> None:
    """Spaces, tabs and line breaks around a value go; a no-break space stays, so a
    handle pasted with one is refused rather than silently mended."""
    fixture_site.write(
        POST, '---\ntitle: "\\t A title \\n"\ndate: 2014-01-16\nauthor: "ada\\u00a0"\n---\nX.\n'
    )
    problem = only(fixture_site.problems(), f"{POST}:4: author: ")
    assert "'ada\\xa0' is not a handle" in problem
    fixture_site.write(POST, '---\ntitle: "\\t A title \\n"\ndate: 2014-01-16\nauthor: ada\n---\n')
    assert fixture_site.plan().site.by_source[POST].title == "A title"


# --- fields -------------------------------------------------------------------

COMPLETE = {
    "post": (
        "content/blog/2014-02-01-x.md",
        {"title": "X", "date": "2014-02-01", "author": "ada"},
    ),
    "news": ("content/news/2014-02-01-x.md", {"title": "X", "date": "2014-02-01"}),
    "event": ("content/events/2014-02-01-x.md", {"title": "X", "start": "2014-02-01T18:30"}),
    "project": (
        "content/projects/x.md",
        {"title": "X", "created": "2014-02-01", "status": "active"},
    ),
    "poll": (
        "content/polls/x.md",
        {
            "title": "X",
            "opens": "2014-02-01",
            "closes": "2014-02-08",
            "questions": "\n  - question: Yes?\n    options:\n      - {label: yes, votes: 3}",
        },
    ),
    "member": ("content/members/cy.md", {"name": "Cy"}),
    "chapter": (
        "chapters/leeds/index.md",
        {"name": "Leeds", "level": "local", "founded": "2014-02-01"},
    ),
    "statement": ("content/about/x.md", {"title": "X"}),
    "page": ("content/x.md", {"title": "X"}),
}
REQUIRED = [(kind, name) for kind, (_, fields) in COMPLETE.items() for name in fields]


def front_matter(fields: dict[str, str]) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\nText.\n"


@pytest.mark.parametrize("kind", list(COMPLETE))
def test_complete_items_are_valid(fixture_site: FixtureSite, kind: str) -> None:
    rel, fields = COMPLETE[kind]
    fixture_site.write(rel, front_matter(fields))
    assert fixture_site.problems() == []
    assert fixture_site.plan().site.by_source[rel].kind == kind


@pytest.mark.parametrize(("kind", "missing"), REQUIRED)
def test_required_field_missing(fixture_site: FixtureSite, kind: str, missing: str) -> None:
    rel, fields = COMPLETE[kind]
    rest = {k: v for k, v in fields.items() if k != missing}
    fixture_site.write(rel, front_matter(rest))
    # Reported on the first line of the front matter: the --- line when it is empty.
    problem = only(fixture_site.problems(), f"{rel}:{2 if rest else 1}: {missing}:")
    assert f"the required field is missing (a {kind} needs it)" in problem
    assert f"add a line '{missing}: …'" in problem


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("2014-13-45", "'2014-13-45' is not a real date"),
        ("15/01/2014", "'15/01/2014' is not a date"),
    ],
)
def test_date_that_is_not_a_date(fixture_site: FixtureSite, value: str, what: str) -> None:
    fixture_site.write(
        POST,
        f"""\
        ---
        title: A post
        date: {value}
        author: ada
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:3: date: ")
    assert what in problem
    assert "YYYY-MM-DD" in problem or "month" in problem


def test_yaml_11_words_stay_text(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: NO
        date: 2014-01-16
        author: ada
        ---
        Text.
        """,
    )
    fixture_site.write(
        "chapters/leeds/index.md",
        """\
        ---
        name: Leeds
        level: local
        founded: 2014-01-01
        parent: uk
        place: 12:30
        ---
        Leeds.
        """,
    )
    plan = fixture_site.plan()
    assert plan.problems == ()
    post = plan.site.by_source[POST]
    assert post.title == "NO"
    assert plan.site.chapters["leeds"].field("place") == "12:30"


def test_draft_yes_is_refused(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: A post
        date: 2014-01-16
        author: ada
        draft: yes
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:5: draft: ")
    assert "'yes' is not true or false" in problem
    assert "write true or false" in problem


def test_unknown_field_suggests_a_close_match(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: A post
        date: 2014-01-16
        auther: ada
        ---
        Text.
        """,
    )
    problems = fixture_site.problems()
    problem = only(problems, f"{POST}:4: auther: ")
    assert "a post has no field 'auther'" in problem
    assert "did you mean 'author'?" in problem
    # ...and the real field is still missing.
    only(problems, f"{POST}:2: author: the required field is missing")


def test_tags_given_as_a_string(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: A post
        date: 2014-01-16
        author: ada
        tags: vision, strategy
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:5: tags: ")
    assert "expected a list" in problem
    assert "[a, b]" in problem


# --- names that do not exist --------------------------------------------------


def test_unknown_author(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        POST,
        """\
        ---
        title: A post
        date: 2014-01-16
        author: zed
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:4: author: ")
    assert "there is no member named 'zed'" in problem
    assert "content/members/" in problem


def test_unknown_member_chapter(fixture_site: FixtureSite) -> None:
    rel = "content/members/cy.md"
    fixture_site.write(rel, "---\nname: Cy\nchapter: paris\n---\nCy.\n")
    problem = only(fixture_site.problems(), f"{rel}:3: chapter: ")
    assert "there is no chapter named 'paris'" in problem


def test_unknown_chapter_parent(fixture_site: FixtureSite) -> None:
    rel = "chapters/leeds/index.md"
    fixture_site.write(
        rel,
        "---\nname: Leeds\nlevel: local\nfounded: 2014-01-01\nparent: yorkshire\n---\nLeeds.\n",
    )
    problem = only(fixture_site.problems(), f"{rel}:5: parent: ")
    assert "there is no chapter named 'yorkshire'" in problem


def test_parent_cycle(fixture_site: FixtureSite) -> None:
    for handle, parent in (("north", "south"), ("south", "north")):
        fixture_site.write(
            f"chapters/{handle}/index.md",
            f"""\
            ---
            name: IOPS {handle}
            level: regional
            founded: 2014-01-01
            parent: {parent}
            ---
            A region.
            """,
        )
    problems = fixture_site.problems()
    for handle, parent in (("north", "south"), ("south", "north")):
        cycle = [p for p in problems if "cycle" in p and p.startswith(f"chapters/{handle}/")]
        assert cycle == [
            f"chapters/{handle}/index.md:5: parent: the chapters' parents form a cycle: "
            f"{handle} → {parent} → {handle} — one chapter of the cycle must name a "
            "higher-level parent, or none"
        ]
        level = only(problems, f"chapters/{handle}/index.md:5: parent: a regional chapter")
        assert f"cannot belong to the regional chapter '{parent}'" in level


def test_chapter_folder_without_index(fixture_site: FixtureSite) -> None:
    rel = "chapters/paris/blog/2014-01-16-bonjour.md"
    fixture_site.write(rel, "---\ntitle: Bonjour\ndate: 2014-01-16\nauthor: ada\n---\nSalut.\n")
    problem = only(fixture_site.problems(), f"{rel}: chapter: ")
    assert "chapters/paris/ has no index.md" in problem


def test_broken_file_is_not_reported_as_missing(fixture_site: FixtureSite) -> None:
    """One mistake in a chapter's index.md is one problem: its posts and members
    are not told that the chapter does not exist."""
    fixture_site.write(
        "chapters/london/index.md",
        "---\nname: IOPS London\nlevel: local\nfounded: 2013-13-01\nparent: uk\n---\n",
    )
    fixture_site.write(
        "chapters/london/blog/2014-02-01-x.md",
        "---\ntitle: X\ndate: 2014-02-01\nauthor: ada\n---\n",
    )
    fixture_site.write_bytes("content/members/cy.md", "---\nname: Cé\n---\n".encode("latin-1"))
    fixture_site.write(
        "content/blog/2014-02-01-y.md", "---\ntitle: Y\ndate: 2014-02-01\nauthor: cy\n---\n"
    )
    problems = fixture_site.problems()
    assert [p.split(": ")[0] for p in problems] == [
        "chapters/london/index.md:4",
        "content/members/cy.md:2",
    ]


# --- URLs ---------------------------------------------------------------------


def test_two_files_publish_to_one_url(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/first.md", "---\ntitle: Again\ndate: 2014-03-01\nauthor: ada\n---\nX.\n"
    )
    problems = fixture_site.problems()
    first = only(problems, "content/blog/2014-01-15-first.md: url: ")
    again = only(problems, "content/blog/first.md: url: ")
    assert "/blog/2014/first/" in first
    assert "content/blog/first.md" in first
    assert "/blog/2014/first/" in again
    assert "content/blog/2014-01-15-first.md" in again


def test_alias_collides_with_a_page(fixture_site: FixtureSite) -> None:
    rel = "content/blog/2014-02-01-second.md"
    fixture_site.write(
        rel,
        """\
        ---
        title: Second
        date: 2014-02-01
        author: ada
        aliases: [/blog/2014/first/]
        ---
        X.
        """,
    )
    problem = only(fixture_site.problems(), f"{rel}:5: aliases: ")
    assert "an alias would be published at /blog/2014/first/" in problem
    assert "content/blog/2014-01-15-first.md" in problem


def test_alias_collides_with_a_listing(fixture_site: FixtureSite) -> None:
    rel = "content/blog/2014-02-01-second.md"
    fixture_site.write(
        rel,
        """\
        ---
        title: Second
        date: 2014-02-01
        author: ada
        aliases:
          - /blog/
        ---
        X.
        """,
    )
    problem = only(fixture_site.problems(), f"{rel}:6: aliases: ")
    assert "an alias would be published at /blog/, as would the Blog listing" in problem


def test_item_shadowing_a_generated_listing(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/about/index.md", "---\ntitle: About us\n---\nX.\n")
    problem = only(fixture_site.problems(), "content/about/index.md: file: ")
    assert "the name of the generated page about/index.md" in problem


# --- files that are not what they should be -----------------------------------


def test_file_not_utf8_names_the_line_of_the_bad_byte(fixture_site: FixtureSite) -> None:
    text = "---\ntitle: Post\ndate: 2014-01-16\nauthor: ada\n---\nUn café.\n"
    fixture_site.write_bytes(POST, text.encode("latin-1"))
    problem = only(fixture_site.problems(), f"{POST}:6: file: ")
    assert "not UTF-8 (byte 0xe9" in problem
    assert "UTF-8 encoding" in problem


def test_python_tag_is_refused_and_not_run(fixture_site: FixtureSite, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    fixture_site.write(
        POST,
        f"""\
        ---
        title: !!python/object/apply:os.system ["touch {marker}"]
        date: 2014-01-16
        author: ada
        ---
        Text.
        """,
    )
    problem = only(fixture_site.problems(), f"{POST}:2: title: ")
    assert "python/object/apply:os.system" in problem
    assert "is not allowed" in problem
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly(fixture_site: FixtureSite) -> None:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    fixture_site.write(
        POST,
        "---\ntitle: Laughs\ndate: 2014-01-16\nauthor: ada\n" + "\n".join(lines) + "\n---\nX.\n",
    )
    tracemalloc.start()
    started = time.perf_counter()
    try:
        # In this process, whatever `check` does with many files: read it directly too.
        read = read_source(fixture_site.root / POST, POST)
        problems = fixture_site.problems()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(read, Problem)
    assert str(read) in problems
    problem = only(problems, f"{POST}:6: lol1: ")
    assert "anchors and aliases (& and *) are not allowed" in problem
    assert elapsed < 2
    assert peak < 50 * 1024 * 1024


def test_empty_file(fixture_site: FixtureSite) -> None:
    fixture_site.write(POST, "")
    problem = only(fixture_site.problems(), f"{POST}:1: file: ")
    assert "the file is empty" in problem


def test_file_without_front_matter(fixture_site: FixtureSite) -> None:
    fixture_site.write(POST, "Just some text, no fields.\n")
    problem = only(fixture_site.problems(), f"{POST}:1: front matter: ")
    assert "the file has no front matter" in problem
    assert "title, date, author" in problem


# --- all problems at once, and the command line -------------------------------

BROKEN_FILES = {
    "content/blog/2014-02-01-a.md": "---\ntitle: A\ndate: 2014-02-30\nauthor: ada\n---\nX.\n",
    "content/news/2014-02-01-b.md": "---\ntitle: [B\ndate: 2014-02-01\n---\nX.\n",
    "content/members/cy.md": "---\nname: Cy\nchapter: paris\n---\nX.\n",
}


def test_all_problems_are_reported_in_one_run(fixture_site: FixtureSite) -> None:
    for rel, text in BROKEN_FILES.items():
        fixture_site.write(rel, text)
    problems = fixture_site.problems()
    assert len(problems) >= 3
    assert {p.split(":")[0] for p in problems} == set(BROKEN_FILES)
    only(problems, "content/blog/2014-02-01-a.md:3: date: ")
    only(problems, "content/news/2014-02-01-b.md:2: front matter: invalid YAML")
    only(problems, "content/members/cy.md:3: chapter: ")


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_failed_build_leaves_the_last_site_alone(fixture_site: FixtureSite) -> None:
    first = fixture_site.run("build")
    assert first.returncode == 0, first.stderr
    built = site_files(fixture_site.root / "site")
    assert "index.html" in built
    assert "blog/2014/first/index.html" in built

    fixture_site.write(POST, "---\ntitle: Broken\ndate: 2014-01-16\nauthor: zed\n---\nX.\n")
    second = fixture_site.run("build")
    assert second.returncode == 1
    assert f"{POST}:4: author: there is no member named 'zed'" in second.stderr
    assert site_files(fixture_site.root / "site") == built


def test_check_reports_problems_and_exit_code(fixture_site: FixtureSite) -> None:
    valid = fixture_site.run("check")
    assert valid.returncode == 0, valid.stderr
    assert "ok:" in valid.stdout

    for rel, text in BROKEN_FILES.items():
        fixture_site.write(rel, text)
    broken = fixture_site.run("check")
    assert broken.returncode == 1
    for problem in fixture_site.problems():
        assert problem in broken.stderr.splitlines()
    assert not (fixture_site.root / "site").exists()


# --- the site's settings (extra.iops in mkdocs.yml) -----------------------------


def test_every_wrong_setting_is_named_at_its_line_and_nothing_is_built(
    fixture_site: FixtureSite,
) -> None:
    config = fixture_site.root / "mkdocs.yml"
    text = config.read_text("utf-8").replace(
        "    page_size: 2\n",
        "    page_size: ten\n    home_size: 0\n    timezone_: UTC\n"
        "    search_part_size: true\n    editors: iopsociety/editors\n",
    )
    text = text.replace("timezone: Europe/London", "timezone: Europe/Londres")
    config.write_text(text, "utf-8")
    lines = text.splitlines()

    def at(setting: str) -> str:
        number = next(n for n, t in enumerate(lines, 1) if t.strip().startswith(setting + ":"))
        return f"mkdocs.yml:{number}: extra.iops.{setting}: "

    (fixture_site.root / "site").mkdir()
    (fixture_site.root / "site/kept.html").write_text("the last good site", "utf-8")
    for command in ("check", "build"):
        result = fixture_site.run(command)
        assert result.returncode == 1, result.stderr
        said = result.stderr.splitlines()
        assert "Europe/Londres' is not a time zone" in only(said, at("timezone"))
        assert "'ten', not a whole number" in only(said, at("page_size"))
        assert "is 0, less than 1" in only(said, at("home_size"))
        assert "not a whole number" in only(said, at("search_part_size"))
        assert "list of GitHub accounts" in only(said, at("editors"))
        assert "is not a setting" in only(said, at("timezone_"))
        assert "Traceback" not in result.stderr
    assert (fixture_site.root / "site/kept.html").read_text("utf-8") == "the last good site"


def test_settings_that_are_not_a_mapping_are_said_so(tmp_path: Path) -> None:
    """As `serve` reads them, through MkDocs (no lines then): one error, no traceback."""
    from iops.settings import SettingsError, settings_from_config

    with pytest.raises(SettingsError) as wrong:
        settings_from_config(tmp_path, {"extra": {"iops": ["page_size", 2]}})
    assert str(wrong.value).startswith("mkdocs.yml: extra.iops: is not a list of settings")
    with pytest.raises(SettingsError) as wrong:
        settings_from_config(tmp_path, {"extra": {"iops": {"page_size": 2.5, "branch": ""}}})
    assert [str(p).split(" — ")[0] for p in wrong.value.problems] == [
        "mkdocs.yml: extra.iops.page_size: is 2.5, not a whole number",
        "mkdocs.yml: extra.iops.branch: is '', not a text",
    ]
    assert settings_from_config(tmp_path, {"extra": {"iops": {"page_size": 3}}}).page_size == 3


def test_settings_are_read_from_mkdocs_own_config_too(fixture_site: FixtureSite) -> None:
    """The hooks read them from MkDocs' config, whose `extra` is no dict."""
    from iops.settings import load_settings, settings_from_config
    from mkdocs.config import load_config

    config = load_config(str(fixture_site.root / "mkdocs.yml"))
    through_mkdocs = settings_from_config(fixture_site.root, dict(config))
    assert through_mkdocs == load_settings(fixture_site.root)
    assert (through_mkdocs.page_size, through_mkdocs.timezone) == (2, "Europe/London")
