"""Validate Atom feeds as a strict consumer would: jing with our RFC 4287 schema,
plus the RFC's rules that span elements, which no grammar can state."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

SCHEMA = Path(__file__).parent / "schemas" / "atom.rnc"
ATOM = "{http://www.w3.org/2005/Atom}"


def jing_errors(feeds: Iterable[Path]) -> list[str]:
    """Every schema error jing reports for these files (empty when all are valid)."""
    jing = shutil.which("jing")
    assert jing, "jing is missing: install Debian's package (apt-get install jing)"
    paths = [str(path) for path in feeds]
    result = subprocess.run(
        [jing, "-c", str(SCHEMA), *paths], capture_output=True, text=True, check=False
    )
    # Debian's wrapper prints "[warning]" lines about optional jars; they are not findings.
    lines = (result.stdout + result.stderr).splitlines()
    errors = [line for line in lines if line and not line.startswith("[warning]")]
    assert (result.returncode == 0) == (not errors), lines
    return errors


def cross_element_errors(feed: Path) -> list[str]:
    """RFC 4287 section 4.1: rules that relate one element to another."""
    root = etree.parse(str(feed)).getroot()
    errors = []
    feed_has_author = root.find(f"{ATOM}author") is not None
    for entry in root.iter(f"{ATOM}entry"):
        title = entry.findtext(f"{ATOM}title")
        if not feed_has_author and entry.find(f"{ATOM}author") is None:
            errors.append(f"{feed}: entry {title!r} has no author and neither has the feed")
        links = entry.findall(f"{ATOM}link")
        if entry.find(f"{ATOM}content") is None and not any(
            link.get("rel", "alternate") == "alternate" for link in links
        ):
            errors.append(f"{feed}: entry {title!r} has neither content nor an alternate link")
        alternates = {
            (link.get("type"), link.get("hreflang"))
            for link in links
            if link.get("rel", "alternate") == "alternate"
        }
        if len(alternates) != sum(link.get("rel", "alternate") == "alternate" for link in links):
            errors.append(f"{feed}: entry {title!r} repeats an alternate link type and language")
    return errors


def atom_errors(feeds: Iterable[Path]) -> list[str]:
    feeds = list(feeds)
    assert feeds, "no Atom feeds to validate"
    return jing_errors(feeds) + [e for feed in feeds for e in cross_element_errors(feed)]
