"""The digests that key the build cache (engine.fingerprint): a value that could
render differently must never share a digest, and the same value must have
the same digest in every process."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from conftest import FixtureSite
from engine.fingerprint import Fingerprinter, Unfingerprintable, of_build
from markupsafe import Markup

HOOKS = Path(__file__).resolve().parent.parent / "hooks"


@dataclasses.dataclass(frozen=True)
class Card:
    title: str
    tags: tuple[str, ...] = ()
    seen: int = dataclasses.field(default=0, metadata={"fingerprint": False})


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


def digest(*values: object) -> str:
    return Fingerprinter().digest(*values)


def test_values_that_differ_have_digests_that_differ() -> None:
    values: list[object] = [
        1,
        1.0,
        True,
        "1",
        None,
        "",
        [1, 2],
        [2, 1],
        (1, 2, 3),
        {"a": 1},
        {"a": 2},
        {"b": 1},
        {1, 2, 3},
        dt.date(2014, 1, 15),
        dt.datetime(2014, 1, 15),
        dt.datetime(2014, 1, 15, tzinfo=dt.UTC),
        Colour.RED,
        Colour.BLUE,
        PurePosixPath("a/b"),
        Card("A"),
        Card("B"),
        Card("A", ("x",)),
        [Card("A"), Card("A")],
        ["ab", "c"],
        ["a", "bc"],
    ]
    digests = [digest(value) for value in values]
    assert len(set(digests)) == len(values)


def test_the_same_value_has_the_same_digest() -> None:
    card = Card("A", ("x", "y"))
    fingerprints = Fingerprinter()
    once = fingerprints.digest(card, [card, {"k": card}])
    again = fingerprints.digest(card, [card, {"k": card}])  # from the memo now
    fresh = Fingerprinter().digest(Card("A", ("x", "y")), [card, {"k": Card("A", ("x", "y"))}])
    assert once == again == fresh
    assert digest(Markup("<b>A</b>")) == digest("<b>A</b>")  # escaped HTML is a str


def test_a_field_marked_not_to_count_does_not() -> None:
    assert digest(Card("A", seen=1)) == digest(Card("A", seen=2))


def test_an_unknown_value_is_refused_not_guessed() -> None:
    class Opaque:
        pass

    with pytest.raises(Unfingerprintable):
        digest({"page": [Opaque()]})
    with pytest.raises(Unfingerprintable):
        digest(Card)  # a class, not a value


def test_digests_are_the_same_in_another_process_with_other_hash_seeds() -> None:
    """Sets iterate in an order that depends on PYTHONHASHSEED: the digest must not."""
    script = (
        "import datetime as dt\n"
        "from engine.fingerprint import Fingerprinter\n"
        "value = [{'tags': {'vision', 'economy', 'media', 'Ökonomie'}}, 2, "
        "dt.date(2014, 1, 15), frozenset({'a', 'b', 'c'})]\n"
        "print(Fingerprinter().digest(value))\n"
    )
    said = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(HOOKS)}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        said.add(done.stdout.strip())
    assert len(said) == 1


def test_each_plan_starts_the_memo_of_its_build_afresh(fixture_site: FixtureSite) -> None:
    """The build's memo (`of_build`) keeps what it digested alive: a plan
    (a build, or a rebuild under `serve`) starts a new one, and a digest from
    the memo is the digest a fresh Fingerprinter makes."""
    first = fixture_site.plan()
    memo = of_build()
    warm = memo.digest(first.site.items)
    assert memo.digest(first.site.items) == warm == Fingerprinter().digest(first.site.items)
    second = fixture_site.plan()
    assert of_build() is not memo
    assert of_build().digest(second.site.items) == warm
