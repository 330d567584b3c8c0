"""Site-wide settings, read from `extra.iops` in mkdocs.yml without MkDocs."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Settings:
    root: Path
    """The project folder: it holds content/, chapters/ and mkdocs.yml."""
    site_url: str
    """Absolute URL of the published site, ending in '/'."""
    site_name: str = "IOPS"
    language: str = "en"
    """The language of an item without `lang`."""
    timezone: str = "UTC"
    """The timezone of an item whose chapter names none."""
    page_size: int = 10
    """Items per page of a listing."""
    home_size: int = 5
    """Items per section of the home page."""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may hold tags such as !!python/name for MkDocs."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_settings(root: Path, config_file: str = "mkdocs.yml") -> Settings:
    config: dict[str, Any] = yaml.load((root / config_file).read_text("utf-8"), _TolerantLoader)  # noqa: S506
    return settings_from_config(root, config)


def settings_from_config(root: Path, config: dict[str, Any]) -> Settings:
    options = dict((config.get("extra") or {}).get("iops") or {})
    site_url = str(config.get("site_url") or "http://localhost:8000/")
    site_name = str(config.get("site_name") or "IOPS")
    return Settings(root=root, site_url=site_url.rstrip("/") + "/", site_name=site_name, **options)


def build_time() -> dt.datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)
