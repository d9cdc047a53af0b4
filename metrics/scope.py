"""Who may see which areas, and the one SQL construct that applies it to every query.

A `Scope` lists the subtrees a user may see (default-deny: an empty scope sees nothing). The area
tree is loaded once (one plain SELECT of the small areas table) and the scope is resolved on it in
Python: a `Focus` knows every area id it covers. Every metric query then binds those ids, through
`in_scope` (an IN list) or `group_rows` (a derived table of constant (area_id, group_id) rows for
per-area figures), so a query cannot leave the scope even if its caller asks for the wrong area.

Why not a recursive CTE over the areas table, as before: MariaDB estimated it at two rows and read
`events` row by row through the wrong index (two minutes for one summary at 1M events); Doris and
StarRocks before 4.1 have no recursive CTE at all. A bound list is planned exactly on every engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from data_access.db import Database
from data_access.errors import ScopeDenied
from data_access.users import Scope
from metrics.dialect import MYSQL_FAMILY

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
        self._below: dict[int, tuple[int, ...]] = {}  # subtree cache: the tree is reused for many queries
        self._grids = {int(i) for i in self.frame.index[self.frame["level"] == "grid"]}
        self.children_of = {}
        for area_id, parent in self.frame["parent_id"].items():
            self.children_of.setdefault(None if pd.isna(parent) else int(parent), []).append(int(area_id))
        self._by_code = {str(c): int(i) for i, c in self.frame["code"].items()}
        # Every metric call resolves its focus on the roots: walking each area's parent once, here,
        # instead of per call (it was about 5 % of a cold page).
        self._roots = [i for i in self.frame.index if self.parent(int(i)) is None]

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
        return list(self._roots)

    def subtree(self, area_id: int) -> tuple[int, ...]:
        """area_id and every area below it, each once, sorted. A cycle in the parent links ends the
        walk where it comes back (the area tree check reports it)."""
        if area_id not in self._below:
            seen, todo = {area_id}, [area_id]
            while todo:
                for kid in self.children_of.get(todo.pop(), ()):
                    if kid not in seen:
                        seen.add(kid)
                        todo.append(kid)
            self._below[area_id] = tuple(sorted(seen))
        return self._below[area_id]

    def is_grid(self, area_id: int) -> bool:
        return area_id in self._grids


@dataclass(frozen=True)
class Focus:
    """The area a page or query looks at, already checked against the scope.

    `area_ids` has one id for a real area, several for the union of an official's subtrees. The tree
    it was resolved on says which areas lie below; it does not take part in equality or hashing."""
    scope_roots: tuple[int, ...]
    area_ids: tuple[int, ...]
    tree: AreaTree = field(compare=False, hash=False, repr=False)

    @property
    def single(self) -> int | None:
        return self.area_ids[0] if len(self.area_ids) == 1 else None

    def whole_scope(self) -> "Focus":
        """The same user looking at everything they may see."""
        return Focus(self.scope_roots, self.scope_roots, self.tree)

    def areas(self, group: int | None = None) -> tuple[int, ...]:
        """Every area under `group` (under the focus when None), or none if it lies outside the scope."""
        if group is None:
            return tuple(sorted({i for a in self.area_ids for i in self.areas(a)}))
        allowed = any(group in self.tree.subtree(r) for r in self.scope_roots)
        return self.tree.subtree(group) if allowed else ()


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
        return Focus(roots, roots, tree)
    area_id = tree.id_of(area_code)
    if area_id is None or not set(tree.ancestors(area_id)) & set(roots):
        raise ScopeDenied(f"无权查看区域 {area_code}，或该区域不存在")
    return Focus(roots, (area_id,), tree)


def _ids(values) -> list[int]:
    return sorted({int(v) for v in values})  # plain ints: drivers refuse numpy integers


def _listed(ids: list[int], name: str) -> sa.BindParameter:
    """The ids as one array parameter (DuckDB and PostgreSQL): a province's thousands of areas cost
    one value to send and plan, where a list of constants in the SQL text costs DuckDB about 25 µs
    each to parse."""
    return sa.bindparam(name, ids, type_=sa.ARRAY(sa.Integer), unique=True)


def in_scope(db: Database, column: sa.ColumnElement, focus: Focus, groups: list[int] | None = None, *,
             grids_only: bool = False) -> sa.ColumnElement:
    """`column IN (every area id under the focus, or under the groups)`: the one filter that keeps a
    query in the scope. An empty list matches nothing (default-deny).

    DuckDB and PostgreSQL get the ids as one array and hash it for the semi-join. The MySQL family has
    no arrays: there the ids are written into the statement (integers from the area tree, never user
    text); MariaDB reads a short list as index ranges and turns a long one into a semi-join itself."""
    under = focus.areas() if groups is None else {i for g in groups for i in focus.areas(g)}
    ids = _ids(i for i in under if not grids_only or focus.tree.is_grid(i))
    if not ids:
        return sa.false()
    if db.dialect in MYSQL_FAMILY:
        return column.op("IN")(sa.literal_column("(" + ", ".join(map(str, ids)) + ")"))
    return column.in_(sa.select(sa.func.unnest(_listed(ids, "scope_ids"))))


def group_rows(db: Database, focus: Focus, groups: list[int], *, grids_only: bool = False,
               name: str = "scope_groups") -> sa.Subquery:
    """(area_id, group_id): every area under each group, for per-area figures joined on area_id.

    Constant rows, planned with their true size: two unnested arrays on DuckDB and PostgreSQL,
    SELECT … UNION ALL SELECT … in the MySQL family (MySQL, MariaDB, TiDB, OceanBase, Doris and
    StarRocks have no arrays and spell VALUES differently or not at all). An area under two groups (a
    street and one of its grids) has a row for each, so each group is counted on its own. Rows join on
    area_id whatever the area's level: an event filed against a community counts for that community
    and everything above it."""
    pairs = [(a, g) for g in _ids(groups) for a in _ids(focus.areas(g)) if not grids_only or focus.tree.is_grid(a)]
    columns = (sa.column("area_id", sa.Integer), sa.column("group_id", sa.Integer))
    if db.dialect not in MYSQL_FAMILY:
        areas, owners = _listed([a for a, _ in pairs], "scope_areas"), _listed([g for _, g in pairs], "scope_groups")
        return sa.select(sa.func.unnest(areas).label("area_id"), sa.func.unnest(owners).label("group_id")).subquery(name)
    if not pairs:  # nothing in scope: no rows, so the query returns none
        sql = "SELECT NULL AS area_id, NULL AS group_id FROM DUAL WHERE 1 = 0"
    else:
        sql = " UNION ALL ".join(f"SELECT {a} AS area_id, {g} AS group_id" for a, g in pairs)
    return sa.text(sql).columns(*columns).subquery(name)


def focus_for(db: Database, tree: AreaTree | None, scope: Scope, area_code: str | None) -> tuple[AreaTree, Focus]:
    """The area tree (loaded if not given) and the checked focus: the prelude of every metrics call."""
    tree = tree or AreaTree.load(db)
    return tree, resolve(tree, scope, area_code)


def child_groups(tree: AreaTree, focus: Focus) -> list[int]:
    """The areas one level below the focus (the scope roots at the top of a multi-area scope)."""
    return tree.children(focus.single) if focus.single is not None else list(focus.area_ids)
