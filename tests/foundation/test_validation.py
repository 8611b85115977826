from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from example_territory import EXAMPLE, example_geography
from observatoire.readers import read_table
from observatoire.validation import CATALOGUE, validate_file, validate_survey

VALID = Path(__file__).parent / "fixtures" / "valid_survey.csv"


GEOGRAPHY = example_geography()


def base() -> pd.DataFrame:
    """The valid fixture as strings; data row i is spreadsheet row i + 2."""
    return pd.read_csv(VALID, dtype=str, keep_default_na=False)


def write(df: pd.DataFrame, path: Path, sep: str = ",", encoding: str = "utf-8") -> Path:
    df.to_csv(path, sep=sep, index=False, encoding=encoding)
    return path


def found(report) -> list[tuple]:
    return [(f.row, f.column, f.code) for f in report.findings]


def test_valid_fixture_passes_with_typed_data(spec):
    report = validate_survey(read_table(VALID), spec, GEOGRAPHY)
    assert report.ok and report.findings == ()
    data = report.data
    assert len(data) == 6 and list(data.columns) == list(spec.columns)
    assert str(data["wave"].dtype) == "int64" and str(data["has_smartphone"].dtype) == "int64"
    assert str(data["reason_skills"].dtype) == "Int64" and data["reason_skills"].isna().sum() == 2
    assert data["weight"].dtype == float and data["weight"].iloc[3] == 72.125
    assert data["help_sought"].isna().sum() == 2 and data["commune"].iloc[0] == "33063"
    assert "Fichier valide" in report.summary_fr() and "6 lignes" in report.summary_fr()


def _set(row, column, value):
    def mutate(df):
        df.loc[row - 2, column] = value
        return df

    return mutate


def _other_commune_iris(df):
    df.loc[3, "iris"] = "332810101"  # a Mérignac IRIS on a Talence (33522) row
    return df


def _swap_header(old, new):
    return lambda df: df.rename(columns={old: new})


def _drop(column):
    return lambda df: df.drop(columns=column)


def _add(column, values):
    def mutate(df):
        df[column] = values
        return df

    return mutate


def _answered_outside_universe(df):
    """Row 3 does its procedures alone and easily, yet says whom it asked for help."""
    df.loc[df.index[1], ["admin_online", "help_sought"]] = ["alone_easily", "relatives"]
    for column in ("reason_skills", "reason_equipment", "reason_site_design", "reason_fear_error", "reason_language"):
        df.loc[df.index[1], column] = ""
    return df


# One bad fixture per finding code: (mutation of the valid frame, exactly the expected findings).
CASES = {
    "missing_column": (_drop("weight"), [(None, "weight", "missing_column")]),
    "unexpected_column": (_add("commentaire", "RAS"), [(1, "commentaire", "unexpected_column")]),
    "wrong_type": (_set(3, "wave", "deux mille"), [(3, "wave", "wrong_type")]),
    "wrong_type_0_1": (_set(5, "has_tablet", "oui"), [(5, "has_tablet", "wrong_type")]),
    "value_not_in_codebook": (_set(4, "sex", "X"), [(4, "sex", "value_not_in_codebook")]),
    "value_not_in_codebook_0_1": (_set(2, "reason_skills", "2"), [(2, "reason_skills", "value_not_in_codebook")]),
    "value_out_of_range": (_set(6, "wave", "1999"), [(6, "wave", "value_out_of_range")]),
    "unknown_commune": (_set(2, "commune", "33000"), [(2, "commune", "unknown_commune")]),
    "unknown_iris": (_set(7, "iris", "335229999"), [(7, "iris", "unknown_iris")]),
    "iris_outside_commune": (_other_commune_iris, [(5, "iris", "iris_outside_commune")]),
    "duplicate_id": (_set(6, "respondent_id", "R2022-0002"), [(6, "respondent_id", "duplicate_id")]),
    "missing_weight": (_set(3, "weight", ""), [(3, "weight", "missing_weight")]),
    "nonpositive_weight_zero": (_set(4, "weight", "0"), [(4, "weight", "nonpositive_weight")]),
    "nonpositive_weight_negative": (_set(5, "weight", "-1.5"), [(5, "weight", "nonpositive_weight")]),
    "missing_required_value": (_set(2, "diploma", ""), [(2, "diploma", "missing_required_value")]),
    "exact_age_column": (_add("Date de naissance", "1950-03-02"), [(1, "Date de naissance", "exact_age_forbidden")]),
    "exact_age_in_band": (_set(3, "age_band", "47"), [(3, "age_band", "exact_age_forbidden")]),
    "exact_age_date_value": (_set(4, "respondent_id", "12/05/1950"), [(4, "respondent_id", "exact_age_forbidden")]),
    "duplicate_column": (lambda df: pd.concat([df, df[["sex"]]], axis=1), [(1, "sex", "duplicate_column")]),
    "answer_outside_universe": (_answered_outside_universe, [(3, "help_sought", "answer_outside_universe")]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_fixture_per_finding(tmp_path, spec, case):
    mutate, expected = CASES[case]
    report = validate_survey(read_table(write(mutate(base()), tmp_path / "bad.csv")), spec, GEOGRAPHY)
    assert found(report) == expected
    assert not report.ok and report.data is None
    finding = report.findings[0]
    assert finding.file.endswith("bad.csv") and finding.message and finding.hint


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", [(None, None, "empty_file")]),
        (VALID.read_bytes().splitlines(keepends=True)[0], [(None, None, "header_only")]),
        (VALID.read_bytes().replace(b"R2022-0003", b"R2022\x81", 1), [(4, "respondent_id", "undecodable_text")]),
        (VALID.read_bytes().replace(b",80.5\n", b",80.5,,surplus\n"), [(2, None, "wrong_field_count")]),
    ],
    ids=["empty_file", "header_only", "undecodable_text", "wrong_field_count"],
)
def test_file_level_findings(tmp_path, spec, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    report = validate_survey(read_table(path), spec, GEOGRAPHY)
    assert found(report) == expected
    if expected[0][2] == "wrong_field_count":
        assert report.findings[0].message == "Cette ligne compte 32 valeurs alors que l'en-tête compte 30 colonnes."


def test_every_catalogued_code_has_a_fixture():
    covered = {code for _, expected in CASES.values() for _, _, code in expected}
    covered |= {"empty_file", "header_only", "undecodable_text", "wrong_field_count"}
    assert covered == set(CATALOGUE)


def test_three_planted_faults_are_all_reported(tmp_path):
    df = base()
    df.loc[0, "commune"] = "33999"
    df.loc[2, "weight"] = "-3"
    df.loc[4, "age_band"] = "30-45"
    report = validate_file(write(df, tmp_path / "faults.csv", sep=";", encoding="cp1252"), EXAMPLE)
    assert found(report) == [(2, "commune", "unknown_commune"), (4, "weight", "nonpositive_weight"), (6, "age_band", "value_not_in_codebook")]
    assert "3 problèmes" in report.summary_fr()


def test_every_failure_is_collected_not_just_the_first(tmp_path, spec):
    df = base()
    df["sex"] = "?"
    df.loc[1, "weight"] = ""
    report = validate_survey(read_table(write(df, tmp_path / "many.csv")), spec, GEOGRAPHY)
    assert found(report).count((3, "weight", "missing_weight")) == 1
    assert [f.row for f in report.findings if f.code == "value_not_in_codebook"] == [2, 3, 4, 5, 6, 7]


def test_messages_are_french_with_values_and_hints(tmp_path, spec):
    report = validate_survey(read_table(write(_set(4, "sex", "H")(base()), tmp_path / "b.csv")), spec, GEOGRAPHY)
    line = report.findings[0].line_fr()
    assert line.startswith("Ligne 4, colonne sex : La valeur « H » ne fait pas partie des modalités")
    assert "Que faire : Valeurs attendues : F (Femme), M (Homme)." in line


def test_age_column_hint_lists_the_bands(tmp_path, spec):
    report = validate_survey(read_table(write(_add("age", "47")(base()), tmp_path / "b.csv")), spec, GEOGRAPHY)
    assert "« age_band » (15-29, 30-44, 45-59, 60-74, 75+)" in report.findings[0].hint


def test_unexpected_column_suggests_close_name(tmp_path, spec):
    report = validate_survey(read_table(write(_swap_header("weight", "Weight ")(base()), tmp_path / "b.csv")), spec, GEOGRAPHY)
    assert found(report) == [(None, "weight", "missing_column"), (1, "Weight", "unexpected_column")]
    assert "« Weight »" in report.findings[0].hint and "« weight »" in report.findings[1].hint


def test_french_decimal_commas_are_numbers(tmp_path, spec):
    df = base()
    df["weight"] = df["weight"].str.replace(".", ",", regex=False)
    df.loc[0, "weight"] = "1 080,5"
    report = validate_survey(read_table(write(df, tmp_path / "fr.csv", sep=";", encoding="cp1252")), spec, GEOGRAPHY)
    assert report.ok
    assert report.data["weight"].tolist()[:2] == [1080.5, 95.25]


def test_spss_file_with_value_labels_validates(tmp_path, spec):
    df = base()
    codes = {"F": 1, "M": 2}
    raw = df.assign(sex=df["sex"].map(codes).astype(float), wave=df["wave"].astype(float), weight=df["weight"].astype(float))
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(raw, str(path), variable_value_labels={"sex": {1: "Femme", 2: "homme"}})
    report = validate_file(path, EXAMPLE)
    assert report.ok, found(report)
    assert report.data["sex"].tolist() == df["sex"].tolist()


def test_ten_thousand_rows_validate(tmp_path, spec):
    # Speed is measured by benchmarks/bench_validation.py, not asserted here.
    df = pd.concat([base()] * 1667, ignore_index=True).iloc[:10_000]
    df["respondent_id"] = [f"R{i:05d}" for i in range(len(df))]
    report = validate_survey(read_table(write(df, tmp_path / "big.csv")), spec, GEOGRAPHY)
    assert report.ok and len(report.data) == 10_000


def test_validation_does_not_touch_the_file(tmp_path):
    path = write(_set(3, "weight", "0")(base()), tmp_path / "b.csv", sep=";", encoding="cp1252")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    validate_file(path, EXAMPLE)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
