"""Command-line interface: `observatoire COMMAND ...` (also `python -m observatoire`).

Each command lives in `observatoire/commands/<name>.py` and exposes
`register(subparsers)`, which adds its parser and sets `func(args) -> int`.
Exit codes: 0 success, 1 findings (e.g. validation errors), 2 unusable input or arguments.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from observatoire.errors import UserError

COMMAND_MODULES = (
    "validate",
    "demo",
    "progress",
    "template",
    "import_values",
    "estimate",
    "site",
    "quartiers",
    "territory",
    "check",
    "serve",
    "brief",
)


# argparse looks its messages up through gettext at call time: answer in French.
_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "options": "options",
    "positional arguments": "arguments positionnels",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (valeurs possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
}
argparse._ = lambda message: _ARGPARSE_FR.get(message, message)


class _FrenchParser(argparse.ArgumentParser):
    """argparse exits with 2 on bad arguments; keep that but speak French."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised via CLI tests
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur d'arguments : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(prog="observatoire", description="Observatoire des inégalités numériques")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_FrenchParser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"observatoire.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as err:
        print(f"Erreur : {err.message}", file=sys.stderr)
        if err.hint:
            print(f"Que faire : {err.hint}", file=sys.stderr)
        return 2
