"""Engagements: commitments by theme with status badges in words, filters, deep-linked detail."""

import dataclasses
import io
import json
import math
import textwrap

import pytest
from app_harness import TIMEOUT, page_test, with_demo
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from observatoire.commitments import (
    explain_progress,
    filter_commitments,
    headline_line,
    progress_xlsx,
    status_counts,
    trend_for,
)
from observatoire.indicators.progress import STATUSES
from example_territory import ROOT
from observatoire.ui.loaders import UPLOAD_KEY, Upload

PAGE = "pages/commitments.py"


def _detail(results, indicator_id: str):
    """The page opened by its deep link `?id=...` (page_test has no query parameters)."""
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state[UPLOAD_KEY] = Upload(results.source, "test", results)
    at.query_params["id"] = indicator_id
    return at.run()


def test_overview_groups_40_commitments_by_theme_with_text_badges(demo):
    at = page_test(PAGE, demo)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.startswith("Engagements")
    assert [h.value for h in at.header] == list(demo.catalog.themes.values())
    assert len([b for b in at.button if b.label.startswith("Fiche ")]) == 40
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) == 40
    labels = set(demo.progress["status_label"])
    assert all(any(label in badge for label in labels) for badge in badges)  # words, not colour alone
    counts = at.table[0].value
    assert counts["Engagements"].sum() == 40


def test_overview_filters_by_theme_and_status(demo):
    at = page_test(PAGE, demo)
    at.multiselect[0].set_value(["inclusion"]).run()
    at.multiselect[1].set_value(["target_achieved"]).run()
    assert not at.exception
    expected = demo.progress[(demo.progress["theme"] == "inclusion") & (demo.progress["status"] == "target_achieved")]
    assert sorted(b.label for b in at.button if b.label.startswith("Fiche ")) == sorted(f"Fiche {i}" for i in expected["id"])
    assert [h.value for h in at.header] == ["Inclusion et accès aux droits"]


def test_button_opens_the_detail_and_sets_the_deep_link(demo):
    at = page_test(PAGE, demo)
    next(b for b in at.button if b.label == "Fiche INC01").click().run()
    assert at.query_params["id"] == "INC01"
    assert "INC01" in at.title[0].value


def test_deep_link_shows_trend_and_explained_components(demo):
    at = _detail(demo, "INC01")
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.startswith("Engagements — INC01")
    assert at.get("vega_lite_chart"), "no trend chart"
    explained = next(m.value for m in at.markdown if "Cible :" in m.value)
    assert "Cible : 15,0\u00a0% en 2026" in explained and "Statut :" in explained
    series = at.table[0].value
    assert list(series.index) == ["2022", "2024"]
    assert all(cell.startswith("[") for cell in series["IC à 95 %"])
    assert [b.proto.label for b in at.get("download_button")] == ["Graphique PNG", "Graphique SVG", "Graphique PDF", "Série XLSX"]


def test_withheld_value_is_not_shown_in_the_detail(demo):
    values = demo.indicator_values.copy()
    latest = (values["indicator"] == "INC01") & (values["year"] == 2024) & (values["geo_level"] == "territory")
    values.loc[latest, ["value", "ci_low", "ci_high"]] = math.nan  # withheld: the row keeps its n
    at = _detail(dataclasses.replace(demo, indicator_values=values), "INC01")
    assert not at.exception
    assert list(at.table[0].value.index) == ["2022"]


def test_unknown_id_falls_back_to_the_list(demo):
    at = _detail(demo, "XXX99")
    assert "XXX99" in at.warning[-1].value
    assert len([b for b in at.button if b.label.startswith("Fiche ")]) == 40


def test_empty_catalog_says_so(demo):
    at = page_test(PAGE, dataclasses.replace(demo, progress=demo.progress.iloc[0:0]))
    assert not at.exception
    assert "Aucun engagement" in at.info[0].value


def test_presentation_mode_hides_filters_and_tables(demo):
    at = _detail(demo, "INC01")
    at.toggle[0].set_value(True).run()
    assert not at.exception
    assert not at.table and not at.get("download_button") and at.get("vega_lite_chart")


ROW = {
    "id": "INC01", "title": "t", "theme": "inclusion", "unit_short": "%", "decimals": 1, "status": "moderate",
    "status_label": "Progrès modéré, à accélérer", "reason": "", "caveat": "", "direction": "decrease",
    "target": 15.0, "target_year": 2026, "base_year": 2022, "base_value": 20.0, "latest_year": 2024,
    "latest_value": 18.0, "latest_ci_low": 17.0, "latest_ci_high": 19.0, "cagr_actual": -0.0513,
    "cagr_required": -0.0694, "ratio": 0.739, "growth_progress": None, "threshold_high": 0.95, "threshold_med": 0.6,
    "projection_year": 2026, "projection_2026": 16.1, "projection_low": 14.0, "projection_high": 18.2,
    "projection_probability": 0.21, "projection_reason": "",
}


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, "Rythme observé rapporté au rythme nécessaire : 0,74"),
        ({}, "il faudrait une évolution de -6,9\u00a0% par an ; l'évolution observée est de -5,1\u00a0% par an"),
        ({}, "la valeur en 2026 serait de 16,1\u00a0% (intervalle de prédiction à 95 % : [14,0\u00a0;\u00a018,2]) ; "
             "probabilité d'atteindre la cible : 21\u00a0%"),
        ({"target": None, "ratio": None, "growth_progress": 0.051, "threshold_high": 0.015, "threshold_med": 0.005},
         "Sans cible, l'évolution observée"),
        ({"target": None}, "Pas de cible chiffrée ; une baisse est souhaitée."),
        ({"projection_2026": None, "projection_reason": "2 point(s) seulement"}, "Pas de projection : 2 point(s) seulement."),
        ({"projection_2026": None, "projection_reason": math.nan}, "Pas de projection."),
        ({"ratio": None}, "il faudrait une évolution de -6,9\u00a0% par an"),
        ({"caveat": "l'intervalle contient la cible"}, "Attention : l'intervalle contient la cible."),
        ({"status": "not_available", "status_label": "Non évaluable", "cagr_actual": None, "ratio": None,
          "reason": "aucune valeur depuis l'année de référence 2022"},
         "En résumé : aucune valeur depuis l'année de référence 2022."),
    ],
)
def test_explain_progress_in_plain_french(change, expected):
    lines = explain_progress({**ROW, **change})
    assert any(expected in line for line in lines), lines


def test_explain_progress_skips_missing_text_components():
    lines = explain_progress({**ROW, "reason": math.nan, "caveat": math.nan, "projection_reason": None})
    assert not any("nan" in line.lower() for line in lines), lines
    assert lines[0].startswith("Point de départ") and not any(line.startswith("Attention") for line in lines)


def test_headline_line_and_filters():
    assert headline_line(ROW) == "18,0\u00a0% [17,0\u00a0;\u00a019,0] en 2024 · cible 15,0\u00a0% en 2026"
    assert headline_line({**ROW, "latest_value": None, "target": None}) == "aucune valeur · sans cible chiffrée"


def test_filters_and_counts(demo):
    progress = demo.progress
    assert filter_commitments(progress).equals(progress)
    shown = filter_commitments(progress, ["sobriete"], ["on_track", "moderate"])
    assert set(shown["theme"]) <= {"sobriete"} and set(shown["status"]) <= {"on_track", "moderate"}
    counts = status_counts(progress)
    assert counts["count"].sum() == 40
    assert list(counts["status"]) == [s for s in STATUSES if s in set(progress["status"])]


@pytest.mark.parametrize("is_demo, suffix", [(True, "_demonstration"), (False, "")])
def test_card_downloads_say_demonstration_on_demo_data(demo, downloads, is_demo, suffix):
    at = _detail(with_demo(demo, is_demo), "INC01")
    assert not at.exception
    assert set(downloads) == {f"INC01{suffix}.{fmt}" for fmt in ("png", "svg", "pdf", "xlsx")}
    assert (">Données de démonstration — synthétiques, ne pas citer" in downloads[f"INC01{suffix}.svg"]().decode()) is is_demo
    book = load_workbook(io.BytesIO(downloads[f"INC01{suffix}.xlsx"]()))
    assert len(book.worksheets) == 4  # Lisez-moi, Série, Progression, Dictionnaire
    assert all((sheet.oddHeader.center.text == demo.demo_note) is is_demo for sheet in book.worksheets)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    # The page's chart says it too, every word of the provenance note.
    if is_demo:
        assert " ".join(spec["title"]["subtitle"]) == demo.demo_note
    else:
        assert isinstance(spec["title"], str)


def test_overview_download_says_demonstration(demo, downloads):
    assert not page_test(PAGE, demo).exception
    assert demo.is_demo and list(downloads) == ["engagements_demonstration.xlsx"]
    readme = load_workbook(io.BytesIO(downloads["engagements_demonstration.xlsx"]()))["Lisez-moi"]
    assert readme["A1"].value == demo.demo_note


@pytest.mark.parametrize("demo_flag", [True, False])
def test_trend_and_progress_exports_are_labelled_only_on_demo_data(demo, demo_flag):
    row = demo.progress.set_index("id", drop=False).loc["INC01"]
    series = demo.indicator_values.query("indicator == 'INC01' and geo_level == 'territory'")
    note = demo.demo_note if demo_flag else ""
    title = trend_for(row, series, demo=note).to_dict()["title"]
    assert title == ({"text": row["title"], "subtitle": textwrap.wrap(note, 90)} if demo_flag else row["title"])
    readme = load_workbook(io.BytesIO(progress_xlsx(demo.progress, demo=note)))["Lisez-moi"]
    assert (readme["A1"].value == demo.demo_note) is demo_flag


def test_overview_counts_and_card_says_when_status_and_projection_disagree(demo):
    at = page_test(PAGE)
    split = demo.progress[demo.progress["agreement"] == "status_optimistic"]
    assert any(i.value.startswith(f"{len(split)} engagements sur 40 ont un statut que la projection") for i in at.info)
    card = _detail(demo, "ACH01")
    assert card.warning[0].value.startswith("Attention : statut et projection divergent")
    assert any("Statut et projection divergent" in m.value and "taux composé" in m.value for m in card.markdown)
