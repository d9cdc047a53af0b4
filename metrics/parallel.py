"""Independent statements of one figure, sent at the same time.

A summary with its 环比 and 同比 is three periods of the same queries, none waiting for another. Sent
one after the other, a page waits for their sum; sent together on three pooled connections, for the
slowest, which on PostgreSQL and MariaDB (a server process or thread per connection) is up to three
times sooner. Three at a time at most, so that one page never holds more than three connections of
the pool that every session shares.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")
WIDTH = 3


def run_all(calls: dict[str, Callable[[], T]]) -> dict[str, T]:
    """{name: call()} for every call, run concurrently; the first exception raised is raised here."""
    if len(calls) < 2:
        return {name: call() for name, call in calls.items()}
    with ThreadPoolExecutor(max_workers=min(WIDTH, len(calls)), thread_name_prefix="grid-query") as pool:
        futures = {name: pool.submit(call) for name, call in calls.items()}
        return {name: f.result() for name, f in futures.items()}
