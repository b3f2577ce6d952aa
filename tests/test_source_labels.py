import pytest

from dashboard.core import vocab
from dashboard.core.source_labels import KIND_LABELS, date_label, kind_label, remarks_label


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ({"published": "2020-10-03", "accessed": "2026-11-21"}, "2020-10-03"),
        ({"published": None, "accessed": "2026-11-21"}, "accessed 2026-11-21"),
        ({"published": "", "accessed": ""}, ""),
        ({}, ""),
    ],
)
def test_date_label_never_passes_a_reading_day_off_as_a_publication_date(source, label):
    assert date_label(source) == label


def test_every_source_kind_has_words_for_readers():
    assert set(KIND_LABELS) == set(vocab.SOURCE_KINDS)
    assert kind_label({"source_kind": "party_official"}) == "party's official statement"
    assert kind_label({}) == ""


@pytest.mark.parametrize(
    ("source", "remarks"),
    [
        ({"title": "Real headline", "source_kind": "wire_agency"}, "wire agency"),
        ({"title": "[Shelling of Tartar]", "source_kind": "party_media",
          "note": "title supplied (paraphrased from the page's text); copy on example.org"},
         "media of a party's side; title supplied by the atlas: paraphrased from the page's text"),
        ({"title": "[Shelling of Tartar]", "note": ""}, "title supplied by the atlas, not the page's own"),
        ({"title": "[in brackets] but more", "source_kind": "ngo"}, "NGO"),
    ],
)
def test_a_supplied_title_is_said_to_be_one_beside_the_source(source, remarks):
    """A journalist must not quote a title the atlas wrote as the outlet's words (docs/DATA.md: [brackets])."""
    assert remarks_label(source) == remarks
