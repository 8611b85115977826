"""The pure display functions behind the pages (no Streamlit run needed)."""

import math
from io import BytesIO

import pandas as pd
import pytest
from openpyxl import load_workbook

from observatoire.formatting import NBSP, WITHHELD
from observatoire.methodology import disclosure_rules, fmt_setting, interval_rules, settings_table, weighting_table
from observatoire.readers import read_table
from observatoire.settings import SETTINGS, resolve
from observatoire.ui.loaders import indicator_template
from observatoire.ui.tables import (
    DISPLAY_COLUMNS,
    chosen_rows,
    comparison_text,
    display_table,
    sample_table,
    survey_template,
)
from observatoire.validation import validate_survey

ROWS = pd.DataFrame(
    {
        "wave": [2024, 2024, 2024, 2022],
        "level": ["1", "1", "1", "1"],
        "domain": ["33063", "33318", "33522", "33063"],
        "estimate": [0.125, 0.2, math.nan, 0.1],
        "ci_low": [0.102, 0.1, math.nan, 0.08],
        "ci_high": [0.149, 0.35, math.nan, 0.12],
        "n_unweighted": [1250, 25, 7, 1200],
        "flag": ["ok", "fragile", "withheld", "ok"],
    }
)
NAMES = {"33063": "Bordeaux", "33318": "Pessac", "33522": "Talence"}


def test_display_table_withholds_and_marks_in_words():
    table = display_table(chosen_rows(ROWS, "1", "commune", 2024), NAMES).set_index("Groupe")
    assert tuple(table.reset_index().columns) == DISPLAY_COLUMNS
    assert table.loc["Bordeaux"].to_list() == [f"12,5{NBSP}%", f"[10,2{NBSP};{NBSP}14,9]", f"1{NBSP}250", "fiable"]
    assert table.loc["Pessac", "Estimation"] == f"20,0{NBSP}% ⚠" and "à interpréter avec prudence" in table.loc["Pessac", "Fiabilité"]
    assert table.loc["Talence", "Estimation"] == WITHHELD and table.loc["Talence", "IC à 95 %"] == "–"
    assert table.loc["Talence", "Répondants (n)"] == "7"


def test_chosen_rows_by_wave_names_each_wave():
    overall = ROWS.assign(domain=None)
    rows = chosen_rows(overall, "1", "wave", None)
    assert list(rows["domain"]) == ["2024", "2024", "2024", "2022"]
    assert display_table(rows.iloc[[3]].assign(domain=None), {})["Groupe"].item() == "Ensemble"


@pytest.mark.parametrize(
    ("difference", "low", "high", "expected"),
    [
        (0.023, 0.004, 0.042,
         f"A par rapport à B : +2,3{NBSP}points, IC à 95 % [+0,4{NBSP};{NBSP}+4,2] (écart statistiquement significatif)."),
        (-0.007, -0.021, 0.008, f"A par rapport à B : \u22120,7{NBSP}point, IC à 95 % [\u22122,1{NBSP};{NBSP}+0,8]"),
    ],
)
def test_comparison_text(difference, low, high, expected):
    text = comparison_text({"difference": difference, "ci_low": low, "ci_high": high}, "A", "B")
    assert text.startswith(expected)
    assert ("non significatif" in text) == (low < 0 < high)


def test_sample_table_has_a_total_row():
    counts = pd.DataFrame({"wave": [2022, 2022, 2024], "commune": ["33063", "33318", "33063"], "n": [1200, 300, 1250]})
    table = sample_table(counts, NAMES)
    assert table.loc["Ensemble"].to_list() == [f"1{NBSP}500", f"1{NBSP}250"]
    assert table.loc["Pessac", "Vague 2024"] == "0"


def test_survey_template_has_exactly_the_schema_columns(tmp_path, spec, geography):
    path = tmp_path / "modele.csv"
    content = survey_template(spec.columns)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM and `;`, like every CSV for spreadsheets
    assert content.decode("utf-8-sig").splitlines() == [";".join(spec.columns)]
    path.write_bytes(content)
    report = validate_survey(read_table(path), spec, geography)
    assert [f.code for f in report.findings] == ["header_only"]


def test_every_setting_is_listed_with_its_help():
    table = settings_table(resolve({"reliability_withhold_n": 15}))
    assert list(table.index) == [setting.label_fr for setting in SETTINGS.values()]
    assert table.loc[SETTINGS["reliability_withhold_n"].label_fr, "Valeur"] == "15"
    assert table.loc[SETTINGS["small_area_amrl_mse"].label_fr, "Valeur"] == "Prasad et Rao"  # words, not the code


@pytest.mark.parametrize(("value", "text"), [(None, "aucun"), (0.3, "0,3"), (1e-10, "1e-10"), (200, "200"), ("logit", "logit")])
def test_fmt_setting(value, text):
    assert fmt_setting(value) == text


def test_disclosure_rules_follow_the_settings():
    values = resolve({"reliability_withhold_cv": 0.3, "ci_method_proportion": "wilson"})
    text = " ".join(disclosure_rules(values) + interval_rules(values, ROWS))
    assert "moins de 11 répondants" in text and f"dépasse 30{NBSP}%" in text and "Wilson" in text


def test_weighting_table_one_column_per_wave():
    weighting = pd.DataFrame(
        [{"wave": 2024, "n": 5000, "min": 10.0, "max": 400.0, "max_min_ratio": 40.0, "kish_deff": 1.17,
          "effective_n": 4287.0, "raking_iterations": 18, "converged": True, "weights_trimmed": 12}]
    )
    table = weighting_table(weighting)
    assert list(table.columns) == ["Vague 2024"]
    assert table.loc["Effet de plan dû à la pondération (Kish, 1 + CV²)", "Vague 2024"] == "1,17"
    assert table.loc["Calage convergé", "Vague 2024"] == "oui"


def test_indicator_template_is_built_in_memory(demo):
    workbook = load_workbook(BytesIO(indicator_template(demo)))
    assert len(workbook.sheetnames) >= 3


def test_disclosure_rules_describe_the_interval_of_a_zero_share():
    from observatoire.settings import resolve

    assert "clopper_pearson_kish" in " ".join(interval_rules(resolve(None), ROWS, codes=True))
    assert "clopper_pearson_kish" not in " ".join(interval_rules(resolve(None), ROWS))
    assert "clopper_pearson_kish" not in " ".join(interval_rules(resolve({"boundary_interval": "none"}), ROWS, codes=True))
