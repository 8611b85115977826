"""Progress towards the targets, by the Open SDG method (inspired by Eurostat's SDG monitoring).

Formulas (open-sdg/sdg-build `sdg/ProgressMeasure.py`, open-sdg/docs `progress-methodology.md`):
    CAGR(a, b, ta, tb) = (a / b) ** (1 / (ta - tb)) - 1
    d = +1 if higher is better else -1 ; s = -1 if base < 0 else +1 ; a zero base or target -> 0.001
    with a target:    R = s*d*CAGR(cur, base) / |CAGR(target, base)|
                      achieved -> target_achieved ; R >= 0.95 on_track ; 0.60 <= R < 0.95 moderate ;
                      0 <= R < 0.60 insufficient ; R < 0 moving_away
    without a target: P = s*d*CAGR(cur, base), thresholds 1.5 % x C, 0.5 % x C, 0 (C from the
                      natural limit, a = 4.44)
Open SDG's labels substantial/moderate/limited progress/deterioration are renamed on_track/
moderate/insufficient/moving_away. Two directions Open SDG lacks are handled explicitly: `band`
(inside the band = achieved; outside, the nearest bound is the target) and `binary` (achieved or
not). Edge cases give a status with a `reason`, never an exception; every component is returned.

Two readings are reconciled in words, in one place (`agreement`, `_margin`), for the app, the site
and the CLI:
- the status extrapolates the compound growth rate since the base year, the projection a linear
  trend fitted on every observed value (projection.py); when a favourable status meets a
  probability of reaching the target below 50 % (or an unfavourable one above 50 %),
  `agreement` says so and why (`agreement_note`);
- a survey value carries sampling error: when its confidence interval contains the target (or
  the value the required path gives for its year), the status label says « dans la marge
  d'erreur » with the interval (`within_margin`), instead of a bare achieved or missed.
"""

from __future__ import annotations

import pandas as pd

from observatoire.formatting import fmt_number
from observatoire.indicators.catalog import Catalog, Indicator
from observatoire.indicators.projection import project
from observatoire.indicators.values import TERRITORY_LEVEL

METHOD = "open_sdg_progress"
# Published as is: the source is named in words (the code reference is in docs/).
CITATION = ("mesure des progrès du projet Open SDG, inspirée de la méthode d'Eurostat pour le suivi des objectifs "
            "de développement durable (ODD)")
ZERO_SUBSTITUTE = 0.001  # Open SDG's substitute for a zero base value or target
TARGET_THRESHOLDS = {"high": 0.95, "med": 0.60, "low": 0.0}
GROWTH_THRESHOLDS = {"high": 0.015, "med": 0.005, "low": 0.0}
LIMIT_EXPONENT = 4.44
STATUSES = ("target_achieved", "on_track", "moderate", "insufficient", "moving_away", "not_available")
STATUS_LABELS_FR = {
    "target_achieved": "Cible atteinte",
    "on_track": "En bonne voie",
    "moderate": "Progrès modéré, à accélérer",
    "insufficient": "Progrès insuffisant",
    "moving_away": "S'éloigne de la cible",
    "not_available": "Non évaluable",
}
HEADLINE_GEO_LEVEL = TERRITORY_LEVEL
# Statuses that say the target is (being) reached, and those that say it is not.
FAVOURABLE = ("target_achieved", "on_track")
UNFAVOURABLE = ("moderate", "insufficient", "moving_away")
AGREEMENTS = ("agree", "status_optimistic", "status_pessimistic", "")  # "" = no probability to compare
MARGIN_LABEL = "dans la marge d'erreur"


def cagr(current: float, base: float, t_current: int, t_base: int) -> float:
    return (current / base) ** (1 / (t_current - t_base)) - 1


def limit_coefficient(base: float, limit: float | None) -> float:
    """Open SDG's threshold reduction near a natural limit (C = 1 without a limit)."""
    if limit is None:
        return 1.0
    base, limit = abs(base), abs(limit)
    if base >= 2 * limit:
        return 1.0
    if base <= limit:
        return 1 - (base / limit) ** LIMIT_EXPONENT
    return 1 - ((2 * limit - base) / limit) ** LIMIT_EXPONENT


def status_from_value(value: float, thresholds: dict[str, float]) -> str:
    if value >= thresholds["high"]:
        return "on_track"
    if value >= thresholds["med"]:
        return "moderate"
    if value >= thresholds["low"]:
        return "insufficient"
    return "moving_away"


def score_with_target(ratio: float) -> float:
    if ratio >= 0.60:
        return min(7.1429 * ratio - 4.2857, 5)
    return max(4.1667 * ratio - 2.5, -5)


def score_without_target(p: float, thresholds: dict[str, float], coeff: float) -> float:
    if p < thresholds["low"]:
        return max(125 * p - 2.5, -5)
    if coeff == 0:
        return 5.0
    if p >= thresholds["high"]:
        return min(500 * p / coeff - 5, 5)
    if p >= thresholds["med"]:
        return 250 * p / coeff - 1.25
    return 500 * p / coeff - 2.5


def headline_rows(values: pd.DataFrame) -> pd.DataFrame:
    """The territory-level, undisaggregated rows with a value, of every indicator."""
    mask = (values["geo_level"] == HEADLINE_GEO_LEVEL) & (values["breakdown"].fillna("") == "") & values["value"].notna()
    return values.loc[mask]


def headline_series(values: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The territory-level, undisaggregated rows of one indicator, sorted by year."""
    rows = headline_rows(values)
    return _sorted(rows[rows["indicator"] == indicator_id])


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.sort_values("year").reset_index(drop=True)


def _num(value: float) -> str:
    return fmt_number(value, 3 if abs(value) < 1 else 1)


def _rate(rate: float) -> str:
    sign = "+" if rate > 0 else ""
    return f"{sign}{fmt_number(100 * rate, 1)} %/an"


def _empty(indicator: Indicator) -> dict:
    return {
        "status": "not_available", "reason": "", "caveat": "", "notes": [],
        "method": METHOD, "citation": CITATION, "direction": indicator.direction,
        "target": indicator.target, "target_year": indicator.target_year,
        "base_year": None, "base_value": None, "base_value_used": None,
        "latest_year": None, "latest_value": None, "latest_ci_low": None, "latest_ci_high": None,
        "n_points": 0, "cagr_actual": None, "cagr_required": None, "ratio": None,
        "growth_progress": None, "threshold_high": None, "threshold_med": None,
        "threshold_low": None, "limit_coefficient": None, "sign": None, "direction_sign": None,
        "score": None, "within_margin": False, "required_path_value": None,
    }


def assess_series(indicator: Indicator, series: pd.DataFrame) -> dict:
    """Assess one headline series (columns year, value, optional ci_low/ci_high)."""
    out = _empty(indicator)
    out["n_points"] = len(series)
    if series.empty:
        return _na(out, "aucune valeur pour cet indicateur")
    dupes = sorted(series.loc[series["year"].duplicated(keep=False), "year"].unique())
    if dupes:
        return _na(out, "plusieurs valeurs pour la même année (" + ", ".join(str(int(y)) for y in dupes)
                   + ") : corrigez la série avant de mesurer la progression")
    latest = series.iloc[-1]
    out.update(latest_year=int(latest["year"]), latest_value=float(latest["value"]),
               latest_ci_low=_opt(latest.get("ci_low")), latest_ci_high=_opt(latest.get("ci_high")))
    if not _locate_base(indicator, series, out):
        return out
    if indicator.direction == "binary":
        return _binary(indicator, series, out)
    target, d = _effective_target(indicator, out)
    out["direction_sign"] = d
    if out["status"] == "target_achieved":
        return out
    if target is not None and _achieved(out["latest_value"], target, d):
        return _achieved_status(out, target)
    if out["latest_year"] - out["base_year"] < 1:
        return _na(out, "moins de deux points depuis l'année de référence : progression non mesurable")
    base = out["base_value"]
    if base == 0:
        base = ZERO_SUBSTITUTE
        out["notes"].append(f"valeur de référence nulle remplacée par {_num(ZERO_SUBSTITUTE)} (règle Open SDG) : "
                            "le taux de croissance est alors peu interprétable")
    out["base_value_used"] = base
    current = out["latest_value"]
    if (base > 0 > current) or (base < 0 < current):
        return _na(out, "valeur de référence et dernière valeur de signes opposés : taux de croissance non défini")
    out["sign"] = -1 if base < 0 else 1
    out["cagr_actual"] = cagr(current, base, out["latest_year"], out["base_year"])
    if target is None:
        return _without_target(indicator, out, base)
    return _with_target(out, base, target, d)


def _opt(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _na(out: dict, reason: str) -> dict:
    out["status"] = "not_available"
    out["reason"] = reason
    return _finish(out)


def _finish(out: dict) -> dict:
    """Fold the notes into the reason and add the sampling-error caveat, whatever the status."""
    if out["notes"]:
        out["reason"] = " ; ".join([r for r in [out["reason"]] if r] + out["notes"])
    _margin(out)
    del out["notes"]
    return out


def _margin(out: dict) -> None:
    """`within_margin` and its caveat when the latest value's interval contains the target, or
    the value of the required path in the latest year (then neither ahead nor behind is shown)."""
    low, high, target = out["latest_ci_low"], out["latest_ci_high"], out["target"]
    if None in (low, high) or target is None:
        return
    interval = f"[{_num(low)} ; {_num(high)}]"
    if low <= target <= high:
        out["within_margin"] = True
        out["caveat"] = (f"l'intervalle de confiance de la dernière valeur {interval} contient la cible "
                         f"({_num(target)}) : l'enquête ne permet pas de dire si la cible est atteinte ou non")
        return
    path = _required_path_value(out)
    if path is not None and low <= path <= high and out["status"] != "not_available":
        out["within_margin"] = True
        out["required_path_value"] = path
        out["caveat"] = (f"l'intervalle de confiance de la dernière valeur {interval} contient la valeur du chemin "
                         f"nécessaire en {out['latest_year']} ({_num(path)}) : l'avance ou le retard sur le rythme "
                         "nécessaire n'est pas significatif")


def _required_path_value(out: dict) -> float | None:
    """Where the constant growth from the base to the target would be in the latest year."""
    required, base = out["cagr_required"], out["base_value_used"]
    if required is None or base is None:
        return None
    return base * (1 + required) ** (out["latest_year"] - out["base_year"])


def _locate_base(indicator: Indicator, series: pd.DataFrame, out: dict) -> bool:
    """Open SDG rule: the base year, or else the next year with data."""
    wanted = indicator.baseline.year
    years = series["year"].astype(int)
    later = years[years >= wanted]
    if later.empty:
        _na(out, f"aucune valeur depuis l'année de référence {wanted}")
        return False
    base_year = int(later.min())
    if base_year != wanted:
        out["notes"].append(f"année de référence {wanted} absente de la série : {base_year} utilisée "
                            "(première année disponible ensuite, règle Open SDG)")
    out["base_year"] = base_year
    out["base_value"] = float(series.loc[years == base_year, "value"].iloc[0])
    return True


def _effective_target(indicator: Indicator, out: dict) -> tuple[float | None, int]:
    """Target and direction sign; for a band, the nearest bound when outside (achieved when inside)."""
    if indicator.direction != "band":
        d = 1 if indicator.direction == "increase" else -1
        if indicator.target == 0:
            out["notes"].append(f"cible nulle remplacée par {_num(ZERO_SUBSTITUTE)} (règle Open SDG)")
            return ZERO_SUBSTITUTE, d
        return indicator.target, d
    band, current = indicator.band, out["latest_value"]
    out["target"] = None
    if band.low <= current <= band.high:
        out["status"] = "target_achieved"
        out["score"] = 5.0
        out["reason"] = (f"dernière valeur ({_num(current)}) dans la fourchette "
                         f"[{_num(band.low)} ; {_num(band.high)}]")
        _finish(out)
        return None, 1
    below = current < band.low
    out["target"] = band.low if below else band.high
    out["notes"].append(f"hors de la fourchette [{_num(band.low)} ; {_num(band.high)}] : la borne la plus "
                        f"proche ({_num(out['target'])}) sert de cible")
    return out["target"], 1 if below else -1


def _achieved(current: float, target: float, d: int) -> bool:
    return current >= target if d == 1 else current <= target


def _achieved_status(out: dict, target: float) -> dict:
    out["status"] = "target_achieved"
    out["score"] = 5.0
    out["reason"] = f"la dernière valeur ({_num(out['latest_value'])}) atteint la cible ({_num(target)})"
    if out["latest_year"] == out["base_year"]:
        out["notes"].append("un seul point depuis l'année de référence : le rythme n'est pas mesuré")
    return _finish(out)


def _with_target(out: dict, base: float, target: float, d: int) -> dict:
    if (base > 0 > target) or (base < 0 < target):
        return _na(out, "cible et valeur de référence de signes opposés : taux de croissance requis non défini")
    if out["target_year"] <= out["base_year"]:
        return _na(out, "l'année de référence n'est pas antérieure à l'année cible")
    required = cagr(target, base, out["target_year"], out["base_year"])
    out["cagr_required"] = required
    out.update(threshold_high=TARGET_THRESHOLDS["high"], threshold_med=TARGET_THRESHOLDS["med"],
               threshold_low=TARGET_THRESHOLDS["low"])
    if required == 0:
        out["status"] = "moving_away"
        out["score"] = -5.0
        out["reason"] = "cible égale à la valeur de référence et non tenue : la série s'en écarte"
        return _finish(out)
    ratio = out["sign"] * d * out["cagr_actual"] / abs(required)
    out["ratio"] = ratio
    out["reason"] = (f"évolution annuelle moyenne {_rate(out['cagr_actual'])} depuis {out['base_year']}, "
                     f"{_rate(required)} nécessaire pour atteindre la cible en {out['target_year']} : "
                     f"ratio {fmt_number(ratio, 2)}")
    out["score"] = score_with_target(ratio)
    out["status"] = status_from_value(ratio, TARGET_THRESHOLDS)
    return _finish(out)


def _without_target(indicator: Indicator, out: dict, base: float) -> dict:
    d = 1 if indicator.direction == "increase" else -1
    out["direction_sign"] = d
    coeff = limit_coefficient(base, indicator.limit)
    thresholds = {k: v * coeff for k, v in GROWTH_THRESHOLDS.items()}
    p = out["sign"] * d * out["cagr_actual"]
    out.update(growth_progress=p, limit_coefficient=coeff, threshold_high=thresholds["high"],
               threshold_med=thresholds["med"], threshold_low=thresholds["low"],
               score=score_without_target(p, thresholds, coeff),
               status=status_from_value(p, thresholds))
    out["reason"] = (f"sans cible : évolution annuelle moyenne {_rate(out['cagr_actual'])} depuis "
                     f"{out['base_year']}, comparée aux seuils {_rate(thresholds['med'])} et {_rate(thresholds['high'])}")
    return _finish(out)


def _binary(indicator: Indicator, series: pd.DataFrame, out: dict) -> dict:
    target = 1.0 if indicator.target is None else float(indicator.target)
    current = out["latest_value"]
    if current == target:
        out["status"], out["score"] = "target_achieved", 5.0
        out["reason"] = "indicateur binaire : objectif atteint"
    elif (series["value"] == target).any():
        out["status"], out["score"] = "moving_away", -5.0
        out["reason"] = "indicateur binaire : objectif atteint auparavant mais plus à la dernière valeur"
    else:
        out["status"] = "insufficient"
        out["reason"] = "indicateur binaire : objectif pas encore atteint (pas de rythme mesurable)"
    return _finish(out)


def status_label(row: dict) -> str:
    """The status in words; « dans la marge d'erreur » with the interval when sampling error
    leaves it undecided."""
    label = STATUS_LABELS_FR[row["status"]]
    if not row.get("within_margin"):
        return label
    decimals = int(row.get("decimals") or 1)
    interval = f"[{fmt_number(row['latest_ci_low'], decimals)} ; {fmt_number(row['latest_ci_high'], decimals)}]"
    return f"{label}, {MARGIN_LABEL} {interval}"


def _with_unit(value: float, row: dict) -> str:
    unit = row.get("unit_short") or ""
    return f"{fmt_number(value, int(row.get('decimals') or 1))} {unit}".strip()


def agreement(row: dict) -> tuple[str, str]:
    """Whether the status and the projection's probability of reaching the target tell the same
    story (`AGREEMENTS`), and, when they do not, why in plain French."""
    probability = row.get("projection_probability")
    if probability is None or pd.isna(probability) or row["status"] == "not_available":
        return "", ""
    optimistic = row["status"] in FAVOURABLE and probability < 0.5
    pessimistic = row["status"] in UNFAVOURABLE and probability > 0.5
    if not (optimistic or pessimistic):
        return "agree", ""
    trend = (f"la projection prolonge la tendance linéaire des {int(row['projection_points'])} valeurs observées "
             f"({_slope(row)}) et donne {_with_unit(row['projection_2026'], row)} en "
             f"{int(row['projection_year'])}, soit une probabilité {_chance(probability)} d'atteindre la cible")
    if row["status"] == "target_achieved":
        status = "le statut constate que la dernière valeur atteint la cible"
    elif row.get("cagr_actual") is not None and not pd.isna(row.get("cagr_actual")):
        status = (f"le statut suppose que l'évolution annuelle moyenne depuis {int(row['base_year'])} "
                  f"({_rate(row['cagr_actual'])}, taux composé) se poursuit")
        if row.get("target_year") and row.get("latest_value") is not None:
            compound = row["latest_value"] * (1 + row["cagr_actual"]) ** (row["target_year"] - row["latest_year"])
            status += f", ce qui mènerait à {_with_unit(compound, row)} en {int(row['target_year'])}"
    else:
        status = f"le statut compare le rythme observé aux seuils de la méthode ({row['status_label'].lower()})"
    verdict = ("le statut est plus favorable que la projection" if optimistic
               else "la projection est plus favorable que le statut")
    return ("status_optimistic" if optimistic else "status_pessimistic",
            f"Statut et projection divergent ({verdict}) : {status} ; {trend}")


def _chance(probability: float) -> str:
    if probability < 0.005:
        return "de moins de 1 %"
    if probability > 0.995:
        return "de plus de 99 %"
    return f"de {fmt_number(100 * probability, 0)} %"


def _slope(row: dict) -> str:
    """`hausse de 6,7 points par an` (percentages change by points), `baisse de 120 t par an`."""
    slope = row["projection_slope"]
    size = fmt_number(abs(slope), int(row.get("decimals") or 1))
    unit = "points" if row.get("unit_short") == "%" else (row.get("unit_short") or "")
    return f"{'hausse' if slope >= 0 else 'baisse'} de {size} {unit} par an".replace("  ", " ")


def assess_progress(catalog: Catalog, values: pd.DataFrame, projection_year: int | None = None) -> pd.DataFrame:
    """One row per indicator: every component of the assessment, the projection, and whether
    they agree (`agreement`, `agreement_note`)."""
    headline = headline_rows(values)
    groups = dict(tuple(headline.groupby("indicator", sort=False)))
    rows = []
    for ind in catalog.indicators:
        series = _sorted(groups.get(ind.id, headline.iloc[:0]))
        row = {"id": ind.id, "title": ind.title, "theme": ind.theme, "unit_short": ind.unit_short,
               "decimals": ind.decimals, "illustrative": ind.illustrative, "catalog_status": ind.status}
        row.update(_assessment(ind, series, projection_year or ind.target_year))
        row["status_label"] = status_label(row)
        row["agreement"], row["agreement_note"] = agreement(row)
        rows.append(row)
    return pd.DataFrame(rows)


# Assessments already made, by (indicator, projection year, series points): an upload's run
# recomputes only the indicators its survey changes. Bounded; entries are never mutated.
_ASSESSED: dict[tuple, dict] = {}
MAX_ASSESSED = 1024
POINT_COLUMNS = ("year", "value", "ci_low", "ci_high")  # all that assess_series and project read


def _assessment(indicator: Indicator, series: pd.DataFrame, year: int) -> dict:
    points = tuple(
        tuple(None if pd.isna(v) else v for v in row)
        for row in series.reindex(columns=list(POINT_COLUMNS)).itertuples(index=False, name=None)
    )
    key = (indicator, year, points)
    if key not in _ASSESSED:
        if len(_ASSESSED) >= MAX_ASSESSED:
            _ASSESSED.clear()
        _ASSESSED[key] = {**assess_series(indicator, series), **project(indicator, series, year)}
    return dict(_ASSESSED[key])
