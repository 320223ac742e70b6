"""The one fake finishers.com: the shapes of its pages, site map and robots.txt.

Every generator of fake finishers data renders through here: the committed demo snapshot
(``build_snapshot``, from the tables in ``events.json`` and ``towns.csv``) and the
benchmark's synthetic catalogue (``bench.catalogue``, at any number of events). Pages have
the shape of ``/work/shared/finishers/examples``: a small server-rendered body and the
whole event in ``<script id="__NEXT_DATA__">``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import quote

CANONICAL = "https://www.finishers.com"
ROBOTS_DISALLOW = ("/account", "/book", "/docs")


def wrap(url: str | None, slug: str) -> str | None:
    """A link as the site publishes it: behind its ``/external`` redirect."""
    if url is None:
        return None
    return f"/external?url={quote(url, safe='')}&event={slug}"


def breadcrumb(
    country: tuple[str, str],
    region: str | None,
    department: str | None,
    city: str | None,
) -> list[dict[str, Any]]:
    """Country, then the admin areas and the city the event names (``country`` = code, label)."""
    crumbs: list[dict[str, Any]] = [{"type": "country", "label": country[1], "code": country[0]}]
    for kind, label in (("level1AdminArea", region), ("level2AdminArea", department)):
        if label:
            crumbs.append({"type": kind, "label": label})
    if city:
        crumbs.append({"type": "city", "label": city})
    return crumbs


def edition(year: int, status: str, start: str, end: str) -> dict[str, Any]:
    return {"year": year, "status": status, "dateRange": {"start": start, "end": end}}


#: ``pageProps.races[]`` keys in the site's order, each with its keyword in :func:`race_props`.
RACE_KEYS: dict[str, str] = {
    "id": "race_id",
    "raceId": "race_key",
    "raceEditionId": "race_edition_id",
    "name": "name",
    "formattedTitle": "title",
    "discipline": "discipline",
    "status": "status",
    "date": "date",
    "endDate": "end_date",
    "time": "time",
    "endTime": "end_time",
    "distance": "distance",
    "distanceUnit": "unit",
    "elevationGain": "gain",
    "elevationLoss": "loss",
    "itraPoints": "itra",
    "minPrice": "price",
    "registrationUrl": "registration",
    "lastEditionFinisherCount": "finishers",
    "isMostPopular": "popular",
    "description": "description",
    "activities": "activities",
}


def race_props(**fields: Any) -> dict[str, Any]:
    """One entry of ``pageProps.races`` from :data:`RACE_KEYS`' keywords (missing: null).

    ``race_id`` is the race's UUID, ``race_key`` its ``raceId``; no legs is ``[]``.
    """
    unknown = set(fields) - set(RACE_KEYS.values())
    if unknown:
        raise TypeError(f"unknown race fields: {sorted(unknown)}")
    props = {key: fields.get(name) for key, name in RACE_KEYS.items()}
    props["activities"] = props["activities"] or []
    props["isMostPopular"] = bool(props["isMostPopular"])
    return props


def leg(activity: str, distance: float, unit: str = "meters") -> dict[str, Any]:
    """One leg of a multisport race (``races[].activities``)."""
    return {"activity": activity, "distance": distance, "distanceUnit": unit}


def page_props(
    event: dict[str, Any],
    last_edition: dict[str, Any] | None,
    next_edition: dict[str, Any] | None,
    races: list[dict[str, Any]],
) -> dict[str, Any]:
    """``props.pageProps`` of an event page."""
    return {
        "event": event,
        "lastEdition": last_edition,
        "nextEdition": next_edition,
        "races": races,
        "disciplines": sorted({r["discipline"] for r in races}),
        "series": [],
        "customSubPages": [],
    }


def next_data_json(props: dict[str, Any], build_id: str, *, escape_close: bool = True) -> str:
    """The ``__NEXT_DATA__`` payload of an event page.

    Next.js escapes ``</`` inside the script so description HTML cannot close it; with
    ``escape_close=False`` the payload is left raw (the benchmark's pages, as they were).
    """
    data = {
        "props": {"pageProps": props},
        "page": "/course/[slug]",
        "query": {"slug": props["event"]["slug"]},
        "buildId": build_id,
        "locale": "fr",
    }
    payload = json.dumps(data, ensure_ascii=False)
    return payload.replace("</", "<\\/") if escape_close else payload


def page_head(name: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(name)} | Finishers</title></head><body>"
    )


def page_html(name: str, body: str, payload: str) -> str:
    """An event page: ``body`` rendered server-side, then the ``__NEXT_DATA__`` script."""
    script = f'<script id="__NEXT_DATA__" type="application/json">{payload}</script>'
    return page_head(name) + body + script + "</body></html>"


def render_page(props: dict[str, Any], build_id: str) -> str:
    """An event page shaped like finishers.com's server-rendered Next.js HTML."""
    name = escape(str(props["event"].get("name") or ""))
    body = f'<div id="__next"><h1>{name}</h1></div>'
    return page_html(str(props["event"].get("name") or ""), body, next_data_json(props, build_id))


def sitemap_url(slug: str, lastmod: str | None = None) -> str:
    """One ``<url>`` of the events site map, with its English alternate."""
    stamp = "" if lastmod is None else f"\n    <lastmod>{lastmod}</lastmod>"
    return (
        f"  <url>\n    <loc>{CANONICAL}/course/{slug}</loc>{stamp}\n"
        f'    <xhtml:link rel="alternate" hreflang="en" href="{CANONICAL}/en/event/{slug}"/>\n'
        "  </url>\n"
    )


SITEMAP_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
SITEMAP_TAIL = "</urlset>\n"


def render_sitemap(urls: Iterable[tuple[str, str | None]]) -> str:
    """The events site map of ``(slug, lastmod or None)`` pairs, in that order."""
    return SITEMAP_HEAD + "".join(sitemap_url(slug, stamp) for slug, stamp in urls) + SITEMAP_TAIL


def sitemap_index(locations: Iterable[str]) -> str:
    """A ``<sitemapindex>`` of site map files (past the protocol's 50,000 URLs)."""
    locs = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locations)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}'
        "</sitemapindex>\n"
    )


def robots_txt(disallow: Iterable[str] = ROBOTS_DISALLOW) -> str:
    rules = "".join(f"Disallow: {path}\n" for path in disallow)
    return f"User-agent: *\n{rules}Allow: /course/\n\nSitemap: {CANONICAL}/sitemap/events.xml\n"
