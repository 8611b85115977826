"""Small hand-made estimate tables for the viz tests (no pipeline needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from example_territory import example_geography

ESTIMATE_COLUMNS = ["domain", "estimate", "ci_low", "ci_high", "n_unweighted", "flag"]


@pytest.fixture(scope="session")
def communes() -> pd.DataFrame:
    return example_geography().communes


@pytest.fixture(scope="session")
def commune_geometry() -> dict:
    return example_geography().commune_shapes


@pytest.fixture()
def commune_estimates(communes) -> pd.DataFrame:
    """27 of the 28 communes: shares 10 %..36 %, one fragile (33519), one withheld (33522)."""
    codes = list(communes["code"])[:27]
    shares = [0.10 + 0.01 * i for i in range(27)]
    flags = ["ok"] * 25 + ["fragile", "withheld"]
    return pd.DataFrame(
        {
            "domain": codes,
            "estimate": shares,
            "ci_low": [s - 0.03 for s in shares],
            "ci_high": [s + 0.03 for s in shares],
            "n_unweighted": [200 + i for i in range(27)],
            "flag": flags,
        },
        columns=ESTIMATE_COLUMNS,
    )
