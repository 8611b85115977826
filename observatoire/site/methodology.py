"""`methodologie.html` and `accessibilite.html`.

The methodology is generated from what produced the figures (settings, survey design, margins,
weighting diagnostics, progress thresholds), through the same tables as the app's methodology
page, so no number is copied by hand. The accessibility statement says « non conforme » as long
as no RGAA audit has been made (an automated axe-core check is not an audit).
"""

from __future__ import annotations

from observatoire import methodology as tables
from observatoire.formatting import fmt_number
from observatoire.labels import variable_label
from observatoire.indicators.progress import CITATION
from observatoire.provenance import demonstration_inputs
from observatoire.site.data import SiteConfig, SiteData
from observatoire.site.markup import bullet_list, frame_table, heading, link, paragraphs

CONFORMITY = "non conforme"


def publication_rules(data: SiteData) -> list[str]:
    """The publication rules in force: those of the settings (shared with the app), counted on the
    published estimates, and what this site never publishes."""
    return [
        *tables.disclosure_rules(data.settings, data.estimates),
        "Aucune donnée individuelle (microdonnée) n'est publiée : seulement des parts agrégées par commune, "
        "tranche d'âge, sexe, diplôme et vague, avec leur intervalle de confiance et leur effectif.",
        "Aucune estimation directe n'est publiée à l'échelle de l'IRIS ; la liste des quartiers prioritaires "
        "repose sur une estimation par modèle sur petits domaines, avec ses signalements.",
        f"L'âge n'est publié qu'en tranches ({', '.join(data.spec.labels_fr['age_band'].values())}).",
    ]


def sources(data: SiteData) -> list[str]:
    waves = "; ".join(f"vague {int(r['wave'])} : {fmt_number(r['n'])} répondants" for _, r in data.weighting.iterrows())
    kind = ("données de démonstration, synthétiques" if "survey" in demonstration_inputs(data.provenance)
            else f"enquête auprès des {data.spec.population_fr}")
    return [
        f"Enquête auprès des {data.spec.population_fr} ({kind}) ; {waves}.",
        f"Marges de calage : {data.spec.population_fr} par " + ", ".join(
            " × ".join(variable_label(data.spec, c).lower() for c in v.columns) for v in data.spec.design.raking)
        + " (tableau « Marges de calage »).",
        "Géographie : code officiel géographique de l'Insee (communes) et contours IRIS.",
        "Engagements : catalogue des indicateurs (définition, unité, cible) et valeurs déclarées par les services ; "
        "les indicateurs issus de l'enquête sont recalculés à partir de celle-ci.",
    ]


def methodology_page(data: SiteData) -> str:
    """Body of methodologie.html."""
    return "".join([
        *([paragraphs(data.demo_note)] if data.demo_note else []),
        heading(2, "Sources"),
        bullet_list(sources(data)),
        heading(2, "Plan de sondage et estimation"),
        frame_table(tables.design_table(data.spec, data.settings), "Plan de sondage et méthode d'estimation"),
        bullet_list(tables.interval_rules(data.settings, data.estimates)),
        *([bullet_list(tables.small_area_rules(data.settings))] if data.targeting is not None else []),
        heading(2, "Calage sur le recensement"),
        frame_table(tables.margins_table(data.spec), "Marges de calage"),
        frame_table(tables.weighting_table(data.weighting), "Diagnostics des poids finaux, par vague"),
        heading(2, "Règles de diffusion"),
        bullet_list(publication_rules(data)),
        heading(2, "Mesure des progrès des engagements"),
        paragraphs(f"Méthode : {CITATION}."),
        frame_table(tables.progress_thresholds(), "Statuts de progression et seuils"),
        heading(2, "Réglages utilisés"),
        frame_table(tables.settings_table(data.settings), "Réglages de l'observatoire et leur valeur"),
    ])


def accessibility_page(config: SiteConfig) -> str:
    """Body of accessibilite.html (RGAA 4.1 accessibility statement)."""
    rights = link("https://formulaire.defenseurdesdroits.fr/", "formulaire en ligne du Défenseur des droits")
    return "".join([
        paragraphs(
            f"{config.site_name} s'engage à rendre ce site accessible conformément à l'article 47 de la loi "
            "n° 2005-102 du 11 février 2005. Cette déclaration s'applique au site statique publié.",
        ),
        heading(2, "État de conformité"),
        paragraphs(
            f"Ce site est {CONFORMITY} au référentiel général d'amélioration de l'accessibilité (RGAA 4.1) : "
            "aucun audit de conformité n'a encore été réalisé.",
            "Mesures déjà prises : navigation au clavier avec lien d'évitement, repères de page (en-tête, "
            "navigation, contenu, pied de page), titres hiérarchisés, tableaux avec titre et en-têtes, "
            "graphiques avec une alternative textuelle et le tableau des valeurs, contrastes suffisants, "
            "focus visible, aucune information donnée par la couleur seule. Chaque page est vérifiée "
            "automatiquement (axe-core, WCAG 2.1 niveau AA) ; une vérification automatique ne remplace pas un audit.",
        ),
        heading(2, "Retour d'information et contact"),
        paragraphs(f"Si vous n'arrivez pas à accéder à un contenu, écrivez-nous : {config.contact}. "
                   "Les données de chaque page sont aussi disponibles en fichiers ouverts (page « Données ouvertes »)."),
        heading(2, "Voies de recours"),
        paragraphs("Si vous nous avez signalé un défaut d'accessibilité sans obtenir de réponse satisfaisante, "
                   "vous pouvez saisir le Défenseur des droits :"),
        bullet_list([
            f"par le {rights} ;",
            "en contactant le délégué du Défenseur des droits de votre région ;",
            "par courrier (gratuit, sans timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.",
        ], raw=True),
    ])
