"""Quartiers: the ranked list with tiers, the map of priorities and places, one IRIS explained,
the same IRIS selected from the list, the map or the URL; downloads; withheld values never shown."""

import dataclasses
import io
import json

import pandas as pd
import pytest
from app_harness import page_test, with_demo
from openpyxl import load_workbook

from observatoire.areas.ranking import rank_areas
from observatoire.ui import selection
from observatoire.ui.neighbourhoods import display_ranking

PAGE = "pages/neighbourhoods.py"


def _ranking(at) -> pd.DataFrame:
    return at.dataframe[0].value


def _layers(at) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    return {layer["id"]: layer for layer in json.loads(chart.proto.json)["layers"]}


def test_neighbourhoods_nominal_lists_ranks_tiers_and_explains_the_first(demo):
    at = page_test(PAGE, demo)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Quartiers à cibler"
    table = _ranking(at)
    assert list(table["Rang"]) == list(range(1, len(table) + 1))
    assert len(table) == (demo.areas["population_15plus"] >= 200).sum()
    assert set(table["Priorité"]) == {"priorité 1", "priorité 2", "priorité 3"}
    for interval, rank in zip(table["Intervalle de rang à 95 %"], table["Rang"]):
        low, high = (int(x) for x in interval.split(" à "))
        assert low <= rank <= high
    counts = [int(c.replace("\u00a0", "")) for c in table["Personnes en difficulté"]]
    assert counts[:5] == sorted(counts[:5], reverse=True)  # by number of people, the default
    assert "Priorité 1 : plus d'une chance sur deux" in " ".join(c.value for c in at.caption)
    assert "veut dire que ce quartier" in " ".join(c.value for c in at.caption)
    assert at.subheader[0].value == f"Pourquoi {table['IRIS'].iloc[0]} ?"
    assert [b.proto.label for b in at.get("download_button")] == ["Liste CSV", "Liste XLSX"]


def test_map_shows_tiers_places_and_outlines_the_explained_iris(demo):
    at = page_test(PAGE, demo)
    layers = _layers(at)
    assert len(layers["areas"]["data"]["features"]) == 277 and len(layers["places"]["data"]) == 36
    first = demo_first(demo)
    assert layers["selected"]["data"] and at.selectbox[1].value == first
    tiers = {f["properties"]["tier_fr"] for f in layers["areas"]["data"]["features"]}
    assert {"priorité 1", "priorité 2", "priorité 3", "non classé"} <= tiers


def demo_first(demo) -> str:
    return rank_areas(demo.areas, "count", settings=demo.settings)["domain"].iloc[0]


def test_url_row_and_map_select_the_same_iris(demo, monkeypatch):
    """The list and the map write the URL parameter; the page draws everything from it."""
    ranked = rank_areas(demo.areas, "count", settings=demo.settings)
    code = ranked["domain"].iloc[7]
    at = page_test(PAGE, demo)
    at.query_params["iris"] = code
    at.run()
    name = _ranking(at)["IRIS"].iloc[7]
    assert at.subheader[0].value == f"Pourquoi {name} ?" and at.selectbox[1].value == code
    outline = _layers(at)["selected"]["data"][0]["path"]
    shape = next(f for f in demo.geography.iris_shapes["features"] if f["properties"]["code"] == code)
    assert outline == shape["geometry"]["coordinates"][0] or outline in [p[0] for p in shape["geometry"]["coordinates"]]
    # the picker (keyboard) selects another one
    other = ranked["domain"].iloc[2]
    at.selectbox[1].set_value(other).run()
    assert at.query_params["iris"] == other and at.subheader[0].value.startswith(f"Pourquoi {_ranking(at)['IRIS'].iloc[2]}")


class _State(dict):
    def __getattr__(self, name):
        return self[name]


def test_row_and_map_callbacks_choose_the_clicked_iris(monkeypatch):
    import streamlit as st

    params, state = {}, {}
    monkeypatch.setattr(st, "query_params", params)
    monkeypatch.setattr(st, "session_state", state)
    state["list"] = _State(selection=_State(rows=[2]))
    selection.from_row("list", ["a", "b", "c"])
    assert params == {"iris": "c"}
    state["map"] = _State(selection=_State(objects={"areas": [{"properties": {"code": "b", "name": "B"}}]}))
    selection.from_map("map")
    assert params == {"iris": "b"}
    state["map"] = _State(selection=_State(objects={}))  # a click beside the areas keeps the choice
    selection.from_map("map")
    assert params == {"iris": "b"}


def test_why_explains_direct_and_model_in_plain_french(demo):
    ranked = rank_areas(demo.areas, "count", settings=demo.settings)
    few = ranked[ranked["n_unweighted"].between(11, 25) & ranked["rank"].notna()].iloc[0]
    at = page_test(PAGE, demo)
    at.query_params["iris"] = few["domain"]
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert f"{int(few['n_unweighted'])} habitants ont répondu" in text and "IRIS semblables" in text
    assert "poids d'environ" in text
    components = at.table[0].value
    assert len(components) == 6 and set(components["Décile (1 à 10)"]) <= {str(d) for d in range(1, 11)}
    none = ranked[ranked["n_unweighted"] == 0].iloc[0]
    at.query_params["iris"] = none["domain"]
    at.run()
    assert "Aucun habitant" in " ".join(m.value for m in at.markdown)


def test_filters_commune_and_criterion(demo):
    at = page_test(PAGE, demo)
    at.selectbox[0].set_value("33063").run()
    at.radio[0].set_value("index").run()
    assert not at.exception
    table = _ranking(at)
    assert (table["Commune"] == "Bordeaux").all()
    indices = [float(v.replace(",", ".")) for v in table["Indice de fragilité (1 à 10)"]]
    assert indices == sorted(indices, reverse=True)
    assert "indice de fragilité" in at.markdown[0].value


def test_small_samples_are_flagged_and_withheld_direct_estimates_hidden(demo):
    assert demo.areas["n_unweighted"].between(1, 10).any()
    table = _ranking(page_test(PAGE, demo))
    small = table[table["Répondants (n)"].astype(int).between(1, 29)]
    assert (small["Signalements"].str.contains("petit échantillon")).all()
    tiny = table[table["Répondants (n)"].astype(int).between(1, 10)]
    assert len(tiny) and (tiny["Estimation directe"] == "donnée non diffusée").all()


def test_small_iris_are_listed_apart_with_the_reason(demo):
    at = page_test(PAGE, demo)
    unranked = at.table[-1].value
    assert len(unranked) == (demo.areas["population_15plus"] < 200).sum()
    assert unranked["Raison"].str.startswith("non classé : moins de 200 habitants").all()


def test_display_ranking_never_prints_a_withheld_direct_estimate(demo):
    ranked = rank_areas(demo.areas, "share", settings=demo.settings, n_draws=100)
    shown = display_ranking(ranked, demo.geography, demo.settings)
    rows = ranked.dropna(subset=["rank"]).set_index("domain")
    tiny = rows.index[rows["n_unweighted"].between(1, 10)]
    assert (shown.loc[tiny, "Estimation directe"] == "donnée non diffusée").all()
    assert (shown.loc[rows.index[rows["n_unweighted"] == 0], "Estimation directe"] == "aucun répondant").all()


def test_neighbourhoods_without_areas_says_so(demo):
    at = page_test(PAGE, dataclasses.replace(demo, areas=demo.areas.iloc[0:0]))
    assert not at.exception
    assert "Aucune estimation par IRIS" in at.info[0].value


@pytest.mark.parametrize("is_demo, suffix", [(True, "_demonstration"), (False, "")])
def test_neighbourhoods_downloads_say_demonstration_on_demo_data(demo, downloads, is_demo, suffix):
    at = page_test(PAGE, with_demo(demo, is_demo))
    assert not at.exception
    stem = f"quartiers_count_territoire{suffix}"
    assert set(downloads) == {f"{stem}.csv", f"{stem}.xlsx"}
    book = load_workbook(io.BytesIO(downloads[f"{stem}.xlsx"]()))
    assert (book["Lisez-moi"]["A1"].value == demo.demo_note) is is_demo
    assert (book["Quartiers"].oddHeader.center.text == demo.demo_note) is is_demo
    assert [c.value for c in book["Quartiers"][1]][:2] == ["Rang", "Priorité"]
