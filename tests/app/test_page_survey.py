"""Enquête: question × breakdown → table and chart with CI, n and flags; comparisons."""

import dataclasses
import json

import pyarrow as pa

from app_harness import empty_results, page_test, with_counts

from observatoire.formatting import WITHHELD, fmt_percent, fmt_points
from observatoire.trends import wave_change

PAGE = "pages/survey.py"


def _select(at, label, value):
    next(box for box in at.selectbox if box.label == label).set_value(value)
    return at.run()


def test_survey_nominal_overall_share_with_chart(demo):
    at = page_test(PAGE)
    assert not at.exception
    table = at.table[0].value
    assert list(table.index) == ["Ensemble"]
    assert list(table.columns) == ["Estimation", "IC à 95 %", "Répondants (n)", "Fiabilité"]
    expected = demo.estimates.query("variable == 'in_difficulty' and domain_type == 'overall' and wave == 2024")
    assert table.loc["Ensemble", "Estimation"] == fmt_percent(expected["estimate"].iloc[0])
    (chart,) = at.get("vega_lite_chart")
    assert "weighted_n" not in chart.proto.spec and "deff" not in chart.proto.spec  # only drawn columns sent


def test_survey_question_by_age_lists_every_band():
    at = page_test(PAGE)
    at = _select(at, "Question", "admin_online")
    at = _select(at, "Répartition", "age_band")
    assert not at.exception
    assert list(at.table[0].value.index) == ["15 à 29 ans", "30 à 44 ans", "45 à 59 ans", "60 à 74 ans", "75 ans ou plus"]
    assert "Seul(e), facilement" in at.selectbox[1].options


def test_survey_marks_fragile_groups_and_withholds_small_ones(demo):
    flagged = with_counts(
        demo, {("in_difficulty", "commune", "33063", 2024): 8, ("in_difficulty", "commune", "33318", 2024): 25}, "survey-flags"
    )
    hidden = demo.estimates.query("variable == 'in_difficulty' and domain_type == 'commune' and domain == '33063' and wave == 2024")
    at = _select(page_test(PAGE, flagged), "Répartition", "commune")
    assert not at.exception
    table = at.table[0].value
    assert table.loc["Bordeaux", "Estimation"] == WITHHELD and table.loc["Bordeaux", "IC à 95 %"] == "–"
    assert fmt_percent(hidden["estimate"].iloc[0]) not in table.loc["Bordeaux"].to_list()
    assert table.loc["Pessac", "Estimation"].endswith("⚠") and "prudence" in table.loc["Pessac", "Fiabilité"]
    assert any(WITHHELD in c.value for c in at.caption)
    compare_options = [box for box in at.selectbox if box.label == "Premier groupe"][0].options
    assert "Bordeaux" not in compare_options and "Pessac" in compare_options


def test_survey_compares_two_waves_latest_minus_earlier(demo):
    at = _select(page_test(PAGE), "Répartition", "wave")
    assert not at.exception
    assert list(at.table[0].value.index) == ["2022", "2024"]
    change = wave_change(demo, "in_difficulty")
    expected = f"2024 par rapport à 2022 : {fmt_points(change.difference)}, IC à 95 % "
    assert at.markdown[-1].value.startswith(expected), at.markdown[-1].value
    # Chosen the other way round, the change is still said as the later wave minus the earlier one.
    at = _select(_select(at, "Premier groupe", "2022"), "Second groupe", "2024")
    assert at.markdown[-1].value.startswith(expected)


def test_survey_compares_two_groups_within_a_wave():
    at = _select(page_test(PAGE), "Répartition", "sex")
    assert not at.exception
    assert at.markdown[-1].value.startswith("Femme par rapport à Homme : ")
    at = _select(at, "Second groupe", "F")
    assert any("Choisissez deux groupes différents" in i.value for i in at.info)


def _chart_rows(at) -> list[dict]:
    """The rows the bar chart draws, in its axis order (Streamlit ships the data as Arrow)."""
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    (data,) = chart.proto.datasets
    frame = pa.ipc.open_stream(data.data.data).read_all().to_pandas()
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert spec["layer"][0]["encoding"]["y"]["sort"] == [r["categorie"] for r in rows]
    return rows


def test_survey_diplomas_follow_the_codebook_order(demo):
    at = _select(page_test(PAGE), "Répartition", "diploma")
    expected = list(demo.spec.labels_fr["diploma"].values())
    assert list(at.table[0].value.index) == expected  # not alphabetical (Aucun, Bac, Bac+2, …)
    assert [r["categorie"] for r in _chart_rows(at)] == expected


def test_survey_communes_are_sorted_by_value_and_withheld_ones_drawn_as_gaps(demo):
    flagged = with_counts(demo, {("in_difficulty", "commune", "33063", 2024): 8}, "survey-gap")
    at = _select(page_test(PAGE, flagged), "Répartition", "commune")
    rows = _chart_rows(at)
    assert len(rows) == demo.geography.communes.shape[0]  # every commune keeps its place
    values = [r["estimation"] for r in rows if r["lacune"] == ""]
    assert values == sorted(values, reverse=True)
    assert rows[-1]["categorie"] == "Bordeaux" and rows[-1]["lacune"] == "non diffusé" and rows[-1]["estimation"] is None
    assert list(at.table[0].value.index) == [r["categorie"] for r in rows]


def test_survey_without_data_says_so_in_french():
    at = page_test(PAGE, empty_results())
    assert not at.exception and not at.table
    assert "Aucune donnée d'enquête valide" in at.info[0].value


def test_survey_answer_nobody_gave_is_said_not_drawn(demo):
    estimates = demo.estimates[demo.estimates["variable"] != "no_device"]
    at = page_test(PAGE, dataclasses.replace(demo, estimates=estimates, fingerprint="survey-no-answer"))
    at = _select(at, "Question", "no_device")
    assert not at.exception and not at.table and not at.get("vega_lite_chart")
    assert "Personne n'a répondu" in at.info[0].value


def test_derived_indicator_offers_no_answer_choice():
    # A 0/1 indicator has one answer: no (greyed, low-contrast) "Réponse" widget is drawn.
    at = _select(page_test(PAGE), "Question", "in_difficulty")
    assert "Réponse" not in [box.label for box in at.selectbox]
    assert "Réponse" in [box.label for box in _select(at, "Question", "admin_online").selectbox]


def test_overall_breakdown_says_how_to_compare():
    at = page_test(PAGE)  # default breakdown: the whole population, a single group
    assert not at.exception
    assert any("choisissez une répartition" in box.value for box in at.info)
    assert not [box for box in at.selectbox if box.label == "Premier groupe"]


def test_a_filtered_question_says_whom_it_was_asked_with_their_number(demo):
    at = page_test(PAGE)
    at = _select(at, "Question", "help_sought")
    assert not at.exception
    label = "Aide sollicitée (parmi les personnes en difficulté avec les démarches en ligne)"
    assert next(box for box in at.selectbox if box.label == "Question").format_func("help_sought") == label
    asked = demo.sample[(demo.sample["wave"] == 2024) & demo.sample["help_sought"].notna()]
    assert len(asked) < (demo.sample["wave"] == 2024).sum() / 2
    captions = " ".join(c.value for c in at.caption)
    assert (f"question posée seulement aux personnes en difficulté avec les démarches en ligne "
            f"({len(asked):,} répondants)".replace(",", "\u00a0")) in captions
    assert "pas parmi l'ensemble des habitants de 15 ans ou plus" in captions
