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


#: slug → (page body, expected reject reason, severity). ``None`` = landed, no reject.
BAD_PAGES: dict[str, tuple[str | bytes, str | None, str | None]] = {
    "bad-no-next-data": ("<html><body><h1>Maintenance</h1></body></html>", "no_next_data", "page"),
    "bad-unterminated-script": (
        '<html><script id="__NEXT_DATA__" type="application/json">{"props": {',
        "no_next_data",
        "page",
    ),
    "bad-invalid-json": (
        with_next_data('{"props": {"pageProps": {"event": '),
        "invalid_json",
        "page",
    ),
    "bad-json-array": (with_next_data("[1, 2, 3]"), "invalid_json", "page"),
    "bad-no-page-props": (
        with_next_data('{"props": {}, "buildId": "x"}'),
        "missing_event_id",
        "page",
    ),
    "bad-no-event": (
        with_next_data('{"props": {"pageProps": {"races": []}}}'),
        "missing_event_id",
        "page",
    ),
    "bad-missing-id": (
        page_of(variant("bad-missing-id", _set("event.id", _DELETE))),
        "missing_event_id",
        "page",
    ),
    "bad-id-wrong-type": (
        page_of(variant("bad-id-wrong-type", _set("event.id", 12345))),
        "validation: event.id",
        "page",
    ),
    "bad-missing-name": (
        page_of(variant("bad-missing-name", _set("event.name", _DELETE))),
        "validation: event.name",
        "page",
    ),
    "bad-blank-name": (
        page_of(variant("bad-blank-name", _set("event.name", " \u202f "))),
        "validation: event.name",
        "page",
    ),
    "bad-not-utf8": (
        page_of(variant("bad-not-utf8", lambda p: None))
        .encode("utf-8")
        .replace("Crêtes".encode(), "Cr\xeates".encode("latin-1")),
        "not_utf8",
        "page",
    ),
    "bad-nan-coordinates": (
        page_of(
            variant("bad-nan-coordinates", _set("event.coordinates", {"lat": 1, "lng": 2}))
        ).replace('"lat": 1,', '"lat": NaN,'),
        "validation: coordinates",
        "field",
    ),
    "bad-out-of-range-coordinates": (
        page_of(
            variant(
                "bad-out-of-range-coordinates",
                _set("event.coordinates", {"lat": 148.85, "lng": 2.29}),
            )
        ),
        "validation: coordinates",
        "field",
    ),
    "bad-null-island": (
        page_of(variant("bad-null-island", _set("event.coordinates", {"lat": 0, "lng": 0}))),
        "validation: coordinates",
        "field",
    ),
    "bad-coordinates-strings": (
        page_of(
            variant("bad-coordinates-strings", _set("event.coordinates", {"lat": "n/a", "lng": ""}))
        ),
        "validation: coordinates",
        "field",
    ),
    "bad-negative-distance": (
        page_of(variant("bad-negative-distance", _set("races.0.distance", -62000))),
        "validation: race.distance",
        "field",
    ),
    "bad-distance-string": (
        page_of(variant("bad-distance-string", _set("races.0.distance", "soixante"))),
        "validation: race.distance",
        "field",
    ),
    "bad-negative-elevation": (
        page_of(variant("bad-negative-elevation", _set("races.1.elevationGain", -5))),
        "validation: race.elevation_gain",
        "field",
    ),
    "bad-date": (
        page_of(variant("bad-date", _set("races.0.date", "2027-13-45"))),
        "validation: race.date",
        "field",
    ),
    "bad-time": (
        page_of(variant("bad-time", _set("races.0.time", "9h30"))),
        "validation: race.time",
        "field",
    ),
    "bad-breadcrumb-type": (
        page_of(variant("bad-breadcrumb-type", _set("event.breadcrumb", "France > Vosges"))),
        "validation: breadcrumb",
        "field",
    ),
    "bad-tags-type": (
        page_of(variant("bad-tags-type", _set("event.tags", {"a": 1}))),
        "validation: tags",
        "field",
    ),
    "bad-first-year": (
        page_of(variant("bad-first-year", _set("event.firstEditionYear", "depuis 1990"))),
        "validation: first_edition_year",
        "field",
    ),
    "bad-races-not-a-list": (
        page_of(variant("bad-races-not-a-list", _set("races", "none"))),
        "validation: race",
        "field",
    ),
    "bad-race-without-id": (
        page_of(variant("bad-race-without-id", _set("races.2.id", None))),
        "validation: race.id",
        "field",
    ),
    "bad-html-script-in-name": (
        page_of(
            variant(
                "bad-html-script-in-name",
                _set("event.name", "<script>alert('x')</script><b>Trail</b> des Crêtes"),
            )
        ),
        None,
        None,
    ),
    "bad-sql-looking-strings": (
        page_of(
            variant(
                "bad-sql-looking-strings",
                _set("event.name", "Robert'); DROP TABLE raw_finishers.events;--"),
            )
        ),
        None,
        None,
    ),
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
