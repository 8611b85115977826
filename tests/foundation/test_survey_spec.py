import shutil

import numpy as np
import pandas as pd
import pytest

from example_territory import EXAMPLE, example_geography
from observatoire.errors import UserError
from observatoire.survey_spec import derive, load_spec

SURVEY_DIR = EXAMPLE.survey_description

CONTRACT_COLUMNS = (
    "respondent_id wave commune iris sex age_band diploma activity household has_smartphone "
    "has_computer has_tablet home_internet connection_type internet_use skill_information "
    "skill_communication skill_problem_solving skill_software skill_safety admin_online "
    "reason_skills reason_equipment reason_site_design reason_fear_error reason_language "
    "help_sought aware_local_support interested_local_support weight"
).split()
SKILLS = ["skill_information", "skill_communication", "skill_problem_solving", "skill_software", "skill_safety"]


def test_schema_matches_the_column_contract(spec):
    assert list(spec.columns) == CONTRACT_COLUMNS
    assert spec.primary_key == "respondent_id"
    assert spec.missing_values == ("",)
    assert spec.field("age_band").enum == ("15-29", "30-44", "45-59", "60-74", "75+")
    assert spec.field("has_smartphone").enum == (0, 1)
    optional = {f.name for f in spec.fields if not f.required}
    assert optional == {"reason_skills", "reason_equipment", "reason_site_design", "reason_fear_error",
                        "reason_language", "help_sought"}


@pytest.mark.parametrize("name", ["age", "age_exact", "annee_naissance", "date_naissance", "birth_date", "birth_year", "dob"])
def test_exact_age_and_birth_columns_are_forbidden(spec, name):
    assert name in spec.forbidden_fields
    assert name not in spec.columns


def test_every_variable_has_french_wording_and_every_value_a_label(spec):
    for field in spec.fields:
        assert spec.variable_labels_fr[field.name]
        assert spec.questions_fr[field.name]
        if field.enum is not None:
            assert list(spec.labels_fr[field.name]) == list(field.enum)
            assert all(label.strip() for label in spec.labels_fr[field.name].values())
    assert spec.value_label("sex", "F") == "Femme"
    assert spec.value_label("home_internet", 1) == "Oui"


def test_derived_variables_are_declared(spec):
    assert list(spec.derived) == ["in_difficulty", "no_home_internet", "no_device", "low_digital_skills", "illectronisme"]
    assert all(spec.variable_labels_fr[name] for name in spec.derived)


def test_design_settings(spec):
    design = spec.design
    assert (design.weight, design.strata, design.cluster, design.fpc, design.wave) == ("weight", "commune", None, None, "wave")
    assert [v.key for v in design.raking] == ["commune", ("age_band", "sex"), "diploma"]
    assert spec.population_fr == "habitants de 15 ans ou plus"


def test_filtered_questions_name_their_subgroup(spec):
    asked = ["reason_skills", "reason_equipment", "reason_site_design", "reason_fear_error", "reason_language", "help_sought"]
    assert {name: spec.universes[name] for name in asked} == dict.fromkeys(asked, "in_difficulty")
    assert spec.variable_labels_fr["help_sought"] == "Aide sollicitée (parmi les personnes en difficulté avec les démarches en ligne)"
    assert spec.population_of("help_sought") == "personnes en difficulté avec les démarches en ligne"
    assert spec.population_of("in_difficulty") == spec.population_of("has_computer") == "habitants de 15 ans ou plus"


def test_method_options_in_design_yaml_are_sent_to_the_settings(tmp_path):
    survey_dir = tmp_path / "survey"
    shutil.copytree(SURVEY_DIR, survey_dir)
    with (survey_dir / "design.yaml").open("a", encoding="utf-8") as handle:
        handle.write("ci:\n  proportion: wilson\n  level: 0.95\n")
    with pytest.raises(UserError) as caught:
        load_spec(survey_dir)
    assert "ci → ci_method_proportion, ci_level" in caught.value.message and "settings" in caught.value.message


def test_margins_cover_every_category_with_one_grand_total(spec):
    communes = example_geography().communes
    assert set(spec.margins["commune"]) == set(communes["code"])
    assert set(spec.margins[("age_band", "sex")]) == {(a, s) for a in spec.field("age_band").enum for s in ("F", "M")}
    assert set(spec.margins["diploma"]) == set(spec.field("diploma").enum)
    totals = {sum(m.values()) for m in spec.margins.values()}
    assert len(totals) == 1
    # 15+ residents are a share of the (real) 2021 population in every commune.
    ratio = pd.Series(spec.margins["commune"]) / communes.set_index("code")["population"]
    assert ratio.between(0.75, 0.93).all()


# --- malformed description files --------------------------------------------------------------


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BREAKAGES = [
    ("schema.yaml", "primaryKey: respondent_id", "primaryKey: [respondent_id", "schema.yaml"),
    ("codebook.yaml", "      F: Femme\n", "", "sex"),
    ("codebook.yaml", "      in: [alone_with_difficulty, with_help, unable]", "      in: [alone_with_difficulty, sometimes]", "in_difficulty"),
    ("codebook.yaml", "        - {at_least: 4, of: *skill_none}", "        - {most_of: *skill_none}", "illectronisme"),
    ("design.yaml", "weight: weight", "weight: poids", "poids"),
    ("design.yaml", "      file: diploma.csv", "      file: diplome.csv", "diplome.csv"),
    ("codebook.yaml", "    universe: in_difficulty\n    values:\n      none: Personne", "    universe: no_device\n    values:\n      none: Personne", "universe_fr"),
    ("margins/diploma.csv", "bac_3plus,", "bac_3plus,1", "même total"),
    ("margins/commune.csv", "commune,total", "code,total", "colonnes attendues"),
]


@pytest.mark.parametrize(("file", "old", "new", "mentioned"), BREAKAGES)
def test_malformed_description_gives_a_french_user_error(tmp_path, file, old, new, mentioned):
    survey_dir = tmp_path / "survey"
    shutil.copytree(SURVEY_DIR, survey_dir)
    _edit(survey_dir / file, old, new)
    with pytest.raises(UserError) as caught:
        load_spec(survey_dir)
    assert "Description de l'enquête invalide" in caught.value.message
    assert mentioned in caught.value.message
    assert caught.value.hint


def test_missing_file_gives_a_user_error(tmp_path):
    shutil.copytree(SURVEY_DIR, tmp_path / "survey")
    (tmp_path / "survey" / "design.yaml").unlink()
    with pytest.raises(UserError, match="design.yaml"):
        load_spec(tmp_path / "survey")


# --- derive(): truth tables ---------------------------------------------------------------------

NAN = np.nan
TRUTH_TABLES = {
    "in_difficulty": [
        ({"admin_online": "alone_easily"}, 0.0),
        ({"admin_online": "alone_with_difficulty"}, 1.0),
        ({"admin_online": "with_help"}, 1.0),
        ({"admin_online": "unable"}, 1.0),
        ({"admin_online": ""}, NAN),
        ({"admin_online": None}, NAN),
    ],
    "no_home_internet": [
        ({"home_internet": 1}, 0.0),
        ({"home_internet": 0}, 1.0),
        ({"home_internet": "0"}, 1.0),
        ({"home_internet": None}, NAN),
    ],
    "no_device": [
        ({"has_smartphone": 0, "has_computer": 0, "has_tablet": 0}, 1.0),
        ({"has_smartphone": 1, "has_computer": 0, "has_tablet": 0}, 0.0),
        ({"has_smartphone": 0, "has_computer": 0, "has_tablet": 1}, 0.0),
        ({"has_smartphone": 0, "has_computer": 0, "has_tablet": None}, NAN),
        ({"has_smartphone": 1, "has_computer": None, "has_tablet": None}, 0.0),
    ],
    "low_digital_skills": [
        ({}, 0.0),
        ({"skill_safety": "none"}, 1.0),
        ({"skill_information": "none", "skill_software": "none"}, 1.0),
        ({"skill_safety": "basic"}, 0.0),
        ({"skill_safety": None}, NAN),
        ({"skill_safety": None, "skill_information": "none"}, 1.0),
    ],
    "illectronisme": [
        ({}, 0.0),
        ({"internet_use": "never"}, 1.0),
        ({"internet_use": "not_in_3_months"}, 1.0),
        ({"internet_use": "less_often"}, 0.0),
        ({s: "none" for s in SKILLS[:3]}, 0.0),
        ({s: "none" for s in SKILLS[:4]}, 1.0),
        ({**{s: "none" for s in SKILLS[:3]}, "skill_safety": None}, NAN),
        ({**{s: "none" for s in SKILLS[:2]}, "skill_safety": None}, 0.0),
        ({"internet_use": None}, NAN),
        ({"internet_use": None, **{s: "none" for s in SKILLS}}, 1.0),
    ],
}
BASE_ROW = {
    "admin_online": "alone_easily", "home_internet": 1, "has_smartphone": 1, "has_computer": 1,
    "has_tablet": 0, "internet_use": "daily", **{s: "above_basic" for s in SKILLS},
}


@pytest.mark.parametrize(
    ("variable", "overrides", "expected"),
    [(variable, overrides, expected) for variable, rows in TRUTH_TABLES.items() for overrides, expected in rows],
)
def test_derive_truth_table(spec, variable, overrides, expected):
    frame = pd.DataFrame([{**BASE_ROW, **overrides}])
    result = derive(frame, spec)[variable].iloc[0]
    assert (np.isnan(result) and np.isnan(expected)) or result == expected


def test_derive_keeps_input_and_vectorises(spec):
    frame = pd.DataFrame([BASE_ROW, {**BASE_ROW, "admin_online": "unable", "home_internet": 0}])
    before = frame.copy()
    out = derive(frame, spec)
    pd.testing.assert_frame_equal(frame, before)
    assert out["in_difficulty"].tolist() == [0.0, 1.0]
    assert out["no_home_internet"].tolist() == [0.0, 1.0]
    assert list(out.columns) == list(frame.columns) + list(spec.derived)
