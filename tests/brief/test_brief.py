"""The council brief (PDF): read back with pypdf, as a reader's PDF viewer would."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pypdf
import pytest

from observatoire import cli
from observatoire.brief import build_brief
from observatoire.council import top_areas
from observatoire.errors import UserError
from observatoire.ui.loaders import territory_results
from observatoire.trends import wave_change

DAY = date(2026, 3, 12)
HEADINGS = ("Note au conseil", "En bref", "Chiffres clés de l'enquête", "Carte :", "Engagements par thème",
            "Quartiers à cibler", "Méthode et sources")


@pytest.fixture(scope="module")
def demo():
    """The demo results, computed once per test process (shared with the app tests' cache)."""
    return territory_results()


@pytest.fixture(scope="module")
def brief(demo) -> bytes:
    return build_brief(demo, day=DAY)


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """Page count and the text of every page, whitespace folded (lines wrap in table cells)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_brief_has_its_sections_every_commitment_and_the_headline_change(demo, brief):
    pages, text = pdf_text(brief)
    assert 4 <= pages <= 10
    for heading in HEADINGS:
        assert heading in text, heading
    assert demo.territory.name in text and "12 mars 2026" in text
    for indicator in demo.progress["id"]:
        assert indicator in text, indicator
    change = wave_change(demo, "in_difficulty")
    assert change.headline().replace("\u00a0", " ") in text  # « 18,5 % en 2024, −0,7 point depuis 2022 »
    assert change.verdict() in text


def test_brief_says_which_inputs_are_demonstration(demo, brief):
    _, text = pdf_text(brief)
    assert demo.demo_note.replace("\u00a0", " ") in text
    assert text.count("Données de démonstration : chiffres synthétiques") >= 4  # on every page's head
    real = dataclasses.replace(demo, provenance={name: "real" for name in demo.provenance})
    _, clean = pdf_text(build_brief(real, day=DAY))
    assert "démonstration" not in clean.lower()


def test_brief_is_identical_across_builds(demo, brief):
    assert build_brief(demo, day=DAY) == brief
    assert build_brief(demo, day=date(2026, 3, 13)) != brief  # the date is the only moving part
    metadata = pypdf.PdfReader(io.BytesIO(brief)).metadata
    assert metadata["/CreationDate"].startswith("D:20260312") and demo.territory.name in metadata["/Title"]


def test_brief_lists_the_top_neighbourhoods(demo, brief):
    _, text = pdf_text(brief)
    first = top_areas(demo).iloc[0]
    assert first["place"] and first["place"] in text


def test_commune_brief_names_the_commune_and_compares_it_with_the_territory(demo):
    code = demo.geography.communes["code"].iloc[1]
    name = demo.geography.commune_names()[code]
    pdf = build_brief(demo, commune=code, day=DAY)
    pages, text = pdf_text(pdf)
    assert pages <= 6
    assert f"Note pour la commune de {name}" in text and f"{name} comparée à l'ensemble" in text
    assert "Écart (IC à 95 %)" in text and demo.demo_note.replace("\u00a0", " ") in text
    assert build_brief(demo, commune=code, day=DAY) == pdf


def test_commune_brief_refuses_an_unknown_code_in_french(demo):
    with pytest.raises(UserError, match="inconnue du territoire"):
        build_brief(demo, commune="99999")


def test_cli_writes_the_brief_and_says_so_in_french(tmp_path, capsys):
    out = tmp_path / "note.pdf"
    assert cli.main(["brief", "--out", str(out), "--date", "2026-03-12"]) == 0
    message = capsys.readouterr().out
    assert f"Note écrite : {out}" in message and "Données de démonstration" in message
    assert out.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob(".*.tmp"))
    assert cli.main(["brief", "--out", str(tmp_path / "note.txt")]) == 2
    assert "PDF" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["brief", "--out", str(out), "--date", "12/03/2026"])
    assert "AAAA-MM-JJ" in capsys.readouterr().err
