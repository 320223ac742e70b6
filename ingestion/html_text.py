"""HTML as published → what Bouge shows: plain text, or HTML sanitized with an allowlist.

The one place where the project decides what is markup. Every source's parser calls it
at parse time (SQL has no HTML parser), and dbt only trims and types the result.

- :func:`plain_text` for one-line fields (names, subtitles, labels, race titles): the
  text a browser would show, on one line.
- :func:`plain_description` for descriptions: the same, with paragraphs, list items,
  headings and ``<br>`` kept as line breaks.
- :func:`sanitized_html` for an app that renders HTML: only ``p, br, ul, ol, li,
  strong, em`` and ``a`` with an http(s) ``href`` and ``rel="nofollow noopener"``.
- :func:`safe_url`: http(s) URLs only, percent-encoded.

Parsing is done by `nh3 <https://nh3.readthedocs.io>`_ (the Rust ``ammonia`` sanitizer on
the html5ever parser: it reads markup as a browser does: mixed case, unclosed tags,
comments, CDATA, SVG). Entities are decoded *before* deciding what is markup: the text is
decoded and parsed again until it no longer changes, so ``&lt;script&gt;`` (or
``&amp;lt;script&amp;gt;``) is treated as the tag a careless renderer would make of it,
never passed through as live markup. Plain-text results never contain ``<`` followed by a
letter, ``/``, ``!`` or ``?`` (:data:`MARKUP`).

Blanks are what HTML collapses (spaces, tabs, line breaks). No-break and thin spaces are
text a browser shows: inside a value they are kept as published, and read as spaces by
dbt's ``clean_text`` / ``clean_lines`` macros, the one place Bouge normalises them for every
source. Only a value's ends are trimmed of every kind of blank (a name of blanks alone is
empty: the parser rejects it).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import nh3

#: What counts as markup in a plain-text value (also the dbt test `no_markup`).
MARKUP = re.compile(r"<[A-Za-z/!?]")

#: Tags whose content is dropped with them (never text a reader should see).
_CONTENT_DROPPED = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "noembed",
    "noframes",
    "xmp",
    "textarea",
    "select",
    "svg",
    "math",
    "title",
    "head",
}
#: Block tags whose boundaries are line breaks in a plain description.
_BLOCKS = {"p", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "tr", "ul", "ol"}
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(_BLOCKS)) + r")>")
#: The allowlist of :func:`sanitized_html` (headings become strong paragraphs first).
HTML_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a"}
_RENAMED = {"b": "strong", "i": "em"}
_HEADING = re.compile(r"<(/?)h[1-6]>")
_SPACES = re.compile(r"[ \t\r\f\v]+")  # no-break spaces are text: kept (see above)
_LINE_BREAKS = re.compile(r" ?\n[ \n]*")
_MAX_PASSES = 5
# RFC 3986 reserved and unreserved characters, and `%` (already-encoded input is kept).
_URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"


def _one_pass(value: str, keep_blocks: bool) -> str:
    """Decode entities, parse, drop every tag (block tags → line breaks), decode again."""
    decoded = html.unescape(value)
    cleaned = nh3.clean(
        decoded,
        tags=_BLOCKS if keep_blocks else set(),
        clean_content_tags=_CONTENT_DROPPED,
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    if keep_blocks:  # ammonia's output: bare, well-formed block tags
        cleaned = _BLOCK_TAG.sub("\n", cleaned)
    return html.unescape(cleaned)


def _to_text(value: str | None, keep_blocks: bool) -> str | None:
    if value is None:
        return None
    if "<" not in value and "&" not in value:
        return value  # no markup, no entity: nothing for the parser to do (fast path)
    text = value
    for _ in range(_MAX_PASSES):
        again = _one_pass(text, keep_blocks)
        if again == text:
            break
        text = again
    # Still markup after as many passes (5 levels of entity encoding): defused, not kept.
    text = MARKUP.sub(lambda m: "< " + m.group(0)[1:], text)
    return text


def plain_text(value: str | None) -> str | None:
    """One line of plain text: tags and their risky content dropped, entities decoded,
    block boundaries and runs of blanks (spaces, tabs, line breaks) → one space, no-break
    spaces inside kept; empty → None."""
    text = plain_description(value)
    return text.replace("\n", " ") if text else None


def plain_description(value: str | None) -> str | None:
    """Plain text keeping the structure: one line per paragraph, list item or heading."""
    text = _to_text(value, keep_blocks=True)
    if text is None:
        return None
    text = _SPACES.sub(" ", text)
    text = _LINE_BREAKS.sub("\n", text).strip()
    return text or None


def sanitized_html(value: str | None, base_url: str | None = None) -> str | None:
    """HTML keeping only the allowlist (:data:`HTML_TAGS`), links http(s) and nofollow.

    A relative link is resolved against ``base_url`` (the page it was published on), or
    dropped without one."""
    if value is None:
        return None
    decoded = html.unescape(value)
    # Entities decoded first, as for the text: escaped markup is judged as markup.
    for _ in range(_MAX_PASSES):
        again = html.unescape(decoded)
        if again == decoded:
            break
        decoded = again
    normalised = nh3.clean(
        decoded,
        tags=HTML_TAGS | set(_RENAMED) | {f"h{n}" for n in range(1, 7)},
        clean_content_tags=_CONTENT_DROPPED,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
        strip_comments=True,
        link_rel=None,
    )
    for old, new in _RENAMED.items():
        normalised = normalised.replace(f"<{old}>", f"<{new}>").replace(f"</{old}>", f"</{new}>")
    normalised = _HEADING.sub(
        lambda m: "</strong></p>" if m.group(1) else "<p><strong>", normalised
    )
    cleaned = nh3.clean(
        normalised,
        tags=HTML_TAGS,
        clean_content_tags=_CONTENT_DROPPED,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        url_relative="deny",
        strip_comments=True,
        link_rel="nofollow noopener",
    ).strip()
    return cleaned if plain_text(cleaned) else None


def safe_url(value: str | None) -> str | None:
    """An absolute http(s) URL, percent-encoded (``île`` → ``%C3%AEle``); else None."""
    if value is None:
        return None
    url = value.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=_URL_SAFE)
