"""A `Summary` for an editor, as Markdown: the comment on the pull request.

Everything that comes from content (titles, field values, words of the
text, paths) is escaped in Markdown, never trusted: a member's words cannot
become a link, a tag or a heading. The only markup is ours: `<del>` and
`<ins>` around escaped words, links to http(s) addresses, and `<details>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .item_changes import FieldChange, ItemChange
from .manifest import (
    Kind,
    PageEntry,
    code_span,
    escape_markdown,
    site_link,
    web_address,
)
from .summary import MOVED, ItemReport, PageRow, Summary, count_of
from .worddiff import Run, word_diff

DIFF_ITEMS = 25
"""Edited items shown with their word diffs; any more are listed by title."""
MAX_BYTES = 60_000
"""A pull request's comment holds at most 65,536 characters; pr-comment.yml
takes a summary of at most 65,000 bytes, the preview's link included."""
_HELD = {"draft": "draft, not published", "scheduled": "scheduled, not yet published"}


def render_markdown(
    summary: Summary,
    base: Mapping[str, PageEntry],
    base_label: str,
    head_label: str,
    preview_url: str | None = None,
    limit: int = 100,
) -> str:
    """The summary as GitHub-flavoured Markdown: a comment on the pull request.

    Titles of edited and removed items, and of pages that exist now, link to
    the live page (its address in the base build); new ones link to the
    preview at `preview_url` when one is given.
    """
    links = _Links(base, summary.site_url, preview_url)
    out = [
        "### What this change does to the site",
        "",
        f"{code_span(head_label)} compared with {code_span(base_label)}: **{summary.headline}**.",
        "",
    ]
    out += [*(f"> {escape_markdown(note)}\n" for note in summary.notes)]
    if summary.code:
        named = ", ".join(code_span(path) for path in summary.code[:10])
        more = f" and {len(summary.code) - 10} more" if len(summary.code) > 10 else ""
        out += [
            f"This change also edits the site's code or settings ({named}{more}): "
            "any page may change because of that too.",
            "",
        ]
    out += _edited_markdown(summary.edited, links, limit)
    for reports, heading in ((summary.added, "Added items"), (summary.removed, "Removed items")):
        if reports:
            lines = [f"- {_item_line(r.change, links)}{_pages_after(r)}" for r in reports]
            out += [f"#### {heading}", "", *_capped(lines, limit), ""]
    if summary.files:
        lines = [f"{_page_line(row, links)} {row.verb}" for row in summary.files]
        out += ["#### Pictures and other files", "", *_capped(lines, limit), ""]
    if summary.moved:
        out += _moved_markdown(summary.moved, links, limit)
    return _fitted("\n".join(out))


class _Links:
    """Where titles link: the live page (one the base build has), else the preview."""

    def __init__(self, base: Mapping[str, PageEntry], site_url: str, preview: str | None) -> None:
        self.base, self.site_url, self.preview_url = base, site_url, preview

    def live(self, url: str | None) -> str | None:
        entry = self.base.get(url) if url is not None else None
        if entry is None:
            return None
        if self.site_url:
            return site_link(self.site_url, entry.url)
        return web_address(entry.address)

    def preview(self, url: str | None) -> str | None:
        if url is None or not self.preview_url:
            return None
        return site_link(self.preview_url, url)

    def of_item(self, change: ItemChange) -> str | None:
        if change.before is not None and change.before.url is not None:
            return self.live(change.before.url)
        return self.preview(change.after.url if change.after else None)


def _edited_markdown(reports: Sequence[ItemReport], links: _Links, limit: int) -> list[str]:
    if not reports:
        return []
    out = ["#### Edited items", ""]
    for report in reports[:DIFF_ITEMS]:
        change = report.change
        preview = links.preview(change.after.url if change.after else None)
        seen = f" · [preview]({preview})" if preview else ""
        out += [f"{_item_line(change, links)}{seen}", ""]
        out += [_field_markdown(f) for f in change.fields]
        if change.body_changed:
            out += _text_markdown(change)
        if pages := report.other_pages():
            out.append(f"- **pages:** {_own_pages(pages)}")
        out.append("")
    rest = [f"- {_item_line(r.change, links)}" for r in reports[DIFF_ITEMS:]]
    if rest:
        out += [f"{len(rest)} more edited (their changes are in the pull request's files):", ""]
        out += [*_capped(rest, limit), ""]
    return out


def _item_line(change: ItemChange, links: _Links) -> str:
    state = change.state
    title = escape_markdown(state.title) or "(no title)"
    link = links.of_item(change)
    title = f"**[{title}]({link})**" if link else f"**{title}**"
    what = ", ".join(x for x in (state.kind or "file", _HELD.get(state.held, "")) if x)
    page = f"{code_span('/' + state.url)} · " if state.url is not None else ""
    moved = f", moved from {code_span(change.moved_from)}" if change.moved_from else ""
    return f"{title} ({escape_markdown(what)}) {page}{code_span(state.source)}{moved}"


def _field_markdown(change: FieldChange) -> str:
    name = f"**{escape_markdown(change.name)}:**"
    said = " ".join(_diff_markdown(change.before or "", change.after or ""))
    return f"- {name} {said}{change.note}"


def _text_markdown(change: ItemChange) -> list[str]:
    assert change.before is not None and change.after is not None
    hunks = _diff_markdown(change.before.body, change.after.body)
    return ["- **text:**", *(f"  - {hunk}" for hunk in hunks)]


def _diff_markdown(before: str, after: str) -> list[str]:
    diff = word_diff(before, after)
    if diff.spacing_only and (before or after):
        return ["(only spacing or line breaks changed)"]
    hunks = [_runs_markdown(hunk) for hunk in diff.hunks]
    if diff.more:
        hunks.append(f"… and {count_of(diff.more, 'more change')}, cut here")
    return hunks


def _runs_markdown(runs: Sequence[Run]) -> str:
    parts = []
    for run in runs:
        text = escape_markdown(" ".join(run.words))
        if run.op == "gap":
            parts.append("…")
        elif run.op == "same":
            parts.append(text)
        else:
            parts.append(f"<{run.op}>{text}</{run.op}>")
    return " ".join(parts)


def _pages_after(report: ItemReport) -> str:
    pages = report.other_pages()
    return f"; pages: {_own_pages(pages)}" if pages else ""


def _own_pages(rows: Sequence[PageRow]) -> str:
    def name(row: PageRow) -> str:
        shown = code_span(f"/{row.entry.url}")
        return f"{shown} (redirect)" if row.entry.kind is Kind.REDIRECT else shown

    return ", ".join(f"{row.verb} {name(row)}" for row in rows)


def _moved_markdown(rows: Sequence[PageRow], links: _Links, limit: int) -> list[str]:
    out = [
        f"<details><summary>{count_of(len(rows), 'page')} {MOVED}</summary>",
        "",
        "Listings, feeds, calendars and counts that show the items above. "
        "Their own text did not change.",
        "",
    ]
    for verb in ("added", "changed", "removed"):
        lines = [_page_line(row, links) for row in rows if row.verb == verb]
        if lines:
            out += [f"{verb.capitalize()}:", "", *_capped(lines, limit), ""]
    return [*out, "</details>", ""]


def _page_line(row: PageRow, links: _Links) -> str:
    title = escape_markdown(row.entry.title) or "(no title)"
    link = links.preview(row.entry.url) if row.verb == "added" else links.live(row.entry.url)
    shown = f"[{title}]({link})" if link else title
    return f"- {shown} {code_span('/' + row.entry.url)}"


def _capped(lines: list[str], limit: int) -> list[str]:
    more = [f"- … and {len(lines) - limit} more"] if len(lines) > limit else []
    return [*lines[:limit], *more]


def _fitted(text: str, limit: int = MAX_BYTES) -> str:
    """`text` cut at a line to fit a comment, saying so; an open <details> is closed.

    Counted in UTF-8 bytes, as the comment's workflow counts: a summary in
    Greek or Chinese is not twice too long for it."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    head = data[: limit - 200].decode("utf-8", errors="ignore")
    kept = head[: head.rfind("\n")]
    closing = "\n</details>" if kept.count("<details>") > kept.count("</details>") else ""
    return f"{kept}{closing}\n\n… the summary was cut here; `build.py diff` shows all of it.\n"
