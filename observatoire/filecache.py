"""Input files read once per change: what is parsed from a file is kept until the file changes.

A file's stamp is (path, size, modification time in ns): checking it costs one `stat`, where
hashing or parsing costs a read. The content hash (`digest`) and every parsed object (`parsed`)
are recomputed only when a stamp changes, so an app rerun or an upload's pipeline run does not
re-read the territory's files. A file rewritten with the same size within the same nanosecond
would go unnoticed; editors and copies cannot do that.

Parsed objects are shared by every caller in the process: treat them as read-only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 64  # a few territories' worth of parsed files; the oldest go first
_entries: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def stamp(path: Path) -> tuple[str, int, int]:
    """(path, size, mtime_ns) of a file: what changes when its content changes."""
    info = Path(path).stat()
    return str(path), info.st_size, info.st_mtime_ns


def stamps(paths: Iterable[Path]) -> tuple:
    """Stamps of files, and of every file under the folders among them, in a fixed order."""
    files = []
    for path in map(Path, paths):
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return tuple(stamp(p) for p in files)


def _remembered(key: tuple, compute: Callable[[], T]) -> T:
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    value = compute()  # outside the lock: two first callers may both compute, never block each other
    with _lock:
        _entries[key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def digest(path: Path) -> str:
    """SHA-256 of a file's content, hashed again only when its stamp changes."""
    return _remembered(("digest", stamp(path)), lambda: hashlib.sha256(Path(path).read_bytes()).hexdigest())


def parsed(key: tuple, parse: Callable[[], T], files: Iterable[Path]) -> T:
    """`parse()`, called again only when one of `files` (files or folders) changes; `key` names
    what is parsed (e.g. the territory's configuration file).

    Errors are not remembered: a broken file raises again on the next call, with its message.
    """
    return _remembered(("parsed", key, stamps(files)), parse)
