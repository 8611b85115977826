import math

import pytest

from observatoire.formatting import NBSP, fmt_interval, fmt_number, fmt_percent


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(831534, 0, f"831{NBSP}534"), (3.14159, 2, "3,14"), (-1234.5, 1, f"-1{NBSP}234,5"), (None, 0, "–"), (math.nan, 1, "–")],
)
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_fmt_percent_and_interval():
    assert fmt_percent(0.125) == f"12,5{NBSP}%"
    assert fmt_interval(0.102, 0.149) == f"[10,2{NBSP};{NBSP}14,9]"
    assert fmt_interval(2.5, 3.25, decimals=2, percent=False) == f"[2,50{NBSP};{NBSP}3,25]"
    assert fmt_interval(None, 0.1) == "–"
