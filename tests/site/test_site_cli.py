"""`observatoire site`: builds the demo site and prints its size table; French errors (exit 2)
for an unusable survey file; the site layer never imports Streamlit."""

from __future__ import annotations

import subprocess
import sys

from observatoire.cli import main


def test_site_command_builds_and_prints_the_size_table(tmp_path, capsys):
    out = tmp_path / "public"
    assert main(["site", "--out", str(out), "--contact", "numerique@exemple.fr"]) == 0
    printed = capsys.readouterr().out
    for name in ("index.html", "enquete.html", "engagements.html", "methodologie.html", "donnees.html", "accessibilite.html"):
        assert (out / name).is_file()
        line = next(line for line in printed.splitlines() if line.startswith(name + " "))
        size, requests = line.split()[1:3]
        assert int(size) == (out / name).stat().st_size and requests == "1"
    assert "HORS BUDGET" not in printed
    assert (out / "donnees" / "estimations.csv").is_file() and (out / "donnees" / "quartiers.csv").is_file()
    assert "numerique@exemple.fr" in (out / "accessibilite.html").read_text(encoding="utf-8")


def test_missing_or_invalid_survey_file_is_a_user_error(tmp_path, capsys):
    assert main(["site", "--out", str(tmp_path / "a"), "--data", str(tmp_path / "absent.csv")]) == 2
    assert "introuvable" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id,wave\nx,2024\n", encoding="utf-8")
    assert main(["site", "--out", str(tmp_path / "b"), "--data", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "n'est pas valide" in err and "observatoire validate" in err
    assert not (tmp_path / "b").exists()


def test_site_layer_does_not_import_streamlit():
    code = ("import sys, observatoire.site.builder, observatoire.commands.site; "
            "sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
