"""CONTRIBUTING.md stays true: its examples pass the check, its tables match the code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import NOW, REPO, FixtureSite
from iops import repository, schema, urls
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
    # A clone, for the history the statements' versions come from; then the files as they are.
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(REPO), str(root)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    shutil.copytree(
        REPO,
        root,
        ignore=shutil.ignore_patterns(".venv", "site", ".git", "node_modules", ".*cache"),
        dirs_exist_ok=True,
    )
    for path, text in EXAMPLES.items():
        target = root / path
        assert not target.exists(), f"the example {path} would replace a demo file"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return root


def test_every_example_in_the_guide_passes_the_check(demo_with_examples: Path) -> None:
    plan = plan_site(load_settings(demo_with_examples), NOW, bodies=False)
    outdated = "the translation is out of date"  # the demo's German vision, on purpose
    assert [str(p) for p in plan.problems if not p.message.startswith(outdated)] == []
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
    [problem] = [p for p in plan.problems if p.is_error]
    assert f"```text\n{problem}\n```" in GUIDE


# One file for each problem "When a check fails" explains; the fixture site
# holds the members ada and bo and the chapters uk and london (ada its admin).
BAD_FILES = {
    "content/blog/2014-02-01-yaml.md": "---\ntitle: a: b\n---\n",
    "content/blog/2014-02-02-no-author.md": "---\ntitle: B\ndate: 2014-02-02\n---\n",
    "content/blog/2014-02-03-empty.md": "---\ntitle: C\ndate: 2014-02-03\nauthor:\n---\n",
    "content/blog/2014-02-04-tagz.md": (
        "---\ntitle: D\ndate: 2014-02-04\nauthor: ada\ntagz: [x]\n---\n"
    ),
    "content/blog/2014-02-05-date.md": "---\ntitle: E\ndate: 04/02/2014\nauthor: ada\n---\n",
    "content/blog/2014-02-06-day.md": "---\ntitle: F\ndate: 2014-02-30\nauthor: ada\n---\n",
    "content/blog/2014-02-07-draft.md": (
        "---\ntitle: G\ndate: 2014-02-07\nauthor: ada\ndraft: yes\n---\n"
    ),
    "content/blog/2014-02-08-nobody.md": "---\ntitle: H\ndate: 2014-02-08\nauthor: zed\n---\n",
    "content/blog/2014-02-09-same.md": "---\ntitle: I\ndate: 2014-02-09\nauthor: ada\n---\n",
    "content/blog/2014-05-09-same.md": "---\ntitle: J\ndate: 2014-05-09\nauthor: ada\n---\n",
    "content/blog/2014-06-01-tags.md": (
        "---\ntitle: K\ndate: 2014-06-01\nauthor: ada\ntags: ["
        + ", ".join(f"t{n}" for n in range(51))
        + "]\n---\n"
    ),
    "content/blog/2014-06-02-big.md": (
        "---\ntitle: L\ndate: 2014-06-02\nauthor: ada\n---\n" + "x" * 1_000_001
    ),
    "content/blog/2014-07-01-tab.md": (
        "---\ntitle: T\ndate: 2014-07-01\nauthor: ada\ntags:\n\t- a\n---\n"
    ),
    "content/blog/2014-07-02-visions.md": (
        "---\ntitle: V\ndate: 2014-07-02\nauthor: ada\ntags: [visions]\n---\n"
    ),
    "content/blog/2014-07-03-named.md": "---\ntitle: W\ndate: 2014-08-03\nauthor: ada\n---\n",
    "content/blog/2014-06-03-links.md": (
        "---\ntitle: S\ndate: 2014-06-03\nauthor: ada\n---\n[a](nothere.md) ![b](nopic.jpg) "
        "[c](nofile.pdf) [d](#nowhere) [e](../about/) [f](/index.md) [g](2014-06-04-later.md)\n\n"
        '<a href="../index.md">h</a>\n'
    ),
    "content/blog/2014-06-04-later.md": (
        "---\ntitle: T\ndate: 2014-06-04\nauthor: ada\ndraft: true\n---\n"
    ),
    "content/members/cy.md": "---\nname: Cy\nchapter: paris\n---\n",
    "content/members/di.md": "---\nname: Di\nlang: 'not a language'\n---\n",
    "content/members/ed.md": "---\nname: Ed\nlinks: [{label: L, url: 'javascript:x'}]\n---\n",
    "content/projects/done.md": "---\ntitle: M\ncreated: 2026-01-01\nstatus: done\n---\n",
    "content/events/2027-03-28-skipped.md": (
        "---\ntitle: N\nstart: 2027-03-28T01:30\nend: 2027-03-27T01:00\n"
        "timezone: Europe/London\n---\n"
    ),
    "content/events/2027-10-31-twice.md": (
        "---\ntitle: O\nstart: 2027-10-31T01:30\ntimezone: Europe/London\n---\n"
    ),
    "content/events/2027-01-01-mars.md": (
        "---\ntitle: P\nstart: 2027-01-01T10:00\ntimezone: Mars/Base\n---\n"
    ),
    "content/polls/dates.md": (
        "---\ntitle: Q\nopens: 2026-01-10\ncloses: 2026-01-01\nquestions:\n  - question: Q\n"
        "    options:\n      - {label: A, votes: 1}\n      - {label: A, votes: -1}\n---\n"
    ),
    "content/polls/votes.md": (
        "---\ntitle: R\nopens: 2026-01-01\ncloses: 2026-01-10\nquestions:\n  - question: Q\n"
        "    options:\n      - {label: A, votes: two}\n---\n"
    ),
    "chapters/x/index.md": (
        "---\nname: X\nlevel: national\nfounded: 2012-01-01\nparent: london\ncountry: XX\n---\n"
    ),
    "chapters/y/index.md": "---\nname: Y\nlevel: regional\nfounded: 2012-01-01\nparent: z\n---\n",
    "chapters/z/index.md": "---\nname: Z\nlevel: regional\nfounded: 2012-01-01\nparent: y\n---\n",
}


def _section(title: str) -> str:
    return GUIDE.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_guide_explains_the_messages_the_check_really_writes(
    fixture_site: FixtureSite,
) -> None:
    for rel, text in BAD_FILES.items():
        fixture_site.write(rel, text)
    fixture_site.write_bytes("content/blog/huge.jpg", b"\xff" * (5 * 1024 * 1024 + 1))
    plan = fixture_site.plan()
    _, owners = repository.codeowners(plan.site)  # Ada administers London, without `github`
    messages = [" ".join(p.message.split()) for p in [*plan.problems, *owners]]
    explained = _section("When a check fails").split("so you can find yours:", 1)[1]
    bullets = [" ".join(b.split()) for b in explained.split("\n- ")[1:]]
    assert len(bullets) > 10
    for bullet in bullets:
        for phrase in re.findall(r"\*\*(.+?)\*\*", bullet.split(" — ", 1)[0]):
            # "**would be published at** … **as would**": the phrases of one message.
            assert any(phrase in message for message in messages), (phrase, messages)


def test_the_pull_request_template_has_the_editors_checklist() -> None:
    template = (REPO / ".github" / "pull_request_template.md").read_text("utf-8")
    checklist = template.split("## Checklist for the editor", 1)[1]
    items = re.findall(r"^- \[ \] (.+)$", checklist, re.MULTILINE)
    assert len(items) >= 6
    workflow = yaml.safe_load((REPO / ".github/workflows/pull-request.yml").read_text("utf-8"))
    [upload] = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact@")
        and step["with"]["path"] == "site/"  # the preview (not the summary, nor screenshots)
    ]
    artifact = upload["with"]["name"]
    # The names the checklist and the guide give are the ones CI uses.
    assert f"the `{artifact}` artifact" in template
    assert f"an artifact named `{artifact}`" in " ".join(GUIDE.split())
    assert "python build.py codeowners" in template
    assert "For editors: reviewing a pull request" in GUIDE
    assert "checklist in the pull-request template" in _section(
        "For editors: reviewing a pull request"
    )
