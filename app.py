"""Entry point (`make run`, i.e. `streamlit run app.py`): the common frame, then the chosen page.

A router only: each page lives in pages/ and is listed here with its French title and a stable
URL, in menu order: accueil, enquete, carte, quartiers, engagements, methodologie, donnees. A page
is listed once it has real content; tests/app builds its page list from this file. The banner
(demonstration data, or the session's own file) is drawn here, so every page has it. Uploads are
kept in memory and an unexpected error shows a French message, never a traceback (ui/server.py).
"""

import streamlit as st

from observatoire.ui import components, loaders, server

st.set_page_config(page_title="Observatoire du numérique", layout="wide")
server.keep_uploads_in_memory()

page = st.navigation(
    [
        st.Page("pages/home.py", title="Accueil", url_path="accueil", default=True),
        st.Page("pages/survey.py", title="Enquête", url_path="enquete"),
        st.Page("pages/map.py", title="Carte", url_path="carte"),
        st.Page("pages/neighbourhoods.py", title="Quartiers", url_path="quartiers"),
        st.Page("pages/commitments.py", title="Engagements", url_path="engagements"),
        st.Page("pages/methodology.py", title="Méthodologie", url_path="methodologie"),
        st.Page("pages/data.py", title="Données", url_path="donnees"),
    ]
)
with server.unexpected_errors(page.title):
    components.source_banner(loaders.current_results(), loaders.upload_name())
    page.run()
