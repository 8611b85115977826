"""The national administrative referential `@etalab/decoupage-administratif` (npm package: Insee
Code officiel géographique, DGCL composition of the EPCI, Insee legal populations; Licence
Ouverte): an EPCI's member communes with their names and populations, and the package version
and vintage (millésime) they come from.

Its JSON files are read from `node_modules` (installed by `npm ci` with the version pinned in
package.json); only `observatoire territory new --epci` needs them, never the app.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from observatoire.errors import UserError
from observatoire.territory import EXAMPLE_DIR

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_DIR = EXAMPLE_DIR / "node_modules" / "@etalab" / "decoupage-administratif"
# Sentence name of each kind of EPCI (DGCL nature juridique); any other: « l'intercommunalité ».
SHORT_NAMES = {"CA": "l'agglomération", "CU": "la communauté urbaine", "CC": "la communauté de communes"}
GENERIC_SHORT_NAME = "l'intercommunalité"


@dataclass(frozen=True)
class Member:
    code: str  # Insee code
    name: str
    population: int | None  # population municipale (Insee populations légales)


@dataclass(frozen=True)
class Epci:
    siren: str
    name: str
    kind: str  # CA, CC, CU, METRO…
    members: tuple[Member, ...]
    version: str  # of the npm package
    vintage: str | None  # year of the referential, as the package's README table gives it

    @property
    def short_name(self) -> str:
        return SHORT_NAMES.get(self.kind, GENERIC_SHORT_NAME)

    def source_fr(self) -> str:
        """« @etalab/decoupage-administratif 6.0.0 (millésime 2026) »"""
        vintage = f"millésime {self.vintage}" if self.vintage else "millésime non indiqué par le paquet"
        return f"{PACKAGE} {self.version} ({vintage})"


def load_epci(siren: str, package_dir: Path | None = None) -> Epci:
    """The EPCI of SIREN `siren` and its members, from the package in `package_dir`
    (default: the project's node_modules)."""
    package_dir = Path(package_dir) if package_dir is not None else DEFAULT_DIR
    version = _read(package_dir / "package.json", package_dir).get("version", "?")
    epcis = {str(e.get("code")): e for e in _read(package_dir / "data" / "epci.json", package_dir)}
    epci = epcis.get(str(siren).strip())
    if epci is None:
        raise UserError(f"Aucun EPCI de SIREN « {siren} » dans {PACKAGE} {version}.",
                        "Vérifiez le numéro SIREN (9 chiffres) de l'intercommunalité (banatic, annuaire des collectivités).")
    communes = {c["code"]: c for c in _read(package_dir / "data" / "communes.json", package_dir)
                if c.get("type") == "commune-actuelle"}
    members = []
    for member in epci.get("membres", []):
        commune = communes.get(member["code"], {})
        population = commune.get("population", member.get("populationMunicipale"))
        members.append(Member(member["code"], commune.get("nom", member.get("nom", "")),
                              int(population) if population is not None else None))
    return Epci(str(epci["code"]), epci.get("nom", ""), epci.get("type", ""),
                tuple(sorted(members, key=lambda m: m.code)), version, _vintage(package_dir, version))


def _read(path: Path, package_dir: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(
            f"Référentiel administratif introuvable : {path} (paquet npm {PACKAGE}).",
            "Installez-le dans le dossier du projet avec « npm ci » (ou « make test », qui le fait), "
            f"ou donnez son dossier avec --referentiel ; à défaut, utilisez --name et --code au lieu de --epci.",
        ) from None
    except (OSError, ValueError) as err:
        raise UserError(f"{path} : fichier illisible ({str(err)[:80]}).",
                        f"Réinstallez le paquet {PACKAGE} (supprimez {package_dir} puis « npm ci »).") from None


def _vintage(package_dir: Path, version: str) -> str | None:
    """The year the README's « Millésimes et versions » table gives for `version`."""
    try:
        readme = (package_dir / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(rf"^\|\s*(\d{{4}})\s*\|\s*{re.escape(version)}\s*\|", readme, re.MULTILINE)
    return match.group(1) if match else None
