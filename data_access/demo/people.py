"""Workers (网格员 / 网格指导员 / 网格长) and the fake names and phone numbers of everyone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from data_access.demo import texts
from data_access.demo.timeline import seconds
from data_access.demo.city import City

TOTAL_WORKERS = 1000
INTAKE_2021 = 200           # of the grids' own (full-time) 网格员, hired together ~5 years before `end`
EXTRA_INACTIVE_SHARE = 0.05


@dataclass(frozen=True)
class Staff:
    workers: pd.DataFrame
    primary: np.ndarray         # worker id of each grid's own 网格员 (its one full-time 专职网格员)
    extra: np.ndarray           # id of the grid's additional part-time 网格员 (兼职), or -1
    extra_from: np.ndarray      # seconds: extra worker's hire date (or +inf when none)
    extra_until: np.ndarray     # seconds: the day the extra worker left (+inf while active)


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Surname plus one or two given-name characters."""
    surnames = np.array(list(texts.SURNAMES))
    given = np.array(list(texts.GIVEN_CHARS))
    second = np.where(rng.random(n) < 0.65, given[rng.integers(0, len(given), n)], "")
    return np.strings.add(np.strings.add(surnames[rng.integers(0, len(surnames), n)],
                                         given[rng.integers(0, len(given), n)]), second).astype(object)


def mobile_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct 11-digit mobile numbers with real-looking prefixes."""
    prefixes = np.array(texts.MOBILE_PREFIXES)[rng.integers(0, len(texts.MOBILE_PREFIXES), n)]
    tails = np.char.zfill(rng.choice(10 ** 8, n, replace=False).astype(str), 8)
    return np.strings.add(prefixes, tails).astype(object)


def build_staff(seed: int, city: City, end: datetime) -> Staff:
    rng = np.random.default_rng([seed, 2])
    grids = len(city.grid_ids)
    n_extra = TOTAL_WORKERS - grids - len(city.community_ids) - len(city.workarea_ids)
    weights = city.households / city.households.sum()
    extra_grid = np.sort(rng.choice(grids, n_extra, replace=False, p=weights))

    area_id = np.concatenate([city.grid_ids, city.community_ids, city.workarea_ids, city.grid_ids[extra_grid]])
    role = np.repeat(["grid_worker", "instructor", "chief", "grid_worker"],
                     [grids, len(city.community_ids), len(city.workarea_ids), n_extra])
    n = len(area_id)
    ids = np.arange(1, n + 1)

    # The norm: a grid of 300–500 households (about 1,000 residents) has one full-time grid worker.
    # Every grid's own 网格员 is that 专职网格员; instructors, chiefs and the extra 网格员 are part-time
    # (兼职: community cadres, building heads, volunteers).
    full_time = np.zeros(n, bool)
    full_time[:grids] = True

    years_before_end = np.concatenate([
        rng.uniform(3.2, 10.0, grids),
        rng.uniform(3.5, 12.0, len(city.community_ids) + len(city.workarea_ids)),
        rng.uniform(0.2, 8.0, n_extra),                 # some extra workers joined during the window
    ])
    # Fangzi's 2021 intake of social workers as grid workers, mostly posted in the urban streets.
    urban = city.grid_street < texts.URBAN_STREETS
    p_intake = np.where(urban, 3.0, 1.0) / np.where(urban, 3.0, 1.0).sum()
    intake = rng.choice(grids, INTAKE_2021, replace=False, p=p_intake)
    years_before_end[intake] = rng.uniform(5.0, 5.8, INTAKE_2021)
    hired = [(end - timedelta(days=float(y) * 365.25)).date() for y in years_before_end]

    active = np.ones(n, bool)
    leavers = np.flatnonzero(rng.random(n_extra) < EXTRA_INACTIVE_SHARE) + n - n_extra
    active[leavers] = False
    end_s = seconds(end)
    hired_s = np.array([seconds(datetime.combine(d, datetime.min.time())) for d in hired], dtype=float)
    left_s = np.full(n, np.inf)
    left_s[leavers] = hired_s[leavers] + (end_s - 30 * 86400 - hired_s[leavers]) * rng.uniform(0.2, 0.9, len(leavers))

    workers = pd.DataFrame({
        "id": ids.astype("int64"), "area_id": area_id.astype("int64"),
        "name": pd.array(person_names(rng, n), dtype="str"), "phone": pd.array(mobile_numbers(rng, n), dtype="str"),
        "role": pd.array(role, dtype="str"), "employment": pd.array(np.where(full_time, "full_time", "part_time"), dtype="str"),
        "active": active, "hired_on": pd.Series(hired, dtype=object),
    })
    extra = np.full(grids, -1)
    extra[extra_grid] = ids[n - n_extra:]
    extra_from = np.full(grids, np.inf)
    extra_from[extra_grid] = hired_s[n - n_extra:]
    extra_until = np.full(grids, np.inf)
    extra_until[extra_grid] = left_s[n - n_extra:]
    return Staff(workers, ids[:grids], extra, extra_from, extra_until)
