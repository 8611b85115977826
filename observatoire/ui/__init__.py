"""Streamlit layer: cached loaders, page components and French labels.

The only package that imports Streamlit; everything it shows comes from `observatoire.pipeline.Results`.
"""
