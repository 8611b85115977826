"""What the published figures rest on: which of the territory's inputs are demonstration data.

One sentence, generated from the provenance the territory declares (observatoire.yaml) and the
survey actually used, shown by the app banner, every site page, the open-data readme, export
readme sheets and charts. It is empty when every input is real: real data need no warning.
"""

from __future__ import annotations

from collections.abc import Mapping

from observatoire.territory import INPUTS

DEMONSTRATION = "demonstration"


class Provenanced:
    """Mixin of what carries a `provenance` mapping (pipeline results, site data): the French
    note and whether any input is demonstration data."""

    provenance: Mapping[str, str]

    @property
    def demo_note(self) -> str:
        """Which inputs are demonstration data, in French; "" when all are real."""
        return demonstration_note(self.provenance)

    @property
    def demo_line(self) -> str:
        """The note's first sentence (which inputs are demonstration), for one-line banners."""
        return demonstration_line(self.provenance)

    @property
    def is_demo(self) -> bool:
        return bool(self.demo_note)


def demonstration_inputs(provenance: Mapping[str, str]) -> list[str]:
    return [name for name in INPUTS if provenance.get(name) == DEMONSTRATION]


def demonstration_line(provenance: Mapping[str, str]) -> str:
    """« Données de démonstration — synthétiques, ne pas citer : enquête, … », or ""."""
    demo = demonstration_inputs(provenance)
    if not demo:
        return ""
    return "Données de démonstration — synthétiques, ne pas citer : " + ", ".join(INPUTS[n] for n in demo) + "."


def demonstration_note(provenance: Mapping[str, str]) -> str:
    """`demonstration_line`, then « Données réelles : … » when some inputs are real; "" when no
    input is demonstration."""
    line = demonstration_line(provenance)
    demo = demonstration_inputs(provenance)
    real = [INPUTS[name] for name in INPUTS if name in provenance and name not in demo]
    return line + (" Données réelles : " + ", ".join(real) + "." if line and real else "")
