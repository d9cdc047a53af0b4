#!/usr/bin/env python3
"""Soak test of the 指挥大屏: does a wall display that refreshes for days keep memory flat?

Builds a small demo city (ending at the current hour, so "today" has events), starts its own
`streamlit run serve.py` on a free port with a short wall refresh interval (a temporary config file
through GRID_CONFIG), signs the display in with a wall token (as a real wall does: builtin login,
`/wall?token=…`), and watches the page in headless Chromium (Debian's /usr/bin/chromium, the
screenshot tool's flags) for `--cycles` refreshes of the wall's fragment. After every refresh it
records the server's resident memory (VmRSS of the server process and its children, from
/proc/<pid>/status) and the page's DOM node count (document.getElementsByTagName('*').length),
plus the browser's JS heap.

Writes a CSV (one row per cycle) and prints a summary: the growth of each measure after warm-up,
as the median of the last 10% of the cycles against the median of the first 10% after warm-up,
and the least-squares slope after warm-up projected to 2,000 cycles. PASS when both growths are
under 5%. Warm-up lasts `--warmup-seconds` (default 600 s, and at least 10% of the cycles): by then
every bounded store of the server is at its working size — the figure cache's entries live 300 s
(ui/context.py) and the cache's compute locks are pruned every 600 s (ui/cache_hygiene.py) — so
what grows after it is growth that would go on.

    .venv/bin/python scripts/soak_wall.py --cycles 400 --interval 2 [--rotate 0] [--events 30000]
           [--out artifacts/soak/soak_wall.csv] [--width 1920 --height 1080] [--warmup-seconds 600]
    .venv/bin/python scripts/soak_wall.py --judge artifacts/soak/soak_wall.csv   # judge an earlier run again
"""
from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = [  # as in tests/browser/helpers.py (the team screenshot tool uses the same flags)
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--enable-precise-memory-info",  # exact performance.memory figures (the JS heap column)
]
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  return state === 'notRunning' && !document.querySelector('[data-testid="stSkeleton"]');
}"""
# Counts script runs (the fragment's timed reruns included) from the moment it is installed.
WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__soakRuns = 0;
  new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'notRunning') window.__soakRuns += 1;
  }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""
SAMPLE = """() => ({
  nodes: document.getElementsByTagName('*').length,
  heap: (performance.memory || {}).usedJSHeapSize || 0,
  strip: (document.querySelector('.st-key-wall-strip') || {}).innerText || '',
  errors: document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]').length,
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    """VmRSS of `pid` and all its descendants, in kB (from /proc; psutil is not needed)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def warmup_cycles(seconds: list[float], warmup_seconds: float) -> int:
    """Cycles that belong to the warm-up: those before `warmup_seconds`, and at least 10% of all."""
    return max(len(seconds) // 10, sum(1 for s in seconds if s < warmup_seconds))


def growth(values: list[float], warm: int) -> tuple[float, float, float]:
    """(median of the first 10% of the cycles after the `warm` warm-up cycles, median of the last
    10%, growth in %). The two windows never overlap; a run too short for that raises ValueError."""
    n = len(values)
    width = max(1, n // 10)
    if warm + 2 * width > n:
        raise ValueError(f"{n} cycles are too few to judge after {warm} warm-up cycles")
    a, b = statistics.median(values[warm:warm + width]), statistics.median(values[n - width:])
    return a, b, (b - a) / a * 100 if a else 0.0


def slope(values: list[float], warm: int) -> float:
    """Least-squares change per cycle over the cycles after warm-up."""
    ys = values[warm:]
    if len(ys) < 2:
        return 0.0
    xs = list(range(len(ys)))
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def build_city(folder: Path, events: int, tz: str) -> tuple[str, str]:
    """A demo city ending at the current local hour; returns its URL and the top area's code."""
    import duckdb

    from data_access.demo import build

    path = folder / "soak.duckdb"
    end = datetime.now(ZoneInfo(tz)).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    build(f"duckdb:///{path}", events=events, seed=7, end=end)
    con = duckdb.connect(str(path), read_only=True)
    try:
        (top,), = con.execute("SELECT code FROM areas WHERE parent_id IS NULL").fetchall()
    finally:
        con.close()
    return f"duckdb:///{path}", str(top)


def wall_token(users: Path, area: str) -> str:
    from data_access.users import UserStore

    store = UserStore(users)
    store.add("soakwall", "soak-wall-password", "wall", (area,))
    return store.issue_wall_token("soakwall")


def start_server(folder: Path, db_url: str, config: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GRID_DB_URL": db_url, "GRID_CONFIG": str(config)}
    env.pop("GRID_AUTH_MODE", None)
    cmd = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited with status {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            pass
        time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"streamlit did not answer within 60 s; see {log}")


def stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=15)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cycles", type=int, default=400, help="wall refreshes to watch (default 400)")
    ap.add_argument("--interval", type=int, default=2, help="refresh.wall_seconds for the run (default 2)")
    ap.add_argument("--rotate", type=int, default=0, help="refresh.wall_rotate_seconds (default 0: no rotation)")
    ap.add_argument("--events", type=int, default=30_000, help="events in the demo city (default 30,000)")
    ap.add_argument("--out", default=str(ROOT / "artifacts" / "soak" / "soak_wall.csv"))
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    ap.add_argument("--chromium", default=os.environ.get("GRID_TEST_CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--limit", type=float, default=5.0, help="growth limit in percent (default 5)")
    ap.add_argument("--warmup-seconds", type=float, default=600.0,
                    help="warm-up not judged (default 600 s: the server's bounded stores have filled)")
    ap.add_argument("--judge", metavar="CSV", help="judge the CSV of an earlier run instead of running")
    args = ap.parse_args()
    if args.judge:
        with open(args.judge, newline="", encoding="utf-8") as f:
            return judge(list(csv.DictReader(f)), args.warmup_seconds, args.limit)
    if args.cycles < 20:
        ap.error("--cycles must be at least 20 (warm-up and the last 10% need some cycles)")

    from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soak-wall-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        db_url, top = build_city(folder, args.events, "Asia/Shanghai")
        users = folder / "users.sqlite"
        token = wall_token(users, top)
        config = folder / "config.toml"
        config.write_text(f'[refresh]\nwall_seconds = {args.interval}\nwall_rotate_seconds = {args.rotate}\n'
                          f'[auth]\nmode = "builtin"\nusers_path = "{users}"\n', encoding="utf-8")
        log = out.with_suffix(".server.log")
        proc, base = start_server(folder, db_url, config, log)
        print(f"demo city ({args.events:,} events) and server ready in {time.monotonic() - started:.1f} s: "
              f"{base}, wall refresh every {args.interval} s, pid {proc.pid}", flush=True)
        rows, stalled = [], None
        fields = ["cycle", "seconds", "server_rss_kb", "dom_nodes", "js_heap_bytes", "errors", "status"]
        # written row by row, so a run that breaks off keeps every cycle it measured
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                    page = browser.new_page(viewport={"width": args.width, "height": args.height})
                    page.set_default_timeout(120_000)
                    page.goto(f"{base}/wall?token={token}")
                    page.wait_for_selector(".st-key-wall-kpis", timeout=120_000)
                    page.wait_for_function(IDLE, timeout=120_000, polling=100)
                    page.evaluate(WATCH_RUNS)
                    t0 = time.monotonic()
                    for cycle in range(1, args.cycles + 1):
                        try:  # the next timed rerun of the fragment, and its end
                            page.wait_for_function(f"() => window.__soakRuns >= {cycle} && ({IDLE})()",
                                                   timeout=max(60_000, args.interval * 10_000), polling=100)
                        except PlaywrightTimeout:
                            stalled = cycle
                            break
                        sample = page.evaluate(SAMPLE)
                        row = {"cycle": cycle, "seconds": round(time.monotonic() - t0, 2),
                               "server_rss_kb": rss_kb(proc.pid), "dom_nodes": sample["nodes"],
                               "js_heap_bytes": sample["heap"], "errors": sample["errors"],
                               "status": sample["strip"].replace("\n", " ")[:80]}
                        rows.append(row)
                        writer.writerow(row)
                        f.flush()
                        if cycle == 1 or cycle % 50 == 0:
                            print(f"cycle {cycle:5d}  {row['seconds']:8.1f} s  server RSS {row['server_rss_kb'] / 1024:7.1f} MB"
                                  f"  DOM {row['dom_nodes']:5d}  JS heap {row['js_heap_bytes'] / 2**20:6.1f} MB"
                                  f"  {row['status'][:24]}", flush=True)
                    page.screenshot(path=str(out.with_suffix(".png")))
                    browser.close()
            finally:
                stop(proc)
    print(f"\nCSV: {out}")
    if stalled:
        print(f"FAIL: the wall did not refresh for cycle {stalled} (no fragment run within "
              f"{max(60, args.interval * 10)} s); server log: {log}")
        return 1
    return judge(rows, args.warmup_seconds, args.limit)


def judge(rows: list[dict], warmup_seconds: float, limit: float) -> int:
    """Print the verdict on a run's rows (as written to the CSV); 0 when it passes."""
    n = len(rows)
    seconds = float(rows[-1]["seconds"])
    warm_n = warmup_cycles([float(r["seconds"]) for r in rows], warmup_seconds)
    width = max(1, n // 10)
    print(f"{n} cycles in {seconds:.0f} s ({seconds / n:.2f} s per cycle)")
    print(f"warm-up: cycles 1-{warm_n} (the first {warmup_seconds:.0f} s); judged: cycles "
          f"{warm_n + 1}-{warm_n + width} against {n - width + 1}-{n}")
    verdicts = []
    for key, unit, scale in (("server_rss_kb", "MB", 1 / 1024), ("dom_nodes", "nodes", 1),
                             ("js_heap_bytes", "MB", 1 / 2**20)):
        values = [float(r[key]) for r in rows]
        try:
            warm, last, pct = growth(values, warm_n)
        except ValueError as exc:
            print(f"{key}: {exc}; run more cycles")
            return 1
        per_cycle = slope(values, warm_n)
        projected = per_cycle * 2000 / warm * 100 if warm else 0.0
        judged = key != "js_heap_bytes"  # the browser heap is reported, not judged (garbage collection)
        ok = pct < limit
        if judged:
            verdicts.append(ok)
        print(f"{key:14s} first {warm * scale:8.2f} {unit}  last {last * scale:8.2f} {unit}"
              f"  growth {pct:+6.2f}%  slope {per_cycle * scale:+.4f} {unit}/cycle (2,000 cycles: {projected:+.1f}%)"
              + (f"  {'PASS' if ok else 'FAIL'}" if judged else "  (not judged)"))
    errors = sum(1 for r in rows if int(r["errors"]))
    if errors:
        print(f"{errors} cycles showed an error box")
    passed = all(verdicts) and not errors
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1

if __name__ == "__main__":
    sys.exit(main())
