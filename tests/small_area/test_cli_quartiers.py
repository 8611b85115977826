"""`observatoire quartiers`: French table, JSON keys, exports, argument errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from observatoire.cli import main
from observatoire.commands import quartiers
from observatoire.areas.exports import LIST_COLUMNS, keys

JSON_KEYS = [*LIST_COLUMNS, "flags"]


@pytest.fixture(autouse=True)
def demo_run_once(monkeypatch, demo_results):
    """The command reads the demo survey through the pipeline: reuse the session's run."""
    monkeypatch.setattr(quartiers, "results_of", lambda args, survey=None: demo_results)


def test_json_output_has_stable_keys(capsys):
    assert main(["quartiers", "--json", "--top", "5", "--by", "count"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert all(list(row) == JSON_KEYS for row in rows)
    assert [row["rank"] for row in rows] == [1, 2, 3, 4, 5]
    assert all(isinstance(row["flags"], list) and isinstance(row["iris"], str) for row in rows)
    assert all(0 <= row["p_top_k"] <= 1 and row["rank_low"] <= row["rank"] <= row["rank_high"] for row in rows)
    counts = [row["count"] for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert all(row["tier"] in (1, 2, 3) and row["method"] in ("eblup", "synthetic") for row in rows)
    assert all(row["support_distance_m"] >= 0 for row in rows)


def test_default_ranks_by_count(capsys):
    assert main(["quartiers", "--json", "--top", "3"]) == 0
    counts = [row["count"] for row in json.loads(capsys.readouterr().out)]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1000


def test_commune_level_ranks_communes(capsys):
    assert main(["quartiers", "--level", "commune", "--json", "--top", "0", "--by", "share"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 28 and all(list(row) == [*keys("commune"), "flags"] for row in rows)
    assert [row["rank"] for row in rows] == list(range(1, 29))
    shares = [row["estimate"] for row in rows]
    assert shares == sorted(shares, reverse=True)
    assert main(["quartiers", "--level", "commune", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Communes où agir en premier") and "IRIS" not in out.splitlines()[4]


def test_default_table_is_french(capsys):
    assert main(["quartiers", "--top", "3", "--wave", "2022", "--commune", "33063"]) == 0
    out = capsys.readouterr().out
    assert "vague 2022" in out and "démonstration" in out and "Bordeaux" in out
    assert "P(top 3)" in out and "IC à 95 %" in out and "Priorité 1 :" in out
    assert " %" in out and "," in out  # French percentages
    assert len([line for line in out.splitlines() if line[:4].strip().isdigit()]) == 3


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_out_exports_the_full_list(tmp_path, capsys, suffix):
    out = tmp_path / f"quartiers{suffix}"
    assert main(["quartiers", "--top", "4", "--by", "index", "--out", str(out)]) == 0
    last_line = capsys.readouterr().out.splitlines()[-1]
    assert "exportée" in last_line and "Données de démonstration" in last_line  # the demo list says so
    if suffix == ".csv":
        table = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code IRIS": str})
    else:
        values = list(load_workbook(io.BytesIO(out.read_bytes()))["Quartiers"].values)
        table = pd.DataFrame(values[1:], columns=values[0])
        readme = str(load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]["A1"].value)
        assert "Données de démonstration" in readme and "covariables des IRIS" in readme
    assert len(table) == 277
    # percentage points in the CSV; shares behind a « 0.0 % » format in the workbook
    scale = 100 if suffix == ".csv" else 1
    assert table["Chances d'être parmi les 4 premiers (%)"].astype(float).sum() == pytest.approx(4 * scale, rel=0.01)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["quartiers", "--wave", "1999"], "Vague 1999"),
        (["quartiers", "--out", "liste.pdf"], "Format d'export"),
        (["quartiers", "--commune", "12345"], "12345"),
        (["quartiers", "--top", "-1"], "--top"),
        (["quartiers", "--level", "commune", "--commune", "33063"], "--level iris"),
    ],
)
def test_bad_arguments_exit_2_in_french(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Erreur" in err and "Traceback" not in err
