"""Neighbourhoods (IRIS) and communes where to act first: the rooms of the targeting list.

- `covariates`: the area covariates file (populations, census-like shares);
- `model`: small-area estimates (Fay–Herriot) and the fragility index, one row per area in the
  estimate-table shape, with codes only;
- `ranking`: ranks with their simulated uncertainty, priority tiers, the minimum population;
- `support`: the places of digital mediation (national standard), checked, and distances;
- `labels`, `exports`: the French words and the files (JSON keys, CSV, XLSX) shared by the app,
  the CLI and the site.
"""
