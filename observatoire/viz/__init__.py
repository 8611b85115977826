"""Pure chart and map builders (Altair, pydeck) from tidy tables; no Streamlit.

`legend` (class breaks, palettes, reliability labels), `maps` (choropleth + text alternative),
`charts` (bars with CI whiskers, trends with CI band, target and projection).
"""
