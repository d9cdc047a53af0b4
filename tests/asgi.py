"""Running an ASGI coroutine from a test, whatever else the test session runs.

The browser tests' Playwright keeps an event loop running in the main thread for the whole session,
and asyncio.run() refuses to start inside a running loop: the coroutine gets a thread of its own."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coroutine) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()
