"""`observatoire check`: a whole territory directory checked at once, every finding in French with
its file, row, column (or key) and what to do.

Parts, in this order (`PARTS`): config (observatoire.yaml), geo (contours), margins, covariates,
survey, catalog, values, inventories. The status is `ok` (exit 0), `findings` (exit 1) or
`unusable` (exit 2: no usable observatoire.yaml or commune contours, so the rest cannot be
checked). `CheckReport.to_dict()` gives the stable JSON (keys documented in docs/territoire.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from observatoire.checks.config import check_config
from observatoire.checks.context import Context, Part, plural
from observatoire.checks.findings import CATALOGUE, Finding
from observatoire.checks.geography import check_geography
from observatoire.checks.inputs import (
    check_catalog,
    check_covariates,
    check_inventories,
    check_survey,
    check_values,
    survey_description,
)
from observatoire.checks.margins import check_margins
from observatoire.territory import CONFIG_NAME
from observatoire.validation import CATALOGUE as SURVEY_CATALOGUE

PARTS = {
    "config": "Configuration",
    "geo": "Contours",
    "margins": "Marges de calage",
    "covariates": "Covariables des IRIS",
    "survey": "Enquête",
    "catalog": "Catalogue",
    "values": "Valeurs des indicateurs",
    "inventories": "Inventaires",
}
PLURAL_PARTS = {"geo", "margins", "covariates", "values", "inventories"}  # « conformes »
EXIT_CODES = {"ok": 0, "findings": 1, "unusable": 2}
SHOWN_PER_KIND = 20  # text output: first findings per (part, code); --json keeps them all

__all__ = ["CATALOGUE", "PARTS", "CheckReport", "Finding", "check_territory"]


@dataclass(frozen=True)
class CheckReport:
    root: Path
    name: str | None
    code: str | None
    parts: tuple[Part, ...]
    unusable: bool

    @property
    def findings(self) -> list[Finding]:
        return [finding for part in self.parts for finding in part.findings]

    @property
    def status(self) -> str:
        return "unusable" if self.unusable else "findings" if self.findings else "ok"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_dict(self) -> dict:
        return {
            "territory": {"root": str(self.root), "name": self.name, "code": self.code},
            "status": self.status,
            "exit_code": self.exit_code,
            "parts": [{"part": p.name, "label": PARTS[p.name], "checked": p.checked, "summary": p.summary,
                       "findings": len(p.findings)} for p in self.parts],
            "findings": [f.to_dict() for f in self.findings],
        }

    def lines_fr(self, per_kind: int = SHOWN_PER_KIND) -> list[str]:
        title = f"« {self.name} »" if self.name else str(self.root)
        lines = [f"Vérification du territoire {title} ({self.root / CONFIG_NAME})", ""]
        for part in self.parts:
            agreement = "s" if part.name in PLURAL_PARTS else ""
            state = plural(len(part.findings), "problème") if part.findings else \
                f"conforme{agreement}" if part.checked else f"non vérifié{'e' if part.name == 'survey' else ''}{agreement}"
            lines.append(f"{PARTS[part.name]:<25}{state} — {part.summary}")
            lines += [f"  {line}" for line in _shown(part.findings, per_kind)]
        lines.append("")
        lines.append(self.conclusion_fr())
        return lines

    def conclusion_fr(self) -> str:
        if self.status == "ok":
            return "Territoire conforme : aucun problème trouvé."
        if self.status == "unusable":
            return "Territoire inutilisable : corrigez d'abord les problèmes ci-dessus, puis relancez la vérification."
        counts = {}
        for finding in self.findings:
            title = (CATALOGUE.get(finding.code) or SURVEY_CATALOGUE[finding.code]).title
            counts[title] = counts.get(title, 0) + 1
        detail = ", ".join(f"{title} ({n})" for title, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        return f"{plural(len(self.findings), 'problème')} à corriger : {detail}."


def _shown(findings: tuple[Finding, ...], per_kind: int) -> list[str]:
    counts: dict[str, int] = {}
    lines = []
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
        if counts[finding.code] <= per_kind:
            lines.append(finding.line_fr())
    for code, n in counts.items():
        if n > per_kind:
            title = (CATALOGUE.get(code) or SURVEY_CATALOGUE[code]).title
            lines.append(f"… et {n - per_kind} autres problèmes « {title} » (liste complète avec --json).")
    return lines


def check_territory(root: Path | str) -> CheckReport:
    """Check every part of the territory in `root` that can be checked."""
    ctx = Context(Path(root))
    config = check_config(ctx)
    if ctx.territory is None:
        return CheckReport(ctx.root, None, None, (config,), True)
    geo, unusable = check_geography(ctx)
    if unusable:
        return CheckReport(ctx.root, ctx.territory.name, ctx.territory.code, (config, geo), True)
    spec, description = survey_description(ctx)
    survey = check_survey(ctx, spec, description)  # before covariates: they must cover the survey's IRIS
    parts = (config, geo, check_margins(ctx, spec), check_covariates(ctx), survey, check_catalog(ctx),
             check_values(ctx), check_inventories(ctx))
    return CheckReport(ctx.root, ctx.territory.name, ctx.territory.code, parts, False)
