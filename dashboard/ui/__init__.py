"""The Streamlit app's pieces: they read widgets, call the core and render; no logic of their own."""
