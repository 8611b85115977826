"""Validate a survey table against the survey description (survey/schema.yaml and design.yaml).

Lazy and vectorised: every check runs on whole columns and every failure is collected. Each
cell gets at most one finding, from the first check it fails (missing, type, exact age, allowed
values or range, geography), so one wrong value never produces a cascade of messages.
Per-value work (parsing numbers, finding an IRIS's commune) runs once per distinct value and is
spread back to the rows; findings are built for failing rows only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from observatoire.errors import echo
from observatoire.formatting import fmt_number
from observatoire.geo import Geography
from observatoire.readers import Table
from observatoire.survey_spec import Field, SurveySpec, derive
from observatoire.validation.findings import CATALOGUE, MAX_FINDINGS, Finding, ValidationReport, make_finding

DATE_LIKE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?:[ T].*)?"
EXACT_AGE = r"\d{1,3}|(?:19|20)\d{2}"  # an age in years or a birth year, where a band is expected
AGE_BAND = re.compile(r"\d+(?:-\d+|\+)")
_CODE_ORDER = {code: i for i, code in enumerate(CATALOGUE)}


@dataclass(frozen=True)
class GeoKeys:
    """Which survey columns hold the commune and IRIS codes checked against the territory's contours.

    The schema has no foreign-key section yet, so the roles are named here (the data contract's
    column names) and can be overridden by callers.
    """

    commune: str = "commune"
    iris: str = "iris"


def validate_survey(table: Table, spec: SurveySpec, geography: Geography, geo: GeoKeys = GeoKeys(),
                    max_findings: int | None = MAX_FINDINGS) -> ValidationReport:
    """Check `table` against `spec` and the territory's `geography` (allowed communes and IRIS);
    `.data` holds the typed frame when no finding is left.

    The report lists the first `max_findings` findings in file order (None: all) and counts
    them all; only findings that can still be listed are ever built, so memory stays bounded."""
    frame = table.frame
    checker = _Checker(table, spec, geography, geo, max_findings)
    checker.add_read_issues(table.source.issues)
    if frame.columns.empty:
        checker.add("empty_file", [None], None, [None])
        return checker.report(0, None)
    if frame.empty:
        checker.add("header_only", [None], None, [None])
    checker.run()
    data = None if checker.counts else _typed(frame, spec, checker.numbers, checker.empty)
    if data is not None and spec.universes:
        checker.check_universes(data)
    return checker.report(len(frame), None if checker.counts else data)


class _Checker:
    """Holds the per-run context so that each check is a short method over one column."""

    def __init__(self, table: Table, spec: SurveySpec, geography: Geography, geo: GeoKeys, limit: int | None = None) -> None:
        self.limit, self.counts = limit, Counter()
        self.order = {echo(name): i for i, name in enumerate([*table.frame.columns, *spec.columns])}  # as findings name them
        self.frame, self.spec, self.geo, self.geography = table.frame, spec, geo, geography
        self.file, self.header_row = str(table.source.path), table.source.header_row
        # Columns the reader renamed "name (2)" because the header repeats "name".
        repeated = {i.column for i in table.source.issues if i.code == "duplicate_column"}
        self.renamed = {c for c in self.frame.columns for name in repeated if re.fullmatch(rf"{re.escape(name)} \(\d+\)", c)}
        self.findings: list[Finding] = []  # built findings (with a limit: a superset of those listed)
        self.numbers: dict[str, pd.Series] = {}  # parsed numeric columns, reused for typing
        self.empty: dict[str, pd.Series] = {}  # missing-value masks, reused for typing
        self.age_column, self.age_bands = _age_band_field(spec)

    def run(self) -> list[Finding]:
        self._check_header()
        for field in self.spec.fields:
            if field.name in self.frame.columns:
                self._check_field(field)
        self._check_unique()
        self._check_iris_in_commune()
        return self.findings

    def add(self, code: str, rows, column: str | None, values, **params) -> None:
        """One finding per (row, value); params may be scalars or per-row sequences. Every one
        is counted; with a limit, only those that can still be among the first are built (and
        only their values are read: a column of a million bad values costs one sort)."""
        count = len(rows)
        if not count:
            return
        self.counts[code] += count
        per_row = {k: v for k, v in params.items() if isinstance(v, (list, pd.Series, np.ndarray))}
        take = None
        if self.limit is not None and count > self.limit:  # same code and column: the first rows only
            keys = pd.Series(rows, dtype=object).fillna(0).to_numpy(dtype=np.int64)  # None (whole file) first
            take = np.argsort(keys, kind="stable")[: self.limit]
        rows, values = _take(rows, take), _take(values, take)
        per_row = {k: _take(v, take) for k, v in per_row.items()}
        for i, (row, value) in enumerate(zip(rows, values)):
            extra = {**params, **{k: v[i] for k, v in per_row.items()}}
            self.findings.append(make_finding(code, self.file, None if row is None else int(row), column, value, **extra))
        if self.limit is not None and len(self.findings) > 2 * self.limit:
            self.findings = self.ordered()[: self.limit]

    def check_universes(self, data: pd.DataFrame) -> None:
        """Answers to a filtered question (codebook `universe`) from respondents it was not asked
        to: its figures describe the subgroup only, so such an answer is a data error (the skip
        pattern)."""
        flags = derive(data, self.spec)
        for variable, universe in self.spec.universes.items():
            if variable not in data.columns:
                continue
            bad = np.flatnonzero(data[variable].notna().to_numpy() & (flags[universe].to_numpy() == 0))
            self.add("answer_outside_universe", self.frame.index[bad], variable, data[variable].iloc[bad].astype(str),
                     universe=self.spec.universe_labels_fr[universe], derived=universe)

    def _without_iris(self) -> pd.Series:
        """Respondents of a commune that the territory's IRIS contours do not cover (or of any
        commune when it has none): their IRIS may be left empty."""
        if self.geo.commune not in self.frame.columns:
            return pd.Series(False, index=self.frame.index)
        return ~self.frame[self.geo.commune].isin(set(self.geography.iris["commune"]))

    def add_read_issues(self, issues) -> None:
        """The problems the reader saw, grouped by kind and column (one `add` each)."""
        groups: dict[tuple, list] = {}
        for issue in issues:
            groups.setdefault((issue.code, issue.column), []).append(issue)
        for (code, column), group in groups.items():
            self.add(code, [i.row for i in group], column, [i.value for i in group], expected=[i.expected for i in group])

    def ordered(self) -> list[Finding]:
        """Findings in file order: row, then column, then kind of check."""
        return sorted(self.findings, key=lambda f: (f.row or 0, self.order.get(f.column, -1), _CODE_ORDER[f.code]))

    def report(self, n_rows: int, data: pd.DataFrame | None) -> ValidationReport:
        listed = self.ordered()[: self.limit] if self.limit is not None else self.ordered()
        return ValidationReport(self.file, n_rows, tuple(listed), data, dict(self.counts))

    # --- header ---------------------------------------------------------------------------

    def _check_header(self) -> None:
        present = [name for name in self.frame.columns if name not in self.renamed]
        expected = set(self.spec.columns)
        forbidden = {_normalise_name(name) for name in self.spec.forbidden_fields}
        extra = [name for name in present if name not in expected]
        for name in extra:
            if _normalise_name(name) in forbidden:
                what = f"La colonne « {echo(name)} » contient un âge exact ou une date de naissance"
                self.add("exact_age_forbidden", [self.header_row], name, [name], what=what, **self._age_params())
                continue
            self.add("unexpected_column", [self.header_row], name, [name], suggestion=_suggest(name, sorted(expected - set(present)), "Vouliez-vous dire « {} » ?"))
            self._check_free_text(name, self._all_rows())
        for name in self.spec.columns:
            if name not in self.frame.columns:
                label = self.spec.variable_labels_fr.get(name, name)
                self.add("missing_column", [None], name, [None], label=label, suggestion=_suggest(name, extra, "La colonne « {} » est peut-être celle-ci : renommez-la."))

    # --- one column -----------------------------------------------------------------------

    def _all_rows(self) -> pd.Series:
        return pd.Series(True, index=self.frame.index)

    def _check_field(self, field: Field) -> None:
        text = self.frame[field.name]
        empty = self.empty[field.name] = text.isin(self.spec.missing_values)
        is_weight = field.name == self.spec.design.weight
        if field.required or is_weight:  # no estimate can use a respondent without a weight
            code = "missing_weight" if is_weight else "missing_required_value"
            required = empty & ~self._without_iris() if field.name == self.geo.iris else empty
            rows = required[required].index
            self.add(code, rows, field.name, [""] * len(rows), allowed=_allowed(field, self.spec))
        todo = ~empty
        if field.type == "string":
            self._check_string(field, text, todo)
            return
        numbers = self.numbers[field.name] = _parse_number(text, field.type)
        bad_type = todo & numbers.isna()
        self._reject_dates_or(field, text, bad_type, "wrong_type", expected="un nombre entier" if field.type == "integer" else "un nombre")
        todo &= ~bad_type
        if field.enum is not None:
            outside = todo & ~numbers.isin([float(v) for v in field.enum])
            self._reject(field, text, outside, "value_not_in_codebook")
            todo &= ~outside
        low = _below_minimum(numbers, field.constraints) | _above_maximum(numbers, field.constraints)
        out = todo & low
        code = "nonpositive_weight" if is_weight else "value_out_of_range"
        self._reject(field, text, out, code)

    def _check_string(self, field: Field, text: pd.Series, todo: pd.Series) -> None:
        if field.name == self.geo.commune:
            valid = set(self.geography.communes["code"])
            example = self.geography.communes.iloc[0] if len(self.geography.communes) else {"code": "", "name": ""}
            self._reject_dates_or(field, text, todo & ~text.isin(valid), "unknown_commune", n_communes=len(valid),
                                  example_code=example["code"], example_name=example["name"])
        elif field.name == self.geo.iris:
            self._reject_dates_or(field, text, todo & ~text.isin(set(self.geography.iris["code"])), "unknown_iris")
        elif field.enum is not None:
            self._reject_dates_or(field, text, todo & ~text.isin(list(field.enum)), "value_not_in_codebook")
        elif "pattern" in field.constraints:
            mismatch = todo & ~text.str.fullmatch(field.constraints["pattern"].strip("^$"))
            self._reject_dates_or(field, text, mismatch, "wrong_type", expected=_allowed(field, self.spec))
        else:
            self._check_free_text(field.name, todo)

    def _check_free_text(self, column: str, todo: pd.Series) -> None:
        dates = todo & self.frame[column].str.fullmatch(DATE_LIKE)
        self._exact_age(column, dates)

    def _reject_dates_or(self, field: Field, text: pd.Series, bad: pd.Series, code: str, **params) -> None:
        """Report `bad` cells as `code`, except those holding a date or, in the age band column,
        an exact age or birth year: those are a privacy problem, reported as such."""
        if not bad.any():
            return
        exact = bad & text.str.fullmatch(DATE_LIKE)
        if field.name == self.age_column:
            exact |= bad & text.str.fullmatch(EXACT_AGE)
        self._exact_age(field.name, exact)
        self._reject(field, text, bad & ~exact, code, **params)

    def _reject(self, field: Field, text: pd.Series, bad: pd.Series, code: str, **params) -> None:
        hits = text[bad]
        self.add(code, hits.index, field.name, hits, allowed=_allowed(field, self.spec), **params)

    def _exact_age(self, column: str, mask: pd.Series) -> None:
        hits = self.frame[column][mask]
        kinds = ["une date de naissance" if re.fullmatch(DATE_LIKE, v) else "un âge exact ou à une année de naissance" for v in hits]
        what = [f"La valeur « {echo(v)} » ressemble à {kind}" for v, kind in zip(hits, kinds)]
        self.add("exact_age_forbidden", hits.index, column, hits, what=what, **self._age_params())

    def _age_params(self) -> dict:
        return {"age_column": self.age_column or "tranche d'âge", "bands": ", ".join(self.age_bands)}

    # --- across rows and columns ------------------------------------------------------------

    def _check_unique(self) -> None:
        unique = {f.name for f in self.spec.fields if f.constraints.get("unique")} | {self.spec.primary_key}
        for name in sorted(unique & set(self.frame.columns)):
            text = self.frame[name]
            text = text[text.duplicated(keep=False) & ~text.isin(self.spec.missing_values)]  # values used twice or more: usually none
            rows = pd.Series(text.index, index=text.index)
            first = rows.groupby(text.to_numpy()).transform("first")
            repeated = text.duplicated(keep="first")
            self.add("duplicate_id", text.index[repeated], name, text[repeated], first_row=first[repeated].to_numpy())

    def _check_iris_in_commune(self) -> None:
        commune_col, iris_col = self.geo.commune, self.geo.iris
        if not {commune_col, iris_col} <= set(self.frame.columns):
            return
        iris = self.geography.iris.set_index("code")
        communes = self.geography.communes.set_index("code")["name"]
        iris_commune = _per_distinct(self.frame[iris_col], lambda iris_codes: iris_codes.map(iris["commune"]))
        declared = self.frame[commune_col]
        bad = iris_commune.notna() & declared.isin(communes.index) & (iris_commune != declared)
        hits = self.frame[iris_col][bad]
        self.add("iris_outside_commune", hits.index, iris_col, hits, iris_commune=iris_commune[bad].to_numpy(), iris_commune_name=iris_commune[bad].map(communes).to_numpy(), commune=declared[bad].to_numpy())


# --- helpers ----------------------------------------------------------------------------------


def _take(sequence, positions: np.ndarray | None) -> list:
    """The items of a list, array, Index or Series at `positions` (all when None), as a list."""
    if positions is None:
        return list(sequence)
    if isinstance(sequence, pd.Series):
        return sequence.iloc[positions].tolist()
    if isinstance(sequence, list):
        return [sequence[i] for i in positions]
    return np.asarray(sequence, dtype=object)[positions].tolist()


def _parse_number(text: pd.Series, kind: str) -> pd.Series:
    """Numbers as floats (NaN when not a number of that kind). Decimal commas and space
    thousands separators are accepted, as French spreadsheets write them.

    Each distinct value is parsed once (survey columns hold few), then spread to the rows."""
    return _per_distinct(text, lambda values: _parse_distinct(values, kind))


def _per_distinct(text: pd.Series, compute) -> pd.Series:
    """`compute(distinct values of text)` spread back to the rows of `text`: what is computed
    once per value costs little on a million rows holding a few hundred values."""
    codes, distinct = pd.factorize(text)
    values = compute(pd.Series(distinct)).to_numpy()
    return pd.Series(values[codes], index=text.index)


def _parse_distinct(text: pd.Series, kind: str) -> pd.Series:
    numbers = pd.to_numeric(text, errors="coerce").astype(float)  # fast path: plain numbers
    retry = numbers.isna() & (text != "")
    if retry.any():
        cleaned = text[retry].str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        cleaned = cleaned.where(cleaned.str.contains(".", regex=False), cleaned.str.replace(",", ".", regex=False))
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").astype(float)
    numbers = numbers.where(np.isfinite(numbers))
    if kind == "integer":
        numbers = numbers.where(numbers == np.floor(numbers))
    return numbers


def _below_minimum(numbers: pd.Series, constraints: dict) -> pd.Series:
    low = pd.Series(False, index=numbers.index)
    if "minimum" in constraints:
        low |= numbers < constraints["minimum"]
    if "exclusiveMinimum" in constraints:
        low |= numbers <= constraints["exclusiveMinimum"]
    return low


def _above_maximum(numbers: pd.Series, constraints: dict) -> pd.Series:
    high = pd.Series(False, index=numbers.index)
    if "maximum" in constraints:
        high |= numbers > constraints["maximum"]
    if "exclusiveMaximum" in constraints:
        high |= numbers >= constraints["exclusiveMaximum"]
    return high


def _allowed(field: Field, spec: SurveySpec) -> str:
    """What a column accepts, in French, for hints."""
    if field.enum is not None:
        labels = spec.labels_fr.get(field.name, {})
        return ", ".join(f"{code} ({labels[code]})" if code in labels else str(code) for code in field.enum)
    bounds = []
    c = field.constraints
    if "minimum" in c and "maximum" in c:
        bounds.append(f"entre {fmt_number(c['minimum'])} et {fmt_number(c['maximum'])}")
    elif "minimum" in c:
        bounds.append(f"supérieur ou égal à {fmt_number(c['minimum'])}")
    if "exclusiveMinimum" in c:
        bounds.append(f"strictement supérieur à {fmt_number(c['exclusiveMinimum'])}")
    if field.type == "integer":
        return " ".join(["un nombre entier", *bounds])
    if field.type == "number":
        return " ".join(["un nombre (virgule ou point décimal)", *bounds])
    digits = re.fullmatch(r"\^\[0-9\]\{(\d+)\}\$", c.get("pattern", ""))
    if digits:
        return f"un code de {digits.group(1)} chiffres"
    return f"un texte au format {c['pattern']}" if "pattern" in c else "un texte non vide"


def _age_band_field(spec: SurveySpec) -> tuple[str | None, tuple[str, ...]]:
    """The column whose allowed values are all age bands ("15-29", "75+"), and those bands."""
    for field in spec.fields:
        if field.enum and all(AGE_BAND.fullmatch(str(v)) for v in field.enum):
            return field.name, tuple(str(v) for v in field.enum)
    return None, ()


def _normalise_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")


def _suggest(name: str, candidates: list[str], template: str) -> str:
    by_key = {_normalise_name(c): c for c in candidates}
    match = get_close_matches(_normalise_name(name), list(by_key), n=1, cutoff=0.75)
    return " " + template.format(echo(by_key[match[0]])) if match else ""


def _typed(frame: pd.DataFrame, spec: SurveySpec, numbers: dict[str, pd.Series], missing: dict[str, pd.Series]) -> pd.DataFrame:
    """The valid table with real types: int64 (Int64 when a value may be missing), float64 for
    numbers, strings with NaN for missing values."""
    columns = {}
    for field in spec.fields:
        empty = missing[field.name]
        if field.type == "integer":
            columns[field.name] = _integers(numbers[field.name], empty)
            continue
        values = frame[field.name] if field.type == "string" else numbers[field.name]
        columns[field.name] = values.where(~empty) if empty.any() else values
    return pd.DataFrame(columns).reset_index(drop=True)


def _integers(numbers: pd.Series, empty: pd.Series) -> pd.Series:
    """Whole numbers (all parsed, the file being valid) as int64, or Int64 with missing values
    where `empty`: built from the mask, astype("Int64") being slow on a million rows."""
    mask = empty.to_numpy(copy=True)  # writable: the typed frame owns it
    ints = np.where(mask, 0, numbers.to_numpy()).astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(ints, mask) if mask.any() else ints, index=numbers.index)
