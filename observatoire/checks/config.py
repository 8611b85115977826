"""Part `config` of a check: observatoire.yaml, every key at once (`territory.check_document`)."""

from __future__ import annotations

import re

from observatoire.checks.context import Context, Part
from observatoire.checks.findings import from_message, make
from observatoire.errors import UserError
from observatoire.scaffold import PLACEHOLDER_CONTACT
from observatoire.territory import CONFIG_NAME, check_document, load_territory
from observatoire.yamlfile import load_yaml

KEY = re.compile(r"clé « ([^»]+) »")


def check_config(ctx: Context) -> Part:
    """Sets `ctx.territory` when observatoire.yaml can be used."""
    config = ctx.root / CONFIG_NAME
    if not config.is_file():
        return Part("config", "absente", (make("config", "config_missing", str(config)),))
    try:
        document = load_yaml(config)
    except UserError as err:
        return Part("config", "illisible", (from_message("config", "config_unreadable", CONFIG_NAME, err.message, err.hint),))
    findings = [_key_finding(problem) for problem in check_document(document, ctx.root)]
    try:
        ctx.territory = load_territory(ctx.root)
    except UserError:
        return Part("config", "inutilisable", tuple(findings))
    if ctx.territory.contact.strip() == PLACEHOLDER_CONTACT:
        findings.append(make("config", "config_placeholder", CONFIG_NAME, key="contact", value=ctx.territory.contact))
    t = ctx.territory
    return Part("config", f"territoire « {t.name} » ({t.code_kind} {t.code})", tuple(findings))


def _key_finding(problem: str):
    """`check_document` says « clé « k » : problème — que faire »."""
    match = KEY.match(problem)
    rest = problem[match.end():].lstrip(" :") if match else problem
    message, _, hint = rest.partition(" — ")
    return from_message("config", "config_key", CONFIG_NAME, _sentence(message), _sentence(hint or "voir docs/territoire.md"),
                        key=match.group(1) if match else None)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."

