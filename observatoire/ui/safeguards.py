"""What the app guarantees about the server it runs in, set up by app.py on every run.

- `keep_uploads_in_memory()`: Streamlit 1.67 receives uploads through Starlette's multipart
  parser, which spools any file part over `MultiPartParser.spool_max_size` (1 MB) to a
  temporary file on disk before Streamlit reads it into memory. The threshold is raised above
  the largest upload the server accepts (`server.maxUploadSize` plus the 1 MB multipart framing
  Streamlit allows), so an upload's bytes never touch the disk. It is a class attribute of the
  running process: set on the first script run, before any page can offer a file uploader.
- `unexpected_errors()`: a bug or a library failure while drawing a page shows a French message
  and no detail; the traceback goes to the server log only. (`client.showErrorDetails = "none"`
  in .streamlit/config.toml covers what would escape, e.g. a widget callback.)
- `return_freed_memory()`: checking a large upload needs hundreds of MB for a few seconds; once
  they are freed, glibc keeps most of them in its arenas. `malloc_trim(0)` gives them back to the
  system (Dask's recommended fix for the same "unmanaged memory"); a no-op without glibc.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import logging
from collections.abc import Iterator

import streamlit as st

LOGGER = logging.getLogger("observatoire.app")
MULTIPART_FRAMING = 2**20  # Streamlit's margin for the multipart envelope of one upload
UNEXPECTED_FR = (
    "Une erreur inattendue empêche d'afficher cette page. Elle est consignée dans le journal du serveur, "
    "sans vos données. Rechargez la page ; si l'erreur revient, signalez-la à l'équipe de l'observatoire "
    "en indiquant la page et l'heure."
)


def keep_uploads_in_memory() -> None:
    from starlette.formparsers import MultiPartParser

    needed = st.get_option("server.maxUploadSize") * 2**20 + MULTIPART_FRAMING
    if MultiPartParser.spool_max_size < needed:
        MultiPartParser.spool_max_size = needed


@contextlib.contextmanager
def unexpected_errors(where: str) -> Iterator[None]:
    """Run a page: an exception (not Streamlit's rerun/stop, which are BaseExceptions) is logged
    with its traceback and shown as `UNEXPECTED_FR`."""
    try:
        yield
    except Exception:
        LOGGER.exception("Unexpected error while drawing the page %r", where)
        st.error(UNEXPECTED_FR)


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def return_freed_memory() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
