"""`serve`'s handle on its warm builder never waits for ever: a builder that
hangs, dies or says what it should not is ended, with its children, and said
to have stopped. Stand-in builders, small Python programs, play its part."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest
from engine.preview_handle import Builder, BuilderStopped, Reply


def _builder(tmp_path: Path, program: str, limits: tuple[float, float] = (5, 5)) -> Builder:
    script = tmp_path / "builder.py"
    script.write_text(textwrap.dedent(program), encoding="utf-8")
    return Builder([sys.executable, str(script)], limits=limits)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


ANSWERS = """
    import json, sys
    for line in sys.stdin:
        changed = json.loads(line)["changed"]
        print(json.dumps({"step": "page", "pages": changed, "failure": None}), flush=True)
        print(json.dumps({"step": "site", "failure": "broken" if changed else None}), flush=True)
"""


def test_the_answers_of_a_builder_are_read_in_turn(tmp_path: Path) -> None:
    builder = _builder(tmp_path, ANSWERS)
    shown: list[Reply] = []
    try:
        assert builder.build([], shown.append) == Reply("site")
        assert builder.build(["a/b.md"], shown.append) == Reply("site", failure="broken")
    finally:
        assert builder.stop() == 0  # an idle builder ends when its input does
    assert shown == [Reply("page"), Reply("page", ("a/b.md",))]


def test_a_builder_that_hangs_is_ended_with_its_children(tmp_path: Path) -> None:
    children = tmp_path / "children"
    builder = _builder(
        tmp_path,
        f"""
        import subprocess, sys, time
        sys.stdin.readline()
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(children)!r}, "w").write(str(child.pid))
        time.sleep(600)
        """,
        limits=(2, 2),
    )
    started = time.monotonic()
    with pytest.raises(BuilderStopped, match=r"took more than 2 s \(exit code -15\)"):
        builder.build([], lambda _: None)
    assert time.monotonic() - started < 30
    child = int(children.read_text())
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


def test_a_builder_that_dies_or_garbles_is_said_to_have_stopped(tmp_path: Path) -> None:
    garbled = _builder(tmp_path, "import sys; sys.stdin.readline(); print('hello', flush=True)")
    with pytest.raises(BuilderStopped, match="answered b'hello'"):
        garbled.build([], lambda _: None)
    marker = tmp_path / "died-once"
    builder = _builder(
        tmp_path,
        textwrap.dedent(f"""
            import pathlib, sys
            marker = pathlib.Path({str(marker)!r})
            if not marker.exists():
                marker.touch()
                sys.stdin.readline()
                sys.exit(3)
            """)
        + textwrap.dedent(ANSWERS),
    )
    with pytest.raises(BuilderStopped, match=r"stopped \(exit code 3\)"):
        builder.build([], lambda _: None)
    # The next change starts a new builder.
    assert builder.build([], lambda _: None) == Reply("site")
    assert builder.stop() == 0
