"""Every reader's language (issue 17, item 4): the templates' words come from
the catalogs in theme/locales, in each page's language; a word with no
translation is English marked lang="en"; dates on a listing are in the
listing's language; a broken catalog stops `check` and the build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po
from conftest import REPO, FixtureSite, tree_digests
from iops import catalogs
from iops.po_files import Language, read_catalogs
from iops.translations import Translator

LOCALES = REPO / "theme" / "locales"

PAGES = {
    "content/blog/2015-06-15-deutsch.md": (
        "---\ntitle: Ein Beitrag\ndate: 2015-06-15\nauthor: ada\nlang: de\ntags: [vision]\n"
        "---\n## Ein Abschnitt\n\nHallo Welt.\n\n## Noch einer\n\nTschüss.\n"
    ),
    "content/blog/2015-09-07-espanol.md": (
        "---\ntitle: Una entrada\ndate: 2015-09-07\nauthor: bo\nlang: es\n---\nHola.\n"
    ),
    "content/blog/2015-07-01-english.md": (
        "---\ntitle: An English post\ndate: 2015-07-01\nauthor: bo\n---\nHello.\n"
    ),
    "content/blog/2015-08-01-ellinika.md": (
        "---\ntitle: Μια ανάρτηση\ndate: 2015-08-01\nauthor: bo\nlang: el\n---\nΓεια.\n"
    ),
    "content/events/2027-05-15-treffen.md": (
        "---\ntitle: Treffen\nstart: 2027-05-15T10:00\ntimezone: Europe/Berlin\n"
        "location: Ein Saal\nlang: de\n---\nKommt vorbei.\n"
    ),
}


def _config() -> str:
    """The fixture's mkdocs.yml, with a repository: pages then link their source."""
    from conftest import MKDOCS_YML

    extra = "    page_size: 2\n    repository: https://github.com/example/site\n"
    return MKDOCS_YML.format(repo=REPO).replace("    page_size: 2\n", extra)


def _text(html: str) -> str:
    """What a reader reads of a page: no tags, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of a site with pages in English, German, Spanish and Greek."""
    from conftest import BASE_FILES

    site = FixtureSite(tmp_path_factory.mktemp("i18n") / "src")
    site.write("mkdocs.yml", _config())
    for rel, text in {**BASE_FILES, **PAGES}.items():
        site.write(rel, text)
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def test_a_german_page_shows_its_furniture_in_german(built: Path) -> None:
    post = (built / "blog/2015/deutsch/index.html").read_text("utf-8")
    text = _text(post)
    for english in ("Search", "Table of contents", "Edit this page", "History", "Skip to"):
        assert english not in text, english
    assert 'placeholder="Suche"' in post
    for german in ("Die Website durchsuchen", "Zum Inhalt springen", "Diese Seite bearbeiten"):
        assert german in text, german
    assert "15. Juni 2015" in text
    # No word of the page's own is English; the titles of the English posts
    # next to it keep their language, marked.
    furniture = re.sub(r'<nav class="iops-neighbours".*?</nav>', "", post, flags=re.S)
    furniture = re.sub(r'<section class="iops-related".*?</section>', "", furniture, flags=re.S)
    assert 'lang="en"' not in furniture
    assert '<span lang="en">An English post</span>' in post


def test_a_german_event_says_when_where_and_the_calendar_line_in_german(built: Path) -> None:
    text = _text((built / "events/2027/treffen/index.html").read_text("utf-8"))
    for english in ("When", "Where", "Add to calendar", "download (.ics)", "calendar app"):
        assert english not in text, english
    assert "Wann" in text and "Wo" in text
    assert "Zum Kalender hinzufügen: herunterladen (.ics) · in eurer Kalender-App öffnen" in text


def test_a_word_with_no_translation_is_english_marked_so(built: Path) -> None:
    # No catalog for Greek: every word of the page's furniture is English, marked.
    post = (built / "blog/2015/ellinika/index.html").read_text("utf-8")
    assert '<html lang="el"' in post
    assert '<span lang="en">Edit this page</span>' in post
    assert '<span lang="en">Search the site</span>' in post
    # In an attribute a span cannot be: the word is there, unmarked.
    assert 'placeholder="Search"' in post
    assert 'aria-label="Source of this page"' in post


def test_an_english_page_has_no_marks() -> None:
    translator = Translator(_languages(), "en")
    assert translator.gettext("Edit this page") == "Edit this page"
    translator.use("de-CH")  # the base language's catalog
    assert translator.gettext("Edit this page") == "Diese Seite bearbeiten"
    assert translator.gettext("Not a message") == '<span lang="en">Not a message</span>'
    assert translator.attr("Not a message") == "Not a message"


def test_words_and_placeholders_are_escaped_once() -> None:
    translator = Translator(_languages(), "de")
    made = translator.gettext("Member of %(chapter)s") % {"chapter": "<b>&"}
    assert made == "Mitglied von &lt;b&gt;&amp;"
    translator.use("el")
    made = translator.gettext("Member of %(chapter)s") % {"chapter": "<b>"}
    assert made == '<span lang="en">Member of &lt;b&gt;</span>'


def test_the_templates_underscore_speaks_the_language_in_use_each_time() -> None:
    # `_()` keeps each word it formatted, by language: switching back and
    # forth between pages of two languages must not mix them up.
    env = jinja2.Environment(autoescape=True)
    translator = Translator(_languages(), "en")
    translator.install(env)
    template = env.from_string(
        '{{ _("Edit this page") }}|{{ _("Member of %(chapter)s", chapter="<b>") }}'
    )
    for _ in range(2):
        translator.use("de")
        assert template.render() == "Diese Seite bearbeiten|Mitglied von &lt;b&gt;"
        translator.use("el")
        assert template.render() == (
            '<span lang="en">Edit this page</span>|<span lang="en">Member of &lt;b&gt;</span>'
        )
        translator.use("en")
        assert template.render() == "Edit this page|Member of &lt;b&gt;"


def test_plural_forms_follow_the_language() -> None:
    translator = Translator(_languages(), "fr")
    assert translator.ngettext("%(num)s vote", "%(num)s votes", 1) % {"num": 1} == "1 voix"
    translator.use("de")
    assert translator.ngettext("%(num)s vote", "%(num)s votes", 2) % {"num": 2} == "2 Stimmen"


def test_listing_dates_are_in_the_listings_language_and_titles_keep_theirs(
    built: Path,
) -> None:
    first = (built / "blog/index.html").read_text("utf-8")
    # The pages after the first, newest first: numbered from the oldest.
    numbered = sorted((built / "blog/page").iterdir(), key=lambda p: -int(p.name))
    second = "".join((page / "index.html").read_text("utf-8") for page in numbered)
    assert '<html lang="en"' in first and '<html lang="en"' in second
    days = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", first + second)
    assert days[:4] == ["September 7, 2015", "August 1, 2015", "July 1, 2015", "June 15, 2015"]
    assert re.search(r'<h2 class="iops-card__title" lang="es"><a [^>]+>Una entrada</a>', first)
    both = first + second
    assert re.search(r'<h2 class="iops-card__title"><a [^>]+>An English post</a>', both)
    assert '<p class="iops-card__summary" lang="de">Hallo Welt.</p>' in both


def test_the_catalogs_have_every_word_of_the_templates_and_translate_it() -> None:
    """Fails when a template's or hook's word is not in the catalogs: run
    `build.py translations`, then translate what it lists."""
    extracted = {m.id for m in catalogs.extract(REPO) if m.id}
    with catalogs.template_path(REPO).open("rb") as file:
        template = {m.id for m in read_po(file) if m.id}
    assert extracted == template, "run `python build.py translations`"
    for lang in catalogs.LANGUAGES:
        with catalogs.po_path(REPO, lang).open("rb") as file:
            catalog = read_po(file, locale=lang)
        assert {m.id for m in catalog if m.id} == template, lang
        assert catalogs.untranslated(catalog) == [], lang
    _, problems = read_catalogs(LOCALES, REPO)
    assert problems == []


def test_the_words_of_the_search_script_come_from_the_page() -> None:
    script = (REPO / "theme/assets/search.js").read_text("utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.strip().startswith("//"))
    for english in ("More results", "Searching", "Nothing was found", "One result", "Type what"):
        assert english not in code, english
    search = (REPO / "theme/search.html").read_text("utf-8")
    # The page hands them over as one JSON object (data-words), each said with
    # _attr: a plain word, never the <span lang="en"> of a missing translation.
    for name in ("prompt", "searching", "none", "one", "many", "failed", "more"):
        assert f"words.{name}" in script and f"'{name}': _attr(" in search, name


@pytest.fixture
def own_theme(fixture_site: FixtureSite) -> FixtureSite:
    """The fixture site with a copy of the theme of its own, catalogs included."""
    shutil.copytree(REPO / "theme", fixture_site.root / "theme")
    config = fixture_site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(f"{REPO}/theme", "theme"))
    return fixture_site


def _break(site: FixtureSite, lang: str, old: str, new: str) -> tuple[str, int]:
    path = site.root / f"theme/locales/{lang}/LC_MESSAGES/messages.po"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    lines = path.read_text("utf-8").splitlines()
    line = next(n for n, t in enumerate(lines, 1) if new in t)
    msgid_line = max(n for n in range(1, line) if lines[n - 1].startswith("msgid "))
    return f"theme/locales/{lang}/LC_MESSAGES/messages.po", msgid_line


def test_a_misspelled_placeholder_fails_check_and_build(own_theme: FixtureSite) -> None:
    path, line = _break(
        own_theme,
        "de",
        'msgstr "Mitglied von %(chapter)s"',
        'msgstr "Mitglied von %(chaptre)s"',
    )
    for command in ("check", "build"):
        result = own_theme.run(command)
        assert result.returncode == 1, command
        said = result.stderr
        assert f"{path}:{line}: msgstr: the de translation of 'Member of %(chapter)s'" in said
        assert "has %(chaptre)s, which the message does not have" in said
        assert "Traceback" not in said
    assert not (own_theme.root / "site").exists()


def test_a_missing_placeholder_and_a_lone_percent_fail_check(own_theme: FixtureSite) -> None:
    first, line = _break(
        own_theme,
        "es",
        'msgstr "Página %(number)s de %(count)s"',
        'msgstr "Página %(number)s"',
    )
    second, _ = _break(
        own_theme,
        "fr",
        'msgstr[0] "%(num)s réponse sur %(voters)s votants (%(turnout)s %% ont répondu)."',
        'msgstr[0] "%(num)s réponse sur %(voters)s votants (%(turnout)s % ont répondu)."',
    )
    said = own_theme.run("check").stderr
    assert f"{first}:{line}: msgstr: the es translation of 'Page %(number)s of %(count)s' " in said
    assert "lacks %(count)s" in said
    assert f"{second}:" in said
    assert "the fr translation of '%(num)s answer from %(voters)s voters" in said


def test_fast_and_plain_builds_agree_in_every_language(built: Path, tmp_path: Path) -> None:
    """The page workers switch language page by page as MkDocs' own build does."""
    from conftest import BASE_FILES

    site = FixtureSite(tmp_path / "src")
    site.write("mkdocs.yml", _config())
    for rel, text in {**BASE_FILES, **PAGES}.items():
        site.write(rel, text)
    result = site.run("build", "--plain", "--site-dir", str(tmp_path / "plain"))
    assert result.returncode == 0, result.stderr
    assert tree_digests(tmp_path / "plain") == tree_digests(built)


def _languages() -> dict[str, Language]:
    languages, problems = read_catalogs(LOCALES, REPO)
    assert problems == []
    return languages


def test_an_events_times_are_in_the_language_of_the_page_showing_them(built: Path) -> None:
    listing = _text((built / "events/index.html").read_text("utf-8"))
    assert "Saturday, May 15, 2027, 10:00" in listing
    assert "Samstag" not in listing
    page = _text((built / "events/2027/treffen/index.html").read_text("utf-8"))
    assert "Samstag, 15. Mai 2027, 10:00" in page


def test_the_catalogs_are_as_build_py_translations_writes_them(tmp_path: Path) -> None:
    """One command brings the catalogs up to date; run on a copy, it changes nothing."""
    for folder in ("theme", "hooks"):
        shutil.copytree(
            REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    site = FixtureSite(tmp_path)
    result = site.run("translations")
    assert result.returncode == 0, result.stderr
    assert "theme/locales/de/LC_MESSAGES/messages.po: 0 to translate" in result.stdout
    assert tree_digests(tmp_path / "theme/locales") == tree_digests(LOCALES)


def test_a_new_word_is_added_to_every_catalog_untranslated(tmp_path: Path) -> None:
    for folder in ("theme", "hooks"):
        shutil.copytree(
            REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    footer = tmp_path / "theme/404.html"
    footer.write_text(footer.read_text() + '{{ _("A brand new word") }}\n')
    result = FixtureSite(tmp_path).run("translations", "--new", "da")
    assert result.returncode == 0, result.stderr
    assert "theme/locales/de/LC_MESSAGES/messages.po: 1 to translate" in result.stdout
    with (tmp_path / "theme/locales/da/LC_MESSAGES/messages.po").open("rb") as file:
        danish = read_po(file)
    assert "A brand new word" in catalogs.untranslated(danish)


def test_a_catalog_that_cannot_be_read_fails_check(own_theme: FixtureSite) -> None:
    path = own_theme.root / "theme/locales/sv/LC_MESSAGES/messages.po"
    path.write_text(path.read_text("utf-8") + '\nmsgid "Open"\nmsgstr Öppen\n', "utf-8")
    result = own_theme.run("check")
    assert result.returncode == 1
    assert "theme/locales/sv/LC_MESSAGES/messages.po:" in result.stderr
    lines = path.read_text("utf-8").splitlines()
    assert f"messages.po:{len(lines)}: catalog: the sv catalog has a line that is not" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    path.write_text(path.read_text("utf-8").replace("msgstr Öppen", 'msgstr "x"\nnonsense'))
    result = own_theme.run("check")
    assert "catalog: the sv catalog cannot be read: Unknown or misformatted keyword" in (
        result.stderr
    )


def test_a_german_sites_listings_have_german_titles(tmp_path: Path) -> None:
    """Titles made by our Python (a listing's, a tag page's) are in the page's
    language too: in <title>, the page's heading and the links to them."""
    from conftest import BASE_FILES

    site = FixtureSite(tmp_path / "src")
    site.write("mkdocs.yml", _config().replace("language: en", "language: de"))
    for rel, text in BASE_FILES.items():
        site.write(rel, text)
    site.write(
        "chapters/london/blog/2014-02-01-lokal.md",
        "---\ntitle: Lokal\ndate: 2014-02-01\nauthor: ada\n---\nText.\n",
    )
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    built = site.root / "site"
    tag = (built / "tags/vision/index.html").read_text("utf-8")
    assert "<title>Schlagwort „vision“ · Test site</title>" in tag
    assert "<h1>Schlagwort „vision“</h1>" in tag
    chapter_blog = (built / "chapters/london/blog/index.html").read_text("utf-8")
    assert "<h1>Blog: IOPS London</h1>" in chapter_blog
    members = _text((built / "members/index.html").read_text("utf-8"))
    assert members.startswith("Mitglieder · Test site")
    year = (built / "blog/2014/index.html").read_text("utf-8")
    assert "<h1>Blog – 2014</h1>" in year


def test_a_phrase_is_its_english_text_and_survives_a_trip_between_processes() -> None:
    import pickle

    from iops.translations import N_, Phrase

    phrase = Phrase("%(section)s: %(chapter)s", section=N_("Polls"), chapter="Bern & <Co>")
    assert phrase == "Polls: Bern & <Co>"
    again = pickle.loads(pickle.dumps(phrase))  # noqa: S301 (our own bytes)
    assert again == phrase and again.values == phrase.values
    translator = Translator(_languages(), "fr")
    assert translator.data(again) == "Votes : Bern &amp; &lt;Co&gt;"
    assert translator.plain(again, "fr") == "Votes : Bern & <Co>"
    assert translator.data("100% <b>") == "100% &lt;b&gt;"  # not a phrase: as it is


def test_the_search_page_speaks_its_language_and_keeps_the_query_across_languages(
    tmp_path: Path,
) -> None:
    from browser import chromium, local_context, serve_folder
    from conftest import BASE_FILES

    site = FixtureSite(tmp_path / "src")
    site.write("mkdocs.yml", _config())
    for rel, text in {**BASE_FILES, **PAGES}.items():
        site.write(rel, text)
    site.write(
        "content/blog/2015-10-01-rotation.md",
        "---\ntitle: Rotation\ndate: 2015-10-01\nauthor: ada\nlang: de\n---\nquaxmeyer Arbeit.\n",
    )
    site.write(
        "content/blog/2015-10-02-balanced.md",
        "---\ntitle: Balanced\ndate: 2015-10-02\nauthor: ada\n---\nquaxmeyer jobs.\n",
    )
    assert site.run("build").returncode == 0
    built = site.root / "site"
    with (
        chromium() as browser,
        serve_folder(built) as origin,
        local_context(browser, origin) as (context, _),
    ):
        page = context.new_page()
        page.goto(origin + "search/de/?q=quaxmeyer")
        page.wait_for_selector(".iops-search-results__title a", timeout=15000)
        status = page.inner_text(".iops-search-results__status")
        assert status == "Ein Ergebnis für „quaxmeyer“."
        english = page.locator('#iops-search-others a[hreflang="en"]')
        assert (english.get_attribute("href") or "").endswith("/search/?q=quaxmeyer")
        english.click()
        page.wait_for_url("**/search/?q=quaxmeyer")
        page.wait_for_function(
            "document.querySelector('.iops-search-results__status').textContent.startsWith('One')",
            timeout=15000,
        )
        assert page.inner_text(".iops-search-results__status") == ("One result for “quaxmeyer”.")
        # Every language at once, from the German page: both posts.
        page.goto(origin + "search/de/?q=quaxmeyer")
        page.wait_for_selector(".iops-search-results__title a", timeout=15000)
        page.click("#iops-search-all")
        page.wait_for_url("**/search/de/?all=1&q=quaxmeyer")
        page.wait_for_function(
            "document.querySelectorAll('.iops-search-results__title a').length === 2",
            timeout=15000,
        )
        assert page.inner_text(".iops-search-results__status") == ("2 Ergebnisse für „quaxmeyer“.")


def test_a_language_of_the_content_without_a_catalog_is_said(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2015-08-01-ellinika.md", PAGES["content/blog/2015-08-01-ellinika.md"]
    )
    result = fixture_site.run("check")
    assert result.returncode == 0, result.stderr  # a warning: the page is still built
    assert (
        "theme/locales/el/LC_MESSAGES/messages.po: catalog: the content has pages in 'el', "
        "which has no catalog: their menus and labels show in English — run "
        "`build.py translations --new el` and translate that file (warning)"
    ) in result.stderr
    fixture_site.write(
        "content/blog/2015-08-01-ellinika.md", PAGES["content/blog/2015-06-15-deutsch.md"]
    )
    assert "catalog" not in fixture_site.run("check").stderr


def test_a_fallback_put_in_an_attribute_with_underscore_keeps_the_page_whole(
    own_theme: FixtureSite,
) -> None:
    links = own_theme.root / "theme/partials/ui.html"
    text = links.read_text("utf-8").replace(
        '_attr("Source of this page")', '_("Source of this page")'
    )
    links.write_text(text.replace('>{{ _("History") }}<', ' title="{{ _("History") }} x">x<'))
    config = own_theme.root / "mkdocs.yml"
    config.write_text(_config().replace(f"{REPO}/theme", "theme"))
    own_theme.write(
        "content/blog/2015-08-01-ellinika.md", PAGES["content/blog/2015-08-01-ellinika.md"]
    )
    assert own_theme.run("build").returncode == 0
    post = (own_theme.root / "site/blog/2015/ellinika/index.html").read_text("utf-8")
    assert 'aria-label="Source of this page"' in post
    assert 'title="History x"' in post
    assert '<span lang="en">Edit this page</span>' in post  # in the text: marked
