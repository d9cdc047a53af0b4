"""AppContext.metric: figures are cached for refresh.cache_seconds, and only functions of the
metrics and reports layers are cached (a page's own function would be keyed as `__main__.…`)."""
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from metrics.period import Period
from metrics.summary import summarize
from ui import context
from ui.state import View


def _ctx(seconds: int) -> context.AppContext:
    settings = SimpleNamespace(cache_seconds=seconds)
    db = SimpleNamespace(engine=SimpleNamespace(url="duckdb:///x.duckdb"))
    view = View(None, Period(date(2026, 3, 2), date(2026, 3, 9)), "custom", datetime(2026, 3, 9, 10))
    user = SimpleNamespace(scope=lambda: None)
    return context.AppContext(settings, db, None, user, view, None)


def test_figures_live_as_long_as_configured(monkeypatch):
    asked = []

    def caches(ttl):
        asked.append(ttl)
        return (None, lambda *a, _fn, _ctx, **kw: "computed")

    monkeypatch.setattr(context, "figure_caches", caches)
    assert _ctx(900).metric(summarize) == "computed"
    assert asked == [900]


def test_a_page_function_is_not_cached_under_a_shared_name():
    def page_local(db, **kw):
        return None

    with pytest.raises(ValueError, match="metrics or reports layer"):
        _ctx(300).metric(page_local)
