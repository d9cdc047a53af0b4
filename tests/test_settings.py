"""config.toml: defaults, overrides, and a clear error naming the key for every kind of mistake."""
import re
from pathlib import Path

import pytest

from configuration.settings import KEYS, load_settings
from data_access.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads_with_spec_defaults():
    s = load_settings(ROOT / "config.toml", env={})
    assert s.embedded and s.db_url.endswith("data/demo.duckdb")
    assert str(s.timezone) == "Asia/Shanghai"
    weights = {i.key: i.weight for i in s.safety.indicators}
    assert weights == {"security_rate": 0.30, "dispute_grid_rate": 0.15, "hazard_on_time_rate": 0.15,
                       "on_time_rate": 0.15, "satisfaction_rate": 0.15, "visit_coverage": 0.10}
    assert [g.name for g in s.safety.grades] == ["平安", "基本平安", "关注", "预警"]


def test_missing_file_means_all_defaults(tmp_path):
    s = load_settings(tmp_path / "absent.toml", env={})
    assert s.embedded and s.cache_seconds == 300 and len(s.safety.indicators) == 6


def test_environment_overrides_database_url(tmp_path):
    path = write(tmp_path, '[database]\nurl = "postgresql://a@b/c"\n')
    assert load_settings(path, env={}).db_url == "postgresql://a@b/c"
    assert load_settings(path, env={"GRID_DB_URL": "mysql://x@y/z"}).db_url == "mysql://x@y/z"


@pytest.mark.parametrize("text, key", [
    ("[databse]\nurl = ''\n", "databse"),
    ("[map]\nzom = 3\n", "map.zom"),
    ("[map]\nzoom = 'near'\n", "map.zoom"),
    ("[map]\ncity_box = [119.5, 36.4, 118.9, 36.9]\n", "map.city_box"),
    ("[time]\ntimezone = 'Mars/Olympus'\n", "time.timezone"),
    ("[refresh]\ncache_seconds = 0\n", "refresh.cache_seconds"),
    ("[[safety_index.indicators]]\nkey = 'crime'\ndirection = 'lower'\nweight = 1\nexcellent = 1\nfloor = 2\n",
     "safety_index.indicators[0].key"),
    ("[[safety_index.indicators]]\nkey = 'on_time_rate'\ndirection = 'higher'\nweight = 1\nexcellent = 0.5\nfloor = 0.9\n",
     "safety_index.indicators[0].excellent"),
    ("[[safety_index.indicators]]\nkey = 'on_time_rate'\ndirection = 'up'\nweight = 1\nexcellent = 1\nfloor = 0\n",
     "safety_index.indicators[0].direction"),
    ("[worker_score]\nweights = { speed = 1 }\n", "worker_score.weights.speed"),
    ("[schema.tables]\nincidents = 't_case'\n", "schema.tables.incidents"),
    ("[schema.columns.events]\nwhen = 'rpt'\n", "schema.columns.events.when"),
    ("[schema.values.events.status]\ndone = '9'\n", "schema.values.events.status.done"),
    ("[database\nurl = ''\n", "config.toml"),
])
def test_invalid_setting_names_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert err.value.key == key
    assert key in str(err.value) and "应为" in str(err.value)


def test_every_setting_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    readme = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", readme, flags=re.M))
    expected = {f"{section}.{key}" for section, keys in KEYS.items() for key in keys}
    assert expected - documented == set(), "settings missing from README's configuration table"
    assert documented - expected == set(), "README documents settings that do not exist"
