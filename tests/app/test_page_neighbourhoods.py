"""Quartiers: ranked IRIS with rank intervals, filters, downloads; withheld direct estimates never shown."""

import dataclasses
import io

import pandas as pd
import pytest
from app_harness import page_test, with_demo
from openpyxl import load_workbook

from observatoire.ui.neighbourhoods import display_ranking

PAGE = "pages/neighbourhoods.py"


def _ranking(at) -> pd.DataFrame:
    return at.table[0].value


def test_neighbourhoods_nominal_lists_top_20_with_rank_intervals(demo):
    at = page_test(PAGE, demo)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Quartiers à cibler"
    table = _ranking(at)
    assert list(table.index) == list(range(1, 21))
    assert len(table) == 20
    for interval, rank in zip(table["Intervalle de rang à 95 %"], table.index):
        low, high = (int(x) for x in interval.split(" à "))
        assert low <= rank <= high
    assert all("[" in cell and "%" in cell for cell in table["Part estimée et IC à 95 %"])
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Liste CSV", "Liste XLSX"]


def test_neighbourhoods_filters_commune_sort_and_top(demo):
    at = page_test(PAGE, demo)
    at.selectbox[0].set_value("33063").run()
    at.radio[0].set_value("index").run()
    at.number_input[0].set_value(5).run()
    assert not at.exception
    table = _ranking(at)
    assert len(table) == 5
    assert all(name.endswith("(Bordeaux)") for name in table["IRIS (commune)"])
    indices = [float(v.replace(",", ".")) for v in table["Indice de fragilité (1 à 10)"]]
    assert indices == sorted(indices, reverse=True)
    assert "indice de fragilité" in at.caption[0].value


def test_small_samples_are_flagged_and_withheld_direct_estimates_hidden(demo):
    assert demo.areas["n_unweighted"].between(1, 10).any()
    at = page_test(PAGE, demo)
    at.number_input[0].set_value(len(demo.areas)).run()  # the whole list
    table = _ranking(at)
    small = table[table["Répondants (n)"].astype(int).between(1, 29)]
    assert (small["Signalements"].str.contains("petit échantillon")).all()
    tiny = table[table["Répondants (n)"].astype(int).between(1, 10)]
    assert (tiny["Estimation directe"] == "donnée non diffusée").all()


def test_display_ranking_never_prints_a_withheld_direct_estimate():
    ranked = pd.DataFrame(
        {"rank": [1, 2, 3], "rank_low": [1, 1, 2], "rank_high": [2, 3, 3], "p_top_k": [0.9, 0.8, 0.3],
         "iris": ["a", "b", "c"], "iris_name": ["A", "B", "C"], "commune_name": ["X"] * 3,
         "estimate": [0.3, 0.2, 0.1], "ci_low": [0.2, 0.1, 0.05], "ci_high": [0.4, 0.3, 0.2],
         "count": [1234.0, 567.0, 89.0], "fragility_index": [9.0, 5.5, 2.0],
         "n_unweighted": [40, 4, 0], "direct": [0.31, None, None], "flag": ["ok", "petit échantillon", "synthétique"]}
    )
    shown = display_ranking(ranked)
    assert list(shown["Estimation directe"]) == ["31,0\u00a0%", "donnée non diffusée", "aucun répondant"]
    assert list(shown["Personnes en difficulté"]) == ["1\u00a0230", "570", "90"]
    assert shown["Signalements"][0] == "aucun"


def test_neighbourhoods_without_areas_says_so(demo):
    at = page_test(PAGE, dataclasses.replace(demo, areas=demo.areas.iloc[0:0]))
    assert not at.exception
    assert "Aucune estimation par IRIS" in at.info[0].value


@pytest.mark.parametrize("is_demo, suffix", [(True, "_demonstration"), (False, "")])
def test_neighbourhoods_downloads_say_demonstration_on_demo_data(demo, downloads, is_demo, suffix):
    at = page_test(PAGE, with_demo(demo, is_demo))
    assert not at.exception
    stem = f"quartiers_share_territoire{suffix}"
    assert set(downloads) == {f"{stem}.csv", f"{stem}.xlsx"}
    book = load_workbook(io.BytesIO(downloads[f"{stem}.xlsx"]()))
    assert (book["Lisez-moi"]["A1"].value == demo.demo_note) is is_demo
    assert (book["Quartiers"].oddHeader.center.text == demo.demo_note) is is_demo
