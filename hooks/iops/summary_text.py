"""A `Summary` for an editor, as text for a terminal: one line per item or
page, words removed and added as [-removed-] {+added+}. Control characters
are taken out of everything that comes from content."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .manifest import Kind, clean_text
from .summary import MOVED, ItemReport, PageRow, Summary, count_of
from .worddiff import word_diff


def render_text(summary: Summary, base_label: str, head_label: str) -> str:
    """The summary for a terminal: one line per item or page, word diffs as
    [-removed-] {+added+}, the pages that only moved listed last."""
    lines = [f"{head_label} against {base_label}", summary.headline]
    lines += [f"Note: {clean_text(note)}" for note in summary.notes]
    if summary.code:
        lines.append(f"This change also edits the site's code: {', '.join(summary.code)}")
    for reports, heading in (
        (summary.edited, "Edited items"),
        (summary.added, "Added items"),
        (summary.removed, "Removed items"),
    ):
        if reports:
            lines.append(f"{heading}:")
            lines += [line for report in reports for line in _item_text(report)]
    for rows, heading in (
        (summary.files, "Pictures and other files"),
        (summary.moved, f"Pages {MOVED}"),
    ):
        if rows:
            lines += [f"{heading}: {len(rows)}", *_rows_text(rows)]
    return "\n".join(lines) + "\n"


def _rows_text(rows: Sequence[PageRow]) -> list[str]:
    shown = [(r.verb, "/" + clean_text(r.entry.url), _title(r)) for r in rows]
    width = min(max(len(url) for _, url, _ in shown), 48)
    return [f"  {verb:<8} {url:<{width}}  {title}" for verb, url, title in shown]


def _item_text(report: ItemReport) -> Iterator[str]:
    change = report.change
    state = change.state
    where = f"/{state.url}" if state.url is not None else state.source
    moved = f"moved from {change.moved_from}" if change.moved_from else ""
    what = ", ".join(x for x in (state.kind or "file", state.held, state.source, moved) if x)
    yield f"  {change.verb:<8} {clean_text(where)}  {clean_text(state.title)}  ({clean_text(what)})"
    for field in change.fields:
        said = _diff_text(field.before or "", field.after or "")
        yield f"      {clean_text(field.name)}: {said}{field.note}".rstrip()
    if change.body_changed:
        assert change.before is not None and change.after is not None
        yield f"      text: {_diff_text(change.before.body, change.after.body)}"
    if pages := report.other_pages():
        yield f"      pages: {_own_pages(pages)}"


def _diff_text(before: str, after: str) -> str:
    diff = word_diff(before, after)
    if diff.spacing_only and (before or after):
        return "(only spacing or line breaks changed)"
    marks = {"same": "{}", "del": "[-{}-]", "ins": "{{+{}+}}", "gap": "…"}
    hunks = [
        " ".join(marks[run.op].format(clean_text(" ".join(run.words))) for run in hunk)
        for hunk in diff.hunks
    ]
    more = [f"… and {count_of(diff.more, 'more change')}"] if diff.more else []
    return " | ".join([*hunks, *more])


def _title(row: PageRow) -> str:
    entry = row.entry
    text = f"-> /{entry.target} ({entry.title})" if entry.kind is Kind.REDIRECT else entry.title
    return clean_text(text)


def _own_pages(rows: Sequence[PageRow]) -> str:
    def name(row: PageRow) -> str:
        path = f"/{clean_text(row.entry.url)}"
        return f"{path} (redirect)" if row.entry.kind is Kind.REDIRECT else path

    return ", ".join(f"{row.verb} {name(row)}" for row in rows)
