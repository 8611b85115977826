"""The Présentation page's pieces: one screen of the council sequence (`council.screens`), the
navigation between screens and the style that makes a screen fit a projector and a printed page.

A screen is addressed by `?ecran=N` (1-based), so a link, a bookmark or the browser's history
reaches it; « Précédent » and « Suivant » are buttons with the ← and → keys as shortcuts
(Streamlit's `shortcut`), reachable with Tab and Enter too. No sidebar, a one-line banner, large
type; printing a screen gives one landscape page without the buttons.
"""

from __future__ import annotations

from datetime import date
from html import escape as _escape

import pandas as pd
import streamlit as st

from observatoire import commitments, council, export, glossary
from observatoire.brief import brief_name, build_brief
from observatoire.formatting import ci_short, fmt_interval, fmt_number, fmt_percent
from observatoire.pipeline import Results
from observatoire.site.figures import inline_svg
from observatoire.ui import loaders
from observatoire.ui.commitments import BADGES

def escape(text: str) -> str:
    return _escape(text, quote=False)


QUERY = "ecran"
CHART_HEIGHT = 400  # px: title, chart, caption and buttons fit 768 px of height
MAP_WIDTH = 900
STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 2.5rem 0.4rem; max-width: 100%; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.7rem; }
[data-testid="stMain"] h1 { font-size: 1rem; font-weight: 600; padding: 0 0 0.2rem; color: #3a3a3a; }
[data-testid="stMain"] h2 { font-size: clamp(1.6rem, 2.6vw, 2.6rem); padding: 0; line-height: 1.2; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] td, [data-testid="stMain"] th {
  font-size: clamp(1.05rem, 1.45vw, 1.6rem); }
[data-testid="stMain"] [data-testid="stAlert"] p { font-size: 0.8rem; }
[data-testid="stMain"] [data-testid="stAlertContainer"] { padding: 0.35rem 1rem; }
[data-testid="stMain"] [data-testid="stMarkdown"]:has(a[href^="comprendre#"]) p { font-size: 0.85rem; }
.slide-map svg { height: 52vh; width: auto; max-width: 100%; }
[data-testid="stMain"] p.slide-value { font-size: clamp(3rem, min(19vh, 24vw), 13rem); white-space: nowrap; font-weight: 700; color: #000091; line-height: 1.05; margin: 0; }
[data-testid="stMain"] p.slide-change { font-size: clamp(1.25rem, min(4.5vh, 6vw), 3rem); font-weight: 600; margin: 0.2rem 0 0.6rem; }
[data-testid="stMain"] p.slide-detail { font-size: clamp(1rem, min(3vh, 4.5vw), 2rem); color: #3a3a3a; margin: 0.1rem 0; }
[data-testid="stMain"] p.slide-caveat { font-size: clamp(1rem, min(2.6vh, 4vw), 1.7rem); color: #3a3a3a; border-left: 4px solid #000091;
  padding-left: 0.8rem; margin-top: 1rem; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    height: auto !important; overflow: visible !important; }
  [data-testid="stMain"] .stButton, [data-testid="stMain"] .stDownloadButton, [data-testid="stMain"] [data-testid="stPopover"],
  .slide-nav, [data-testid="stMarkdown"]:has(a[href^="comprendre#"]) { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0; }
}
</style>
"""


def screens(results: Results) -> list[council.Screen]:
    return loaders.shared(results, ("presentation", "screens"), lambda: council.screens(results))


def apply_style() -> None:
    st.html(STYLE)


def current(count: int) -> int:
    """The screen asked for by `?ecran=N`, kept within 1..count (a wrong value shows screen 1)."""
    text = st.query_params.get(QUERY, "1")
    number = int(text) if text.isdigit() else 1
    return min(max(number, 1), max(count, 1))


def go(number: int) -> None:
    st.query_params[QUERY] = str(number)


def navigation(number: int, count: int, results: Results) -> None:
    """Previous / position / next (← → keys), the brief's PDF and the way out."""
    back, where, ahead, pdf, commune, leave = st.columns([2, 2, 2, 3, 3, 2], vertical_alignment="center")
    back.button("Précédent", key="previous", on_click=go, args=(number - 1,), disabled=number <= 1,
                shortcut="Left", width="stretch")
    where.markdown(f"Écran {number} sur {count}")
    ahead.button("Suivant", key="next", on_click=go, args=(number + 1,), disabled=number >= count,
                 shortcut="Right", type="primary", width="stretch")
    pdf.download_button("Note au conseil (PDF)", data=lambda: build_brief(results, day=date.today()),
                        file_name=export.download_name(brief_name(results), "pdf", results.is_demo),
                        mime=export.MIME["pdf"], on_click="ignore", key="brief-pdf", width="stretch")
    with commune.popover("Note pour une commune", width="stretch"):
        commune_brief(results)
    # A plain link (not st.page_link, which needs the router): back to the home page, same tab.
    leave.markdown('<a href="./" target="_self" class="slide-nav">✕ Quitter</a>', unsafe_allow_html=True)


def commune_brief(results: Results) -> None:
    """Choose a commune, download its brief (the commune against the whole territory)."""
    names = results.geography.commune_names()
    code = st.selectbox("Commune", sorted(names, key=names.get), format_func=names.get, key="brief-commune")
    st.download_button(f"Note pour {names[code]} (PDF)", data=lambda: build_brief(results, commune=code, day=date.today()),
                       file_name=export.download_name(brief_name(results, code), "pdf", results.is_demo),
                       mime=export.MIME["pdf"], on_click="ignore", key="brief-commune-pdf")


def figure_screen(item: council.Figure) -> None:
    """A headline share in large type: the value, its change since the previous wave, the
    intervals and n, and what to keep in mind."""
    change = item.change
    st.markdown(f'<p class="slide-value">{escape(change.value())}</p>', unsafe_allow_html=True)
    since = change.headline().removeprefix(f"{change.value()} en {change.wave}").lstrip(", ")
    verdict = change.verdict()
    line = f"en {change.wave}" + (f", {since}" if since else "") + (f" : {verdict}" if verdict else "")
    st.markdown(f'<p class="slide-change">{escape(line)}</p>', unsafe_allow_html=True)
    details = [f"{ci_short(change.level)} : {change.interval()} · n = {fmt_number(change.latest['n_unweighted'])} répondants"]
    if change.previous is not None:
        details.append(f"Vague précédente : {change.previous_text()}")
    if change.change_interval():
        details.append(change.change_interval())
    st.markdown("".join(f'<p class="slide-detail">{escape(d)}</p>' for d in details), unsafe_allow_html=True)
    caveat = item.description
    if change.latest["flag"] == "fragile":
        caveat += " Estimation fragile : à interpréter avec prudence."
    st.markdown(f'<p class="slide-caveat">{escape(caveat)}</p>', unsafe_allow_html=True)


def map_screen(results: Results) -> None:
    """The static map as an accessible inline SVG (the site's): drawn offline, no map library."""
    def draw() -> tuple[str, str]:
        found = council.headline_map(results, height=CHART_HEIGHT, size="presentation")
        title = f"Carte : {found.subject}, par commune"
        return inline_svg(found.chart, "carte", title, found.caption, width=MAP_WIDTH), found.caption

    svg, caption = loaders.shared(results, ("presentation", "map"), draw)
    st.markdown(f'<div class="slide-map">{svg}</div>', unsafe_allow_html=True)  # st.html strips SVG
    st.caption(caption)


def statuses_screen(results: Results) -> None:
    counts = council.status_by_theme(results)
    st.table(counts)
    st.caption(f"{len(results.progress)} engagements, horizon {results.catalog.horizon} : nombre par thème et par statut "
               "(méthode de mesure des progrès d'Open SDG). Détail thème par thème sur les écrans suivants.")


def theme_screen(rows: pd.DataFrame) -> None:
    """The commitments of one theme: status in words (icon as a reminder), value and target, notes."""
    for row in rows.to_dict("records"):
        icon = BADGES.get(row["status"], BADGES["not_available"])[1]
        note = commitments.short_note(row)
        text = f"{icon} **{row['status_label']}** — {row['id']} · {row['title']}  \n{commitments.headline_line(row)}"
        st.markdown(text + (f"  \n*{note}.*" if note else ""))


def areas_screen(results: Results) -> None:
    ranked = loaders.shared(results, ("presentation", "areas"), lambda: council.top_areas(results))
    table = pd.DataFrame({
        "Rang": [f"{int(r['rank'])} (de {int(r['rank_low'])} à {int(r['rank_high'])})" for r in ranked.to_dict("records")],
        "Quartier (commune)": [r["place"] for r in ranked.to_dict("records")],
        f"Part en difficulté ({ci_short(results.settings['ci_level'])})": [f"{fmt_percent(r['estimate'])} {fmt_interval(r['ci_low'], r['ci_high'])}"
                                           for r in ranked.to_dict("records")],
        "Personnes en difficulté": [fmt_number(round(r["count"], -1)) for r in ranked.to_dict("records")],
    })
    st.table(table.set_index("Rang"))
    st.caption("Les IRIS où vivent le plus de personnes en difficulté avec les démarches en ligne (modèle sur petits "
               "domaines) ; entre parenthèses, les places entre lesquelles l'IRIS se situe avec 95 % de probabilité.")


# Glossary entries linked at the foot of each kind of screen: the banner's words (IRIS, calage,
# lieux de médiation) and those of the screen, no more, so that the line stays one line.
BANNER_TERMS = ("iris", "ponderation", "lieu-de-mediation")
SCREEN_TERMS = {
    "figure": ("intervalle-de-confiance", "marge-d-erreur", "effectif", "vague", "chiffre-fragile"),
    "map": ("intervalle-de-confiance", "chiffre-fragile", "donnee-non-diffusee"),
    "statuses": ("statut", "cible-2026", "projection"),
    "theme": ("statut", "cible-2026", "projection", "marge-d-erreur", "intervalle-de-confiance"),
    "areas": ("estimation-par-modele", "rang", "intervalle-de-confiance"),
}


def show(screen: council.Screen, results: Results) -> None:
    if screen.kind == "figure":
        figure_screen(screen.figure)
    elif screen.kind == "map":
        map_screen(results)
    elif screen.kind == "statuses":
        statuses_screen(results)
    elif screen.kind == "theme":
        theme_screen(screen.rows)
    else:
        areas_screen(results)
    st.markdown(glossary.app_links((*BANNER_TERMS, *SCREEN_TERMS[screen.kind])))
