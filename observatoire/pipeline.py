"""One run of the observatory: read → validate → design per wave → calibrate → estimates →
indicators and progress → neighbourhood targeting, into one frozen `Results`.

The app, the CLI, the static site and the benchmarks all call `run`, so they show the same
numbers. Inputs are files (or an upload's bytes, never written to disk); `Inputs.fingerprint()`
hashes their content so callers can cache a run by what it reads. The territory's own files
(survey description, contours, catalogue, values, covariates) are parsed once per change of
their content (`observatoire.filecache`): an upload's run only reads the uploaded survey.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from observatoire import disclosure, filecache
from observatoire import settings as settings_mod
from observatoire.areas.covariates import load_covariates
from observatoire.areas.model import area_estimates
from observatoire.areas.support import SupportPlaces, nearest_distances, territory_support
from observatoire.indicators import Catalog, assess_progress, load_catalog, load_values, merge_values
from observatoire.indicators.derived import survey_values
from observatoire.errors import UserError
from observatoire.geo import Geography, load_geography
from observatoire.provenance import Provenanced
from observatoire.readers import read_table
from observatoire.stats import COLUMNS, Design, compare, design_from_spec, estimate, weight_diagnostics
from observatoire.survey_spec import SurveySpec, derive, load_spec
from observatoire.territory import Territory
from observatoire.validation import ValidationReport, validate_survey

SAMPLE_COUNT_COLUMNS = ("wave", "commune", "n")
ESTIMATE_COLUMNS = ("wave", *COLUMNS)
# Groups every question is estimated for (each within each wave); "overall" is the whole wave.
BREAKDOWNS = ("overall", "commune", "age_band", "sex", "diploma")
# Derived indicators are also estimated by IRIS (maps, small-area models).
SMALL_AREA = "iris"
# The three shares the home page leads with (latest wave, whole population).
HEADLINE = ("in_difficulty", "no_home_internet", "low_digital_skills")
# Columns that define groups or the design, hence not offered as questions.
NOT_QUESTIONS = frozenset({"wave", "commune", "iris", "sex", "age_band", "diploma"})
WEIGHTING_COLUMNS = (
    "wave", "n", "min", "max", "max_min_ratio", "kish_deff", "effective_n", "raking_iterations", "converged",
    "weights_trimmed",
)  # fmt: skip


@dataclass(frozen=True)
class Inputs:
    """What a run reads: the territory's files, and the survey microdata — the territory's own
    file, another file (`survey`), or an upload's bytes (`content`, read from memory)."""

    territory: Territory
    survey: Path | None = None
    content: bytes | None = None

    @classmethod
    def of(cls, territory: Territory, survey: Path | None = None) -> Inputs:
        """The territory's inputs; `survey` replaces its survey file (a real file of the user's)."""
        if survey is None and territory.survey is None:
            raise UserError(
                f"Le territoire « {territory.name} » ne déclare pas de fichier d'enquête (clé survey.file).",
                "Ajoutez survey.file à observatoire.yaml, ou donnez le fichier avec --survey.",
            )
        if survey is not None and not Path(survey).is_file():
            raise UserError(f"Fichier d'enquête introuvable : « {survey} ».", "Donnez le chemin d'un fichier existant.")
        return cls(territory, Path(survey) if survey is not None else None)

    @classmethod
    def upload(cls, territory: Territory, name: str, content: bytes) -> Inputs:
        return cls(territory, Path(name), content)

    @property
    def survey_path(self) -> Path:
        return self.survey if self.survey is not None else self.territory.survey

    @property
    def provenance(self) -> dict[str, str]:
        """The territory's declared provenance; a survey other than the territory's is the user's own."""
        declared = dict(self.territory.provenance)
        if self.survey is not None:
            declared["survey"] = "real"
        return declared

    def files(self) -> list[Path]:
        """Every file the run reads besides the survey microdata (for the fingerprint)."""
        return territory_files(self.territory)

    def fingerprint(self) -> str:
        """SHA-256 over the content hash of every input, in a fixed order. A file's hash is
        computed once per change of its size or modification time (`filecache.digest`), so
        calling this on every app rerun costs a few `stat` calls."""
        digest = hashlib.sha256()
        survey = hashlib.sha256(self.content).hexdigest() if self.content is not None else filecache.digest(self.survey_path)
        digest.update(survey.encode())
        for path in self.files():
            digest.update(str(path.relative_to(path.anchor)).encode())
            digest.update(filecache.digest(path).encode())
        return digest.hexdigest()


def territory_files(territory: Territory) -> list[Path]:
    """Every file of the territory a run reads besides the survey microdata, sorted."""
    t = territory
    folders = [t.survey_description, t.margins, *([t.inventories] if t.inventories else [])]
    found = {p for folder in folders for p in folder.rglob("*") if p.is_file()}
    found |= {t.config, t.communes.file, t.catalog, *(p for p in (t.covariates, t.values, t.support) if p and p.is_file())}
    if t.iris is not None:
        found.add(t.iris.file)
    return sorted(found)


@dataclass(frozen=True)
class TerritoryData:
    """What a run parses from the territory's own files (shared, read-only)."""

    spec: SurveySpec
    geography: Geography
    catalog: Catalog
    stored_values: pd.DataFrame
    covariates: pd.DataFrame | None
    support: SupportPlaces | None


def territory_data(territory: Territory) -> TerritoryData:
    """The territory's parsed files, parsed again only when one of them changes."""
    def parse() -> TerritoryData:
        catalog = load_catalog(territory.catalog)
        geography = load_geography(territory)
        return TerritoryData(
            spec=load_spec(territory.survey_description, territory.margins),
            geography=geography,
            catalog=catalog,
            stored_values=load_values(territory.values, catalog),
            covariates=load_covariates(territory.covariates) if territory.covariates is not None else None,
            support=territory_support(territory, geography),
        )

    return filecache.parsed(("territory", str(territory.config)), parse, files=territory_files(territory))


@dataclass(frozen=True)
class Results(Provenanced):
    """Everything the pages, the CLI and the site read; tidy DataFrames only.

    - `territory`, `geography`: the place (wording, codes, contours) the run is about.
    - `provenance`: input -> real | demonstration (`demo_note` says it in French, "" if all real).
    - `fingerprint`: content hash of the inputs (cache key for anything derived from the results).
    - `validation`: the report on the survey file (its typed `data` dropped: `sample` holds it).
    - `sample_counts`: respondents per wave and commune (`wave, commune, n`).
    - `design`: the calibrated design of all waves (None when the file has findings); each wave
      is raked and trimmed on its own, so `compare` across waves treats them as independent.
      `sample` is its microdata, derived variables included (empty without a design).
    - `weighting`: weight diagnostics per wave (`WEIGHTING_COLUMNS`).
    - `estimates`: `ESTIMATE_COLUMNS`, the derived indicators (share of level 1) by wave and by
      every breakdown of `BREAKDOWNS` and IRIS; other questions: `question_estimates`.
    - `catalog`, `indicator_values` (long table: the values file, its survey indicators recomputed
      from this survey) and `progress` (one row per indicator, `assess_progress`).
    - `areas`: small-area estimates, counts and fragility index per IRIS for the latest wave
      (`areas.model.AREA_COLUMNS`, plus `support_distance_m` with a places file; rank them with
      `areas.ranking.rank_areas`); empty without IRIS contours or covariates, or when the model
      cannot be fitted (too few sampled IRIS…): `areas_note` then says why, in French.
    - `support`: the territory's places of digital mediation, checked (`areas.support`); None
      when it declares no file.
    """

    source: str
    fingerprint: str
    territory: Territory
    geography: Geography
    provenance: Mapping[str, str]
    settings: Mapping[str, Any]
    spec: SurveySpec
    validation: ValidationReport
    sample_counts: pd.DataFrame
    design: Design | None
    weighting: pd.DataFrame
    estimates: pd.DataFrame
    catalog: Catalog
    indicator_values: pd.DataFrame
    progress: pd.DataFrame
    areas: pd.DataFrame
    support: SupportPlaces | None = None
    areas_note: str = ""

    @property
    def sample(self) -> pd.DataFrame:
        return self.design.data if self.design is not None else pd.DataFrame(columns=[*self.spec.columns, *self.spec.derived])

    @property
    def waves(self) -> list[int]:
        return sorted(int(w) for w in self.sample_counts["wave"].unique())


def run(inputs: Inputs, settings: Mapping[str, Any] | None = None) -> Results:
    """One run; `settings` overrides the territory's own `settings` block."""
    territory = inputs.territory
    settings_values = settings_mod.resolve({**territory.settings, **(settings or {})})
    parsed = territory_data(territory)
    spec, geography, catalog = parsed.spec, parsed.geography, parsed.catalog
    table = read_table(inputs.survey_path, value_labels=spec.labels_fr, content=inputs.content)
    report = validate_survey(table, spec, geography)
    design = design_from_spec(derive(report.data, spec), spec, settings=settings_values) if report.ok else None
    estimates = RunEstimates()
    values = indicator_values(catalog, parsed.stored_values, design, spec, territory.code, settings_values, estimates)
    areas, areas_note = small_areas(design, parsed.covariates, geography, spec, parsed.support, settings_values)
    return Results(
        source=inputs.survey_path.name,
        fingerprint=inputs.fingerprint(),
        territory=territory,
        geography=geography,
        provenance=inputs.provenance,
        settings=settings_values,
        spec=spec,
        validation=dataclasses.replace(report, data=None),
        sample_counts=sample_counts(design, spec),
        design=design,
        weighting=weighting(design, spec),
        estimates=indicator_estimates(design, spec, settings_values, geography, estimates),
        catalog=catalog,
        indicator_values=values,
        progress=assess_progress(catalog, values),
        areas=areas,
        support=parsed.support,
        areas_note=areas_note,
    )


def sample_counts(design: Design | None, spec: SurveySpec) -> pd.DataFrame:
    """Respondents per wave and commune, as the file has them (unweighted)."""
    if design is None:
        return pd.DataFrame(columns=list(SAMPLE_COUNT_COLUMNS))
    keys = [spec.design.wave, "commune"]
    counts = design.data.groupby(keys, observed=True).size().reset_index(name="n")
    return counts.rename(columns={spec.design.wave: "wave"})[list(SAMPLE_COUNT_COLUMNS)]


def indicator_values(catalog: Catalog, stored: pd.DataFrame, design: Design | None, spec: SurveySpec,
                     territory_code: str, settings: Mapping[str, Any] | None = None,
                     estimator: Callable[..., pd.DataFrame] = estimate) -> pd.DataFrame:
    """The stored values, with the survey indicators' rows replaced by this survey's estimates
    (none when the survey file is invalid: its stored figures belong to another survey)."""
    from_survey = {ind.id for ind in catalog.indicators if ind.source.type == "survey"}
    others = stored[~stored["indicator"].isin(from_survey)]
    if design is None:
        return others
    rows = survey_values(catalog, design.data, spec, territory_code, design=design, settings=settings,
                         estimator=estimator)
    return merge_values(others, rows)


class RunEstimates:
    """`stats.estimate` for one run, each table computed once: the shares by wave that the
    estimates table holds are also the survey indicators' values. Tables are shared: read-only."""

    def __init__(self) -> None:
        self._tables: dict[tuple, pd.DataFrame] = {}

    def __call__(self, design: Design, variable: str, kind: str = "mean", level: Any = None, by: Any = None,
                 settings: Mapping[str, Any] | None = None, **options: Any) -> pd.DataFrame:
        groups = tuple(by) if isinstance(by, (list, tuple)) else by
        resolved = tuple(sorted(settings_mod.resolve(settings).items()))
        key = (id(design), variable, kind, level, groups, resolved, tuple(sorted(options.items())))
        if key not in self._tables:
            self._tables[key] = estimate(design, variable, kind, level=level, by=by, settings=settings, **options)
        return self._tables[key]


def small_areas(design: Design | None, covariates: pd.DataFrame | None, geography: Geography, spec: SurveySpec,
                support: SupportPlaces | None = None, settings: Mapping[str, Any] | None = None) -> tuple[pd.DataFrame, str]:
    """Small-area table of the latest wave (empty without a valid survey, IRIS or covariates),
    with the distance from each IRIS centroid to the nearest place of `support`; the model
    follows the run's `settings`. When the model cannot be fitted (too few sampled IRIS,
    collinear covariates…), the table is empty and the French note says why: the rest of the
    results (direct estimates by IRIS included) stands."""
    if design is None or not geography.has_iris or covariates is None:
        return pd.DataFrame(), ""
    latest = design.data[spec.design.wave].max()
    try:
        areas = area_estimates(design, covariates, latest, settings=settings).areas
    except UserError as err:
        return pd.DataFrame(), f"Pas d'estimation par le modèle sur petits domaines : {err.message} {err.hint}"
    if support is not None:
        centres = geography.iris.set_index("code").reindex(areas["domain"])
        areas["support_distance_m"] = nearest_distances(centres["lon"], centres["lat"], support.places)
    return areas, ""


def survey_variables(spec: SurveySpec) -> list[str]:
    """Derived indicators first, then every coded question of the codebook that is not a group."""
    questions = [f.name for f in spec.fields if f.enum is not None and f.name not in NOT_QUESTIONS]
    return [*spec.derived, *questions]


def weighting(design: Design | None, spec: SurveySpec) -> pd.DataFrame:
    """Weight diagnostics of each wave, with the calibration history (iterations, trimming)."""
    if design is None:
        return pd.DataFrame(columns=list(WEIGHTING_COLUMNS))
    raking = [step for step in design.history if step.get("step") == "calibration"]
    trimming = [step for step in design.history if step.get("step") == "trimming"]
    history = {
        "raking_iterations": sum(step["iterations"] for step in raking),
        "converged": all(step["converged"] for step in raking),
        "weights_trimmed": sum(step["weights_trimmed"] for step in trimming),
    }
    waves = sorted(design.data[spec.design.wave].unique())
    rows = [{"wave": int(w), **weight_diagnostics(design.subset_wave(w)), **history} for w in waves]
    return pd.DataFrame(rows, columns=list(WEIGHTING_COLUMNS))


def indicator_estimates(design: Design | None, spec: SurveySpec, settings: Mapping[str, Any],
                        geography: Geography | None = None,
                        estimator: Callable[..., pd.DataFrame] = estimate) -> pd.DataFrame:
    """Share of each derived indicator (level 1) by wave and group, IRIS included when the
    territory has IRIS; no withheld cell can be recovered by subtraction (`disclosure.protect`,
    IRIS nested in their commune)."""
    if design is None:
        return pd.DataFrame(columns=list(ESTIMATE_COLUMNS))
    iris = geography is not None and geography.has_iris
    breakdowns = (*BREAKDOWNS, SMALL_AREA) if iris else BREAKDOWNS
    tables = [
        by_wave(design, variable, breakdown, spec, settings, level=1, estimator=estimator)
        for variable in spec.derived
        for breakdown in breakdowns
    ]
    parents = {SMALL_AREA: ("commune", dict(zip(geography.iris["code"], geography.iris["commune"])))} if iris else {}
    return disclosure.protect(pd.concat(tables, ignore_index=True), settings, parents)


def question_estimates(results: Results, variable: str, breakdown: str) -> pd.DataFrame:
    """Shares of every answer to `variable` by wave and `breakdown` (`ESTIMATE_COLUMNS`).

    Derived indicators are read from `results.estimates`; other questions are estimated now
    from the calibrated design (callers cache the result), then protected from differencing.
    """
    if results.design is None:
        return pd.DataFrame(columns=list(ESTIMATE_COLUMNS))
    if variable in results.spec.derived:
        rows = results.estimates
        return rows[(rows["variable"] == variable) & (rows["domain_type"] == breakdown)].reset_index(drop=True)
    table = by_wave(results.design, variable, breakdown, results.spec, results.settings)
    return disclosure.protect(table, results.settings)


def by_wave(design: Design, variable: str, breakdown: str, spec: SurveySpec, settings: Mapping[str, Any],
            level: Any = None, estimator: Callable[..., pd.DataFrame] = estimate) -> pd.DataFrame:
    """`estimate` by (wave, group), returned with a `wave` column and the group alone in `domain`."""
    wave = spec.design.wave
    by = [wave] if breakdown == "overall" else [wave, breakdown]
    table = estimator(design, variable, "proportion", level=level, by=by, settings=settings)
    parts = [str(label).split(" | ", 1) for label in table["domain"]]  # plain Python: a few dozen labels
    groups = [part[1] for part in parts] if breakdown != "overall" else None
    out = table.assign(domain_type=breakdown, domain=pd.Series(groups, index=table.index, dtype=object))
    out.insert(0, "wave", pd.Series([int(part[0]) for part in parts], index=table.index, dtype="int64"))
    return out


def headline(results: Results) -> pd.DataFrame:
    """Overall rows of the latest wave for the `HEADLINE` indicators (those present), in that order."""
    rows = results.estimates
    if rows.empty:
        return rows
    latest = rows[(rows["domain_type"] == "overall") & (rows["wave"] == rows["wave"].max())]
    return latest.set_index("variable").reindex([v for v in HEADLINE if v in set(latest["variable"])]).reset_index()


def compare_groups(results: Results, variable: str, level: Any, breakdown: str, first: Any, second: Any, wave: int | None = None) -> pd.DataFrame:
    """Difference of the share of `level` between two groups of one wave, or between two waves
    (`breakdown == "wave"`: `first` and `second` are waves), with its CI (`stats.compare`)."""
    column = results.spec.design.wave
    if breakdown == "wave":
        by, first_key, second_key = column, first, second
    else:
        by, first_key, second_key = [column, breakdown], f"{wave} | {first}", f"{wave} | {second}"
    return compare(
        results.design, variable, first_key, second_key, kind="proportion", level=level, by=by, settings=results.settings
    )
