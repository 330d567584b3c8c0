"""MkDocs hooks: adapt the content model in `iops` to MkDocs 1.6. Kept thin.

Every handler calls the model and hands MkDocs what it needs: the pages to
build (`on_files`), their Markdown and template (`on_page_markdown`), the
data their templates show (`on_page_context`); each page's HTML is cleaned
(`iops.sanitize`) before anything else sees it. A process may build more
than once (the tests do), so all state is rebuilt in `on_config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iops import admin_site, localized, sanitize, templating
from iops.plan import Plan, plan_site
from iops.search import PendingIndex, SearchIndexError
from iops.settings import SettingsError, build_time, settings_from_config
from iops.site_files import PageSource
from iops.translations import Translator
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page


class _State:
    def __init__(self) -> None:
        self.preview = False
        self.plan: Plan | None = None
        self.sources: dict[str, PageSource] = {}
        self.html_by_source: dict[str, str] = {}
        """Each item's HTML, once every page is read (`on_env`): for feeds and search."""
        self.search: PendingIndex | None = None
        """Pagefind, indexing while the pages render."""
        self.translator: Translator | None = None
        """The templates' gettext (`on_env`), told each page's language before it renders."""

    def cancel_search(self) -> None:
        if self.search is not None:
            self.search.cancel()
            self.search = None


_state = _State()


def on_startup(command: str, dirty: bool) -> None:
    # A preview (`build.py serve`, through `build --preview`) shows drafts and
    # scheduled posts, marked as such.
    _state.preview = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    try:
        settings = settings_from_config(root, dict(config))
    except SettingsError as err:
        raise PluginError(str(err)) from err
    # A preview is of today; a build is of its last commit (see build_time).
    now = build_time(None if _state.preview else root)
    plan = plan_site(settings, now, preview=_state.preview)
    if plan.errors:
        raise PluginError("\n".join(str(p) for p in plan.errors))
    _state.cancel_search()  # a build that failed before it ended (`serve`)
    _state.plan = plan
    _state.sources = {source.src_uri: source for source in plan.sources}
    _state.translator = localized.translator(plan)
    # theme/sitemap.xml is an index of this list of pages.
    config.theme.static_templates.add(templating.SITEMAP_PAGES)
    _state.html_by_source = {}
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for file in list(files):
        if file.is_documentation_page():
            files.remove(file)  # every page comes from the model below
    for source in _state.sources.values():
        file = File.generated(
            config, source.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV
        )
        file.dest_uri = source.dest_path
        files.append(file)
    assert _state.plan is not None  # set by on_config
    for path, content in templating.output_files(_state.plan):
        if isinstance(content, Path):  # kept in .cache/: MkDocs copies it from there
            files.append(File.generated(config, path, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, path, content=content))
    for src_uri, abs_path in templating.chapter_assets(
        Path(config.config_file_path).resolve().parent
    ):
        files.append(File.generated(config, src_uri, abs_src_path=str(abs_path)))
    try:
        for src_uri, abs_path in admin_site.assets(_state.plan.site.settings.editor):
            files.append(File.generated(config, src_uri, abs_src_path=str(abs_path)))
    except admin_site.EditorFilesMissing as err:
        raise PluginError(str(err)) from err
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    source = _state.sources[page.file.src_uri]
    assert _state.translator is not None  # set by on_config
    page.meta.update(templating.page_meta(source.meta, _state.translator, source.lang))
    return source.markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Cleaned once, here: the page and the feeds carry the same HTML. No state
    # is kept: the parallel build may take the result from its cache instead.
    templating.clean_toc(page.toc)
    return sanitize.sanitize_html(html)


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any
) -> dict[str, Any]:
    source = _state.sources[page.file.src_uri]
    assert _state.plan is not None and _state.translator is not None  # on_config, on_env
    context.update(templating.page_context(_state.plan, source))
    _state.translator.use(source.lang)  # the page renders next
    return context


def on_template_context(
    context: dict[str, Any], template_name: str, config: MkDocsConfig
) -> dict[str, Any]:
    # The theme's templates that are not pages: 404.html, and the sitemaps.
    if template_name == "404.html":
        assert _state.plan is not None and _state.translator is not None  # on_config, on_env
        context.update(templating.error_page_context(_state.plan))
    elif template_name == templating.SITEMAP_PAGES:
        assert _state.plan is not None  # set by on_config
        context.update(templating.sitemap_context(_state.plan))
    if _state.translator is not None:  # the site's language, for what is not a page
        _state.translator.use(_state.plan.site.settings.language if _state.plan else "en")
    return context


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    # MkDocs calls this once every page is read: their HTML is all there.
    env.filters.update(templating.FILTERS)
    templating.install_globals(env)
    assert _state.plan is not None  # set by on_config
    env.bytecode_cache = templating.template_bytecode_cache(_state.plan)
    assert _state.translator is not None  # set by on_config
    localized.install(env, _state.translator)
    _state.html_by_source = {}
    for source in _state.sources.values():
        file = files.get_file_from_path(source.src_uri)
        if source.item is not None and file is not None and file.page is not None:
            _state.html_by_source[source.item.source] = file.page.content or ""
    _state.search = templating.start_search_index(_state.plan, _state.html_by_source)
    templating.make_cards_before_the_workers(_state.plan)
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = localized.unmark_attributes(output)
    return templating.set_page_language(output, _state.sources[page.file.src_uri].lang)


def on_post_build(config: MkDocsConfig) -> None:
    assert _state.plan is not None and _state.search is not None  # on_config, on_env
    templating.write_feeds(_state.plan, _state.html_by_source, Path(config.site_dir))
    search, _state.search = _state.search, None
    try:
        templating.finish_search_index(search, Path(config.site_dir))
    except SearchIndexError as err:
        raise PluginError(str(err)) from err


def on_build_error(error: Exception) -> None:
    _state.cancel_search()


def on_shutdown() -> None:
    _state.cancel_search()  # interrupted: no Pagefind left running, no scratch left
