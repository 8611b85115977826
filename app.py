"""Entry point (`streamlit run app.py`): the common frame, then the chosen page.

A router only: each page lives in pages/ and is listed here with its French title and a stable
URL, in menu order: accueil, enquete, carte, quartiers, engagements, presentation, methodologie,
donnees, comprendre (the root `/` leads to /accueil). A page is listed once it has real content;
tests/app builds its page list from this file. The banner (demonstration data, or the session's
own file, one line on the presentation) is drawn here, so every page has it. `make run` serves it
with `observatoire serve` (results computed before the first visit, deep links working on a fresh
server); uploads are kept in memory and an unexpected error shows a French message, never a
traceback (observatoire/ui/server.py, observatoire/ui/safeguards.py).
"""

import streamlit as st

from observatoire.ui import components, loaders, safeguards, screen

st.set_page_config(page_title="Observatoire du numérique", layout="wide")
safeguards.keep_uploads_in_memory()


def to_home() -> None:
    """The site's root: Accueil under its own URL. Streamlit serves the default page at `/` and
    never under its url_path, so the documented `/accueil` needs Accueil not to be the default."""
    st.switch_page(home)


home = st.Page("pages/home.py", title="Accueil", url_path="accueil")
root = st.Page(to_home, title="Accueil", url_path="racine", default=True, visibility="hidden")
page = st.navigation(
    [
        root,
        home,
        st.Page("pages/survey.py", title="Enquête", url_path="enquete"),
        st.Page("pages/map.py", title="Carte", url_path="carte"),
        st.Page("pages/neighbourhoods.py", title="Quartiers", url_path="quartiers"),
        st.Page("pages/commitments.py", title="Engagements", url_path="engagements"),
        # File stem ≠ url_path: AppTest's switch_page loses the banner when they are equal (Streamlit 1.67).
        st.Page("pages/council.py", title="Présentation", url_path="presentation"),
        st.Page("pages/methodology.py", title="Méthodologie", url_path="methodologie"),
        st.Page("pages/data.py", title="Données", url_path="donnees"),
        st.Page("pages/glossary.py", title="Comprendre les chiffres", url_path="comprendre"),
    ]
)
screen.mount()
with safeguards.unexpected_errors(page.title):
    if page is not root:
        components.source_banner(loaders.current_results(), loaders.upload_name(),
                                 compact=page.url_path == "presentation")
    page.run()
