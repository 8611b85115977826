"""Class breaks, colour-blind-safe palettes and French reliability labels shared by maps and charts.

Palettes are ColorBrewer sequential YlGnBu (Brewer & Harrower, colorbrewer2.org, marked
"colorblind safe" for 3 to 5 classes) and the Okabe–Ito categorical set (Okabe & Ito 2008).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from observatoire.formatting import WITHHELD, fmt_number, fmt_percent

# ColorBrewer YlGnBu, by number of classes (light = low, dark = high).
SEQUENTIAL = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#225ea8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
MAX_CLASSES = max(SEQUENTIAL)
# Okabe–Ito, distinguishable under the common colour-vision deficiencies.
CATEGORICAL = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WITHHELD_COLOUR = "#bdbdbd"
FRAGILE_OUTLINE = "#d55e00"  # Okabe–Ito vermillion: stands out against every YlGnBu class

FLAG_LABELS = {"ok": "fiable", "fragile": "fragile", "withheld": WITHHELD}
FLAG_NOTES = {
    "ok": "",
    "fragile": "estimation fragile : à interpréter avec prudence",
    "withheld": "effectif trop faible : donnée non diffusée",
}


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """`#41b6c4` -> `(65, 182, 196)` (pydeck wants integer channels)."""
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def fmt_value(value: float | None, percent: bool = True) -> str:
    """A share as `12,5 %`, any other value as `12,5`."""
    return fmt_percent(value, 1) if percent else fmt_number(value, 1)


def flag_label(flag: str) -> str:
    """French label of a reliability flag (`ok` -> `fiable`)."""
    return FLAG_LABELS.get(flag, flag)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str


@dataclass(frozen=True)
class Classes:
    """Ordered class edges (k + 1 values) and one colour per class."""

    edges: tuple[float, ...]
    colours: tuple[str, ...]
    percent: bool = True

    def index(self, value: float | None) -> int | None:
        """Class of a value (right-closed intervals, the first one closed); None when missing."""
        if value is None or math.isnan(value):
            return None
        inner = np.asarray(self.edges[1:-1])
        return int(np.searchsorted(inner, value, side="left"))

    def colour(self, value: float | None) -> str:
        position = self.index(value)
        return WITHHELD_COLOUR if position is None else self.colours[position]

    def legend(self) -> list[LegendEntry]:
        """French legend entries, `de 10,0 % à 14,9 %`, then the withheld grey."""
        entries = [
            LegendEntry(f"de {fmt_value(low, self.percent)} à {fmt_value(high, self.percent)}", colour)
            for low, high, colour in zip(self.edges[:-1], self.edges[1:], self.colours)
        ]
        return entries + [LegendEntry(WITHHELD, WITHHELD_COLOUR)]


def quantile_classes(values, k: int = MAX_CLASSES, percent: bool = True) -> Classes:
    """Quantile class edges rounded to 0.1 point (so the legend reads as it is computed).

    Ties and few distinct values reduce the number of classes instead of producing empty ones.
    """
    data = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if data.size == 0:
        return Classes((0.0, 0.0), SEQUENTIAL[1], percent)
    step = 0.001 if percent else 0.1
    # round() first: 0.102 / 0.001 is 101.999… in binary floating point
    lowest = math.floor(round(data.min() / step, 6)) * step
    highest = math.ceil(round(data.max() / step, 6)) * step
    inner = np.round(np.quantile(data, np.linspace(0, 1, min(k, MAX_CLASSES) + 1)[1:-1]) / step) * step
    edges = sorted({round(e, 6) for e in (lowest, *inner, highest)})
    if len(edges) == 1:
        edges = [edges[0], edges[0]]
    return Classes(tuple(edges), SEQUENTIAL[len(edges) - 1], percent)
