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


def _back(kind: str, operation: str | None = None):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    if operation:
        getattr(msg.backend_operation_request, operation).SetInParent()
    elif kind in ("rerun_script", "file_urls_request", "backend_operation_request"):
        getattr(msg, kind).SetInParent()
    else:
        setattr(msg, kind, True)
    return msg


def test_only_what_the_pages_send_reaches_a_session():
    for kind in ("rerun_script", "stop_script", "app_heartbeat"):
        assert internals.allowed(_back(kind)), kind
    for kind in ("clear_cache", "load_git_info", "set_run_on_save", "file_urls_request",
                 "debug_disconnect_websocket", "debug_shutdown_runtime", "backend_operation_request"):
        assert not internals.allowed(_back(kind)), kind
    assert internals.allowed(_back("", "dataframe_chunk")) and internals.allowed(_back("", "deferred_file"))
    assert not internals.allowed(_back("", "install_skills"))


def test_guarding_the_sessions_wraps_once_and_strips_the_first_message():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.app_session import AppSession

    internals.guard_sessions()
    wrapped = AppSession.handle_backmsg
    internals.guard_sessions()
    assert AppSession.handle_backmsg is wrapped and internals.sessions_guarded()
    msg = ForwardMsg()
    msg.new_session.main_script_path = "/srv/grid/app.py"
    msg.new_session.initialize.environment_info.python_version = "3.11.2"
    internals.strip_new_session(msg)
    assert msg.new_session.main_script_path == "app.py"
    assert not msg.new_session.initialize.environment_info.python_version


def test_apptest_is_not_a_served_script():
    def probe():
        import streamlit as st

        from ui import streamlit_internals as internals

        st.write(f"served:{internals.served()}")

    at = AppTest.from_function(probe).run()
    assert [m.value for m in at.markdown] == ["served:False"]
