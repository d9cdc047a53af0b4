"""A raw Streamlit websocket client: what an attacker's script can do without a browser.

It speaks the protocol of the frontend (protobuf BackMsg up, ForwardMsg down, on `/_stcore/stream`
with the `streamlit` subprotocol), but sends whatever it is told, including the messages the
dashboard's pages never send (clear_cache, load_git_info, …).
"""
from __future__ import annotations

import time
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

WAIT = 60.0  # seconds for a script run to finish (a cold first run computes every figure)


class Client:
    def __init__(self, base: str):
        url = urlparse(base)
        self.ws = connect(f"ws://{url.netloc}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                          open_timeout=10)
        self.session_id: str | None = None
        self.new_session: ForwardMsg | None = None

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def send_kind(self, kind: str, **fields) -> None:
        """A bare BackMsg of one type: send_kind("clear_cache"), send_kind("set_run_on_save")…"""
        msg = BackMsg()
        if kind in ("clear_cache", "load_git_info", "debug_disconnect_websocket", "debug_shutdown_runtime",
                    "app_heartbeat", "stop_script", "set_run_on_save"):
            setattr(msg, kind, fields.get("value", True))
        else:
            getattr(msg, kind).SetInParent()
            for key, value in fields.items():
                field = getattr(getattr(msg, kind), key)
                field.extend(value) if isinstance(value, list) else setattr(getattr(msg, kind), key, value)
        self.send(msg)

    def receive(self, timeout: float) -> ForwardMsg | None:
        try:
            raw = self.ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "new_session":
            self.new_session, self.session_id = msg, msg.new_session.initialize.session_id
        return msg

    def collect(self, seconds: float) -> list[ForwardMsg]:
        """Every message that arrives within `seconds` (for "nothing came back")."""
        out, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            msg = self.receive(left)
            if msg is not None:
                out.append(msg)
        return out

    def rerun(self, query: str = "", widgets: list[WidgetState] | None = None) -> "Run":
        """Run the script as the browser does and wait for the run (and any st.rerun it causes) to end."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.widget_states.widgets.extend(widgets or [])
        msg.rerun_script.page_script_hash = ""
        self.send(msg)
        run, deadline = Run(), time.monotonic() + WAIT
        while time.monotonic() < deadline:
            got = self.receive(deadline - time.monotonic())
            if got is None:
                break
            kind = got.WhichOneof("type")
            if kind == "new_session":
                run = Run()  # an st.rerun: the page is drawn again from the top
            run.messages.append(got)
            if kind == "script_finished" and got.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return run
        raise TimeoutError(f"the script run did not finish within {WAIT} s")


class Run:
    """What one script run sent: its elements in order."""

    def __init__(self):
        self.messages: list[ForwardMsg] = []

    def elements(self, kind: str | None = None) -> list:
        found = []
        for m in self.messages:
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element":
                el = m.delta.new_element
                if kind is None or el.WhichOneof("type") == kind:
                    found.append(getattr(el, el.WhichOneof("type")))
        return found

    def text(self) -> str:
        """Every string of every element (labels, bodies, markdown), one per line."""
        lines = []
        for el in self.elements():
            for field, value in el.ListFields():
                if isinstance(value, str):
                    lines.append(value)
        return "\n".join(lines)

    def widget(self, kind: str, label: str):
        return next(w for w in self.elements(kind) if w.label == label)
