"""Observatoire des inégalités numériques et des engagements numérique responsable."""

import os

# Workbooks are parsed by openpyxl on the standard library's XML through defusedxml (no entity
# expansion, no DTD), never on lxml, which the PDF brief's svglib brings in: one parser, whose
# errors and limits the hostile-file tests pin. Set before any module imports openpyxl.
os.environ["OPENPYXL_LXML"] = "False"

__version__ = "0.1.0"
