"""Seeded synthetic demonstration data (survey microdata and area covariates)."""
