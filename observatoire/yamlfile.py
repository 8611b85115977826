"""Reading the project's YAML files (territory, survey description, catalogue) with French errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from observatoire.errors import UserError


def read_yaml(path: Path, what: str) -> Any:
    """The parsed document of `path`; `what` names the file's role in the French message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"Fichier introuvable : {path} ({what}).", "Vérifiez le chemin du fichier.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} ({what}) n'est pas encodé en UTF-8.",
                        "Enregistrez le fichier en UTF-8 (dans un éditeur de texte : « Enregistrer sous… », encodage UTF-8).") from None
    except OSError as err:
        raise UserError(f"Impossible de lire {path} ({what}) : {err.strerror or err}.", "Vérifiez le fichier et ses droits.") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark else ""
        raise UserError(f"{path} ({what}) : YAML mal formé{where}.", "Vérifiez l'indentation et les guillemets.") from None
