"""Markdown from records: the plain-prose fast path renders exactly as the markdown renderer does."""

from __future__ import annotations

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, _plain_paragraphs, markdown_html
from peerkit.markup import parser

prose = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,.;:'\"?!()/%£-–’\n\n\t*#>_[]<&+=")), max_size=80)


def slow(text: str) -> str:
    """The full renderer on every text, plain or not (the fast path never taken)."""
    html = parser().render(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True).rstrip("\n")


plain = st.text(alphabet=st.sampled_from(list("abcXYZé019 ,.;:'\"?!()/%£@-–’\n\n\n")), max_size=80)


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(st.one_of(prose, plain))
def test_fast_path_matches_markdown(text):
    assert str(markdown_html.__wrapped__(text)) == slow(text)


def test_fast_path_takes_plain_prose_and_leaves_markup_to_markdown():
    assert _plain_paragraphs("Went well.\nMet at the café.\n\nNext time: clinic letter.") == (
        "<p>Went well.\nMet at the café.</p>\n<p>Next time: clinic letter.</p>")
    for marked_up in ["**bold**", "- a list", "1. first", "# heading", "> quote", "    code", "a <b>", "x & y",
                      "a  \nhard break", "Title\n====="]:
        assert _plain_paragraphs(marked_up) is None, marked_up
