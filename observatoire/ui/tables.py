"""Estimate tables as shown to readers: French strings, one row per group, reliability in words.

Pure functions (no Streamlit) so the disclosure rules of the display are unit-tested: a withheld
row never shows its estimate or interval, a fragile one always says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from observatoire.formatting import WITHHELD, ci_short, fmt_interval, fmt_number, fmt_percent, fmt_points, fmt_signed_interval
from observatoire.indicators import STATUS_LABELS_FR, STATUSES
from observatoire.labels import OVERALL, ZONE_HEADERS, Column, estimate_columns
from observatoire.sheets import csv_text

FRAGILE = "à interpréter avec prudence"
FLAG_TEXT = {"ok": "fiable", "fragile": f"⚠ {FRAGILE}",
             "withheld": "non diffusée (trop peu de répondants, trop imprécise, ou pour qu'une cellule voisine "
                         "ne se retrouve pas par soustraction)"}
GROUP, ESTIMATE, INTERVAL, COUNT, RELIABILITY = "Groupe", "Estimation", "IC à 95 %", "Répondants (n)", "Fiabilité"
DISPLAY_COLUMNS = (GROUP, ESTIMATE, INTERVAL, COUNT, RELIABILITY)


def shown_estimate(row: Mapping) -> str:
    """The estimate as text: a share in %, « donnée non diffusée » when withheld, marked when fragile."""
    if row["flag"] == "withheld":
        return WITHHELD
    text = fmt_percent(row["estimate"])
    return f"{text} ⚠" if row["flag"] == "fragile" else text


def shown_interval(row: Mapping) -> str:
    return "–" if row["flag"] == "withheld" else fmt_interval(row["ci_low"], row["ci_high"])


def group_names(table: pd.DataFrame, group_labels: Mapping[str, str]) -> list[str]:
    """French name of each row's group (`domain`); the whole population when it has none."""
    return [OVERALL if pd.isna(d) else group_labels.get(str(d), str(d)) for d in table["domain"]]


def chosen_rows(table: pd.DataFrame, level: str, breakdown: str, wave: int | None) -> pd.DataFrame:
    """Rows of one answer: one wave's groups, or (breakdown "wave") the whole population per wave."""
    rows = table[table["level"].astype(str) == str(level)]
    if breakdown == "wave":
        return rows.assign(domain=rows["wave"].astype(str)).reset_index(drop=True)
    return rows[rows["wave"] == wave].reset_index(drop=True)


def display_table(table: pd.DataFrame, group_labels: Mapping[str, str], level: float = 0.95) -> pd.DataFrame:
    """Estimate-table rows (shares) → the French table shown beside every chart (intervals at
    `level`, the run's `ci_level`)."""
    interval = ci_short(level)
    rows = [
        {
            GROUP: name,
            ESTIMATE: shown_estimate(row),
            interval: shown_interval(row),
            COUNT: fmt_number(row["n_unweighted"]),
            RELIABILITY: FLAG_TEXT[row["flag"]],
        }
        for name, row in zip(group_names(table, group_labels), table.to_dict("records"))
    ]
    return pd.DataFrame(rows, columns=[GROUP, ESTIMATE, interval, COUNT, RELIABILITY])


EXPORTED = ("name", "domain", "wave", "estimate", "ci_low", "ci_high", "n_unweighted", "flag", "se", "cv", "deff",
            "weighted_n")


def estimates_export(table: pd.DataFrame, group_labels: Mapping[str, str]) -> pd.DataFrame:
    """Estimate-table rows as a file for people: each group's name and code, the estimate with its
    interval, n and reliability, then its precision (the variable and level are said in the notes)."""
    rows = table.assign(name=group_names(table, group_labels))
    return rows[[c for c in EXPORTED if c in rows.columns]].reset_index(drop=True)


def export_columns(geo_level: str, level: float = 0.95) -> dict[str, Column]:
    """Headers of `estimates_export` for areas (`commune` or `iris`), intervals at `level`."""
    name, code, meaning = ZONE_HEADERS[geo_level]
    return estimate_columns(level) | {"name": Column(name, f"nom ({name})"), "domain": Column(code, meaning)}


def sample_table(counts: pd.DataFrame, commune_names: Mapping[str, str]) -> pd.DataFrame:
    """Respondents per commune (rows) and wave (columns), with a total row, as French text."""
    wide = counts.pivot_table(index="commune", columns="wave", values="n", aggfunc="sum", fill_value=0)
    wide.loc["total"] = wide.sum()
    wide.index = [commune_names.get(code, code) if code != "total" else "Ensemble" for code in wide.index]
    wide.index.name = "Commune"
    wide.columns = [f"Vague {wave}" for wave in wide.columns]
    return wide.map(fmt_number)


def comparison_text(row: Mapping, first: str, second: str, level: float = 0.95) -> str:
    """« 2024 par rapport à 2022 : −0,7 point, IC à 95 % [−2,1 ; +0,8] (écart non significatif : …). »

    `row` is a `compare` row of `first` minus `second` (for waves: the later one minus the earlier)."""
    interval = fmt_signed_interval(row["ci_low"], row["ci_high"])
    significant = row["ci_low"] > 0 or row["ci_high"] < 0
    verdict = "écart statistiquement significatif" if significant else "écart non significatif : l'intervalle contient 0"
    return f"{first} par rapport à {second} : {fmt_points(row['difference'])}, {ci_short(level)} {interval} ({verdict})."


def survey_template(columns: Sequence[str]) -> bytes:
    """An empty survey file: the header row of the schema's columns, ready to be filled one row per
    respondent. Its headers are the codes the import reads (`survey/schema.yaml`); `;` and UTF-8 with
    BOM, like every CSV for spreadsheets, so that Excel opens it in columns with its accents."""
    return csv_text(pd.DataFrame(columns=list(columns)), sep=";").encode("utf-8-sig")


FINDING_COLUMNS = {"row": "Ligne", "column": "Colonne", "value": "Valeur", "message": "Problème", "hint": "Que faire"}


def findings_rows(findings: Sequence) -> pd.DataFrame:
    """Validation findings as the French table shown and downloaded (one row per finding)."""
    rows = pd.DataFrame([f.to_dict() for f in findings], columns=list(FINDING_COLUMNS))
    rows["row"] = [fmt_number(r) if pd.notna(r) else "fichier entier" for r in rows["row"]]
    return rows.fillna("–").rename(columns=FINDING_COLUMNS)


def status_counts(progress: pd.DataFrame) -> pd.DataFrame:
    """Commitments per progress status, in the method's order, French labels (zeros kept)."""
    counts = progress["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return pd.DataFrame({"Statut": [STATUS_LABELS_FR[s] for s in STATUSES], "Engagements": counts.to_list()}).set_index("Statut")
