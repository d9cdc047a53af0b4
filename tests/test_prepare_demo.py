"""`python -m configuration` (the first step of `make run`) builds a missing demo city once, quietly after."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "configuration"], cwd=ROOT, capture_output=True, text=True,
                          env={"GRID_CONFIG": str(config), "PATH": "/usr/bin:/bin"}, timeout=300)


def test_builds_a_missing_demo_city_once(tmp_path):
    demo = tmp_path / "demo.duckdb"
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\ndemo_path = "{demo}"\ndemo_events = 2000\n', encoding="utf-8")
    first = _run(config)
    assert first.returncode == 0, first.stderr
    assert "Building the demo city" in first.stdout and demo.exists()
    again = _run(config)
    assert again.returncode == 0 and again.stdout == ""


def test_a_platform_database_is_left_alone(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "postgresql://nobody@127.0.0.1:1/none"\n', encoding="utf-8")
    got = _run(config)
    assert got.returncode == 0 and got.stdout == ""


def test_a_config_error_is_left_to_the_dashboard(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[map]\nzom = 3\n", encoding="utf-8")
    assert _run(config).returncode == 0
