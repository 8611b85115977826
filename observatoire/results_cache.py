"""A territory's results kept on disk, so that a restarted server answers its first visitor
without running the pipeline again.

An entry is keyed by the inputs' fingerprint (content of the survey and of every territory file)
and by the code's (content of the `observatoire` package, versions of Python and of the libraries
the results hold objects of): any change to either computes afresh. Only the territory's own
files are cached: an upload's results never touch the disk (`load_or_run` refuses them).

Folder: `OBSERVATOIRE_CACHE_DIR`, else `$XDG_CACHE_HOME/observatoire`, else
`~/.cache/observatoire` (created private to the user). Entries are pickles written by this
module only; a write goes to a temporary file renamed into place (atomic, so concurrent servers
never read half a file); an entry that cannot be read is recomputed. `MAX_ENTRIES` are kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import platform
from importlib import metadata
from pathlib import Path

from observatoire import filecache
from observatoire.indicators.store import write_atomic
from observatoire.pipeline import Inputs, Results, run

ENV_VAR = "OBSERVATOIRE_CACHE_DIR"
MAX_ENTRIES = 4
PACKAGE = Path(__file__).resolve().parent
# Libraries whose objects the pickled results hold (tables, models, contours).
LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "statsmodels", "pydantic")


def cache_dir() -> Path:
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "observatoire"


@functools.cache
def code_fingerprint() -> str:
    """Hash of the package's source and of the versions that shape the pickled objects."""
    digest = hashlib.sha256(platform.python_version().encode())
    for library in LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(filecache.digest(path).encode())
    return digest.hexdigest()


def entry_path(inputs: Inputs) -> Path:
    key = hashlib.sha256(f"{inputs.fingerprint()}:{code_fingerprint()}".encode()).hexdigest()[:32]
    return cache_dir() / f"results-{key}.pickle"


def load_or_run(inputs: Inputs) -> Results:
    """The results of `inputs` (territory files only) from the cache, else `run` and store them."""
    if inputs.content is not None:
        raise ValueError("an upload's results are never written to disk")
    path = entry_path(inputs)
    try:
        with path.open("rb") as stored:
            return pickle.load(stored)
    except FileNotFoundError:
        pass
    except Exception:  # truncated or from an incompatible build: computed again below
        path.unlink(missing_ok=True)
    results = run(inputs)
    try:
        _store(path, results)
    except OSError:
        pass  # a read-only or full disk only costs the next start its pipeline run
    return results


def _store(path: Path, results: Results) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the `MAX_ENTRIES` most recently written entries (another server may prune too)."""
    entries = []
    for path in folder.glob("results-*.pickle"):
        with contextlib.suppress(FileNotFoundError):
            entries.append((path.stat().st_mtime_ns, path))
    for _, old in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
