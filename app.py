"""Entry point (`make run`, i.e. `streamlit run app.py`): the common frame, then the chosen page.

A router only: each page lives in pages/ and is listed here with its French title and a stable
URL. A page is listed once it has real content; tests/app builds its page list from this file.
"""

import streamlit as st

from observatoire.ui import components, loaders

st.set_page_config(page_title="Observatoire du numérique", layout="wide")

page = st.navigation(
    [
        st.Page("pages/home.py", title="Accueil", url_path="accueil", default=True),
    ]
)
components.source_banner(loaders.current_results())
page.run()
