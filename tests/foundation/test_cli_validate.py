import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from observatoire.cli import main
from example_territory import DEMO_SURVEY, ROOT

VALID = Path(__file__).parent / "fixtures" / "valid_survey.csv"
JSON_KEYS = ["code", "file", "row", "column", "value", "message", "hint"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "observatoire", "validate", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def three_faults(path: Path) -> Path:
    df = pd.read_csv(VALID, dtype=str, keep_default_na=False)
    df.loc[1, "iris"] = "330630101"  # row 3: a Bordeaux IRIS declared in Mérignac
    df.loc[3, "respondent_id"] = "R2022-0001"  # row 5: same id as row 2
    df.loc[4, "weight"] = ""  # row 6
    df.to_csv(path, sep=";", index=False, encoding="cp1252")
    return path


def test_cp1252_semicolon_copy_of_the_demo_file_is_valid(tmp_path):
    copy = tmp_path / "enquete.csv"
    pd.read_csv(DEMO_SURVEY, dtype=str, keep_default_na=False).to_csv(copy, sep=";", index=False, encoding="cp1252")
    result = cli(str(copy))
    assert result.returncode == 0, result.stdout + result.stderr
    n_rows = len(pd.read_csv(copy, sep=";", usecols=[0]))
    assert result.stdout.startswith("Fichier valide : ") and f"({n_rows:,} lignes".replace(",", "\u00a0") in result.stdout
    assert result.stderr == ""


def test_three_planted_faults_exit_1_with_rows_and_columns(tmp_path):
    path = three_faults(tmp_path / "faults.csv")
    before = path.read_bytes()
    result = cli(str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" : ")[0] for line in lines[:3]] == ["Ligne 3, colonne iris", "Ligne 5, colonne respondent_id", "Ligne 6, colonne weight"]
    assert all("Que faire : " in line for line in lines[:3])
    assert lines[3].startswith("Fichier non valide") and "3 problèmes" in lines[3] and len(lines) == 4
    assert path.read_bytes() == before


def test_unreadable_file_exits_2_in_french_without_traceback(tmp_path):
    result = cli(str(tmp_path / "absent.csv"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "introuvable" in result.stderr and "Que faire" in result.stderr


def test_json_lists_every_finding_with_stable_keys(tmp_path, capsys):
    assert main(["validate", "--json", str(three_faults(tmp_path / "faults.csv"))]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [list(f) for f in findings] == [JSON_KEYS] * 3
    assert [(f["code"], f["row"], f["column"], f["value"]) for f in findings] == [
        ("iris_outside_commune", 3, "iris", "330630101"),
        ("duplicate_id", 5, "respondent_id", "R2022-0001"),
        ("missing_weight", 6, "weight", ""),
    ]


def test_json_of_a_valid_file_is_an_empty_list(capsys):
    assert main(["validate", str(VALID), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_text_output_caps_repeated_findings_but_json_keeps_all(tmp_path, capsys):
    df = pd.concat([pd.read_csv(VALID, dtype=str, keep_default_na=False)] * 5, ignore_index=True)
    df["respondent_id"] = [f"R{i}" for i in range(len(df))]
    df["sex"] = "X"
    path = tmp_path / "many.csv"
    df.to_csv(path, index=False)
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("Ligne") for line in lines) == 20
    assert "… et 10 autres problèmes « valeur hors nomenclature » dans la colonne sex" in lines[20]
    assert main(["validate", "--json", str(path)]) == 1
    assert len(json.loads(capsys.readouterr().out)) == 30


def test_sheet_option_reads_a_named_sheet(tmp_path, capsys):
    df = pd.read_csv(VALID, dtype=str, keep_default_na=False)
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Export du 3 mars", "ne pas modifier"])
    sheet = workbook.create_sheet("Réponses")
    for row in [list(df.columns), *df.values.tolist()]:
        sheet.append(row)
    path = tmp_path / "enquete.xlsx"
    workbook.save(path)
    assert main(["validate", str(path), "--sheet", "Réponses"]) == 0
    assert "Fichier valide" in capsys.readouterr().out
    assert main(["validate", str(path), "--sheet", "Vague 2024"]) == 2
    assert "« Vague 2024 » n'existe pas" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["validate"], ["validate", "a.csv", "--bad-option"]])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "Erreur d'arguments" in capsys.readouterr().err
