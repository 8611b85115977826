import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from observatoire.cli import main
from observatoire.demo.areas import AGE_BANDS, COVARIATES, DIPLOMAS, build_areas
from observatoire.demo.survey import TRUE_IN_DIFFICULTY, WAVES, build_population, generate
from example_territory import DEMO_SURVEY, EXAMPLE, ROOT, example_geography
from observatoire.survey_spec import derive

DEMO_DIR = DEMO_SURVEY.parent
# What `observatoire demo` writes into the example territory (make demo), relative to its root.
WRITTEN = ("data/demo/survey.csv", "data/demo/iris_covariates.csv", "survey/margins/commune.csv",
           "survey/margins/age_band_sex.csv", "survey/margins/diploma.csv",
           "data/indicators/demo/equipment_inventory.csv", "data/indicators/demo/software_inventory.csv",
           "data/indicators/values.csv")


def copy_example(dest: Path, without: tuple[str, ...] = WRITTEN) -> Path:
    """The example territory's files in `dest`, minus `without` (the generator's output)."""
    shutil.copy(EXAMPLE.config, dest / "observatoire.yaml")
    for folder in ("survey", "data"):
        shutil.copytree(ROOT / folder, dest / folder)
    shutil.copy(EXAMPLE.catalog, dest / "indicators.yaml")
    for name in without:
        (dest / name).unlink()
    return dest


@pytest.fixture(scope="module")
def demo(spec):
    frame = pd.read_csv(DEMO_DIR / "survey.csv", dtype={"commune": str, "iris": str, "respondent_id": str})
    return derive(frame, spec)


def rake(frame: pd.DataFrame, spec, iterations: int = 50) -> np.ndarray:
    """Plain iterative proportional fitting of the design weights to the spec's margins."""
    weights = frame["weight"].to_numpy(dtype=float).copy()
    cells = []
    for key, margin in spec.margins.items():
        columns = [key] if isinstance(key, str) else list(key)
        labels = list(frame[columns].astype(str).itertuples(index=False, name=None))
        codes = pd.Index([c if isinstance(c, tuple) else (c,) for c in margin]).get_indexer(labels)
        cells.append((codes, np.array(list(margin.values()))))
    for _ in range(iterations):
        for codes, totals in cells:
            weights *= (totals / np.bincount(codes, weights, minlength=len(totals)))[codes]
    return weights


@pytest.fixture(scope="module")
def raked(demo, spec):
    return {wave: (demo[demo["wave"] == wave], rake(demo[demo["wave"] == wave], spec)) for wave in WAVES}


# --- reproducibility ----------------------------------------------------------------------------


def test_committed_demo_is_what_the_generator_writes(tmp_path, capsys):
    """`make demo` writes exactly the committed files, into the territory and nowhere else, and
    leaves observatoire.yaml (already « demonstration ») byte for byte as it was."""
    territory = copy_example(tmp_path)
    before = {p for p in territory.rglob("*") if p.is_file()}
    assert main(["demo", "--territory", str(territory)]) == 0
    printed = capsys.readouterr().out
    for name in WRITTEN:
        assert (territory / name).read_bytes() == (ROOT / name).read_bytes(), name
        assert f"écrit {name}" in printed
    assert {p for p in territory.rglob("*") if p.is_file()} == before | {territory / name for name in WRITTEN}
    assert (territory / "observatoire.yaml").read_bytes() == EXAMPLE.config.read_bytes()
    assert "Déclarées « demonstration » dans observatoire.yaml : enquête, marges de calage" in printed


def test_same_seed_same_bytes_other_seed_other_data():
    first = generate(seed=7, n=600).to_csv(index=False)
    assert generate(seed=7, n=600).to_csv(index=False) == first
    assert generate(seed=8, n=600).to_csv(index=False) != first


def test_cli_refuses_tiny_samples_and_never_overwrites_real_data(tmp_path, capsys):
    territory = copy_example(tmp_path, without=())
    assert main(["demo", "--territory", str(territory), "--n", "10"]) == 2
    assert "Taille d'échantillon trop petite" in capsys.readouterr().err
    config = territory / "observatoire.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  survey: demonstration", "  survey: real"),
                      encoding="utf-8")
    survey = (territory / "data/demo/survey.csv").read_bytes()
    assert main(["demo", "--territory", str(territory), "--n", "300"]) == 2
    err = capsys.readouterr().err
    assert "n'écrase pas des données déclarées réelles" in err and "provenance.survey: real" in err
    assert (territory / "data/demo/survey.csv").read_bytes() == survey
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["provenance"]["survey"] == "real"


def test_readme_labels_the_data_as_demonstration():
    text = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    assert "Données de démonstration — synthétiques, ne pas citer" in text
    assert "Demonstration data — synthetic, do not cite" in text


# --- structure of the demo survey ----------------------------------------------------------------


def test_demo_follows_the_schema(demo, spec):
    assert list(demo.columns[: len(spec.columns)]) == list(spec.columns)
    assert demo["respondent_id"].is_unique
    for field in spec.fields:
        values = demo[field.name].dropna()
        if field.required:
            assert len(values) == len(demo), field.name
        if field.enum is not None:
            assert set(values) <= set(field.enum), field.name
    assert (demo["weight"] > 0).all()


def test_waves_sizes_and_commune_floor(demo):
    assert sorted(demo["wave"].unique()) == list(WAVES)
    per_commune = demo.groupby(["wave", "commune"]).size()
    assert demo.groupby("wave").size().tolist() == [5000, 5000]
    assert per_commune.groupby("wave").size().tolist() == [28, 28]
    assert per_commune.min() >= 80


def test_iris_codes_belong_to_their_commune(demo):
    commune_of = example_geography().iris.set_index("code")["commune"]
    assert (demo["iris"].map(commune_of) == demo["commune"]).all()


def test_design_weight_is_commune_population_over_sample_size(demo, spec):
    for (wave, commune), group in demo.groupby(["wave", "commune"]):
        assert group["weight"].sum() == pytest.approx(spec.margins["commune"][commune], abs=0.01 * len(group))


def test_skip_pattern_of_reasons_and_help(demo):
    asked = demo["admin_online"] != "alone_easily"
    follow_ups = ["reason_skills", "reason_equipment", "reason_site_design", "reason_fear_error", "reason_language", "help_sought"]
    assert demo.loc[asked, follow_ups].notna().all().all()
    assert demo.loc[~asked, follow_ups].isna().all().all()


def test_answers_are_coherent(demo):
    assert ((demo["connection_type"] == "none") == (demo["home_internet"] == 0)).all()
    non_users = demo["internet_use"].isin(["not_in_3_months", "never"])
    assert (demo.loc[non_users, "in_difficulty"] == 1).all()
    skills = demo.filter(like="skill_")
    assert (skills[non_users] == "none").all().all()


# --- calibration ------------------------------------------------------------------------------


def _share(frame, weights, variable):
    return float(np.average(frame[variable], weights=weights))


@pytest.mark.parametrize("wave", WAVES)
def test_weighted_share_in_difficulty_near_published_19_percent(raked, wave):
    frame, weights = raked[wave]
    assert 0.17 <= _share(frame, weights, "in_difficulty") <= 0.21
    # Unweighted figures understate difficulty: the sample leans towards graduates and the young.
    assert frame["in_difficulty"].mean() < _share(frame, weights, "in_difficulty") - 0.02


def test_difficulty_falls_between_waves(raked):
    assert _share(*raked[2022], "in_difficulty") > _share(*raked[2024], "in_difficulty")


@pytest.mark.parametrize("wave", WAVES)
def test_sample_is_unrepresentative_as_real_ones_are(demo, spec, wave):
    frame = demo[demo["wave"] == wave]
    total = sum(spec.margins["diploma"].values())
    graduates = spec.margins["diploma"]["bac_3plus"] / total
    oldest = sum(v for (age, _), v in spec.margins[("age_band", "sex")].items() if age == "75+") / total
    assert (frame["diploma"] == "bac_3plus").mean() > 1.2 * graduates
    assert (frame["age_band"] == "75+").mean() < 0.75 * oldest


@pytest.mark.parametrize("wave", WAVES)
def test_difficulty_rises_with_age_and_falls_with_diploma(raked, wave):
    frame, weights = raked[wave]
    frame = frame.assign(w=weights)

    def by(column, order):
        shares = frame.groupby(column).apply(lambda g: np.average(g["in_difficulty"], weights=g["w"]), include_groups=False)
        return shares.loc[list(order)].to_numpy()

    assert np.all(np.diff(by("age_band", AGE_BANDS)) > 0)
    assert np.all(np.diff(by("diploma", DIPLOMAS)) < 0)
    assert by("age_band", AGE_BANDS)[-1] > 4 * by("age_band", AGE_BANDS)[0]


@pytest.mark.parametrize(("variable", "low", "high"), [
    ("has_smartphone", 0.90, 0.96), ("has_computer", 0.76, 0.85), ("no_device", 0.01, 0.04),
    ("home_internet", 0.86, 0.93), ("illectronisme", 0.08, 0.15),
])
def test_equipment_and_illectronisme_are_plausible(raked, variable, low, high):
    for frame, weights in raked.values():
        assert low <= _share(frame, weights, variable) <= high


# --- synthetic population and IRIS covariates --------------------------------------------------


def test_iris_covariates_file(spec):
    table = pd.read_csv(DEMO_DIR / "iris_covariates.csv", dtype={"iris": str, "commune": str})
    iris = example_geography().iris
    assert list(table.columns) == ["iris", "commune", "population", "population_15plus", *COVARIATES]
    assert table["iris"].tolist() == iris["code"].tolist()
    assert (table["commune"] == iris["commune"]).all()
    population = example_geography().communes.set_index("code")["population"]
    assert (table.groupby("commune")["population"].sum() == population).all()
    tiny = iris["kind"].isin(["A", "D"]).to_numpy()
    assert table.loc[tiny, "population"].between(20, 150).all()
    assert table.loc[~tiny, "population"].min() > 300
    assert table[list(COVARIATES)].apply(lambda c: c.between(0, 1)).all().all()
    assert (table.groupby("commune")["population_15plus"].sum() == pd.Series(spec.margins["commune"])).all()


def test_covariates_are_varied_and_carry_the_small_area_signal():
    covariates = build_areas().covariates
    assert covariates[list(COVARIATES)].std().min() > 0.005
    truth = build_population().truth(2022).query("geo_level == 'iris'")["in_difficulty"].to_numpy()
    for name in ("poverty_rate", "share_no_diploma", "unemployment_rate"):
        assert np.corrcoef(truth, covariates[name])[0, 1] > 0.5, name


@pytest.mark.parametrize("wave", WAVES)
def test_population_truth(wave):
    truth = build_population().truth(wave)
    assert truth["geo_level"].value_counts().to_dict() == {"iris": 277, "commune": 28, "territory": 1}
    assert truth.query("geo_level == 'territory'")["in_difficulty"].iloc[0] == pytest.approx(TRUE_IN_DIFFICULTY[wave])
    communes = truth.query("geo_level == 'commune'")["in_difficulty"]
    assert 0.08 < communes.min() and communes.max() < 0.40


def test_population_sample_for_simulations():
    population = build_population()
    draws = [population.sample(np.random.default_rng(seed), n=1000, wave=2024) for seed in (1, 2)]
    assert [len(d) for d in draws] == [1000, 1000]
    assert not draws[0]["iris"].equals(draws[1]["iris"])
    assert population.allocation(1000).sum() == 1000
