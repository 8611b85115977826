"""Enquête: question × breakdown → table and chart with CI, n and flags; comparisons."""

import dataclasses

from app_harness import empty_results, page_test, with_counts

from observatoire.formatting import WITHHELD, fmt_percent

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


def test_survey_compares_two_waves_with_the_difference_ci():
    at = _select(page_test(PAGE), "Répartition", "wave")
    assert not at.exception
    assert list(at.table[0].value.index) == ["2022", "2024"]
    text = at.markdown[-1].value
    assert text.startswith("2022 − 2024 : ") and "IC à 95 %" in text and "point" in text


def test_survey_compares_two_groups_within_a_wave():
    at = _select(page_test(PAGE), "Répartition", "sex")
    assert not at.exception
    assert at.markdown[-1].value.startswith("Femme − Homme : ")
    at = _select(at, "Second groupe", "F")
    assert any("Choisissez deux groupes différents" in i.value for i in at.info)


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
