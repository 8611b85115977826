"""Extract the IT-fleet emission factors used by `observatoire.indicators.footprint`.

Reads the data files shipped with the `boaviztapi` package (Boavizta, AGPL-3.0) and writes
`data/indicators/emission_factors.csv`, one row per equipment category, with provenance
(source, package version, reference year, licence) beside every number. The app reads the
CSV only: boaviztapi is not a runtime dependency.

Usage (in a throwaway venv, so the app's environment stays clean):
    python3 -m venv /tmp/boa && /tmp/boa/bin/pip install boaviztapi==2.5.0
    /tmp/boa/bin/python scripts/extract_boavizta_factors.py

Method mirrored from boaviztapi's "simple" device model (compute/impacts_computation.py):
embodied impact allocated linearly over `hours_life_time`; use impact =
electricity factor x avg_power/1000 x use_time_ratio x hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
from pathlib import Path

import boaviztapi
import yaml

VERSION = importlib.metadata.version("boaviztapi")
DATA = Path(boaviztapi.__file__).parent / "data"
OUT = Path(__file__).resolve().parent.parent / "data" / "indicators" / "emission_factors.csv"
COUNTRY = "FRA"
HOURS_PER_YEAR = 8760
# category in our inventories -> (factors.yml key, factors.yml type or None, archetype id)
CATEGORIES = {
    "laptop": ("LAPTOP", "pro", "laptop-pro"),
    "desktop": ("DESKTOP", "pro", "desktop-pro"),
    "monitor": ("MONITOR", None, "monitor-default"),
    "smartphone": ("SMARTPHONE", None, "smartphone-default"),
    "tablet": ("TABLET", None, "tablet-default"),
}
COLUMNS = [
    "category", "boavizta_archetype", "embodied_kgco2e", "embodied_source", "lifetime_years",
    "avg_power_w", "use_time_ratio", "use_kwh_per_year", "electricity_kgco2e_per_kwh",
    "electricity_country", "electricity_source", "electricity_reference_year",
    "annual_embodied_kgco2e", "annual_use_kgco2e", "reference", "reference_version",
    "licence", "extracted_on",
]


def electricity_factor(country: str) -> tuple[float, str, str]:
    """Highest-priority (lowest number) GWP factor for the country, as boaviztapi picks it."""
    with open(DATA / "crowdsourcing" / "electrical_mix.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(country)
    candidates = [r for r in rows[2:] if r[6] == "gwp" and r[col].strip()]
    best = min(candidates, key=lambda r: float(r[4]))
    return float(best[col]), best[3], best[5]


def archetypes() -> dict[str, dict[str, str]]:
    with open(DATA / "archetypes" / "user_terminal.csv", newline="", encoding="utf-8") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def rows() -> list[dict[str, object]]:
    factors = yaml.safe_load((DATA / "factors.yml").read_text(encoding="utf-8"))
    elec, elec_source, elec_year = electricity_factor(COUNTRY)
    arch = archetypes()
    out = []
    for category, (key, kind, archetype_id) in CATEGORIES.items():
        gwp = factors[key]["gwp"]
        entry = gwp[kind] if kind else gwp
        a = arch[archetype_id]
        lifetime = float(a["USAGE.hours_life_time"]) / HOURS_PER_YEAR
        power = float(a["USAGE.avg_power"].split(";")[0])  # value;min;max -> value
        ratio = float(a["USAGE.use_time_ratio"])
        kwh = power / 1000 * ratio * HOURS_PER_YEAR
        out.append({
            "category": category,
            "boavizta_archetype": archetype_id,
            "embodied_kgco2e": float(entry["impact"]),
            "embodied_source": f"ADEME Base Empreinte via boaviztapi ({entry['source']})",
            "lifetime_years": round(lifetime, 4),
            "avg_power_w": power,
            "use_time_ratio": ratio,
            "use_kwh_per_year": round(kwh, 4),
            "electricity_kgco2e_per_kwh": elec,
            "electricity_country": COUNTRY,
            "electricity_source": elec_source,
            "electricity_reference_year": elec_year,
            "annual_embodied_kgco2e": round(float(entry["impact"]) / lifetime, 4),
            "annual_use_kgco2e": round(kwh * elec, 4),
            "reference": "Boavizta, boaviztapi (data/factors.yml, data/archetypes/user_terminal.csv, "
                         "data/crowdsourcing/electrical_mix.csv)",
            "reference_version": VERSION,
            "licence": "AGPL-3.0 (boaviztapi package); factors quoted with attribution",
            "extracted_on": dt.date.today().isoformat(),
        })
    return out


def check(extracted: list[dict[str, object]]) -> None:
    """Compare with boaviztapi's own computation for one year of use in France (laptop, desktop, monitor)."""
    import asyncio

    from boaviztapi.dto.device.user_terminal import Desktop, Laptop, Monitor
    from boaviztapi.dto.usage.usage import Usage
    from boaviztapi.routers.peripheral_router import monitor_impact_from_configuration
    from boaviztapi.routers.terminal_router import desktop_impact_from_configuration, laptop_impact_from_configuration

    calls = {"laptop": (laptop_impact_from_configuration, Laptop), "desktop": (desktop_impact_from_configuration, Desktop),
             "monitor": (monitor_impact_from_configuration, Monitor)}
    by_category = {row["category"]: row for row in extracted}
    for category, (call, dto) in calls.items():
        row = by_category[category]
        result = asyncio.run(call(dto(usage=Usage(usage_location=COUNTRY)), verbose=False, duration=HOURS_PER_YEAR,
                                  archetype=row["boavizta_archetype"], criteria=["gwp"]))
        gwp = result["impacts"]["gwp"]
        print(f"  {category}: fabrication/an {row['annual_embodied_kgco2e']} (boaviztapi {gwp['embedded']['value']}), "
              f"usage/an {row['annual_use_kgco2e']} (boaviztapi {gwp['use']['value']}, arrondi par l'API)")


def main() -> None:
    extracted = rows()
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(extracted)
    print(f"{OUT}: {len(CATEGORIES)} catégories (boaviztapi {VERSION}, mix électrique {COUNTRY})")
    print("Contrôle par le calcul de boaviztapi (kg CO2e pour un an) :")
    check(extracted)


if __name__ == "__main__":
    main()
