import math

import pytest

from observatoire.viz.legend import SEQUENTIAL, WITHHELD_COLOUR, hex_to_rgb, quantile_classes


@pytest.mark.parametrize(
    "values, k, n_classes",
    [
        ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], 5, 5),
        ([0.1, 0.2, 0.3, 0.4], 3, 3),
        ([0.2, 0.2, 0.2], 5, 1),  # ties collapse instead of producing empty classes
        ([0.1, 0.1, 0.1, 0.5], 5, 2),
    ],
)
def test_quantile_classes_count_and_cover(values, k, n_classes):
    classes = quantile_classes(values, k)
    assert len(classes.colours) == n_classes == len(classes.edges) - 1
    assert classes.colours == SEQUENTIAL[n_classes]
    assert classes.edges[0] <= min(values) and classes.edges[-1] >= max(values)
    assert list(classes.edges) == sorted(classes.edges)
    assert all(0 <= classes.index(v) < n_classes for v in values)


def test_class_index_is_monotonic_and_missing_is_grey():
    classes = quantile_classes([i / 100 for i in range(5, 45)])
    indices = [classes.index(i / 100) for i in range(5, 45)]
    assert indices == sorted(indices) and indices[0] == 0 and indices[-1] == 4
    assert classes.index(math.nan) is None and classes.colour(None) == WITHHELD_COLOUR


def test_legend_is_french_with_withheld_entry():
    legend = quantile_classes([0.102, 0.149, 0.2, 0.25, 0.3]).legend()
    assert legend[0].label.startswith("de 10,2\u00a0% à ")
    assert legend[-1].label == "donnée non diffusée" and legend[-1].colour == WITHHELD_COLOUR


def test_empty_values_give_one_class():
    assert len(quantile_classes([math.nan]).colours) == 1


def test_hex_to_rgb():
    assert hex_to_rgb("#41b6c4") == (65, 182, 196)
