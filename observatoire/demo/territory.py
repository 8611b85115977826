"""The demonstration data of a territory, written INTO it: the synthetic survey, IRIS covariates,
raking margins, inventories, indicator values and places of digital mediation, at the paths its observatoire.yaml names, which
then declares them `demonstration` (provenance lines edited in place, comments kept).

Inputs declared `real` are never overwritten unless they are still empty (a file not there yet,
margin templates whose totals are all zero, a values file without rows, an empty inventories
folder): a territory's own data cannot be lost to a demo run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from observatoire.demo.areas import default_profiles
from observatoire.demo.indicators import build_demo_values
from observatoire.demo.support import demo_csv
from observatoire.geo import load_geography
from observatoire.demo.survey import MARGIN_COLUMNS, build_population, generate, margins_tables
from observatoire.errors import UserError
from observatoire.indicators.store import write_atomic
from observatoire.scaffold import set_provenance
from observatoire.survey_spec import load_spec
from observatoire.territory import INPUTS, Territory


def write_demo(territory: Territory, seed: int, n: int, profiles: Path | None = None) -> tuple[list[Path], list[str]]:
    """Write the demo files into `territory`; return the paths written and the inputs now
    declared `demonstration`."""
    if territory.survey is None:
        raise UserError(f"Le territoire « {territory.name} » ne déclare pas de fichier d'enquête (clé survey.file).",
                        "Ajoutez survey.file à observatoire.yaml : c'est là que la démonstration écrit l'enquête.")
    margin_files = _margin_files(territory)
    _refuse_real_data(territory, margin_files)
    population = build_population(territory.root, profiles or default_profiles(territory))
    written = [_write_csv(generate(seed=seed, n=n, population=population), territory.survey)]
    inputs = ["survey", "margins"]
    if territory.covariates is not None and territory.iris is not None:
        written.append(_write_csv(population.areas.iris_covariates, territory.covariates))
        inputs.append("covariates")
    tables = margins_tables(population)
    written += [_write_csv(tables[columns], path) for columns, path in margin_files.items()]
    written += build_demo_values(territory)  # series and inventories have their own fixed seed
    inputs += ["values"] + (["inventories"] if territory.inventories is not None else [])
    if territory.support is not None and territory.iris is not None:
        write_atomic(territory.support, demo_csv(load_geography(territory)).decode("utf-8"))
        written.append(territory.support)
        inputs.append("support")
    set_provenance(territory.config, {name: "demonstration" for name in inputs})
    return written, [name for name in INPUTS if name in inputs]


def _margin_files(territory: Territory) -> dict[tuple[str, ...], Path]:
    """The margin file of each raking variable of design.yaml (the generator knows the example's)."""
    raking = load_spec(territory.survey_description, with_margins=False).design.raking
    files = {variable.columns: territory.margins / variable.file for variable in raking}
    unknown = [" × ".join(columns) for columns in files if columns not in MARGIN_COLUMNS]
    if unknown:
        raise UserError(
            f"Le générateur de démonstration ne sait pas produire les marges de : {', '.join(unknown)}.",
            "Il produit les marges du questionnaire d'exemple (commune ; âge × sexe ; diplôme) : gardez ces "
            "variables de calage dans design.yaml pour une démonstration.",
        )
    return files


def _refuse_real_data(territory: Territory, margin_files: dict[tuple[str, ...], Path]) -> None:
    filled = {
        "survey": [territory.survey] if territory.survey.exists() else [],
        "covariates": [territory.covariates] if territory.covariates is not None and territory.covariates.exists() else [],
        "margins": [path for path in margin_files.values() if _has_totals(path)],
        "values": [territory.values] if _has_rows(territory.values) else [],
        "inventories": sorted(p for p in territory.inventories.glob("*") if p.is_file())
        if territory.inventories is not None and territory.inventories.is_dir() else [],
        "support": [territory.support] if territory.support is not None and _has_rows(territory.support) else [],
    }
    real = {name: paths for name, paths in filled.items() if paths and not territory.is_demonstration(name)}
    if real:
        lines = [f"{', '.join(str(p) for p in paths)} (provenance.{name}: real)" for name, paths in real.items()]
        raise UserError(
            "La démonstration n'écrase pas des données déclarées réelles : " + " ; ".join(lines) + ".",
            "Pour les remplacer par des données de démonstration, écrivez « demonstration » pour ces données "
            "dans la section provenance d'observatoire.yaml ; sinon créez un autre territoire "
            "(observatoire territory new).",
        )


def _has_totals(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        totals = pd.read_csv(path, dtype=str).get("total", pd.Series(dtype=str))
    except (OSError, ValueError):  # unreadable: treat it as someone's data
        return True
    return bool(pd.to_numeric(totals, errors="coerce").fillna(0).ne(0).any())


def _has_rows(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as handle:
        return sum(1 for line in handle if line.strip()) > 1


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    write_atomic(path, frame.to_csv(index=False, lineterminator="\n"))
    return path
