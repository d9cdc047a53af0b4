"""Many browsers opening 总览 at once: `python -m benchmarks.load --sessions 20 [--url DB_URL]`.

Starts the dashboard as it is deployed (`streamlit run serve.py`, sign-in off with
GRID_AUTH_MODE=none, so every session runs the full page and nobody types a password), opens
`--sessions` headless Chromium pages on it at the same moment and measures, per session, the time
from navigation to idle: the app reports `data-test-script-state="notRunning"` and no skeleton is
left (the browser tests' wait, tests/browser/helpers.py; polled, never a fixed sleep). Meanwhile it
samples the resident memory of the server process and its children (VmRSS from /proc) and keeps
the peak. Each of `--runs` runs starts a fresh server, so every run begins with cold caches, which
is what a restart followed by a morning rush looks like.

Prints a table per run and the median over runs, and writes them as JSON (`--json OUT`).
The browser runs on the same machine as the server and takes CPU from it: the figures are an upper
bound of what the server alone would need.

    python -m benchmarks.load --sessions 20                                  # the embedded demo city
    python -m benchmarks.load --sessions 20 --url duckdb:////tmp/demo-1m.duckdb --runs 3 --json out.json
    python -m benchmarks.load --sessions 20 --events 1000000                 # builds that demo city first
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.browser.helpers import CHROMIUM_ARGS, ERROR_BOXES, IDLE, ROOT

CHROMIUM = os.environ.get("GRID_TEST_CHROMIUM", "/usr/bin/chromium")
START_SECONDS = 120  # a first start on the embedded demo may build it (about 10 s) before answering
IDLE_TIMEOUT_MS = int(os.environ.get("GRID_LOAD_TIMEOUT", "300")) * 1000  # a session slower than this is a failure worth reporting, not a hang
RSS_SAMPLE_SECONDS = 0.1
# All pages of one browser are open at once and only one can have focus: without these, Chromium
# throttles the timers of the others and the measurement would be the browser's, not the server's.
PARALLEL_ARGS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]


@dataclass
class Run:
    sessions: list[float]  # seconds from navigation to idle, one per browser session, sorted
    errors: int  # sessions that showed an error box or never became idle
    peak_rss_mb: float  # server process and children, highest sample during the run
    idle_rss_mb: float  # the same, just before the browsers opened
    wall_seconds: float  # from the first navigation to the last idle
    script_done: list[float] = field(default_factory=list)  # seconds until each session's script had run
    stats: dict = field(default_factory=dict)

    def __post_init__(self):
        s, d = self.sessions, self.script_done
        self.stats = {"median": statistics.median(s), "p95": percentile(s, 0.95), "max": max(s)} if s else {}
        if d:
            self.stats["script_done_p95"] = percentile(d, 0.95)


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (the same as PERCENTILE_CONT and numpy's default)."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * fraction
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def rss_bytes(pid: int) -> int:
    """VmRSS of `pid` and all its descendants (0 for a process that is gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):  # exited between two reads, or a kernel thread without VmRSS
            continue
    return total


class PeakRss:
    """Samples rss_bytes(pid) in a thread until stopped; `peak` is the highest sample."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            self._stop.wait(RSS_SAMPLE_SECONDS)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pid))


def start_server(db_url: str | None, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "GRID_AUTH_MODE": "none"}
    env.pop("GRID_CONFIG", None)
    if db_url:
        env["GRID_DB_URL"] = db_url
    else:  # the embedded demo city: build it before the server starts, as `make run` does
        subprocess.run([sys.executable, "-m", "configuration"], cwd=ROOT, env=env, check=True)
    cmd = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + START_SECONDS
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the dashboard exited with status {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            stop_server(proc)
            raise SystemExit(f"the dashboard did not answer on port {port} within {START_SECONDS} s; see {log}")
        time.sleep(0.2)  # health-check poll interval, before any session is measured


def stop_server(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=15)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


SCRIPT_DONE = """() => document.querySelector('[data-testid="stApp"]')
                         ?.getAttribute('data-test-script-state') === 'notRunning'"""


async def one_session(browser, url: str, done: list) -> tuple[float | None, bool]:
    """(seconds from navigation to idle, or None if it never got there; whether an error box showed).
    Appends to `done` the seconds until the script run had finished on the server (the app reports
    notRunning), before the browser has drawn the charts: the server's share of the time."""
    ctx = await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                    timezone_id="Asia/Shanghai")
    page = await ctx.new_page()
    try:
        start = time.perf_counter()
        await page.goto(url, timeout=IDLE_TIMEOUT_MS)
        await page.wait_for_selector('[data-testid="stApp"]', timeout=IDLE_TIMEOUT_MS)
        await page.wait_for_function(SCRIPT_DONE, timeout=IDLE_TIMEOUT_MS, polling=100)
        done.append(time.perf_counter() - start)
        await page.wait_for_function(IDLE, timeout=IDLE_TIMEOUT_MS, polling=100)
        elapsed = time.perf_counter() - start
        return elapsed, await page.locator(ERROR_BOXES).count() > 0
    except Exception as exc:  # a timeout or a crashed page: counted as an error, the run goes on
        try:  # where it stood: the app's script state, or no app at all
            state = await page.evaluate("() => document.querySelector('[data-testid=\"stApp\"]')"
                                        "?.getAttribute('data-test-script-state') ?? 'no app'")
            shot = Path(tempfile.gettempdir()) / f"grid-load-failed-{id(page)}.png"
            await page.screenshot(path=str(shot))
            state += f", screenshot {shot}"
        except Exception:
            state = "page gone"
        print(f"  session failed ({state}): {exc.__class__.__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return None, True
    finally:
        await ctx.close()


async def wave(url: str, sessions: int, done: list) -> tuple[list[tuple[float | None, bool]], float]:
    """One Chromium per session, all launched before the clock starts: the pages of one browser
    share its connection pools and its renderer scheduling, and twenty users are twenty browsers."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browsers = await asyncio.gather(*(p.chromium.launch(executable_path=CHROMIUM,
                                                            args=CHROMIUM_ARGS + PARALLEL_ARGS)
                                          for _ in range(sessions)))
        try:
            start = time.perf_counter()
            results = await asyncio.gather(*(one_session(b, url, done) for b in browsers))
            return results, time.perf_counter() - start
        finally:
            await asyncio.gather(*(b.close() for b in browsers))


def measure(db_url: str | None, sessions: int, port: int, log: Path) -> Run:
    proc = start_server(db_url, port, log)
    try:
        idle_rss = rss_bytes(proc.pid)
        with PeakRss(proc.pid) as rss:
            done: list[float] = []
            results, wall = asyncio.run(wave(f"http://127.0.0.1:{port}/", sessions, done))
    finally:
        stop_server(proc)
    times = sorted(t for t, _ in results if t is not None)
    errors = sum(1 for t, err in results if t is None or err)
    return Run(times, errors, rss.peak / 2**20, idle_rss / 2**20, wall, script_done=sorted(done))


def demo_url(events: int) -> str:
    """A demo city of `events` events in the temp folder, built once (same seed and end each time)."""
    path = Path(tempfile.gettempdir()) / f"grid-load-{events}.duckdb"
    url = f"duckdb:///{path}"
    if not path.exists():
        print(f"Building a demo city of {events:,} events into {path}…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "data_access.demo", "--url", url, "--events", str(events)],
                       cwd=ROOT, check=True)
    return url


def machine() -> dict:
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal:"))
    # The load average says whether others shared the CPU during the run (1-minute figure, at the end).
    return {"cores": os.cpu_count(), "memory_gib": round(mem / 2**20, 1), "python": platform.python_version(),
            "load_average_1min": os.getloadavg()[0]}


def table(rows: list[tuple[str, Run | dict]]) -> str:
    lines = ["| run | sessions idle | errors | median s | p95 s | max s | script done p95 s | peak RSS MB | RSS before MB |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in rows:
        r = asdict(r) if isinstance(r, Run) else r
        s = r["stats"]
        lines.append(f"| {name} | {len(r['sessions'])} | {r['errors']} | {s.get('median', float('nan')):.2f} | "
                     f"{s.get('p95', float('nan')):.2f} | {s.get('max', float('nan')):.2f} | "
                     f"{s.get('script_done_p95', float('nan')):.2f} | "
                     f"{r['peak_rss_mb']:.0f} | {r['idle_rss_mb']:.0f} |")
    return "\n".join(lines)


def median_of(runs: list[Run]) -> dict:
    """The median over runs of each figure (each run's median, p95, max and peak RSS)."""
    ok = [r for r in runs if "p95" in r.stats]
    out = {"sessions": [], "errors": sum(r.errors for r in runs),
            "peak_rss_mb": statistics.median(r.peak_rss_mb for r in runs),
            "idle_rss_mb": statistics.median(r.idle_rss_mb for r in runs),
            "stats": {k: statistics.median(r.stats[k] for r in ok) for k in ("median", "p95", "max")} if ok else {}}
    done = [r.stats["script_done_p95"] for r in runs if "script_done_p95" in r.stats]
    if done:
        out["stats"]["script_done_p95"] = statistics.median(done)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="browser sessions opened at once (default 20)")
    ap.add_argument("--url", help="database URL (default: the embedded demo city of config.toml)")
    ap.add_argument("--events", type=int, help="without --url: a demo city of this many events in the temp folder")
    ap.add_argument("--port", type=int, default=8620, help="the dashboard's port (default 8620)")
    ap.add_argument("--runs", type=int, default=1, help="runs, each on a fresh server (default 1)")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    # `kill` of this command must stop its server too: SIGTERM unwinds through measure()'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: bash scripts/browser-deps.sh installs it")
    db_url = args.url or (demo_url(args.events) if args.events else None)
    log = Path(tempfile.gettempdir()) / f"grid-load-{args.port}.log"
    runs = []
    for i in range(args.runs):
        runs.append(measure(db_url, args.sessions, args.port, log))
        print(f"run {i + 1}/{args.runs}: p95 {runs[-1].stats.get('p95', float('nan')):.2f} s, "
              f"peak RSS {runs[-1].peak_rss_mb:.0f} MB", file=sys.stderr)
    summary = median_of(runs)
    print(f"{args.sessions} sessions opening 总览 at once on {db_url or 'the embedded demo city'} "
          f"({machine()['cores']} cores, {machine()['memory_gib']} GiB)\n")
    print(table([(str(i + 1), r) for i, r in enumerate(runs)] + ([("median", summary)] if len(runs) > 1 else [])))
    if args.json:
        args.json.write_text(json.dumps({"database": db_url or "embedded demo", "sessions": args.sessions,
                                         "machine": machine(), "runs": [asdict(r) for r in runs],
                                         "median_of_runs": summary}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
