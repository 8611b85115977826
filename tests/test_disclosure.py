"""Secondary disclosure: complementary suppression (`protect`) and the audit that proves it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire.disclosure import audit, complementary, protect
from observatoire.stats.reliability import apply_reliability

THRESHOLD = 11


def table(cells, parents=None) -> pd.DataFrame:
    """(domain_type, domain, n) rows of one wave, variable and level, flagged by the n rule."""
    rows = [{"wave": 2024, "variable": "x", "level": "1", "domain_type": kind, "domain": domain, "estimate": 0.2,
             "se": 0.01, "ci_low": 0.18, "ci_high": 0.22, "cv": 0.05, "deff": 1.0, "n_unweighted": n,
             "weighted_n": 100.0 * n, "flag": "ok"} for kind, domain, n in cells]
    return apply_reliability(pd.DataFrame(rows))


COMMUNES = [("overall", None, 600), ("commune", "A", 300), ("commune", "B", 150), ("commune", "C", 8),
            ("commune", "D", 42), ("commune", "E", 100)]


def test_a_single_withheld_cell_is_a_leak_named_in_french():
    (leak,) = audit(table(COMMUNES), labels={"commune": {"C": "Cerons"}})
    assert leak.domains == ("C",) and "« Cerons »" in leak.message_fr and "soustraction" in leak.message_fr


def test_protect_withholds_the_next_smallest_cell_and_leaves_no_leak():
    protected = protect(table(COMMUNES))
    assert list(protected.loc[protected["flag"] == "withheld", "domain"]) == ["C", "D"]
    assert protected.loc[protected["domain"] == "D", ["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert audit(protected) == []


def test_two_withheld_cells_under_the_threshold_together_are_a_leak():
    cells = [("overall", None, 600), ("commune", "A", 500), ("commune", "B", 4), ("commune", "C", 5),
             ("commune", "D", 91)]
    leaks = audit(table(cells))
    assert [leak.domains for leak in leaks] == [("B", "C")] and "9 répondants" in leaks[0].message_fr
    assert set(protect(table(cells)).query("flag == 'withheld'")["domain"]) == {"B", "C", "D"}


def test_a_published_cell_under_the_threshold_is_a_leak():
    planted = table(COMMUNES)
    planted.loc[planted["domain"] == "C", ["flag", "estimate"]] = ["ok", 0.5]
    assert any("est publiée sur 8 répondants" in leak.message_fr for leak in audit(planted))


def test_iris_are_protected_within_their_commune_and_under_a_withheld_commune():
    cells = [*COMMUNES, ("iris", "A1", 5), ("iris", "A2", 100), ("iris", "A3", 195), ("iris", "D1", 20),
             ("iris", "D2", 22)]
    parents = {"iris": ("commune", {"A1": "A", "A2": "A", "A3": "A", "D1": "D", "D2": "D"})}
    assert {leak.domains for leak in audit(table(cells), parents=parents)} >= {("C",), ("A1",)}
    protected = protect(table(cells), parents=parents)
    withheld = set(protected.loc[protected["flag"] == "withheld", "domain"])
    assert withheld == {"C", "D", "A1", "A2", "D1", "D2"}  # D withheld: its IRIS would give it back
    assert audit(protected, parents=parents) == []


def test_cells_without_respondents_neither_hide_nor_protect():
    assert complementary(np.array([0, 5, 50, 60]), np.array([True, True, False, False]), THRESHOLD).tolist() == [
        True, True, True, False]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=200), min_size=2, max_size=12))
def test_protected_tables_never_leak(sizes):
    cells = [("overall", None, sum(sizes))] + [("commune", f"c{i}", n) for i, n in enumerate(sizes)]
    protected = protect(table(cells))
    assert audit(protected) == []
    assert (protected.loc[protected["n_unweighted"] < THRESHOLD, "flag"] == "withheld").all()
