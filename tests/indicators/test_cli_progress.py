"""`observatoire progress` on the committed demo data and on a user's own series."""

from __future__ import annotations

import json

from observatoire.cli import main
from observatoire.indicators.progress import STATUSES

REQUIRED_KEYS = {"id", "title", "latest_year", "latest_value", "target", "status", "ratio", "projection_2026",
                 "projection_low", "projection_high", "reason", "illustrative"}


def test_progress_lists_40_indicators_with_a_status_each(capsys):
    assert main(["progress", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 40 and len({r["id"] for r in rows}) == 40
    for row in rows:
        assert REQUIRED_KEYS <= set(row)
        assert row["status"] in STATUSES
        assert row["status"] != "not_available" or row["reason"]
    # the demo data has every category (and no indicator left without data)
    assert {r["status"] for r in rows} == set(STATUSES) - {"not_available"}
    assert sum(r["illustrative"] for r in rows) == 36


def test_progress_text_table_is_french(capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "Statut" in out and "Cible atteinte" in out and "Open SDG" in out
    assert len([line for line in out.splitlines() if line[:3] in ("INC", "SOB", "ACH", "DON", "CYB", "GOV")]) == 40


def test_progress_on_own_series(tmp_path, capsys):
    values = tmp_path / "mes_valeurs.csv"
    values.write_text("indicator,year,geo_level,geo_code,breakdown,value,ci_low,ci_high,n_unweighted,source,status\n"
                      "SOB03,2021,territory,243300316,,5.0,,,,moi,final\n"
                      "SOB03,2023,territory,243300316,,5.5,,,,moi,final\n"
                      "SOB03,2025,territory,243300316,,6.0,,,,moi,final\n", encoding="utf-8")
    assert main(["progress", "--values", str(values), "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    # SOB03: 5.0 (2021) -> 6.0 (2025), target 6.5 in 2026: actual 1.2**0.25 - 1 = 0.0466351,
    # required 1.3**0.2 - 1 = 0.0538742, R = 0.865634 -> moderate ; exact line 5 + 0.25 (t - 2021) -> 6.25 in 2026
    assert rows["SOB03"]["status"] == "moderate"
    assert abs(rows["SOB03"]["ratio"] - 0.865634) < 1e-5
    assert abs(rows["SOB03"]["projection_2026"] - 6.25) < 1e-9
    assert rows["INC01"]["status"] == "not_available"


def test_progress_bad_values_file_is_a_french_error(tmp_path, capsys):
    assert main(["progress", "--values", str(tmp_path / "absent.csv")]) == 2
    assert "introuvable" in capsys.readouterr().err
