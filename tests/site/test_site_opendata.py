"""Open-data files: published aggregates only, each estimate with its CI, n and flag, withheld
cells empty, no respondent-level column, described under Licence Ouverte 2.0."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from observatoire.site.data import PUBLISHED_BREAKDOWNS
from observatoire.site.opendata import ESTIMATE_FILE_COLUMNS, licence_of

RESPONDENT_LEVEL = {"respondent_id", "weight", "iris"}


def read_csv(content: bytes) -> pd.DataFrame:
    text = content.decode("utf-8")  # strict UTF-8, no BOM
    assert not text.startswith("\ufeff")
    return pd.read_csv(io.StringIO(text), sep=",", dtype={"domain": str})


@pytest.fixture(scope="session")
def hand_files(hand_site):
    return {f.name: f for f in hand_site.files}


@pytest.fixture(scope="session")
def demo_estimates(demo_site_dir):
    return read_csv((demo_site_dir / "donnees" / "estimations.csv").read_bytes())


def check_estimates(table: pd.DataFrame) -> None:
    assert list(table.columns) == list(ESTIMATE_FILE_COLUMNS)
    assert not RESPONDENT_LEVEL & set(table.columns)
    assert set(table["domain_type"]) <= set(PUBLISHED_BREAKDOWNS)
    withheld = table["flag"] == "withheld"
    assert table.loc[withheld, ["estimate", "se", "ci_low", "ci_high", "cv", "weighted_n"]].isna().all().all()
    published = table.loc[~withheld]
    assert published[["estimate", "n_unweighted"]].notna().all().all()
    # the CI is there, except for a share of exactly 0 or 1 (no logit interval; see LISEZMOI)
    no_ci = published["ci_low"].isna() | published["ci_high"].isna()
    assert published.loc[no_ci, "estimate"].isin([0.0, 1.0]).all()
    within = published.loc[~no_ci]
    assert ((within["ci_low"] <= within["estimate"]) & (within["estimate"] <= within["ci_high"])).all()
    assert table["n_unweighted"].notna().all() and set(table["flag"]) <= {"ok", "fragile", "withheld"}


def test_hand_estimates_file(hand_files, hand_data):
    table = read_csv(hand_files["donnees/estimations.csv"].content)
    check_estimates(table)
    assert len(table) == len(hand_data.estimates)
    ambes = table[table["domain"] == "33004"]
    assert (ambes["flag"] == "withheld").all() and (ambes["domain_label"] == "Ambès").all()
    assert ambes["estimate"].isna().all() and (ambes["n_unweighted"] == 8).all()


def test_demo_estimates_file_has_every_published_breakdown(demo_estimates):
    check_estimates(demo_estimates)
    assert set(demo_estimates["domain_type"]) == set(PUBLISHED_BREAKDOWNS)
    assert demo_estimates["domain"].dropna().str.len().max() <= 10  # never a 9-character IRIS code… as a domain
    assert not (demo_estimates["domain_type"] == "iris").any()


def test_neighbourhoods_file_has_model_shares_but_no_direct_iris_share(hand_files):
    table = read_csv(hand_files["donnees/quartiers.csv"].content)
    assert "direct" not in table.columns and not RESPONDENT_LEVEL - {"iris"} & set(table.columns)
    assert table[["estimate", "ci_low", "ci_high", "n_unweighted", "flag"]].notna().all().all()
    assert list(table["iris"].astype(str)) == ["330630101", "330630102", "330630103"]


def test_progress_json_is_strict_json_with_every_commitment(hand_files, hand_data):
    text = hand_files["donnees/engagements.json"].content.decode("utf-8")
    assert "NaN" not in text
    document = json.loads(text)
    assert document["licence"] == licence_of("Licence Ouverte 2.0").title and document["date"] == "2026-11-23" and document["is_demo"] is True
    assert [i["id"] for i in document["indicators"]] == list(hand_data.progress["id"])
    first = document["indicators"][0]
    assert first["status"] == "insufficient" and first["latest_ci_low"] == 17.5 and first["projection_2026"] is None
    assert first["theme_title"] == "Inclusion et accès aux droits"


def test_readme_gives_licence_source_date_and_columns(hand_files):
    readme = hand_files["donnees/LISEZMOI.txt"].content.decode("utf-8")
    assert "Licence Ouverte" in readme and "2026-11-23" in readme and "Données de démonstration" in readme
    for column in ESTIMATE_FILE_COLUMNS:
        assert f"- {column} : " in readme and f"- {column} : \n" not in readme
    for name in ("estimations.csv", "quartiers.csv", "engagements.json"):
        assert f"- {name} : " in readme


def test_downloads_page_links_every_file(hand_site, hand_files):
    page = hand_site.pages["donnees.html"]
    for name in hand_files:
        assert f'href="{name}"' in page
