"""folium elements whose script is one line calling ``static/atlas/atlas.js``, with data put in as text.

branca's ``MacroElement.render`` wraps each rendered macro in ``Element(text)``, which compiles that text as a
Jinja template: for an element carrying 100 KB of GeoJSON that is slow, and data containing ``{{`` would be
read as template code. ``AtlasScript`` adds its rendered text to the page as it is.
"""

from __future__ import annotations

from branca.element import Element, MacroElement
from jinja2 import Template


class Text(Element):
    """Text put into the page as it is (never compiled as a template)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Text"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class AtlasScript(MacroElement):
    """One line of glue in the map's script: ``function(<the map>, <data>);`` (data: JSON text)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code_for_parent() }}{% endmacro %}")

    def __init__(self, function: str, data_json: str):
        super().__init__()
        self._name = "AtlasScript"
        self.function = function
        self.data_json = data_json

    def code_for_parent(self) -> str:
        return f"{self.function}({self._parent.get_name()}, {self.data_json});"

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(Text(self.code_for_parent()), name=self.get_name())
