"""The values store: concurrent imports keep every value, a killed import leaves values and history
consistent and no temporary file behind, and numbers keep their full precision."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import signal
from pathlib import Path

import pandas as pd
import pytest
from hostile import CATALOG, TERRITORY, import_args, row, template_files
from template_filling import fill

from observatoire.cli import main
from observatoire.indicators import store
from observatoire.indicators.values import full_precision, load_values, read_values, values_csv, write_values
from observatoire.indicators.workbook import read_workbook

TRIALS = 20


def _rows(first_year_value: float, communes: list[str]) -> list[list]:
    """One value per commune (TST02 counts places), years 2022-2024 in turn: new keys only."""
    return [["TST02", 2022 + i % 3, "commune", code, None, first_year_value + i, None, None, None, "bilan", "définitive"]
            for i, code in enumerate(communes)]


def _communes() -> list[str]:
    from example_territory import example_geography

    return example_geography().communes["code"].tolist()


def _import_quietly(args: list[str], barrier) -> None:
    barrier.wait()  # both imports start together
    with contextlib.redirect_stdout(io.StringIO()):
        os._exit(main(args))


def test_two_concurrent_imports_keep_every_value(tmp_path):
    communes = _communes()
    files = template_files(tmp_path)
    books = [fill(files["template"], tmp_path / "a.xlsx", _rows(100, communes[:14])),
             fill(files["template"], tmp_path / "b.xlsx", _rows(500, communes[14:]))]
    start = files["values"].read_bytes()
    context = multiprocessing.get_context("fork")  # the children share the parent's imports: fast
    for trial in range(TRIALS):
        files["values"].write_bytes(start)
        (tmp_path / "history.csv").unlink(missing_ok=True)
        barrier = context.Barrier(2)
        workers = [context.Process(target=_import_quietly, args=(import_args(files, book, "--yes"), barrier)) for book in books]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        assert [w.exitcode for w in workers] == [0, 0]
        values = read_values(files["values"])
        communal = values[values["geo_level"] == "commune"]
        assert sorted(communal["geo_code"]) == sorted(communes), f"essai {trial} : {len(communal)} valeurs sur {len(communes)}"
        assert len(values) == len(communes) + 2  # and the two values that were there
        history = pd.read_csv(tmp_path / "history.csv", dtype=str)
        assert sorted(history["geo_code"]) == sorted(communes) and set(history["change"]) == {"new"}
        assert not _leftovers(tmp_path)


def _leftovers(folder: Path) -> list[str]:
    """Temporary files and journals a commit may leave (the lock file is meant to stay)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".journal")))


# os.replace is called for the journal (1), then the history (2) and the values (3).
KILL_POINTS = [(1, "before"), (1, "after"), (2, "after"), (3, "before"), (3, "after")]


def _import_then_die(args: list[str], where: int, when: str) -> None:
    """A forked child that imports and is SIGKILLed around its `where`-th os.replace."""
    calls, real_replace = [0], os.replace

    def replace(source, target):
        calls[0] += 1
        if calls[0] == where and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(source, target)
        if calls[0] == where and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace
    with contextlib.redirect_stdout(io.StringIO()):
        os._exit(main(args))


def _snapshot(files: dict) -> tuple[str, list[tuple]]:
    history = files["dir"] / "history.csv"
    rows = [] if not history.exists() else [tuple(r) for r in pd.read_csv(history, dtype=str).drop(columns=["changed_at", "source_sha256"]).itertuples(index=False)]
    return files["values"].read_text(encoding="utf-8"), rows


@pytest.mark.parametrize(("where", "when"), KILL_POINTS)
def test_a_killed_import_leaves_values_and_history_consistent(tmp_path, where, when):
    expected = {}
    for name in ("tué", "témoin"):
        folder = tmp_path / name
        folder.mkdir()
        files = template_files(folder)
        book = fill(files["template"], folder / "saisie_remplie.xlsx", _rows(10, _communes()[:5]),
                    edits={"F2": 41})  # a change of an existing value too
        expected[name] = (files, book, _snapshot(files))
    files, book, before = expected["tué"]
    witness_files, witness_book, _ = expected["témoin"]
    assert main(import_args(witness_files, witness_book, "--yes")) == 0
    after = _snapshot(witness_files)
    child = multiprocessing.get_context("fork").Process(target=_import_then_die,
                                                        args=(import_args(files, book, "--yes"), where, when))
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    load_values(files["values"])  # any next use of the store settles it
    with store.locked(files["values"]):
        pass
    state = _snapshot(files)
    assert state in (before, after), "values and history disagree"
    assert state == (after if (where, when) != (1, "before") else before)  # a complete journal is replayed
    assert not _leftovers(files["dir"])


def test_temporary_files_of_a_killed_write_are_removed_on_next_start(tmp_path):
    files = template_files(tmp_path)
    stale = [tmp_path / ".values.csv.abc123.tmp", tmp_path / ".history.csv.def456.tmp", tmp_path / ".values.csv.journal.x1.tmp"]
    for path in stale:
        path.write_text("à moitié écrit", encoding="utf-8")
    book = fill(files["template"], tmp_path / "r.xlsx", _rows(10, _communes()[:2]))
    assert main(import_args(files, book, "--yes")) == 0
    assert not _leftovers(tmp_path)


def test_seventeen_digit_values_survive_and_an_unchanged_reimport_records_nothing(tmp_path, capsys):
    third = 100 / 3
    files = template_files(tmp_path, [row("TST01", 2021, third), row("TST01", 2022, 0.1 + 0.2), row("TST02", 2021, 1e16 + 2)])
    stored = read_values(files["values"])
    assert stored["value"].tolist() == [third, 0.1 + 0.2, 1e16 + 2]  # bit for bit
    assert full_precision(third) == "33.333333333333336" and full_precision(40.0) == "40"
    assert values_csv(stored) == files["values"].read_text(encoding="utf-8")
    assert read_workbook(files["template"], CATALOG, TERRITORY)["value"].tolist() == stored["value"].tolist()  # to the last digit
    assert main(import_args(files, files["template"], "--yes")) == 0
    assert "Aucune modification à enregistrer" in capsys.readouterr().out
    # typed as the summary shows it (4 decimals): the same value, no spurious history (openpyxl,
    # which fills the workbook here, would itself round 1e16 + 2 on saving: that value is left out)
    tmp_path = tmp_path / "sans_1e16"
    tmp_path.mkdir()
    files = template_files(tmp_path, [row("TST01", 2021, third), row("TST01", 2022, 0.1 + 0.2)])
    retyped = fill(files["template"], tmp_path / "retape.xlsx", [], edits={"F2": 33.3333})
    assert main(import_args(files, retyped, "--yes")) == 0
    assert "Aucune modification à enregistrer" in capsys.readouterr().out
    assert not (tmp_path / "history.csv").exists()
    assert read_values(files["values"])["value"].iloc[0] == third
    changed = fill(files["template"], tmp_path / "change.xlsx", [], edits={"F2": 33.334})
    assert main(import_args(files, changed, "--yes")) == 0
    assert "33,3333 → 33,334" in capsys.readouterr().out


def test_write_values_keeps_full_precision(tmp_path):
    values = pd.DataFrame([row("TST01", 2021, 2 / 3, ci_low=0.1 + 0.2, ci_high=99.99999999999999)])
    write_values(values, tmp_path / "v.csv")
    back = read_values(tmp_path / "v.csv")
    assert back[["value", "ci_low", "ci_high"]].iloc[0].tolist() == [2 / 3, 0.1 + 0.2, 99.99999999999999]
