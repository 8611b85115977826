"""`observatoire check`: the whole territory at once; every finding with its file, row, column (or
key), a French message and what to do; exit 0 / 1 / 2; stable JSON keys."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from example_territory import ROOT
from observatoire.checks import PARTS
from observatoire.cli import main
from observatoire.formatting import fmt_number

JSON_KEYS = {"territory", "status", "exit_code", "parts", "findings"}
PART_KEYS = {"part", "label", "checked", "summary", "findings"}
FINDING_KEYS = {"part", "code", "file", "row", "column", "key", "value", "message", "hint"}


def check_json(root: Path, capsys) -> tuple[int, dict]:
    code = main(["check", "--territory", str(root), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_example_territory_is_clean(capsys):
    assert main(["check", "--territory", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("Territoire conforme : aucun problème trouvé.")
    for label in PARTS.values():
        assert re.search(rf"^{label} +conformes? — ", out, re.MULTILINE), label
    assert "28 communes, 277 IRIS" in out and f"{fmt_number(10_000)} réponses, vagues 2022 et 2024" in out


def test_json_keys_are_stable(second_root, capsys):
    code, report = check_json(second_root, capsys)
    assert code == 0 and set(report) == JSON_KEYS
    assert report["status"] == "ok" and report["exit_code"] == 0 and report["findings"] == []
    assert [p["part"] for p in report["parts"]] == list(PARTS)
    assert all(set(p) == PART_KEYS and p["checked"] for p in report["parts"])
    assert set(report["territory"]) == {"root", "name", "code"}


def findings_of(report: dict) -> set[tuple]:
    return {(f["part"], f["code"], f["file"], f["row"], f["column"], f["key"]) for f in report["findings"]}


def assert_actionable(report: dict) -> None:
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["message"] and finding["hint"] and "{" not in finding["message"] + finding["hint"], finding


def test_every_input_problem_is_located(second_root, copy_of, capsys):
    root = copy_of(second_root)
    config = root / "observatoire.yaml"
    config.write_text(re.sub(r"(?m)^contact:.*$", 'contact: "à compléter"', config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    commune = root / "survey/margins/commune.csv"
    rows = commune.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].split(",")[0] + ",beaucoup"  # line 3: not a number
    rows[-1] = "99999,120"  # line 6: an unknown commune, and 71905 is now missing
    commune.write_text("\n".join(rows) + "\n", encoding="utf-8")
    diploma = root / "survey/margins/diploma.csv"
    table = pd.read_csv(diploma)
    table.loc[0, "total"] += 1000
    table.to_csv(diploma, index=False)
    covariates = root / "data/iris_covariates.csv"
    table = pd.read_csv(covariates, dtype=str)
    table.loc[2, "poverty_rate"] = ""  # line 4
    table.drop(index=5).to_csv(covariates, index=False)
    dropped = pd.read_csv(second_root / "data/iris_covariates.csv", dtype=str).loc[5, "iris"]
    survey = root / "data/survey.csv"
    lines = survey.read_text(encoding="utf-8").splitlines()
    fields = lines[4].split(",")  # line 5
    fields[2] = "33063"  # a commune of another territory
    lines[4] = ",".join(fields)
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    values = root / "data/indicators/values.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",territory,200071905,", ",territory,243300316,")
    values.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "data/indicators/inventories/software_inventory.csv").unlink()

    code, report = check_json(root, capsys)
    assert code == 1 and report["status"] == "findings"
    assert_actionable(report)
    found = findings_of(report)
    expected = {
        ("config", "config_placeholder", "observatoire.yaml", None, None, "contact"),
        ("margins", "margins_total_invalid", "survey/margins/commune.csv", 3, "total", None),
        ("margins", "margins_unknown_category", "survey/margins/commune.csv", 6, "commune", None),
        ("margins", "margins_missing_category", "survey/margins/commune.csv", None, "commune", None),
        ("margins", "margins_totals_differ", "survey/margins", None, None, None),
        ("covariates", "covariates_missing_value", "data/iris_covariates.csv", 4, "poverty_rate", None),
        ("covariates", "covariates_missing_iris", "data/iris_covariates.csv", None, None, None),
        ("survey", "unknown_commune", "data/survey.csv", 5, "commune", None),
        ("values", "values_geo_code", "data/indicators/values.csv", None, "geo_code", None),
        ("inventories", "inventory_missing", "data/indicators/inventories/software_inventory.csv", None, None, None),
    }
    assert expected <= found, expected - found
    by_code = {f["code"]: f for f in report["findings"]}
    assert by_code["margins_missing_category"]["value"] == "71905"
    assert by_code["covariates_missing_iris"]["value"] == dropped
    assert by_code["values_geo_code"]["value"] == "243300316"
    # The text output says the same, in French, with what to do.
    assert main(["check", "--territory", str(root)]) == 1
    out = capsys.readouterr().out
    assert "survey/margins/commune.csv, ligne 3, colonne total : Le total « beaucoup » n'est pas un nombre positif." in out
    assert "data/survey.csv, ligne 5, colonne commune :" in out and out.count("Que faire :") == len(report["findings"])
    assert re.search(r"^\d+ problèmes à corriger : ", out.splitlines()[-1])


def test_contour_problems_are_located(second_root, copy_of, capsys):
    root = copy_of(second_root)
    communes_path, iris_path = root / "geo/communes.geojson", root / "geo/iris.geojson"
    communes = json.loads(communes_path.read_text(encoding="utf-8"))
    communes["features"][4]["properties"]["POPULATION"] = "beaucoup"  # entity 5
    communes_path.write_text(json.dumps(communes, ensure_ascii=False), encoding="utf-8")
    iris = json.loads(iris_path.read_text(encoding="utf-8"))
    far = iris["features"][1]  # entity 2: moved to another commune's square
    far["geometry"]["coordinates"] = [[[x + 0.12, y] for x, y in far["geometry"]["coordinates"][0]]]
    iris["features"][2]["properties"]["INSEE_COM"] = "71999"  # entity 3
    iris["features"][3]["properties"]["CODE_IRIS"] = iris["features"][0]["properties"]["CODE_IRIS"]  # entity 4
    iris["features"][6]["geometry"]["coordinates"][0].pop()  # entity 7: ring not closed
    iris["features"][7]["geometry"]["coordinates"] = [[[800000, 6500000], [800100, 6500000], [800100, 6500100],
                                                       [800000, 6500000]]]  # entity 8: Lambert-93
    iris["features"][8]["properties"]["TYP_IRIS"] = "X"  # entity 9
    iris["features"][9]["properties"]["CODE_IRIS"] = "719049999"  # entity 10: not in its commune 71903
    iris_path.write_text(json.dumps(iris, ensure_ascii=False), encoding="utf-8")

    code, report = check_json(root, capsys)
    assert code == 1
    assert_actionable(report)
    found = {(f["code"], f["row"], f["column"]) for f in report["findings"] if f["part"] == "geo"}
    assert {("geo_population", 5, "POPULATION"), ("geo_iris_outside", 2, None), ("geo_iris_commune", 3, "INSEE_COM"),
            ("geo_duplicate_code", 4, "CODE_IRIS"), ("geo_geometry", 7, None), ("geo_geometry", 8, None),
            ("geo_iris_type", 9, "TYP_IRIS"), ("geo_iris_prefix", 10, "CODE_IRIS")} <= found
    messages = " ".join(f["message"] for f in report["findings"])
    assert "anneau non fermé" in messages and "Lambert-93" in messages
    assert main(["check", "--territory", str(root)]) == 1
    assert "geo/iris.geojson, entité 3, propriété INSEE_COM : IRIS « 719010103 » : sa commune « 71999 »" in \
        capsys.readouterr().out


@pytest.mark.parametrize("breakage", ["no_config", "bad_yaml", "missing_key", "bad_provenance", "bad_contours"])
def test_unusable_territories_exit_2(second_root, copy_of, capsys, breakage):
    root = copy_of(second_root)
    config = root / "observatoire.yaml"
    expected = {"no_config": "config_missing", "bad_yaml": "config_unreadable", "missing_key": "config_key",
                "bad_provenance": "config_key", "bad_contours": "geo_unreadable"}[breakage]
    if breakage == "no_config":
        config.unlink()
    elif breakage == "bad_yaml":
        config.write_text("name: [pas fermé\n", encoding="utf-8")
    elif breakage == "missing_key":
        config.write_text(re.sub(r"(?m)^short_name:.*$", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    elif breakage == "bad_provenance":
        config.write_text(config.read_text(encoding="utf-8").replace("  survey: demonstration", "  survey: synthetique"),
                          encoding="utf-8")
    else:
        (root / "geo/communes.geojson").write_text("{ceci n'est pas du JSON", encoding="utf-8")
    code, report = check_json(root, capsys)
    assert code == 2 and report["status"] == "unusable" and report["exit_code"] == 2
    assert expected in {f["code"] for f in report["findings"]}
    assert_actionable(report)
    if breakage == "bad_provenance":
        finding = report["findings"][0]
        assert finding["key"] == "provenance.survey" and "« synthetique » n'est pas permis" in finding["message"]
    assert main(["check", "--territory", str(root)]) == 2
    assert "Territoire inutilisable" in capsys.readouterr().out


def test_a_fresh_scaffold_lists_what_to_fill(tmp_path, capsys):
    from second_territory import contour_files

    communes, iris = contour_files(tmp_path / "sources")
    assert main(["territory", "new", str(tmp_path / "t"), "--communes", str(communes), "--iris", str(iris),
                 "--name", "Val", "--code", "200071905"]) == 0
    capsys.readouterr()
    code, report = check_json(tmp_path / "t", capsys)
    assert code == 1
    found = {(f["code"], f["file"], f["key"]) for f in report["findings"]}
    assert {("config_key", "observatoire.yaml", "survey.file"), ("config_key", "observatoire.yaml", "covariates.file"),
            ("config_placeholder", "observatoire.yaml", "contact"),
            ("margins_unfilled", "survey/margins/commune.csv", None)} <= found
    assert not [p for p in report["parts"] if p["part"] == "survey"][0]["checked"]
