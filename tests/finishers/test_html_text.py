"""HTML as published → plain text / sanitized HTML (ingestion.html_text), and the XSS corpus
through the parser: every field a page publishes comes out inert."""

from __future__ import annotations

import json

import pytest

from ingestion.finishers.parser import parse_event_page
from ingestion.html_text import plain_description, plain_text, safe_url, sanitized_html

from .helpers import page_of
from .xss_corpus import XSS_VECTORS, corpus_props, inert_html, inert_text, safe_link


@pytest.mark.parametrize(
    ("published", "text"),
    [
        ("&lt;script&gt;alert(1)&lt;/script&gt;Trail", "Trail"),  # the issue's cases
        ("Trail <img src=x onerror=alert(3)", "Trail"),
        ("<SCRIPT>alert(6)</SCRIPT> Trail", "Trail"),
        # no-break spaces inside are kept as published (dbt's clean_text reads them)
        ("  Trail <b>des</b>&nbsp;Crêtes &amp; Lacs\u202f ", "Trail des\u00a0Crêtes & Lacs"),
        ("l&#39;eau &eacute;t&eacute; &#8211; 10&#xa0;km", "l'eau été – 10\u00a0km"),
        ("5 < 10, 3 <= 4", "5 < 10, 3 <= 4"),  # a lone `<` is text, kept
        ("<ul><li>Marathon</li><li>Semi</li></ul>", "Marathon Semi"),
        (" \u00a0 ", None),
        (None, None),
    ],
)
def test_plain_text(published: str | None, text: str | None) -> None:
    assert plain_text(published) == text


def test_description_keeps_paragraphs_list_items_and_headings_as_lines() -> None:
    published = (
        "<h2>Parcours</h2><p>Deux boucles&nbsp;:</p><ul><li>Marathon</li><li>Semi</li></ul>"
        "<p>Départ<br>9&nbsp;h</p><p>&lt;img src=x onerror=alert(2)&gt; desc</p>"
    )
    assert plain_description(published) == (
        "Parcours\nDeux boucles\u00a0:\nMarathon\nSemi\nDépart\n9\u00a0h\ndesc"
    )


def test_sanitized_html_keeps_only_the_allowlist() -> None:
    published = (
        '<h3>Infos</h3><p class="x" onclick="alert(1)">Lacs &amp; <b>forêts</b> '
        '<i>été</i></p><a href="https://site.example/a?b=1" target="_blank">site</a> '
        '<a href="javascript:alert(1)">js</a><script>alert(1)</script><img src=x>'
        "<table><tr><td>cell</td></tr></table>"
    )
    assert sanitized_html(published) == (
        "<p><strong>Infos</strong></p><p>Lacs &amp; <strong>forêts</strong> <em>été</em></p>"
        '<a href="https://site.example/a?b=1" rel="nofollow noopener">site</a> '
        '<a rel="nofollow noopener">js</a>cell'
    )
    assert sanitized_html("<script>alert(1)</script>") is None  # nothing left to show
    relative = '<a href="/x">famille</a> <a href="plan.pdf">plan</a>'
    assert sanitized_html(relative, "https://www.finishers.com/course/trail") == (
        '<a href="https://www.finishers.com/x" rel="nofollow noopener">famille</a> '
        '<a href="https://www.finishers.com/course/plan.pdf" rel="nofollow noopener">plan</a>'
    )
    assert sanitized_html(relative) == (  # no page to resolve them against: dropped
        '<a rel="nofollow noopener">famille</a> <a rel="nofollow noopener">plan</a>'
    )


def test_safe_url_keeps_http_only_and_percent_encodes() -> None:
    assert safe_url("https://res.cloudinary.com/x/île-de-france/a b.jpg") == (
        "https://res.cloudinary.com/x/%C3%AEle-de-france/a%20b.jpg"
    )
    assert safe_url("https://a.example/?q=%20x&y=1#top") == "https://a.example/?q=%20x&y=1#top"
    assert safe_url('https://a.example/"><script>') == "https://a.example/%22%3E%3Cscript%3E"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,x", "//x.example"):
        assert safe_url(bad) is None


def test_the_corpus_is_large_enough() -> None:
    assert len(XSS_VECTORS) >= 20


@pytest.mark.parametrize(("label", "vector"), XSS_VECTORS, ids=[v[0] for v in XSS_VECTORS])
def test_every_field_of_a_page_comes_out_inert(label: str, vector: str) -> None:
    i = XSS_VECTORS.index((label, vector))
    page = parse_event_page(page_of(corpus_props(i, vector)), f"xss-{i:02d}")
    ev = page.event
    for column in ("name", "subtitle", "description_text", "city", "tags"):
        assert inert_text(ev[column]), (column, ev[column])
    assert ev["name"].startswith(f"Trail {i}")
    assert ev["description_text"].startswith(f"Intro {i}")  # the text before the vector
    assert inert_html(ev["description_html"]), ev["description_html"]
    for column in ("website_url", "registration_url", "facebook_url", "image_url"):
        assert safe_link(ev[column]), (column, ev[column])
    race = page.races[0]
    for column in ("name", "formatted_title"):
        assert inert_text(race[column]), (column, race[column])
    assert safe_link(race["registration_url"])
    assert all(inert_text(leg["activity"]) for leg in json.loads(race["activities"]))
    # the unsafe links are nulled with a recorded reason
    assert {"validation: links.website", "validation: race.registration_url"} <= {
        issue.reason for issue in page.issues
    }
