"""`observatoire serve [--territory DIR] [--port N] [--address HOST]`: the app, ready for its first visitor.

Computes the territory's results (or reads them from the results cache) before listening, then
runs Streamlit on app.py (`observatoire.ui.server`). `make run` calls it. Streamlit's other
settings come from .streamlit/config.toml or `STREAMLIT_*` environment variables.
"""

from __future__ import annotations

import argparse
import os

from observatoire.commands.arguments import add_territory, territory_of
from observatoire.territory import ENV_VAR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="sert l'application (résultats calculés avant la première visite)",
        description="Sert l'application Streamlit sur les données du territoire ; les résultats sont calculés "
        "(ou relus du cache) avant que le serveur n'accepte la première visite.",
    )
    add_territory(parser)
    parser.add_argument("--port", type=int, help="port d'écoute (défaut : 8501)")
    parser.add_argument("--address", help="adresse d'écoute (défaut : toutes ; 127.0.0.1 pour un serveur local)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    territory = territory_of(args)  # a broken observatoire.yaml stops here, with its French message
    os.environ[ENV_VAR] = str(territory.root)  # what the app's pages read
    from observatoire.ui.server import serve  # Streamlit is loaded only to serve

    return serve(args.port, args.address)
