"""Accueil: headline figures, commitments by status and the sample as it is."""

from app_harness import empty_results, page_test, with_counts

from observatoire.formatting import WITHHELD, fmt_percent
from observatoire.pipeline import HEADLINE

PAGE = "pages/home.py"


def test_home_shows_headline_figures_with_ci_n_and_reliability(demo):
    at = page_test(PAGE)
    assert not at.exception
    assert [m.label for m in at.metric] == [demo.spec.variable_labels_fr[v] for v in HEADLINE]
    latest = demo.estimates[(demo.estimates["domain_type"] == "overall") & (demo.estimates["wave"] == 2024)]
    share = latest.set_index("variable").loc["in_difficulty", "estimate"]
    assert at.metric[0].value == fmt_percent(share)
    captions = [c.value for c in at.caption]
    assert sum("IC à 95 %" in c and "n = 5\u00a0000" in c and "fiable" in c for c in captions) == 3


def test_home_counts_commitments_by_progress_status(demo):
    at = page_test(PAGE)
    statuses = at.table[0].value
    assert statuses.index[0] == "Cible atteinte" and statuses.index[-1] == "Non évaluable"
    assert statuses["Engagements"].astype(int).sum() == len(demo.progress) == 40
    assert int(statuses.loc["En bonne voie", "Engagements"]) == (demo.progress["status"] == "on_track").sum()


def test_home_shows_the_demo_sample(demo):
    at = page_test(PAGE)
    counts = at.table[1].value
    assert list(counts.columns) == ["Vague 2022", "Vague 2024"]
    assert counts.loc["Ensemble", "Vague 2022"] == "5\u00a0000"
    assert "Bordeaux" in counts.index and len(counts) == 29
    assert "valide" in at.success[0].value


def test_home_marks_a_fragile_figure_and_hides_a_withheld_one(demo):
    flagged = with_counts(
        demo, {("in_difficulty", "overall", None, 2024): 25, ("no_home_internet", "overall", None, 2024): 8}, "home-flags"
    )
    hidden = demo.estimates.query("variable == 'no_home_internet' and domain_type == 'overall' and wave == 2024")
    at = page_test(PAGE, flagged)
    assert not at.exception
    assert at.metric[0].value.endswith("⚠")
    assert any("à interpréter avec prudence" in c.value for c in at.caption)
    assert at.metric[1].value == WITHHELD
    shown = " ".join([m.value for m in at.metric] + [c.value for c in at.caption])
    assert fmt_percent(hidden["estimate"].iloc[0]) not in shown
    assert "IC" not in next(c.value for c in at.caption if WITHHELD in c.value)


def test_home_with_an_empty_sample_says_so_in_french():
    at = page_test(PAGE, empty_results())
    assert not at.exception
    assert not at.metric and len(at.table) == 1  # commitments still shown, no sample table
    infos = " ".join(info.value for info in at.info)
    assert "Aucun chiffre clé" in infos and "l'échantillon chargé est vide" in infos
    assert "non valide" in at.error[0].value
