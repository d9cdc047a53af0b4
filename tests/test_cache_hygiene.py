"""ui/cache_hygiene.py: the compute locks of values Streamlit's cache no longer holds are dropped."""
import streamlit as st

from ui import cache_hygiene


def test_locks_of_evicted_values_are_dropped_and_the_cache_still_works():
    @st.cache_data(max_entries=5, show_spinner=False)
    def square(x: int) -> int:
        return x * x

    from streamlit.runtime.caching.cache_data_api import _data_caches

    for x in range(50):
        assert square(x) == x * x
    # this test's own cache (the only one with max_entries 5), not the dashboard's from other tests
    caches = [c for per in _data_caches._function_caches.values() for c in per.values()
              if getattr(c, "max_entries", None) == 5 and any(k in c.storage._mem_cache for k in c._value_locks)]
    assert caches and max(len(c._value_locks) for c in caches) >= 50  # Streamlit keeps one lock per key ever
    assert cache_hygiene.prune_value_locks(force=True) >= 45
    assert all(len(c._value_locks) <= 5 for c in caches)
    assert [square(x) for x in (48, 49, 3)] == [2304, 2401, 9]  # cached ones and a recomputed one
    assert cache_hygiene.prune_value_locks() == 0  # at most once per EVERY_SECONDS
    square.clear()


def test_release_free_memory_gives_back_freed_heap_pages():
    import os

    def rss_kb() -> int:
        for line in open(f"/proc/{os.getpid()}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    blocks = [bytearray(100_000) for _ in range(100)]  # below the mmap threshold: on the heap
    for b in blocks:
        b[::4096] = b"\1" * len(b[::4096])  # touch every page
    keep = bytearray(10)  # allocated last, so the freed blocks are not simply at the heap's top
    del blocks
    before = rss_kb()
    assert cache_hygiene.release_free_memory()
    assert rss_kb() < before - 5_000  # most of the ~10 MB freed went back to the system
    del keep
