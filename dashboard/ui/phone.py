"""Narrow screens (phones, 390 px): a compact header so the date control and the map come first."""

# Streamlit stacks columns below 640 px; so does this. The sidebar starts collapsed there on its own
# (st.set_page_config(initial_sidebar_state="auto")). The map's own CSS (legend, popups) lives with the map.
CSS = """
<style>
@media (max-width: 640px) {
  .block-container { padding-top: 3.6rem; }
  .block-container h1 { font-size: 1.55rem; padding: .2rem 0 .1rem; }
  .block-container h1 + div, .block-container [data-testid="stCaptionContainer"] { font-size: .78rem; }
}
</style>
"""
