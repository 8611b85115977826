"""Présentation (pages/council.py, url /presentation): the council sequence one screen at a time (`?ecran=N`), navigation, the brief's PDF."""

from __future__ import annotations

import html
import io

import pypdf
from app_harness import TIMEOUT, empty_results, page_test
from streamlit.testing.v1 import AppTest

from example_territory import ROOT
from observatoire import commitments, council
from observatoire.ui.loaders import UPLOAD_KEY, Upload

PAGE = "pages/council.py"


def _screen(results, number) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state[UPLOAD_KEY] = Upload(results.source, "test", results)
    at.query_params["ecran"] = str(number)
    return at.run()


def _text(at) -> str:
    return html.unescape(" ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption))


def test_first_screen_is_the_first_headline_figure_with_its_change(demo):
    at = page_test(PAGE, demo)
    assert not at.exception, [e.message for e in at.exception]
    first = council.figures(demo)[0]
    assert at.title[0].value.startswith("Présentation") and at.header[0].value == first.label
    text = _text(at)
    change = first.change
    assert change.value() in text and f"{change.previous_wave}" in text and change.verdict() in text
    assert change.interval() in text and change.change_interval() in text


def test_the_sequence_goes_figures_then_map_then_commitments_then_neighbourhoods(demo):
    kinds = [screen.kind for screen in council.screens(demo)]
    assert kinds[: len(council.figures(demo))] == ["figure"] * len(council.figures(demo))
    assert kinds.index("map") < kinds.index("statuses") < kinds.index("theme") < kinds.index("areas") == len(kinds) - 1
    shown = [row for screen in council.screens(demo) if screen.kind == "theme" for row in screen.rows["id"]]
    assert shown == [i for _, rows in council.commitments_by_theme(demo) for i in rows["id"]]  # every commitment, once
    assert all(len(screen.rows) <= council.PER_SCREEN for screen in council.screens(demo) if screen.kind == "theme")


def test_every_screen_runs_and_shows_its_title(demo):
    for number, screen in enumerate(council.screens(demo), start=1):
        at = _screen(demo, number)
        assert not at.exception, (number, [e.message for e in at.exception])
        assert at.header[0].value == screen.title
        assert f"Écran {number} sur {len(council.screens(demo))}" in _text(at)


def test_next_and_previous_buttons_move_between_screens_with_arrow_shortcuts(demo):
    at = _screen(demo, 1)
    assert at.button(key="previous").disabled and at.button(key="next").proto.shortcut
    at.button(key="next").click().run()
    assert at.query_params["ecran"] == "2" and at.header[0].value == council.screens(demo)[1].title
    at.button(key="previous").click().run()
    assert at.header[0].value == council.screens(demo)[0].title
    last = _screen(demo, 999)  # beyond the end: the last screen, not an error
    assert last.header[0].value == council.screens(demo)[-1].title and last.button(key="next").disabled


def test_theme_screen_says_status_in_words_and_the_margin_of_error(demo):
    screens = council.screens(demo)
    # A theme screen with a status the projection contradicts (ACH01 and others in the demo).
    number, screen = next((i, s) for i, s in enumerate(screens, start=1)
                          if s.kind == "theme" and any(commitments.short_note(r) for r in s.rows.to_dict("records")))
    text = _text(_screen(demo, number))
    for row in screen.rows.to_dict("records"):
        assert f"{row['status_label']}** — {row['id']}" in text
        assert not commitments.short_note(row) or commitments.short_note(row) in text
        # The margin of error is said in the status label itself.
        assert not row["within_margin"] or "dans la marge d'erreur" in row["status_label"]


def test_map_screen_is_an_accessible_svg_with_its_text_alternative(demo):
    number = next(i for i, s in enumerate(council.screens(demo), start=1) if s.kind == "map")
    at = _screen(demo, number)
    svg = next(m.value for m in at.markdown if "<svg" in m.value)
    assert 'role="img"' in svg and "<desc" in svg and "Valeur la plus basse" in svg


def test_brief_pdf_button_delivers_the_council_brief(demo, downloads):
    at = page_test(PAGE, demo)
    assert not at.exception
    (name,) = [n for n in downloads if n.startswith("note_conseil")]
    assert name == "note_conseil_demonstration.pdf"
    reader = pypdf.PdfReader(io.BytesIO(downloads[name]()))
    assert "Note au conseil" in reader.pages[0].extract_text()


def test_empty_data_says_so_in_french():
    at = page_test(PAGE, empty_results())
    assert not at.exception, [e.message for e in at.exception]
    texts = [i.value for i in at.info]
    if texts:  # no estimate: only the commitments' screens remain, or nothing at all
        assert "Rien à présenter" in texts[0]
    else:
        assert all(s.kind in ("statuses", "theme") for s in council.screens(empty_results()))
