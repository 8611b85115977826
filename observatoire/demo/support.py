"""Synthetic places of digital mediation of a territory (DEMONSTRATION, not real places).

Written in the national standard (schéma des lieux de médiation numérique v1.0.1, every column in
its order) so that the example shows the layer and the distances; names, addresses and
identifiers say they are fictitious. Places sit near IRIS centres drawn in proportion to their
population (seeded: `observatoire demo` rewrites the same bytes).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from observatoire.areas.support import in_territory, schema
from observatoire.geo import Geography

SEED = 13
N_PLACES = 36  # at most: about one place per two housing IRIS in a small territory
KINDS = (  # (typologie, dispositif_programmes_nationaux, services)
    ("FRANCE_SERVICES", "France Services", "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien"),
    ("BIB", "Conseillers numériques", "Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique"),
    ("ASSO", "Conseillers numériques|Aidants Connect", "Aide aux démarches administratives|Utilisation sécurisée du numérique"),
    ("CCAS", "Aidants Connect", "Aide aux démarches administratives"),
    ("TIERS_LIEUX", "", "Loisirs et créations numériques|Compréhension du monde numérique"),
)


def demo_places(geography: Geography, seed: int = SEED) -> list[dict[str, str]]:
    housing = geography.iris["kind"].isin(["H", "Z"]) | (geography.iris["kind"] == "")
    iris = geography.iris[housing].reset_index(drop=True)
    n = min(N_PLACES, max(1, len(iris) // 2))
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(iris), size=n, replace=False)
    rows = []
    for number, i in enumerate(sorted(chosen), start=1):
        area = iris.iloc[i]
        lon, lat = area["lon"] + rng.normal(0, 0.001), area["lat"] + rng.normal(0, 0.0007)
        if not in_territory([lon], [lat], geography)[0]:
            lon, lat = area["lon"], area["lat"]
        kind, scheme, services = KINDS[int(rng.integers(len(KINDS)))]
        rows.append({
            "id": f"demo-{number:03d}",
            "pivot": f"{99900000000000 + number:014d}",
            "nom": f"Lieu de démonstration n° {number} (fictif)",
            "commune": area["commune_name"],
            "code_postal": "00000",
            "code_insee": area["commune"],
            "adresse": f"{number} rue fictive (démonstration)",
            "latitude": f"{lat:.5f}",
            "longitude": f"{lon:.5f}",
            "typologie": kind,
            "source": "Observatoire du numérique — données de démonstration",
            "itinerance": "Fixe",
            "date_maj": "2024-06-01",
            "services": services,
            "frais_a_charge": "Gratuit",
            "dispositif_programmes_nationaux": scheme,
            "modalites_acces": "Se présenter|Téléphoner",
            "modalites_accompagnement": "Accompagnement individuel|Dans un atelier collectif",
        })
    return rows


def demo_csv(geography: Geography, seed: int = SEED) -> bytes:
    """The file's bytes: UTF-8, comma-separated, every column of the standard in its order."""
    columns = [field["name"] for field in schema()["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(demo_places(geography, seed))
    return buffer.getvalue().encode("utf-8")
