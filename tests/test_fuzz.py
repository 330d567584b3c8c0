"""The atheris harness in tests/fuzz/ runs, and finds nothing in a short run.

A short, fixed run keeps the harness working; a long one is for a person
with time (see the harness's docstring).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

HARNESS = REPO / "tests" / "fuzz" / "fuzz_front_matter.py"


def run_harness(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, str(HARNESS), str(corpus), str(HARNESS.parent / "seeds"), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        # The harness's fixture site goes here, not into /tmp: libFuzzer ends the
        # process without running its clean-up.
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )


def test_a_short_fuzzing_run_finds_nothing(tmp_path: Path) -> None:
    result = run_harness(
        tmp_path,
        "-runs=2000",
        "-seed=1",
        "-timeout=10",
        f"-dict={HARNESS.parent / 'yaml.dict'}",
        f"-artifact_prefix={tmp_path}/",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 2000 runs" in result.stderr
    assert not list(tmp_path.glob("crash-*"))


@pytest.fixture(scope="module")
def harness() -> Iterator[ModuleType]:
    """The harness, imported here; the fixture site it makes on import is removed after."""
    sys.path.insert(0, str(HARNESS.parent))
    import fuzz_front_matter

    yield fuzz_front_matter
    shutil.rmtree(fuzz_front_matter.ROOT, ignore_errors=True)


@pytest.mark.parametrize("seed", sorted(p.name for p in (HARNESS.parent / "seeds").iterdir()))
def test_every_seed_is_a_valid_file_of_its_kind(harness: ModuleType, seed: str) -> None:
    """Seeds that load reach the deepest code: each must load without problems."""
    from iops.problems import Problem
    from iops.reader import parse_source
    from iops.schema import validate

    data = (HARNESS.parent / "seeds" / seed).read_bytes()
    kind = harness.ORDER[data[0] % len(harness.ORDER)]
    assert kind == seed
    source = parse_source(data[1:], Path(seed), seed)
    assert not isinstance(source, Problem), str(source)
    _, problems = validate(source, kind)
    assert problems == []


def test_a_crash_is_reported(tmp_path: Path) -> None:
    """An input that raises is a crash: the harness exits non-zero and says why."""
    crash = tmp_path / "crash-input"
    crash.write_bytes(b"\x00---\ntitle: x\n---\n")
    script = tmp_path / "broken_harness.py"
    script.write_text(
        HARNESS.read_text("utf-8").replace(
            "    kind = ORDER[data[0] % len(ORDER)]\n",
            "    kind = ORDER[data[0] % len(ORDER)]\n    raise ValueError('planted')\n",
        ),
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script), str(crash)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{REPO / 'hooks'}:{REPO / 'tests'}",
            "TMPDIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "ValueError: planted" in result.stdout + result.stderr
