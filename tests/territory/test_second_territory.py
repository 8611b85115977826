"""A territory that is not the example runs everywhere from its own files: check, every app page,
progress, quartiers, site. Nothing names the example; the words « démonstration » follow exactly
the inputs declared demonstration; the CLI, the site and the app print the pipeline's numbers."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_harness import APP, TIMEOUT, app_pages
from observatoire.cli import main
from observatoire.formatting import fmt_percent
from observatoire.pipeline import Inputs, headline, run
from observatoire.provenance import demonstration_note
from observatoire.scaffold import set_provenance
from observatoire.territory import ENV_VAR, INPUTS, load_territory
from second_territory import NAME, SHORT_NAME

PAGES = app_pages()
EXAMPLE_WORDS = re.compile(r"bordeaux|m[ée]tropole|gironde", re.IGNORECASE)
DEMO_WORDS = re.compile(r"d[ée]monstration", re.IGNORECASE)


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def page_text(at: AppTest) -> str:
    """Every string the page sends to the browser (element protos, tables and charts included)."""
    return "\n".join(node.proto.SerializeToString().decode("utf-8", "ignore")
                     for node in walk(at._tree) if getattr(node, "proto", None) is not None)


def open_page(monkeypatch, root: Path, page: str) -> AppTest:
    monkeypatch.setenv(ENV_VAR, str(root))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def cli(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def site(root: Path, out: Path, capsys) -> dict[str, str]:
    """The site's files, by relative name, as text."""
    cli(capsys, "site", "--territory", str(root), "--out", str(out))
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}


def test_the_second_territory_is_not_the_example(second):
    assert second.name == NAME and not EXAMPLE_WORDS.search(NAME + SHORT_NAME)
    assert not EXAMPLE_WORDS.search(second.config.read_text(encoding="utf-8"))


def test_check_is_clean(second_root, capsys):
    assert main(["check", "--territory", str(second_root)]) == 0
    assert "5 communes, 14 IRIS ; 1 commune sans IRIS" in capsys.readouterr().out


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_serves_the_territory_and_never_names_the_example(monkeypatch, second_root, second_results, entry):
    at = open_page(monkeypatch, second_root, entry.path)
    text = page_text(at)
    assert not EXAMPLE_WORDS.search(text), EXAMPLE_WORDS.findall(text)[:5]
    # The banner: which inputs are demonstration (on the projected presentation, that sentence only).
    expected = second_results.demo_line if entry.url_path == "presentation" else second_results.demo_note
    assert at.warning[0].value == expected and expected.startswith("Données de démonstration")
    if entry.url_path == "accueil":
        assert NAME in at.title[0].value


def test_cli_and_site_never_name_the_example(second_root, tmp_path, capsys):
    outputs = [cli(capsys, "progress", "--territory", str(second_root)),
               cli(capsys, "quartiers", "--territory", str(second_root), "--top", "0"),
               *site(second_root, tmp_path / "site", capsys).values()]
    for text in outputs:
        assert not EXAMPLE_WORDS.search(text), EXAMPLE_WORDS.findall(text)[:5]
    assert "Chaumel" not in outputs[1]  # the commune without IRIS is not in the IRIS list


def test_provenance_words_follow_the_inputs(monkeypatch, second_root, copy_of, tmp_path, capsys):
    root = copy_of(second_root)
    set_provenance(root / "observatoire.yaml", {"covariates": "real"})
    results = run(Inputs.of(load_territory(root)))
    demo, real = results.demo_note.split("Données réelles : ")
    assert INPUTS["covariates"] not in demo and INPUTS["covariates"] in real and INPUTS["survey"] in demo
    assert open_page(monkeypatch, root, "pages/neighbourhoods.py").warning[0].value == results.demo_note
    assert results.demo_note in cli(capsys, "quartiers", "--territory", str(root))
    files = site(root, tmp_path / "site", capsys)
    assert all(results.demo_note in text for name, text in files.items() if name.endswith(".html"))
    assert json.loads(files["donnees/engagements.json"])["demonstration_inputs"] == \
        [name for name in INPUTS if name in results.provenance and name not in ("geo", "covariates")]

    set_provenance(root / "observatoire.yaml", {name: "real" for name in INPUTS})
    assert demonstration_note(load_territory(root).provenance) == ""
    for entry in PAGES:
        at = open_page(monkeypatch, root, entry.path)
        assert not at.warning or not DEMO_WORDS.search(" ".join(w.value for w in at.warning))
        assert not DEMO_WORDS.search(page_text(at)), entry.path
    files = site(root, tmp_path / "real-site", capsys)
    commitments = json.loads(files.pop("donnees/engagements.json"))
    assert commitments["is_demo"] is False and commitments["demonstration_inputs"] == []
    assert not DEMO_WORDS.search(json.dumps([v for k, v in commitments.items() if k != "demonstration_inputs"],
                                            ensure_ascii=False))
    outputs = [cli(capsys, "progress", "--territory", str(root)), cli(capsys, "quartiers", "--territory", str(root)),
               *files.values()]
    assert not any(DEMO_WORDS.search(text) for text in outputs)
    assert not any(DEMO_WORDS.search(p.name) for p in (tmp_path / "real-site").rglob("*"))


def modified_survey(root: Path) -> None:
    """Half of the latest wave's respondents now need help with online procedures."""
    path = root / "data" / "survey.csv"
    survey = pd.read_csv(path, dtype=str, keep_default_na=False)
    latest = survey["wave"] == survey["wave"].max()
    chosen = latest & (survey.index % 2 == 0) & (survey["admin_online"] == "alone_easily")
    survey.loc[chosen, "admin_online"] = "with_help"
    for column in ("reason_skills", "reason_equipment", "reason_site_design", "reason_fear_error", "reason_language"):
        survey.loc[chosen, column] = "0"
    survey.loc[chosen, "help_sought"] = "relatives"
    survey.to_csv(path, index=False, lineterminator="\n")


def test_cli_site_and_app_print_the_pipeline_numbers_on_a_modified_survey(monkeypatch, second_root, second_results,
                                                                           copy_of, tmp_path, capsys):
    root = copy_of(second_root)
    modified_survey(root)
    results = run(Inputs.of(load_territory(root)))
    latest = results.progress.set_index("id").loc["INC01", "latest_value"]
    assert latest != second_results.progress.set_index("id").loc["INC01", "latest_value"]  # the change shows
    # progress
    progress = {row["id"]: row for row in json.loads(cli(capsys, "progress", "--territory", str(root), "--json"))}
    expected = results.progress.set_index("id")
    for indicator in ("INC01", "INC02", "INC05"):
        assert progress[indicator]["latest_value"] == pytest.approx(expected.loc[indicator, "latest_value"])
        assert progress[indicator]["status"] == expected.loc[indicator, "status"]
    # quartiers
    listed = json.loads(cli(capsys, "quartiers", "--territory", str(root), "--top", "0", "--json"))
    areas = results.areas.set_index("domain")
    assert len(listed) == len(areas)
    for row in listed:
        assert row["estimate"] == pytest.approx(areas.loc[row["iris"], "estimate"], abs=5e-5)
    # site: open data and the home page
    files = site(root, tmp_path / "site", capsys)
    published = pd.read_csv(tmp_path / "site" / "donnees" / "estimations.csv", dtype={"domain": str})
    overall = published[(published["variable"] == "in_difficulty") & (published["domain_type"] == "overall")]
    figure = headline(results).set_index("variable").loc["in_difficulty"]
    assert overall.set_index("wave").loc[int(figure["wave"]), "estimate"] == pytest.approx(figure["estimate"], abs=1e-6)
    assert fmt_percent(figure["estimate"]) in files["index.html"]
    commitments = {i["id"]: i for i in json.loads(files["donnees/engagements.json"])["indicators"]}
    assert commitments["INC01"]["latest_value"] == pytest.approx(latest)
    # app
    at = open_page(monkeypatch, root, "pages/home.py")
    assert at.metric[0].value == fmt_percent(figure["estimate"])
