"""Entry point (`make run`, i.e. `streamlit run app.py`): the common frame, then the chosen page.

A router only: each page lives in pages/ and is listed here with its French title and a stable
URL, in menu order: accueil, enquete, carte, quartiers, engagements, presentation, methodologie,
donnees. A page
is listed once it has real content; tests/app builds its page list from this file. The banner
(demonstration data, or the session's own file) is drawn here, so every page has it.
"""

import streamlit as st

from observatoire.ui import components, loaders

st.set_page_config(page_title="Observatoire du numérique", layout="wide")

page = st.navigation(
    [
        st.Page("pages/home.py", title="Accueil", url_path="accueil", default=True),
        st.Page("pages/survey.py", title="Enquête", url_path="enquete"),
        st.Page("pages/map.py", title="Carte", url_path="carte"),
        st.Page("pages/neighbourhoods.py", title="Quartiers", url_path="quartiers"),
        st.Page("pages/commitments.py", title="Engagements", url_path="engagements"),
        # File stem ≠ url_path: AppTest's switch_page loses the banner when they are equal (Streamlit 1.67).
        st.Page("pages/council.py", title="Présentation", url_path="presentation"),
        st.Page("pages/methodology.py", title="Méthodologie", url_path="methodologie"),
        st.Page("pages/data.py", title="Données", url_path="donnees"),
    ]
)
components.source_banner(loaders.current_results(), loaders.upload_name(), compact=page.url_path == "presentation")
page.run()
