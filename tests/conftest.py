"""Fixture sites: small content trees in a temporary folder, with a fixed now."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from iops.plan import Plan, plan_site
from iops.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
"""The fixed "now" of every test."""

MKDOCS_YML = """\
site_name: Test site
site_url: https://example.org/
docs_dir: content
theme:
  name: material
  custom_dir: {repo}/theme
  font: false
hooks:
  - {repo}/hooks/mkdocs_adapter.py
plugins: []
extra:
  iops:
    language: en
    timezone: Europe/London
    page_size: 2
nav:
  - Home: index.md
  - Blog: blog/index.md
markdown_extensions:
  - footnotes
  - tables
  - attr_list
validation:
  omitted_files: ignore
  unrecognized_links: warn
  anchors: warn
"""

BASE_FILES = {
    "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/members/ada.md": "---\nname: Ada Example\nchapter: london\n---\nAda's bio.\n",
    "content/members/bo.md": "---\nname: Bo Example\n---\nBo's bio.\n",
    "chapters/uk/index.md": (
        "---\nname: IOPS UK\nlevel: national\nfounded: 2012-03-01\ncountry: GB\n---\nUK.\n"
    ),
    "chapters/london/index.md": (
        "---\nname: IOPS London\nlevel: local\nfounded: 2013-05-01\nparent: uk\n"
        "country: GB\nplace: London\nadmins: [ada]\n---\nLondon.\n"
    ),
    "content/blog/2014-01-15-first.md": (
        "---\ntitle: First post\ndate: 2014-01-15\nauthor: ada\ntags: [vision]\n---\nHello.\n"
    ),
}


@dataclass
class FixtureSite:
    """A site folder under tmp_path, written file by file."""

    root: Path

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def plan(self, now: dt.datetime = NOW, preview: bool = False) -> Plan:
        return plan_site(load_settings(self.root), now, preview=preview)

    def problems(self, now: dt.datetime = NOW) -> list[str]:
        return [str(p) for p in self.plan(now).problems]

    def run(self, *args: str, epoch: dt.datetime = NOW) -> subprocess.CompletedProcess[str]:
        """Run build.py on this site, as a member would, with a fixed now."""
        env = {"SOURCE_DATE_EPOCH": str(int(epoch.timestamp())), "PATH": "/usr/bin:/bin"}
        return subprocess.run(
            [sys.executable, str(REPO / "build.py"), "--root", str(self.root), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )


@pytest.fixture
def empty_site(tmp_path: Path) -> FixtureSite:
    site = FixtureSite(tmp_path / "site-src")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    return site


@pytest.fixture
def fixture_site(empty_site: FixtureSite) -> FixtureSite:
    """A valid small site: two members, two chapters, one post."""
    for rel, text in BASE_FILES.items():
        empty_site.write(rel, text)
    return empty_site


def tree_digests(folder: Path) -> dict[str, str]:
    """Each file under `folder` (its path relative to it, with "/") and the
    sha256 of its bytes: two folders hold the same files if these are equal."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
