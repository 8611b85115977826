"""Change between survey waves, said the way officials say it: « 18,5 % en 2024, −0,7 point
depuis 2022 », with the interval of the change and one word on its significance.

A change is always the latest wave minus the earlier one. Waves are calibrated separately;
the difference and its interval (at the run's `ci_level`) come from `stats.compare` on the run's design (the
covariance through shared strata is included). A withheld estimate in either wave gives no
change: its figure is never shown, not even through a difference. Streamlit-free: the home
page, the presentation and the council brief read the same sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from observatoire.formatting import WITHHELD, ci_short, fmt_difference, fmt_interval, fmt_percent, fmt_points, fmt_signed_interval
from observatoire.pipeline import Results
from observatoire.stats import compare


def share_text(row: Mapping, interval: bool = True) -> str:
    """An estimate row as read: `18,5 % [17,5 ; 19,6]` (⚠ when fragile), or « donnée non diffusée »."""
    if row["flag"] == "withheld":
        return WITHHELD
    text = fmt_percent(row["estimate"])
    if interval:
        text += f" {fmt_interval(row['ci_low'], row['ci_high'])}"
    return f"{text} ⚠" if row["flag"] == "fragile" else text


@dataclass(frozen=True)
class WaveChange:
    """One share in the latest wave and its change since the previous one (shares in [0, 1])."""

    latest: Mapping  # estimate-table row of the latest wave
    previous: Mapping | None = None  # the previous wave's row (None: a single wave)
    difference: float | None = None  # latest − previous (None: no change can be shown)
    ci_low: float | None = None
    ci_high: float | None = None
    level: float = 0.95  # confidence level of every interval (the run's `ci_level`)

    @property
    def wave(self) -> int:
        return int(self.latest["wave"])

    @property
    def previous_wave(self) -> int | None:
        return None if self.previous is None else int(self.previous["wave"])

    @property
    def withheld(self) -> bool:
        return self.latest["flag"] == "withheld"

    @property
    def significant(self) -> bool | None:
        if self.difference is None:
            return None
        return bool(self.ci_low > 0 or self.ci_high < 0)

    def value(self) -> str:
        """`18,5 %` (marked ⚠ when fragile), or « donnée non diffusée »."""
        return share_text(self.latest, interval=False)

    def interval(self) -> str:
        return "–" if self.withheld else fmt_interval(self.latest["ci_low"], self.latest["ci_high"])

    def headline(self) -> str:
        """« 18,5 % en 2024, −0,7 point depuis 2022 » (or what is missing, in words)."""
        text = f"{self.value()} en {self.wave}"
        if self.difference is not None:
            return f"{text}, {fmt_points(self.difference)} depuis {self.previous_wave}"
        if self.previous is None:
            return f"{text} (première vague d'enquête)"
        if self.withheld:
            return text
        return f"{text} (évolution depuis {self.previous_wave} non diffusée)"

    def change_interval(self) -> str:
        """« IC à 95 % de l'évolution (en points) : [−2,1 ; +0,8] » ("" without a change)."""
        if self.difference is None:
            return ""
        return f"{ci_short(self.level)} de l'évolution (en points) : {fmt_signed_interval(self.ci_low, self.ci_high)}"

    def change_text(self) -> str:
        """« −0,7 point [−2,1 ; +0,8] » (the change and its interval), or a dash."""
        return fmt_difference(self.difference, self.ci_low, self.ci_high)

    def verdict(self) -> str:
        """One phrase on the change: significant rise or fall, or within the margin of error."""
        if self.difference is None:
            return ""
        if not self.significant:
            return "évolution non significative (dans la marge d'erreur)"
        return "hausse significative" if self.difference > 0 else "baisse significative"

    def previous_text(self) -> str:
        """The previous wave's figure: « 19,2 % [17,9 ; 20,5] en 2022 » (or why it is absent)."""
        if self.previous is None:
            return ""
        if self.previous["flag"] == "withheld":
            return f"{WITHHELD} en {self.previous_wave}"
        row = self.previous
        return f"{fmt_percent(row['estimate'])} {fmt_interval(row['ci_low'], row['ci_high'])} en {self.previous_wave}"


def wave_rows(results: Results, variable: str, domain_type: str = "overall", domain: str | None = None) -> pd.DataFrame:
    """Estimate rows (share of level 1) of one derived indicator and group, one per wave, in order."""
    rows = results.estimates
    keep = (rows["variable"] == variable) & (rows["domain_type"] == domain_type)
    keep &= rows["domain"].isna() if domain is None else rows["domain"].astype(str) == str(domain)
    return rows.loc[keep].sort_values("wave").reset_index(drop=True)


def wave_change(results: Results, variable: str, domain_type: str = "overall", domain: str | None = None) -> WaveChange | None:
    """The latest wave's share of `variable` (whole territory, or one group) and its change since
    the previous wave; None when the indicator has no estimate."""
    rows = wave_rows(results, variable, domain_type, domain)
    if rows.empty:
        return None
    level = results.settings["ci_level"]
    latest = rows.iloc[-1].to_dict()
    if len(rows) == 1:
        return WaveChange(latest, level=level)
    previous = rows.iloc[-2].to_dict()
    if "withheld" in (latest["flag"], previous["flag"]) or results.design is None:
        return WaveChange(latest, previous, level=level)
    wave = results.spec.design.wave
    if domain is None:
        by, first, second = wave, latest["wave"], previous["wave"]
    else:
        by, first, second = [wave, domain_type], f"{latest['wave']} | {domain}", f"{previous['wave']} | {domain}"
    diff = compare(results.design, variable, first, second, kind="proportion", level=1, by=by,
                   settings=results.settings).iloc[0]
    return WaveChange(latest, previous, float(diff["difference"]), float(diff["ci_low"]), float(diff["ci_high"]), level)
