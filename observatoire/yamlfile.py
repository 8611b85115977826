"""Reading the project's YAML files (indicators.yaml, survey/*.yaml) safely, with French errors.

`load_yaml` accepts only UTF-8 text of at most `MAX_BYTES`, builds plain Python data only
(PyYAML's safe loader) and bounds what aliases can do: an alias repeats a node without copying
it, so a few lines (« billion laughs ») can stand for billions of values that any code walking
the result (validation, messages) would expand. The document's node graph is measured once
composed and before anything is built: more than `MAX_NODES` nodes once every alias is expanded,
or an alias inside its own anchor, is refused. Memory and time stay proportional to the file.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from observatoire.errors import UserError

MAX_BYTES = 16 * 2**20
# indicators.yaml holds about 2,000 nodes; a hundred times more is still a plausible catalogue.
MAX_NODES = 200_000


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader that measures a document (aliases expanded) before constructing it."""

    def get_single_node(self) -> Node | None:
        node = super().get_single_node()
        if node is not None:
            _expanded_size(node)
        return node


class _TooLarge(Exception):
    pass


class _Recursive(Exception):
    pass


def _expanded_size(root: Node) -> int:
    """Nodes of the document with every alias expanded, counted without expanding: a shared node
    is measured once (iteratively: nesting depth costs no recursion)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise _TooLarge
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _Recursive
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(path: Path | str) -> object:
    """The YAML document of `path` as Python data; `UserError` in French for a missing, too
    large, non-UTF-8, malformed or alias-bombed file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"{path.name} : fichier de {size // 2**20} Mo, trop volumineux pour un fichier de "
                            f"description (au plus {MAX_BYTES // 2**20} Mo).", "Vérifiez qu'il s'agit du bon fichier.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Fichier introuvable : {path}", "Vérifiez le chemin du fichier.") from None
    except OSError as err:
        raise UserError(f"Impossible de lire {path} ({err.strerror or err}).",
                        "Vérifiez que vous avez le droit de le lire.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UserError(f"{path.name} n'est pas encodé en UTF-8 (ligne {line}, octet {err.start + 1}).",
                        "Enregistrez-le en UTF-8 depuis votre éditeur (« Enregistrer sous », encodage UTF-8).") from None
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _TooLarge:
        raise UserError(f"{path.name} : les alias YAML (*nom) y répètent plus de {MAX_NODES:,} valeurs une fois "
                        "développés.".replace(",", "\u00a0"),
                        "Écrivez les valeurs répétées en clair ou limitez les alias ; un catalogue n'en a pas besoin.") from None
    except _Recursive:
        raise UserError(f"{path.name} : un alias YAML (*nom) se contient lui-même.",
                        "Supprimez cet alias récursif.") from None
    except RecursionError:
        raise UserError(f"{path.name} : imbrication trop profonde de listes ou de dictionnaires.",
                        "Vérifiez l'indentation du fichier.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None)
        detail = f" : {problem}" if problem else ""
        raise UserError(f"{path.name} : YAML illisible{where}{detail}.",
                        "Vérifiez l'indentation, les deux-points et les guillemets autour de cette ligne.") from None
