"""The values store: `values.csv` and its `history.csv`, changed together or not at all.

Why a journal rather than one file: both files keep their documented formats (`progress
--values` reads values.csv; services open both in a spreadsheet and diff them), so values and
history cannot share a file. A commit therefore
1. writes one journal (`.values.csv.journal`) holding the complete new text of every file, made
   durable like any write here (temporary file in the same folder, fsync, rename);
2. replaces each file the same way;
3. deletes the journal.
A process killed before step 1 ends leaves the old files untouched and no journal; killed later,
it leaves a complete journal that the next access replays (`recover`): replaying writes the same
texts again, so it may run any number of times. Values and history thus always move together.

Concurrency: every read–modify–write holds an exclusive lock (`filelock`, on `.values.csv.lock`
beside the values) from the moment it reads the current values until its commit ends, so two
imports run one after the other and neither loses the other's values.

Temporary files are named `.<file>.<random>.tmp` beside their target and removed when a write
fails; one left by a killed process is removed by the next locked access (while the lock is held
no other process can be writing one).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from filelock import FileLock, Timeout

from observatoire.errors import UserError

LOCK_TIMEOUT = 120  # seconds: an import of thousands of rows takes a few seconds


def lock_path(values_path: Path) -> Path:
    return values_path.with_name(f".{values_path.name}.lock")


def journal_path(values_path: Path) -> Path:
    return values_path.with_name(f".{values_path.name}.journal")


def write_atomic(path: Path | str, text: str | bytes) -> None:
    """Write `text` (UTF-8) or bytes through a temporary file in the same folder, fsync it, then
    `os.replace`: a reader sees the old file or the new one, never a half file, even after a crash."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_temporaries(path: Path) -> None:
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(values_path: Path | str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the store's lock; on entry, finish or clean up whatever a killed process left."""
    values_path = Path(values_path)
    try:
        values_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(lock_path(values_path), timeout=timeout):
            recover(values_path)
            yield
    except Timeout:
        raise UserError(f"La table des valeurs « {values_path.name} » est en cours de modification par un autre "
                        f"import depuis plus de {int(timeout)} s.",
                        "Attendez la fin de l'autre import puis relancez celui-ci.") from None
    except OSError as err:
        raise _write_error(values_path, err) from err


def commit(values_path: Path | str, texts: Mapping[Path, str]) -> None:
    """Replace every file of `texts` (path -> new text) at once; call it under `locked`."""
    values_path = Path(values_path)
    journal = journal_path(values_path)
    write_atomic(journal, json.dumps({str(Path(p).resolve()): t for p, t in texts.items()}, ensure_ascii=False))
    _replay(journal)


def _write_error(values_path: Path, err: OSError) -> UserError:
    return UserError(f"Impossible d'enregistrer la table des valeurs « {values_path} » ({err.strerror or err}).",
                     "Vérifiez l'espace disque et vos droits d'écriture sur ce dossier, puis relancez : un "
                     "enregistrement interrompu est terminé ou annulé au lancement suivant, jamais à moitié.")


def recover(values_path: Path) -> None:
    """Replay a journal left by a killed commit and remove stale temporary files (under the lock)."""
    journal = journal_path(values_path)
    _remove_temporaries(journal)
    _remove_temporaries(values_path)
    if journal.exists():
        _replay(journal)


def _replay(journal: Path) -> None:
    try:
        texts = json.loads(journal.read_text(encoding="utf-8"))
    except ValueError:  # a journal is only ever renamed into place whole: this one is not ours
        raise UserError(f"Le journal « {journal} » est illisible : la table des valeurs n'a pas été modifiée.",
                        "Vérifiez que ce fichier n'a pas été modifié à la main, puis supprimez-le.") from None
    for name, text in texts.items():
        _remove_temporaries(Path(name))
        write_atomic(name, text)
    journal.unlink()


def settle(values_path: Path | str) -> None:
    """Before reading the values: finish a commit a killed process left half done (nothing to do,
    and no lock taken, in the usual case)."""
    values_path = Path(values_path)
    if journal_path(values_path).exists():
        with locked(values_path):
            pass
