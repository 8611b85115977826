"""Données: upload → French validation report → results for this session only; templates."""

import tomllib

import streamlit as st
from app_harness import APP, TIMEOUT, page_test, shown
from streamlit.testing.v1 import AppTest

from example_territory import DEMO_SURVEY, ROOT
from observatoire.ui.loaders import CHECKED_KEY, UPLOAD_KEY

PAGE = "pages/data.py"
BAD = b"respondent_id;wave;commune\nA1;2024;99999\n"


def test_data_offers_the_file_templates(demo):
    at = page_test(PAGE)
    assert not at.exception
    survey, indicators = at.get("download_button")
    assert "modèle de fichier d'enquête" in survey.proto.label and survey.proto.url.endswith(".csv")
    assert "indicateurs (Excel)" in indicators.proto.label and indicators.proto.url.endswith(".xlsx")
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    if st.get_option("server.maxUploadSize") == limit:  # run from the project root, as make test does
        assert f"jusqu'à {limit} Mo" in at.markdown[0].value


def test_bad_file_shows_french_findings_and_is_not_used():
    at = page_test(PAGE)
    at.file_uploader[0].set_value(("enquete.csv", BAD, "text/csv")).run()
    assert not at.exception
    assert shown(at.error[0].value).startswith("Fichier non valide : enquete.csv")
    findings = at.dataframe[0].value
    assert list(findings.columns) == ["Ligne", "Colonne", "Valeur", "Problème", "Que faire"]
    commune = findings[findings["Colonne"] == "commune"].iloc[0]
    assert commune["Ligne"] == "2" and commune["Valeur"] == "99999" and "33003 pour Ambarès-et-Lagrave" in commune["Que faire"]
    assert any("n'est pas utilisé" in w.value for w in at.warning)
    assert UPLOAD_KEY not in at.session_state and CHECKED_KEY in at.session_state


def test_unreadable_file_gets_a_french_message():
    at = page_test(PAGE)
    at.file_uploader[0].set_value(("enquete.xlsx", b"not a workbook", "application/octet-stream")).run()
    assert not at.exception
    assert "illisible" in at.error[0].value
    assert any(m.value.startswith("**Que faire :**") for m in at.markdown)


def test_valid_file_is_used_by_every_page_of_this_session_only():
    content = DEMO_SURVEY.read_bytes()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(PAGE).run()
    at.file_uploader[0].set_value(("mon_enquete.csv", content, "text/csv")).run()
    assert not at.exception
    assert at.session_state[UPLOAD_KEY].name == "mon_enquete.csv"
    at.switch_page("pages/home.py").run()
    # The user's file is their own survey; the banner still names the territory's other inputs
    # that are demonstration data.
    assert "mon_enquete.csv" in shown(at.info[0].value)
    demonstration, real = at.warning[0].value.split("Données réelles")
    assert "covariables des IRIS" in demonstration and "enquête" not in demonstration and "enquête" in real
    other_session = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert "enquête" in other_session.warning[0].value.split("Données réelles")[0]
    at.switch_page(PAGE).run()
    next(b for b in at.button if "Revenir aux données du territoire" in b.label).click().run()
    assert UPLOAD_KEY not in at.session_state
    assert "enquête" in at.warning[0].value.split("Données réelles")[0]
