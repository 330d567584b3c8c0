"""The build's handling of the cycle collector (engine.heap): whatever a build
settles is handed back when it ends, so a process that builds again and
again (`serve`'s warm builder, the test suite) frees its cycles as before."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from engine.heap import BUILD_THRESHOLDS, collecting_seldom, settle

ROOT = Path(__file__).resolve().parent.parent


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_build_collects_seldom_and_hands_everything_back_at_its_end() -> None:
    before = gc.get_threshold()
    with collecting_seldom():
        assert gc.get_threshold() == BUILD_THRESHOLDS
        _Cycle()
        settle()
        assert gc.get_freeze_count() > 0
        with collecting_seldom():  # a block inside another
            settle()
        assert gc.get_threshold() == BUILD_THRESHOLDS  # the inner block restores nothing
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_cycle_settled_during_a_build_is_freed_after_it() -> None:
    with collecting_seldom():
        cycle = _Cycle()
        settle()
        freed: list[bool] = []
        weakref.finalize(cycle, freed.append, True)
        del cycle
        gc.collect()
        assert not freed  # out of the collector's sight until the build ends
    gc.collect()
    assert freed == [True]


def test_settling_outside_a_build_does_nothing() -> None:
    _Cycle()
    settle()
    assert gc.get_freeze_count() == 0


def test_a_failed_build_hands_everything_back_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collecting_seldom():
        settle()
        raise RuntimeError("the build failed")
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)


def test_a_process_ends_with_everything_out_of_the_collectors_sight() -> None:
    script = (
        "import gc, sys; sys.path.insert(0, 'hooks'); from engine.heap import before_exit; "
        "before_exit(); print(gc.get_freeze_count() > 0, gc.isenabled())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["True", "True"], done.stderr
