"""CONTRIBUTING.md stays true: its examples pass the check, its tables match the code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import NOW, REPO
from iops import schema, urls
from iops.plan import plan_site
from iops.settings import load_settings

GUIDE = (REPO / "CONTRIBUTING.md").read_text("utf-8")
EXAMPLE = re.compile(r"<!-- example: (\S+) -->\n```markdown\n(.*?)```\n", re.DOTALL)
EXAMPLES = dict(EXAMPLE.findall(GUIDE))


def test_the_guide_has_an_example_of_each_kind_members_write() -> None:
    kinds = {urls.locate(path).kind for path in EXAMPLES}
    assert kinds == {"post", "news", "event", "poll", "project", "member", "chapter"}


@pytest.fixture(scope="module")
def demo_with_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guide") / "site"
    shutil.copytree(
        REPO,
        root,
        ignore=shutil.ignore_patterns(".venv", "site", ".git", "node_modules", ".*cache"),
    )
    for path, text in EXAMPLES.items():
        target = root / path
        assert not target.exists(), f"the example {path} would replace a demo file"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return root


def test_every_example_in_the_guide_passes_the_check(demo_with_examples: Path) -> None:
    plan = plan_site(load_settings(demo_with_examples), NOW, bodies=False)
    assert [str(p) for p in plan.problems] == []
    sources = {item.source for item in plan.site.items}
    assert set(EXAMPLES) <= sources


@pytest.mark.parametrize("kind", sorted(schema.SCHEMAS))
def test_the_guide_names_every_field_of_every_kind(kind: str) -> None:
    for field in schema.SCHEMAS[kind]:
        assert f"`{field}`" in GUIDE, f"CONTRIBUTING.md does not mention the {kind} field {field}"


def test_the_guide_quotes_a_real_problem_line(demo_with_examples: Path) -> None:
    path = "content/blog/2026-11-23-bookfair-report.md"
    target = demo_with_examples / path
    good = target.read_text("utf-8")
    target.write_text(good.replace("author: bridget-nolan", "author: bridgit-nolan"), "utf-8")
    try:
        plan = plan_site(load_settings(demo_with_examples), NOW, bodies=False)
    finally:
        target.write_text(good, "utf-8")
    [problem] = plan.problems
    assert f"```text\n{problem}\n```" in GUIDE
