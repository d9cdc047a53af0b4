"""Open the configured database; on the embedded default, build the demo city first if missing."""
from __future__ import annotations

from typing import Callable

from configuration.settings import Settings
from data_access import check
from data_access.db import Database
from data_access.errors import MappingUnusable

Progress = Callable[[float, str], None]


def ensure_demo(settings: Settings, progress: Progress | None = None) -> bool:
    """Build the embedded demo city when it does not exist yet. True if it was built now."""
    if not settings.embedded or settings.demo_path.exists():
        return False
    from data_access.demo import build  # imported late: numpy generation is only needed once

    build(settings.db_url, events=settings.demo_events, seed=settings.demo_seed, progress=progress,
          bad_rows=settings.demo_bad_rows)
    return True


def open_database(settings: Settings, progress: Progress | None = None) -> Database:
    """The configured database, reachable and mapped usably (MappingUnusable names the config keys)."""
    ensure_demo(settings, progress)
    db = Database.connect(settings.db_url, settings.schema)
    db.ping()
    findings = check.structure(db)
    if not check.usable(findings):
        raise MappingUnusable(db.target, check.error_lines(findings))
    return db
