"""Per-session memory of what is derived from one `Results`: computed once per session and
input fingerprint, kept in the session's own state (never in a cache shared between sessions,
so what comes from an upload stays with its session and goes with it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from observatoire.pipeline import Results

T = TypeVar("T")


def remembered(name: str, results: Results, build: Callable[[], T]) -> T:
    """`build()` the first time this session asks for `name` of these results, then the same value."""
    key = f"remembered:{name}:{results.fingerprint}"
    if key not in st.session_state:
        st.session_state[key] = build()
    return st.session_state[key]
