"""The Streamlit internals the dashboard reads (ui/streamlit_internals.py) are where it expects them.

This is the test that fails loudly on a Streamlit upgrade that moves them: each accessor is called
inside a real script run (AppTest), in the main script and in a fragment, and must answer sensibly.
"""
from streamlit.testing.v1 import AppTest

from ui import streamlit_internals as internals


def test_check_passes_on_the_pinned_streamlit():
    internals.check()


def _probe():
    import streamlit as st

    from ui import streamlit_internals as internals

    first = internals.run_token()
    st.session_state.setdefault("tokens", []).append(id(first))
    st.write(f"main:{internals.in_fragment()}:{first is internals.run_token()}")

    @st.fragment
    def inner():
        st.write(f"fragment:{internals.in_fragment()}")

    inner()
    st.cache_data(lambda x: x * 2)(21)
    st.write(f"caches:{sum(1 for _ in internals.data_cache_locks())}")


def test_accessors_answer_inside_a_script_run():
    at = AppTest.from_function(_probe).run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "main:False:True" in texts  # same token within one run, not in a fragment
    assert "fragment:True" in texts
    assert any(t.startswith("caches:") and int(t.split(":")[1]) >= 1 for t in texts)
    at.run()
    tokens = at.session_state["tokens"]
    assert len(tokens) == 2 and tokens[0] != tokens[1], "a new run must get a new token"


def test_outside_a_run_there_is_no_token():
    assert internals.run_token() is None
