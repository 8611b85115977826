"""The long values table: reading, checks, merge, derived rows and the committed demo build."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from observatoire.demo.indicators import YEARS, file_values
from observatoire.errors import UserError
from observatoire.indicators.derived import computed_values, estimate_rows
from observatoire.indicators.values import (
    VALUE_COLUMNS,
    load_values,
    merge_values,
    read_values,
    values_csv,
)
from example_territory import EXAMPLE

from .conftest import make_indicator

HEADER = ",".join(VALUE_COLUMNS) + "\n"


def test_read_values_semicolon_and_decimal_comma(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(HEADER.replace(",", ";") + "INC08;2024;territory;243300316;;12500,5;;;;bilan;final\n",
                    encoding="cp1252")
    values = read_values(path)
    assert values.loc[0, "value"] == 12500.5 and values.loc[0, "year"] == 2024
    assert list(values.columns) == list(VALUE_COLUMNS)


def test_read_values_reports_every_problem_with_line_and_column(tmp_path, project_catalog):
    path = tmp_path / "v.csv"
    path.write_text(HEADER + "INC08,2024,territory,243300316,,45 %,,,,x,final\n"
                             "ZZZ01,20x4,region,1,,1,,,,x,définitif\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        read_values(path, project_catalog)
    message = err.value.message
    for fragment in ("ligne 2, colonne value : « 45 % » n'est pas un nombre",
                     "ligne 3, colonne indicator : « ZZZ01 »", "ligne 3, colonne year", "ligne 3, colonne geo_level",
                     "ligne 3, colonne status"):
        assert fragment in message


def test_duplicated_keys_and_missing_columns_are_errors(tmp_path):
    path = tmp_path / "v.csv"
    row = "INC08,2024,territory,243300316,,1,,,,x,final\n"
    path.write_text(HEADER + row + row, encoding="utf-8")
    with pytest.raises(UserError, match="valeur en double pour INC08 2024"):
        read_values(path)
    path.write_text("indicator,year,value\nINC08,2024,1\n", encoding="utf-8")
    with pytest.raises(UserError, match="colonne\\(s\\) absente\\(s\\)"):
        read_values(path)


def test_merge_later_part_wins_and_keeps_the_rest():
    a = read_values_frame([("INC08", 2023, 1.0), ("INC08", 2024, 2.0)])
    b = read_values_frame([("INC08", 2024, 3.0), ("INC09", 2024, 4.0)])
    merged = merge_values(a, b)
    assert merged[["indicator", "year", "value"]].values.tolist() == [["INC08", 2023, 1.0], ["INC08", 2024, 3.0],
                                                                    ["INC09", 2024, 4.0]]


def read_values_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{"indicator": i, "year": y, "geo_level": "territory", "geo_code": "243300316",
                          "breakdown": "", "value": v, "ci_low": None, "ci_high": None, "n_unweighted": None,
                          "source": "t", "status": "final"} for i, y, v in rows])


def test_estimate_rows_scale_shares_and_skip_withheld_and_other_domains():
    ind = make_indicator(source={"type": "survey", "variable": "in_difficulty", "estimator": "proportion",
                                 "domain": "age_band=75+"})
    table = pd.DataFrame({
        "domain": ["2022 | 75+", "2022 | 15-29", "2024 | 75+"], "estimate": [0.4, 0.1, np.nan],
        "ci_low": [0.35, 0.08, np.nan], "ci_high": [0.45, 0.12, np.nan], "n_unweighted": [300, 800, 8],
        "ci_method": "logit"})
    rows = estimate_rows(ind, table, "enquête", "200000001")
    assert len(rows) == 1
    assert (rows[0]["year"], rows[0]["value"], rows[0]["ci_low"], rows[0]["ci_high"], rows[0]["n_unweighted"]) == (
        2022, 40.0, 35.0, 45.0, 300)
    assert (rows[0]["geo_level"], rows[0]["geo_code"]) == ("territory", "200000001")


def test_committed_demo_values_are_up_to_date(project_catalog):
    """The example's values file = file series + inventory computations (+ survey rows)."""
    committed = load_values(EXAMPLE.values, project_catalog)
    rebuilt = merge_values(file_values(project_catalog, EXAMPLE.code),
                           computed_values(project_catalog, EXAMPLE.inventories, list(YEARS), EXAMPLE.code))
    survey_ids = {i.id for i in project_catalog.indicators if i.source.type == "survey"}
    assert values_csv(committed[~committed["indicator"].isin(survey_ids)]) == values_csv(rebuilt)
    survey = committed[committed["indicator"].isin(survey_ids)]
    assert set(survey["indicator"]) == survey_ids and set(survey["year"]) == {2022, 2024}
    assert (survey["ci_low"] < survey["value"]).all() and (survey["value"] < survey["ci_high"]).all()
    assert survey["value"].between(0, 100).all() and (survey["n_unweighted"] > 0).all()
    assert committed["source"].str.contains("démonstration|calcul").all()


def test_file_values_are_seeded(project_catalog):
    code = EXAMPLE.code
    assert values_csv(file_values(project_catalog, code, seed=7)) == values_csv(file_values(project_catalog, code, seed=7))
    assert values_csv(file_values(project_catalog, code, seed=7)) != values_csv(file_values(project_catalog, code, seed=8))
