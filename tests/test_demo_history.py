"""The demo's statements in three languages and the mission's two versions:
real commits of this repository (see the README's section on translations)."""

from __future__ import annotations

import pytest
from conftest import NOW, REPO
from iops.plan import Plan, plan_site
from iops.settings import load_settings


@pytest.fixture(scope="module")
def demo() -> Plan:
    return plan_site(load_settings(REPO), NOW)


def test_the_mission_and_vision_are_in_english_german_and_spanish(demo: Plan) -> None:
    for original in ("content/about/mission.md", "content/about/vision.md"):
        langs = [t.lang for t in demo.site.translations[original]]
        assert langs == ["de", "es"], original


def test_one_translation_is_outdated(demo: Plan) -> None:
    outdated = sorted(s for s, state in demo.lineage.states.items() if state.outdated)
    assert outdated == ["content/about/vision.de.md"]
    assert {s for s in demo.lineage.states} >= {
        "content/about/mission.de.md",
        "content/about/mision.md",
        "content/about/vision.es.md",
    }


def test_the_mission_has_two_versions_adopted_by_two_polls(demo: Plan) -> None:
    v1, v2 = demo.lineage.versions["content/about/mission.md"]
    assert (v1.number, str(v1.since), v2.number, str(v2.since)) == (
        1,
        "2012-01-14",
        2,
        "2014-09-22",
    )
    assert v1.decision is not None and v1.decision.url == "polls/interim-mission-2012/"
    assert v2.decision is not None and v2.decision.url == "polls/mission-amendment-2014/"
    assert v1.replaced_by == 2
    assert demo.lineage.follows["content/about/mission.de.md"] == 2
    urls = {p.url for p in demo.pages}
    assert {"about/mission/v1/", "about/mission/v2/", "about/mission/history/"} <= urls
    assert {"about/vision/de/changes/", "translations/"} <= urls
