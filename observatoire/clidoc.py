"""docs/cli.md: the command-line reference, generated from the parsers' own `--help`.

`python -m observatoire.clidoc > docs/cli.md`; a test compares the committed file with this output,
so an option added to a command without regenerating the reference fails the suite.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from observatoire.cli import build_parser

# A fixed width: the reference must not depend on the terminal that generated it.
WIDTH = 100


def subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser below `parser` (depth first, in declaration order), e.g. `observatoire territory new`."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
                yield child
                yield from subcommands(child)


def options(parser: argparse.ArgumentParser) -> list[str]:
    """The option strings of a parser (`--territory`, `--json`…), help excepted."""
    return [string for action in parser._actions if not isinstance(action, argparse._HelpAction)
            for string in action.option_strings]


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH)
    return parser.format_help().rstrip()


def reference_markdown() -> str:
    parser = build_parser()
    lines = [
        "# Référence de la ligne de commande",
        "",
        "<!-- Généré par `python -m observatoire.clidoc > docs/cli.md` : ne pas modifier à la main. -->",
        "",
        "La commande `observatoire` est installée dans `.venv` par `make run` ou `make test` "
        "(`.venv/bin/observatoire …`, ou `python -m observatoire …`). Les messages sont en français. "
        "Codes de sortie : `0` succès, `1` problèmes trouvés (fichier à corriger), `2` entrée inutilisable "
        "ou arguments invalides — jamais de trace d'erreur Python. Chaque commande qui lit un territoire "
        "prend `--territory DOSSIER` (défaut : la variable `OBSERVATOIRE_TERRITORY`, sinon le territoire "
        "d'exemple).",
        "",
        "Ce qui suit est l'aide de chaque commande (`observatoire COMMANDE --help`).",
        "",
        "## `observatoire`",
        "",
        "```text",
        _help(parser),
        "```",
        "",
    ]
    for child in subcommands(parser):
        lines += [f"## `{child.prog}`", "", "```text", _help(child), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(reference_markdown())
