"""Building blocks of test sites: bad pages, fault responses, custom site maps."""

from __future__ import annotations

import copy
from typing import Any

from ingestion.finishers.snapshot.build_snapshot import (
    ROBOTS_TXT,
    SITE_DIR,
    render_page,
    render_sitemap,
    snapshot_events,
    uid,
)
from ingestion.finishers.snapshot.server import DirectorySource, OverrideSource, PageResponse

SNAPSHOT = snapshot_events()
SNAPSHOT_SLUGS = [p["event"]["slug"] for p in SNAPSHOT]
GOOD = next(p for p in SNAPSHOT if p["event"]["slug"] == "trail-des-cretes-vosgiennes")


def html(body: str | bytes, **headers: str) -> PageResponse:
    data = body.encode() if isinstance(body, str) else body
    return PageResponse(200, data, {"Content-Type": "text/html; charset=utf-8", **headers})


def variant(slug: str, mutate: Any) -> dict[str, Any]:
    """A copy of a good event page under a new slug and id, changed by ``mutate(props)``."""
    props = copy.deepcopy(GOOD)
    props["event"]["slug"] = slug
    props["event"]["id"] = uid(slug, "event")
    for i, race in enumerate(props["races"]):
        race["id"] = uid(slug, "race", i)
    mutate(props)
    return props


def page_of(props: dict[str, Any]) -> str:
    return render_page(props)


def with_next_data(raw_json: str) -> str:
    return (
        '<html><body><script id="__NEXT_DATA__" type="application/json">'
        f"{raw_json}</script></body></html>"
    )


def _set(path: str, value: Any):
    def mutate(props: dict[str, Any]) -> None:
        node: Any = props
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if key.isdigit() else node[key]
        last = keys[-1]
        if value is _DELETE:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


_DELETE = object()


def _not_utf8(slug: str) -> bytes:
    page = page_of(variant(slug, lambda p: None)).encode("utf-8")
    return page.replace("Crêtes".encode(), "Cr\xeates".encode("latin-1"))


def _nan_coordinates(slug: str) -> str:
    page = page_of(variant(slug, _set("event.coordinates", {"lat": 1, "lng": 2})))
    return page.replace('"lat": 1,', '"lat": NaN,')


_SCRIPT_NAME = "<script>alert('x')</script><b>Trail</b> des Crêtes"
_SQL_NAME = "Robert'); DROP TABLE raw_finishers.events;--"
_FAR, _NOT_NUMBERS = {"lat": 148.85, "lng": 2.29}, {"lat": "n/a", "lng": ""}
_V, _P, _F = "validation: ", "page", "field"  # reason prefix, page and field severities

#: slug → (page body, or (path, value) set in a good page; expected reject reason, severity).
_BAD_PAGE_SPECS: dict[str, tuple[Any, str | None, str | None]] = {
    "bad-no-next-data": ("<html><body><h1>Maintenance</h1></body></html>", "no_next_data", _P),
    "bad-unterminated-script": (
        '<html><script id="__NEXT_DATA__" type="application/json">{"props": {',
        "no_next_data",
        _P,
    ),
    "bad-invalid-json": (
        with_next_data('{"props": {"pageProps": {"event": '), "invalid_json", _P
    ),
    "bad-json-array": (with_next_data("[1, 2, 3]"), "invalid_json", _P),
    "bad-no-page-props": (
        with_next_data('{"props": {}, "buildId": "x"}'), "missing_event_id", _P
    ),
    "bad-no-event": (
        with_next_data('{"props": {"pageProps": {"races": []}}}'), "missing_event_id", _P
    ),
    "bad-missing-id": (("event.id", _DELETE), "missing_event_id", _P),
    "bad-id-wrong-type": (("event.id", 12345), _V + "event.id", _P),
    "bad-missing-name": (("event.name", _DELETE), _V + "event.name", _P),
    "bad-blank-name": (("event.name", " \u202f "), _V + "event.name", _P),
    "bad-not-utf8": (_not_utf8("bad-not-utf8"), "not_utf8", _P),
    "bad-nan-coordinates": (_nan_coordinates("bad-nan-coordinates"), _V + "coordinates", _F),
    "bad-out-of-range-coordinates": (("event.coordinates", _FAR), _V + "coordinates", _F),
    "bad-null-island": (("event.coordinates", {"lat": 0, "lng": 0}), _V + "coordinates", _F),
    "bad-coordinates-strings": (("event.coordinates", _NOT_NUMBERS), _V + "coordinates", _F),
    "bad-negative-distance": (("races.0.distance", -62000), _V + "race.distance", _F),
    "bad-distance-string": (("races.0.distance", "soixante"), _V + "race.distance", _F),
    "bad-negative-elevation": (("races.1.elevationGain", -5), _V + "race.elevation_gain", _F),
    "bad-date": (("races.0.date", "2027-13-45"), _V + "race.date", _F),
    "bad-time": (("races.0.time", "9h30"), _V + "race.time", _F),
    "bad-breadcrumb-type": (("event.breadcrumb", "France > Vosges"), _V + "breadcrumb", _F),
    "bad-tags-type": (("event.tags", {"a": 1}), _V + "tags", _F),
    "bad-first-year": (("event.firstEditionYear", "depuis 1990"), _V + "first_edition_year", _F),
    "bad-races-not-a-list": (("races", "none"), _V + "race", _F),
    "bad-race-without-id": (("races.2.id", None), _V + "race.id", _F),
    "bad-html-script-in-name": (("event.name", _SCRIPT_NAME), None, None),
    "bad-sql-looking-strings": (("event.name", _SQL_NAME), None, None),
}  # fmt: skip


def _bad_body(slug: str, spec: Any) -> str | bytes:
    return page_of(variant(slug, _set(*spec))) if isinstance(spec, tuple) else spec


#: slug → (page body, expected reject reason, severity). ``None`` = landed, no reject.
BAD_PAGES: dict[str, tuple[str | bytes, str | None, str | None]] = {
    slug: (_bad_body(slug, spec), reason, severity)
    for slug, (spec, reason, severity) in _BAD_PAGE_SPECS.items()
}


def big_page() -> bytes:
    """A 10 MB page (a real event page padded with a huge HTML comment)."""
    page = page_of(variant("bad-ten-megabytes", lambda p: None))
    return (page[:-14] + "<!--" + "x" * (10 * 1024 * 1024) + "-->" + page[-14:]).encode()


def http_faults() -> dict[str, PageResponse | list[PageResponse]]:
    """Responses by path: slug → fault; expected reasons in ``HTTP_FAULTS_EXPECTED``."""
    return {
        "/course/bad-ten-megabytes": html(big_page()),
        "/course/bad-redirect-elsewhere": PageResponse(
            302, b"", {"Location": "https://evil.example/course/trail"}, conditional=False
        ),
        "/course/bad-404": PageResponse(404, b"gone", conditional=False),
        "/course/bad-410": PageResponse(410, b"gone for good", conditional=False),
        "/course/bad-429": PageResponse(429, b"slow down", {"Retry-After": "0"}, conditional=False),
        "/course/bad-500": PageResponse(500, b"oops", conditional=False),
        "/course/bad-stall-mid-body": PageResponse(
            200,
            page_of(variant("bad-stall-mid-body", lambda p: None)).encode(),
            {"Content-Type": "text/html"},
            stall_after_bytes=500,
            stall_seconds=30,
        ),
    }


#: slug → (reason, transient: a failed fetch retried next run)
HTTP_FAULTS_EXPECTED: dict[str, tuple[str, bool]] = {
    "bad-ten-megabytes": ("too_large", False),
    "bad-redirect-elsewhere": ("foreign_host", False),
    "bad-404": ("http_404", False),
    "bad-410": ("http_410", False),
    "bad-429": ("http_429", True),
    "bad-500": ("http_500", True),
    "bad-stall-mid-body": ("timeout", True),
}


def bad_site(extra_locs: list[str] | None = None) -> OverrideSource:
    """The snapshot plus every bad page and HTTP fault, all listed in the site map."""
    slugs = SNAPSHOT_SLUGS + list(BAD_PAGES) + list(HTTP_FAULTS_EXPECTED)
    sitemap = render_sitemap(slugs)
    if extra_locs:
        extra = "".join(f"  <url><loc>{loc}</loc></url>\n" for loc in extra_locs)
        sitemap = sitemap.replace("</urlset>", extra + "</urlset>")
    overrides: dict[str, PageResponse | list[PageResponse]] = {
        "/robots.txt": PageResponse(200, ROBOTS_TXT.encode()),
        "/sitemap/events.xml": PageResponse(200, sitemap.encode()),
    }
    for slug, (body, _, _) in BAD_PAGES.items():
        overrides[f"/course/{slug}"] = html(body)
    overrides.update(http_faults())
    return OverrideSource(DirectorySource(SITE_DIR), overrides)


class DictSource:
    """A site held in memory: path → response; ``missing`` paths answer 404."""

    def __init__(self, responses: dict[str, PageResponse]) -> None:
        self.responses = responses

    def get(self, path: str) -> PageResponse | None:
        return self.responses.get(path)


def synthetic_site(
    slugs: list[str], listed: list[str] | None = None, starts: str | None = None
) -> DictSource:
    """One good event page per slug (variants of a real page); the site map lists ``listed``.

    ``starts`` (``YYYY-MM-DD``) moves the next edition to that day.
    """

    def mutate(props: dict[str, Any]) -> None:
        if starts:
            props["nextEdition"]["dateRange"] = {"start": starts, "end": starts}

    responses = {
        "/robots.txt": PageResponse(200, ROBOTS_TXT.encode()),
        "/sitemap/events.xml": PageResponse(
            200, render_sitemap(slugs if listed is None else listed).encode()
        ),
    }
    for slug in slugs:
        responses[f"/course/{slug}"] = html(page_of(variant(slug, mutate)))
    return DictSource(responses)


def relist(source: DictSource, listed: list[str]) -> None:
    """Tonight's site map lists ``listed`` (the pages stay served)."""
    source.responses["/sitemap/events.xml"] = PageResponse(200, render_sitemap(listed).encode())
