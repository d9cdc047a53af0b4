"""Comparing computed rows with hand-worked expectations, reporting every mismatch at once."""
import pytest


def check(actual: dict, expected: dict, where: str = "", *, exact=(), hours=()) -> None:
    """Strings and `exact` keys compare exactly, `hours` keys to 1e-6, the rest relative 1e-9.
    An expected None means "no data" and must come back as None."""
    problems = []
    for key, want in expected.items():
        if key not in actual:
            problems.append(f"{where}{key}: missing")
            continue
        got = actual[key]
        if want is None:
            ok = got is None
        elif isinstance(want, str) or key in exact:
            ok = got is not None and got == want
        elif key in hours:
            ok = got is not None and got == pytest.approx(want, abs=1e-6)
        else:
            ok = got is not None and got == pytest.approx(want, rel=1e-9, abs=1e-12)
        if not ok:
            problems.append(f"{where}{key}: got {got!r}, expected {want!r}")
    assert not problems, "\n".join(problems)
