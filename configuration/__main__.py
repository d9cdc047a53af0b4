"""`python -m configuration`: get the embedded demo city ready before the server starts.

`make run` calls this first, so on a first start the demo city is built in the terminal (one line,
about ten seconds) and the browser opens straight on the sign-in screen. With a configured platform
database, or a demo city already built, it does nothing. A configuration error is left to the
dashboard, which shows it in the browser naming the key.
"""
from __future__ import annotations

import sys

from configuration.bootstrap import ensure_demo
from configuration.settings import load_settings
from data_access.errors import ConfigError


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError:
        return 0  # the dashboard's own start-up shows the message
    if settings.embedded and not settings.demo_path.exists():
        print(f"Building the demo city into {settings.demo_path} ({settings.demo_events:,} events; first start only, "
              "about 10 s)…", flush=True)
        ensure_demo(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
