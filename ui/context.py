"""What a page needs to draw itself: settings, the database, the user's scope and the current view.

Figures are computed through the metrics layer and cached per (database, scope, area, period,
as-of), so every session looking at the same view shares one computation.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.db import Database
from data_access.settings import Settings, load_settings
from metrics import summary as summary_metrics
from metrics.scope import LEVEL_NAMES, AreaTree, Focus, Scope, resolve
from ui.state import View


@st.cache_resource(show_spinner=False)
def get_settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def get_database(url: str, _settings: Settings) -> Database:
    return Database.connect(url, _settings.schema)


@st.cache_data(show_spinner=False, ttl=300, max_entries=8)
def _tree(url: str, _db: Database) -> AreaTree:
    return AreaTree.load(_db)


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    db: Database
    tree: AreaTree
    scope: Scope
    view: View
    focus: Focus

    @property
    def area_name(self) -> str:
        if self.focus.single is None:
            return "我的辖区"
        return str(self.tree.row(self.focus.single)["name"])

    @property
    def level(self) -> str | None:
        return None if self.focus.single is None else self.tree.row(self.focus.single)["level"]

    def breadcrumb(self) -> list[tuple[str | None, str]]:
        """(area code or None for the scope's top, name) from the top of the scope down."""
        roots = set(self.focus.scope_roots)
        crumbs: list[tuple[str | None, str]] = []
        if len(roots) > 1:
            crumbs.append((None, "我的辖区"))
        if self.focus.single is not None:
            chain = self.tree.ancestors(self.focus.single)
            start = next(i for i, a in enumerate(chain) if a in roots)
            crumbs += [(str(self.tree.row(a)["code"]), str(self.tree.row(a)["name"])) for a in chain[start:]]
        return crumbs

    def caption(self) -> str:
        """Every figure states its scope, period and 数据截至 time."""
        level = LEVEL_NAMES.get(self.level, "") if self.level else ""
        return (f"范围：{self.area_name}{'（' + level + '）' if level else ''} · 周期：{self.view.period_label}"
                f" · 数据截至 {self.view.asof:%Y-%m-%d %H:%M}{'（链接指定时点）' if self.view.pinned else ''}")

    def _args(self) -> dict:
        v = self.view
        return dict(url=str(self.db.engine.url), scope=self.scope, area_code=v.area_code,
                    start=v.period.start, end=v.period.end, asof=v.asof)

    def summary(self) -> dict:
        return _summary(**self._args(), _ctx=self)

    def children(self) -> pd.DataFrame:
        return _children(**self._args(), _ctx=self)

    def trend(self, grain: str) -> pd.DataFrame:
        return _trend(**self._args(), grain=grain, _ctx=self)


def build_context(settings: Settings, db: Database, scope: Scope, view: View) -> AppContext:
    tree = _tree(str(db.engine.url), db)
    return AppContext(settings, db, tree, scope, view, resolve(tree, scope, view.area_code))


def _kw(ctx: AppContext, **extra) -> dict:
    v = ctx.view
    return dict(start=v.period.start, end=v.period.end, asof=v.asof, scope=ctx.scope, area_code=v.area_code,
                model=ctx.settings.safety, tree=ctx.tree, **extra)


@st.cache_data(show_spinner=False, ttl=300, max_entries=256)
def _summary(url, scope, area_code, start, end, asof, _ctx: AppContext) -> dict:
    return summary_metrics.summarize(_ctx.db, **_kw(_ctx), detail=True)


@st.cache_data(show_spinner=False, ttl=300, max_entries=256)
def _children(url, scope, area_code, start, end, asof, _ctx: AppContext) -> pd.DataFrame:
    return summary_metrics.children_table(_ctx.db, **_kw(_ctx))


@st.cache_data(show_spinner=False, ttl=300, max_entries=256)
def _trend(url, scope, area_code, start, end, asof, grain, _ctx: AppContext) -> pd.DataFrame:
    return summary_metrics.trend(_ctx.db, **_kw(_ctx, grain=grain))


def current() -> AppContext:
    """The context app.py prepared for this run of the page."""
    return st.session_state["app_ctx"]
