"""French number formats shared by the app, the CLI, exports and the site.

Thousands are grouped with a no-break space and decimals use a comma (`831 534`, `12,5 %`),
so that a figure never wraps across lines.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
WITHHELD = "donnée non diffusée"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | None, decimals: int = 0) -> str:
    """`831534` -> `831 534`; `3.14159, 2` -> `3,14`; missing -> `–`."""
    if _missing(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """A share in [0, 1] as a French percentage: `0.125` -> `12,5 %`."""
    if _missing(share):
        return "–"
    return f"{fmt_number(share * 100, decimals)}{NBSP}%"


def fmt_interval(low: float | None, high: float | None, decimals: int = 1, percent: bool = True) -> str:
    """A confidence interval: `[10,2 ; 14,9]` (shares shown as percentage points)."""
    if _missing(low) or _missing(high):
        return "–"
    scale = 100 if percent else 1
    return f"[{fmt_number(low * scale, decimals)}{NBSP};{NBSP}{fmt_number(high * scale, decimals)}]"


def fmt_level(level: float) -> str:
    """A confidence level as a French percentage without needless decimals: `0.95` -> `95 %` (a plain
    space, as in the interval headers « IC à 95 % » that readers and exports already use)."""
    return f"{fmt_number(level * 100, 0 if round(level * 100, 6).is_integer() else 1)} %"


def ci_short(level: float) -> str:
    """`IC à 95 %`: the column header of an interval at `level` (the run's `ci_level` setting)."""
    return f"IC à {fmt_level(level)}"


def ci_long(level: float) -> str:
    """`intervalle de confiance à 95 %`, for sentences."""
    return f"intervalle de confiance à {fmt_level(level)}"
MINUS = "\u2212"  # typographic minus: « −0,7 point », never a hyphen


def fmt_signed(value: float | None, decimals: int = 1) -> str:
    """`0.7` -> `+0,7`, `-0.7` -> `−0,7`, `0` -> `0,0` (a change, always signed)."""
    if _missing(value):
        return "–"
    text = fmt_number(abs(value), decimals)
    if text == fmt_number(0, decimals):
        return text
    return f"{'+' if value > 0 else MINUS}{text}"


def fmt_points(difference: float | None, decimals: int = 1) -> str:
    """A difference of two shares in percentage points: `-0.007` -> `−0,7 point`, `0.023` -> `+2,3 points`."""
    if _missing(difference):
        return "–"
    points = difference * 100
    unit = "point" if round(abs(points), decimals) < 2 else "points"
    return f"{fmt_signed(points, decimals)}{NBSP}{unit}"


def fmt_signed_interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """The interval of a difference of shares, in signed points: `[−2,1 ; +0,8]`."""
    if _missing(low) or _missing(high):
        return "–"
    return f"[{fmt_signed(low * 100, decimals)}{NBSP};{NBSP}{fmt_signed(high * 100, decimals)}]"


def fmt_difference(difference: float | None, low: float | None, high: float | None) -> str:
    """A difference of shares and its interval: `−0,7 point [−2,1 ; +0,8]`; `–` when there is none."""
    if _missing(difference):
        return "–"
    return f"{fmt_points(difference)} {fmt_signed_interval(low, high)}"
