"""Méthodologie: every figure comes from the settings, the survey description or the results."""

import dataclasses

from app_harness import empty_results, page_test

from observatoire.formatting import fmt_number
from observatoire.settings import SETTINGS

PAGE = "pages/methodology.py"


WITHHOLD = SETTINGS["reliability_withhold_n"].label_fr


def _table(at, first_index: str):
    return next(t.value for t in at.table if first_index in t.value.index)


def test_methodology_lists_design_margins_weighting_and_settings(demo):
    at = page_test(PAGE)
    assert not at.exception
    margins = _table(at, "Commune de résidence")
    total = fmt_number(sum(demo.spec.margins["commune"].values()))
    assert (margins["Population totale"] == total).all()
    weighting = _table(at, "Répondants")
    assert list(weighting.columns) == ["Vague 2022", "Vague 2024"]
    assert weighting.loc["Taille d'échantillon efficace", "Vague 2024"] == fmt_number(demo.weighting["effective_n"].iloc[1])
    assert _table(at, WITHHOLD).loc[WITHHOLD, "Valeur"] == "11"
    assert "En bonne voie" in _table(at, "Cible atteinte").index


def test_methodology_follows_the_settings_in_force(demo):
    stricter = dataclasses.replace(demo, settings={**demo.settings, "reliability_withhold_n": 20, "reliability_withhold_cv": 0.3})
    at = page_test(PAGE, stricter)
    rules = next(m.value for m in at.markdown if "donnée non diffusée" in m.value)
    assert "moins de 20 répondants" in rules and "dépasse 30\u00a0%" in rules
    assert _table(at, WITHHOLD).loc[WITHHOLD, "Valeur"] == "20"


def test_methodology_lists_every_setting_and_what_was_computed(demo):
    at = page_test(PAGE)
    table = _table(at, WITHHOLD)
    assert list(table.index) == [setting.label_fr for setting in SETTINGS.values()]
    assert table.loc[SETTINGS["ci_method_proportion"].label_fr, "Valeur"].startswith("logit (intervalle")
    text = "\n".join(m.value for m in at.markdown)
    published = demo.estimates[demo.estimates["flag"] != "withheld"]
    edge = int(published["estimate"].isin([0.0, 1.0]).sum())
    assert f"{fmt_number(edge)} part(s) publiée(s) valent exactement 0 % ou 100 %" in text
    assert "Secret secondaire" in text and "REML ajusté de Li et Lahiri (AMRL)" in text


def test_methodology_without_data_still_documents_the_method():
    at = page_test(PAGE, empty_results())
    assert not at.exception
    assert any("Aucun diagnostic" in i.value for i in at.info)
    assert _table(at, "Poids de sondage") is not None
