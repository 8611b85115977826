"""The site's methodology lists every setting by its French label with its value, and says what was computed."""

from __future__ import annotations

from observatoire.settings import SETTINGS
from observatoire.site.markup import esc


def test_every_setting_is_on_the_site_methodology_page(hand_site):
    page = hand_site.pages["methodologie.html"]
    for name, setting in SETTINGS.items():
        assert f'<th scope="row">{esc(setting.label_fr)}</th>' in page and name not in page, name


def test_site_methodology_states_the_rules_in_force(hand_site):
    page = hand_site.pages["methodologie.html"]
    assert "Secret secondaire" in page and "10 cellule(s) d'au moins 11 répondants" in page  # Bassens (n = 40), 5 indicators x 2 waves
    assert "Strate à une seule unité primaire" in page and "entre 0,3 et 3 fois le poids moyen" in page
