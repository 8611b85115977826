"""Données: upload a survey file → French validation report → results for this session only;
download the file templates."""

import streamlit as st

from observatoire.formatting import fmt_number
from observatoire.ui import components, loaders
from observatoire.ui.tables import survey_template

results = loaders.current_results()
st.title("Données")
limit = st.get_option("server.maxUploadSize")
st.markdown(
    "Chargez votre propre fichier d'enquête (une ligne par répondant, colonnes décrites par le modèle "
    f"ci-dessous) au format **CSV** (séparateur « ; » ou « , »), **Excel .xlsx** ou **SPSS .sav**, "
    f"jusqu'à {fmt_number(limit)} Mo. Le fichier est vérifié puis les résultats sont recalculés **pour "
    "votre session uniquement** : rien n'est enregistré sur le serveur ni visible des autres utilisateurs, "
    "et tout est oublié à la fermeture de l'onglet."
)

uploaded = components.file_uploader("Fichier d'enquête", ["csv", "xlsx", "sav"], key=loaders.uploader_key())
if uploaded is not None:
    loaders.check_upload(uploaded.name, uploaded.getvalue())
    loaders.release_uploader(uploaded)  # the bytes are dropped once checked
    st.rerun()  # redraw the banner above, and an empty uploader

checked = loaders.last_check()
if isinstance(checked, loaders.Refused):
    st.error(components.plain(checked.message))
    st.markdown(f"**Que faire :** {components.plain(checked.hint)}")
elif checked is not None:
    st.subheader("Rapport de validation")
    components.findings_table(checked.results.validation)
    if checked.results.validation.ok:
        st.success("Toutes les pages affichent maintenant les résultats de ce fichier, pour cette session.")
    else:
        st.warning("Le fichier n'est pas utilisé : corrigez les problèmes listés puis chargez-le à nouveau.")

if loaders.UPLOAD_KEY in st.session_state:
    st.info(f"Données de cette session : « {components.plain(st.session_state[loaders.UPLOAD_KEY].name)} ».")
    if st.button("Revenir aux données du territoire"):
        loaders.forget_upload()
        st.rerun()

st.header("Modèles de fichiers")
st.download_button(
    "Télécharger le modèle de fichier d'enquête (CSV vide)",
    survey_template(results.spec.columns),
    file_name="modele_enquete.csv",
    mime="text/csv",
)
st.caption("Les valeurs attendues de chaque colonne sont décrites dans le dictionnaire de l'enquête, que fournit "
           "le service qui administre l'observatoire.")
st.download_button(
    "Télécharger le classeur de saisie des indicateurs (Excel)",
    loaders.indicator_template(results),
    file_name="modele_indicateurs.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
st.caption(
    "Pour les services qui alimentent les engagements : consignes, listes déroulantes et valeurs déjà connues. "
    "Une fois rempli, il est importé par le service qui administre l'observatoire."
)
