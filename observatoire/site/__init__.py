"""Static public site built from a pipeline `Results` (no Streamlit, no JavaScript).

`data.from_results` keeps only published aggregates; `builder.build_site` writes the pages
(index, enquete + one page per indicator, engagements, methodologie, donnees, accessibilite)
and the open-data files (donnees/); `budget` measures each page's weight and requests.
"""
