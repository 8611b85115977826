"""A survey spread over too few IRIS for the small-area model (it needs one more sampled IRIS than
its parameters): the run does not fail, the direct estimates by IRIS stand, and the pages and the
CLI say in French why there is no model-based estimate nor ranking."""

import pandas as pd
import pytest

from app_harness import page_test
from observatoire.areas.model import MIN_SAMPLED_AREAS
from observatoire.cli import main
from observatoire.pipeline import Inputs, run
from observatoire.territory import load_territory

SAMPLED = 5  # Valmont's first two IRIS and the first IRIS of the three other communes with IRIS


def keep_few_iris(root) -> None:
    """Respondents of a handful of IRIS only (and of the commune without IRIS): every commune and
    every raking category keeps respondents, so weighting still works."""
    path = root / "data" / "survey.csv"
    survey = pd.read_csv(path, dtype=str, keep_default_na=False)
    kept = survey["iris"].str[5:].isin(["0101"]) | survey["iris"].isin(["719010102"]) | (survey["iris"] == "")
    survey[kept].to_csv(path, index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def few(second_root, tmp_path_factory):
    import shutil
    root = shutil.copytree(second_root, tmp_path_factory.mktemp("few") / "val-arlenc")
    keep_few_iris(root)
    return root


@pytest.fixture(scope="module")
def results(few):
    return run(Inputs.of(load_territory(few)))


def test_the_run_degrades_to_direct_estimates(results):
    assert SAMPLED < MIN_SAMPLED_AREAS == 9
    assert results.design is not None and results.areas.empty
    assert f"Seuls {SAMPLED} quartiers (IRIS) ont des répondants" in results.areas_note
    assert f"au moins {MIN_SAMPLED_AREAS}" in results.areas_note and "estimations directes" in results.areas_note
    direct = results.estimates[results.estimates["domain_type"] == "iris"]
    latest = direct[direct["wave"] == max(results.waves)]
    assert latest["domain"].nunique() == SAMPLED and latest["estimate"].notna().any()


def test_pages_say_why(results):
    quartiers = page_test("pages/neighbourhoods.py", results)
    assert not quartiers.exception
    assert any(results.areas_note in info.value for info in quartiers.info)
    carte = page_test("pages/map.py", results)
    assert not carte.exception
    assert any(results.areas_note == caption.value for caption in carte.caption)
    methodology = page_test("pages/methodology.py", results)
    assert not methodology.exception and any(results.areas_note == md.value for md in methodology.markdown)


def test_cli_says_why(few, capsys):
    assert main(["quartiers", "--territory", str(few)]) == 2
    err = capsys.readouterr().err
    assert f"Seuls {SAMPLED} quartiers (IRIS)" in err and "Traceback" not in err
    assert main(["site", "--territory", str(few), "--out", str(few / "public")]) == 0
