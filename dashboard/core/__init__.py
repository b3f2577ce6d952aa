"""The pure core: loading, validation, the time model, queries, building and exports (no streamlit)."""
