"""Footprint, refurbished share and sovereignty on small inventories checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from observatoire.errors import UserError
from observatoire.indicators.footprint import (
    fleet_footprint,
    load_factors,
    read_equipment_inventory,
    refurbished_share,
)
from observatoire.indicators.sovereignty import read_non_sovereign, read_software_inventory, sovereignty_share

# Round factors: embodied 400 kg over 4 years (100 kg/yr), use 50 kg/yr.
FACTORS = pd.DataFrame({"category": ["laptop"], "embodied_kgco2e": [400.0], "lifetime_years": [4.0],
                        "annual_use_kgco2e": [50.0]}).set_index("category")


def _inventory(tmp_path, text: str) -> pd.DataFrame:
    path = tmp_path / "equipment.csv"
    path.write_text("category,purchase_year,condition,retirement_year,count\n" + text, encoding="utf-8")
    return read_equipment_inventory(path)


def test_footprint_hand_checked(tmp_path):
    inv = _inventory(tmp_path, "laptop,2021,new,2023,10\nlaptop,2022,refurbished,,4\n")
    out = fleet_footprint(inv, FACTORS, [2021, 2022, 2023, 2024]).set_index("year")
    # 2021: new lot 10 x (100 embodied + 50 use) = 1 500 kg
    # 2022: new lot 1 500 + refurbished 4 x 50 use (no embodied, cut-off) = 1 700 kg
    # 2023: new lot retired in 2023 after 2 of its 4 years: remaining 2/4 x 400 x 10 = 2 000 kg,
    #       no use; refurbished 200 -> 2 200 kg
    # 2024: refurbished 200 kg
    assert out["total_t"].tolist() == pytest.approx([1.5, 1.7, 2.2, 0.2])
    assert out["embodied_t"].tolist() == pytest.approx([1.0, 1.0, 2.0, 0.0])
    assert out["devices_in_service"].tolist() == [10, 14, 4, 4]


def test_embodied_is_never_more_than_the_factor(tmp_path):
    # kept 6 years with a 4-year reference lifetime: 4 x 100 charged, then nothing
    inv = _inventory(tmp_path, "laptop,2020,new,,1\n")
    out = fleet_footprint(inv, FACTORS, list(range(2020, 2027)))
    assert out["embodied_t"].sum() * 1000 == pytest.approx(400.0)
    # fractional lifetime 2.5 years: 40 %, 40 %, 20 % of the embodied impact
    factors = FACTORS.assign(lifetime_years=2.5)
    out = fleet_footprint(inv, factors, [2020, 2021, 2022, 2023])
    assert (out["embodied_t"] * 1000).tolist() == pytest.approx([160.0, 160.0, 80.0, 0.0])


def test_refurbished_share_hand_checked(tmp_path):
    inv = _inventory(tmp_path, "laptop,2018,new,2022,8\nlaptop,2022,refurbished,,3\nlaptop,2022,new,,5\n"
                               "laptop,2023,refurbished,,2\n")
    out = refurbished_share(inv, [2022, 2023]).set_index("year")
    # 2022: 3 refurbished bought / 8 retired = 37,5 % ; 2023: nothing retired -> undefined
    assert out.loc[2022, "share"] == pytest.approx(37.5)
    assert pd.isna(out.loc[2023, "share"])


def test_project_factors_carry_provenance():
    factors = load_factors()
    assert set(factors.index) >= {"laptop", "desktop", "monitor", "smartphone", "tablet"}
    for col in ("embodied_source", "electricity_source", "electricity_reference_year", "reference_version", "licence"):
        assert factors[col].notna().all(), col
    assert (factors["reference_version"].astype(str) == "2.5.0").all()
    assert factors.loc["laptop", "annual_use_kgco2e"] == pytest.approx(
        factors.loc["laptop", "use_kwh_per_year"] * factors.loc["laptop", "electricity_kgco2e_per_kwh"], rel=1e-3)


def test_bad_inventory_lines_are_reported(tmp_path):
    with pytest.raises(UserError) as err:
        _inventory(tmp_path, "laptop,deux mille,new,,1\nlaptop,2020,usagé,,1\n")
    assert "ligne 2, colonne purchase_year" in err.value.message
    assert "ligne 3, colonne condition" in err.value.message
    unknown = _inventory(tmp_path, "frigo,2020,new,,1\n")
    with pytest.raises(UserError, match="frigo"):
        fleet_footprint(unknown, FACTORS, [2020])


def test_sovereignty_share_hand_checked(tmp_path):
    inventory = tmp_path / "software.csv"
    inventory.write_text(
        "year,workstation_id,software\n"
        "2024,A,Microsoft Windows\n2024,A,LibreOffice\n"
        "2024,B,Debian GNU/Linux\n2024,B,google chrome \n"
        "2024,C,Debian GNU/Linux\n2024,C,LibreOffice\n"
        "2025,A,Debian GNU/Linux\n", encoding="utf-8")
    listing = tmp_path / "list.csv"
    listing.write_text("software,publisher,criterion\nMicrosoft Windows,Microsoft,x\nGoogle Chrome,Google,x\n",
                       encoding="utf-8")
    out = sovereignty_share(read_software_inventory(inventory), read_non_sovereign(listing)).set_index("year")
    # 2024: A (Windows) and B (Chrome, matched case- and space-insensitively) of 3 -> 66,67 % ; 2025: 0 of 1
    assert out.loc[2024, "dependent"] == 2 and out.loc[2024, "workstations"] == 3
    assert out.loc[2024, "share"] == pytest.approx(200 / 3)
    assert out.loc[2025, "share"] == 0.0
    assert len(read_non_sovereign()) >= 5  # the project's declared list
