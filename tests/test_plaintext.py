"""Bidirectional controls: visible when shown, removed from file names."""

import pytest

from dashboard.core.plaintext import file_name, visible
from dashboard.ui.notices import notice_html


@pytest.mark.parametrize(("text", "expected"), [
    ("report\u202etxt.csv", "report[U+202E]txt.csv"),
    ("a\u2066b\u2069c\u200f", "a[U+2066]b[U+2069]c[U+200F]"),
    ("line\nbreak", "line[U+000A]break"),
    ("Şuşa / Շուշի", "Şuşa / Շուշի"),  # other scripts are left alone
])
def test_visible(text, expected):
    assert visible(text) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("report\u202etxt.csv", "reporttxt.csv"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("\u202e\u200b", "upload"),
    ("Xankəndi events.csv", "Xankəndi events.csv"),
])
def test_file_name(name, expected):
    assert file_name(name) == expected


def test_a_notice_is_escaped_text_in_a_box():
    hostile = "![x](https://evil.invalid/t.png) <img src=x onerror=alert(1)> \u202e & \"q\""
    box = notice_html("warning", hostile)
    body = box.split('role="alert">', 1)[1].removesuffix("</div>")
    assert body == ("![x](https://evil.invalid/t.png) &lt;img src=x onerror=alert(1)&gt; [U+202E] &amp; "
                    "&quot;q&quot;")
    assert "<img" not in box
