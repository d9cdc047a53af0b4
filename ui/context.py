"""What a page needs to draw itself: settings, the database, the user's scope and the current view.

Figures are computed through the metrics layer and cached per (database, scope, area, period,
as-of), so every session looking at the same view shares one computation.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from configuration.settings import Settings, load_settings
from data_access.db import Database
from data_access.errors import AuditUnavailable, ScopeDenied
from data_access.users import User
from metrics import mapping_report
from metrics import quality as quality_metrics
from metrics import summary as summary_metrics
from metrics.scope import LEVEL_NAMES, AreaTree, Focus, Scope, resolve
from ui import format as fmt
from ui import resilience
from ui.state import View


@st.cache_resource(show_spinner=False)
def get_settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def get_database(url: str, _settings: Settings) -> Database:
    return Database.connect(url, _settings.schema)


def _load_tree(url: str, _db: Database) -> AreaTree:
    return AreaTree.load(_db)


def _check_tree(url: str, scope: Scope, _db: Database, _tree: AreaTree) -> list:
    return quality_metrics.tree_findings(_db, scope=scope, tree=_tree)


def _check_mapping(url: str, _db: Database) -> list:
    return mapping_report.mapping_findings(_db)


def _compute(name, url, scope, area_code, start, end, asof, kwargs, _fn, _ctx: "AppContext"):
    # name and url only key the cache (the function and database themselves are not hashed)
    return _fn(_ctx.db, start=start, end=end, asof=asof, scope=scope, area_code=area_code, tree=_ctx.tree,
               **dict(kwargs))


# The area tree check reads every event (one full scan) to find events of unknown grids. Such faults
# come from how the platform is built, not from today's cases, so an hour is fresh enough and keeps
# the scan off nearly every page view.
TREE_CHECK_SECONDS = 3600


@st.cache_resource(show_spinner=False)
def figure_caches(ttl_seconds: int) -> tuple:
    """The area tree's and the figures' caches, kept `refresh.cache_seconds` (a figure is computed
    once per view for every session in that time), and the tree check's, which reads every event
    but depends on no view: one per database, kept at least TREE_CHECK_SECONDS. Made once per server
    and time to live."""
    return (st.cache_data(show_spinner=False, ttl=ttl_seconds, max_entries=8)(_load_tree),
            st.cache_data(show_spinner=False, ttl=ttl_seconds, max_entries=512)(_compute),
            st.cache_data(show_spinner=False, ttl=max(ttl_seconds, TREE_CHECK_SECONDS), max_entries=8)(_check_tree),
            st.cache_data(show_spinner=False, ttl=ttl_seconds, max_entries=8)(_check_mapping))


CACHED_PACKAGES = ("metrics.", "reports.")  # a page's own function (module __main__) would share keys across pages


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    db: Database
    tree: AreaTree
    user: User
    view: View
    focus: Focus
    unmasked: bool = False  # personal data shown in clear (permission checked by ui.access)

    @property
    def scope(self) -> Scope:
        return self.user.scope()

    @property
    def area_name(self) -> str:
        if self.focus.single is None:
            return "我的辖区"
        return fmt.md_escape(self.tree.row(self.focus.single)["name"])

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
            crumbs += [(str(self.tree.row(a)["code"]), fmt.md_escape(self.tree.row(a)["name"])) for a in chain[start:]]
        return crumbs

    def caption(self) -> str:
        """Every figure states its scope, period and 数据截至 time."""
        level = LEVEL_NAMES.get(self.level, "") if self.level else ""
        return (f"范围：{self.area_name}{'（' + level + '）' if level else ''} · 周期：{self.view.period_label}"
                f" · 数据截至 {self.data_asof:%Y-%m-%d %H:%M}{self._asof_note()}")

    @property
    def data_asof(self):
        """The 数据截至 time of what the page shows: the view's as-of time, or an earlier one while the
        database is down and the last good figures stand in (ui/resilience.py)."""
        return resilience.shown_asof(self._view_key(), self.view.asof)

    def _asof_note(self) -> str:
        if self.data_asof != self.view.asof:
            return "（数据库连接中断，显示最近一次成功读取的数据）"
        return "（链接指定时点）" if self.view.pinned else ""

    def _view_key(self) -> tuple:
        v = self.view
        return (str(self.db.engine.url), self.scope, v.area_code, v.period.start, v.period.end)

    def privacy_note(self) -> str:
        """Words for a caption under personal data (`reveal` has written the audit line)."""
        return "个人信息已按权限显示，本次查看已记入审计日志" if self.unmasked else "个人信息已脱敏"

    def audit_area(self) -> str | None:
        """What an audit line names as the area: the view's area; for an account limited to some
        areas, the codes of what its whole-scope view covers; None (全部) for a whole-city account."""
        if self.view.area_code or self.scope.area_codes is None:
            return self.view.area_code
        return ",".join(str(self.tree.row(i)["code"]) for i in self.focus.area_ids)

    def reveal(self, page: str, area: str | None = None) -> None:
        """Call before fetching or drawing personal data: an unmasked view is written to the audit log
        first (naming `area`, else the view's), and if that fails the page shows why and stops, so
        nothing unmasked is sent."""
        if not self.unmasked:
            return
        from ui.access import log_unmasked_view
        try:
            log_unmasked_view(self.settings, self.user, page, area or self.audit_area(), self.view.period)
        except AuditUnavailable as exc:
            st.error(f"{exc}，因此不显示个人信息。请联系管理员。", icon=":material/error:")
            st.stop()

    def metric(self, fn, **kwargs):
        """Call a metrics function for this view (period, area, as-of, scope), cached per view.

        Every metrics function takes (db, *, start, end, asof, scope, area_code, tree, ...); extra
        keyword arguments (a grain, a model, a filter) become part of the cache key. While the database
        is down, the last good result of the same call (any as-of time) stands in, marked stale."""
        if not fn.__module__.startswith(CACHED_PACKAGES):
            raise ValueError(f"{fn.__module__}.{fn.__qualname__}: figures come from the metrics or reports layer")
        v = self.view
        name, url, kw = f"{fn.__module__}.{fn.__qualname__}", str(self.db.engine.url), tuple(sorted(kwargs.items()))
        cached = figure_caches(self.settings.cache_seconds)[1]
        return resilience.guard(
            lambda: cached(name, url, self.scope, v.area_code, v.period.start, v.period.end, v.asof, kw,
                           _fn=fn, _ctx=self),
            url=url, view=self._view_key(), call=(name, kw), asof=v.asof)

    def tree_findings(self) -> list:
        """The area tree's faults (metrics.area_checks), for whole-city accounts (ScopeDenied otherwise):
        all areas and all events, whatever the view, so they are cached per database only."""
        url = str(self.db.engine.url)
        cached = figure_caches(self.settings.cache_seconds)[2]
        return resilience.guard(lambda: cached(url, self.scope, _db=self.db, _tree=self.tree),
                                url=url, view=(url, self.scope), call=("area_checks",), asof=self.view.asof,
                                mark=False)

    def mapping_findings(self) -> list:
        """The mapping checker's findings that need attention (metrics.mapping_report), per database:
        unmapped codes, empty columns, the metrics this platform cannot compute. Administrators only."""
        if self.user.role != "admin":
            raise ScopeDenied("映射检查只对管理员开放")
        url = str(self.db.engine.url)
        cached = figure_caches(self.settings.cache_seconds)[3]
        return resilience.guard(lambda: cached(url, _db=self.db), url=url, view=(url,), call=("mapping_report",),
                                asof=self.view.asof, mark=False)

    def summary(self) -> dict:
        return self.metric(summary_metrics.summarize, model=self.settings.safety, detail=True)

    def children(self) -> pd.DataFrame:
        return self.metric(summary_metrics.children_table, model=self.settings.safety)

    def trend(self, grain: str) -> pd.DataFrame:
        return self.metric(summary_metrics.trend, grain=grain, model=self.settings.safety)


def build_context(settings: Settings, db: Database, user: User, view: View, unmasked: bool = False) -> AppContext:
    url = str(db.engine.url)
    load_tree = figure_caches(settings.cache_seconds)[0]
    tree = resilience.guard(lambda: load_tree(url, db), url=url, view=(url,), call=("areas",), asof=view.asof,
                            mark=False)
    return AppContext(settings, db, tree, user, view, resolve(tree, user.scope(), view.area_code), unmasked)


def current() -> AppContext:
    """The context app.py prepared for this run of the page."""
    return st.session_state["app_ctx"]
