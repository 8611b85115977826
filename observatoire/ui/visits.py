"""A page visit without a browser, through Streamlit's own websocket protocol: what the server's
warm-up (`server.serve`) and the load benchmark (benchmarks/bench_load.py) send.

A browser opening `/<page>` connects to `/_stcore/stream` and sends a `BackMsg` asking to run the
script for that page name; the server answers with `ForwardMsg`s (the page's elements, as
deltas) and ends the run with `script_finished`. A run that ends early for a rerun (the root
leads to /accueil) is followed by the rerun.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

TIMEOUT_S = 300


@dataclass(frozen=True)
class Visit:
    page: str
    seconds: float  # from opening the connection to the end of the page's run
    elements: int  # deltas received: the page's elements
    problems: tuple[str, ...]  # « page not found », exceptions shown, a run that failed


def visit(base_url: str, page: str, timeout: float = TIMEOUT_S) -> Visit:
    """One session asks for `page` (its URL path, "" for the root) and reads until its run ends."""
    start = time.perf_counter()
    problems, elements = [], 0
    stream = base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"
    with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=timeout) as ws:
        request = BackMsg()
        request.rerun_script.query_string = ""
        request.rerun_script.page_name = page
        ws.send(request.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(ws.recv(timeout))
            kind = message.WhichOneof("type")
            if kind == "page_not_found":
                problems.append("page not found")
            elif kind == "delta":
                elements += 1
                if message.delta.new_element.WhichOneof("type") == "exception":
                    problems.append("exception: " + message.delta.new_element.exception.message[:80])
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problems.append(f"run ended with status {message.script_finished}")
                break
    return Visit(page, time.perf_counter() - start, elements, tuple(problems))
