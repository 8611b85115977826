"""Streamlit layer: cached loaders and page components (French labels live in `observatoire.labels`).

The only package that imports Streamlit; everything it shows comes from `observatoire.pipeline.Results`.
What pages call (stable):

- `loaders.current_results() -> Results`: the session's upload, else the demo (cached by content).
- `loaders.shared(results, key, compute)`: a table, chart or map built from the territory's
  results once for every session (computed each time for an upload).
- `loaders.question_table(results, variable, breakdown)`, `loaders.comparison(...)`: on-demand
  estimates and differences (kept by the results' fingerprint: in the shared cache for the demo
  data, in the session for an upload).
- `loaders.check_upload(name, content)`, `loaders.release_uploader(uploaded)`,
  `loaders.last_check()`, `loaders.forget_upload()`: the Données page's upload cycle.
- `components.figure_card(row, label, help)`, `components.estimate_table(rows, group_labels,
  caption)`, `components.findings_table(report)`, `components.source_banner(results)` (app.py),
  `components.plain(text)` (user text shown literally in any Markdown element).
- `safeguards.keep_uploads_in_memory()`, `safeguards.unexpected_errors(page)` (app.py).
- `tables.display_table(rows, group_labels)` (the same table as data), `tables.group_names`,
  `tables.FLAG_TEXT`; `commitments.status_badge(row)`, `commitments.commitment_line(row, key)`.
"""
