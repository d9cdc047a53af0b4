"""Who may see which areas, and the one SQL construct that applies it to every query.

A `Scope` lists the subtrees a user may see (default-deny: an empty scope sees nothing). Every
metric query joins `scoped_areas`, a recursive CTE over the areas table whose anchor is bound to
both the user's scope roots and the requested groups, so a query cannot leave the scope even if
its caller asks for the wrong area.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.errors import ScopeDenied
from data_access.users import Scope

LEVELS = ("district", "street", "workarea", "community", "grid")
LEVEL_NAMES = {"district": "区", "street": "街道", "workarea": "工作片", "community": "社区", "grid": "网格"}


@dataclass
class AreaTree:
    """The areas table (small: one row per area) with parent/child navigation."""
    frame: pd.DataFrame  # index id; columns parent_id, level (canonical), code, name, households, population, lon, lat
    # Rows load() left out because their id repeats an earlier row's (a platform's view may lack the
    # primary key): the tree keeps one row per id, and metrics.area_checks reports the rest.
    duplicate_rows: pd.DataFrame | None = None
    children_of: dict = field(init=False)

    def __post_init__(self):
        self.children_of = {}
        for area_id, parent in self.frame["parent_id"].items():
            self.children_of.setdefault(None if pd.isna(parent) else int(parent), []).append(int(area_id))
        self._by_code = {str(c): int(i) for i, c in self.frame["code"].items()}

    @classmethod
    def load(cls, db: Database) -> "AreaTree":
        a = db.schema.table("areas")
        cols = ["id", "parent_id", "level", "code", "name", "households", "population", "lon", "lat"]
        frame = db.query(sa.select(*[a.c[c].label(c) for c in cols]).order_by(a.c.code))
        frame["level"] = [db.schema.map.canonical_value("areas", "level", v) for v in frame["level"]]
        repeated = frame["id"].duplicated(keep="first")
        return cls(frame[~repeated].set_index("id"), frame[repeated].reset_index(drop=True))

    def id_of(self, code: str) -> int | None:
        return self._by_code.get(str(code))

    def row(self, area_id: int) -> pd.Series:
        return self.frame.loc[area_id]

    def parent(self, area_id: int) -> int | None:
        p = self.frame.at[area_id, "parent_id"]
        return None if pd.isna(p) or int(p) not in self.frame.index else int(p)

    def ancestors(self, area_id: int) -> list[int]:
        """From the top down to area_id itself."""
        chain, seen = [area_id], {area_id}
        while (p := self.parent(chain[-1])) is not None and p not in seen:
            chain.append(p)
            seen.add(p)
        return chain[::-1]

    def children(self, area_id: int) -> list[int]:
        kids = self.children_of.get(area_id, [])
        return sorted(kids, key=lambda i: str(self.frame.at[i, "code"]))

    def roots(self) -> list[int]:
        return [i for i in self.frame.index if self.parent(int(i)) is None]


@dataclass(frozen=True)
class Focus:
    """The area a page or query looks at, already checked against the scope.

    `area_ids` has one id for a real area, several for the union of an official's subtrees."""
    scope_roots: tuple[int, ...]
    area_ids: tuple[int, ...]

    @property
    def single(self) -> int | None:
        return self.area_ids[0] if len(self.area_ids) == 1 else None


def scope_roots(tree: AreaTree, scope: Scope) -> tuple[int, ...]:
    if scope.area_codes is None:
        return tuple(tree.roots())
    ids = {tree.id_of(c) for c in scope.area_codes} - {None}
    # Drop roots already inside another root's subtree: groups must not overlap.
    return tuple(sorted(i for i in ids if not set(tree.ancestors(i)[:-1]) & ids))


def resolve(tree: AreaTree, scope: Scope, area_code: str | None = None) -> Focus:
    """Check the requested area against the scope. URL parameters can narrow, never widen."""
    roots = scope_roots(tree, scope)
    if area_code in (None, ""):
        return Focus(roots, roots)
    area_id = tree.id_of(area_code)
    if area_id is None or not set(tree.ancestors(area_id)) & set(roots):
        raise ScopeDenied(f"无权查看区域 {area_code}，或该区域不存在")
    return Focus(roots, (area_id,))


def scoped_areas(db: Database, focus: Focus, groups: list[int] | None = None, *,
                 name: str = "scoped_areas") -> sa.CTE:
    """CTE (area_id, group_id, level): every area under each group, restricted to the scope roots.

    Without `groups` all areas of the focus form one group. `name` keeps two of them in one statement
    apart. Bound parameters: scope_roots and <name>_groups.

    Rows join on area_id whatever the area's level: an event filed against a community counts for
    that community and everything above it. Callers filter on `level` only where a level matters
    (summing households and population over grids). Filtering the CTE itself would make PostgreSQL
    underestimate its size and probe the events index once per grid instead of hashing.

    Both recursions are UNION, not UNION ALL: a cycle in parent links that the walk can reach (an id
    present twice in a platform's areas view, one copy under its own descendant) would otherwise
    recurse for ever; UNION drops rows already produced, so the walk ends, and an area listed twice
    is not counted twice in its group. The areas table is small, so the de-duplication costs little.
    """
    a = db.schema.table("areas")
    roots = sa.bindparam("scope_roots", list(focus.scope_roots), expanding=True)
    gids = sa.bindparam(f"{name}_groups", list(groups if groups is not None else focus.area_ids), expanding=True)

    allowed = sa.select(a.c.id.label("id")).where(a.c.id.in_(roots)).cte(f"{name}_allowed", recursive=True)
    child = a.alias(f"{name}_allowed_child")
    allowed = allowed.union(sa.select(child.c.id).join(allowed, child.c.parent_id == allowed.c.id))

    one_group = groups is None  # the union of the focus's areas counts as one group
    group_col = sa.literal_column("0") if one_group else a.c.id
    tree = (sa.select(a.c.id.label("area_id"), group_col.label("group_id"), a.c.level.label("level"))
            .where(a.c.id.in_(gids), a.c.id.in_(sa.select(allowed.c.id)))
            .cte(name, recursive=True))
    sub = a.alias(f"{name}_child")
    return tree.union(sa.select(sub.c.id, tree.c.group_id, sub.c.level)
                          .join(tree, sub.c.parent_id == tree.c.area_id))


def focus_for(db: Database, tree: AreaTree | None, scope: Scope, area_code: str | None) -> tuple[AreaTree, Focus]:
    """The area tree (loaded if not given) and the checked focus: the prelude of every metrics call."""
    tree = tree or AreaTree.load(db)
    return tree, resolve(tree, scope, area_code)


def child_groups(tree: AreaTree, focus: Focus) -> list[int]:
    """The areas one level below the focus (the scope roots at the top of a multi-area scope)."""
    return tree.children(focus.single) if focus.single is not None else list(focus.area_ids)
