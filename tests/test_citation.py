"""CITATION.cff: rendered from core.citation, valid CFF 1.2.0, and the same citation the exports print."""

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from dashboard.core import citation
from dashboard.core.permalink import ViewState

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "data" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))


def cff_errors(doc) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(doc)]


def test_the_committed_citation_file_is_the_rendered_one():
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == citation.cff_text(), \
        "CITATION.cff is generated: write citation.cff_text() to it"


def test_the_citation_file_is_valid_cff_1_2():
    doc = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff_errors(doc) == []
    assert doc["cff-version"] == "1.2.0"
    assert doc["title"] == citation.TITLE and doc["authors"] == [{"name": citation.AUTHOR}]


@pytest.mark.parametrize("broken", [
    {"authors": []},  # at least one author
    {"cff-version": "1.1.0"},
    {"license": "Not-A-Licence"},
    {"date-released": "20 May 2024"},
])
def test_the_schema_check_rejects_broken_files(broken):
    doc = {**yaml.safe_load(citation.cff_text()), **broken}
    assert cff_errors(doc)


def test_the_licence_is_the_projects():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": citation.LICENSE}


def test_the_view_citation_starts_like_the_citation_file(atlas):
    from dashboard.core import export

    text = export.citation(atlas, ViewState("2020-11-12"), "http://example.org/")
    doc = yaml.safe_load(citation.cff_text())
    assert text.startswith(f"{doc['authors'][0]['name']}, {doc['title']} (release {doc['version']}), ")
    assert '"The situation on 2020-11-12"' in text and "dataset version sha256:" in text
    assert "http://example.org/?" in text
