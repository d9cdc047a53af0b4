"""The dashboard's own settings (config.toml), validated at start-up.

Every wrong key or value raises ConfigError naming the key and what was expected, so start-up stops
with a message instead of a half-working dashboard. The database URL may come from the environment
(GRID_DB_URL) or `.streamlit/secrets.toml`, so passwords never sit in config.toml. The sign-in mode
may come from GRID_AUTH_MODE.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data_access.db import check_url
from data_access.errors import ConfigError
from data_access.schema import SchemaMap
from metrics.quality import CITY_BOX
from metrics.alerts import AlertModel
from metrics.safety_index import SafetyModel
from metrics.stable_index import model_from_config
from metrics.workers import WorkerModel

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.toml"
SECRETS = ROOT / ".streamlit" / "secrets.toml"

# Every accepted key, with its type; README's configuration table documents each (a test checks).
KEYS: dict[str, dict[str, type | tuple]] = {
    "database": {"url": str, "demo_path": str, "demo_events": int, "demo_seed": int, "demo_bad_rows": int},
    "time": {"timezone": str},
    "refresh": {"cache_seconds": int, "wall_seconds": int, "wall_rotate_seconds": int},
    "map": {"center_lon": (int, float), "center_lat": (int, float), "zoom": (int, float), "tile_url": str,
            "city_box": list},
    "safety_index": {"method": str, "window_days": int, "prior_cases": (int, float), "prior_exposure": (int, float),
                     "min_cases": int, "grade_margin": (int, float), "indicators": list, "grades": list},
    "worker_score": {"weights": dict, "visits_per_day": (int, float), "verify_minutes": int},
    "alerts": {"baseline_weeks": int, "alpha": (int, float), "min_count": int, "min_count_below": int, "due_hours": int,
               "overdue_jump": int},
    "schema": {"tables": dict, "columns": dict, "values": dict},
    "auth": {"mode": str, "proxy_header": str, "users_path": str, "oidc_provider": str,
             "session_hours": (int, float)},
}

# Values never repeated in a message: the database URL carries the password.
SECRET_KEYS = {("database", "url")}

# How users sign in: the dashboard's own accounts, a trusted reverse proxy's header, Streamlit's
# st.login (OIDC), or no sign-in at all.
AUTH_MODES = ("builtin", "proxy", "oidc", "none")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")  # an RFC 9110 token
_PROVIDER_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class MapSettings:
    center_lon: float = 119.16
    center_lat: float = 36.65
    zoom: float = 10.5
    tile_url: str = ""
    city_box: tuple[float, float, float, float] = CITY_BOX


@dataclass(frozen=True)
class Settings:
    db_url: str = field(repr=False)  # holds the password: never in a repr, a log line or a traceback
    demo_path: Path
    demo_events: int
    demo_seed: int
    demo_bad_rows: int
    timezone: ZoneInfo
    cache_seconds: int
    wall_seconds: int
    wall_rotate_seconds: int
    map: MapSettings
    safety: SafetyModel
    workers: WorkerModel
    schema: SchemaMap
    alerts: AlertModel = AlertModel()
    auth_mode: str = "builtin"
    proxy_header: str = "X-Forwarded-User"
    users_path: Path = ROOT / "data" / "users.sqlite"
    oidc_provider: str = ""
    session_hours: float = 12.0  # builtin sign-in lasts across reloads and tabs this long; 0: this tab only

    @property
    def embedded(self) -> bool:
        """True when the dashboard runs on the demo city it builds itself."""
        return self.db_url == f"duckdb:///{self.demo_path}"


def _read_toml(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path.name), f"valid TOML ({exc})") from exc


def _check_types(raw: Mapping[str, Any]) -> None:
    for section, body in raw.items():
        if section not in KEYS:
            raise ConfigError(section, "one of the sections " + ", ".join(KEYS))
        if not isinstance(body, dict):
            raise ConfigError(section, "a [section] table", body)
        for key, value in body.items():
            if key not in KEYS[section]:
                raise ConfigError(f"{section}.{key}", "one of " + ", ".join(KEYS[section]))
            expected = KEYS[section][key]
            if isinstance(value, bool) or not isinstance(value, expected):
                names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
                shown = None if (section, key) in SECRET_KEYS else value
                raise ConfigError(f"{section}.{key}", f"a value of type {names}", shown)


def _positive(key: str, value: int) -> int:
    if value <= 0:
        raise ConfigError(key, "a positive number", value)
    return value


def _not_negative(key: str, value: int) -> int:
    if value < 0:
        raise ConfigError(key, "a number ≥ 0", value)
    return value


def _db_url(raw: Mapping, demo_path: Path, env: Mapping[str, str]) -> str:
    """The database URL, from the first of GRID_DB_URL, secrets.toml and config.toml that sets it. An
    unusable one is refused naming where it came from and what is wrong, never any of its text (the
    message is drawn before sign-in, and the URL holds the password)."""
    secrets = _read_toml(SECRETS).get("database", {})
    sources = (("GRID_DB_URL", env.get("GRID_DB_URL")), (".streamlit/secrets.toml [database] url", secrets.get("url")),
               ("config.toml [database] url", raw.get("url")))
    source, url = next(((s, u) for s, u in sources if u), ("", f"duckdb:///{demo_path}"))
    try:
        if not isinstance(url, str):
            raise ValueError("不是字符串")
        check_url(url)
    except ValueError as exc:
        raise ConfigError("database.url", f"an SQLAlchemy URL such as postgresql://user@host:5432/db；{source} 中的 URL {exc}") from None
    return url


def _auth(raw: Mapping, env: Mapping[str, str]) -> dict:
    mode = env.get("GRID_AUTH_MODE") or raw.get("mode", "builtin")
    if mode not in AUTH_MODES:
        source = " (from GRID_AUTH_MODE)" if env.get("GRID_AUTH_MODE") else ""
        raise ConfigError("auth.mode", "one of " + ", ".join(AUTH_MODES) + source, mode)
    header = raw.get("proxy_header", "X-Forwarded-User")
    if not _HEADER_NAME.match(header):
        raise ConfigError("auth.proxy_header", "an HTTP header name such as X-Forwarded-User", header)
    users_path = raw.get("users_path", "data/users.sqlite")
    if not users_path.strip():
        raise ConfigError("auth.users_path", "a file path such as data/users.sqlite", users_path)
    users_path = Path(users_path)
    provider = raw.get("oidc_provider", "")
    if provider and not _PROVIDER_NAME.match(provider):
        raise ConfigError("auth.oidc_provider",
                          'empty or the name of an [auth.<provider>] section in .streamlit/secrets.toml', provider)
    hours = raw.get("session_hours", 12)
    if not 0 <= hours < float("inf"):  # also refuses TOML's nan and inf
        raise ConfigError("auth.session_hours", "a number of hours ≥ 0 (0: a sign-in lasts only its browser tab)",
                          hours)
    return {"auth_mode": mode, "proxy_header": header, "oidc_provider": provider, "session_hours": float(hours),
            "users_path": users_path if users_path.is_absolute() else ROOT / users_path}


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    path = Path(path or env.get("GRID_CONFIG") or DEFAULT_CONFIG)
    raw = _read_toml(path)
    _check_types(raw)
    db, time, refresh, mp = (raw.get(k, {}) for k in ("database", "time", "refresh", "map"))
    demo_path = Path(db.get("demo_path", "data/demo.duckdb"))
    demo_path = demo_path if demo_path.is_absolute() else ROOT / demo_path
    try:
        tz = ZoneInfo(time.get("timezone", "Asia/Shanghai"))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("time.timezone", "an IANA time zone such as Asia/Shanghai", time.get("timezone")) from exc
    box = tuple(mp.get("city_box", MapSettings.city_box))
    if len(box) != 4 or not all(isinstance(v, (int, float)) for v in box) or box[0] >= box[2] or box[1] >= box[3]:
        raise ConfigError("map.city_box", "[lon_min, lat_min, lon_max, lat_max] with min < max", list(box))
    return Settings(
        db_url=_db_url(db, demo_path, env), demo_path=demo_path,
        demo_events=_positive("database.demo_events", db.get("demo_events", 300_000)),
        demo_seed=db.get("demo_seed", 20261121), demo_bad_rows=_not_negative("database.demo_bad_rows",
                                                                             db.get("demo_bad_rows", 20)),
        timezone=tz,
        cache_seconds=_positive("refresh.cache_seconds", refresh.get("cache_seconds", 300)),
        wall_seconds=_positive("refresh.wall_seconds", refresh.get("wall_seconds", 60)),
        wall_rotate_seconds=refresh.get("wall_rotate_seconds", 0),
        map=MapSettings(float(mp.get("center_lon", 119.16)), float(mp.get("center_lat", 36.65)),
                        float(mp.get("zoom", 10.5)), mp.get("tile_url", ""), tuple(float(v) for v in box)),
        safety=model_from_config(raw.get("safety_index")),
        workers=WorkerModel.from_config(raw.get("worker_score")),
        alerts=_alerts(raw.get("alerts")),
        schema=SchemaMap.from_config(raw.get("schema")),
        **_auth(raw.get("auth", {}), env),
    )


def _alerts(raw) -> AlertModel:
    try:
        return AlertModel.from_config(raw)
    except ValueError as exc:
        raise ConfigError("alerts", str(exc).removeprefix("alerts: "), raw) from exc


def users_path(config: str | Path | None = None, path: str | Path | None = None) -> Path:
    """The accounts file for the command lines: `path` if given, else `auth.users_path` of the config
    (GRID_CONFIG, config.toml)."""
    return Path(path) if path else load_settings(config).users_path
