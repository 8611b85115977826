"""Observatoire des inégalités numériques et des engagements numérique responsable."""

__version__ = "0.1.0"
