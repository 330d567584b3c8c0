from conftest import FixtureSite


def test_fixture_site_is_valid(fixture_site: FixtureSite) -> None:
    assert fixture_site.problems() == []
