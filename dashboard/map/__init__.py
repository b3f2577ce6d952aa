"""The map as Leaflet draws it: folium base maps, the date's layers as data, and the JS/CSS in ``static/``.

Everything about the domain (what is visible, what a feature says, the palette and the legend) comes from
``dashboard.core``; this package only turns it into Leaflet. The Streamlit host is ``dashboard.ui.mapcomponent``.
"""
