"""Fuzz the content reader with atheris: any bytes give a content file or a
`Problem`, never an exception, a crash or a hang.

The first byte picks the kind of item; the rest is the file. Every input is
read (`reader.parse_source`) and checked by the schema of that kind and the
limits; one that has no problem of its own is then written into a small
fixture site, which is planned in full (`plan_site`: cross-file checks,
listings, calendars, poll results) and whose feeds are rendered. Any
exception there is a crash; a problem is an answer.

Run it from the project folder, with a scratch corpus first (libFuzzer adds
what it finds to the first folder) and the seeds after it:

    mkdir -p /tmp/iops-corpus
    .venv/bin/python tests/fuzz/fuzz_front_matter.py /tmp/iops-corpus tests/fuzz/seeds \\
        -dict=tests/fuzz/yaml.dict -timeout=10 -max_total_time=600

`-runs=N` stops after N inputs; `-timeout` (seconds for one input) turns a
hang into a crash; `-artifact_prefix=/tmp/` keeps crash files out of the
tree; a crash file is replayed by passing it alone as the argument. The test
suite runs a short fixed number of inputs (tests/test_fuzz.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-untyped]

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent / "hooks"), str(HERE.parent)]

# Coverage guides the fuzzer through our code and the front-matter splitter;
# instrumenting every library as well would take most of a short run to start.
with atheris.instrument_imports(include=["iops", "frontmatter"]):
    from iops import feeds, limits, reader, schema
    from iops.plan import plan_site
    from iops.problems import Problem
    from iops.settings import load_settings

from conftest import BASE_FILES, MKDOCS_YML, NOW, REPO  # noqa: E402

KINDS = {
    "post": "content/blog/2014-02-01-fuzzed.md",
    "news": "chapters/london/news/2014-02-01-fuzzed.md",
    "event": "chapters/london/events/2026-12-01-fuzzed.md",
    "project": "content/projects/fuzzed.md",
    "poll": "chapters/london/polls/fuzzed.md",
    "member": "content/members/fuzzed.md",
    "chapter": "chapters/fuzzed/index.md",
    "statement": "content/about/fuzzed.md",
    "page": "content/fuzzed.md",
}
"""Where the file of each kind is written; the first byte of an input picks one."""
ORDER = sorted(KINDS)


def _fixture_site() -> Path:
    root = Path(tempfile.mkdtemp(prefix="iops-fuzz-"))
    for rel, text in {"mkdocs.yml": MKDOCS_YML.format(repo=REPO), **BASE_FILES}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


ROOT = _fixture_site()
SETTINGS = load_settings(ROOT)


def check_problem(problem: Problem) -> None:
    if not (problem.path and problem.field and problem.message and problem.hint):
        raise AssertionError(f"a problem that does not say all it should: {problem!r}")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    kind = ORDER[data[0] % len(ORDER)]
    rel = KINDS[kind]
    source = reader.parse_source(data[1:], ROOT / rel, rel)
    if isinstance(source, Problem):
        check_problem(source)
        return
    front, problems = schema.validate(source, kind)
    problems += limits.front_matter_problems(rel, front.values, front.lines)
    for problem in problems:
        check_problem(problem)
    if any(problem.is_error for problem in problems):
        return
    # Valid on its own: now with the rest of a site, everything a build plans.
    for other in KINDS.values():
        (ROOT / other).unlink(missing_ok=True)
    (ROOT / rel).parent.mkdir(parents=True, exist_ok=True)
    (ROOT / rel).write_bytes(data[1:])
    plan = plan_site(SETTINGS, NOW)
    for problem in plan.problems:
        check_problem(problem)
    for feed in plan.feeds:
        if any(item.source == rel for item in feed.items):
            for fmt in feeds.FORMATS:
                feeds.render_feed(feed, fmt, plan.site, {rel: "<p>Body</p>"})


def main() -> None:
    try:
        atheris.Setup(sys.argv, test_one_input)
        atheris.Fuzz()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
